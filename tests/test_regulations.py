"""Regulations: documents named in 《》, their 文号, aliases and mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from conftest import GOLD_SEEDS_DIR, SEED_NAMES, SEEDS_DIR, load_gold_seed, needs_shared
from gknlp.facts.regulations import (
    extract_regulations,
    extract_regulations_in,
    find_titles,
    normalise_doc_number,
    normalise_title,
)
from gknlp.model import Section

# (title, doc_number, alias, mentions)
Expected = tuple[str, str | None, str | None, int]


@dataclass(frozen=True)
class Case:
    text: str
    expected: list[Expected]
    # Where the scope (overview body) starts; text before it is preamble.
    scope_from: str | None = None
    warnings: int = 0
    note: str = field(default="", compare=False)


CASES_SEEDS = [  # short fragments of the seed reports in ../shared/seeds
    Case(
        "贯彻落实《国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见》（国办发〔2019〕54号）和",
        [("国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见", "国办发〔2019〕54号", None, 1)],
    ),
    Case(
        "编制公开了《全市公共服务事项目录》《市政府制度文件汇编》",
        [("全市公共服务事项目录", None, None, 1), ("市政府制度文件汇编", None, None, 1)],
    ),
    Case(
        "严格落实《国务院办公厅政府信息与政务公开办公室关于规范政府信息公开平台有关事项的通知》(国办公开办函〔2019〕61号)要求",
        [("国务院办公厅政府信息与政务公开办公室关于规范政府信息公开平台有关事项的通知", "国办公开办函〔2019〕61号", None, 1)],
    ),
    Case(
        "出台《政务公开工作考评细则(部门)》和《政务公开工作考评细则(乡镇)》",
        [("政务公开工作考评细则(部门)", None, None, 1), ("政务公开工作考评细则(乡镇)", None, None, 1)],
    ),
    Case(
        "根据《国务院有关部门26个试点领域基层政务公开标准指引》，编制完成了26个试点领域",
        [("国务院有关部门26个试点领域基层政务公开标准指引", None, None, 1)],
    ),
    Case(  # 001: the alias is declared in the preamble, used in the overview
        "根据《中华人民共和国政府信息公开条例》(国务院令第711号)(以下简称《条例》)编制。\n"
        "一、总体情况\n认真贯彻《中华人民共和国政府信息公开条例》。一是根据《条例》对制度进行梳理",
        [("中华人民共和国政府信息公开条例", "国务院令第711号", "条例", 2)],
        scope_from="一、总体情况",
    ),
    Case(  # 003: 文号 only in the preamble, 《条例》 undeclared
        "根据《中华人民共和国政府信息公开条例》（国务院第711号令）编制。\n一、总体情况\n严格按照新《条例》要求",
        [("中华人民共和国政府信息公开条例", "国务院第711号令", "条例", 1)],
        scope_from="一、总体情况",
    ),
    Case(  # 000: undeclared short title in the measures
        "按照《中华人民共和国政府信息公开条例》要求。落实《政府信息公开条例》新要求",
        [("中华人民共和国政府信息公开条例", None, "政府信息公开条例", 2)],
    ),
    Case(  # 001: a bulletin named in quotes is no title at all
        "通过“亳州政报”等渠道公开",
        [],
    ),
    Case(  # 002: the 条例 only in the preamble is out of scope
        "根据《中华人民共和国政府信息公开条例》第四十九条规定编制。\n一、总体情况\n全面落实信息公开条例",
        [],
        scope_from="一、总体情况",
    ),
]

CASES_FIELD_GUIDE = [  # the variation FIELD-GUIDE.md describes
    Case("印发《关于做好政务公开工作的通知》（川办发﹝2021﹞30号）", [("关于做好政务公开工作的通知", "川办发〔2021〕30号", None, 1)]),
    Case("印发《政务公开办法》（豫政办[2020]5号）", [("政务公开办法", "豫政办〔2020〕5号", None, 1)]),
    Case("印发《政务公开办法》（皖政办【2020】3号）", [("政务公开办法", "皖政办〔2020〕3号", None, 1)]),
    Case("印发《政务公开方案》（濮政办（2020）12号）", [("政务公开方案", "濮政办〔2020〕12号", None, 1)]),
    Case("印发《政务公开办法》（鄂政管办发 〔2019〕4号）", [("政务公开办法", "鄂政管办发〔2019〕4号", None, 1)]),
    Case("印发《政务公开办法》（国办发〔２０１９〕５４号）", [("政务公开办法", "国办发〔2019〕54号", None, 1)]),
    Case("印发《政务公开办法》（国办发〔2019 54号）", [("政务公开办法", "国办发〔2019〕54号", None, 1)]),
    Case("印发《政务公开办法》（国办发〔2019〕54号，进一步规范", [("政务公开办法", "国办发〔2019〕54号", None, 1)]),
    Case("依据《中华人民共和国政府信息公开条例》（国务院第711号令）", [("中华人民共和国政府信息公开条例", "国务院第711号令", None, 1)]),
    Case("以豫政办〔2020〕5号印发《河南省政务公开要点》", [("河南省政务公开要点", "豫政办〔2020〕5号", None, 1)]),
    Case("以国办发〔2019〕54号文件印发了《政务公开要点》", [("政务公开要点", "国办发〔2019〕54号", None, 1)]),
    Case(
        "《中华人民共和国政府信息公开条例》（2019年修订）（以下简称新《条例》）。根据《条例》",
        [("中华人民共和国政府信息公开条例", None, "条例", 2)],
    ),
    Case(
        "国务院办公厅关于印发《2020年政务公开工作要点》的通知（国办发〔2020〕17号）",
        [("2020年政务公开工作要点", "国办发〔2020〕17号", None, 1)],
    ),
    Case(  # a bracketed 文号 belongs to the title before it, not the one after
        "《甲市政务公开办法》（甲政发〔2020〕1号）《乙市政务公开办法》印发",
        [("甲市政务公开办法", "甲政发〔2020〕1号", None, 1), ("乙市政务公开办法", None, None, 1)],
    ),
    Case(
        "印发《关于印发〈政务公开要点〉的通知》《关于印发<公开指南>的通知》《关于印发《保密审查办法》的通知》",
        [
            ("关于印发〈政务公开要点〉的通知", None, None, 1),
            ("关于印发〈公开指南〉的通知", None, None, 1),
            ("关于印发〈保密审查办法〉的通知", None, None, 1),
        ],
    ),
    Case(
        "《甲市政务公开条例》（甲政令第1号，以下简称《条例》）和《乙市公开意见》(以下简称\"意见\")。根据《条例》和《意见》",
        [("甲市政务公开条例", "甲政令第1号", "条例", 2), ("乙市公开意见", None, "意见", 2)],
    ),
    Case("落实《政府 信息公开\n条例》和《政府信息公开条例》", [("政府信息公开条例", None, None, 2)]),
    Case(
        "在《人民日报》《濮阳日报》《新闻联播》《驻马店市人民政府公报》《亳州政报》《中国政府网》刊发",
        [],
    ),
    Case("在《求是》杂志和《政策解读》栏目、《今日蓬溪》、《濮阳发布》刊发", []),
    Case(  # a medium word makes that one mention a column, not the title everywhere
        "开设《政府信息公开条例》专栏，落实《政府信息公开条例》",
        [("政府信息公开条例", None, None, 1)],
    ),
    Case("编制《濮阳市2019年政府信息公开年度报告》和《工作情况的通报》", [
        ("濮阳市2019年政府信息公开年度报告", None, None, 1),
        ("工作情况的通报", None, None, 1),
    ]),
    Case(  # an unclosed 《 takes no title and does not swallow the next paragraph
        "按照《政府信息公开条例要求，认真落实。\n\n印发《保密审查办法》",
        [("保密审查办法", None, None, 1)],
        warnings=1,
    ),
    Case("落实《》和《 》要求", []),
    # a stray line break inside the 文号 or between 》 and （ (hard-wrapped text)
    Case("依据《中华人民共和国政府信息公开条例》（国务院令第71\n1号）要求", [("中华人民共和国政府信息公开条例", "国务院令第711号", None, 1)]),
    Case("依据《中华人民共和国政府信息公开条例》（国务\n院第711号令）", [("中华人民共和国政府信息公开条例", "国务院第711号令", None, 1)]),
    Case("按照《政府信息公开信息处理费管理办法》（国办函﹝2020\n﹞109号）", [("政府信息公开信息处理费管理办法", "国办函〔2020〕109号", None, 1)]),
    Case("按照《政府信息公开信息处理费管理办法》\n（国办函〔2020〕109号）", [("政府信息公开信息处理费管理办法", "国办函〔2020〕109号", None, 1)]),
    Case("学习《条例》\n（二）主动公开情况", [("条例", None, None, 1)]),
]

CASES_XFAIL: list[Case] = [  # known gaps
    Case("依据《中华人民共和国政府信息公开条例》（国务院令（第711号））", [("中华人民共和国政府信息公开条例", "国务院令第711号", None, 1)]),
]


def _run(case: Case) -> tuple[list[Expected], int]:
    start = case.text.index(case.scope_from) + len(case.scope_from) if case.scope_from else 0
    found = extract_regulations_in(case.text, [(start, len(case.text))])
    for r in found.items:
        mention = case.text[r.start : r.end]
        assert mention.startswith("《") and mention.endswith("》")
        assert normalise_title(mention[1:-1]) in (r.title, r.alias)
        assert r.start >= start
    return [(r.title, r.doc_number, r.alias, r.mentions) for r in found.items], len(found.warnings)


@pytest.mark.parametrize(
    "case",
    [
        *CASES_SEEDS,
        *CASES_FIELD_GUIDE,
        *(pytest.param(c, marks=pytest.mark.xfail(strict=True)) for c in CASES_XFAIL),
    ],
    ids=lambda c: c.text[:24],
)
def test_regulations(case: Case) -> None:
    items, n_warnings = _run(case)
    assert items == case.expected
    assert n_warnings == case.warnings


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("豫政办[2020]5号", "豫政办〔2020〕5号"),
        ("鄂政管办发 ﹝２０１９﹞4号", "鄂政管办发〔2019〕4号"),
        ("皖政办【2020】3号", "皖政办〔2020〕3号"),
        ("国务院令第711号", "国务院令第711号"),
        ("国务院第711号令", "国务院第711号令"),
    ],
)
def test_normalise_doc_number(raw: str, expected: str) -> None:
    assert normalise_doc_number(raw) == expected


def test_find_titles_offsets() -> None:
    text = "印发《甲》《乙〈丙〉》，落实《丁》"
    found = find_titles(text).items
    assert [m.title for m in found] == ["甲", "乙〈丙〉", "丁"]
    assert [text[m.start : m.end] for m in found] == ["《甲》", "《乙〈丙〉》", "《丁》"]


def test_long_unclosed_title_stops() -> None:
    text = "《" + "政务公开" * 200 + "》"
    found = find_titles(text)
    assert found.items == ()
    assert found.warnings


def test_extract_regulations_uses_narrative_sections() -> None:
    text = "前言《甲办法》。\n一、总体情况\n落实《乙办法》。\n二、主动公开\n《丙办法》\n五、存在的主要问题\n《丁办法》"
    def at(s: str) -> int:
        return text.index(s)
    sections = [
        Section(id="overview", heading="一、总体情况", start=at("一、"), end=at("二、"), body_start=at("落实")),
        Section(id="proactive", heading="二、主动公开", start=at("二、"), end=at("五、"), body_start=at("《丙")),
        Section(id="problems", heading="五、存在的主要问题", start=at("五、"), end=len(text), body_start=at("《丁")),
    ]
    found = extract_regulations(text, sections)
    assert [r.title for r in found.items] == ["乙办法", "丁办法"]


def _seed_spans(text: str) -> list[tuple[int, int]]:
    """Overview and problems bodies of a seed, by line-start headings (the last 一、总体情况)."""
    lines = [(m.start(), m.group()) for m in re.finditer(r"^.*$", text, re.M)]
    overview = [s for s, line in lines if re.match(r"^\s*一、\s*总体情况", line)][-1]
    proactive = next(s for s, line in lines if re.match(r"^\s*二、", line) and "主动公开" in line)
    problems = next(s for s, line in lines if re.match(r"^\s*五、", line) and "问题" in line)
    other = next(s for s, line in lines if re.match(r"^\s*六、", line))
    return [(text.index("\n", overview), proactive), (text.index("\n", problems), other)]


@needs_shared
@pytest.mark.skipif(not GOLD_SEEDS_DIR.is_dir(), reason="no gold seeds")
@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_against_gold(name: str) -> None:
    # The reader and the sections stage are tested on their own; here the seed
    # is cleaned the way the gold README says and cut at its headings.
    text = (SEEDS_DIR / name).read_text("utf-8").replace("**", "").replace("[bookmark: _GoBack]", "")
    gold = load_gold_seed(name)
    found = extract_regulations_in(text, _seed_spans(text)).items
    got = [(r.title, r.doc_number, r.alias, r.mentions) for r in found]
    want = [(g["title"], g["doc_number"], g["alias"], g["mentions"]) for g in gold["regulations"]]
    assert got == want
