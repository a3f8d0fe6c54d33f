"""Problems and measures: split the problems section into its enumerated points.

The section body is cut in two — the problems, then the measures — by the
first of: block titles ((一)存在问题 / (二)改进措施, 下一步工作打算), a turn
sentence (针对上述问题… / 下一步… / 2021年，我市将…), a restarted enumeration
(一是…三是 then 一是 again), and as a last resort the cue words of each point.
Each part is then split at its outermost enumeration (一是, （一）, 1., ①,
首先…); a part with no enumeration is split into sentences and ；-parts, and
framing sentences (但与上级要求…还有一定差距 / 下步重点抓好以下工作) are
dropped. A measure whose first sentence is a short title gets it as its
``heading``. The markers, titles, turn and framing wordings are data in
``rules/points.toml``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import regex

from gknlp.errors import RuleFileError
from gknlp.model import Point, PointsExtraction, Section
from gknlp.rules import RuleFile, load_rule_file
from gknlp.text import REGEX_TIMEOUT_S, AnyOf, sentence_spans

log = logging.getLogger(__name__)

RULE_FILE = "points.toml"
MAX_SECTION_CHARS = 40_000
Kind = Literal["problems", "measures"]

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
# What may sit between a marker and its point (一是：, 1、, 3. 加强).
# (Whitespace of any kind is trimmed too: reports indent with U+2003 and U+3000.)
_AFTER_MARKER = "：:，,、.．"
# What a point does not end with.
_POINT_TAIL = "。；;，,：:、"
_SEMICOLON = regex.compile("[；;]")
_COMMA = regex.compile("[，,]")
# What ends a measure's title: 。！？：, a line break, or spaces between two
# Chinese characters (or before 《“).
_MEASURE_TITLE_END = regex.compile(r"[。！？!?\n：:]|(?<=[\u4e00-\u9fff])[ \t\u3000]+(?=[\u4e00-\u9fff《“])")


@dataclass(frozen=True, slots=True)
class _MarkerRule:
    id: str
    family: str
    pattern: regex.Pattern[str]
    words: dict[str, int]
    implicit_first: bool


@dataclass(frozen=True, slots=True)
class _Rules:
    markers: tuple[_MarkerRule, ...]
    blocks: tuple[tuple[str, Kind, regex.Pattern[str]], ...]
    turns: tuple[tuple[str, regex.Pattern[str]], ...]
    framing: tuple[tuple[str, regex.Pattern[str]], ...]
    problem_cues: tuple[regex.Pattern[str], ...]
    measure_cues: tuple[regex.Pattern[str], ...]
    heading_max_chars: int
    heading_min_body_chars: int
    min_point_chars: int
    lead_pattern: regex.Pattern[str]
    by_id: dict[str, regex.Pattern[str]]
    any_marker: AnyOf
    any_block: AnyOf
    any_turn: AnyOf
    any_framing: AnyOf
    any_cue: AnyOf


@dataclass(frozen=True, slots=True)
class _Mark:
    family: str
    rule: str
    ordinal: int  # 0: continues any list (最后)
    start: int
    end: int


# The marks found in a span of the section being split: (start, end) → marks.
_Memo = dict[tuple[int, int], list[_Mark]]


@dataclass(frozen=True, slots=True)
class _Raw:
    start: int
    end: int
    rule: str


def _compile(file: str, rule_id: str, pattern: Any) -> regex.Pattern[str]:
    if not isinstance(pattern, str):
        raise RuleFileError(f"rules/{file}: {rule_id}: 'pattern' must be a string")
    return regex.compile(pattern)


@functools.cache
def load_rules() -> _Rules:
    """Load and check ``rules/points.toml`` once; bad content raises :class:`RuleFileError`."""
    return build_rules(load_rule_file(RULE_FILE))


def build_rules(rf: RuleFile) -> _Rules:
    """Check and compile a parsed points rule file; bad content raises :class:`RuleFileError`."""
    markers = []
    for r in rf.rules("marker"):
        family = r.get("family")
        if not isinstance(family, str) or not family:
            raise RuleFileError(f"rules/{rf.name}: {r['id']}: 'family' must be a non-empty string")
        pattern = _compile(rf.name, r["id"], r.get("pattern"))
        if "n" not in pattern.groupindex:
            raise RuleFileError(f"rules/{rf.name}: {r['id']}: pattern needs a group 'n' (the ordinal)")
        words = r.get("words", {})
        if not isinstance(words, dict) or not all(isinstance(v, int) for v in words.values()):
            raise RuleFileError(f"rules/{rf.name}: {r['id']}: 'words' must map words to ordinals")
        markers.append(_MarkerRule(r["id"], family, pattern, dict(words), bool(r.get("implicit_first", False))))
    blocks: list[tuple[str, Kind, regex.Pattern[str]]] = []
    for r in rf.rules("block"):
        kind = r.get("kind")
        if kind not in ("problems", "measures"):
            raise RuleFileError(f"rules/{rf.name}: {r['id']}: 'kind' must be problems or measures")
        blocks.append((r["id"], kind, _compile(rf.name, r["id"], r.get("pattern"))))
    cues: dict[str, list[regex.Pattern[str]]] = {"problems": [], "measures": []}
    for r in rf.rules("cue"):
        if r.get("kind") not in cues:
            raise RuleFileError(f"rules/{rf.name}: {r['id']}: 'kind' must be problems or measures")
        cues[r["kind"]].append(_compile(rf.name, r["id"], r.get("pattern")))
    heading = rf.data.get("heading", {})
    split = rf.data.get("split", {})
    try:
        max_chars, min_body, min_point = (
            int(heading["max_chars"]),
            int(heading["min_body_chars"]),
            int(split["min_point_chars"]),
        )
    except (KeyError, TypeError, ValueError):
        raise RuleFileError(
            f"rules/{rf.name}: [heading] max_chars/min_body_chars and [split] min_point_chars must be integers"
        ) from None
    by_id = {r["id"]: _compile(rf.name, r["id"], r.get("pattern")) for r in rf.all_rules()}
    turns = tuple((r["id"], _compile(rf.name, r["id"], r.get("pattern"))) for r in rf.rules("turn"))
    framing = tuple((r["id"], _compile(rf.name, r["id"], r.get("pattern"))) for r in rf.rules("framing"))
    return _Rules(
        markers=tuple(markers),
        blocks=tuple(blocks),
        turns=turns,
        framing=framing,
        problem_cues=tuple(cues["problems"]),
        measure_cues=tuple(cues["measures"]),
        heading_max_chars=max_chars,
        heading_min_body_chars=min_body,
        min_point_chars=min_point,
        lead_pattern=_compile(rf.name, "split.lead_pattern", split.get("lead_pattern")),
        by_id=by_id,
        any_marker=AnyOf.of([m.pattern for m in markers]),
        any_block=AnyOf.of([b[2] for b in blocks]),
        any_turn=AnyOf.of([t[1] for t in turns]),
        any_framing=AnyOf.of([f[1] for f in framing]),
        any_cue=AnyOf.of([*cues["problems"], *cues["measures"]]),
    )


def rule_fires(rule_id: str, text: str) -> bool:
    """Whether the rule ``rule_id`` of ``rules/points.toml`` fires on ``text`` (for the rule examples test)."""
    return load_rules().by_id[rule_id].search(text) is not None


# ---------------------------------------------------------------- public API


def extract_points(text: str, sections: Sequence[Section]) -> PointsExtraction:
    """The problem points and measure points of the report's problems section.

    Args:
        text: the normalised report text the section offsets refer to.
        sections: the report's sections; at most one has id ``problems``
            (a split 五、存在问题 / 六、改进措施 is one section).

    Returns:
        The points with offsets into ``text``; no problems section gives an
        empty result without a warning.
    """
    section = next((s for s in sections if s.id == "problems"), None)
    if section is None:
        return PointsExtraction((), ())
    return extract_points_in(text, section.body_start, section.end)


def extract_points_in(text: str, start: int, end: int) -> PointsExtraction:
    """The problem and measure points of the span ``text[start:end]`` (a problems section body).

    Every point has ``text == text[point.start:point.end]``; odd text yields no
    points and a warning, never an exception.
    """
    start, end = max(0, start), min(len(text), end)
    if start >= end or not text[start:end].strip():
        return PointsExtraction((), (), ("problems section: empty",))
    rules = load_rules()
    warnings: list[str] = []
    if end - start > MAX_SECTION_CHARS:
        # A real problems section is a few thousand characters; a longer one
        # means the section finder failed, and the list logic is quadratic.
        warnings.append(f"problems section: {end - start} characters, only the first {MAX_SECTION_CHARS} read")
        end = start + MAX_SECTION_CHARS
    try:
        problem_raw, measure_raw = _split_section(text, start, end, rules, warnings)
    except TimeoutError:
        return PointsExtraction((), (), ("problems section: a rule timed out; no points",))
    problems = tuple(_point(text, r, "problems", rules) for r in problem_raw)
    measures = tuple(_point(text, r, "measures", rules) for r in measure_raw)
    if not problems and not measures:
        warnings.append("problems section: could not split into points")
    elif not problems:
        warnings.append("problems section: no problems found")
    elif not measures:
        warnings.append("problems section: no measures found")
    return PointsExtraction(problems, measures, tuple(warnings))


# ---------------------------------------------------------------- parts


def _split_section(text: str, start: int, end: int, rules: _Rules, warnings: list[str]) -> tuple[list[_Raw], list[_Raw]]:
    """Cut the section into its problems part and measures part, then each into points."""
    memo: _Memo = {}
    blocks = _block_titles(text, start, end, rules)
    problem_block = next((b for b in blocks if b[0] == "problems"), None)
    measure_block = next((b for b in blocks if b[0] == "measures" and (problem_block is None or b[1] > problem_block[1])), None)
    if measure_block is not None:
        p_start = problem_block[2] if problem_block is not None and problem_block[1] < measure_block[1] else start
        return (_raw_points(text, p_start, measure_block[1], rules, memo),
                _raw_points(text, measure_block[2], end, rules, memo))
    p_start = problem_block[2] if problem_block is not None else start
    turn = _find_turn(text, p_start, end, rules, memo)
    if turn is None:
        turn = _find_restart(text, p_start, end, rules, memo)
    if turn is not None:
        return _raw_points(text, p_start, turn, rules, memo), _raw_points(text, turn, end, rules, memo)
    points = _raw_points(text, p_start, end, rules, memo)
    if problem_block is not None:
        return points, []
    turn = _prose_then_list(text, p_start, end, points, rules, memo)
    if turn is not None:
        return _raw_points(text, p_start, turn, rules, memo), _raw_points(text, turn, end, rules, memo)
    # No title, turn or restart: weigh each point's words.
    k = _best_split(text, points, rules)
    if 0 < k < len(points):
        warnings.append("problems section: problems and measures told apart by cue words only")
    return points[:k], points[k:]


def _block_titles(text: str, start: int, end: int, rules: _Rules) -> list[tuple[Kind, int, int]]:
    """(kind, title start, content start) of each block title line, in text order."""
    sub = text[start:end]
    found: list[tuple[Kind, int, int]] = []
    if not rules.any_block.search(sub):  # a section seldom has block titles
        return found
    for _, kind, pattern in rules.blocks:
        for m in pattern.finditer(sub, timeout=REGEX_TIMEOUT_S):
            found.append((kind, start + m.start(), start + m.end()))
    return sorted(found, key=lambda b: b[1])


def _find_turn(text: str, start: int, end: int, rules: _Rules, memo: _Memo) -> int | None:
    """Start of the first sentence that turns from problems to measures, if any."""
    for s, e in sentence_spans(text, start, end):
        sentence = text[s:e]
        # (A mark at the sentence start needs a marker pattern matching there.)
        if rules.any_marker.match(sentence):
            here = _marks(text, s, e, rules, memo)
            if here and here[0].start == s:
                continue  # a numbered point is not a turn sentence
        if not rules.any_turn.search(sentence):
            continue
        chain = _outer_chain(_marks(text, start, s, rules, memo))
        if chain and _continues(chain, _marks(text, s, end, rules, memo)):
            continue  # the problems' list goes on after it: a sentence inside a point
        return s
    return None


def _continues(chain: list[_Mark], later: list[_Mark]) -> bool:
    """Whether a later mark of the chain's family carries on its numbering."""
    expected = chain[-1].ordinal + 1
    for m in later:
        if m.family != chain[0].family:
            continue
        if m.ordinal == 1:
            return False
        if m.ordinal == expected:
            return True
    return False


def _find_restart(text: str, start: int, end: int, rules: _Rules, memo: _Memo) -> int | None:
    """Start of the paragraph where a second list begins after the first one."""
    marks = _marks(text, start, end, rules, memo)
    first = _outer_chain(marks)
    if not first:
        return None
    after = _para_end(text, first[-1].start, end)
    second = _outer_chain([m for m in marks if m.start >= after])
    if not second:
        return None
    if second[0].family != first[0].family and (_at_line_start(text, start, first[0]) or not _at_line_start(text, start, second[0])):
        return None  # a sub-list inside the last point, not a new list
    return _para_start(text, second[0].start, start)


def _prose_then_list(text: str, start: int, end: int, points: list[_Raw], rules: _Rules, memo: _Memo) -> int | None:
    """Where a list of measures starts after problems told in prose (…不够及时。 / （一）加强…)."""
    chain = _outer_chain(_marks(text, start, end, rules, memo))
    if not chain or not _at_line_start(text, start, chain[0]):
        return None
    if not _prose_points(text, start, chain[0].start, rules):
        return None  # only a framing intro before the list
    if _best_split(text, points, rules) != 0:
        return None  # the list holds problems
    return chain[0].start


def _best_split(text: str, points: list[_Raw], rules: _Rules) -> int:
    """The index that best separates problem-like points from measure-like ones."""
    problem_like = []
    measure_like = []
    for p in points:
        body = text[p.start : p.end]
        is_measure = any(c.search(body, timeout=REGEX_TIMEOUT_S) for c in rules.measure_cues)
        measure_like.append(is_measure)
        problem_like.append(not is_measure and any(c.search(body, timeout=REGEX_TIMEOUT_S) for c in rules.problem_cues))
    # Score of cutting at k: problem-like points before k + measure-like ones from k.
    # Ties go to the later cut: a section called 存在的主要问题 holds problems first.
    best_k, best = len(points), -1
    before, after = sum(problem_like), 0
    for k in range(len(points), -1, -1):
        if before + after > best:
            best_k, best = k, before + after
        if k > 0:
            before -= problem_like[k - 1]
            after += measure_like[k - 1]
    return best_k


# ---------------------------------------------------------------- markers


def _ordinal(value: str, words: dict[str, int]) -> int | None:
    if value in words:
        return words[value]
    if value.isascii() and value.isdigit():  # "①".isdigit() is True too
        return int(value)
    if len(value) == 1 and value in _CIRCLED:
        return _CIRCLED.index(value) + 1
    if value and all(c in _CN_DIGITS or c == "十" for c in value):
        if value[0] == "十":
            return 10 + (_CN_DIGITS[value[1]] if len(value) > 1 else 0)
        return _CN_DIGITS.get(value)
    return None


def _marks(text: str, start: int, end: int, rules: _Rules, memo: _Memo) -> list[_Mark]:
    """Every enumeration marker in ``text[start:end]``, in text order.

    Kept in ``memo`` by span (read only): splitting a section asks for the
    same span up to three times, and each asks every marker rule.
    """
    if (start, end) in memo:
        return memo[(start, end)]
    sub = text[start:end]
    found: list[_Mark] = []
    for rule in rules.markers:
        for m in rule.pattern.finditer(sub, timeout=REGEX_TIMEOUT_S):
            ordinal = _ordinal(m.group("n"), rule.words)
            if ordinal is not None:
                found.append(_Mark(rule.family, rule.id, ordinal, start + m.start(), start + m.end()))
    found.sort(key=lambda m: (m.start, -m.end))
    memo[(start, end)] = found
    return found


def _family_chains(marks: list[_Mark], implicit_first: bool) -> list[list[_Mark]]:
    """Consecutive runs 1,2,3… (or 2,3… when the first marker may be left out) of one family."""
    chains: list[list[_Mark]] = []
    last_at = {m.ordinal: k for k, m in enumerate(marks)}  # last index of each ordinal
    i = 0
    while i < len(marks):
        head = marks[i]
        if head.ordinal != 1 and not (implicit_first and head.ordinal == 2):
            i += 1
            continue
        chain = [head]
        expected = head.ordinal + 1
        j = i + 1
        while j < len(marks):
            m = marks[j]
            if m.ordinal == expected or (m.ordinal == 0 and len(chain) >= 2) or (m.ordinal == -1 and len(chain) >= 3):
                chain.append(m)
                expected += 1
            elif m.ordinal == 1 and last_at.get(expected, -1) < j:
                break  # a new list; had the outer list resumed, this was a list nested in a point
            j += 1
        chains.append(chain)
        i = j
    return chains


def _outer_chain(marks: list[_Mark]) -> list[_Mark]:
    """The outermost list: of the lists of two or more points, the one that starts first."""
    implicit = {r.family for r in load_rules().markers if r.implicit_first}
    best: list[_Mark] = []
    single: list[_Mark] = []
    for family in dict.fromkeys(m.family for m in marks):
        chains = _family_chains([m for m in marks if m.family == family], family in implicit)
        long = next((c for c in chains if len(c) >= 2), None)
        if long is not None and (not best or long[0].start < best[0].start):
            best = long
        short = next((c for c in chains if c[0].ordinal == 1), None)
        if short is not None and (not single or short[0].start < single[0].start):
            single = short[:1]
    return best or single


# ---------------------------------------------------------------- points


def _raw_points(text: str, start: int, end: int, rules: _Rules, memo: _Memo) -> list[_Raw]:
    """The points of one part: at its outermost list, else its prose sentences."""
    if start >= end:
        return []
    chain = _outer_chain(_marks(text, start, end, rules, memo))
    if not chain:
        return _prose_points(text, start, end, rules)
    points: list[_Raw] = []
    if chain[0].ordinal == 2:
        implicit = _implicit_first(text, start, chain[0], rules)
        if implicit is not None:
            points.append(implicit)
    line_start = all(_at_line_start(text, start, m) for m in chain)
    paragraphs: list[int] = []
    for i, m in enumerate(chain):
        if i + 1 < len(chain):
            p_end = chain[i + 1].start
            paragraphs.append(_count_paragraphs(text, m.end, p_end))
        elif line_start:
            p_end = _nth_para_end(text, m.end, end, max(paragraphs, default=1 << 20))
        else:
            p_end = _para_end(text, m.start, end)
        raw = _trimmed(text, m.end, p_end, m.rule)
        if raw is not None:
            points.append(raw)
    return points


def _implicit_first(text: str, start: int, mark: _Mark, rules: _Rules) -> _Raw | None:
    """The unnumbered first point before 二是 (…还存在一些问题：A；二是B)."""
    stop = mark.start
    while stop > start and (text[stop - 1].isspace() or text[stop - 1] in _POINT_TAIL):
        stop -= 1
    begin = max((text.rfind(c, start, stop) for c in "：:。！？\n"), default=-1) + 1
    begin = max(begin, start)
    raw = _trimmed(text, begin, stop, mark.rule + ".implicit")
    if raw is None or _is_framing(text, raw.start, raw.end, rules):
        return None
    return raw


def _prose_points(text: str, start: int, end: int, rules: _Rules) -> list[_Raw]:
    """Points of unnumbered prose: each non-framing sentence, split at ；."""
    points: list[_Raw] = []
    for s, e in sentence_spans(text, start, end):
        colon = min((i for i in (text.find("：", s, e), text.find(":", s, e)) if i >= 0), default=-1)
        if colon >= 0 and (colon + 1 >= e or _is_framing(text, s, colon, rules) or _intro_colon(text[s:colon])):
            s = colon + 1
        parts = _split_semicolons(text, s, e)
        rule = "prose.semicolon" if len(parts) > 1 else "prose.sentence"
        for a, b in parts:
            first = _first_content_clause(text, a, b, rules)
            if first is None:
                continue
            lead = rules.lead_pattern.match(text[first:b], timeout=REGEX_TIMEOUT_S)
            a = first + lead.end() if lead is not None else first
            raw = _trimmed(text, a, b, rule)
            if raw is not None and raw.end - raw.start >= rules.min_point_chars:
                points.append(raw)
    return points


def _intro_colon(prefix: str) -> bool:
    """A clause before ： that announces a list (…主要表现在 / …以下工作)."""
    return any(w in prefix for w in ("问题", "不足", "表现", "如下", "以下", "方面", "几点", "主要有", "包括"))


def _split_semicolons(text: str, start: int, end: int) -> list[tuple[int, int]]:
    parts: list[tuple[int, int]] = []
    pos = start
    for m in _SEMICOLON.finditer(text, start, end):
        parts.append((pos, m.start()))
        pos = m.end()
    parts.append((pos, end))
    return [(a, b) for a, b in parts if text[a:b].strip()]


def _is_framing_clause(clause: str, rules: _Rules) -> bool:
    if rules.any_framing.search(clause):
        return True
    if rules.any_turn.search(clause):
        for _, pattern in rules.turns:
            m = pattern.search(clause, timeout=REGEX_TIMEOUT_S)
            # 针对上述问题 / 下一步 frame; 我县将进一步加强解读 says what will be done.
            if m is not None and len(clause) - m.end() <= 2:
                return True
    # A short connective clause with nothing to say (从实践中看, 我们将).
    return len(clause) <= 6 and not rules.any_cue.search(clause)


def _first_content_clause(text: str, start: int, end: int, rules: _Rules) -> int | None:
    """Where the content of a prose point starts, after its framing clauses (None: all framing)."""
    # Clauses at ，only: 、 joins the nouns of one clause (深度、广度有待拓展).
    pos = start
    for i in (*(m.start() for m in _COMMA.finditer(text, start, end)), end):
        # the sentence's own final mark is not part of the clause (…仍有不足。 ends like …仍有不足)
        clause = text[pos:i].strip().rstrip("。！？!?；;")
        if clause and not _is_framing_clause(clause, rules):
            return pos + len(text[pos:i]) - len(text[pos:i].lstrip())
        pos = i + 1
    return None


def _is_framing(text: str, start: int, end: int, rules: _Rules) -> bool:
    return _first_content_clause(text, start, end, rules) is None


def _trimmed(text: str, start: int, end: int, rule: str) -> _Raw | None:
    while start < end and (text[start].isspace() or text[start] in _AFTER_MARKER):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _POINT_TAIL):
        end -= 1
    return _Raw(start, end, rule) if start < end else None


def _at_line_start(text: str, floor: int, mark: _Mark) -> bool:
    i = mark.start
    while i > floor and text[i - 1].isspace() and text[i - 1] != "\n":
        i -= 1
    return i == floor or text[i - 1] == "\n"


def _para_start(text: str, pos: int, floor: int) -> int:
    return max(text.rfind("\n", floor, pos) + 1, floor)


def _para_end(text: str, pos: int, end: int) -> int:
    i = text.find("\n", pos, end)
    return end if i < 0 else i


def _count_paragraphs(text: str, start: int, end: int) -> int:
    return max(1, sum(1 for line in text[start:end].split("\n") if line.strip()))


def _nth_para_end(text: str, start: int, end: int, n: int) -> int:
    """End of the ``n``-th non-empty line from ``start`` (or ``end``)."""
    seen = 0
    pos = start
    while pos < end:
        stop = _para_end(text, pos, end)
        if text[pos:stop].strip():
            seen += 1
            if seen >= n:
                return stop
        pos = stop + 1
    return end


# ---------------------------------------------------------------- headings


def _point(text: str, raw: _Raw, kind: Kind, rules: _Rules) -> Point:
    """A Point, with its short title split off as ``heading`` when it has one."""
    split = _heading_split(text, raw, kind, rules)
    if split is None:
        return Point(text=text[raw.start : raw.end], heading=None, start=raw.start, end=raw.end, rule=raw.rule)
    heading, body_start = split
    return Point(text=text[body_start : raw.end], heading=heading, start=body_start, end=raw.end, rule=raw.rule)


def _title_end(text: str, start: int, end: int, kind: Kind) -> int:
    """Index of the character that ends a point's first sentence (-1: none).

    A problem is headed only by a title on its own line. A measure's title
    may also end in 。 or ：, or in a space between two Chinese characters
    (a title whose line break was lost: 加强载体建设 加强网站管理…).
    """
    if kind != "measures":
        return text.find("\n", start, end)
    # On the point's own text: a space at its very start follows no character.
    m = _MEASURE_TITLE_END.search(text[start:end])
    return -1 if m is None else start + m.start()


def _heading_split(text: str, raw: _Raw, kind: Kind, rules: _Rules) -> tuple[str, int] | None:
    """(heading, body start) when the point opens with a short title sentence."""
    stop = _title_end(text, raw.start, raw.end, kind)
    if stop < 0:
        return None
    heading = text[raw.start : stop].strip().rstrip("。").strip()
    if not heading or len(heading) > rules.heading_max_chars or any(c in heading for c in "；;"):
        return None
    body = stop + 1
    while body < raw.end and (text[body].isspace() or text[body] in _POINT_TAIL):
        body += 1
    if raw.end - body < rules.heading_min_body_chars:
        return None
    return heading, body
