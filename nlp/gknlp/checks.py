"""Arithmetic of the statistical tables, and the narrative held against them.

Checks (the ``check`` of a :class:`Finding`):

- ``requests.identity``: 一 + 二 = 三（七）总计 + 四, in every column (the
  identity printed on table 三 itself).
- ``requests.subtotal``: a group row equals the sum of its rows (（三）不予公开 =
  1–8, …) and （七）总计 = （一）…（六）, in every column; a group printed without
  its own row counts as the sum of its rows.
- ``requests.applicant_sum``: the 总计 column equals 自然人 + the five 法人或其他组织
  columns, in every row.
- ``review_litigation.total``: each 总计 of table 四 equals 维持 + 纠正 + 其他 + 尚未审结.
- ``narrative.*``: figures the overview, requests and review sections state
  (收到申请N件, 行政复议N件, 直接诉讼N件, 制发规范性文件N件 …; wordings in
  ``rules/tables.toml`` ``[[narrative]]``) against the table cells they name.
- ``pair.in_force`` / ``pair.carried_over`` (:func:`check_pair`, two years of
  one body): 现行有效件数 = last year's + 本年制发件数 − 本年废止件数; this
  year's 上年结转 = last year's 结转下年度.

Severity: ``error`` when a 总计 column (or a table 四 total) breaks; ``warning``
when only an applicant column breaks, for narrative figures and across years
(a report may state a subset, or a body may have been restructured); cells
written as dashes are not checked. Only exact sums are compared (the tables
hold counts; amounts are not summed).
"""

from __future__ import annotations

import functools
import logging
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import regex

from gknlp.errors import GknlpError, RuleFileError
from gknlp.model import Section
from gknlp.rules import load_rule_file
from gknlp.tables import (
    RULE_FILE,
    Cell,
    StatTable,
    TableId,
    TablesResult,
    column_labels,
    extract_tables,
    request_columns,
    request_layouts,
    request_parents,
    review_order,
    row_labels,
)
from gknlp.text import AnyOf, finditer_guarded

log = logging.getLogger(__name__)

Severity = Literal["error", "warning", "info"]
_TOTAL = "total"
# Sections whose prose may state table figures.
_NARRATIVE_SECTIONS = ("overview", "requests", "review_litigation")
_START, _END = operator.attrgetter("start"), operator.attrgetter("end")


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One inconsistency: what was checked, how bad, the numbers and where they are."""

    check: str
    severity: Severity
    message: str
    numbers: tuple[float, ...]
    offsets: tuple[tuple[int, int], ...]


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _labels(table: TableId) -> tuple[dict[str, str], dict[str, str]]:
    return row_labels(table), column_labels(table)


# ---------------------------------------------------------------- table 三


def _sum_mismatch(total: Cell | None, parts: Iterable[Cell | None]) -> tuple[Cell, list[Cell], float] | None:
    """(total, parts, their sum) when every cell is there and holds a value, and the sum differs."""
    if total is None or total.value is None:
        return None
    cells = []
    for c in parts:
        if c is None or c.value is None:
            return None
        cells.append(c)
    got = sum([c.value for c in cells if c.value is not None])
    if abs(got - total.value) < 1e-6:
        return None
    return total, cells, got


def _sum_finding(check: str, total_column: str, mismatch: tuple[Cell, list[Cell], float], what: str) -> Finding:
    """The finding for a total that differs from the sum of its parts (see :func:`_sum_mismatch`)."""
    t, cells, got = mismatch
    assert t.value is not None  # checked by _sum_mismatch
    severity: Severity = "error" if total_column == _TOTAL else "warning"
    return Finding(
        check=check,
        severity=severity,
        message=f"{what}: {_fmt(t.value)} printed, the parts sum to {_fmt(got)}",
        numbers=(t.value, *[c.value for c in cells if c.value is not None]),
        offsets=((t.start, t.end), *[(c.start, c.end) for c in cells]),
    )


def _parts(column: dict[str, Cell], kids: list[str], children: dict[str, list[str]]) -> list[str] | None:
    """The rows whose cells in ``column`` (row → cell) make up a group of rows ``kids``:
    each kid itself, or its own parts when it has no cell; None when one is missing."""
    out: list[str] = []
    for k in kids:
        if k in column:
            out.append(k)
            continue
        grandkids = children.get(k)
        sub = None if not grandkids else _parts(column, grandkids, children)
        if sub is None:
            return None
        out.extend(sub)
    return out


@dataclass(frozen=True, slots=True)
class _RequestsLayout:
    rows: dict[str, str]  # row id → label
    cols: dict[str, str]  # column id → label
    children: dict[str, list[str]]  # group row → the rows it totals
    columns: tuple[str, ...]
    applicants: tuple[tuple[str, ...], ...]  # the column sets that sum to 总计


@functools.cache
def _requests_layout() -> _RequestsLayout:
    # Derived from the rules once: every report checks the same template.
    rows, cols = _labels("requests")
    children: dict[str, list[str]] = {}
    for child, parent in request_parents().items():
        children.setdefault(parent, []).append(child)
    applicants = tuple(
        tuple(c for c in cols_ if c != _TOTAL) for cols_ in request_layouts() if _TOTAL in cols_ and len(cols_) > 2
    )
    return _RequestsLayout(rows, cols, children, request_columns(), applicants)


def _check_requests(table: StatTable) -> list[Finding]:
    layout = _requests_layout()
    rows, cols, children = layout.rows, layout.cols, layout.children
    # The cells by column and by row (rows in table order): some 200 cells are
    # looked up a thousand times, by string keys rather than (row, column) pairs.
    by_col: dict[str, dict[str, Cell]] = {}
    by_row: dict[str, dict[str, Cell]] = {}
    for (row, col), cell in table.grid().items():
        by_col.setdefault(col, {})[row] = cell
        by_row.setdefault(row, {})[col] = cell
    findings: list[Finding] = []
    for col in layout.columns:
        at = by_col.get(col, {})
        # (1) the printed identity
        lhs = [at.get("received"), at.get("carried_over")]
        rhs = [at.get("result.total"), at.get("carried_forward")]
        if all(c is not None and c.value is not None for c in (*lhs, *rhs)):
            a = sum(c.value for c in lhs if c is not None and c.value is not None)
            b = sum(c.value for c in rhs if c is not None and c.value is not None)
            if abs(a - b) > 1e-6:
                cells = [c for c in (*lhs, *rhs) if c is not None]
                findings.append(
                    Finding(
                        check="requests.identity",
                        severity="error" if col == _TOTAL else "warning",
                        message=(
                            f"{cols[col]}: 本年新收 + 上年结转 = {_fmt(a)}, "
                            f"but （七）总计 + 结转下年度 = {_fmt(b)}"
                        ),
                        numbers=tuple(c.value for c in cells if c.value is not None),
                        offsets=tuple((c.start, c.end) for c in cells),
                    )
                )
        # (2) each group equals the sum of its parts
        for parent, kids in children.items():
            total = at.get(parent)
            if total is None:
                continue
            part_rows = _parts(at, kids, children)
            if not part_rows:
                continue
            found = _sum_mismatch(total, [at[r] for r in part_rows])
            if found is not None:
                findings.append(_sum_finding("requests.subtotal", col, found, f"{rows[parent]}, {cols[col]}"))
    # (3) the 总计 column is the sum of the applicant columns (all six, or
    # 自然人 + 法人或其他组织 where the table does not split the latter)
    for row, at in by_row.items():
        applicants = next((a for a in layout.applicants if all(c in at for c in a)), None)
        if applicants is None:
            continue
        found = _sum_mismatch(at.get(_TOTAL), [at[c] for c in applicants])
        if found is not None:
            findings.append(
                _sum_finding(
                    "requests.applicant_sum", _TOTAL, found,
                    f"{rows.get(row, row)}: 总计 column vs 自然人 + 法人或其他组织",
                )
            )
    return findings


def _check_review(table: StatTable) -> list[Finding]:
    cats, outs = review_order()
    rows, cols = _labels("review_litigation")
    findings: list[Finding] = []
    parts = [o for o in outs if o != _TOTAL]
    for cat in cats:
        found = _sum_mismatch(table.cell(cat, _TOTAL), [table.cell(cat, o) for o in parts])
        if found is not None:
            findings.append(
                _sum_finding(
                    "review_litigation.total", _TOTAL, found,
                    f"{rows[cat]} 总计 vs {' + '.join(cols[o] for o in parts)}",
                )
            )
    return findings


# ---------------------------------------------------------------- narrative


@dataclass(frozen=True, slots=True)
class _NarrativeRule:
    id: str
    check: str
    label: str
    pattern: regex.Pattern[str]
    context: regex.Pattern[str] | None
    against: tuple[tuple[tuple[str, str, str], ...], ...]  # alternatives, each a sum of (table, row, column)


@functools.cache
def _clause_guard() -> regex.Pattern[str] | None:
    guard = load_rule_file(RULE_FILE).data.get("narrative_guard", {}).get("clause_not_pattern")
    return regex.compile(guard) if isinstance(guard, str) else None


_CLAUSE_START = regex.compile(r"[，,。；;（(\n][^，,。；;（(\n]*$")


def _other_period(text: str, start: int, lo: int) -> bool:
    """Whether the clause before ``start`` says the figure is another period's."""
    guard = _clause_guard()
    if guard is None:
        return False
    before = text[max(lo, start - 60) : start]
    m = _CLAUSE_START.search(before)
    clause = before[m.start() + 1 :] if m else before
    return guard.search(clause) is not None


@functools.cache
def _narrative_rules() -> tuple[_NarrativeRule, ...]:
    out = []
    for e in load_rule_file(RULE_FILE).rules("narrative"):
        alts = []
        for alt in e.get("against", []):
            terms = []
            for term in str(alt).split("+"):
                bits = term.strip().split(":")
                if len(bits) != 3:
                    raise RuleFileError(f"rules/{RULE_FILE}: {e['id']}: bad 'against' term {term!r}")
                terms.append((bits[0], bits[1], bits[2]))
            alts.append(tuple(terms))
        out.append(
            _NarrativeRule(
                id=e["id"],
                check=str(e.get("check", e["id"])),
                label=str(e.get("label", e["id"])),
                pattern=regex.compile(e["pattern"]),
                context=regex.compile(e["context_pattern"]) if "context_pattern" in e else None,
                against=tuple(alts),
            )
        )
    return tuple(out)


@functools.cache
def _any_narrative() -> AnyOf:
    """Every [[narrative]] pattern asked at once, read backwards.

    Most narrative sections state no figure a rule reads, and each rule's
    guarded scan has a fixed cost: one search for all of them tells which
    sections to scan. Read from the end back, each is rejected at its last
    character (the unit) where a forward search tries every start.
    """
    return AnyOf.of([r.pattern for r in _narrative_rules()], reverse=True)


def _may_state_figures(text: str, start: int, end: int) -> bool:
    """False when no narrative rule can match in ``text[start:end]``."""
    try:
        return _any_narrative().search(text, start, end)
    except TimeoutError:
        return True  # each rule then runs under its own guard


def _alt_value(tables: TablesResult, alt: tuple[tuple[str, str, str], ...]) -> tuple[float, list[tuple[int, int]]] | None:
    total = 0.0
    spans: list[tuple[int, int]] = []
    for table_id, row, column in alt:
        t = tables.get(cast(TableId, table_id))
        c = None if t is None else t.cell(row, column)
        if c is None or c.value is None:
            return None
        total += c.value
        spans.append((c.start, c.end))
    return total, spans


def _table_spans(tables: TablesResult) -> list[tuple[int, int]]:
    # map over attrgetter: a table holds some 200 cells, a generator per min/max cost more than the rest
    return [(min(map(_START, t.cells)), max(map(_END, t.cells))) for t in tables.tables if t.cells]


def _sentence(text: str, a: int, b: int, lo: int, hi: int) -> tuple[int, int]:
    """The sentence (between 。 or line breaks) around text[a:b], within [lo, hi)."""
    start = max(text.rfind("。", lo, a), text.rfind("\n", lo, a)) + 1
    ends = [i for i in (text.find("。", b, hi), text.find("\n", b, hi)) if i >= 0]
    return max(start, lo), min(ends) if ends else hi


def _check_narrative(text: str, sections: Sequence[Section], tables: TablesResult) -> list[Finding]:
    findings: list[Finding] = []
    inside = _table_spans(tables)
    taken: list[tuple[int, int]] = []
    for section in sections:
        if section.id not in _NARRATIVE_SECTIONS or not _may_state_figures(text, section.body_start, section.end):
            continue
        for rule in _narrative_rules():
            for m in finditer_guarded(rule.pattern, text, section.body_start, section.end):
                a, b = m.span("n")
                if any(s <= a < e for s, e in inside) or any(s <= a < e for s, e in taken):
                    continue
                if _other_period(text, m.start(), section.body_start):
                    continue
                if rule.context is not None and section.id == "overview":
                    lo, hi = _sentence(text, m.start(), m.end(), section.body_start, section.end)
                    if rule.context.search(text, lo, hi) is None:
                        continue
                taken.append((a, b))
                stated = float(m.group("n").replace(",", ""))
                options = [v for alt in rule.against if (v := _alt_value(tables, alt)) is not None]
                if not options or any(abs(v - stated) < 1e-6 for v, _ in options):
                    continue
                value, spans = options[0]
                findings.append(
                    Finding(
                        check=rule.check,
                        severity="warning",
                        message=f"the text states {rule.label} {m.group(0)!r}, the table says {_fmt(value)}",
                        numbers=(stated, value),
                        offsets=((a, b), *spans),
                    )
                )
    return findings


# ---------------------------------------------------------------- API


def check_report(
    text: str,
    sections: Sequence[Section],
    tables: TablesResult,
    quantities: Iterable[Any] | None = None,
) -> list[Finding]:
    """Every finding on one report: table arithmetic, then narrative vs tables.

    Args:
        text: the normalised report text.
        sections: its sections (``gknlp.sections.find_sections``).
        tables: its tables (:func:`gknlp.tables.extract_tables`).
        quantities: ignored. Narrative figures are read here with the
            ``[[narrative]]`` patterns of rules/tables.toml over the overview,
            requests and review sections, which the quantity extractor does
            not cover; the parameter stays so callers may pass it.

    Returns:
        Findings in table order (requests, review_litigation, narrative).
    """
    del quantities
    findings: list[Finding] = []
    requests = tables.get("requests")
    if requests is not None:
        findings.extend(_check_requests(requests))
    review = tables.get("review_litigation")
    if review is not None:
        findings.extend(_check_review(review))
    findings.extend(_check_narrative(text, sections, tables))
    return findings


# The cells check_pair reads; a batch keeps only these per report to pair years.
PAIR_CELLS = frozenset({("proactive", "in_force"), ("proactive", "issued"), ("proactive", "repealed"),
                        ("requests", "carried_forward"), ("requests", "carried_over")})


def pair_json(tables_json: dict[str, Any]) -> dict[str, Any]:
    """The part of a report's ``tables`` JSON that :func:`check_pair` needs (small enough to keep per report)."""
    out: dict[str, Any] = {}
    for table_id, table in tables_json.items():
        cells = [c for c in table.get("cells", []) if (table_id, c["column"]) in PAIR_CELLS
                 or (table_id, c["row"]) in PAIR_CELLS]
        if cells:
            out[table_id] = {"template": table.get("template"), "cells": cells}
    return out


def check_pair(earlier: TablesResult, later: TablesResult) -> list[Finding]:
    """Findings across two consecutive years of one body (``earlier`` is the year before).

    现行有效件数 (2021 template, rows 规章 and 规范性文件) = last year's +
    本年制发件数 − 本年废止件数; 上年结转 (总计) = last year's 结转下年度.
    Offsets: the later report's cells first, then the earlier report's cell
    (an offset into the earlier report's text).
    """
    findings: list[Finding] = []
    a, b = earlier.get("proactive"), later.get("proactive")
    if a is not None and b is not None:
        labels = row_labels("proactive")
        for row in ("rules", "normative_docs"):
            cells = [a.cell(row, "in_force"), b.cell(row, "issued"), b.cell(row, "repealed"), b.cell(row, "in_force")]
            found = [c for c in cells if c is not None and c.value is not None]
            if len(found) != len(cells):
                continue
            prev, issued, repealed, now = (float(c.value or 0) for c in found)
            expected = prev + issued - repealed
            if abs(expected - now) > 1e-6:
                findings.append(
                    Finding(
                        check="pair.in_force",
                        severity="warning",
                        message=(
                            f"{labels[row]} 现行有效件数 {_fmt(now)}, but last year's {_fmt(prev)}"
                            f" + 制发 {_fmt(issued)} − 废止 {_fmt(repealed)} = {_fmt(expected)}"
                        ),
                        numbers=(prev, issued, repealed, now),
                        # The later report's cells first; the last offset is into the earlier text.
                        offsets=tuple((c.start, c.end) for c in (*found[1:], found[0])),
                    )
                )
    ra, rb = earlier.get("requests"), later.get("requests")
    fwd = None if ra is None else ra.cell("carried_forward", _TOTAL)
    over = None if rb is None else rb.cell("carried_over", _TOTAL)
    if (
        fwd is not None
        and over is not None
        and fwd.value is not None
        and over.value is not None
        and abs(fwd.value - over.value) > 1e-6
    ):
        findings.append(
            Finding(
                check="pair.carried_over",
                severity="warning",
                message=(
                    f"上年结转 {_fmt(over.value)}, but last year's report carried {_fmt(fwd.value)}"
                    " forward (结转下年度继续办理)"
                ),
                numbers=(fwd.value, over.value),
                offsets=((over.start, over.end), (fwd.start, fwd.end)),
            )
        )
    return findings


@dataclass(frozen=True, slots=True)
class _Checked:
    path: str
    issuer: str | None
    year: int | None
    tables: TablesResult | None
    findings: list[Finding]


def check_files(paths: Sequence[str | Path]) -> list[tuple[str, list[Finding]]]:
    """Read, parse and check each report; pair consecutive years of one issuer.

    A file that cannot be read gets one ``read`` error finding (no exception);
    an unexpected failure while checking it, one ``internal`` error finding.
    Findings of a pair (:func:`check_pair`) are added to the later report.
    """
    from gknlp.reader import read_file
    from gknlp.sections import find_meta, find_sections

    done: list[_Checked] = []
    for p in paths:
        try:
            text = read_file(p).text
        except (GknlpError, OSError) as exc:
            done.append(_Checked(str(p), None, None, None, [_read_error(exc)]))
            continue
        try:
            sections = find_sections(text).items
            tables = extract_tables(text, sections)
            meta, _ = find_meta(text, sections)
            findings = check_report(text, sections, tables)
        except Exception as exc:  # a bug must not stop a batch: say which file, carry on
            log.exception("checking %s failed", p)
            done.append(_Checked(str(p), None, None, None, [_read_error(exc, check="internal")]))
            continue
        done.append(_Checked(str(p), meta.issuer, meta.year, tables, findings))
    by_key = {(c.issuer, c.year): c for c in done if c.issuer and c.year and c.tables is not None}
    for c in done:
        if not c.issuer or not c.year or c.tables is None:
            continue
        prev = by_key.get((c.issuer, c.year - 1))
        if prev is not None and prev.tables is not None:
            c.findings.extend(check_pair(prev.tables, c.tables))
    return [(c.path, c.findings) for c in done]


def _read_error(exc: Exception, check: str = "read") -> Finding:
    return Finding(check=check, severity="error", message=str(exc) or type(exc).__name__, numbers=(), offsets=())


def format_findings(results: Sequence[tuple[str, Sequence[Finding]]]) -> str:
    """The findings of :func:`check_files` as text for a person, one line each.

    >>> f = Finding(check="review_litigation.total", severity="error", message="m", numbers=(1.0,), offsets=((5, 6),))
    >>> print(format_findings([("a.txt", [f]), ("b.txt", [])]))
    a.txt:5: error review_litigation.total: m
    b.txt: ok (no findings)
    """
    lines: list[str] = []
    for path, findings in results:
        if not findings:
            lines.append(f"{path}: ok (no findings)")
            continue
        for f in findings:
            where = f":{f.offsets[0][0]}" if f.offsets else ""
            lines.append(f"{path}{where}: {f.severity} {f.check}: {f.message}")
    return "\n".join(lines)


def findings_json(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Findings as plain JSON objects (numbers that are whole become ints)."""
    return [
        {
            "check": f.check,
            "severity": f.severity,
            "message": f.message,
            "numbers": [int(x) if float(x).is_integer() else x for x in f.numbers],
            "offsets": [list(o) for o in f.offsets],
        }
        for f in findings
    ]
