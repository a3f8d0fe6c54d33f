"""Statistical tables: the seeds cell by cell, the bundled samples, and the same
numbers in every layout (TAB rows, | rows, one cell per line, split headers,
page numbers, header zeros, total-only rows, transposed table 四)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SAMPLES_DIR, SEEDS_DIR, needs_shared
from gknlp.reader import read_file, read_text
from gknlp.sections import find_sections
from gknlp.tables import (
    TablesResult,
    extract_tables,
    normalise_label,
    row_labels,
    rule_fires,
    to_json,
    to_rows,
)

DATA = Path(__file__).parent / "data" / "tables"


# ---------------------------------------------------------------- a report builder
# Fictional reports in the national template, rendered in the layouts real
# reports use, so the same numbers can be read from every layout.

Cells = list[str]
Layout = str  # "tabs" | "pipes" | "lines" | "lines_tab"

REQ_ROWS: list[tuple[str, str, bool]] = [  # (row id, label as printed, header row)
    ("received", "一、本年新收政府信息公开申请数量", False),
    ("carried_over", "二、上年结转政府信息公开申请数量", False),
    ("result", "三、本年度办理结果", True),
    ("result.disclosed", "（一）予以公开", False),
    ("result.partly_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", False),
    ("result.not_disclosed", "（三）不予公开", True),
    ("result.not_disclosed.1", "1.属于国家秘密", False),
    ("result.not_disclosed.2", "2.其他法律行政法规禁止公开", False),
    ("result.not_disclosed.3", "3.危及“三安全一稳定”", False),
    ("result.not_disclosed.4", "4.保护第三方合法权益", False),
    ("result.not_disclosed.5", "5.属于三类内部事务信息", False),
    ("result.not_disclosed.6", "6.属于四类过程性信息", False),
    ("result.not_disclosed.7", "7.属于行政执法案卷", False),
    ("result.not_disclosed.8", "8.属于行政查询事项", False),
    ("result.unavailable", "（四）无法提供", True),
    ("result.unavailable.1", "1.本机关不掌握相关政府信息", False),
    ("result.unavailable.2", "2.没有现成信息需要另行制作", False),
    ("result.unavailable.3", "3.补正后申请内容仍不明确", False),
    ("result.not_processed", "（五）不予处理", True),
    ("result.not_processed.1", "1.信访举报投诉类申请", False),
    ("result.not_processed.2", "2.重复申请", False),
    ("result.not_processed.3", "3.要求提供公开出版物", False),
    ("result.not_processed.4", "4.无正当理由大量反复申请", False),
    ("result.not_processed.5", "5.要求行政机关确认或重新出具已获取信息", False),
    ("result.other", "（六）其他处理", False),
    ("result.other.1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", False),
    ("result.other.2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", False),
    ("result.other.3", "3.其他", False),
    ("result.total", "（七）总计", False),
    ("carried_forward", "四、结转下年度继续办理", False),
]
REQ_COLUMNS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org", "total")
REVIEW_CATS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_OUTS = ("upheld", "corrected", "other", "pending", "total")


def _fmt(v: object) -> str:
    return str(v)


def proactive_lines(values: dict[str, list[object]], template: str) -> list[Cells]:
    """Table 二 as rows of cells; ``values`` maps a row id to its cells."""
    if template == "2021":
        blocks = [
            ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"],
             [("rules", "规章"), ("normative_docs", "行政规范性文件")]),
            ("第二十条第（五）项", ["本年处理决定数量"], [("licensing", "行政许可")]),
            ("第二十条第（六）项", ["本年处理决定数量"], [("penalty", "行政处罚"), ("enforcement", "行政强制")]),
            ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("fees", "行政事业性收费")]),
        ]
    else:
        blocks = [
            ("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
             [("rules", "规章"), ("normative_docs", "规范性文件")]),
            ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
             [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")]),
            ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
             [("penalty", "行政处罚"), ("enforcement", "行政强制")]),
            ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [("fees", "行政事业性收费")]),
            ("第二十条第（九）项", ["采购项目数量", "采购总金额（单位：万元）"], [("procurement", "政府集中采购")]),
        ]
    out: list[Cells] = []
    for title, header, rows in blocks:
        out.append([title])
        out.append(["信息内容", *header])
        out.extend([label, *map(_fmt, values[row])] for row, label in rows)
    return out


def requests_lines(values: dict[str, list[object]], template: str) -> list[Cells]:
    """Table 三 as rows of cells; a row's value list has 7 cells (or 1: the 总计 only)."""
    out: list[Cells] = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
        ["", "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
    ]
    for row, label, header in REQ_ROWS:
        if template == "2019" and row.startswith("result.other."):
            continue
        if template == "2021" and row == "result.other":
            out.append([label])
            continue
        if header and row not in values:
            out.append([label])
            continue
        out.append([label, *map(_fmt, values[row])])
    return out


def review_lines(values: dict[str, list[object]]) -> list[Cells]:
    """Table 四 as printed: two header rows, then the fifteen numbers in one row."""
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    return [
        ["行政复议", "行政诉讼"],
        [*outcomes, "未经复议直接起诉", "复议后起诉"],
        ["", "", "", "", "", *outcomes, *outcomes],
        [_fmt(v) for cat in REVIEW_CATS for v in values[cat]],
    ]


def render(lines: list[Cells], layout: Layout) -> str:
    """Rows of cells as text: TAB rows, | rows, or one cell per line."""
    if layout == "tabs":
        return "\n".join("\t".join(cells) for cells in lines)
    if layout == "pipes":
        return "\n".join(" | ".join(cells) + " |" for cells in lines)
    indent = "\t" if layout == "lines_tab" else ""
    return "\n\n".join("\n".join(indent + c for c in cells) for cells in lines)


def build_report(
    *,
    title: str,
    overview: str,
    proactive: dict[str, list[object]],
    requests: dict[str, list[object]],
    review: dict[str, list[object]],
    template: str,
    layout: Layout,
) -> str:
    """A whole fictional report with its three tables in one layout."""
    return "\n\n".join(
        [
            title,
            "一、总体情况",
            overview,
            "二、主动公开政府信息情况",
            render(proactive_lines(proactive, template), layout),
            "三、收到和处理政府信息公开申请情况",
            render(requests_lines(requests, template), layout),
            "四、政府信息公开行政复议、行政诉讼情况",
            render(review_lines(review), layout),
            "五、存在的主要问题及改进情况",
            "一是政策解读形式较为单一；二是基层公开栏目更新不够及时。下一步将加强培训，完善制度。",
            "六、其他需要报告的事项",
            "本年度未收取信息处理费。",
        ]
    ) + "\n"


# ---------------------------------------------------------------- fictional data (consistent)

def z(n: int = 7) -> list[object]:
    return [0] * n

P21: dict[str, list[object]] = {"rules": [0,0,0], "normative_docs": [9,3,86], "licensing": [1520], "penalty": [342], "enforcement": [17], "fees": [12.5]}
R21: dict[str, list[object]] = {r: z() for r, _, h in REQ_ROWS if not h and r != "result.other"}
R21.update({
 "received": [52,6,0,1,3,0,62], "carried_over": [3,1,0,0,0,0,4],
 "result.disclosed": [20,3,0,1,1,0,25], "result.partly_disclosed": [6,1,0,0,0,0,7],
 "result.not_disclosed.2": [1,0,0,0,0,0,1], "result.not_disclosed.4": [2,0,0,0,0,0,2], "result.not_disclosed.6": [1,1,0,0,0,0,2],
 "result.unavailable.1": [12,1,0,0,1,0,14], "result.unavailable.2": [3,0,0,0,0,0,3], "result.unavailable.3": [1,0,0,0,0,0,1],
 "result.not_processed.1": [2,0,0,0,0,0,2], "result.not_processed.2": [1,0,0,0,1,0,2],
 "result.other.1": [2,1,0,0,0,0,3], "result.other.3": [2,0,0,0,0,0,2],
 "result.total": [53,7,0,1,3,0,64], "carried_forward": [2,0,0,0,0,0,2],
})
V21: dict[str, list[object]] = {"review": [2,1,0,1,4], "litigation_direct": [1,0,0,1,2], "litigation_after_review": [0,0,1,0,1]}
OV21 = ("2021年，本局认真贯彻《中华人民共和国政府信息公开条例》，全年制发行政规范性文件9件。"
        "全年共收到政府信息公开申请62件，上年结转4件，其中予以公开25件，部分公开7件，不予公开5件，无法提供18件，不予处理4件，其他处理5件。"
        "全年发生政府信息公开行政复议4件、行政诉讼3件。")

# 2022, consistent with 2021 (现行有效 86 + 11 - 2 = 95; 上年结转 = 2)
P22: dict[str, list[object]] = {"rules": [0,0,0], "normative_docs": [11,2,95], "licensing": [1611], "penalty": [298], "enforcement": [9], "fees": [10.8]}
R22: dict[str, list[object]] = {r: z() for r, _, h in REQ_ROWS if not h and r != "result.other"}
R22.update({
 "received": [40,5,0,0,2,1,48], "carried_over": [2,0,0,0,0,0,2],
 "result.disclosed": [25,3,0,0,1,1,30], "result.partly_disclosed": [5,1,0,0,0,0,6],
 "result.not_disclosed.4": [1,0,0,0,0,0,1],
 "result.unavailable.1": [8,1,0,0,1,0,10],
 "result.not_processed.2": [1,0,0,0,0,0,1],
 "result.other.1": [1,0,0,0,0,0,1],
 "result.total": [41,5,0,0,2,1,49], "carried_forward": [1,0,0,0,0,0,1],
})
V22: dict[str, list[object]] = {"review": [1,0,0,0,1], "litigation_direct": [0,0,0,0,0], "litigation_after_review": [0,0,0,0,0]}
OV22 = "2022年，全年共收到政府信息公开申请48件，予以公开30件。制发行政规范性文件11件，现行有效规范性文件95件。全年发生政府信息公开行政复议1件。"

P19: dict[str, list[object]] = {"rules": [0,0,0], "normative_docs": [3,3,27], "licensing": [12,"+2",45], "other_services": [8,0,130],
       "penalty": [5,"-1",22], "enforcement": [1,0,0], "fees": [2,0], "procurement": [6,"38.52万元"]}
R19: dict[str, list[object]] = {r: z() for r, _, h in REQ_ROWS if not h and not r.startswith("result.other.")}
R19.update({
 "received": [14,2,0,0,1,0,17], "carried_over": [1,0,0,0,0,0,1],
 "result.disclosed": [6,1,0,0,1,0,8], "result.partly_disclosed": [2,0,0,0,0,0,2],
 "result.not_disclosed.4": [1,0,0,0,0,0,1], "result.unavailable.1": [4,1,0,0,0,0,5],
 "result.not_processed.2": [1,0,0,0,0,0,1],
 "result.total": [14,2,0,0,1,0,17], "carried_forward": [1,0,0,0,0,0,1],
})
V19: dict[str, list[object]] = {"review": [1,0,0,0,1], "litigation_direct": [0,0,0,1,1], "litigation_after_review": z(5)}
OV19 = "2020年，全镇共收到政府信息公开申请17件，全部按时答复。因政府信息公开被申请行政复议1件，被提起行政诉讼1件。"


def tables_of(text: str) -> TablesResult:
    """Sections, then tables, of a normalised text."""
    return extract_tables(text, find_sections(text).items)


def grid(result: TablesResult, table_id: str) -> dict[tuple[str, str], float | None]:
    """(row, column) → value of one table (asserting every cell's text is at its offsets)."""
    table = result.get(table_id)  # type: ignore[arg-type]
    assert table is not None, f"no {table_id} table"
    return {(c.row, c.column): c.value for c in table.cells}


def assert_offsets(text: str, result: TablesResult) -> None:
    for table in result.tables:
        for c in table.cells:
            assert text[c.start : c.end] == c.text, c


def expected_grid(values: dict[str, list[object]], table_id: str, template: str) -> dict[tuple[str, str], float | None]:
    """What the parser must find for the builder's values."""
    out: dict[tuple[str, str], float | None] = {}
    if table_id == "requests":
        for row, cells in values.items():
            cols = REQ_COLUMNS if len(cells) == len(REQ_COLUMNS) else REQ_COLUMNS[-1:]
            for col, v in zip(cols, cells, strict=True):
                out[(row, col)] = _value(v)
    elif table_id == "review_litigation":
        for cat in REVIEW_CATS:
            for out_id, v in zip(REVIEW_OUTS, values[cat], strict=True):
                out[(cat, out_id)] = _value(v)
    else:
        columns = {
            "2021": {"rules": ("issued", "repealed", "in_force"), "normative_docs": ("issued", "repealed", "in_force"),
                     "licensing": ("decisions",), "penalty": ("decisions",), "enforcement": ("decisions",),
                     "fees": ("fee_amount",)},
            "2019": {"rules": ("new_made", "new_published", "total_published"),
                     "normative_docs": ("new_made", "new_published", "total_published"),
                     "licensing": ("prev_items", "change", "decisions"),
                     "other_services": ("prev_items", "change", "decisions"),
                     "penalty": ("prev_items", "change", "decisions"),
                     "enforcement": ("prev_items", "change", "decisions"),
                     "fees": ("prev_items", "change"), "procurement": ("purchase_items", "purchase_amount")},
        }[template]
        for row, cells in values.items():
            for col, v in zip(columns[row], cells, strict=True):
                out[(row, col)] = _value(v)
    return out


def _value(v: object) -> float | None:
    s = str(v).replace("万元", "")
    return None if s in {"—", "-", ""} else float(s)


# ---------------------------------------------------------------- the seeds

@dataclass(frozen=True)
class SeedCase:
    name: str
    template: str
    counts: tuple[int, int, int]  # cells in 二, 三, 四
    cells: tuple[tuple[str, str, str, str, float | None, str | None], ...]  # table, row, column, text, value, unit
    review: tuple[int, ...]  # the fifteen numbers of table 四


SEED_CASES = [
    SeedCase("000_4fb6e0fcd3eb9312.txt", "2019", (22, 161, 15), (
        ("proactive", "normative_docs", "total_published", "81", 81, None),
        ("proactive", "procurement", "purchase_amount", "2.14", 2.14, "万元"),
        ("requests", "received", "natural_person", "33", 33, None),
        ("requests", "received", "total", "34", 34, None),
        ("requests", "result.unavailable.1", "natural_person", "23", 23, None),
        ("requests", "result.total", "total", "34", 34, None),
    ), (0,) * 15),
    SeedCase("001_9c9c3306f06c5393.txt", "2019", (22, 161, 15), (
        ("proactive", "licensing", "change", "+428", 428, None),
        ("proactive", "other_services", "change", "-72", -72, None),
        ("proactive", "penalty", "decisions", "204391", 204391, None),
        ("proactive", "procurement", "purchase_amount", "339371.821万元", 339371.821, "万元"),
        ("requests", "received", "total", "276", 276, None),
        ("requests", "result.not_disclosed.8", "total", "12", 12, None),
        ("requests", "result.unavailable.1", "commercial", "4", 4, None),
        ("requests", "result.other", "natural_person", "20", 20, None),
        ("requests", "result.total", "natural_person", "264", 264, None),
    ), (10, 2, 7, 4, 23, 10, 0, 0, 0, 10, 12, 0, 0, 2, 14)),
    SeedCase("002_5e7b7750513ba6ef.txt", "2019", (22, 161, 15), (
        ("proactive", "normative_docs", "total_published", "8", 8, None),
        ("proactive", "procurement", "purchase_items", "9", 9, None),
        ("proactive", "procurement", "purchase_amount", "4.651万元", 4.651, "万元"),
        ("requests", "received", "total", "0", 0, None),
        ("requests", "carried_forward", "total", "0", 0, None),
    ), (0,) * 15),
    SeedCase("003_49c0d768678019fb.txt", "2019", (22, 83, 15), (
        ("proactive", "normative_docs", "new_published", "276", 276, None),
        ("proactive", "fees", "change", "-10", -10, None),
        ("proactive", "procurement", "purchase_amount", "957245.9921", 957245.9921, "万元"),
        ("requests", "received", "legal_services", "9", 9, None),
        ("requests", "result.disclosed", "total", "263", 263, None),
        ("requests", "result.unavailable.1", "total", "119", 119, None),
        ("requests", "result.not_processed.2", "legal_services", "1", 1, None),
        ("requests", "result.total", "total", "486", 486, None),
        ("requests", "carried_forward", "natural_person", "9", 9, None),
    ), (21, 5, 7, 3, 36, 61, 2, 3, 5, 71, 11, 0, 1, 1, 13)),
    SeedCase("004_2942a029380f7b3b.txt", "2019", (22, 161, 15), (
        ("proactive", "normative_docs", "new_made", "140", 140, None),
        ("proactive", "licensing", "change", "-15", -15, None),
        ("proactive", "procurement", "purchase_amount", "52288.028", 52288.028, "万元"),
        ("requests", "received", "legal_services", "2", 2, None),
        ("requests", "result.disclosed", "total", "42", 42, None),
    ), (2, 4, 1, 0, 7, 17, 0, 1, 1, 19, 5, 1, 0, 0, 6)),
]


@needs_shared
@pytest.mark.parametrize("case", SEED_CASES, ids=lambda c: c.name[:3])
def test_seed_tables(case: SeedCase) -> None:
    text = read_file(SEEDS_DIR / case.name).text
    result = tables_of(text)
    assert result.warnings == ()
    assert [t.id for t in result.tables] == ["proactive", "requests", "review_litigation"]
    assert tuple(len(t.cells) for t in result.tables) == case.counts
    assert {t.template for t in result.tables} == {case.template}
    assert_offsets(text, result)
    for table_id, row, column, cell_text, value, unit in case.cells:
        table = result.get(table_id)  # type: ignore[arg-type]
        assert table is not None
        cell = table.cell(row, column)
        assert cell is not None, (row, column)
        assert (cell.text, cell.value, cell.unit) == (cell_text, value, unit)
    review = result.get("review_litigation")
    assert review is not None
    assert tuple(c.value for c in review.cells) == case.review


@needs_shared
def test_seed_total_only_rows_have_no_applicant_cells() -> None:
    """Seed 003 gives only the 总计 column for （一）…（四）: no cell is invented for the others."""
    text = read_file(SEEDS_DIR / "003_49c0d768678019fb.txt").text
    g = grid(tables_of(text), "requests")
    assert ("result.disclosed", "natural_person") not in g
    assert g[("result.not_processed.1", "natural_person")] == 9


# ---------------------------------------------------------------- the bundled samples

def test_sample_transposed_review_table() -> None:
    """qinghe: table 四 printed with a row per outcome and a column per category."""
    text = read_file(SAMPLES_DIR / "qinghe_2021_gb18030.txt").text
    result = tables_of(text)
    assert result.template == "2021"
    g = grid(result, "review_litigation")
    assert [g[(c, o)] for c in REVIEW_CATS for o in REVIEW_OUTS] == [21, 3, 2, 1, 27, 9, 1, 0, 2, 12, 4, 0, 1, 0, 5]
    p = grid(result, "proactive")
    assert (p[("normative_docs", "in_force")], p[("fees", "fee_amount")]) == (203, 1562.37)
    r = grid(result, "requests")
    assert (r[("result.other.1", "total")], r[("result.other.3", "natural_person")]) == (15, 5)


def test_sample_html_rows_per_category() -> None:
    """yunxi (HTML): table 四 with a row per category, table 三 with an empty label column."""
    text = read_file(SAMPLES_DIR / "yunxi_2022_page.html").text
    result = tables_of(text)
    g = grid(result, "review_litigation")
    assert [g[(c, "total")] for c in REVIEW_CATS] == [3, 1, 0]
    r = grid(result, "requests")
    assert (r[("received", "total")], r[("result.total", "natural_person")]) == (86, 76)


def test_sample_dashes_and_grouped_review_table() -> None:
    """shuangqiao: dashes in the 法人 columns are cells with no value; table 四 in three groups."""
    text = read_file(SAMPLES_DIR / "shuangqiao_2020_fullwidth.txt").text
    result = tables_of(text)
    requests = result.get("requests")
    assert requests is not None
    cell = requests.cell("received", "commercial")
    assert cell is not None and (cell.text, cell.value, cell.unit) == ("—", None, None)
    assert requests.value("received", "total") == 7
    assert len(grid(result, "review_litigation")) == 15
    assert grid(result, "proactive")[("procurement", "purchase_amount")] == 26.8


# ---------------------------------------------------------------- the same numbers in every layout

LAYOUTS = ["tabs", "pipes", "lines", "lines_tab"]
TEMPLATES = [("2021", P21, R21, V21), ("2019", P19, R19, V19)]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("template", "proactive", "requests", "review"), TEMPLATES, ids=["2021", "2019"])
def test_layouts_give_the_same_cells(
    layout: str, template: str, proactive: dict[str, list[object]], requests: dict[str, list[object]],
    review: dict[str, list[object]],
) -> None:
    text = build_report(title="示例县2021年政府信息公开工作年度报告", overview="本年度工作平稳。", proactive=proactive,
                        requests=requests, review=review, template=template, layout=layout)
    result = tables_of(text)
    assert result.warnings == ()
    assert_offsets(text, result)
    assert {t.template for t in result.tables} == {template}
    assert grid(result, "proactive") == expected_grid(proactive, "proactive", template)
    assert grid(result, "requests") == expected_grid(requests, "requests", template)
    assert grid(result, "review_litigation") == expected_grid(review, "review_litigation", template)


def _variant(template: str, layout: str, edit: str) -> str:
    proactive, requests, review = (P21, R21, V21) if template == "2021" else (P19, R19, V19)
    requests = copy.deepcopy(requests)
    if edit == "total_only":
        requests = {row: cells[-1:] for row, cells in requests.items()}
    text = build_report(title="示例县2021年政府信息公开工作年度报告", overview="本年度工作平稳。", proactive=proactive,
                        requests=requests, review=review, template=template, layout=layout)
    if edit == "split_headers":
        for label in ("本年新制作数量", "本年新公开数量", "商业企业", "法律服务机构", "对外公开总数量"):
            text = text.replace(label, label[:2] + "\n" + label[2:])
    elif edit == "page_numbers":
        text = text.replace("（四）无法提供", "\n- 4 -\n\n（四）无法提供").replace("行政处罚", "第 3 页\n行政处罚")
    elif edit == "header_zeros":
        # blank header cells of table 三 and 四 printed as zeros
        sep = {"tabs": "\t", "pipes": " | ", "lines": "\n", "lines_tab": "\n\t"}[layout]
        text = text.replace(sep.join(["", "自然人"]), sep.join(["0", "自然人"]))
        text = text.replace(sep.join([""] * 5 + ["结果维持"]), sep.join(["0"] * 5 + ["结果维持"]))
    elif edit == "unit_token":
        text = text.replace("38.52万元", "38.52 万元")
    return text


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("edit", ["split_headers", "page_numbers", "header_zeros", "total_only", "unit_token"])
def test_layout_variants(layout: str, edit: str) -> None:
    template = "2019"
    text = _variant(template, layout, edit)
    assert text != _variant(template, layout, "none")
    if edit == "header_zeros":
        assert text.count("0") - _variant(template, layout, "none").count("0") == 6
    result = tables_of(text)
    assert_offsets(text, result)
    requests = R19 if edit != "total_only" else {row: cells[-1:] for row, cells in R19.items()}
    assert grid(result, "proactive") == expected_grid(P19, "proactive", template)
    assert grid(result, "requests") == expected_grid(requests, "requests", template)
    assert grid(result, "review_litigation") == expected_grid(V19, "review_litigation", template)
    if edit == "unit_token":
        proactive = result.get("proactive")
        assert proactive is not None
        cell = proactive.cell("procurement", "purchase_amount")
        assert cell is not None and (cell.text, cell.unit) == ("38.52 万元", "万元")


REVIEW_LAYOUTS = {
    "transposed": "\t行政复议\t行政诉讼（未经复议直接起诉）\t行政诉讼（复议后起诉）\n"
                  "结果维持\t2\t1\t0\n结果纠正\t1\t0\t0\n其他结果\t0\t0\t1\n尚未审结\t1\t1\t0\n总计\t4\t2\t1\n",
    "row_per_category": "类别\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n行政复议\t2\t1\t0\t1\t4\n"
                        "行政诉讼（未经复议直接起诉）\t1\t0\t0\t1\t2\n行政诉讼（复议后起诉）\t0\t0\t1\t0\t1\n",
    "grouped": "行政复议\n结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n2\n1\n0\n1\n4\n"
               "行政诉讼\n未经复议直接起诉\n结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n1\n0\n0\n1\n2\n"
               "复议后起诉\n结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n0\n0\n1\n0\n1\n",
    "stacked_pipes": "行政复议 | 行政诉讼 |\n结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 |\n"
                     "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n"
                     "2 | 1 | 0 | 1 | 4 | 1 | 0 | 0 | 1 | 2 | 0 | 0 | 1 | 0 | 1 |\n",
}


REVIEW_LAYOUTS["key_value"] = (
    "行政复议\n结果维持 2\n结果纠正 1\n其他结果 0\n尚未审结 1\n总计 4\n"
    "行政诉讼（未经复议直接起诉）\n结果维持 1\n结果纠正 0\n其他结果 0\n尚未审结 1\n总计 2\n"
    "行政诉讼（复议后起诉）\n结果维持 0\n结果纠正 0\n其他结果 1\n尚未审结 0\n总计 1\n"
)
REVIEW_LAYOUTS["key_value_one_line"] = (  # a flattened page: category and outcome in one cell
    "行政复议结果维持 2 行政复议结果纠正 1 行政复议其他结果 0 行政复议尚未审结 1 行政复议总计 4 "
    "直接起诉结果维持 1 直接起诉结果纠正 0 直接起诉其他结果 0 直接起诉尚未审结 1 直接起诉总计 2 "
    "复议后起诉结果维持 0 复议后起诉结果纠正 0 复议后起诉其他结果 1 复议后起诉尚未审结 0 复议后起诉总计 1"
)
REVIEW_LAYOUTS["key_value_no_second_label"] = (  # the category of the second group is not written
    "行政复议 结果维持 2 结果纠正 1 其他结果 0 尚未审结 1 总计 4 "
    "结果维持 1 结果纠正 0 其他结果 0 尚未审结 1 总计 2 "
    "复议后起诉 结果维持 0 结果纠正 0 其他结果 1 尚未审结 0 总计 1"
)
REVIEW_LAYOUTS["runs_5_and_10"] = "行政复议\t2\t1\t0\t1\t4\n行政诉讼\t1\t0\t0\t1\t2\t0\t0\t1\t0\t1\n"
REVIEW_LAYOUTS["dash_and_continued"] = "行政复议 行政诉讼\n2 1 0 1\n4\n-\n0 0 1 2\n（续表）\n0 0 1 0 1\n"
# runs that fit no layout, fifteen numbers in all: read in template order
REVIEW_LAYOUTS["in_order_fallback"] = "行政复议\n2 1 0\n行政诉讼\n1 4 1 0\n未经复议\n0 1 2 0 0\n复议后\n1 0 1\n"


def _review_text(body: str) -> str:
    return ("一、总体情况\n概述。\n四、政府信息公开行政复议、行政诉讼情况\n" + body
            + "\n五、存在的主要问题及改进情况\n无。\n")


@pytest.mark.parametrize("name", sorted(REVIEW_LAYOUTS))
def test_review_table_layouts(name: str) -> None:
    result = tables_of(_review_text(REVIEW_LAYOUTS[name]))
    got = grid(result, "review_litigation")
    if name == "dash_and_continued":
        assert list(got.values()) == [2, 1, 0, 1, 4, None, 0, 0, 1, 2, 0, 0, 1, 0, 1]
    else:
        assert got == expected_grid(V21, "review_litigation", "2021")
    if name == "in_order_fallback":
        assert any("read in template order" in w for w in result.warnings)


def test_review_table_without_split_litigation() -> None:
    """行政诉讼 not split into 直接起诉 / 复议后起诉: ten numbers, category `litigation`."""
    body = ("行政复议\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
            "2\t1\t0\t1\t4\t1\t0\t1\t1\t3\n")
    got = grid(tables_of(_review_text(body)), "review_litigation")
    assert [got[("litigation", o)] for o in REVIEW_OUTS] == [1, 0, 1, 1, 3]
    assert len(got) == 10


# ---------------------------------------------------------------- templates and odd input

@pytest.mark.parametrize(
    ("header", "template"),
    [
        ("信息内容\t本年制发件数\t本年废止件数\t现行有效件数", "2021"),
        ("信息内容\t本年度发件数\t本年废止件数\t现行有效件数", "2021"),  # an invented label
        ("信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量", "2019"),
    ],
)
def test_template_from_column_labels(header: str, template: str) -> None:
    # The cited 文号 says 2019 whatever the columns say: the columns decide.
    text = ("一、总体情况\n依据国办公开办函〔2019〕60号编写。\n二、主动公开政府信息情况\n第二十条第（一）项\n"
            f"{header}\n规章\t0\t0\t0\n规范性文件\t5\t1\t40\n三、收到和处理政府信息公开申请情况\n无。\n")
    result = tables_of(text)
    proactive = result.get("proactive")
    assert proactive is not None and proactive.template == template
    assert len(proactive.cells) == 6
    assert proactive.value("normative_docs", "new_made" if template == "2019" else "issued") == 5


@pytest.mark.parametrize("text", ["", "一、总体情况\n", "二、主动公开政府信息情况\n| | |\n- 4 -\n三、收到和处理政府信息公开申请情况\n—\n"])
def test_odd_text_never_raises(text: str) -> None:
    result = tables_of(text)
    assert result.tables == ()


def test_empty_tables_warn() -> None:
    text = read_file(DATA / "empty_tables.txt").text
    result = tables_of(text)
    assert result.tables == ()
    assert "requests: no table found in the section" in result.warnings


def test_a_row_that_does_not_fit_warns() -> None:
    text = ("一、总体情况\n概述。\n三、收到和处理政府信息公开申请情况\n"
            "一、本年新收政府信息公开申请数量\t5\t0\t0\t5\n四、政府信息公开行政复议、行政诉讼情况\n")
    result = tables_of(text)
    assert grid(result, "requests") == {("received", "total"): 5}
    assert any("4 numbers" in w for w in result.warnings)


def test_three_column_requests_table() -> None:
    """自然人 / 法人或其他组织 / 总计 only: the three numbers fill those columns."""
    rows = [(row, cells) for row, cells in R19.items()]
    body = "\t自然人\t法人或其他组织\t总计\n" + "\n".join(
        f"{label}\t{cells[0]}\t{sum(int(str(x)) for x in cells[1:6])}\t{cells[6]}"
        for (row, cells), label in zip(rows, [lab for r, lab, h in REQ_ROWS if r in R19], strict=True)
    )
    text = "一、总体情况\n概述。\n三、收到和处理政府信息公开申请情况\n" + body + "\n四、政府信息公开行政复议、行政诉讼情况\n"
    g = grid(tables_of(text), "requests")
    assert (g[("received", "natural_person")], g[("received", "legal_persons")], g[("received", "total")]) == (14, 3, 17)
    assert len(g) == 3 * len(R19)


def test_full_width_digits_through_the_reader() -> None:
    raw = build_report(title="示例县2021年政府信息公开工作年度报告", overview="概述。", proactive=P21, requests=R21,
                       review=V21, template="2021", layout="tabs")
    text = read_text(raw.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})).text
    assert grid(tables_of(text), "requests") == expected_grid(R21, "requests", "2021")


def test_to_json_shape() -> None:
    text = read_file(DATA / "clean_2021_tabs.txt").text
    out = to_json(tables_of(text))
    assert list(out) == ["proactive", "requests", "review_litigation"]
    assert out["proactive"]["template"] == "2021"
    cell = out["proactive"]["cells"][-1]
    assert cell == {"row": "fees", "column": "fee_amount", "value": 12.5, "unit": "万元", "text": "12.5",
                    "start": cell["start"], "end": cell["end"]}
    assert text[cell["start"] : cell["end"]] == "12.5"
    assert isinstance(out["requests"]["cells"][0]["value"], int)
    rows = to_rows(tables_of(text))
    assert len(rows) == sum(len(t["cells"]) for t in out.values())
    assert rows[0] == {"table": "proactive", "template": "2021", **out["proactive"]["cells"][0]}


def test_labels_and_rules() -> None:
    assert row_labels("requests")["result.not_disclosed.3"] == "3.危及“三安全一稳定”"
    assert normalise_label("（七） 总计") == "(七)总计"
    assert rule_fires("requests.result.total", "（七）总计")
    assert not rule_fires("no.such.rule", "总计")


def test_last_row_read_past_a_misplaced_heading() -> None:
    """四、结转下年度继续办理 taken for heading 四: the row is still read, table 四 still whole."""
    import dataclasses

    text = read_file(DATA / "clean_2021_tabs.txt").text
    cut = text.index("四、结转下年度继续办理")
    sections = []
    for s in find_sections(text).items:
        if s.id == "requests":
            s = dataclasses.replace(s, end=cut)
        elif s.id == "review_litigation":
            s = dataclasses.replace(s, start=cut, body_start=cut + len("四、结转下年度继续办理"))
        sections.append(s)
    result = extract_tables(text, sections)
    assert grid(result, "requests") == expected_grid(R21, "requests", "2021")
    assert grid(result, "review_litigation") == expected_grid(V21, "review_litigation", "2021")


SUMMARY_ROWS = [  # a summary table 三: the groups only, the 总计 column only
    ("一、本年新收政府信息公开申请数量", "received", 62),
    ("二、上年结转政府信息公开申请数量", "carried_over", 4),
    ("三、本年度办理结果", None, None),
    ("（一）予以公开", "result.disclosed", 25),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "result.partly_disclosed", 7),
    ("（三）不予公开（属于国家秘密、保护第三方合法权益等）", "result.not_disclosed", 5),
    ("（四）无法提供（本机关不掌握相关政府信息等）", "result.unavailable", 18),
    ("（五）不予处理", "result.not_processed", 4),
    ("（六）其他处理", "result.other", 5),
    ("总计", "result.total", 64),
    ("四、结转下年度继续办理", "carried_forward", 2),
]


def summary_table_text(rows: list[tuple[str, str | None, int | None]] = SUMMARY_ROWS) -> str:
    body = "\n".join(label if value is None else f"{label}\t{value}" for label, _, value in rows)
    return ("一、总体情况\n概述。\n三、收到和处理政府信息公开申请情况\n\t总计\n" + body
            + "\n四、政府信息公开行政复议、行政诉讼情况\n")


def test_summary_table_with_notes_and_bare_total() -> None:
    """Group rows with a note in brackets are the groups; 总计 alone after （六） is （七）总计."""
    result = tables_of(summary_table_text())
    assert grid(result, "requests") == {(row, "total"): value for _, row, value in SUMMARY_ROWS if row is not None}
    assert result.template == "unknown"  # a summary shows neither template's （六）


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_bare_total_label(template: str) -> None:
    proactive, requests, review = (P21, R21, V21) if template == "2021" else (P19, R19, V19)
    text = build_report(title="示例县", overview="概述。", proactive=proactive, requests=requests, review=review,
                        template=template, layout="tabs").replace("（七）总计", "总计")
    assert grid(tables_of(text), "requests") == expected_grid(requests, "requests", template)


def test_subtotal_cell_goes_to_the_group() -> None:
    rows = [("（三）不予公开", None, None)]
    text = summary_table_text(rows).replace("（三）不予公开", "（三）不予公开\t1.属于国家秘密\t小计\t3")
    assert grid(tables_of(text), "requests") == {("result.not_disclosed", "total"): 3}
