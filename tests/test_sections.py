"""Section splitter and metadata: the five seeds, then synthetic layouts from the field guide."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import SEEDS_DIR, load_gold_seed, needs_shared
from gknlp.model import SECTION_IDS, Section
from gknlp.sections import find_meta, find_sections, rule_fires

_FULL_WIDTH_DIGITS = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９"}


def _scratch_normalise(raw: str) -> str:
    """Stand-in for the reader while it is not there: the per-character normalisation only."""
    text = raw.replace("**", "").replace("[bookmark: _GoBack]", "").replace("\u3000", " ")
    return text.translate(_FULL_WIDTH_DIGITS)


def seed_text(name: str) -> str:
    """The normalised text of a seed: the reader's when it works, else the scratch normalisation."""
    path = SEEDS_DIR / name
    try:
        from gknlp.reader import read_file

        return read_file(path).text
    except Exception:  # the reader is being written in parallel; fall back rather than fail
        return _scratch_normalise(path.read_text("utf-8"))


def check_invariants(text: str, sections: tuple[Section, ...]) -> None:
    """Offsets agree with the text; sections are contiguous and never contain the next heading."""
    for k, s in enumerate(sections):
        assert text[s.start : s.start + len(s.heading)] == s.heading
        assert s.heading == s.heading.strip()
        assert s.start < s.body_start <= s.end
        assert text[s.start : s.body_start].strip().startswith(s.heading)
        if k + 1 < len(sections):
            nxt = sections[k + 1]
            assert s.end == nxt.start
            assert nxt.heading not in text[s.body_start : s.end]
        for sub in s.subsections:
            assert s.body_start <= sub.start < sub.end <= s.end
            assert text[sub.start : sub.start + len(sub.heading)] == sub.heading


# ---------------------------------------------------------------- seeds


@dataclass(frozen=True)
class SeedCase:
    name: str
    headings: tuple[str, ...]
    title: str
    subsections: dict[str, int] = field(default_factory=dict)  # section id -> number of sub-heads


_STANDARD = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

CASES_SEEDS = [
    SeedCase(
        "000_4fb6e0fcd3eb9312.txt",
        _STANDARD,
        "濮阳市人民政府办公室2020年政府信息公开工作年度报告",
        {"overview": 0, "requests": 0, "problems": 4},
    ),
    SeedCase(
        "001_9c9c3306f06c5393.txt",
        (*_STANDARD[:4], "五、存在问题及整改举措", "六、其他需要报告事项"),
        "亳州市人民政府2020年政府信息公开工作年度报告",
        {"overview": 5, "requests": 0},
    ),
    SeedCase(
        "002_5e7b7750513ba6ef.txt",
        (*_STANDARD[:4], "五、存在的主要问题及改进措施情况", _STANDARD[5]),
        "蓬溪县政府办公室2019年度政府信息公开工作报告",
        {"overview": 5, "requests": 0, "problems": 2},
    ),
    SeedCase(
        "003_49c0d768678019fb.txt",
        _STANDARD,
        "驻马店市人民政府2019年政府信息公开工作年度报告",
        {"overview": 6, "requests": 0},
    ),
    SeedCase(
        "004_2942a029380f7b3b.txt",
        _STANDARD,
        "新乡县人民政府2020年工作年报",
        {"overview": 3, "requests": 0},
    ),
]

_TABLE_ROWS = ("本年新收", "上年结转", "本年度办理结果", "结转下年度")


@needs_shared
@pytest.mark.parametrize("case", CASES_SEEDS, ids=lambda c: c.name[:3])
@pytest.mark.parametrize("raw", [False, True], ids=["normalised", "raw"])
def test_seed_sections(case: SeedCase, raw: bool) -> None:
    text = (SEEDS_DIR / case.name).read_text("utf-8") if raw else seed_text(case.name)
    found = find_sections(text)
    assert [s.id for s in found.items] == list(SECTION_IDS)
    assert [s.heading for s in found.items] == list(case.headings)
    assert found.warnings == ()
    check_invariants(text, found.items)
    assert not any(row in s.heading for s in found.items for row in _TABLE_ROWS)
    by_id = {s.id: s for s in found.items}
    for section_id, count in case.subsections.items():
        assert len(by_id[section_id].subsections) == count, section_id
    assert found.items[-1].end <= len(text.rstrip())


@needs_shared
@pytest.mark.parametrize("case", CASES_SEEDS, ids=lambda c: c.name[:3])
def test_seed_meta(case: SeedCase) -> None:
    text = seed_text(case.name)
    meta, warnings = find_meta(text, find_sections(text).items)
    gold = load_gold_seed(case.name)["meta"]
    assert (meta.issuer, meta.year) == (gold["issuer"], gold["year"])
    assert meta.title == case.title
    assert warnings == []


@needs_shared
def test_seed_003_overview_starts_at_second_heading() -> None:
    text = seed_text("003_49c0d768678019fb.txt")
    first = text.find("一、总体情况")
    second = text.find("一、总体情况", first + 1)
    overview = find_sections(text).items[0]
    assert 0 <= first < second == overview.start


@needs_shared
def test_seed_001_trailing_spam_is_not_report_body() -> None:
    raw = (SEEDS_DIR / "001_9c9c3306f06c5393.txt").read_text("utf-8")
    other = find_sections(raw).items[-1]
    assert "直播" not in raw[other.start : other.end]


# ---------------------------------------------------------------- synthetic layouts

_PREAMBLE = (
    "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
    "政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项组成。"
)


def _report(*parts: str, sep: str = "\n", bodies: tuple[str, ...] = ()) -> str:
    bodies = bodies or tuple(f"第{i}部分正文。" for i in range(len(parts)))
    return sep.join(f"{h}{sep}{b}" for h, b in zip(parts, bodies, strict=True))


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    expected: list[tuple[str, str]]  # (section id, heading)
    warnings: list[str] = field(default_factory=list)  # substrings, one per expected warning
    subsections: list[str] = field(default_factory=list)  # headings of the problems sub-heads


_SIX = list(zip(SECTION_IDS, _STANDARD, strict=True))

CASES_LAYOUTS = [
    Case(
        "one line, no line breaks",
        "某县人民政府2021年政府信息公开工作年度报告"
        + _PREAMBLE
        + "".join(f"{h}第{i}部分正文，内容从略。" for i, h in enumerate(_STANDARD)),
        _SIX,
    ),
    Case(
        "heading glued to the previous paragraph",
        "一、总体情况\n我局扎实推进工作。二、主动公开政府信息情况\n本年制发规章0件。\n" + _report(*_STANDARD[2:]),
        _SIX,
    ),
    Case(
        "headings without numbers, one glued to the end of a paragraph",
        _PREAMBLE + "\n总体情况\n全年主动公开信息120条。\n主动公开政府信息情况\n本年制发规范性文件3件。\n"
        "收到和处理政府信息公开申请情况\n本年新收申请5件。\n政府信息公开行政复议、行政诉讼情况\n"
        "未发生行政复议、行政诉讼，相关数量均为0。存在的主要问题及改进情况\n部分栏目更新不及时。\n"
        "其他需要报告的事项\n无。",
        [(sid, h.split("、", 1)[1]) for sid, h in _SIX],
    ),
    Case(
        "dash for 一, stray 、 and ：",
        _report("—、总体情况、", "二、主动公开政府信息情况：", *_STANDARD[2:]),
        [("overview", "—、总体情况、"), ("proactive", "二、主动公开政府信息情况："), *_SIX[2:]],
    ),
    Case(
        "contents block at the top",
        "目录\n" + "\n".join(f"{h}……{i + 1}" for i, h in enumerate(_STANDARD)) + "\n" + _report(*_STANDARD),
        _SIX,
    ),
    Case(
        "preamble listing the titles, then bold indented headings",
        _PREAMBLE + "\n" + _report(*(f"  **{h}**" for h in _STANDARD)),
        _SIX,
    ),
    Case(
        "problems split into 五、存在问题 and 六、改进措施",
        _report(*_STANDARD[:4], "五、存在问题", "六、改进措施", "七、其他需要报告的事项"),
        [*_SIX[:4], ("problems", "五、存在问题"), ("other", "七、其他需要报告的事项")],
        subsections=["六、改进措施"],
    ),
    Case(
        "pre-2019 structure with 收费及减免",
        "安阳市教育局2015年政府信息公开工作年度报告\n"
        + _report(
            "一、概述",
            "二、主动公开政府信息情况",
            "三、依申请公开和不予公开情况",
            "四、政府信息公开的收费及减免情况",
            "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
            "六、政府信息公开工作存在的主要问题及改进措施",
            "七、其他需要报告的事项",
        ),
        [
            ("overview", "一、概述"),
            ("proactive", "二、主动公开政府信息情况"),
            ("requests", "三、依申请公开和不予公开情况"),
            ("review_litigation", "五、因政府信息公开申请行政复议、提起行政诉讼的情况"),
            ("problems", "六、政府信息公开工作存在的主要问题及改进措施"),
            ("other", "七、其他需要报告的事项"),
        ],
        ["kept inside requests: 四、政府信息公开的收费及减免情况"],
    ),
    Case(
        "four-part small report",
        _report(
            "一、总体情况", "二、主动公开政府信息情况", "三、政府信息公开工作存在的主要问题及改进情况", "四、其他需要报告的事项"
        ),
        [
            ("overview", "一、总体情况"),
            ("proactive", "二、主动公开政府信息情况"),
            ("problems", "三、政府信息公开工作存在的主要问题及改进情况"),
            ("other", "四、其他需要报告的事项"),
        ],
        ["section not found: requests", "section not found: review_litigation"],
    ),
    Case(
        "table rows with | cells never open sections",
        _report(*_STANDARD[:3])
        + "\n一、本年新收政府信息公开申请数量 | 0 | 0 |\n三、本年度办理结果 | (一)予以公开 | 0 |\n"
        + "四、结转下年度继续办理 | 0 | 0 |\n"
        + _report(*_STANDARD[3:]),
        _SIX,
    ),
    Case(
        "section headings numbered （一）",
        _report(*(f"（{n}）{h[2:]}" for n, h in zip("一二三四五六", _STANDARD, strict=True))),
        [(i, f"（{n}）{h[2:]}") for n, (i, h) in zip("一二三四五六", _SIX, strict=True)],
    ),
    Case(
        "overview sub-heads that look like later sections",
        "一、总体情况\n（一）主动公开情况\n正文。\n（二）依申请公开情况\n正文。\n" + _report(*_STANDARD[1:]),
        _SIX,
    ),
    Case(
        "part out of order",
        _report(*_STANDARD[:3], "四、存在的主要问题及改进情况", "五、政府信息公开行政复议、行政诉讼情况", _STANDARD[5]),
        [*_SIX[:3], ("problems", "四、存在的主要问题及改进情况"), ("review_litigation", "五、政府信息公开行政复议、行政诉讼情况"), _SIX[5]],
        ["sections out of order"],
    ),
    Case(
        "numbered titles listed inline in the preamble",
        "本报告包括一、总体情况；二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况。\n" + _report(*_STANDARD),
        _SIX,
    ),
    Case(
        "not a report: training news",
        "我市举办政务公开业务培训班\n3月5日，市政府办公室举办全市政务公开业务培训班，120余人参加。"
        "培训围绕主动公开、依申请公开等内容进行讲解。",
        [],
        ["not an annual disclosure report"],
    ),
    Case("not a report: empty text", "", [], ["not an annual disclosure report"]),
]


@pytest.mark.parametrize("case", CASES_LAYOUTS, ids=lambda c: c.name)
def test_layouts(case: Case) -> None:
    found = find_sections(case.text)
    assert [(s.id, s.heading) for s in found.items] == case.expected
    assert len(found.warnings) == len(case.warnings)
    for expected, warning in zip(case.warnings, found.warnings, strict=True):
        assert expected in warning
    check_invariants(case.text, found.items)
    if case.subsections:
        problems = next(s for s in found.items if s.id == "problems")
        assert [sub.heading for sub in problems.subsections] == case.subsections


def test_split_problems_cover_both_parts() -> None:
    text = _report(*_STANDARD[:4], "五、存在问题", "六、改进措施", "七、其他需要报告的事项")
    problems = next(s for s in find_sections(text).items if s.id == "problems")
    assert "六、改进措施" in text[problems.body_start : problems.end]
    assert problems.end == text.index("七、其他")


# ---------------------------------------------------------------- metadata


@dataclass(frozen=True)
class MetaCase:
    name: str
    text: str
    title: str | None
    issuer: str | None
    year: int | None
    warnings: int = 0


_BODY = "\n" + _report(*_STANDARD)

CASES_META = [
    MetaCase(
        "issuer and title on two lines",
        "濮阳市人民政府办公室\n2020年政府信息公开工作年度报告" + _BODY,
        "濮阳市人民政府办公室2020年政府信息公开工作年度报告",
        "濮阳市人民政府办公室",
        2020,
    ),
    MetaCase(
        "title broken inside the wording",
        "平顶山市人民政府2020年政府信息公开\n工作年度报告" + _BODY,
        "平顶山市人民政府2020年政府信息公开工作年度报告",
        "平顶山市人民政府",
        2020,
    ),
    MetaCase(
        "issuer after the year",
        "2020年度北京市海淀区人民政府政府信息公开工作年度报告" + _BODY,
        "2020年度北京市海淀区人民政府政府信息公开工作年度报告",
        "北京市海淀区人民政府",
        2020,
    ),
    MetaCase(
        "publication date does not give the year; 统计期限 does",
        "发布时间:2021-03-09\n本报告统计期限自2020年1月1日至2020年12月31日。由商丘市民政局编制。" + _BODY,
        None,
        "商丘市民政局",
        2020,
        1,
    ),
    MetaCase(
        "issuer from the signature",
        "2020年政府信息公开工作年度报告" + _BODY + "\n\n开封市禹王台区新门关街道办事处\n2021年1月20日",
        "2020年政府信息公开工作年度报告",
        "开封市禹王台区新门关街道办事处",
        2020,
    ),
    MetaCase(
        "township in running text with no line breaks",
        "石桥镇人民政府2021年政府信息公开工作年度报告" + _PREAMBLE + "一、总体情况正文。二、主动公开政府信息情况正文。",
        "石桥镇人民政府2021年政府信息公开工作年度报告",
        "石桥镇人民政府",
        2021,
    ),
    MetaCase(
        "title without a year, the year from the 统计期限, the office in the signature",
        "江口县人民政府政府信息公开工作年度报告\n本报告统计期限自2023年1月1日至2023年12月31日。"
        + _BODY + "\n\n江口县人民政府办公室\n2024年1月20日",
        "江口县人民政府政府信息公开工作年度报告",
        "江口县人民政府",
        2023,
    ),
    MetaCase("nothing known", "一段与年报无关的文字。", None, None, None, 3),
]


@pytest.mark.parametrize("case", CASES_META, ids=lambda c: c.name)
def test_meta(case: MetaCase) -> None:
    meta, warnings = find_meta(case.text, find_sections(case.text).items)
    assert (meta.title, meta.issuer, meta.year) == (case.title, case.issuer, case.year)
    assert len(warnings) == case.warnings


# ---------------------------------------------------------------- robustness


def test_unknown_rule_id() -> None:
    with pytest.raises(KeyError):
        rule_fires("section.nope", "一、总体情况")


@pytest.mark.parametrize(
    "text",
    ["一、总体情况" * 20000, "（一）" * 50000, ("本年新收政府信息公开申请数量\t0\t0\n" * 5000), "一、\n" * 20000],
    ids=["repeated heading", "repeated markers", "table rows", "bare numbers"],
)
def test_pathological_text_is_fast_and_does_not_raise(text: str) -> None:
    began = time.perf_counter()
    found = find_sections(text)
    find_meta(text, found.items)
    assert time.perf_counter() - began < 3.0


def test_rule_file_path_exists() -> None:
    from gknlp.resources import rules_dir

    assert (Path(rules_dir()) / "sections.toml").is_file()
