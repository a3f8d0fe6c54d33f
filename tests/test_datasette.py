"""The web UI: the index opened in Datasette with gknlp's metadata, through Datasette's own test client."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from gknlp.datasette_meta import canned_queries, datasette_metadata, datasette_settings, write_metadata
from gknlp.search import index_rows

datasette_app = pytest.importorskip("datasette.app", reason="the web extra (datasette) is not installed")
yaml = pytest.importorskip("yaml")


def _row(sha: str, issuer: str, year: int, province: str, measures: list[tuple[str, list[str]]],
         text: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "schema": "gknlp.report/1",
        "source": {"path": f"{sha}.txt", "format": "txt", "encoding": "utf-8", "sha256": sha},
        "meta": {"title": f"{issuer}{year}年政府信息公开工作年度报告", "issuer": issuer, "year": year,
                 "province": province, "level": "county"},
        "sections": [], "quantities": [], "trainings": [], "regulations": [],
        "problems": [{"text": "行政复议案件增多", "heading": None, "start": 0, "end": 8, "rule": "r",
                      "themes": ["requests"], "scores": {}}],
        "measures": [{"text": t, "heading": None, "start": 10 * n, "end": 10 * n + len(t), "rule": "r",
                      "themes": themes, "scores": {}} for n, (t, themes) in enumerate(measures)],
        "warnings": [],
    }
    if text is not None:
        row["text"] = text
        row["sections"] = [{"id": "problems", "heading": "五", "start": 0, "end": len(text), "body_start": 0}]
        row["measures"] = []
    return row


ROWS = [
    _row("a1", "甲县人民政府", 2021, "青原省", [("规范行政复议答复", ["requests"]), ("加强业务培训", ["training"])]),
    _row("b2", "乙县人民政府", 2022, "白水省", [("做好政策解读和培训", ["interpretation", "training"])]),
    _row("c3", "丙市交通运输局", 2022, "白水省", [], text="下一步，我局将加强政策解读培训。全年公开信息100条。"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "gk.sqlite"
    index_rows(path, ROWS)
    return path


def _get_all(db: Path, urls: list[str], metadata: dict[str, Any] | None = None) -> list[Any]:
    async def run() -> list[Any]:
        ds = datasette_app.Datasette([str(db)], metadata=metadata or datasette_metadata(db),
                                     settings=datasette_settings())
        await ds.invoke_startup()
        return [await ds.client.get(url) for url in urls]

    return asyncio.run(run())


def _rows(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text[:500]
    return response.json()


@pytest.mark.parametrize(
    ("query", "params", "expected"),
    [
        ("commitment_search", "q=复议", {"规范行政复议答复"}),  # two characters inside a longer word
        ("commitment_search", "q=培训", {"加强业务培训", "做好政策解读和培训", "下一步，我局将加强政策解读培训。"}),
        ("commitment_search", "q=培训 解读", {"做好政策解读和培训", "下一步，我局将加强政策解读培训。"}),
        ("commitment_search", "q=培训　解读&year=2022&province=白水省&theme=training", {"做好政策解读和培训"}),
        ("commitment_search", "q=下一步", {"下一步，我局将加强政策解读培训。"}),
        ("commitment_search", "q=", set()),
        ("point_search", "q=复议&kind=problem", {"行政复议案件增多"}),
        ("point_search", "q=复议", {"行政复议案件增多", "规范行政复议答复"}),
    ],
)
def test_canned_queries_from_the_json_api(db: Path, query: str, params: str, expected: set[str]) -> None:
    url = f"/gk/{query}.json?_shape=array&" + "&".join(
        f"{k}={quote(v)}" for k, _, v in (p.partition("=") for p in params.split("&"))
    )
    rows = _rows(_get_all(db, [url])[0])
    snippets = {r["摘要"].replace("【", "").replace("】", "") for r in rows}
    assert snippets == expected
    assert all("【" in r["摘要"] for r in rows)


def test_the_search_form_page_renders(db: Path) -> None:
    page, home = _get_all(db, [f"/gk/commitment_search?q={quote('复议')}", "/"])
    assert page.status_code == 200
    assert "承诺检索" in page.text and "【复议】" in page.text
    assert home.status_code == 200 and "承诺与问题检索" in home.text


def test_facets_on_year_province_level_and_theme(db: Path) -> None:
    (response,) = _get_all(db, ["/gk/points.json?_size=0"])
    facets = response.json()["facet_results"]
    assert {"kind", "year", "province", "level", "themes"} <= set(facets)
    themes = {f["value"]: f["count"] for f in facets["themes"]["results"]}
    assert themes["training"] == 2
    (reports,) = _get_all(db, ["/gk/reports.json?_size=0"])
    assert {"year", "province", "level"} <= set(reports.json()["facet_results"])


def test_the_fts_tables_are_hidden(db: Path) -> None:
    (response,) = _get_all(db, ["/gk.json"])
    tables = {t["name"]: t["hidden"] for t in response.json()["tables"]}
    assert tables["points_fts"] and tables["commitments_fts"]
    assert not tables["commitments"]


def test_written_metadata_yml_is_the_same_metadata(db: Path, tmp_path: Path) -> None:
    path = write_metadata(db, tmp_path / "metadata.yml")
    loaded = yaml.safe_load(path.read_text("utf-8"))
    assert loaded == datasette_metadata(db)
    assert "承诺检索" in path.read_text("utf-8")  # Chinese kept readable, not escaped
    assert write_metadata(db).name == "metadata.yml"
    (response,) = _get_all(db, [f"/gk/commitment_search.json?_shape=array&q={quote('复议')}"], metadata=loaded)
    assert len(_rows(response)) == 1


def test_every_canned_query_names_its_parameters() -> None:
    for name, query in canned_queries().items():
        for param in query["params"]:
            assert f":{param}" in query["sql"], (name, param)
