"""Commitment search: batch results in one SQLite file with a Chinese full-text index.

``index_results`` loads batch results (JSONL) and/or report files into tables
``reports``, ``points`` (problems and measures), ``commitments``,
``regulations``, ``quantities`` and ``trainings``; ``search`` finds points and
commitments by words, theme, year, province and issuer; ``serve`` opens the
file in Datasette.

How the index finds every Chinese substring (measured, see docs/search.md):
the searched text is NFKC-normalised and written with a space between every two
characters into an FTS5 table whose ``unicode61`` tokenizer treats letters,
digits, marks, punctuation and symbols all as token characters. Every character
is then one token, and a query is searched as a phrase of its characters: it
matches exactly where the query is a substring (whitespace ignored), at any
length — 复议 inside 行政复议 included, which jieba-segmented indexes miss, and
two-character words, for which the trigram tokenizer returns nothing. Ranking
is ``bm25()``. Snippets show the point's own characters: ``search`` finds the
query again in the text (offsets map back one indexed character to one
original character); the Datasette queries use ``snippet()`` with the inserted
spaces removed.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import sqlite3
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import regex

from gknlp.commitments import MEASURE_RULE, Commitment, row_commitments
from gknlp.errors import InputError

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
Kind = Literal["measures", "problems", "commitments"]
HitFormat = Literal["table", "json", "csv"]
MARK_OPEN, MARK_CLOSE, ELLIPSIS = "【", "】", "…"
ERROR_SCHEMA = "gknlp.error/1"

# Every character class a report uses is a token character, so a phrase of
# single characters matches exactly the substring (punctuation included).
TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'"
_TOKEN_CATEGORIES = ("L", "N", "M", "P", "S")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS gknlp_meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    path TEXT, format TEXT, encoding TEXT,
    title TEXT, issuer TEXT, year INTEGER,
    province TEXT, city TEXT, county TEXT, level TEXT,
    has_text INTEGER NOT NULL,
    problems INTEGER NOT NULL, measures INTEGER NOT NULL, commitments INTEGER NOT NULL,
    warnings TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS points (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    kind TEXT NOT NULL CHECK (kind IN ('problem', 'measure')),
    n INTEGER NOT NULL,
    heading TEXT, text TEXT NOT NULL,
    themes TEXT NOT NULL, scores TEXT NOT NULL,
    start INTEGER, "end" INTEGER, rule TEXT,
    issuer TEXT, year INTEGER, province TEXT, level TEXT
);
CREATE TABLE IF NOT EXISTS commitments (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    n INTEGER NOT NULL,
    section TEXT, heading TEXT, text TEXT NOT NULL,
    cue TEXT, rule TEXT NOT NULL, themes TEXT NOT NULL,
    start INTEGER, "end" INTEGER,
    issuer TEXT, year INTEGER, province TEXT, level TEXT
);
CREATE TABLE IF NOT EXISTS regulations (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    title TEXT, doc_number TEXT, alias TEXT, mentions INTEGER,
    start INTEGER, "end" INTEGER, rule TEXT
);
CREATE TABLE IF NOT EXISTS quantities (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    text TEXT, value REAL, value_max REAL, unit TEXT, approx TEXT, subject TEXT, section TEXT,
    start INTEGER, "end" INTEGER, rule TEXT
);
CREATE TABLE IF NOT EXISTS trainings (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    text TEXT, sessions REAL, sessions_approx TEXT, attendees REAL, attendees_approx TEXT, topic TEXT,
    section TEXT, start INTEGER, "end" INTEGER, rule TEXT
);
CREATE INDEX IF NOT EXISTS points_report ON points(report_id);
CREATE INDEX IF NOT EXISTS commitments_report ON commitments(report_id);
CREATE INDEX IF NOT EXISTS regulations_report ON regulations(report_id);
CREATE INDEX IF NOT EXISTS quantities_report ON quantities(report_id);
CREATE INDEX IF NOT EXISTS trainings_report ON trainings(report_id);
CREATE VIRTUAL TABLE IF NOT EXISTS points_fts USING fts5(heading, body, tokenize="{TOKENIZER}");
CREATE VIRTUAL TABLE IF NOT EXISTS commitments_fts USING fts5(heading, body, tokenize="{TOKENIZER}");
"""

# The filters of `gknlp search` and the facets of the web UI group by these columns.
FACET_COLUMNS = {
    "reports": ("year", "province", "level"),
    "points": ("kind", "year", "province", "level"),
    "commitments": ("rule", "year", "province", "level"),
}
SCHEMA += "".join(
    f"CREATE INDEX IF NOT EXISTS {table}_{column} ON {table}({column});\n"
    for table, columns in FACET_COLUMNS.items()
    for column in columns
)

CHILD_TABLES = ("points", "commitments", "regulations", "quantities", "trainings")
REPORT_COLUMNS = ("title", "issuer", "year", "province", "city", "county", "level")


# --------------------------------------------------------------------------- text form


def search_key(text: str) -> str:
    """The characters of ``text`` the index sees: NFKC, no whitespace or control characters.

    Full-width letters and digits become ASCII; ``,;:()!?%`` become full-width.

    >>> search_key("行政　复议(１２件)")
    '行政复议（12件）'
    """
    return "".join(key for key, _ in _key_chars(text))


def _key_chars(text: str) -> list[tuple[str, int]]:
    """(indexed character, offset of the character of ``text`` it comes from).

    NFKC per character (so every indexed character maps back to one original
    character and snippets can show the original text).
    """
    out: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        key = ch if ch.isascii() else unicodedata.normalize("NFKC", ch)
        out.extend((_FULL_WIDTH.get(k, k), i) for k in key if _is_token_char(k))
    return out


# NFKC makes ，（）％ ASCII; these few are mapped back to the full-width form (both widths
# still match each other) so that snippets computed in SQL, as in the Datasette queries,
# read like the report. A decimal point, a slash or a hyphen stays ASCII.
_FULL_WIDTH = {ch: chr(ord(ch) + 0xFEE0) for ch in ",;:()!?%"}


def _is_token_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category == "Co" or category[0] in _TOKEN_CATEGORIES


def spaced(text: str) -> str:
    """The indexed form: one token per character (``"行 政 复 议"``)."""
    return " ".join(search_key(text))


def _phrase(term: str) -> str | None:
    chars = search_key(term)
    if not chars:
        return None
    return '"' + " ".join(chars).replace('"', '""') + '"'


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query split into the substrings that must occur and those that must not."""

    include: tuple[str, ...]
    exclude: tuple[str, ...]

    def fts(self) -> str:
        """The FTS5 MATCH expression (phrases of single-character tokens)."""
        include = [p for p in (_phrase(t) for t in self.include) if p]
        exclude = [p for p in (_phrase(t) for t in self.exclude) if p]
        if not include:
            raise InputError("the query has no word to search for (only excluded words or punctuation)")
        expression = "(" + " AND ".join(include) + ")"
        return expression + "".join(f" NOT {p}" for p in exclude)


_QUERY_TERM = regex.compile(r'(-?)(?:"([^"]*)"?|“([^”]*)”?|([^\s"“”]+))')


def parse_query(query: str) -> ParsedQuery:
    """Several words mean AND, ``"quoted words"`` one phrase, ``-word`` excludes.

    Every word is a substring search: 复议 finds 行政复议.

    >>> parse_query('培训 "政策 解读" -复议')
    ParsedQuery(include=('培训', '政策 解读'), exclude=('复议',))
    >>> parse_query('公开"')  # a stray quote is not part of the word
    ParsedQuery(include=('公开',), exclude=())
    """
    include: list[str] = []
    exclude: list[str] = []
    # NFKC first so that a full-width quote or minus (＂ －) works like the ASCII one.
    for match in _QUERY_TERM.finditer(unicodedata.normalize("NFKC", query)):
        negate, term = match.group(1), next((g for g in match.groups()[1:] if g is not None), "")
        if not term.strip() or (not negate and not term.strip("-")):
            continue  # an empty phrase, or a lone minus
        (exclude if negate else include).append(term)
    return ParsedQuery(tuple(include), tuple(exclude))


# --------------------------------------------------------------------------- indexing


@dataclass
class IndexSummary:
    """What an indexing run did."""

    reports: int = 0
    replaced: int = 0
    points: int = 0
    commitments: int = 0
    regulations: int = 0
    quantities: int = 0
    trainings: int = 0
    without_text: int = 0
    skipped: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def format(self) -> str:
        """One line for the terminal."""
        line = (
            f"{self.reports} reports indexed ({self.replaced} replaced), {self.points} points, "
            f"{self.commitments} commitments, {self.regulations} regulations, {self.quantities} quantities, "
            f"{self.trainings} trainings; {self.skipped} skipped; {self.seconds:.1f} s"
        )
        if self.without_text:
            line += (
                f"\nnote: {self.without_text} results carry no report text, so their commitments are their "
                "measures only (index the report files, or batch results with text, for commitment sentences)"
            )
        return line


def connect(db: Path | str) -> sqlite3.Connection:
    """Open (and create when needed) an index database."""
    conn = sqlite3.connect(str(db))
    try:
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.executescript(SCHEMA)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise InputError(f"{db} is not a gknlp index ({exc})") from None
    conn.execute("INSERT OR REPLACE INTO gknlp_meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
    return conn


def index_results(db: Path | str, sources: Sequence[Path | str], *, optimize: bool = True) -> IndexSummary:
    """Index batch results and/or report files into ``db``.

    Args:
        db: the SQLite file (created when absent; indexing is incremental).
        sources: ``*.jsonl`` batch results (error rows skipped) and report
            files or folders (extracted here, so their commitments come from
            the full text).
        optimize: merge the full-text index at the end (faster queries).

    Returns:
        Counts of what was indexed; a report already in ``db`` (same sha256)
        is replaced.

    Raises:
        InputError: a source does not exist.
    """
    for source in sources:
        if not Path(source).exists():
            raise InputError(f"{source}: no such file or folder")
    warnings: list[str] = []
    return index_rows(db, _iter_rows(sources, warnings), optimize=optimize, warnings=warnings)


def index_rows(
    db: Path | str,
    rows: Iterable[Mapping[str, Any]],
    *,
    optimize: bool = True,
    warnings: list[str] | None = None,
) -> IndexSummary:
    """Index contract JSON objects (with an optional ``"text"``) into ``db``."""
    summary = IndexSummary()
    started = time.perf_counter()
    conn = connect(db)
    try:
        with conn:
            for row in rows:
                if row.get("schema") == ERROR_SCHEMA or not isinstance(row.get("source"), Mapping):
                    summary.skipped += 1
                    continue
                _index_row(conn, row, summary)
                if summary.reports % 1000 == 0:
                    conn.commit()  # an interrupted run keeps what it indexed
            if optimize:
                conn.execute("INSERT INTO points_fts(points_fts) VALUES ('optimize')")
                conn.execute("INSERT INTO commitments_fts(commitments_fts) VALUES ('optimize')")
    finally:
        conn.close()
    summary.warnings = [*(warnings or []), *summary.warnings]
    summary.seconds = time.perf_counter() - started
    return summary


def _iter_rows(sources: Sequence[Path | str], warnings: list[str]) -> Iterator[Mapping[str, Any]]:
    from gknlp.corpus import REPORT_SUFFIXES, iter_report_paths

    for source in map(Path, sources):
        if source.suffix == ".jsonl":
            yield from _read_jsonl(source, warnings)
            continue
        for path in iter_report_paths([source]):
            if path.suffix.lower() == ".jsonl":
                yield from _read_jsonl(path, warnings)
            elif path.suffix.lower() in REPORT_SUFFIXES:
                yield from _extract(path, warnings)
            else:
                warnings.append(f"{path}: not a .jsonl result file or a report file; skipped")


def _read_jsonl(path: Path, warnings: list[str]) -> Iterator[Mapping[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                warnings.append(f"{path}:{number}: not a JSON object; skipped")
                continue
            if isinstance(row, dict):
                yield row


def _extract(path: Path, warnings: list[str]) -> Iterator[Mapping[str, Any]]:
    from gknlp.errors import GknlpError
    from gknlp.pipeline import extract_file

    try:
        report = extract_file(path)
    except GknlpError as exc:
        warnings.append(f"{path}: {exc}")
        return
    except Exception as exc:  # a bug on one report must not stop indexing thousands
        log.exception("internal error on %s", path)
        warnings.append(f"{path}: internal error: {type(exc).__name__}: {exc}")
        return
    row = report.to_json()
    row["text"] = report.text
    yield row


def _index_row(conn: sqlite3.Connection, row: Mapping[str, Any], summary: IndexSummary) -> None:
    source, meta = row["source"], row.get("meta") or {}
    sha = source.get("sha256")
    if not sha:
        summary.skipped += 1
        summary.warnings.append(f"{source.get('path')}: no sha256; skipped")
        return
    old = conn.execute("SELECT id FROM reports WHERE sha256 = ?", (sha,)).fetchone()
    if old is not None:
        _delete_report(conn, old[0])
        summary.replaced += 1
    problems, measures = _points(row, "problems"), _points(row, "measures")
    found = row_commitments(row)
    has_text = isinstance(row.get("text"), str) and bool(row.get("text"))
    summary.without_text += not has_text
    report_values = {key: meta.get(key) for key in REPORT_COLUMNS}
    cursor = conn.execute(
        "INSERT INTO reports (sha256, path, format, encoding, title, issuer, year, province, city, county, level,"
        " has_text, problems, measures, commitments, warnings) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            sha, source.get("path"), source.get("format"), source.get("encoding"),
            *report_values.values(),
            int(has_text), len(problems), len(measures), len(found.items),
            _dumps([*(row.get("warnings") or []), *found.warnings]),
        ),
    )
    report_id = cursor.lastrowid
    where = (report_values["issuer"], report_values["year"], report_values["province"], report_values["level"])

    point_rows = [
        (report_id, kind, n, p.get("heading"), str(p.get("text") or ""), _dumps(p.get("themes") or []),
         _dumps(p.get("scores") or {}), p.get("start"), p.get("end"), p.get("rule"), *where)
        for kind, points in (("problem", problems), ("measure", measures))
        for n, p in enumerate(points)
    ]
    ids = _insert_many(conn, "points", (
        "report_id", "kind", "n", "heading", "text", "themes", "scores", "start", "end", "rule",
        "issuer", "year", "province", "level"), point_rows)
    conn.executemany(
        "INSERT INTO points_fts (rowid, heading, body) VALUES (?, ?, ?)",
        [(i, spaced(r[3] or ""), spaced(r[4])) for i, r in zip(ids, point_rows, strict=True)],
    )
    commitment_rows = [_commitment_row(report_id, n, c, where) for n, c in enumerate(found.items)]
    ids = _insert_many(conn, "commitments", (
        "report_id", "n", "section", "heading", "text", "cue", "rule", "themes", "start", "end",
        "issuer", "year", "province", "level"), commitment_rows)
    # Measures are searched through points_fts; commitments_fts holds the cue sentences only.
    conn.executemany(
        "INSERT INTO commitments_fts (rowid, heading, body) VALUES (?, ?, ?)",
        [(i, spaced(r[3] or ""), spaced(r[4])) for i, r in zip(ids, commitment_rows, strict=True)
         if r[6] != MEASURE_RULE],
    )
    facts = {
        "regulations": ("title", "doc_number", "alias", "mentions", "start", "end", "rule"),
        "quantities": ("text", "value", "value_max", "unit", "approx", "subject", "section", "start", "end", "rule"),
        "trainings": ("text", "sessions", "sessions_approx", "attendees", "attendees_approx", "topic", "section",
                      "start", "end", "rule"),
    }
    for table, columns in facts.items():
        items = [item for item in row.get(table) or [] if isinstance(item, Mapping)]
        _insert_many(conn, table, ("report_id", *columns),
                     [(report_id, *(item.get(c) for c in columns)) for item in items])
        setattr(summary, table, getattr(summary, table) + len(items))
    summary.reports += 1
    summary.points += len(point_rows)
    summary.commitments += len(commitment_rows)


def _points(row: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    return [p for p in row.get(key) or [] if isinstance(p, Mapping) and p.get("text")]


def _commitment_row(report_id: int | None, n: int, c: Commitment, where: tuple[Any, ...]) -> tuple[Any, ...]:
    return (report_id, n, c.section, c.heading, c.text, c.cue, c.rule, _dumps(list(c.themes)), c.start, c.end,
            *where)


def _insert_many(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert rows and return their ids (consecutive within one transaction, no other writer)."""
    if not rows:
        return []
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    first = (conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]) + 1
    ids = list(range(first, first + len(rows)))
    conn.executemany(f"INSERT INTO {table} (id, {names}) VALUES (?, {marks})",
                     [(i, *r) for i, r in zip(ids, rows, strict=True)])
    return ids


def _delete_report(conn: sqlite3.Connection, report_id: int) -> None:
    for fts, table in (("points_fts", "points"), ("commitments_fts", "commitments")):
        conn.execute(f"DELETE FROM {fts} WHERE rowid IN (SELECT id FROM {table} WHERE report_id = ?)", (report_id,))
    for table in CHILD_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE report_id = ?", (report_id,))
    conn.execute("DELETE FROM reports WHERE id = ?", (report_id,))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# --------------------------------------------------------------------------- search


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    """One point or commitment that matched a query."""

    kind: Literal["problem", "measure", "commitment"]
    text: str
    snippet: str
    heading: str | None
    themes: tuple[str, ...]
    start: int | None
    end: int | None
    rank: float
    rule: str | None
    issuer: str | None
    year: int | None
    province: str | None
    title: str | None
    path: str | None
    sha256: str


_KIND_TO_POINT = {"measures": "measure", "problems": "problem"}


def search(
    db: Path | str,
    query: str,
    *,
    kind: Kind | None = None,
    theme: str | None = None,
    year: int | None = None,
    province: str | None = None,
    issuer: str | None = None,
    limit: int = 20,
) -> list[Hit]:
    """Search the points and commitments of an index, best match first (bm25).

    Args:
        db: an index built by :func:`index_results`.
        query: words (AND), ``"quoted words"`` (a phrase), ``-word`` (excluded);
            each word is a substring search, full-width forms normalised.
        kind: only ``measures``, ``problems`` or ``commitments`` (default: all).
        theme: only points tagged with this theme id.
        year: only reports of this year.
        province: only reports of this province.
        issuer: only reports whose issuer contains this text.
        limit: at most this many hits.

    Raises:
        InputError: ``db`` does not exist, or the query has no word to search for.
    """
    if not Path(db).is_file():
        raise InputError(f"{db}: no such index (build it with `gknlp index`)")
    parsed = parse_query(query)
    match = parsed.fts()
    terms = [key for key in map(search_key, parsed.include) if key]
    conn = sqlite3.connect(Path(db).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        hits: list[Hit] = []
        filters = (theme, year, province, issuer, limit)
        if kind == "commitments":
            # Measures are commitments too: they are searched in points_fts, shown as commitments.
            hits += _search_table(conn, "points", match, terms, "measure", *filters, as_commitment=True)
        else:
            hits += _search_table(conn, "points", match, terms, _KIND_TO_POINT.get(kind or ""), *filters)
        if kind in (None, "commitments"):
            hits += _search_table(conn, "commitments", match, terms, None, *filters)
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{db} is not a gknlp index ({exc})") from None
    finally:
        conn.close()
    hits.sort(key=lambda h: h.rank)
    return hits[:limit]


def _search_table(
    conn: sqlite3.Connection,
    table: Literal["points", "commitments"],
    match: str,
    terms: Sequence[str],
    point_kind: str | None,
    theme: str | None,
    year: int | None,
    province: str | None,
    issuer: str | None,
    limit: int,
    as_commitment: bool = False,
) -> list[Hit]:
    fts = f"{table}_fts"
    where: list[str] = []
    params: list[Any] = [match]
    if point_kind:
        where.append("t.kind = ?")
        params.append(point_kind)
    if year is not None:
        where.append("t.year = ?")
        params.append(year)
    if province:
        where.append("t.province = ?")
        params.append(province)
    if issuer:
        where.append("t.issuer LIKE ? ESCAPE '\\'")
        params.append("%" + issuer.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    if theme:
        where.append("EXISTS (SELECT 1 FROM json_each(t.themes) WHERE value = ?)")
        params.append(theme)
    params.append(limit)
    # Rank first, on the index alone where no filter needs the table, then read the few rows
    # kept: the sorter then holds (rowid, rank) pairs, not every matching text.
    join = f" JOIN {table} t ON t.id = {fts}.rowid" if where else ""
    ranked = (
        f"SELECT {fts}.rowid AS id, bm25({fts}) AS rank FROM {fts}{join} WHERE {fts} MATCH ?"
        + "".join(f" AND {w}" for w in where)
        + " ORDER BY rank LIMIT ?"
    )
    kind_column = "t.kind" if table == "points" and not as_commitment else "'commitment'"
    rule_column = f"'{MEASURE_RULE}'" if as_commitment else "t.rule"
    sql = (
        f"SELECT {kind_column}, t.text, t.heading, t.themes, t.start, t.\"end\", s.rank, {rule_column},"
        " r.issuer, r.year, r.province, r.title, r.path, r.sha256"
        f" FROM ({ranked}) s JOIN {table} t ON t.id = s.id JOIN reports r ON r.id = t.report_id ORDER BY s.rank"
    )
    return [
        Hit(
            kind=row[0], text=row[1], snippet=make_snippet(row[1], row[2], terms), heading=row[2],
            themes=tuple(json.loads(row[3] or "[]")), start=row[4], end=row[5], rank=row[6], rule=row[7],
            issuer=row[8], year=row[9], province=row[10], title=row[11], path=row[12], sha256=row[13],
        )
        for row in conn.execute(sql, params)
    ]


def make_snippet(text: str, heading: str | None, terms: Sequence[str], context: int = 24, width: int = 72) -> str:
    """The part of ``text`` around the first match of a query term, every match in 【】.

    Matching is done on the indexed form (:func:`search_key`, case-folded) and
    mapped back, so the snippet shows the report's own characters (full-width
    punctuation included) and no inserted spaces. When only the heading
    matched: the heading in 【】 and the start of the text.

    >>> make_snippet("依法办理行政复议案件", None, ["复议"])
    '依法办理行政【复议】案件'
    """
    keys = _key_chars(text)
    folded = "".join(_fold(k) for k, _ in keys)
    spans: list[tuple[int, int]] = []
    for term in terms:
        needle = "".join(_fold(k) for k in term)
        at = folded.find(needle) if needle else -1
        while at >= 0:
            spans.append((keys[at][1], keys[at + len(needle) - 1][1] + 1))
            at = folded.find(needle, at + len(needle))
    if not spans:
        lead = f"{MARK_OPEN}{heading}{MARK_CLOSE} " if heading else ""
        return lead + text[:width] + (ELLIPSIS if len(text) > width else "")
    spans = _merge(sorted(spans))
    begin = max(0, spans[0][0] - context)
    finish = min(len(text), max(begin + width, spans[0][1]))
    out = [ELLIPSIS] if begin > 0 else []
    pos = begin
    for a, b in spans:
        if b > finish:
            break
        out += [text[pos:a], MARK_OPEN, text[a:b], MARK_CLOSE]
        pos = b
    out.append(text[pos:finish])
    if finish < len(text):
        out.append(ELLIPSIS)
    return "".join(out)


def _fold(ch: str) -> str:
    # unicode61 folds case; keep one character for one so positions still map back.
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def unspace_snippet(snippet: str) -> str:
    """A snippet of the spaced index column with the inserted spaces removed.

    >>> unspace_snippet("行 政 【复 议】 …")
    '行政【复议】…'
    """
    return snippet.replace(" ", "")


# --------------------------------------------------------------------------- output


HIT_FIELDS = ("kind", "issuer", "year", "province", "themes", "start", "end", "rank", "snippet", "heading",
              "text", "title", "path", "rule", "sha256")


def format_hits(hits: Sequence[Hit], fmt: HitFormat = "table") -> str:
    """Render hits as an aligned table, a JSON array or CSV (header first)."""
    if fmt == "json":
        return json.dumps([_hit_json(h) for h in hits], ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HIT_FIELDS)
        for hit in hits:
            values = _hit_json(hit)
            writer.writerow(["|".join(values[k]) if k == "themes" else values[k] for k in HIT_FIELDS])
        return out.getvalue()
    if fmt != "table":
        raise InputError(f"unknown format {fmt!r}: use table, json or csv")
    if not hits:
        return "no hits"
    header = ("#", "kind", "issuer", "year", "themes", "offsets", "snippet")
    rows = [
        (str(n), h.kind, h.issuer or "-", str(h.year or "-"), ",".join(h.themes) or "-",
         f"{h.start}-{h.end}", " ".join(h.snippet.split()))
        for n, h in enumerate(hits, 1)
    ]
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = ["  ".join([*(_pad(c, w) for c, w in zip(r[:-1], widths, strict=True)), r[-1]]) for r in [header, *rows]]
    return "\n".join(line.rstrip() for line in lines)


def _hit_json(hit: Hit) -> dict[str, Any]:
    out = asdict(hit)
    out["themes"] = list(hit.themes)
    return {key: out[key] for key in HIT_FIELDS}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


# --------------------------------------------------------------------------- web UI


def serve(db: Path | str, port: int = 8001, host: str = "127.0.0.1") -> None:
    """Open the index in Datasette (the ``web`` extra) with gknlp's metadata; blocks until stopped.

    Raises:
        InputError: ``db`` does not exist, or Datasette is not installed.
    """
    if not Path(db).is_file():
        raise InputError(f"{db}: no such index (build it with `gknlp index`)")
    try:
        import asyncio

        import uvicorn
        from datasette.app import Datasette
    except ImportError:
        raise InputError("the web UI needs Datasette: pip install 'gknlp[web]'") from None
    from gknlp.datasette_meta import datasette_metadata, datasette_settings

    ds = Datasette([str(db)], metadata=datasette_metadata(Path(db)), settings=datasette_settings())
    asyncio.run(ds.invoke_startup())
    log.info("serving %s on http://%s:%d/", db, host, port)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
