"""Regulations: the documents a report names in 《》, with their 文号 and alias.

One :class:`~gknlp.model.Regulation` per distinct document named in the
overview and problems bodies, in order of first mention there. The 文号 and
the alias are taken from any mention of the same title in the whole report
(the preamble often gives 《…条例》(国务院令第711号)(以下简称《条例》) while the
overview only writes 《条例》). Short titles resolve to the full title they
abbreviate: a declared alias (以下简称…) or, undeclared, the tail of a full
title named in the same report.

What a 文号 and an alias look like, and which titles are not documents
(newspapers, gazettes, periodicals, programmes, websites) is data in
``rules/regulations.toml``.
"""

from __future__ import annotations

import bisect
import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import regex

from gknlp.model import Extraction, Regulation, Section, narrative_spans
from gknlp.rules import load_rule_file
from gknlp.text import AnyOf

RULE_FILE = "regulations.toml"

TitleKind = Literal["document", "other"]

_OPEN, _CLOSE = "《", "》"
# A garbled file can hold thousands of stray 《: say so a few times, not thousands.
_MAX_WARNINGS = 10
# Nested title marks written in other forms become 〈〉 inside a title.
_NESTED_MARKS = str.maketrans({"‹": "〈", "›": "〉", "<": "〈", ">": "〉", "＜": "〈", "＞": "〉", "〈": "〈", "〉": "〉"})
_OPEN_PARENS = "（("
_CLOSE_PARENS = "）)"
_WHITESPACE = regex.compile(r"\s+")
_YEAR_BRACKET = regex.compile(r"[\[【(〔（［]\s*(\d{4}|[零〇一二三四五六七八九]{4})\s*[\]】)〕）］]?")
_HAN = regex.compile(r"\p{Han}")
_BLANK_LINE = regex.compile(r"\n[^\S\n]*\n")
# What normalise_title changes: a title without any of these is its own normal form.
_TITLE_TO_NORMALISE = regex.compile(r"[\s《》‹›<>＜＞]")
# A stray line break (a hard-wrapped text the reader did not unwrap) may stand between 》 and （.
_AFTER_SEPARATOR = regex.compile(r"[^\S\n]{0,3}\n?[^\S\n]{0,3}")
_ALIAS_LEAD = regex.compile(r"[^\S\n]*[，,、]?[^\S\n]*")


@dataclass(frozen=True, slots=True, kw_only=True)
class TitleMention:
    """One 《…》 in the text: ``text[start:end]`` is the mention with its 《》.

    ``doc_number`` and ``alias`` are what is written with this mention (the
    文号 in a bracket right after it or right before it; a 以下简称 right after
    it). ``alias_span`` is where that declaration sits, so that the 《条例》
    inside （以下简称《条例》） is not counted as a use of the alias.
    """

    title: str
    start: int
    end: int
    doc_number: str | None = None
    alias: str | None = None
    alias_span: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class _KindRule:
    id: str
    kind: TitleKind
    title_pattern: regex.Pattern[str] | None
    after_pattern: regex.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class _Rules:
    max_title_chars: int
    after_window: int
    before_window: int
    after_glue: regex.Pattern[str] | None
    before_glue: regex.Pattern[str] | None
    before_lead_words: tuple[str, ...]
    docno: tuple[tuple[str, regex.Pattern[str]], ...]
    docno_before: tuple[regex.Pattern[str], ...]
    any_docno: AnyOf  # read backwards: a 文号 is rejected at its last character (号)
    alias: tuple[tuple[str, regex.Pattern[str]], ...]
    kinds: tuple[_KindRule, ...]


@functools.cache
def _rules() -> _Rules:
    rule_file = load_rule_file(RULE_FILE)
    limits = rule_file.data.get("limits", {})
    docno = tuple((r["id"], regex.compile(r["pattern"])) for r in rule_file.rules("docno"))
    kinds = tuple(
        _KindRule(
            id=r["id"],
            kind="other" if r.get("kind") == "other" else "document",
            title_pattern=regex.compile(r["title_pattern"]) if "title_pattern" in r else None,
            after_pattern=regex.compile(r["after_pattern"]) if "after_pattern" in r else None,
        )
        for r in rule_file.rules("title_kind")
    )
    return _Rules(
        max_title_chars=int(limits.get("max_title_chars", 150)),
        after_window=int(limits.get("after_window", 90)),
        before_window=int(limits.get("before_window", 40)),
        after_glue=regex.compile(limits["after_glue_pattern"]) if "after_glue_pattern" in limits else None,
        before_glue=regex.compile(limits["before_glue_pattern"]) if "before_glue_pattern" in limits else None,
        before_lead_words=tuple(limits.get("before_lead_words", ())),
        docno=docno,
        docno_before=tuple(regex.compile(f"(?:{p.pattern})" + r"[^\S\n]*$") for _, p in docno),
        any_docno=AnyOf.of([p for _, p in docno], reverse=True),
        alias=tuple((r["id"], regex.compile(r["pattern"])) for r in rule_file.rules("alias")),
        kinds=kinds,
    )


def rule_fires(rule_id: str, text: str) -> bool:
    """Whether rule ``rule_id`` of ``rules/regulations.toml`` fires on ``text``.

    A 文号 or alias rule fires when its pattern is found in ``text``; a title
    kind rule fires when it decides about some 《》 title in ``text`` (its
    ``title_pattern`` matches the title, or its ``after_pattern`` the text
    right after the 》).
    """
    rules = _rules()
    for rid, pattern in (*rules.docno, *rules.alias):
        if rid == rule_id:
            return pattern.search(text) is not None
    kind_rule = next(k for k in rules.kinds if k.id == rule_id)
    mentions = find_titles(text).items
    return any(_kind_rule_fires(kind_rule, m.title, text[m.end : m.end + 20]) for m in mentions)


def normalise_title(raw: str) -> str:
    """A title as compared and reported: whitespace removed, nested marks as 〈〉.

    >>> normalise_title("关于印发《政务 公开要点》的通知")
    '关于印发〈政务公开要点〉的通知'
    """
    if _TITLE_TO_NORMALISE.search(raw) is None:
        return raw  # most titles
    title = _WHITESPACE.sub("", raw)
    title = title.replace(_OPEN, "〈").replace(_CLOSE, "〉")
    return title.translate(_NESTED_MARKS)


def normalise_doc_number(raw: str) -> str:
    """A 文号 in its normal form: half-width digits, no spaces, 〔〕 around the year.

    >>> normalise_doc_number("豫政办[2020]5号")
    '豫政办〔2020〕5号'
    >>> normalise_doc_number("鄂政管办发 ﹝２０１９﹞4号")
    '鄂政管办发〔2019〕4号'
    >>> normalise_doc_number("国务院第711号令")
    '国务院第711号令'
    >>> normalise_doc_number("沅政办[二〇二三]5号")
    '沅政办〔二〇二三〕5号'
    """
    value = unicodedata.normalize("NFKC", raw)
    value = _WHITESPACE.sub("", value)
    return _YEAR_BRACKET.sub(r"〔\1〕", value)


def find_titles(text: str, start: int = 0, end: int | None = None) -> Extraction[TitleMention]:
    """Every 《…》 mention whose 《 lies in ``text[start:end]``, in text order.

    Nested 《》 (and ‹›, <>) inside a title are kept as 〈〉; a 《 that is not
    closed within ``max_title_chars`` or before a blank line yields no mention
    and a warning. The 文号 and alias written with a mention are read from the
    text around it, which may lie outside ``start:end``.
    """
    rules = _rules()
    end = len(text) if end is None else end
    mentions: list[TitleMention] = []
    warnings: list[str] = []
    pos = text.find(_OPEN, start, end)
    while pos != -1:
        close = _matching_close(text, pos, rules.max_title_chars)
        if close is None:
            if len(warnings) < _MAX_WARNINGS:
                warnings.append(f"regulations: unclosed 《 at offset {pos}; no title taken there")
            pos = text.find(_OPEN, pos + 1, end)
            continue
        title = normalise_title(text[pos + 1 : close])
        if _HAN.search(title):
            mentions.append(_describe_mention(text, title, pos, close + 1, rules))
        pos = text.find(_OPEN, close + 1, end)
    return Extraction(tuple(mentions), tuple(warnings))


def extract_regulations(text: str, sections: Sequence[Section]) -> Extraction[Regulation]:
    """The documents named in the overview and problems bodies of one report.

    Args:
        text: the normalised report text.
        sections: the report's sections; only ``overview`` and ``problems``
            bodies are in scope, but 文号 and aliases come from the whole text.

    Returns:
        One :class:`Regulation` per distinct document, in order of first
        in-scope mention, with the warnings worth showing.
    """
    spans = [(a, b) for _, a, b in narrative_spans(list(sections))]
    return extract_regulations_in(text, spans)


def extract_regulations_in(text: str, spans: Sequence[tuple[int, int]]) -> Extraction[Regulation]:
    """The documents named in ``spans`` of ``text`` (the pure engine of :func:`extract_regulations`).

    Mentions are counted inside ``spans`` only; 文号, aliases and the full
    titles that short titles abbreviate are looked up in the whole ``text``.
    ``text[r.start:r.end]`` is the first in-scope mention with its 《》 (which
    may be the alias, e.g. 《条例》).
    """
    found = find_titles(text)
    mentions = list(found.items)
    warnings = [w for w in found.warnings if _in_spans(_warning_offset(w), spans)]
    if not mentions:
        return Extraction((), tuple(warnings))
    kinds = _classify_mentions(text, mentions)
    declared = _declared_aliases(mentions, kinds)
    declaration_spans = [m.alias_span for m in mentions if m.alias_span is not None]
    canonical = _canonical_titles(mentions, kinds, declared)

    order: list[str] = []
    uses: dict[str, list[TitleMention]] = {}
    rule_of: dict[str, str] = {}
    for m, full, (_, rule_id) in zip(mentions, canonical, kinds, strict=True):
        if full is None or not _in_spans(m.start, spans):
            continue
        if declaration_spans and _in_spans(m.start, declaration_spans):
            continue  # the 《条例》 of （以下简称《条例》） declares the alias, it is no use of it
        if full not in uses:
            order.append(full)
            uses[full] = []
            rule_of[full] = rule_id
        uses[full].append(m)

    same_title: dict[str, list[TitleMention]] = {}
    for m, full in zip(mentions, canonical, strict=True):
        if full is not None:
            same_title.setdefault(full, []).append(m)
    items: list[Regulation] = []
    for full in order:
        same = same_title[full]
        doc_number = next((m.doc_number for m in same if m.doc_number), None)
        alias = next((a for a, f in declared.items() if f == full), None)
        if alias is None:
            alias = next((m.title for m in same if m.title != full), None)
        first = uses[full][0]
        items.append(
            Regulation(
                title=full,
                doc_number=doc_number,
                alias=alias,
                mentions=len(uses[full]),
                start=first.start,
                end=first.end,
                rule=rule_of[full],
            )
        )
    return Extraction(tuple(items), tuple(warnings))


def _matching_close(text: str, open_at: int, max_chars: int) -> int | None:
    """Index of the 》 closing the 《 at ``open_at`` (nesting counted), or None."""
    depth = 0
    limit = min(len(text), open_at + max_chars + 2)
    for i in range(open_at, limit):
        ch = text[i]
        if ch == _OPEN:
            depth += 1
        elif ch == _CLOSE:
            depth -= 1
            if depth == 0:
                return i
        elif ch == "\n" and _BLANK_LINE.match(text, i):
            return None  # a title does not run across a paragraph break
    return None


def _describe_mention(text: str, title: str, start: int, end: int, rules: _Rules) -> TitleMention:
    """Read the 文号 and the alias written around one mention."""
    doc_number: str | None = None
    alias: str | None = None
    alias_span: tuple[int, int] | None = None
    window_end = min(len(text), end + rules.after_window)
    pos = end
    if rules.after_glue is not None:
        glue = rules.after_glue.match(text, pos, window_end)
        if glue is not None and glue.end() < window_end and text[glue.end()] in _OPEN_PARENS:
            pos = glue.end()  # 印发《…要点》的通知（文号）: the notice's 文号 is written with the title
    # Up to three brackets right after the title: （文号）（以下简称《…》）.
    for _ in range(3):
        sep = _AFTER_SEPARATOR.match(text, pos, window_end)
        at = sep.end() if sep else pos
        if at >= window_end or text[at] not in _OPEN_PARENS:
            break
        close = _matching_paren(text, at, window_end)
        content_end = close if close is not None else _line_end(text, at, window_end)
        if doc_number is None:
            doc_number = _docno_in(text, at + 1, content_end, anchored=close is None, rules=rules)
        if alias is None:
            alias, alias_span = _alias_in(text, at + 1, content_end, rules)
        if close is None:
            break  # an unclosed bracket ends the search
        pos = close + 1  # （2019年修订）（以下简称《条例》）: read on through brackets
    if alias is None:
        # Declared without a bracket: 《…》，以下简称《条例》
        lead = _ALIAS_LEAD.match(text, pos, window_end)
        if lead is not None:
            alias, alias_span = _alias_in(text, lead.end(), min(window_end, lead.end() + 40), rules, anchored=True)
    if doc_number is None:
        doc_number = _docno_before(text, start, rules)
    return TitleMention(title=title, start=start, end=end, doc_number=doc_number, alias=alias, alias_span=alias_span)


def _matching_paren(text: str, open_at: int, limit: int) -> int | None:
    """Index of the bracket closing the one at ``open_at``, or None.

    One line break inside is allowed (（国办函〔2020 / 〕109号） in a wrapped text); a second one ends the search.
    """
    depth = 0
    breaks = 0
    for i in range(open_at, limit):
        ch = text[i]
        if ch in _OPEN_PARENS:
            depth += 1
        elif ch in _CLOSE_PARENS:
            depth -= 1
            if depth == 0:
                return i
        elif ch == "\n":
            breaks += 1
            if breaks > 1:
                return None
    return None


def _line_end(text: str, start: int, limit: int) -> int:
    newline = text.find("\n", start, limit)
    return limit if newline == -1 else newline


def _docno_in(text: str, start: int, end: int, *, anchored: bool, rules: _Rules) -> str | None:
    """The 文号 inside a bracket (at its start when the bracket is unclosed)."""
    while start < end and text[start].isspace():
        start += 1
    content = text[start:end]
    if "\n" in content:
        content = content.replace("\n", "")  # 国务院令第71 / 1号: the number goes on after the break
    for _, pattern in rules.docno:
        m = pattern.match(content) if anchored else pattern.search(content)
        if m is not None:
            return normalise_doc_number(m.group())
    return None


def _docno_before(text: str, title_start: int, rules: _Rules) -> str | None:
    """A 文号 written right before the title (豫政办〔2020〕5号印发《…》), not in a bracket."""
    a = max(0, title_start - rules.before_window)
    before = text[a:title_start]
    if not rules.any_docno.search(before):
        return None  # no 文号 anywhere before the title (most titles)
    glue = rules.before_glue.search(before) if rules.before_glue is not None else None
    head = before[: glue.start()] if glue else before
    for pattern in rules.docno_before:
        m = pattern.search(head)
        if m is None:
            continue
        if m.start() > 0 and head[m.start() - 1] in _OPEN_PARENS:
            return None  # （文号）《B》: the bracket belongs to the title before it
        value = m.group()
        cut = max((value.rfind(w) + len(w) for w in rules.before_lead_words if w in value), default=0)
        return normalise_doc_number(value[cut:]) if cut < len(value) else None
    return None


def _alias_in(
    text: str, start: int, end: int, rules: _Rules, *, anchored: bool = False
) -> tuple[str | None, tuple[int, int] | None]:
    """A declared alias (以下简称《条例》) in ``text[start:end]`` and its span."""
    for _, pattern in rules.alias:
        m = pattern.match(text, start, end) if anchored else pattern.search(text, start, end)
        if m is not None:
            alias = normalise_title(m.group("alias"))
            if alias:
                return alias, (m.start(), m.end())
    return None, None


def _kind_rule_fires(rule: _KindRule, title: str, after: str) -> bool:
    if rule.title_pattern is not None and rule.title_pattern.search(title):
        return True
    return rule.after_pattern is not None and rule.after_pattern.search(after) is not None


def _classify_mentions(text: str, mentions: Sequence[TitleMention]) -> list[tuple[TitleKind, str]]:
    """Kind and deciding rule id of each mention: its title, or the medium word right after it.

    The first rule that fires decides: the first whose title pattern finds the
    title (cached by title), unless a rule before it fires on the text after.
    """
    kinds = _rules().kinds
    out: list[tuple[TitleKind, str]] = []
    for m in mentions:
        first = _first_title_rule(m.title)
        after = text[m.end : m.end + 20]
        rule = next(
            (k for k in kinds[:first] if k.after_pattern is not None and k.after_pattern.search(after)),
            kinds[first] if first < len(kinds) else None,
        )
        out.append((rule.kind, rule.id) if rule is not None else ("document", "title.default"))
    return out


@functools.lru_cache(maxsize=4096)
def _first_title_rule(title: str) -> int:
    """Index of the first title kind rule whose title pattern finds ``title`` (len(kinds): none).

    Cached: reports name the same documents (《条例》, 《政府信息公开条例》…) again and again.
    """
    kinds = _rules().kinds
    return next(
        (i for i, k in enumerate(kinds) if k.title_pattern is not None and k.title_pattern.search(title)), len(kinds)
    )


def _declared_aliases(mentions: Sequence[TitleMention], kinds: Sequence[tuple[TitleKind, str]]) -> dict[str, str]:
    """alias → full title, from the 以下简称 written with document titles (first one wins)."""
    declared: dict[str, str] = {}
    for m, (kind, _) in zip(mentions, kinds, strict=True):
        if m.alias and m.alias != m.title and kind == "document":
            declared.setdefault(m.alias, m.title)
    return declared


def _canonical_titles(
    mentions: Sequence[TitleMention],
    kinds: Sequence[tuple[TitleKind, str]],
    declared: dict[str, str],
) -> list[str | None]:
    """The full title each mention refers to (None when it names no document).

    A declared alias maps to its title. An undeclared short title that is the
    tail of a longer document title named in the report maps to the nearest
    such title mentioned before it, else the first one mentioned after it.
    """
    documents = {m.title for m, (kind, _) in zip(mentions, kinds, strict=True) if kind == "document"}
    # title → where it is mentioned
    positions: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        positions.setdefault(m.title, []).append(i)
    candidates: dict[str, list[tuple[int, str]]] = {}
    out: list[str | None] = []
    for i, (m, (kind, _)) in enumerate(zip(mentions, kinds, strict=True)):
        if kind != "document":
            out.append(None)
            continue
        if m.title in declared:
            out.append(declared[m.title])
            continue
        if m.title not in candidates:
            # where the longer document titles ending in this one (a tail of two characters or more) are named
            n = len(m.title)
            longer = [t for t in documents if n >= 2 and len(t) > n and t.endswith(m.title)]
            candidates[m.title] = sorted((p, t) for t in longer for p in positions[t])
        where = candidates[m.title]
        if not where:
            out.append(m.title)
            continue
        # the nearest mention of a longer title before this one, else the first after it
        k = bisect.bisect_left(where, (i, ""))
        out.append(where[k - 1][1] if k > 0 else where[k][1])
    return out


def _in_spans(offset: int | None, spans: Sequence[tuple[int, int]]) -> bool:
    return offset is not None and any(a <= offset < b for a, b in spans)


def _warning_offset(warning: str) -> int | None:
    m = regex.search(r"offset (\d+)", warning)
    return int(m.group(1)) if m else None
