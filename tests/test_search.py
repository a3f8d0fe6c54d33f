"""The full-text index: recall against a substring scan, query syntax, re-indexing, filters, output."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLES_DIR
from gknlp.errors import InputError
from gknlp.search import (
    ParsedQuery,
    connect,
    format_hits,
    index_results,
    index_rows,
    parse_query,
    search,
    search_key,
    spaced,
)


def _point(text: str, start: int, *, heading: str | None = None, themes: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"text": text, "heading": heading, "start": start, "end": start + len(text), "rule": "hand",
            "themes": list(themes), "scores": {}}


def hand_row(sha: str, *, issuer: str, year: int, province: str | None = None,
             problems: tuple[str, ...] = (), measures: tuple[str, ...] = (), themes: tuple[str, ...] = (),
             text: str | None = None) -> dict[str, Any]:
    """A contract object written by hand (the search logic does not depend on the extractors)."""
    row: dict[str, Any] = {
        "schema": "gknlp.report/1",
        "source": {"path": f"{sha}.txt", "format": "txt", "encoding": "utf-8", "sha256": sha},
        "meta": {"title": f"{issuer}{year}年政府信息公开工作年度报告", "issuer": issuer, "year": year,
                 "province": province},
        "sections": [],
        "quantities": [], "trainings": [], "regulations": [],
        "problems": [_point(t, 100 * n) for n, t in enumerate(problems)],
        "measures": [_point(t, 1000 + 100 * n, themes=themes) for n, t in enumerate(measures)],
        "warnings": [],
    }
    if text is not None:
        row["text"] = text
    return row


HAND_ROWS = [
    hand_row("a1", issuer="甲市人民政府", year=2021, province="青原省",
             problems=("行政复议案件较上年增加", "政策解读形式单一"),
             measures=("加强业务培训，全年培训不少于2次", "优化１２３４５热线转办流程"), themes=("training",)),
    hand_row("b2", issuer="乙县交通运输局", year=2022, province="白水省",
             problems=("复议纠错率偏高", "培训覆盖面不广"),
             measures=("规范行政复议答复", "做好政策解读和回应"), themes=("interpretation",)),
    hand_row("c3", issuer="丙镇人民政府", year=2022,
             problems=("信息员培，训练不足",),  # 培 and 训 across punctuation: not the word 培训
             measures=("落实“一对一”解读",)),
]


@pytest.fixture(scope="module")
def sample_rows() -> list[dict[str, Any]]:
    """Contract objects (with their text) of the bundled samples."""
    from gknlp.pipeline import extract_file

    rows = []
    for path in sorted(SAMPLES_DIR.iterdir()):
        report = extract_file(path)
        rows.append({**report.to_json(), "text": report.text})
    return rows


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, sample_rows: list[dict[str, Any]]) -> Path:
    path = tmp_path_factory.mktemp("index") / "gk.sqlite"
    index_rows(path, [*sample_rows, *HAND_ROWS])
    return path


def _texts(db: Path, table: str) -> list[tuple[str, str, str | None]]:
    conn = connect(db)
    try:
        kind = "kind" if table == "points" else "'commitment'"
        return conn.execute(f"SELECT {kind}, text, heading FROM {table}").fetchall()
    finally:
        conn.close()


# Two-character words (the trigram trap), a word inside a longer word (the jieba trap),
# digits, punctuation, full-width forms, and words that occur nowhere.
RECALL_QUERIES = ["培训", "解读", "复议", "行政复议", "政策解读", "公开", "下一步", "12345", "１２３４５",
                  "“一对一”", "不少于2", "信息员", "训", "根本不存在的词"]


@pytest.mark.parametrize("query", RECALL_QUERIES)
def test_recall_equals_a_substring_scan(db: Path, query: str) -> None:
    key = search_key(query)
    for table, kind in (("points", None), ("commitments", "commitments")):
        expected = sorted(
            (k, t) for k, t, h in _texts(db, table) if key in search_key(t) or key in search_key(h or "")
        )
        hits = search(db, query, kind=kind, limit=100_000)  # type: ignore[arg-type]
        assert sorted((h.kind, h.text) for h in hits if (h.kind == "commitment") == (table == "commitments")) \
            == expected, table


def test_the_samples_have_something_to_find(db: Path) -> None:
    # Guards the recall test against passing on an empty corpus.
    assert len(search(db, "公开", kind="measures", limit=1000)) >= 5
    assert search(db, "培训", kind="commitments", limit=5)


@dataclass(frozen=True)
class QueryCase:
    query: str
    expected: ParsedQuery


QUERY_CASES = [
    QueryCase("培训", ParsedQuery(("培训",), ())),
    QueryCase("培训 解读", ParsedQuery(("培训", "解读"), ())),
    QueryCase('"政策 解读" -复议', ParsedQuery(("政策 解读",), ("复议",))),
    QueryCase("“政策解读” －复议", ParsedQuery(("政策解读",), ("复议",))),
    QueryCase("培训　-", ParsedQuery(("培训",), ())),
]


@pytest.mark.parametrize("case", QUERY_CASES, ids=lambda c: c.query)
def test_parse_query(case: QueryCase) -> None:
    assert parse_query(case.query) == case.expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("复议", {"行政复议案件较上年增加", "复议纠错率偏高", "规范行政复议答复"}),
        ("复议 规范", {"规范行政复议答复"}),
        ("复议 -行政", {"复议纠错率偏高"}),
        ('"行政 复议"', {"行政复议案件较上年增加", "规范行政复议答复"}),
        ("培训", {"加强业务培训，全年培训不少于2次", "培训覆盖面不广"}),
        ("12345热线", {"优化１２３４５热线转办流程"}),
    ],
)
def test_query_syntax_on_hand_rows(db: Path, query: str, expected: set[str]) -> None:
    hits = search(db, query, issuer="", limit=1000)
    assert {h.text for h in hits if h.sha256 in {"a1", "b2", "c3"}} == expected


def test_query_without_a_word_is_an_input_error(db: Path) -> None:
    with pytest.raises(InputError, match="no word"):
        search(db, "-复议")


def test_missing_index_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such index"):
        search(tmp_path / "none.sqlite", "培训")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"year": 2022}, {"复议纠错率偏高", "规范行政复议答复"}),
        ({"province": "青原省"}, {"行政复议案件较上年增加"}),
        ({"issuer": "交通"}, {"复议纠错率偏高", "规范行政复议答复"}),
        ({"kind": "measures"}, {"规范行政复议答复"}),
        ({"kind": "problems", "year": 2021}, {"行政复议案件较上年增加"}),
        ({"theme": "interpretation"}, {"规范行政复议答复"}),
    ],
)
def test_filters(db: Path, filters: dict[str, Any], expected: set[str]) -> None:
    hits = search(db, "复议", limit=1000, **filters)
    assert {h.text for h in hits if h.sha256 in {"a1", "b2", "c3"}} == expected


def test_hits_carry_report_offsets_and_a_snippet_without_inserted_spaces(db: Path, sample_rows: list[Any]) -> None:
    texts = {row["source"]["sha256"]: row["text"] for row in sample_rows}
    hits = [h for h in search(db, "政策解读", limit=100) if h.sha256 in texts]
    assert hits
    for hit in hits:
        assert hit.start is not None and hit.end is not None
        assert texts[hit.sha256][hit.start:hit.end] == hit.text
        assert hit.issuer and hit.year and hit.title and hit.path
        if hit.heading and hit.snippet.startswith(f"【{hit.heading}】"):
            continue  # only the heading matched
        assert "【政策解读】" in hit.snippet
        plain = hit.snippet.replace("【", "").replace("】", "").strip("…")
        assert plain in hit.text  # the report's own characters, no inserted spaces
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks)


def test_everything_search_shows_a_measure_once(db: Path) -> None:
    hits = search(db, "规范行政复议答复", limit=100)
    assert [h.kind for h in hits] == ["measure"]
    assert [h.kind for h in search(db, "规范行政复议答复", kind="commitments")] == ["commitment"]


def test_reindexing_replaces_and_indexing_is_incremental(tmp_path: Path) -> None:
    db = tmp_path / "gk.sqlite"
    first = index_rows(db, HAND_ROWS[:2])
    again = index_rows(db, HAND_ROWS[:2])
    more = index_rows(db, HAND_ROWS[2:])
    assert (first.reports, first.replaced, first.points) == (2, 0, 8)
    assert (again.reports, again.replaced) == (2, 2)
    assert more.replaced == 0
    conn = connect(db)
    try:
        counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("reports", "points", "points_fts", "commitments", "commitments_fts")]
    finally:
        conn.close()
    assert counts == [3, 10, 10, 5, 0]  # rows without text: their commitments are measures, in points_fts
    assert len(search(db, "复议", limit=100)) == 3


def test_jsonl_results_error_rows_and_report_files(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in HAND_ROWS[:1]]
    lines += [json.dumps({"schema": "gknlp.error/1", "path": "x.txt", "sha256": None, "error": "empty"}), "{cut"]
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = index_results(tmp_path / "gk.sqlite", [results])
    assert (summary.reports, summary.skipped, summary.without_text) == (1, 1, 1)
    assert "no report text" not in summary.format() or "measures only" in summary.format()
    assert any("not a JSON object" in w for w in summary.warnings)
    with pytest.raises(InputError, match="no such file"):
        index_results(tmp_path / "gk.sqlite", [tmp_path / "missing.jsonl"])


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_format_hits(db: Path, fmt: str) -> None:
    hits = search(db, "复议", year=2022, limit=10)
    out = format_hits(hits, fmt)  # type: ignore[arg-type]
    if fmt == "json":
        assert [h["text"] for h in json.loads(out)] == [h.text for h in hits]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [r["text"] for r in rows] == [h.text for h in hits]
        assert rows[0]["year"] == "2022"
    else:
        assert out.splitlines()[0].split()[:4] == ["#", "kind", "issuer", "year"]
        assert "【复议】" in out
    assert format_hits([], "table") == "no hits"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("行政复议", "行 政 复 议"), ("１２３４５热线", "1 2 3 4 5 热 线"), ("解读（图解）", "解 读 （ 图 解 ）"),
     ("a b\u3000c", "a b c")],
)
def test_spaced(text: str, expected: str) -> None:
    assert spaced(text) == expected


def test_report_files_are_extracted_with_their_text(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    summary = index_results(tmp_path / "gk.sqlite", [SAMPLES_DIR / "qinghe_2021_gb18030.txt", empty])
    assert (summary.reports, summary.without_text) == (1, 0)
    assert summary.commitments > summary.points // 2  # the measures and at least one cue sentence
    assert any(w.startswith(str(empty)) for w in summary.warnings)
    assert search(tmp_path / "gk.sqlite", "以下几项工作", kind="commitments")[0].rule == "cue.will"
