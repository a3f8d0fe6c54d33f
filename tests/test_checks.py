"""Checks: no finding on a consistent report, every planted inconsistency found."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from conftest import SAMPLES_DIR, SEEDS_DIR, needs_shared
from gknlp.checks import Finding, check_files, check_pair, check_report, findings_json, format_findings
from gknlp.reader import read_file
from gknlp.sections import find_sections
from gknlp.tables import extract_tables
from test_tables import (
    P19,
    P21,
    R19,
    R21,
    SUMMARY_ROWS,
    V19,
    V21,
    build_report,
    summary_table_text,
    tables_of,
)

DATA = Path(__file__).parent / "data" / "tables"


def findings_of(text: str) -> list[Finding]:
    sections = find_sections(text).items
    return check_report(text, sections, extract_tables(text, sections))


def summary(findings: list[Finding]) -> list[tuple[str, str, tuple[float, ...]]]:
    return sorted((f.check, f.severity, f.numbers[:2]) for f in findings)


# ---------------------------------------------------------------- real reports

@needs_shared
@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else [])
def test_seeds_are_consistent(name: str) -> None:
    """The five seeds add up, and their narratives agree with their tables."""
    assert findings_of(read_file(SEEDS_DIR / name).text) == []


def test_samples() -> None:
    """qinghe and yunxi break the printed identity in applicant columns only (a real
    inconsistency in the samples: the 总计 column is right); shuangqiao is clean."""
    got = {p.name: summary(findings_of(read_file(p).text)) for p in sorted(SAMPLES_DIR.iterdir())}
    identity = "requests.identity"
    assert got == {
        "qinghe_2021_gb18030.txt": sorted([
            (identity, "warning", (1141.0, 9.0)), (identity, "warning", (89.0, 0.0)),
            (identity, "warning", (12.0, 0.0)), (identity, "warning", (38.0, 0.0)),
        ]),
        "shuangqiao_2020_fullwidth.txt": [],
        "yunxi_2022_page.html": sorted([
            (identity, "warning", (72.0, 2.0)), (identity, "warning", (8.0, 0.0)), (identity, "warning", (6.0, 0.0)),
        ]),
    }


# ---------------------------------------------------------------- written reports (tests/data/tables)

EXPECTED_FILES: dict[str, list[tuple[str, str, tuple[float, ...]]]] = {
    "clean_2020_lines.txt": [],
    "clean_2021_tabs.txt": [],
    "clean_2022_pipes.txt": [],
    "empty_tables.txt": [],
    "errors_2020_tabs.txt": [  # 本年新收 总计 18 (parts 17); 复议 总计 2 (parts 1); text says 20 received
        ("narrative.received", "warning", (20.0, 18.0)),
        ("narrative.review", "warning", (1.0, 2.0)),
        ("requests.applicant_sum", "error", (18.0, 14.0)),
        ("requests.identity", "error", (18.0, 1.0)),
        ("review_litigation.total", "error", (2.0, 1.0)),
    ],
    "errors_2021_lines.txt": [  # （七）总计 50/61 for 53/64; 直接起诉 总计 3 (parts 2); text: 复议5件, 予以公开24件
        ("narrative.outcome", "warning", (24.0, 25.0)),
        ("narrative.review", "warning", (5.0, 4.0)),
        ("requests.identity", "error", (62.0, 4.0)),
        ("requests.identity", "warning", (52.0, 3.0)),
        ("requests.subtotal", "error", (61.0, 25.0)),
        ("requests.subtotal", "warning", (50.0, 20.0)),
        ("review_litigation.total", "error", (3.0, 1.0)),
    ],
    "errors_2022_pipes.txt": [  # across years: 现行有效 99 (86 + 11 - 2 = 95); 上年结转 3 (last year 2)
        ("pair.carried_over", "warning", (2.0, 3.0)),
        ("pair.in_force", "warning", (86.0, 11.0)),
    ],
}


def test_written_reports_in_a_batch() -> None:
    results = dict(check_files(sorted(DATA.glob("*.txt"))))
    got = {Path(path).name: summary(findings) for path, findings in results.items()}
    assert got == EXPECTED_FILES
    for path, findings in results.items():
        text = read_file(path).text
        for f in findings:
            assert f.offsets and all(0 <= a < b <= len(text) for a, b in f.offsets), f


def test_pair_needs_both_years() -> None:
    """Alone, the 2022 report with the cross-year errors has no finding."""
    assert check_files([DATA / "errors_2022_pipes.txt"]) == [(str(DATA / "errors_2022_pipes.txt"), [])]


def test_check_pair_directly() -> None:
    earlier = tables_of(read_file(DATA / "clean_2021_tabs.txt").text)
    later = tables_of(read_file(DATA / "clean_2022_pipes.txt").text)
    assert check_pair(earlier, later) == []
    bad = tables_of(read_file(DATA / "errors_2022_pipes.txt").text)
    found = check_pair(earlier, bad)
    assert [f.check for f in found] == ["pair.in_force", "pair.carried_over"]
    assert found[0].numbers == (86, 11, 2, 99)


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    [(path, findings)] = check_files([missing])
    assert path == str(missing)
    assert [(f.check, f.severity) for f in findings] == [("read", "error")]


# ---------------------------------------------------------------- one planted error at a time

def _report(template: str, layout: str, requests: dict[str, list[object]], review: dict[str, list[object]],
            overview: str) -> str:
    proactive = P21 if template == "2021" else P19
    return build_report(title="示例县2021年政府信息公开工作年度报告", overview=overview, proactive=proactive,
                        requests=requests, review=review, template=template, layout=layout)


def _set(values: dict[str, list[object]], row: str, col: int, value: int) -> dict[str, list[object]]:
    out = copy.deepcopy(values)
    out[row][col] = value
    return out


# (name, template, requests edit, review edit, overview, expected checks)
PLANTED = [
    # a result row is in its row's sum and its column's （七）总计, not in the printed identity
    ("applicant_sum", "2021", ("result.disclosed", 1, 4), None, "",
     {("requests.applicant_sum", "error"), ("requests.subtotal", "warning")}),
    ("subtotal_total_column", "2019", ("result.not_disclosed.4", 6, 2), None, "",
     {("requests.applicant_sum", "error"), ("requests.subtotal", "error")}),
    ("identity_only", "2021", ("carried_forward", 0, 3), None, "",
     {("requests.applicant_sum", "error"), ("requests.identity", "warning")}),
    ("review_total", "2021", None, ("review", 4, 5), "", {("review_litigation.total", "error")}),
    ("after_review_total", "2019", None, ("litigation_after_review", 0, 1), "", {("review_litigation.total", "error")}),
    ("narrative_received", "2021", None, None, "全年共收到政府信息公开申请60件。", {("narrative.received", "warning")}),
    ("narrative_litigation", "2021", None, None, "发生政府信息公开行政诉讼4件。", {("narrative.litigation", "warning")}),
    ("narrative_review_context", "2021", None, None, "办理行政复议案件120件。", set()),  # not about 信息公开
    ("narrative_docs", "2021", None, None, "制发行政规范性文件8件。", {("narrative.normative_docs", "warning")}),
    ("narrative_not_processed", "2019", None, None, "依法不予处理2件。", {("narrative.outcome", "warning")}),
]


@pytest.mark.parametrize("layout", ["tabs", "pipes", "lines_tab"])
@pytest.mark.parametrize("case", PLANTED, ids=lambda c: c[0])
def test_planted_error_is_found(case: tuple, layout: str) -> None:
    _, template, req_edit, rev_edit, overview, expected = case
    requests, review = (R21, V21) if template == "2021" else (R19, V19)
    if req_edit:
        requests = _set(requests, *req_edit)
    if rev_edit:
        review = _set(review, *rev_edit)
    findings = findings_of(_report(template, layout, requests, review, overview or "本年度工作平稳。"))
    assert {(f.check, f.severity) for f in findings} == expected


CLEAN_NARRATIVES = [
    "全年共收到政府信息公开申请62件，上年结转4件。",
    "共受理政府信息公开申请66件。",  # 新收 + 结转
    "依申请公开受理62条，全部办结。",
    "全年发生政府信息公开行政复议4件、行政诉讼3件，其中直接诉讼2件，复议后诉讼1件。",
    "其中予以公开25件，部分公开7件，不予公开5件，无法提供18件，不予处理4件，其他处理5件。",
    "予以公开及部分公开32件。",
    "全年新收政府信息公开申请62件，未引发行政复议。",
    "现行有效规范性文件86件，制发行政规范性文件9件。",
    "上年收到政府信息公开申请55件，本年共收到政府信息公开申请62件。",  # last year's figure is not checked
    "与去年同期收到政府信息公开申请48件相比有所增加。",
]


@pytest.mark.parametrize("overview", CLEAN_NARRATIVES)
def test_consistent_narrative_has_no_finding(overview: str) -> None:
    assert findings_of(_report("2021", "tabs", R21, V21, overview)) == []


def test_total_only_table_is_checked_on_its_total_column() -> None:
    requests = {row: cells[-1:] for row, cells in R21.items()}
    assert findings_of(_report("2021", "tabs", requests, V21, "概述。")) == []
    requests["result.unavailable.2"] = [4]
    assert summary(findings_of(_report("2021", "tabs", requests, V21, "概述。"))) == [
        ("requests.subtotal", "error", (64.0, 25.0)),
    ]


def test_dashes_are_not_checked() -> None:
    requests = {row: [cells[0], "—", "—", "—", "—", "—", cells[0]] for row, cells in R21.items()}
    text = _report("2021", "lines", requests, V21, "概述。")
    assert text.count("—") == 5 * len(requests)
    assert findings_of(text) == []


# ---------------------------------------------------------------- rendering

def test_format_findings() -> None:
    f = Finding(check="review_litigation.total", severity="error", message="行政复议 总计 2 printed, the parts sum to 1",
                numbers=(2.0, 1.0), offsets=((120, 121), (100, 101)))
    assert format_findings([("a.txt", [f]), ("b.txt", [])]) == (
        "a.txt:120: error review_litigation.total: 行政复议 总计 2 printed, the parts sum to 1\nb.txt: ok (no findings)"
    )
    assert findings_json([f]) == [{"check": "review_litigation.total", "severity": "error",
                                   "message": f.message, "numbers": [2, 1], "offsets": [[120, 121], [100, 101]]}]


def test_summary_table() -> None:
    """A table 三 of group rows only is checked on its groups."""
    assert findings_of(summary_table_text()) == []
    rows = [(label, row, 6 if row == "result.not_disclosed" else value) for label, row, value in SUMMARY_ROWS]
    assert summary(findings_of(summary_table_text(rows))) == [("requests.subtotal", "error", (64.0, 25.0))]


def test_three_column_applicant_sum() -> None:
    text = ("一、总体情况\n概述。\n三、收到和处理政府信息公开申请情况\n\t自然人\t法人或其他组织\t总计\n"
            "一、本年新收政府信息公开申请数量\t10\t3\t14\n四、政府信息公开行政复议、行政诉讼情况\n")
    assert summary(findings_of(text)) == [("requests.applicant_sum", "error", (14.0, 10.0))]


@pytest.mark.parametrize("seed", range(6))
def test_shuffled_tables_never_raise(seed: int) -> None:
    """Lines of a report shuffled at random (tables torn apart): findings or not, no exception."""
    import random

    lines = read_file(DATA / "clean_2021_tabs.txt").text.split("\n")
    head, rest = lines[:8], lines[8:]
    random.Random(seed).shuffle(rest)
    text = "\n".join(head + rest)
    sections = find_sections(text).items
    tables = extract_tables(text, sections)
    for f in check_report(text, sections, tables):
        assert f.severity in {"error", "warning", "info"}
    for table in tables.tables:
        assert all(text[c.start : c.end] == c.text for c in table.cells)
