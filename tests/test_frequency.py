"""Theme frequency tables: counting reports (not points) per theme and group, and the four renderers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gknlp.errors import InputError
from gknlp.frequency import (
    ThemeTable,
    load_results,
    theme_names,
    theme_table,
    to_csv,
    to_json,
    to_markdown,
    to_table,
)


def report(sha: str, issuer: str | None, year: int | None, problems: list[list[str]],
           measures: list[list[str]] | None = None, **meta: Any) -> dict[str, Any]:
    """A contract object as `gknlp batch` writes it (only what theme tables read is filled in)."""
    return {
        "schema": "gknlp.report/1",
        "source": {"path": f"{sha}.txt", "format": "txt", "encoding": "utf-8", "sha256": sha},
        "meta": {"title": None, "issuer": issuer, "year": year, **meta},
        "sections": [], "quantities": [], "trainings": [], "regulations": [],
        "problems": [{"text": "x", "heading": None, "themes": t, "scores": {}, "start": 0, "end": 1} for t in problems],
        "measures": [{"text": "y", "heading": None, "themes": t, "scores": {}, "start": 0, "end": 1}
                     for t in (measures or [])],
        "warnings": [],
    }


ROWS = [
    # one report raising interpretation in two points counts once
    report("a", "濮阳市人民政府办公室", 2020, [["interpretation"], ["interpretation", "timeliness"]], [["training"]]),
    report("b", "亳州市人民政府", 2020, [["timeliness"]]),
    report("c", "蓬溪县政府办公室", 2019, [["interpretation"]], [["training"], ["training"]]),
    report("d", "新乡县人民政府", None, []),
    {"schema": "gknlp.error/1", "path": "bad.txt", "sha256": None, "error": "empty file"},
]


def _cell(t: ThemeTable, theme: str, group: str) -> int:
    return t.counts[t.themes.index(theme)][t.groups.index(group)]


def test_counts_reports_once_per_theme_and_skips_errors() -> None:
    t = theme_table(ROWS, "problems", "year", share=False)
    assert t.groups == ("2019", "2020", "(unknown)")
    assert t.sizes == (1, 2, 1)
    assert (t.n_reports, t.n_errors) == (4, 1)
    assert _cell(t, "interpretation", "2020") == 1
    assert _cell(t, "interpretation", "2019") == 1
    assert _cell(t, "timeliness", "2020") == 2
    assert t.totals[t.themes.index("interpretation")] == 2
    assert t.themes[: len(theme_names())] == tuple(theme_names())  # the whole taxonomy, in its order


def test_measures_and_shares() -> None:
    t = theme_table(ROWS, "measures", "year", share=True)
    assert _cell(t, "training", "2019") == 1
    shares = t.shares()
    assert shares[t.themes.index("training")][t.groups.index("2020")] == 0.5


@pytest.mark.parametrize(
    ("by", "groups"),
    [
        ("issuer", ("亳州市人民政府", "新乡县人民政府", "濮阳市人民政府办公室", "蓬溪县政府办公室")),
        # no region in meta yet: located from the issuer (河南 first: division-code order)
        ("province", ("安徽省", "河南省", "四川省")),
        ("level", ("市级", "县级")),
    ],
)
def test_groups(by: str, groups: tuple[str, ...]) -> None:
    t = theme_table(ROWS, "problems", by, share=False)  # type: ignore[arg-type]
    assert set(t.groups) == set(groups)
    if by != "issuer":
        assert t.groups == groups


def test_region_in_meta_is_used_flat_or_nested() -> None:
    rows = [
        report("x", "某单位", 2020, [["security"]], province="北京市", level="县级"),
        report("y", "某单位", 2020, [["security"]], region={"province": "上海市"}, level={"level": "省级"}),
        report("z", "某单位", 2020, [["security"]], region=None, level=None),
    ]
    assert theme_table(rows, "problems", "province").groups == ("北京市", "上海市", "(unknown)")
    assert theme_table(rows, "problems", "level").groups == ("省级", "县级", "(unknown)")


def test_unknown_theme_ids_are_kept_at_the_end() -> None:
    t = theme_table([report("a", None, 2020, [["not_a_theme"]])], "problems", "year")
    assert t.themes[-1] == "not_a_theme" and t.theme_names[-1] == "not_a_theme"


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="kind"):
        theme_table(ROWS, "points", "year")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="by"):
        theme_table(ROWS, "problems", "city")  # type: ignore[arg-type]


def test_renderers_show_group_sizes() -> None:
    t = theme_table(ROWS[:3], "problems", "year", share=True)
    text = to_table(t)
    lines = text.splitlines()
    assert lines[0] == "share of reports raising each theme in their problems, by year (3 reports)"
    assert lines[1].split() == ["theme", "主题", "2019", "2020", "(all)"]
    assert lines[3].split() == ["(reports)", "报告数", "1", "2", "3"]
    assert "interpretation   政策解读" in text
    row = next(line for line in lines if line.startswith("timeliness"))
    assert row.split()[2:] == ["0.0%", "(0)", "100.0%", "(2)", "66.7%", "(2)"]

    csv_text = to_csv(t).splitlines()
    assert csv_text[0] == "theme,name,2019,2020,(all)"
    assert csv_text[1] == "(reports),报告数,1,2,3"
    assert "timeliness,及时性与更新,0.0,100.0,66.7" in csv_text
    assert "timeliness,及时性与更新,0,2,2" in to_csv(theme_table(ROWS[:3], "problems", "year")).splitlines()

    md = to_markdown(t).splitlines()
    assert md[2] == "| theme | 主题 | 2019 | 2020 | (all) |"
    assert md[3] == "| --- | --- | ---: | ---: | ---: |"
    assert md[4] == "| **(reports)** | **报告数** | **1** | **2** | **3** |"

    data = to_json(t)
    json.dumps(data, ensure_ascii=False)
    assert data["groups"] == [{"group": "2019", "reports": 1}, {"group": "2020", "reports": 2}]
    timeliness = next(x for x in data["themes"] if x["id"] == "timeliness")
    assert timeliness == {"id": "timeliness", "name": "及时性与更新", "reports": 2,
                          "counts": {"2019": 0, "2020": 2}, "shares": {"2019": 0.0, "2020": 1.0}}


def test_empty_input_renders() -> None:
    t = theme_table([], "problems", "year")
    assert t.groups == () and t.n_reports == 0
    assert "(reports)" in to_table(t) and to_csv(t).startswith("theme,name,(all)")
    assert to_json(t)["groups"] == []


def test_load_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS) + "\n", encoding="utf-8")
    rows = list(load_results(path))
    assert len(rows) == 5
    assert theme_table(rows, "problems", "year").sizes == (1, 2, 1)


def test_load_jsonl_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read results"):
        list(load_results(tmp_path / "missing.jsonl"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"schema": "gknlp.report/1"}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:2"):
        list(load_results(bad))


def test_load_parquet_folder_written_by_batch(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from gknlp.parquet import ParquetWriter

    out = tmp_path / "results.parquet"
    writer = ParquetWriter(out, resume=False, flush_every=2)
    for row in ROWS:
        writer.write(row)
    writer.close()
    rows = list(load_results(out))
    assert sum(r.get("schema") == "gknlp.error/1" for r in rows) == 1
    from_parquet = theme_table(rows, "problems", "year")
    from_jsonl = theme_table(ROWS, "problems", "year")
    assert from_parquet == from_jsonl
    assert theme_table(rows, "measures", "province") == theme_table(ROWS, "measures", "province")


def test_not_a_results_folder(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    with pytest.raises(InputError, match="not a gknlp batch results folder"):
        list(load_results(tmp_path))
