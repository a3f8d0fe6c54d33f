"""Datasette metadata for an index built by :mod:`gknlp.search`: titles, facets and canned queries.

``datasette_metadata(db)`` returns the metadata dict (``gknlp serve`` passes it
to Datasette in-process); ``write_metadata(db, path)`` writes it as
``metadata.yml`` for ``datasette gk.sqlite -m metadata.yml``.

The canned queries are pure SQL, so they work from the web form and from the
JSON API (``/gk/commitment_search.json?q=培训``): a recursive CTE spells the
query out with a space between characters, as the index stores it, and wraps
it in double quotes (an FTS5 phrase); a space in the query separates words,
which must all occur (AND). Unlike ``gknlp search`` the SQL cannot apply
NFKC: it only maps the ideographic space, so type digits and Latin letters
half-width there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gknlp.search import MARK_CLOSE, MARK_OPEN

TITLE = "政府信息公开工作年度报告 · 承诺与问题检索"
DESCRIPTION = (
    "各地各部门政府信息公开工作年度报告中的存在问题、改进措施和“下一步将……”类承诺语句，"
    "以及规章文件、数量和培训等抽取结果。全文检索可查找任意长度的中文子串（如“复议”可命中“行政复议”）。"
)

# The query as a phrase per word: 培训 复议 → "培 训 " "复 议 ". Quotes in the input are dropped,
# the ideographic space is a space, runs of spaces count as one.
_SPELL_QUERY = """
WITH RECURSIVE
  input(s) AS (
    SELECT trim(replace(replace(replace(replace(replace(:q, '"', ' '), '　', ' '), '  ', ' '), '  ', ' '), '  ', ' '))
  ),
  spelled(i, out) AS (
    SELECT 0, ''
    UNION ALL
    SELECT i + 1, out || CASE substr(s, i + 1, 1) WHEN ' ' THEN '" "' ELSE substr(s, i + 1, 1) || ' ' END
    FROM spelled, input WHERE i < length(s)
  ),
  fts_query(m) AS (SELECT '"' || out || '"' FROM spelled, input WHERE i = length(s))
"""


def _search_sql(table: str, *, with_kind: bool) -> str:
    fts = f"{table}_fts"
    kind = "t.kind AS 类型, " if with_kind else ""
    kind_filter = "\n  AND (:kind = '' OR t.kind = :kind)" if with_kind else ""
    return (
        _SPELL_QUERY.strip()
        + f"""
SELECT
  {kind}t.issuer AS 发布机关, t.year AS 年度, t.province AS 省份,
  replace(snippet({fts}, -1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 40), ' ', '') AS 摘要,
  t.heading AS 标题, t.themes AS 主题, t.start, t."end",
  r.title AS 报告, t.report_id, t.id AS {table}_id
FROM {fts}
  JOIN {table} t ON t.id = {fts}.rowid
  JOIN reports r ON r.id = t.report_id
WHERE {fts} MATCH (SELECT m FROM fts_query){_FILTERS}{kind_filter}
ORDER BY bm25({fts})
LIMIT 200"""
    )


_FILTERS = """
  AND (:year = '' OR t.year = CAST(:year AS INTEGER))
  AND (:province = '' OR t.province = :province)
  AND (:theme = '' OR EXISTS (SELECT 1 FROM json_each(t.themes) WHERE value = :theme))"""


def _commitment_sql() -> str:
    # The measures are commitments too; their text is indexed once, in points_fts, so the
    # commitments are the measures found there plus the cue sentences found in commitments_fts.
    def arm(fts: str, table: str, source: str, where: str) -> str:
        return f"""
  SELECT {source} AS 来源, t.issuer, t.year, t.province,
    replace(snippet({fts}, -1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 40), ' ', '') AS snippet,
    t.heading, t.themes, t.start, t."end", t.report_id, bm25({fts}) AS score
  FROM {fts} JOIN {table} t ON t.id = {fts}.rowid
  WHERE {fts} MATCH (SELECT m FROM fts_query){where}{_FILTERS.replace(chr(10), chr(10) + '  ')}"""

    return (
        _SPELL_QUERY.strip()
        + ",\n  hits AS ("
        + arm("points_fts", "points", "'措施'", "\n    AND t.kind = 'measure'")
        + "\n  UNION ALL"
        + arm("commitments_fts", "commitments", "t.cue", "")
        + """
  )
SELECT
  h.issuer AS 发布机关, h.year AS 年度, h.province AS 省份, h.来源 AS 提示词,
  h.snippet AS 摘要, h.heading AS 标题, h.themes AS 主题, h.start, h."end",
  r.title AS 报告, h.report_id
FROM hits h JOIN reports r ON r.id = h.report_id
ORDER BY h.score
LIMIT 200"""
    )


def canned_queries() -> dict[str, dict[str, Any]]:
    """The canned queries (name → Datasette query config)."""
    return {
        "commitment_search": {
            "title": "承诺检索（下一步将……、改进措施）",
            "description": (
                "在承诺语句中检索：q 为检索词，多个词用空格分隔（须同时出现）；"
                "年度、省份、主题（如 training、interpretation）可留空。"
            ),
            "sql": _commitment_sql(),
            "params": ["q", "year", "province", "theme"],
            "hide_sql": True,
        },
        "point_search": {
            "title": "问题与措施检索",
            "description": (
                "在“存在的主要问题及改进情况”的问题（problem）和措施（measure）中检索；"
                "kind 填 problem 或 measure，可留空。"
            ),
            "sql": _search_sql("points", with_kind=True),
            "params": ["q", "kind", "year", "province", "theme"],
            "hide_sql": True,
        },
    }


def datasette_metadata(db: Path | str) -> dict[str, Any]:
    """The metadata for Datasette serving ``db`` (keyed by its database name, the file stem)."""
    report_facets = ["year", "province", "level"]
    row_facets: list[Any] = ["year", "province", "level", {"array": "themes"}]
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "databases": {
            Path(db).stem: {
                "title": "年度报告检索库",
                "description": "由 gknlp index 生成；每份报告以其 sha256 为准，重复索引即替换。",
                "tables": {
                    "reports": {
                        "title": "报告",
                        "description": "每份年度报告一行：发布机关、年度、地区、层级、来源文件。",
                        "facets": report_facets,
                        "label_column": "title",
                    },
                    "points": {
                        "title": "问题与措施",
                        "description": "第五部分“存在的主要问题及改进情况”中的问题（problem）和改进措施（measure），带主题。",
                        "facets": ["kind", *row_facets],
                    },
                    "commitments": {
                        "title": "承诺语句",
                        "description": "前瞻性承诺：改进措施，以及叙述部分含“下一步”“将”“计划”“力争”等提示词的句子。",
                        "facets": ["rule", *row_facets],
                    },
                    "regulations": {"title": "规章文件", "description": "报告中以《》提及的文件及其文号。"},
                    "quantities": {"title": "数量", "description": "叙述部分中的数量（数值、单位、约数）。"},
                    "trainings": {"title": "培训", "description": "培训场次、人数和主题。"},
                    "points_fts": {"hidden": True},
                    "commitments_fts": {"hidden": True},
                    "gknlp_meta": {"hidden": True},
                },
                "queries": canned_queries(),
            }
        },
    }


# Facets on 100,000+ rows need more than Datasette's default 200 ms (the theme facet
# reads every JSON array); suggesting facets would query every column on each page.
SETTINGS: dict[str, Any] = {"default_page_size": 50, "suggest_facets": False, "facet_time_limit_ms": 1000}


def datasette_settings() -> dict[str, Any]:
    """The Datasette settings ``gknlp serve`` uses (``--setting NAME VALUE`` on Datasette's own CLI)."""
    return dict(SETTINGS)


def write_metadata(db: Path | str, path: Path | str | None = None) -> Path:
    """Write the metadata as YAML (default: ``metadata.yml`` beside ``db``) and return its path."""
    import yaml  # a dependency of Datasette, so present wherever the web extra is

    target = Path(path) if path is not None else Path(db).with_name("metadata.yml")
    target.write_text(
        yaml.safe_dump(datasette_metadata(db), allow_unicode=True, sort_keys=False, width=1000),
        encoding="utf-8",
    )
    return target
