"""Headings → the six standard sections and their sub-heads; report metadata.

The wordings and numbering styles live in ``rules/sections.toml``. The engine
finds every heading *candidate* (a number + a part's title wording, or a
wording alone on its line), scores it (line start beats inline, a top-level
number beats a parenthesised one, a heading followed by body text beats a
table-of-contents entry), then keeps one candidate per part such that the
parts appear in report order (a small dynamic programme over the candidates).
A repeated heading therefore opens its section once: at the occurrence that
best fits the order, the later one on a tie (the body follows the contents
block or the title block).
"""

from __future__ import annotations

import bisect
import functools
import heapq
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import regex

from gknlp.errors import RuleFileError
from gknlp.model import SECTION_IDS, Extraction, Meta, Section, SectionId, Subsection
from gknlp.rules import load_rule_file
from gknlp.text import REGEX_TIMEOUT_S, finditer_guarded

log = logging.getLogger(__name__)

RULE_FILE = "sections.toml"
_SLOTS = ("overview", "proactive", "requests", "review_litigation", "problems", "measures", "other")
_TITLES = {
    "overview": "总体情况",
    "proactive": "主动公开政府信息情况",
    "requests": "收到和处理政府信息公开申请情况",
    "review_litigation": "政府信息公开行政复议、行政诉讼情况",
    "problems": "存在的主要问题及改进情况",
    "other": "其他需要报告的事项",
}
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_HAN = regex.compile(r"\p{Han}")
# Compiled once: they run for every numbering mark and subsection line.
_CN_NUMBER_OR_DASH = regex.compile(r"[一二三四五六七八九十—―─－-]")
_TAB_DIGIT = regex.compile(r"\t\s*[0-9]")
_SENTENCE_MARK = regex.compile(r"[。；;]")
_TITLE_STOP = regex.compile(r"[。：:；;]")
# Fewer standard parts than this and the text is not taken for a report.
_MIN_SECTIONS = 2
# Score parts of one candidate (see _quality); a contents entry loses to a heading with a body.
_KIND_SCORE = {"line_full": 8, "line_prefix": 5, "inline": 3}
_NUMBERING_SCORE = {"top": 3, "bare": 2, "paren": 1, "none": 0}
_EMPTY_BODY_PENALTY = 6
_LIST_PENALTY = 6


@dataclass(frozen=True, slots=True)
class _Part:
    rule_id: str
    section: SectionId | None  # None for an older report's part with no counterpart
    slot: str
    ordinal: int
    title_re: regex.Pattern[str]
    full_line_re: regex.Pattern[str]
    glued_re: regex.Pattern[str]  # the wording with no number, glued after a sentence, ending its line
    loose_re: regex.Pattern[str] | None  # wider wordings: after a top-level number, filling the line


@dataclass(frozen=True, slots=True)
class _Rules:
    parts: tuple[_Part, ...]
    extras: tuple[_Part, ...]
    any_title_re: regex.Pattern[str]
    any_loose_re: regex.Pattern[str]
    number_re: regex.Pattern[str]
    paren_line_re: regex.Pattern[str]
    indent: str
    tail: str
    list_before: str
    list_between: str
    table_row_re: regex.Pattern[str]
    max_line_title: int
    max_inline_title: int
    tail_chrome_re: regex.Pattern[str]
    issuer_suffixes: tuple[str, ...]
    title_res: tuple[tuple[str, regex.Pattern[str]], ...]
    year_res: tuple[tuple[str, regex.Pattern[str]], ...]
    any_full_line_re: regex.Pattern[str] | None = None  # see _full_line_matches


@dataclass(frozen=True, slots=True)
class _Candidate:
    part: _Part
    start: int  # where the number (or the wording) begins
    title_end: int  # end of the wording
    heading_end: int  # end of the heading text as reported
    body_start: int
    kind: str  # line_full | line_prefix | inline
    numbering: str  # top | bare | paren | none
    number: int | None
    list_member: bool = False
    empty_body: bool = False

    @property
    def quality(self) -> int:
        q = _KIND_SCORE[self.kind] + _NUMBERING_SCORE[self.numbering]
        if self.number is not None and self.number == self.part.ordinal:
            q += 2
        if self.empty_body:
            q -= _EMPTY_BODY_PENALTY
        if self.list_member:
            q -= _LIST_PENALTY
        return q


def _alternation(patterns: object) -> str:
    items = patterns if isinstance(patterns, list) else [patterns] if patterns else []
    return "|".join(f"(?:{p})" for p in items)


def _class(chars: str) -> str:
    # Any whitespace but a line break counts too (em spaces, NBSP from web pages).
    return "(?:[^\\S\\n]|[" + "".join(regex.escape(c) for c in chars) + "])"


def _first_char_guard(pattern: str) -> str:
    """``(?=[…])`` with every character a match of ``pattern`` can start with, or "" when unknown.

    The numbering regex scans the whole text and starts with a look-behind, which
    keeps the regex engine from skipping ahead to a possible first character; the
    look-ahead lets it (about 3x faster) and changes no match. Only patterns made
    of literals and explicit sets are analysed (anything like \\d, \\p{…}, ``.``,
    ``[^…]`` or inline flags gives ""); each character the pattern mentions (set
    ranges expanded) is kept if the pattern can start with it (a partial match).
    """
    chars: set[str] = set()
    in_set = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            nxt = pattern[i + 1 : i + 2]
            if not nxt or (nxt.isascii() and nxt.isalnum() and nxt not in "tnrfv"):
                return ""  # a class shorthand or escape that may stand for any character
            chars.add({"t": "\t", "n": "\n", "r": "\r", "f": "\f", "v": "\v"}.get(nxt, nxt))
            i += 2
            continue
        if c == "-" and 0 < i < len(pattern) - 1:
            # A range wherever it stands (outside a set it only adds spare candidates).
            low, high = ord(pattern[i - 1]), ord(pattern[i + 1])
            if high - low > 5000 or "\\" in (pattern[i + 1], pattern[i - 2 : i - 1]):
                return ""  # a wide range, or one bounded by an escape
            chars.update(chr(cp) for cp in range(low, high + 1))
        if in_set:
            in_set = c != "]"
        elif c == "[":
            if pattern[i + 1 : i + 2] == "^":
                return ""
            in_set = True
        elif c == "." or pattern.startswith(("(?i", "(?P=", "(?f", "(?w", "(?x", "(?V"), i):
            return ""
        chars.add(c)
        i += 1
    compiled = regex.compile(pattern)
    if compiled.fullmatch("") is not None:
        return ""  # an empty match has no first character
    first = sorted(c for c in chars if compiled.match(c, partial=True) is not None)
    return "(?=[" + "".join(c if c.isalnum() else "\\" + c for c in first) + "])" if first else ""


def _any_full_line_re(parts: Sequence[_Part], indent: str, prefix: str, tail: str) -> regex.Pattern[str] | None:
    """The full-line wordings of all parts in one regex (their alternation after
    the shared indent and prefix), or None when a part's wording cannot join one
    (inline flags, back-references) or its pattern is not of the usual form."""
    head, end = f"(?m)^{indent}*(?:{prefix})(?:", f"){tail}*$"
    fulls = []
    for part in parts:
        pattern = part.full_line_re.pattern
        full = pattern[len(head) : len(pattern) - len(end)]
        if pattern != head + full + end or regex.search(r"\(\?[a-zA-Z^]|\(\?P=|\\[1-9]|\\g<", full):
            return None
        fulls.append(f"(?:{full})")
    return regex.compile(head + "|".join(fulls) + end)


@functools.cache
def _rules() -> _Rules:
    rf = load_rule_file(RULE_FILE)
    data = rf.data
    layout = data.get("layout", {})
    indent = str(layout.get("indent_chars", " \t\u3000*"))
    tail = str(layout.get("tail_chars", " \t\u3000*、：:"))
    numbering = data.get("numbering", {})
    prefix = str(layout.get("title_prefix_pattern", ""))

    def make_part(entry: dict[str, Any], extra: bool) -> _Part:
        title = _alternation(entry.get("title_pattern"))
        line_only = _alternation(entry.get("line_only_pattern"))
        loose = _alternation(entry.get("loose_pattern"))
        full = "|".join(p for p in (title, line_only) if p)
        section = None if extra else entry.get("section")
        slot = "extra" if extra else entry.get("slot")
        if not title or (not extra and (section not in SECTION_IDS or slot not in _SLOTS)):
            raise RuleFileError(
                f"rules/{RULE_FILE}: {entry['id']}: needs title_pattern, a section in {SECTION_IDS} "
                f"and a slot in {_SLOTS}"
            )
        return _Part(
            rule_id=str(entry["id"]),
            section=cast("SectionId | None", section),
            slot=str(slot),
            ordinal=int(entry.get("ordinal", 0)),
            title_re=regex.compile(f"(?:{prefix})(?:{title})"),
            full_line_re=regex.compile(f"(?m)^{_class(indent)}*(?:{prefix})(?:{full}){_class(tail)}*$"),
            glued_re=regex.compile(f"(?m)(?<=[。！？；])(?:{full}){_class(tail)}*$"),
            loose_re=regex.compile(f"(?:{prefix})(?:{loose})") if loose else None,
        )

    parts = tuple(make_part(e, False) for e in rf.rules("part"))
    extras = tuple(make_part(e, True) for e in rf.rules("extra_part"))
    number_body = (
        f"(?:(?P<top>{numbering['top_pattern']})"
        f"|(?P<paren>{numbering['paren_pattern']})|(?P<bare>{numbering['bare_pattern']}))"
    )
    number_re = regex.compile(f"{_first_char_guard(number_body)}(?<![一二三四五六七八九十0-9.．]){number_body}")
    paren_line_re = regex.compile(
        f"(?m)^{_class(indent)}*(?P<num>{numbering['paren_pattern']})[^\\S\\n]*(?P<rest>[^\\n]*)"
    )
    subs = data.get("subsections", {})
    meta = data.get("meta", {})
    chrome = _alternation([r["pattern"] for r in rf.rules("tail_chrome")])
    every = (*parts, *extras)
    return _Rules(
        parts=parts,
        extras=extras,
        any_full_line_re=_any_full_line_re(every, _class(indent), prefix, _class(tail)),
        any_title_re=regex.compile("|".join(f"(?P<p{i}>{p.title_re.pattern})" for i, p in enumerate(every))),
        any_loose_re=regex.compile(
            "|".join(f"(?P<p{i}>{p.loose_re.pattern})" for i, p in enumerate(every) if p.loose_re is not None)
            or "(?!)"
        ),
        number_re=number_re,
        paren_line_re=paren_line_re,
        indent=indent,
        tail=tail,
        list_before=str(layout.get("list_before_chars", "、，,")),
        list_between=str(layout.get("list_between_chars", " 、，,；;")),
        table_row_re=regex.compile(str(data.get("table", {}).get("row_pattern", "(?!)"))),
        max_line_title=int(subs.get("max_line_title", 40)),
        max_inline_title=int(subs.get("max_inline_title", 24)),
        tail_chrome_re=regex.compile(chrome or "(?!)"),
        issuer_suffixes=tuple(sorted(meta.get("issuer_suffixes", []), key=len, reverse=True)),
        title_res=tuple((r["id"], regex.compile(r["pattern"], regex.M)) for r in rf.rules("title")),
        year_res=tuple((r["id"], regex.compile(r["pattern"], regex.M)) for r in rf.rules("year")),
    )


# ---------------------------------------------------------------- candidates


def _number_value(token: str) -> int | None:
    digits = "".join(c for c in token if c.isdigit())
    if digits:
        return int(digits)
    if token.strip()[:1] in "—―─－-":
        return 1
    han = [c for c in token if c in _NUMERALS]
    if not han:
        return None
    if len(han) == 1:
        return _NUMERALS[han[0]]
    if han[0] == "十":
        return 10 + _NUMERALS.get(han[1], 0)
    return _NUMERALS[han[0]] * 10 + (_NUMERALS.get(han[2], 0) if len(han) > 2 else 0)


class _Lines:
    """Line bounds by bisection: a text without line breaks must not cost O(n) per heading."""

    def __init__(self, text: str) -> None:
        self.breaks = [m.start() for m in regex.finditer("\n", text)]
        self.size = len(text)

    def bounds(self, pos: int) -> tuple[int, int]:
        k = bisect.bisect_left(self.breaks, pos)
        start = self.breaks[k - 1] + 1 if k > 0 else 0
        end = self.breaks[k] if k < len(self.breaks) else self.size
        return start, end


def _skip(text: str, pos: int, end: int, chars: str) -> int:
    while pos < end and (text[pos] in chars or (text[pos].isspace() and text[pos] != "\n")):
        pos += 1
    return pos


def _make_candidate(
    text: str,
    lines: _Lines,
    rules: _Rules,
    part: _Part,
    start: int,
    title_end: int,
    numbering: str,
    number: int | None,
) -> _Candidate | None:
    line_start, line_end = lines.bounds(start)
    k = start
    while k > line_start and (text[k - 1] in rules.indent or text[k - 1].isspace()):
        k -= 1
    at_line_start = k == line_start
    tail_end = _skip(text, title_end, line_end, rules.tail)
    full_line = tail_end == line_end
    if at_line_start and full_line:
        kind = "line_full"
        heading_end = line_end
        while heading_end > start and (text[heading_end - 1].isspace() or text[heading_end - 1] == "*"):
            heading_end -= 1
        body_start = min(line_end + 1, len(text))
    else:
        if numbering == "none":
            return None
        heading_end, body_start = title_end, tail_end
        if full_line:
            # Glued to the end of a paragraph, alone on the rest of its line.
            body_start = min(line_end + 1, len(text))
        separated = tail_end > title_end or not _HAN.match(text, title_end)
        if at_line_start and separated:
            kind = "line_prefix"
        else:
            if numbering in ("bare", "paren"):
                return None
            # A number right after 、 or 和 sits in a running list of titles.
            if start > 0 and text[start - 1] in rules.list_before:
                return None
            kind = "inline"
    if numbering == "bare" and kind != "line_full":
        return None
    return _Candidate(
        part=part,
        start=start,
        title_end=title_end,
        heading_end=heading_end,
        body_start=body_start,
        kind=kind,
        numbering=numbering,
        number=number,
    )


def _numbered_candidate(
    text: str,
    lines: _Lines,
    rules: _Rules,
    m: regex.Match[str],
    pos: int,
    numbering: str,
    number: int | None,
) -> _Candidate | None:
    parts = (*rules.parts, *rules.extras)
    # One regex for all parts (named group p<i> per part): the first wording that matches wins.
    t = rules.any_title_re.match(text, pos)
    if t is not None:
        part = _matched_part(t, parts)
        return _make_candidate(text, lines, rules, part, m.start(), t.end(), numbering, number)
    # A wider wording counts only after a Chinese top-level number and when it fills its line.
    if numbering != "top" or not _CN_NUMBER_OR_DASH.search(m.group()):
        return None
    t = rules.any_loose_re.match(text, pos)
    if t is None:
        return None
    part = _matched_part(t, parts)
    cand = _make_candidate(text, lines, rules, part, m.start(), t.end(), numbering, number)
    return cand if cand is not None and cand.kind == "line_full" else None


def _matched_part(t: regex.Match[str], parts: tuple[_Part, ...]) -> _Part:
    """The part whose named group ``p<i>`` took part in a match of an all-parts regex."""
    groups = t.groupdict()  # once: it builds a dict
    return next(p for i, p in enumerate(parts) if groups.get(f"p{i}") is not None)


def _full_line_matches(text: str, rules: _Rules, warnings: list[str]) -> list[list[regex.Match[str]]]:
    """Per part, what ``finditer(part.full_line_re)`` over the whole text finds.

    Scanning the text once per part was a large share of finding sections; one
    scan with the alternation of all parts finds the line starts where any part
    matches, and each part is tried only there. That gives the same matches when
    every match lies within its line (a match is anchored at a line start, so
    then each line start is tried). Checked as it goes: a match across a line
    break, an empty match or a timeout sends that part back to its own scan.
    """
    parts = (*rules.parts, *rules.extras)
    combined = rules.any_full_line_re
    starts: list[int] | None = None
    if combined is not None:
        scratch: list[str] = []  # a timeout here only means: scan each part as before
        spans = [m.span() for m in finditer_guarded(combined, text, warnings=scratch)]
        if not scratch and all(text.find("\n", a, b) < 0 for a, b in spans):
            starts = [a for a, _ in spans]
    out: list[list[regex.Match[str]]] = []
    for part in parts:
        found = None if starts is None else _matches_at(part.full_line_re, text, starts)
        if found is None:
            found = list(finditer_guarded(part.full_line_re, text, warnings=warnings, rule=part.rule_id))
        out.append(found)
    return out


def _matches_at(pattern: regex.Pattern[str], text: str, starts: list[int]) -> list[regex.Match[str]] | None:
    """The matches of ``pattern`` at these line starts; None when one is empty,
    spans a line break or times out (then only a scan of the text is exact)."""
    found: list[regex.Match[str]] = []
    for s in starts:
        try:
            m = pattern.match(text, s, timeout=REGEX_TIMEOUT_S)
        except TimeoutError:
            return None
        if m is None:
            continue
        if m.end() == m.start() or text.find("\n", m.start(), m.end()) >= 0:
            return None
        found.append(m)
    return found


def _find_candidates(text: str, rules: _Rules, warnings: list[str]) -> list[_Candidate]:
    found: dict[tuple[int, str], _Candidate] = {}
    all_parts = (*rules.parts, *rules.extras)
    lines = _Lines(text)
    numbers = list(finditer_guarded(rules.number_re, text, warnings=warnings, rule="sections.numbering"))
    for m in numbers:
        numbering = "top" if m.group("top") else "paren" if m.group("paren") else "bare"
        pos = _skip(text, m.end(), len(text), " \t\u3000")
        if pos >= len(text) or not ("\u4e00" <= text[pos] <= "\u9fff" or text[pos].isdigit()):
            continue  # every wording starts with a Han character (or a year)
        if rules.table_row_re.match(text, pos):
            continue  # 一、本年新收政府信息公开申请数量: a row of the request table
        number = _number_value(m.group())
        cand = _numbered_candidate(text, lines, rules, m, pos, numbering, number)
        if cand is not None:
            found.setdefault((cand.start, cand.part.rule_id), cand)
    for part, part_matches in zip(all_parts, _full_line_matches(text, rules, warnings), strict=True):
        for m in part_matches:
            start = _skip(text, m.start(), m.end(), rules.indent)
            # The wording ends before the tail characters of the line.
            end = m.end()
            while end > start and (text[end - 1] in rules.tail or text[end - 1].isspace()):
                end -= 1
            cand = _make_candidate(text, lines, rules, part, start, end, "none", None)
            if cand is not None:
                found.setdefault((cand.start, part.rule_id), cand)
        # …均为0。存在的主要问题及改进情况⏎: a heading with no number glued to the
        # end of a paragraph, alone on the rest of its line (scored as inline).
        for m in finditer_guarded(part.glued_re, text, warnings=warnings, rule=part.rule_id):
            end = m.end()
            while end > m.start() and (text[end - 1] in rules.tail or text[end - 1].isspace()):
                end -= 1
            line_end = lines.bounds(m.start())[1]
            cand = _Candidate(part=part, start=m.start(), title_end=end, heading_end=end,
                              body_start=min(line_end + 1, len(text)), kind="inline", numbering="none", number=None)
            found.setdefault((cand.start, part.rule_id), cand)
    return sorted(found.values(), key=lambda c: c.start)


def _mark_context(text: str, rules: _Rules, cands: list[_Candidate]) -> list[_Candidate]:
    """Flag contents entries (no body before the next heading) and inline lists of titles."""
    out: list[_Candidate] = []
    for i, c in enumerate(cands):
        k = i + 1
        while k < len(cands) and cands[k].start < c.heading_end:
            k += 1
        nxt = cands[k] if k < len(cands) else None
        prev = cands[i - 1] if i > 0 else None
        body_end = nxt.start if nxt is not None else len(text)
        empty = _HAN.search(text, c.body_start, body_end) is None
        listed = False
        if c.kind == "inline":
            if nxt is not None and _is_list_gap(text, rules, c.title_end, nxt.start):
                listed = True
            if prev is not None and prev.title_end <= c.start and _is_list_gap(text, rules, prev.title_end, c.start):
                listed = True
        out.append(_replace(c, empty_body=empty, list_member=listed))
    return out


def _is_list_gap(text: str, rules: _Rules, a: int, b: int) -> bool:
    return 0 <= b - a <= 3 and all(ch in rules.list_between for ch in text[a:b])


def _replace(c: _Candidate, **changes: bool) -> _Candidate:
    values = {f: getattr(c, f) for f in _Candidate.__slots__}
    values.update(changes)
    return _Candidate(**values)


def _best_chain(cands: list[_Candidate]) -> list[_Candidate]:
    """One candidate per slot, increasing in offset and in slot order: most parts, best score, latest.

    A sweep over the candidates sorted by offset keeps, per slot, the best chain
    ending in a candidate whose heading is already closed: O(n log n).
    """
    std = [c for c in cands if c.part.slot in _SLOTS]
    if not std:
        return []
    slot_of = [_SLOTS.index(c.part.slot) for c in std]
    best: list[tuple[int, int, int]] = []
    back: list[int] = []
    closed: list[tuple[tuple[int, int, int], int] | None] = [None] * len(_SLOTS)
    pending: list[tuple[int, int]] = []  # (heading_end, index) not yet usable as a predecessor
    for i, c in enumerate(std):
        while pending and pending[0][0] <= c.start:
            _, j = heapq.heappop(pending)
            entry = closed[slot_of[j]]
            if entry is None or best[j] > entry[0]:
                closed[slot_of[j]] = (best[j], j)
        score, link = (1, c.quality, c.start), -1
        for entry in closed[: slot_of[i]]:
            if entry is not None:
                prev = entry[0]
                cand_score = (prev[0] + 1, prev[1] + c.quality, prev[2] + c.start)
                if cand_score > score:
                    score, link = cand_score, entry[1]
        best.append(score)
        back.append(link)
        heapq.heappush(pending, (c.heading_end, i))
    k = max(range(len(std)), key=lambda n: best[n])
    chain: list[_Candidate] = []
    while k >= 0:
        chain.append(std[k])
        k = back[k]
    return chain[::-1]


# ---------------------------------------------------------------- sections


def _report_end(text: str, rules: _Rules, floor: int) -> int:
    """End of the report body: trailing blank lines and page chrome are not report text."""
    end = len(text)
    while end > floor:
        line_start = text.rfind("\n", floor, end - 1) + 1 if end > 0 else 0
        line_start = max(line_start, floor)
        line = text[line_start:end]
        if not line.strip() or (rules.tail_chrome_re.search(line) and len(line.strip()) < 80):
            end = line_start
            continue
        break
    while end > floor and text[end - 1].isspace():
        end -= 1
    return end


def _subsections(text: str, rules: _Rules, start: int, end: int, warnings: list[str]) -> list[Subsection]:
    heads: list[tuple[int, int]] = []
    for m in finditer_guarded(rules.paren_line_re, text, start, end, warnings, "sections.subsection"):
        rest = m.group("rest")
        if "|" in rest or _TAB_DIGIT.search(rest) or rest.startswith("是"):
            continue
        stripped = rest.rstrip().rstrip(" \t\u3000*。：:；;")
        if not stripped or rules.table_row_re.match(stripped):
            continue
        if len(stripped) <= rules.max_line_title and not _SENTENCE_MARK.search(stripped):
            title_len = len(stripped)
        else:
            stop = _TITLE_STOP.search(rest)
            if stop is None or stop.start() > rules.max_inline_title or stop.start() == 0:
                continue
            title_len = stop.start()
        rest_start = m.start("rest")
        heads.append((m.start("num"), rest_start + title_len))
    subs: list[Subsection] = []
    for k, (a, b) in enumerate(heads):
        sub_end = heads[k + 1][0] if k + 1 < len(heads) else end
        subs.append(Subsection(heading=text[a:b].rstrip(), start=a, end=sub_end))
    return subs


def _sections_from_chain(
    text: str, rules: _Rules, chain: list[_Candidate], extras: list[_Candidate], warnings: list[str]
) -> list[Section]:
    report_end = _report_end(text, rules, chain[-1].body_start) if chain else len(text)
    bounds = [c.start for c in chain[1:]] + [max(report_end, chain[-1].body_start)]
    sections: list[Section] = []
    for c, end in zip(chain, bounds, strict=True):
        if c.part.slot == "measures" and sections and sections[-1].id == "problems":
            # 五、存在问题 + 六、改进措施: one problems section covering both parts.
            prev = sections.pop()
            subs = (
                *prev.subsections,
                Subsection(heading=text[c.start : c.heading_end], start=c.start, end=end),
                *_subsections(text, rules, c.body_start, end, warnings),
            )
            sections.append(
                Section(
                    id="problems",
                    heading=prev.heading,
                    start=prev.start,
                    end=end,
                    body_start=prev.body_start,
                    subsections=subs,
                )
            )
            continue
        section_id = c.part.section
        if section_id is None:
            continue
        sections.append(
            Section(
                id=section_id,
                heading=text[c.start : c.heading_end],
                start=c.start,
                end=end,
                body_start=c.body_start,
                subsections=tuple(_subsections(text, rules, c.body_start, end, warnings)),
            )
        )
    for x in extras:
        owner = next((s for s in reversed(sections) if s.start < x.start < s.end), None)
        if owner is not None:
            warnings.append(
                f"part with no counterpart among the six sections kept inside {owner.id}: "
                f"{text[x.start : x.heading_end]}"
            )
    return sections


def find_sections(text: str) -> Extraction[Section]:
    """Find the six standard sections of an annual disclosure report, in text order.

    Args:
        text: the normalised report text (raw text with web chrome works too).

    Returns:
        The sections found (ids ``overview`` … ``other``) with their headings,
        offsets and sub-heads, and warnings for missing or out-of-order parts,
        parts of older reports that have no counterpart, and for text that is
        not a report at all.
    """
    rules = _rules()
    warnings: list[str] = []
    cands = _find_candidates(text, rules, warnings)
    chain: list[_Candidate] = []
    # Parenthesised numbers head sections only in reports without top-level numbers.
    for allow_paren in (False, True):
        pool = [c for c in cands if allow_paren or c.numbering != "paren"]
        pool = _mark_context(text, rules, pool)
        found = _best_chain(pool)
        if len({c.part.section for c in found}) > len({c.part.section for c in chain}):
            chain = found
        if len({c.part.section for c in chain}) >= 3:
            break
    if len({c.part.section for c in chain}) < _MIN_SECTIONS:
        warnings.append("not an annual disclosure report: no standard sections found")
        return Extraction(items=(), warnings=tuple(warnings))
    chain = _add_out_of_order(text, rules, cands, chain, warnings)
    extras = [
        c
        for c in cands
        if c.part.section is None and c.kind in ("line_full", "line_prefix") and c.numbering == "top"
    ]
    sections = _sections_from_chain(text, rules, chain, extras, warnings)
    present = {s.id for s in sections}
    for section_id, title in _TITLES.items():
        if section_id not in present:
            warnings.append(f"section not found: {section_id} ({title})")
    return Extraction(items=tuple(sections), warnings=tuple(warnings))


def _add_out_of_order(
    text: str, rules: _Rules, cands: list[_Candidate], chain: list[_Candidate], warnings: list[str]
) -> list[_Candidate]:
    """A missing part that does have a clear heading elsewhere is out of order: keep it, say so."""
    have = {c.part.slot for c in chain}
    if "measures" in have:
        have.add("problems")
    added = list(chain)
    for slot in _SLOTS:
        if slot in have or slot == "measures":
            continue
        clear = [
            c
            for c in cands
            if c.part.slot == slot and c.kind == "line_full" and c.numbering == "top" and not c.empty_body
        ]
        if not clear:
            continue
        c = clear[-1]
        if any(d.start <= c.start < d.heading_end for d in added):
            continue
        before = [d for d in added if d.start < c.start]
        after_id = before[-1].part.section if before else None
        warnings.append(
            f"sections out of order: {slot} ({text[c.start : c.heading_end]}) comes after {after_id or 'the start'}"
        )
        added.append(c)
    return sorted(added, key=lambda d: d.start)


# ---------------------------------------------------------------- meta


def _issuer_of(prefix: str, rules: _Rules) -> str | None:
    prefix = prefix.strip(" \t\u3000*#《》“”\"")
    for stop in ("关于", "的"):
        if prefix.endswith(stop):
            prefix = prefix[: -len(stop)]
    if len(prefix) < 2 or not _HAN.match(prefix):
        return None
    # A bare suffix (政府, 人民政府) names no body.
    return prefix if any(prefix.endswith(s) and len(prefix) > len(s) for s in rules.issuer_suffixes) else None


def _year_of(token: str) -> int | None:
    digits = token.translate(_YEAR_DIGITS)
    return int(digits) if digits.isdigit() and 1990 <= int(digits) <= 2100 else None


def _prev_line(text: str, line_start: int) -> str:
    end = line_start - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip(" \t\u3000*#")
        if line:
            return line
        end = start - 1
    return ""


def _title_from(
    m: regex.Match[str], rule_id: str, text: str, offset: int, rules: _Rules
) -> tuple[str, str | None, int] | None:
    """(title, issuer, year) from one title match; ``offset`` maps the match back into ``text``."""
    year = _year_of(m.group("year"))
    if year is None:
        return None
    title = m.group("title").strip()
    issuer = _issuer_of(m.group("issuer"), rules)
    if not m.group("issuer").strip() and rule_id == "title.line":
        # Title split over two lines: the issuer line, then 2020年…报告.
        prev = _prev_line(text, offset + m.start("title"))
        prev_issuer = _issuer_of(prev, rules) if len(prev) <= 40 else None
        if prev_issuer is not None:
            issuer, title = prev_issuer, prev_issuer + title
    if issuer is None:
        # 2020年度某区人民政府政府信息公开工作年度报告: the issuer follows the year.
        after = regex.search(r"年度?(?P<issuer>\p{Han}{2,30}?)(?:政府信息公开|政务公开|信息公开)", title)
        if after is not None:
            issuer = _issuer_of(after.group("issuer"), rules)
    return title, issuer, year


def _find_title(
    text: str, head: str, rules: _Rules, warnings: list[str]
) -> tuple[str, str | None, int | None] | None:
    for rule_id, pattern in rules.title_res:
        for m in finditer_guarded(pattern, head, warnings=warnings, rule=rule_id):
            found = _title_from(m, rule_id, text, 0, rules)
            if found is not None:
                return found
        if rule_id == "title.line":
            # A title broken over two lines (…2020年政府信息公开 / 工作年度报告).
            lines = [ln.strip() for ln in head.splitlines()[:80] if ln.strip()]
            for a, b in zip(lines, lines[1:], strict=False):
                if len(a) + len(b) <= 60:
                    m = pattern.search(a + b)
                    found = _title_from(m, "title.joined", text, 0, rules) if m is not None else None
                    if found is not None:
                        return found
    return _yearless_title(head, rules)


# A title that names no year (…人民政府政府信息公开工作年度报告（2023年度） has one in
# brackets, which the patterns above read; this is for titles with none at all).
_YEARLESS_TITLE = regex.compile(
    r"^[ \t]*(?P<title>(?P<issuer>\p{Han}{2,30}?)(?:政府信息公开|政务公开|信息公开)\p{Han}{0,8}(?:报告|年报))[ \t]*$",
    regex.MULTILINE,
)


def _yearless_title(head: str, rules: _Rules) -> tuple[str, str | None, int | None] | None:
    """A short title line without a year: the year then comes from the 统计期限."""
    m = _YEARLESS_TITLE.search(head[:2000])
    if m is None:
        return None
    return m.group("title"), _issuer_of(m.group("issuer"), rules), None


def _signature_issuer(text: str, rules: _Rules) -> str | None:
    """The body named in the signature at the end of the report (a short line)."""
    lines = [ln.strip(" \t\u3000*") for ln in text[-600:].splitlines()]
    for line in reversed([ln for ln in lines if ln][-6:]):
        if len(line) <= 30:
            issuer = _issuer_of(line, rules)
            if issuer is not None:
                return issuer
    return None


def find_meta(text: str, sections: Sequence[Section]) -> tuple[Meta, list[str]]:
    """The report's title, issuing body and the year it covers.

    The title is a short line before the first section naming a year and ending
    in 报告/年报 (or two such lines, or the preamble's 特制定…报告); the issuer
    is the body named before the year in the title (else 由…编制, else the
    signature); the year is the title's, else the 统计期限 (…至2020年12月31日),
    never a publication date.

    Args:
        text: the normalised report text.
        sections: the sections from :func:`find_sections` (the title is looked
            for before the first one).

    Returns:
        The metadata (unknown fields are None) and warnings for what was not found.
    """
    rules = _rules()
    warnings: list[str] = []
    head = text[: sections[0].start] if sections else text[:3000]
    found = _find_title(text, head, rules, warnings)
    title, issuer, year = found if found is not None else (None, None, None)
    if issuer is None:
        by = regex.search(r"由(?P<issuer>\p{Han}{2,30}?)(?:负责)?(?:编制|编写|制定|发布|汇总)", head)
        if by is not None:
            issuer = _issuer_of(by.group("issuer"), rules)
    if issuer is None and sections:
        issuer = _signature_issuer(text[sections[-1].body_start : sections[-1].end], rules)
    if year is None:
        for rule_id, pattern in rules.year_res:
            region = text if rule_id == "year.period" else head
            m = next(iter(finditer_guarded(pattern, region, warnings=warnings, rule=rule_id)), None)
            year = _year_of(m.group("year")) if m is not None else None
            if year is not None:
                break
    if title is None:
        warnings.append("report title not found")
    if issuer is None:
        warnings.append("issuer not found")
    if year is None:
        warnings.append("year covered not found")
    return Meta(title=title, issuer=issuer, year=year), warnings


# ---------------------------------------------------------------- rule tests


def rule_fires(rule_id: str, text: str) -> bool:
    """Whether the rule ``rule_id`` of ``rules/sections.toml`` fires on ``text``."""
    rules = _rules()
    for part in (*rules.parts, *rules.extras):
        if part.rule_id == rule_id:
            cands = _mark_context(text, rules, _find_candidates(text, rules, []))
            return any(c.part.rule_id == rule_id and not c.list_member for c in cands)
    if rule_id == "tail.chrome":
        return rules.tail_chrome_re.search(text) is not None
    for rid, pattern in (*rules.title_res, *rules.year_res):
        if rid == rule_id:
            return pattern.search(text) is not None
    raise KeyError(f"rules/{RULE_FILE}: no rule {rule_id!r}")
