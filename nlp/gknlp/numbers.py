"""Numbers as written in the reports: Arabic, full-width and Chinese numerals.

:func:`parse_number` is a pure helper: the numeral part of a quantity as a
float (24万 → 240000, 一千二百 → 1200, 百分之九十八点五 → 98.5).
:func:`find_measures` finds numbers written with a unit or measure word and
their approximation words (余, 近, 约 …), with the units in
``rules/units.toml`` and the approximation words and decoys in
``rules/quantities.toml``. It is shared by the quantity and training
extractors (which never import each other); ``gknlp.facts.quantities`` is the
engine of both rule files.
"""

from __future__ import annotations

import bisect
import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import regex

from gknlp.model import Approx
from gknlp.rules import load_rule_file
from gknlp.text import AnyOf, finditer_guarded

# The numeral characters of Chinese numbers; 两 counts as 2, 〇/零 as 0.
CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
CN_SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNITS: dict[str, int] = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "".join(CN_BIG_UNITS)

# Arabic digits with thousands separators (1,234) or a decimal part (22.55).
_ARABIC = regex.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def parse_number(s: str) -> float | None:
    """The value of one numeral, or None when ``s`` is not a number.

    Arabic (with thousands commas, decimals, full-width digits), Chinese
    numerals, a trailing 万/亿 multiplier on either, and 百分之 (whose value is
    the percentage itself).

    >>> parse_number("1,234")
    1234.0
    >>> parse_number("22.55")
    22.55
    >>> parse_number("２２.５５万")
    225500.0
    >>> parse_number("一千二百"), parse_number("二十三"), parse_number("两千")
    (1200.0, 23.0, 2000.0)
    >>> parse_number("十"), parse_number("一百三十"), parse_number("百")
    (10.0, 130.0, 100.0)
    >>> parse_number("百分之九十八点五")
    98.5
    >>> parse_number("二〇二四"), parse_number("零")
    (2024.0, 0.0)
    >>> parse_number("3.2亿")
    320000000.0
    >>> parse_number("一万二千") , parse_number("十二万五千")
    (12000.0, 125000.0)
    >>> parse_number("条") is None, parse_number("") is None, parse_number("1.2.3") is None
    (True, True, True)
    """
    s = unicodedata.normalize("NFKC", s).strip().replace(" ", "")
    if s.startswith("百分之"):
        s = s[3:]
    if not s:
        return None
    multiplier = 1.0
    # A 万/亿 after Arabic digits multiplies them (24万, 3.2亿, 1.2万亿).
    while s and s[-1] in CN_BIG_UNITS and len(s) > 1 and (s[-2].isdigit() or s[-2] in CN_BIG_UNITS):
        multiplier *= CN_BIG_UNITS[s[-1]]
        s = s[:-1]
    if _ARABIC.match(s):
        return float(s.replace(",", "")) * multiplier
    value = parse_chinese_numeral(s)
    return None if value is None else value * multiplier


def parse_chinese_numeral(s: str) -> float | None:
    """The value of a Chinese numeral (一千二百, 二〇二四, 九十八点五), or None.

    >>> parse_chinese_numeral("三"), parse_chinese_numeral("十五"), parse_chinese_numeral("一百零五")
    (3.0, 15.0, 105.0)
    >>> parse_chinese_numeral("九十八点五")
    98.5
    >>> parse_chinese_numeral("一二三"), parse_chinese_numeral("三大") is None
    (123.0, True)
    """
    if not s:
        return None
    integer, _, decimals = s.partition("点")
    if not integer or any(c not in CN_NUMERAL_CHARS for c in integer):
        return None
    if decimals and any(c not in CN_DIGITS for c in decimals):
        return None
    if all(c in CN_DIGITS for c in integer):
        # Digit by digit (二〇二四, 一二三): no positional words at all.
        value = float("".join(str(CN_DIGITS[c]) for c in integer))
    else:
        parsed = _positional(integer)
        if parsed is None:
            return None
        value = float(parsed)
    if decimals:
        value += float("0." + "".join(str(CN_DIGITS[c]) for c in decimals))
    return value


def _positional(s: str) -> int | None:
    """一千二百 → 1200: digits times 十/百/千 within sections split by 万/亿."""
    total = 0
    section = 0
    digit: int | None = None
    for c in s:
        if c in CN_DIGITS:
            if digit is not None and CN_DIGITS[c] != 0 and digit != 0:
                return None  # two digits in a row inside a positional numeral
            digit = CN_DIGITS[c]
        elif c in CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * CN_SMALL_UNITS[c]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            big = CN_BIG_UNITS[c]
            if big == 100_000_000:
                total = (total + section) * big
            else:
                total += section * big
            section = 0
            digit = None
    section += digit or 0
    return total + section


# ---------------------------------------------------------------- measures

# Arabic digits (any script \d, thousands commas, decimals) with an optional
# 万/亿 multiplier, or a Chinese numeral; the engine checks what the regex cannot.
# Lengths are bounded so that a run of 100 000 digits costs linear time.
_ARABIC_IN_TEXT = r"(?:\d{1,3}(?:,\d{3}){1,5}(?!\d)|\d{1,15})(?:\.\d{1,8})?(?:[ ]?[万亿]{1,2})?"
_CHINESE_IN_TEXT = rf"[{CN_NUMERAL_CHARS}]{{1,12}}(?:点[零〇一二三四五六七八九]{{1,8}})?"
_NUMBER = rf"(?:{_ARABIC_IN_TEXT}|{_CHINESE_IN_TEXT})"
# A number that continues a longer token (0558-5555840, A3, 1.2.3) is no count.
_STOP_LEFT = regex.compile(r"[\d.A-Za-z．]")


@dataclass(frozen=True, slots=True)
class Unit:
    """One canonical unit of units.toml."""

    id: str
    canonical: str
    kind: str
    not_before: str
    duration_only: bool
    arabic_only: bool


@dataclass(frozen=True, slots=True)
class MeasureRules:
    """units.toml and quantities.toml, compiled."""

    pattern: regex.Pattern[str]
    units: dict[str, Unit]  # surface -> unit
    approx_words: dict[tuple[str, str], tuple[Approx, str]]  # (position, word) -> (approx, rule id)
    approx_not_after: dict[str, str]  # "before" word -> characters that make it part of another word
    # "after" word -> (unit kinds it may follow, or empty for any; characters after it that make it part of another word)
    approx_after_limits: dict[str, tuple[frozenset[str], str]]
    decoys: tuple[tuple[str, regex.Pattern[str]], ...]
    any_decoy: AnyOf  # one search tells whether any decoy can match a sentence
    year_before: regex.Pattern[str]
    year_after: regex.Pattern[str]
    cn_not_after: str
    cn_one_not_after: str


@dataclass(frozen=True, slots=True)
class Measure:
    """A number with its unit and approximation, where it was written.

    ``start``/``end`` span the qualifier words too (不低于4%, 24万余条);
    ``num_start`` is where the numeral itself begins.
    """

    start: int
    end: int
    num_start: int
    value: float
    value_max: float | None
    unit: Unit
    approx: Approx
    approx_rule: str | None


def _alternation(words: list[str]) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


@functools.cache
def measure_rules() -> MeasureRules:
    units_file = load_rule_file("units.toml")
    q_file = load_rule_file("quantities.toml")
    units: dict[str, Unit] = {}
    for entry in units_file.rules("unit"):
        unit = Unit(
            id=entry["id"],
            canonical=entry["canonical"],
            kind=entry.get("kind", "count"),
            not_before=entry.get("not_before", ""),
            duration_only=bool(entry.get("duration_only", False)),
            arabic_only=bool(entry.get("arabic_only", False)),
        )
        for surface in entry["surfaces"]:
            units[surface] = unit
    approx_words: dict[tuple[str, str], tuple[Approx, str]] = {}
    approx_not_after: dict[str, str] = {}
    approx_after_limits: dict[str, tuple[frozenset[str], str]] = {}
    by_position: dict[str, list[str]] = {"before": [], "middle": [], "after": []}
    for entry in q_file.rules("approx"):
        for word in entry["words"]:
            approx_words[(entry["position"], word)] = (cast(Approx, entry["approx"]), entry["id"])
            by_position[entry["position"]].append(word)
            if entry.get("not_after"):
                approx_not_after[word] = entry["not_after"]
            if entry["position"] == "after" and (entry.get("unit_kinds") or entry.get("not_before")):
                approx_after_limits[word] = (frozenset(entry.get("unit_kinds", [])), entry.get("not_before", ""))
    seps = _alternation(q_file.data.get("range_separators", ["至"]))
    pattern = regex.compile(
        rf"(?P<pre>{_alternation(by_position['before'])})?[ ]?"
        rf"(?:(?P<pct>百分之)(?P<pnum>{_NUMBER})"
        rf"|(?P<num>{_NUMBER})(?:[ ]?(?:{seps})[ ]?(?P<num2>{_NUMBER}))?"
        rf"(?P<mid>{_alternation(by_position['middle'])})?[ \u3000\xa0]{{0,2}}"
        rf"(?P<unit>{_alternation(list(units))}))"
        rf"(?P<post>{_alternation(by_position['after'])})?"
    )
    decoys = tuple((e["id"], regex.compile(e["pattern"])) for e in q_file.rules("not_quantity"))
    year = q_file.rules("duration_year")[0]
    return MeasureRules(
        pattern=pattern,
        units=units,
        approx_words=approx_words,
        approx_not_after=approx_not_after,
        approx_after_limits=approx_after_limits,
        decoys=decoys,
        any_decoy=AnyOf.of([p for _, p in decoys]),
        year_before=regex.compile(year["before_pattern"]),
        year_after=regex.compile(year["after_pattern"]),
        cn_not_after=q_file.data.get("numeral", {}).get("cn_not_after", ""),
        cn_one_not_after=q_file.data.get("numeral", {}).get("cn_one_not_after", ""),
    )


def find_measures(
    text: str, start: int, end: int, warnings: list[str] | None = None, *, keep_decoys: bool = False
) -> list[Measure]:
    """Numbers with a unit in ``text[start:end]`` (one sentence), decoys dropped.

    Decoys are numbers inside 《》 titles and the ``not_quantity`` patterns of
    quantities.toml (ordinals, set phrases, quoted slogans). A regex that times
    out adds a line to ``warnings``.

    >>> t = "主动发布政府信息24万余条"
    >>> [(m.value, m.unit.canonical, m.approx) for m in find_measures(t, 0, len(t))]
    [(240000.0, '条', 'lower_bound')]
    """
    warnings = [] if warnings is None else warnings
    if keep_decoys:  # for rule tests: what the decoy rules would drop
        return _find_all(text, start, end, warnings)
    # Most sentences hold no number with a unit: the decoy patterns run only
    # when there is a candidate to drop (warnings keep their order).
    found_warnings: list[str] = []
    found = _find_all(text, start, end, found_warnings)
    if not found:
        warnings.extend(found_warnings)
        return []
    masks = masked_spans(text, start, end, warnings)
    warnings.extend(found_warnings)
    return [c for c in found if not inside(c.num_start, masks)]


def find_measures_by_sentence(
    text: str, sentences: Sequence[tuple[int, int]], warnings: list[str] | None = None
) -> list[list[Measure]]:
    """:func:`find_measures` for each of ``sentences`` (spans in text order), with one scan for all.

    The number+unit pattern runs once from the first sentence to the last
    instead of once per sentence (each call has a fixed cost). Its elements
    never match sentence-ending punctuation or white space, so a match lies
    inside one sentence; one that does not, or that reaches a sentence's end
    (where a scan of that sentence alone would have stopped), sends its
    sentences back to a scan of their own.

    >>> t = "主动公开12条。培训3次"
    >>> [[m.value for m in ms] for ms in find_measures_by_sentence(t, [(0, 8), (8, 12)])]
    [[12.0], [3.0]]
    """
    warnings = [] if warnings is None else warnings
    if not sentences:
        return []
    rules = measure_rules()
    starts = [a for a, _ in sentences]
    matches: list[list[regex.Match[str]]] = [[] for _ in sentences]
    alone: set[int] = set()
    found_warnings: list[str] = []
    for m in finditer_guarded(rules.pattern, text, starts[0], sentences[-1][1], found_warnings, "quantity"):
        first = bisect.bisect_right(starts, m.start()) - 1
        last = bisect.bisect_right(starts, m.end() - 1) - 1
        if first == last and m.start() < sentences[first][1] and m.end() < sentences[first][1]:
            matches[first].append(m)
        else:
            alone.update(range(max(first, 0), last + 1))
    if found_warnings:  # a timeout: scan every sentence alone, as find_measures would
        alone = set(range(len(sentences)))
    out: list[list[Measure]] = []
    for i, (start, end) in enumerate(sentences):
        if i in alone:
            out.append(find_measures(text, start, end, warnings))
            continue
        found = [c for m in matches[i] if (c := _measure(text, m, rules, start)) is not None]
        if found:
            masks = masked_spans(text, start, end, warnings)
            found = [c for c in found if not inside(c.num_start, masks)]
        out.append(found)
    return out


_TITLE_MARKS = regex.compile("[《》]")


def masked_spans(text: str, start: int, end: int, warnings: list[str] | None = None) -> list[tuple[int, int]]:
    """Spans where no quantity may start: 《》 titles and the decoy patterns."""
    warnings = [] if warnings is None else warnings
    spans: list[tuple[int, int]] = []
    depth = 0
    opened = start
    # Only the title marks matter: visiting them alone beats a Python loop over every character.
    for mark in _TITLE_MARKS.finditer(text, start, end):
        i, c = mark.start(), mark.group()
        if c == "《":
            if depth == 0:
                opened = i
            depth += 1
        elif c == "》" and depth:
            depth -= 1
            if depth == 0:
                spans.append((opened, i + 1))
    rules = measure_rules()
    try:
        if not rules.any_decoy.search(text, start, end):
            return spans  # most sentences hold no decoy at all
    except TimeoutError:
        pass  # then each decoy runs under its own guard
    for rule_id, pattern in rules.decoys:
        spans.extend(
            (m.start(), m.end()) for m in finditer_guarded(pattern, text, start, end, warnings, rule_id)
        )
    return spans


def _find_all(text: str, start: int, end: int, warnings: list[str]) -> list[Measure]:
    """Every number+unit the regex finds, before the decoy checks."""
    rules = measure_rules()
    found: list[Measure] = []
    for m in finditer_guarded(rules.pattern, text, start, end, warnings, "quantity"):
        cand = _measure(text, m, rules, start)
        if cand is not None:
            found.append(cand)
    return found


def _measure(text: str, m: regex.Match[str], rules: MeasureRules, sentence_start: int) -> Measure | None:
    """Check one regex match and turn it into a candidate, or None."""
    if m.group("pct"):
        num_text, num_start = m.group("pnum"), m.start("pct")
        unit = rules.units["%"]
        unit_end = m.end("pnum")
        num2 = None
    else:
        num_text, num_start = m.group("num"), m.start("num")
        surface = m.group("unit")
        unit = rules.units[surface]
        unit_end = m.end("unit")
        num2 = m.group("num2")
        # 4.651万元: the regex gave 万 to the number; money keeps it in the unit.
        if unit.kind == "money" and surface == "元" and num_text[-1] in "万亿" and not num2:
            money = rules.units.get(num_text[-1] + "元")
            if money is not None:
                unit, num_text = money, num_text[:-1]
    if not num_text:
        return None  # 万元 alone: a unit with no number
    if num_start > sentence_start and _STOP_LEFT.search(text[num_start - 1]):
        return None  # the tail of a longer token: 0558-5555840, A3, 1.2.3
    before = text[num_start - 1] if num_start > 0 else ""
    if num_text[0] in CN_NUMERAL_CHARS and before and (
        before in CN_NUMERAL_CHARS
        or before in rules.cn_not_after
        or (num_text[0] == "一" and before in rules.cn_one_not_after)
    ):
        return None  # 统一, 之一, 逐一, 〇二四年: the numeral is part of a word or a longer numeral
    if num_text[0] in "百千万亿" and not m.group("pre") and not m.group("pct"):
        return None  # 百家, 万人: a bare 百/千 is a number only after 近/逾 (近百人); 百分之百 is 100%
    if num_text[0] in "万亿" or (num2 and num2[0] in "万亿"):
        return None
    if unit.not_before and unit_end < len(text) and text[unit_end] in unit.not_before:
        return None  # 条例, 人员, 名单: the unit character starts another word
    if unit.arabic_only and not num_text[0].isdigit():
        return None
    value = parse_number(num_text)
    if value is None:
        return None
    value_max = parse_number(num2) if num2 else None
    if num2 and value_max is None:
        return None
    if unit.duration_only and not _is_duration(text, num_text, num_start, unit_end, m, rules):
        return None
    pre = m.group("pre")
    if pre and m.start() > 0 and text[m.start() - 1] in rules.approx_not_after.get(pre, ""):
        pre = None  # 附近3个: 近 belongs to 附近
    post = m.group("post")
    end = m.end()
    if post and post in rules.approx_after_limits:
        kinds, not_before = rules.approx_after_limits[post]
        if (kinds and unit.kind not in kinds) or (end < len(text) and text[end] in not_before):
            post, end = None, m.start("post")  # 3条内容, 5家内资: 内 starts another word
    approx, approx_rule = _approx(m, rules, pre, post)
    start = m.start("pre") if pre else num_start
    return Measure(
        start=start,
        end=end,
        num_start=num_start,
        value=value,
        value_max=value_max,
        unit=unit,
        approx=approx,
        approx_rule=approx_rule,
    )


def _is_duration(text: str, num_text: str, num_start: int, unit_end: int, m: regex.Match[str], rules: MeasureRules) -> bool:
    """年 counts as a unit only for a duration (历时1年, 近3年来), never a date (2020年)."""
    value = parse_number(num_text)
    if value is None or (len(num_text) == 4 and 1900 <= value <= 2100) or value > 200:
        return False
    before = text[max(0, num_start - 6) : num_start]
    after = text[unit_end : unit_end + 4]
    return bool(rules.year_before.search(before) or rules.year_after.match(after))


def _approx(m: regex.Match[str], rules: MeasureRules, pre: str | None, post: str | None) -> tuple[Approx, str | None]:
    for position in ("pre", "mid", "post"):
        word = {"pre": pre, "mid": m.group("mid"), "post": post}[position]
        if word:
            key = {"pre": "before", "mid": "middle", "post": "after"}[position]
            approx, rule_id = rules.approx_words[(key, word)]
            return approx, rule_id
    return "exact", None




def inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` lies in one of the half-open ``spans``."""
    return any(a <= pos < b for a, b in spans)
