"""Theme frequency tables over many reports: how many reports raise each theme, per group.

Reads what ``gknlp batch`` writes (JSONL of contract objects, or a Parquet
results folder) and counts, for each theme of ``rules/themes.toml`` and each
group (year, province, level or issuer), the number of REPORTS whose problems
(or measures) carry the theme: a report counts once per theme however many of
its points carry it. Every table carries its group sizes, so that a share is
never read without its base.

Renderers: :func:`to_table` (aligned text for a terminal), :func:`to_csv` and
:func:`to_markdown` (for papers), :func:`to_json` (for programs).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from gknlp.errors import InputError
from gknlp.region import find_region, load_divisions
from gknlp.rules import load_rule_file

PointKind = Literal["problems", "measures"]
GroupBy = Literal["year", "province", "level", "issuer"]
Row = dict[str, Any]

UNKNOWN = "(unknown)"
ALL = "(all)"
ERROR_SCHEMA = "gknlp.error/1"
# Levels sort from the top of the administration down, not alphabetically.
_LEVEL_ORDER = ("国家级", "省级", "市级", "县级", "乡级")
_META_COLUMNS = ("report_id", "title", "issuer", "year", "province", "city", "county", "level", "body_type")


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeTable:
    """Reports raising each theme, per group.

    ``counts[i][j]`` is the number of reports of group ``groups[j]`` that raise
    theme ``themes[i]``; ``sizes[j]`` the number of reports in that group;
    ``totals[i]`` the count over all groups, of ``n_reports`` reports.
    """

    kind: PointKind
    by: GroupBy
    share: bool
    themes: tuple[str, ...]
    theme_names: tuple[str, ...]
    groups: tuple[str, ...]
    sizes: tuple[int, ...]
    counts: tuple[tuple[int, ...], ...]
    totals: tuple[int, ...]
    n_reports: int
    n_errors: int

    def shares(self) -> tuple[tuple[float | None, ...], ...]:
        """``counts`` divided by the group sizes (None for an empty group)."""
        return tuple(
            tuple(c / n if n else None for c, n in zip(row, self.sizes, strict=True)) for row in self.counts
        )


def theme_names() -> dict[str, str]:
    """Theme id -> Chinese name, in the order of ``rules/themes.toml``."""
    return {rule["id"]: str(rule.get("name", rule["id"])) for rule in load_rule_file("themes.toml").rules("theme")}


def _meta_value(meta: Row, key: str) -> Any:
    # the region may sit flat in meta (meta.province) or nested (meta.region.province);
    # meta.level may be a plain label or an object with a "level" key
    value = meta.get(key)
    if value is None and isinstance(meta.get("region"), dict):
        value = meta["region"].get(key)
    if isinstance(value, dict):
        value = value.get(key)
    return value


def _group_of(row: Row, by: GroupBy) -> str:
    meta = row.get("meta") or {}
    if by in ("province", "level") and not _has_region(meta):
        # results written before the region was wired: locate the issuer now
        found = find_region(meta.get("issuer"), meta.get("title"), "")
        value: Any = found.province if by == "province" else found.level
    else:
        value = _meta_value(meta, by)
    if value is None or (isinstance(value, str) and not value.strip()):
        return UNKNOWN
    return str(value)


def _has_region(meta: Row) -> bool:
    return any(meta.get(key) is not None for key in ("province", "level", "region"))


def _sort_key(by: GroupBy, group: str) -> tuple[int, Any]:
    if group == UNKNOWN:
        return (2, "")
    if by == "year":
        return (0, int(group)) if group.lstrip("-").isdigit() else (1, group)
    if by == "level" and group in _LEVEL_ORDER:
        return (0, _LEVEL_ORDER.index(group))
    if by == "province":
        # the order of the division codes (北京市 first), as official statistics list them
        codes = [d.code for d in load_divisions().full.get(group, ()) if d.kind == "province"]
        return (0, codes[0]) if codes else (1, group)
    return (1, group)


def theme_table(rows: Iterable[Row], kind: PointKind, by: GroupBy, share: bool = False) -> ThemeTable:
    """Count, per theme and group, the reports whose ``kind`` points carry the theme.

    Args:
        rows: contract objects as ``gknlp batch`` writes them (see :func:`load_results`);
            error rows (``"schema": "gknlp.error/1"``) are skipped and counted in ``n_errors``.
        kind: ``"problems"`` or ``"measures"``.
        by: the meta field that makes the groups; a missing value is the group ``"(unknown)"``.
        share: whether renderers show shares of the group size rather than counts.

    Returns:
        A :class:`ThemeTable` with every theme of ``rules/themes.toml`` (in its order, then
        any other id met in the rows), and the groups sorted (years ascending, levels top down).
    """
    if kind not in ("problems", "measures"):
        raise ValueError(f"kind must be 'problems' or 'measures', not {kind!r}")
    if by not in ("year", "province", "level", "issuer"):
        raise ValueError(f"by must be year, province, level or issuer, not {by!r}")
    sizes: dict[str, int] = defaultdict(int)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    n_errors = 0
    extra: list[str] = []
    names = theme_names()
    for row in rows:
        if row.get("schema") == ERROR_SCHEMA:
            n_errors += 1
            continue
        if not isinstance(row.get("meta") or {}, dict):
            continue  # not a contract object: nothing to count
        group = _group_of(row, by)
        sizes[group] += 1
        points = [p for p in row.get(kind) or [] if isinstance(p, dict)]
        raised = {theme for point in points for theme in point.get("themes") or []}
        for theme in raised:
            counts[(theme, group)] += 1
            if theme not in names and theme not in extra:
                extra.append(theme)
    themes = (*names, *sorted(extra))
    groups = tuple(sorted(sizes, key=lambda g: _sort_key(by, g)))
    table = tuple(tuple(counts[(t, g)] for g in groups) for t in themes)
    return ThemeTable(
        kind=kind,
        by=by,
        share=share,
        themes=themes,
        theme_names=tuple(names.get(t, t) for t in themes),
        groups=groups,
        sizes=tuple(sizes[g] for g in groups),
        counts=table,
        totals=tuple(sum(r) for r in table),
        n_reports=sum(sizes.values()),
        n_errors=n_errors,
    )


# --- reading batch results ---------------------------------------------------


def load_results(path: Path | str) -> Iterator[Row]:
    """Yield the rows of a batch result: a JSONL file, or a Parquet results folder.

    A Parquet folder (``results.parquet/`` with ``reports/*.parquet`` and
    ``points/*.parquet``) is read with pyarrow and turned back into rows of the
    contract's shape, holding what theme tables need (meta, and the themes of
    each problem and measure). A JSONL line that is not valid JSON raises
    InputError naming the line.
    """
    path = Path(path)
    if path.is_dir():
        yield from _load_parquet(path)
        return
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read results: {exc.strerror or exc}") from None
    with handle:
        number = 0
        try:
            for number, line in enumerate(handle, start=1):  # noqa: B007 (number names the bad line)
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{number}: not a JSON object: {exc.msg}") from None
                if isinstance(row, dict) and row.get("schema") in (None, ERROR_SCHEMA, "gknlp.report/1"):
                    yield row
        except UnicodeDecodeError:
            raise InputError(f"{path}:{number + 1}: not UTF-8 text: not a gknlp results file") from None


def _load_parquet(folder: Path) -> Iterator[Row]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("reading Parquet results needs pyarrow: pip install 'gknlp[parquet]'") from None
    report_parts = sorted((folder / "reports").glob("*.parquet"))
    if not report_parts:
        raise InputError(f"{folder}: no reports/*.parquet: not a gknlp batch results folder")
    points: dict[str, dict[str, list[Row]]] = defaultdict(lambda: {"problems": [], "measures": []})
    for part in sorted((folder / "points").glob("*.parquet")):
        table = pq.read_table(part, columns=["report_id", "kind", "themes"])
        for report_id, kind, themes in zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True):
            points[report_id][f"{kind}s"].append({"themes": list(themes or [])})
    for part in sorted((folder / "errors").glob("*.parquet")):
        for report_id in pq.read_table(part, columns=["report_id"]).column("report_id").to_pylist():
            yield {"schema": ERROR_SCHEMA, "sha256": report_id}
    for part in report_parts:
        names = set(pq.read_schema(part).names)
        table = pq.read_table(part, columns=[c for c in _META_COLUMNS if c in names])
        for record in table.to_pylist():
            report_id = record.pop("report_id")
            found = points.get(report_id, {"problems": [], "measures": []})
            yield {"schema": "gknlp.report/1", "source": {"sha256": report_id}, "meta": record, **found}


# --- renderers -----------------------------------------------------------------


def _cell(t: ThemeTable, count: int, size: int) -> str:
    if not t.share:
        return str(count)
    return f"{100 * count / size:.1f}% ({count})" if size else "-"


def _rows(t: ThemeTable) -> tuple[list[str], list[list[str]]]:
    """Header and body of the wide table: one row per theme, the group sizes first."""
    header = ["theme", "主题", *t.groups, ALL]
    body = [["(reports)", "报告数", *map(str, t.sizes), str(t.n_reports)]]
    for theme, name, counts, total in zip(t.themes, t.theme_names, t.counts, t.totals, strict=True):
        cells = [_cell(t, c, n) for c, n in zip(counts, t.sizes, strict=True)]
        body.append([theme, name, *cells, _cell(t, total, t.n_reports)])
    return header, body


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _caption(t: ThemeTable) -> str:
    what = "share of reports" if t.share else "reports"
    errors = f"; {t.n_errors} error rows skipped" if t.n_errors else ""
    return f"{what} raising each theme in their {t.kind}, by {t.by} ({t.n_reports} reports{errors})"


def to_table(t: ThemeTable) -> str:
    """Aligned plain text: themes down, groups across, the group sizes in the first row."""
    header, body = _rows(t)
    rows = [header, *body]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        out = []
        for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
            pad = " " * (w - _width(cell))
            out.append(cell + pad if i < 2 else pad + cell)  # labels left, numbers right
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([_caption(t), line(header), rule, line(body[0]), rule, *map(line, body[1:])]) + "\n"


def to_csv(t: ThemeTable) -> str:
    """CSV: one row per theme and one column per group; the first row holds the group sizes.

    Counts, or with ``share`` the percentage of the group's reports (one decimal).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["theme", "name", *t.groups, ALL])
    writer.writerow(["(reports)", "报告数", *t.sizes, t.n_reports])
    for theme, name, counts, total in zip(t.themes, t.theme_names, t.counts, t.totals, strict=True):
        values = [*counts, total]
        if t.share:
            bases = [*t.sizes, t.n_reports]
            writer.writerow([theme, name, *(f"{100 * v / n:.1f}" if n else "" for v, n in zip(values, bases, strict=True))])
        else:
            writer.writerow([theme, name, *values])
    return out.getvalue()


def to_markdown(t: ThemeTable) -> str:
    """A Markdown table (GitHub style) with the group sizes as its first row, and a caption line."""
    header, body = _rows(t)

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    align = "| --- | --- | " + " | ".join("---:" for _ in header[2:]) + " |"
    body[0] = [f"**{c}**" for c in body[0]]
    return "\n".join([f"*{_caption(t)}*", "", line(header), align, *map(line, body)]) + "\n"


def to_json(t: ThemeTable) -> dict[str, Any]:
    """A JSON-ready object holding both counts and shares, with the group sizes."""
    shares = t.shares()
    return {
        "schema": "gknlp.themes/1",
        "kind": t.kind,
        "by": t.by,
        "share": t.share,
        "reports": t.n_reports,
        "errors": t.n_errors,
        "groups": [{"group": g, "reports": n} for g, n in zip(t.groups, t.sizes, strict=True)],
        "themes": [
            {
                "id": theme,
                "name": name,
                "reports": total,
                "counts": dict(zip(t.groups, counts, strict=True)),
                "shares": {g: None if s is None else round(s, 4) for g, s in zip(t.groups, row, strict=True)},
            }
            for theme, name, counts, total, row in zip(t.themes, t.theme_names, t.counts, t.totals, shares, strict=True)
        ],
    }
