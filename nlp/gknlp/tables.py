"""The three statistical tables of sections 二, 三 and 四, cell by cell.

Real reports print the national template in many layouts: TAB-separated rows,
``|``-separated rows, one cell per line (the whole table flattened into a
column), split headers (本年新\\n制作数量), dashes for empty cells, units inside
cells (339371.821万元), page numbers inside the table (- 4 -). So the engine
does not look at lines at all: it cuts a section body into *tokens* (runs of
text between whitespace or ``|``), each a number, an empty cell (—) or a label,
and walks them as *segments*: a run of labels followed by a run of numbers.
The last label of a segment that names a row of the template (in template
order) receives the numbers that follow, assigned to the columns by count
(table 三: 7 numbers a full row, 3 自然人/法人或其他组织/总计, 1 the 总计 column
only; table 二: the columns named by the header labels before the row; table
四: 15 numbers in one run, or 5 per category, 3 per outcome when the table is
transposed, label–number pairs, or 10 when 行政诉讼 is not split).

Every label wording lives in ``rules/tables.toml``; the row and column ids a
:class:`Cell` carries are documented in ``rules/README.md``.
"""

from __future__ import annotations

import functools
import logging
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, cast

import regex

from gknlp.errors import RuleFileError
from gknlp.model import Section
from gknlp.rules import load_rule_file

log = logging.getLogger(__name__)

RULE_FILE = "tables.toml"

TableId = Literal["proactive", "requests", "review_litigation"]
Template = Literal["2019", "2021", "unknown"]
TABLE_IDS: tuple[TableId, ...] = ("proactive", "requests", "review_litigation")

# Quote marks and spaces are dropped from a label before matching (危及“三安全一稳定”).
_LABEL_DROP = dict.fromkeys(map(ord, "“”‘’\"'「」『』 \t\u3000"), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """One numeric cell: ``text == full_text[start:end]`` (the cell as written)."""

    row: str
    column: str
    value: float | None
    unit: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class StatTable:
    """One of the three tables, with the template version its labels show."""

    id: TableId
    template: Template
    cells: tuple[Cell, ...]
    # (row, column) → the first such cell: the checks look up every cell of a
    # table many times, a scan of ``cells`` each time made them quadratic.
    _index: dict[tuple[str, str], Cell] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[tuple[str, str], Cell] = {}
        for c in self.cells:
            index.setdefault((c.row, c.column), c)
        object.__setattr__(self, "_index", index)

    def cell(self, row: str, column: str) -> Cell | None:
        """The cell at (row, column), or None."""
        return self._index.get((row, column))

    def grid(self) -> Mapping[tuple[str, str], Cell]:
        """(row, column) → the cell there (the first such cell), for many look-ups at once."""
        return MappingProxyType(self._index)

    def value(self, row: str, column: str) -> float | None:
        """The value at (row, column); None when absent or written as a dash."""
        c = self.cell(row, column)
        return None if c is None else c.value


@dataclass(frozen=True, slots=True)
class TablesResult:
    """The tables found in one report (absent tables are left out) and warnings."""

    tables: tuple[StatTable, ...]
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The extract JSON ``tables`` object (see :func:`to_json`)."""
        return to_json(self)

    def get(self, table_id: TableId) -> StatTable | None:
        """The table with this id, or None."""
        return next((t for t in self.tables if t.id == table_id), None)

    @property
    def template(self) -> Template:
        """The report's template version (the first table that shows one)."""
        return next((t.template for t in self.tables if t.template != "unknown"), "unknown")


# ---------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class _Label:
    id: str  # row / column / category / outcome id
    label: str
    pattern: regex.Pattern[str] | None
    near: regex.Pattern[str] | None = None
    mention: regex.Pattern[str] | None = None  # the label inside a longer cell (table 四)
    split: bool = False  # a category only a table that splits 行政诉讼 has
    template: str = "both"
    unit: str | None = None
    header: bool = False
    parent: str | None = None
    columns: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # 2019, 2021 (table 二 rows)


@dataclass(frozen=True, slots=True)
class _Rules:
    number_re: regex.Pattern[str]
    empty_re: regex.Pattern[str]
    unit_re: regex.Pattern[str]
    page_line_re: regex.Pattern[str]
    prose_re: regex.Pattern[str]
    subtotal_re: regex.Pattern[str]
    max_label_chars: int
    near_window: int
    templates: tuple[tuple[Template, regex.Pattern[str]], ...]
    proactive_columns: tuple[_Label, ...]
    proactive_rows: tuple[_Label, ...]
    requests_columns: tuple[_Label, ...]
    requests_rows: tuple[_Label, ...]
    requests_counts: dict[int, tuple[str, ...]]
    categories: tuple[_Label, ...]
    outcomes: tuple[_Label, ...]
    review_order: tuple[str, ...]
    review_order_combined: tuple[str, ...]
    by_rule_id: dict[str, tuple[tuple[regex.Pattern[str], ...], bool]]


def _compile(value: Any, where: str) -> regex.Pattern[str]:
    if not isinstance(value, str):
        raise RuleFileError(f"rules/{RULE_FILE}: {where}: missing pattern")
    return regex.compile(value)


def _labels(entries: list[dict[str, Any]], key: str) -> tuple[_Label, ...]:
    out = []
    for e in entries:
        if key not in e:
            raise RuleFileError(f"rules/{RULE_FILE}: {e['id']}: missing '{key}'")
        out.append(
            _Label(
                id=str(e[key]),
                label=str(e.get("label", e[key])),
                pattern=_compile(e["pattern"], e["id"]) if "pattern" in e else None,
                near=_compile(e["near_pattern"], e["id"]) if "near_pattern" in e else None,
                mention=_compile(e["mention_pattern"], e["id"]) if "mention_pattern" in e else None,
                split=bool(e.get("split", False)),
                template=str(e.get("template", "both")),
                unit=e.get("unit"),
                header=bool(e.get("header", False)),
                parent=e.get("parent"),
                columns=(tuple(e.get("columns_2019", ())), tuple(e.get("columns_2021", ()))),
            )
        )
    return tuple(out)


def _ids(value: Any, known: set[str], where: str) -> tuple[str, ...]:
    """A list of known ids from the rule file, or a RuleFileError."""
    if not isinstance(value, list) or not value or any(v not in known for v in value):
        raise RuleFileError(f"rules/{RULE_FILE}: {where}: must be a list of known ids, got {value!r}")
    return tuple(value)


@functools.cache
def _rules() -> _Rules:
    rf = load_rule_file(RULE_FILE)
    tok = rf.data.get("tokens", {})
    by_id: dict[str, tuple[tuple[regex.Pattern[str], ...], bool]] = {}
    for rule in rf.all_rules():
        keys = ("pattern", "near_pattern", "mention_pattern")
        patterns = tuple(regex.compile(rule[k]) for k in keys if k in rule)
        # Narrative rules run on raw sentences; label rules on a normalised label.
        by_id[rule["id"]] = (patterns, rule["id"].startswith("narrative."))
    templates = tuple(
        (cast(Template, t["template"]), _compile(t.get("pattern"), t["id"])) for t in rf.rules("template")
    )
    proactive_columns = _labels(rf.rules("proactive_column"), "column")
    known = {c.id for c in proactive_columns}
    proactive_rows = _labels(rf.rules("proactive_row"), "row")
    for r in proactive_rows:
        for col in (*r.columns[0], *r.columns[1]):
            if col not in known:
                raise RuleFileError(f"rules/{RULE_FILE}: proactive.{r.id}: unknown column {col!r}")
    requests_rows = _labels(rf.rules("requests_row"), "row")
    row_ids = {r.id for r in requests_rows}
    for r in requests_rows:
        if r.parent is not None and r.parent not in row_ids:
            raise RuleFileError(f"rules/{RULE_FILE}: requests.{r.id}: unknown parent {r.parent!r}")
    request_column_ids = {c.id for c in _labels(rf.rules("requests_column"), "column")}
    counts = {
        int(n): _ids(cols, request_column_ids, f"requests_counts.{n}")
        for n, cols in rf.data.get("requests_counts", {}).items()
    }
    if any(len(cols) != n for n, cols in counts.items()):
        raise RuleFileError(f"rules/{RULE_FILE}: requests_counts: a list's length differs from its key")
    categories = _labels(rf.rules("review_category"), "category")
    layout = rf.data.get("review_layout", {})
    return _Rules(
        number_re=_compile(tok.get("number_pattern"), "tokens.number_pattern"),
        empty_re=_compile(tok.get("empty_pattern"), "tokens.empty_pattern"),
        unit_re=_compile(tok.get("unit_pattern"), "tokens.unit_pattern"),
        page_line_re=regex.compile(_compile(tok.get("page_line_pattern"), "tokens.page_line_pattern").pattern,
                                   regex.MULTILINE),
        prose_re=_compile(tok.get("prose_pattern"), "tokens.prose_pattern"),
        subtotal_re=_compile(tok.get("subtotal_pattern"), "tokens.subtotal_pattern"),
        max_label_chars=int(tok.get("max_label_chars", 60)),
        near_window=int(tok.get("near_window", 2)),
        templates=templates,
        proactive_columns=proactive_columns,
        proactive_rows=proactive_rows,
        requests_columns=_labels(rf.rules("requests_column"), "column"),
        requests_rows=requests_rows,
        requests_counts=counts,
        categories=categories,
        outcomes=_labels(rf.rules("review_outcome"), "outcome"),
        review_order=_ids(layout.get("order"), {c.id for c in categories}, "review_layout.order"),
        review_order_combined=_ids(
            layout.get("order_combined"), {c.id for c in categories}, "review_layout.order_combined"
        ),
        by_rule_id=by_id,
    )


def normalise_label(text: str) -> str:
    """A label as the patterns see it: NFKC, no spaces, no quote marks.

    >>> normalise_label("（三）不予公开")
    '(三)不予公开'
    >>> normalise_label("3.危及“三安全 一稳定”")
    '3.危及三安全一稳定'
    """
    return _normalised_label(text)


@functools.lru_cache(maxsize=16384)
def _normalised_label(text: str) -> str:
    # Cached: the same template labels come back in every report and every row match.
    return unicodedata.normalize("NFKC", text).translate(_LABEL_DROP)


def rule_fires(rule_id: str, text: str) -> bool:
    """Whether the rule ``rule_id`` of rules/tables.toml matches ``text``."""
    found = _rules().by_rule_id.get(rule_id)
    if found is None:
        return False
    patterns, raw = found
    probe = text if raw else normalise_label(text)
    return any(p.search(probe) is not None for p in patterns)


def row_labels(table_id: TableId) -> dict[str, str]:
    """Row (or category) id → Chinese label of one table, in template order."""
    r = _rules()
    rows = {"proactive": r.proactive_rows, "requests": r.requests_rows, "review_litigation": r.categories}[table_id]
    return {x.id: x.label for x in rows}


def column_labels(table_id: TableId) -> dict[str, str]:
    """Column (or outcome) id → Chinese label of one table."""
    r = _rules()
    cols = {"proactive": r.proactive_columns, "requests": r.requests_columns, "review_litigation": r.outcomes}[table_id]
    return {x.id: x.label for x in cols}


def request_parents() -> dict[str, str]:
    """Row id → the id of the row that totals it (table 三), for the sum checks."""
    return {r.id: r.parent for r in _rules().requests_rows if r.parent is not None}


def request_columns() -> tuple[str, ...]:
    """Every column id of table 三 (the full row's order first, then the others)."""
    full = _rules().requests_counts.get(max(_rules().requests_counts, default=0), ())
    return (*full, *(c.id for c in _rules().requests_columns if c.id not in full))


def request_layouts() -> tuple[tuple[str, ...], ...]:
    """The column lists a row of table 三 may fill (longest first), from ``[requests_counts]``."""
    counts = _rules().requests_counts
    return tuple(counts[n] for n in sorted(counts, reverse=True))


def review_order() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(category ids, outcome ids) of table 四: the split categories, then the combined 行政诉讼."""
    r = _rules()
    cats = (*r.review_order, *(c for c in r.review_order_combined if c not in r.review_order))
    return cats, tuple(o.id for o in r.outcomes)


# ---------------------------------------------------------------- tokens


class _Token(NamedTuple):
    # Internal and immutable; a NamedTuple as hundreds are made per report
    # (built twice as fast as a frozen dataclass).
    kind: Literal["number", "empty", "label"]
    text: str
    start: int
    end: int
    value: float | None = None
    unit: str | None = None


class _Segment(NamedTuple):
    labels: tuple[_Token, ...]
    numbers: tuple[_Token, ...]


_TOKEN_RE = regex.compile(r"[^\s|｜│┃]+")  # cells end at whitespace and table rules


@functools.lru_cache(maxsize=16384)
def _classify(raw: str) -> tuple[Literal["number", "empty", "unit", "label"], float | None, str | None]:
    """What one cell says: a number (value, unit), an empty cell, a unit alone, or a label.

    Cached: tables repeat the same cells (labels, 0, —) in every report.
    """
    r = _rules()
    num = r.number_re.match(raw)
    if num is not None:
        unit = num.group("unit")
        digits = raw[: len(raw) - len(unit)] if unit else raw
        return "number", float(digits.replace(",", "").replace("－", "-")), unit
    if r.empty_re.match(raw):
        return "empty", None, None
    if r.unit_re.match(raw):
        return "unit", None, None
    return "label", None, None


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    """Tokens of text[start:end], page-number lines skipped."""
    r = _rules()
    # (On the slice: ^ of a page line may match at the body's start.)
    skip = [(m.start() + start, m.end() + start) for m in r.page_line_re.finditer(text[start:end])]
    out: list[_Token] = []
    append = out.append
    # Hundreds of tokens per table: findall makes no match objects, and each
    # token is found again from the end of the one before (only separators lie
    # between, so the first occurrence is the token itself).
    b = start
    for raw in _TOKEN_RE.findall(text, start, end):
        a = text.find(raw, b)
        b = a + len(raw)
        if skip and any(s <= a < e for s, e in skip):  # most tables hold no page line
            continue
        kind, value, unit = _classify(raw)
        if kind == "unit":
            if out and out[-1].kind == "number" and out[-1].unit is None:
                # 4.651 万元: the unit belongs to the number before it.
                prev = out.pop()
                append(_Token("number", text[prev.start : b], prev.start, b, prev.value, raw))
                continue
            kind = "label"  # a unit word with no number before it
        append(_Token(kind, raw, a, b, value, unit))
    return out


def _segments(tokens: list[_Token]) -> list[_Segment]:
    """Runs of labels, each with the run of numbers (and empty cells) after it."""
    segments: list[_Segment] = []
    labels: list[_Token] = []
    numbers: list[_Token] = []
    for t in tokens:
        if t.kind == "label":
            if numbers:
                segments.append(_Segment(tuple(labels), tuple(numbers)))
                labels, numbers = [], []
            labels.append(t)
        else:
            numbers.append(t)
    if labels or numbers:
        segments.append(_Segment(tuple(labels), tuple(numbers)))
    return segments


# A label with a note in brackets after it: （三）不予公开（属于国家秘密等）.
_TRAILING_NOTE = regex.compile(r"^((?:\([一二三四五六七八九十]+\))?[^()]+)\(.*\)$")


@functools.lru_cache(maxsize=16384)
def _label_texts_of(labels: tuple[str, ...]) -> tuple[str, ...]:
    """Texts to match, best first: the first label without a trailing note in
    brackets, the label, the first two labels joined (a label split over lines).

    Cached by the labels' wording: the template's labels come back in every report.
    """
    r = _rules()
    texts: list[str] = []
    for i, t in enumerate(labels):
        if r.prose_re.search(t) or len(t) > r.max_label_chars:
            continue
        label = normalise_label(t)
        bare = _TRAILING_NOTE.match(label)
        if bare is not None:
            texts.append(bare.group(1))
        texts.append(label)
        if i + 1 < len(labels):
            texts.append(normalise_label(t + labels[i + 1]))
    return tuple(texts)


def _cell(row: str, column: str, tok: _Token, default_unit: str | None = None) -> Cell:
    """The Cell ``tok`` fills at (row, column)."""
    return Cell(
        row=row,
        column=column,
        value=tok.value,
        unit=tok.unit or (default_unit if tok.kind == "number" else None),
        text=tok.text,
        start=tok.start,
        end=tok.end,
    )


def _template_of(tokens: list[_Token]) -> Template:
    joined = normalise_label("".join(t.text for t in tokens if t.kind == "label"))
    hits = {tpl: len(p.findall(joined)) for tpl, p in _rules().templates}
    best = max(hits.values(), default=0)
    winners = [tpl for tpl, n in hits.items() if n == best]
    return winners[0] if best > 0 and len(winners) == 1 else "unknown"


# ---------------------------------------------------------------- table 二


def _proactive(tokens: list[_Token], warnings: list[str]) -> StatTable:
    r = _rules()
    template = _template_of(tokens)
    col_by_id = {c.id: c for c in r.proactive_columns}
    cells: list[Cell] = []
    seen: set[str] = set()
    current: tuple[str, ...] = ()
    for seg in _segments(tokens):
        # The row: the last label of the run that names one.
        row_at = None
        label_texts = tuple([t.text for t in seg.labels])
        for i in range(len(label_texts) - 1, -1, -1):
            row = _proactive_row(label_texts[i : i + 2])
            if row is not None:
                row_at = (i, row)
                break
        if row_at is None:
            continue
        i, row = row_at
        named = _columns_named(normalise_label("".join(label_texts[:i])))
        if named:
            current = named
        elif not current or not _same_block(row, current):
            current = row.columns[1] if template == "2021" else row.columns[0]
        if row.id in seen or not seg.numbers:
            continue
        seen.add(row.id)
        numbers = seg.numbers
        if len(numbers) != len(current):
            warnings.append(
                f"proactive: row {row.label}: {len(numbers)} numbers for {len(current)} columns"
            )
        for col, tok in zip(current, numbers, strict=False):
            cells.append(_cell(row.id, col, tok, col_by_id[col].unit))
    return StatTable(id="proactive", template=template, cells=tuple(cells))


@functools.lru_cache(maxsize=1024)
def _columns_named(header: str) -> tuple[str, ...]:
    """The columns of table 二 that the labels before a row name, in the order written.

    Cached: the header cells of the template come back in every report.
    """
    columns = _rules().proactive_columns
    named = sorted((m.start(), c.id) for c in columns if c.pattern and (m := c.pattern.search(header)))
    return tuple(cid for _, cid in named)


@functools.lru_cache(maxsize=8192)
def _proactive_row(labels: tuple[str, ...]) -> _Label | None:
    """The row of table 二 that one label (or a label and the next) names, or None.

    Cached by the labels' wording, as the template's labels come back in every report.
    """
    texts = _label_texts_of(labels)
    return next((x for x in _rules().proactive_rows for t in texts if x.pattern and x.pattern.search(t)), None)


def _same_block(row: _Label, columns: tuple[str, ...]) -> bool:
    """Whether the columns in force belong to this row's block of the template."""
    return set(columns) <= set(row.columns[0]) | set(row.columns[1])


# ---------------------------------------------------------------- table 三


def _names(row: _Label, label: str, *, near: bool) -> bool:
    """Whether ``label`` names ``row`` (its near pattern counts only close to the last row)."""
    if row.pattern is not None and row.pattern.search(label):
        return True
    return near and row.near is not None and row.near.search(label) is not None


@functools.lru_cache(maxsize=16384)
def _request_row(labels: tuple[str, ...], cursor: int) -> int | None:
    """The row of table 三 after row ``cursor`` that one label (or a label and the next) names.

    Cached by the labels' wording and the cursor: the template's labels come
    back in every report, at the same places.
    """
    return _match_request_row(_label_texts_of(labels), cursor)


def _match_request_row(texts: Sequence[str], cursor: int) -> int | None:
    window = _rules().near_window
    shared = _shared_before()
    for t in texts:
        named, near = _rows_named(t)
        # The last row a label names wins: 三、本年度办理结果（一）予以公开 is the row 予以公开.
        hits = [j for j in named if j > cursor]
        hits += [j for j in near if j > cursor and shared[j + 1] - shared[cursor + 1] <= window]
        if hits:
            return max(hits)
    return None


@functools.lru_cache(maxsize=8192)
def _rows_named(label: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Indexes of the rows of table 三 whose pattern finds ``label``, and of those
    whose near pattern does (it counts only close to the last row matched).

    Cached: reports print the same template labels, and each label is tried
    against every row at every position of the table.
    """
    rows = _rules().requests_rows
    named = tuple(j for j, row in enumerate(rows) if _names(row, label, near=False))
    near = tuple(j for j, row in enumerate(rows) if row.near is not None and row.near.search(label) is not None)
    return named, near


@functools.cache
def _shared_before() -> tuple[int, ...]:
    """``[k]``: how many of the first ``k`` rows of table 三 both templates share.

    The distance from the last matched row ``cursor`` to row ``j`` is
    ``[j + 1] - [cursor + 1]``: rows from the last matched to ``j``, not counting
    one template's own rows (总计 right after 2019's （六）其他处理 is near,
    whatever 2021 lists between). A prefix sum, as this runs for every label.
    """
    counts = [0]
    for row in _rules().requests_rows:
        counts.append(counts[-1] + (row.template == "both"))
    return tuple(counts)


def _requests(tokens: list[_Token], warnings: list[str]) -> StatTable:
    r = _rules()
    rows = r.requests_rows
    counts = r.requests_counts
    total = counts[1][-1] if 1 in counts else "total"
    cells: list[Cell] = []
    cursor = -1
    for seg in _segments(tokens):
        target: int | None = None
        label_texts = tuple([t.text for t in seg.labels])
        for i in range(len(label_texts)):
            j = _request_row(label_texts[i : i + 2], cursor)
            if j is not None:
                cursor = target = j
        if target is None or not seg.numbers:
            continue
        row = rows[target]
        last = normalise_label(seg.labels[-1].text) if seg.labels else ""
        if row.parent is not None and not row.header and r.subtotal_re.match(last):
            parent = next((x for x in rows if x.id == row.parent), None)
            if parent is not None and parent.header:
                row = parent
        numbers = seg.numbers
        columns = counts.get(len(numbers))
        if columns is not None:
            pairs = list(zip(columns, numbers, strict=True))
        else:
            warnings.append(
                f"requests: row {row.label}: {len(numbers)} numbers, expected one of"
                f" {'/'.join(map(str, sorted(counts)))}; the last taken as 总计"
            )
            pairs = [(total, numbers[-1])]
        for col, tok in pairs:
            cells.append(_cell(row.id, col, tok))
    found = {c.row for c in cells}
    only_2021 = {x.id for x in rows if x.template == "2021"}
    template: Template = "unknown"
    # 2019 prints （六）其他处理 as one row, 2021 as three; a summary table
    # (the groups only) shows neither, and takes the report's template.
    detailed = any(x.parent not in (None, "result.total", "result.other") for x in rows if x.id in found)
    if found & only_2021:
        template = "2021"
    elif "result.other" in found and detailed:
        template = "2019"
    return StatTable(id="requests", template=template, cells=tuple(cells))


# ---------------------------------------------------------------- table 四


# Cached, as _rows_named: the same template labels in every report.
@functools.lru_cache(maxsize=8192)
def _category_of(text: str, *, mention: bool = False, split: bool = True) -> str | None:
    """The category a label names (``mention``: anywhere in it), or None."""
    t = normalise_label(text)
    for c in _rules().categories:
        p = c.mention if mention else c.pattern
        if p is not None and p.search(t) and (split or not c.split):
            return c.id
    return None


@functools.lru_cache(maxsize=8192)
def _outcome_of(text: str, *, mention: bool = False) -> str | None:
    """The outcome a label names (``mention``: anywhere in it), or None."""
    t = normalise_label(text)
    for o in _rules().outcomes:
        p = o.mention if mention else o.pattern
        if p is not None and p.search(t):
            return o.id
    return None


def _review(tokens: list[_Token], warnings: list[str]) -> StatTable:
    r = _rules()
    outs = tuple(o.id for o in r.outcomes)
    labels = [t for t in tokens if t.kind == "label"]
    # 行政诉讼 split into 未经复议直接起诉 / 复议后起诉 (the templates), or not.
    named = {_category_of(t.text, mention=True) for t in labels}
    split_ids = {c.id for c in r.categories if c.split}
    segments = [s for s in _segments(tokens) if s.numbers]
    count = sum(len(s.numbers) for s in segments)
    combined = (
        bool(named & set(r.review_order_combined) - set(r.review_order))
        and not named & split_ids
        and count != len(r.review_order) * len(outs)
    )
    cats = r.review_order_combined if combined else r.review_order
    full = len(cats) * len(outs)
    grid: dict[tuple[str, str], _Token] = {}
    whole = [s for s in segments if len(s.numbers) == full]
    if whole:
        # The printed layout: one header, then all the numbers (the last such
        # run wins over header cells written as zeros).
        for k, tok in enumerate(whole[-1].numbers):
            grid[(cats[k // len(outs)], outs[k % len(outs)])] = tok
    else:
        _review_runs(segments, cats, outs, grid, warnings)
    numbers = [t for s in segments for t in s.numbers]
    if len(grid) < full and len(numbers) == full:
        # Whatever the labels, exactly the template's count of numbers: read in order.
        warnings.append("review_litigation: layout not recognised; the numbers read in template order")
        grid = {(cats[k // len(outs)], outs[k % len(outs)]): tok for k, tok in enumerate(numbers)}
    cells = tuple(_cell(c, o, grid[(c, o)]) for c in cats for o in outs if (c, o) in grid)
    return StatTable(id="review_litigation", template="unknown", cells=cells)


def _review_runs(
    segments: list[_Segment],
    cats: tuple[str, ...],
    outs: tuple[str, ...],
    grid: dict[tuple[str, str], _Token],
    warnings: list[str],
) -> None:
    """Table 四 in runs: 5 numbers per category, 3 per outcome (transposed), or
    label–number pairs (行政复议 结果维持 0 结果纠正 0 …)."""
    split = len(cats) == len(_rules().review_order)
    filled: list[str] = []
    current = cats[0]  # the category label–number pairs belong to
    for seg in segments:
        n = len(seg.numbers)
        named = [c for t in seg.labels if (c := _category_of(t.text, mention=True, split=split)) in cats]
        last = seg.labels[-1].text if seg.labels else ""
        if n == 1:
            outcome = next(
                (o for t in reversed(seg.labels) if (o := _outcome_of(t.text, mention=True)) is not None), None
            )
            if named:
                current = named[-1]
            elif outcome is not None and (current, outcome) in grid:
                # The same outcome again with no category named: the next category.
                later = [c for c in cats[cats.index(current) + 1 :] if (c, outcome) not in grid]
                if later:
                    current = later[0]
            if outcome is None:
                done = [o for o in outs if (current, o) in grid]
                outcome = outs[len(done)] if len(done) < len(outs) else None
            if outcome is None:
                warnings.append("review_litigation: a number with no outcome to hold it; skipped")
                continue
            grid[(current, outcome)] = seg.numbers[0]
        elif n == len(cats) and _outcome_of(last, mention=True) is not None:
            # Transposed: a row per outcome, a column per category.
            outcome = cast(str, _outcome_of(last, mention=True))
            for c, tok in zip(cats, seg.numbers, strict=True):
                grid[(c, outcome)] = tok
        elif n % len(outs) == 0 and n // len(outs) <= len(cats):
            k = n // len(outs)
            distinct = list(dict.fromkeys(named))
            if len(distinct) >= k:
                targets = distinct[-k:]
            elif distinct:
                first = cats.index(distinct[0])
                targets = list(cats[first : first + k])
            else:
                targets = [c for c in cats if c not in filled][:k]
            if len(targets) < k:
                warnings.append(f"review_litigation: {n} numbers with no category to hold them")
                continue
            for idx, tok in enumerate(seg.numbers):
                grid[(targets[idx // len(outs)], outs[idx % len(outs)])] = tok
            filled.extend(targets)
        elif seg.labels:
            warnings.append(f"review_litigation: a run of {n} numbers fits no layout; skipped")


# ---------------------------------------------------------------- API


def extract_tables(text: str, sections: Sequence[Section]) -> TablesResult:
    """Parse the tables of sections 二 (proactive), 三 (requests), 四 (review_litigation).

    Args:
        text: the normalised report text (offsets refer to it).
        sections: the report's sections (``gknlp.sections.find_sections``).

    Returns:
        The tables that hold at least one cell, each with its template version
        ("2019"/"2021" from the column labels of 二 and the 其他处理 rows of 三;
        table 四 takes the report's), and warnings for rows that did not fit.
    """
    warnings: list[str] = []
    by_id = {s.id: s for s in sections}
    parsers = {"proactive": _proactive, "requests": _requests, "review_litigation": _review}
    found: list[StatTable] = []
    for table_id in TABLE_IDS:
        section = by_id.get(table_id)
        if section is None:
            warnings.append(f"{table_id}: no section, no table")
            continue
        end = section.end
        review = by_id.get("review_litigation")
        if table_id == "requests" and review is not None and review.start >= section.end:
            # Its last row (四、结转下年度…) is sometimes taken for heading 四; rows
            # are matched in template order, so reading on into 四 takes nothing else.
            end = review.end
        try:
            table = parsers[table_id](_tokens(text, section.body_start, end), warnings)
        except regex.error as exc:  # pragma: no cover - a pathological pattern timeout
            warnings.append(f"{table_id}: table not read ({exc})")
            continue
        if not table.cells:
            warnings.append(f"{table_id}: no table found in the section")
            continue
        found.append(table)
    report_template: Template = next((t.template for t in found if t.template != "unknown"), "unknown")
    tables = tuple(
        t if t.template != "unknown" else StatTable(id=t.id, template=report_template, cells=t.cells) for t in found
    )
    return TablesResult(tables=tables, warnings=tuple(warnings))


def to_json(tables: TablesResult) -> dict[str, Any]:
    """The extract JSON ``tables`` object: table id → template and cells."""
    out: dict[str, Any] = {}
    for t in tables.tables:
        out[t.id] = {
            "template": t.template,
            "cells": [
                {
                    "row": c.row,
                    "column": c.column,
                    "value": int(c.value) if c.value is not None and c.value.is_integer() else c.value,
                    "unit": c.unit,
                    "text": c.text,
                    "start": c.start,
                    "end": c.end,
                }
                for c in t.cells
            ],
        }
    return out


def from_json(data: dict[str, Any]) -> TablesResult:
    """The tables back from their JSON form (what :func:`to_json` wrote, e.g. in batch results)."""
    tables = []
    for table_id, table in data.items():
        cells = tuple(
            Cell(row=c["row"], column=c["column"], value=None if c["value"] is None else float(c["value"]),
                 unit=c.get("unit"), text=c.get("text", ""), start=int(c["start"]), end=int(c["end"]))
            for c in table.get("cells", [])
        )
        tables.append(StatTable(id=cast(TableId, table_id), template=cast(Template, table.get("template", "unknown")),
                                cells=cells))
    return TablesResult(tables=tuple(tables))


def to_rows(tables: TablesResult) -> list[dict[str, Any]]:
    """One flat record per cell (table, template, row, column, value, unit, text,
    start, end): the tidy form for a ``tables`` Parquet table."""
    return [
        {"table": t.id, "template": t.template, **cell}
        for t, block in ((t, to_json(TablesResult(tables=(t,)))[t.id]) for t in tables.tables)
        for cell in block["cells"]
    ]
