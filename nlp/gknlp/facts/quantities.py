"""Quantities: a number with a measure word or unit, in the narrative sections.

Numbers are found by :func:`gknlp.numbers.find_measures`, one regular
expression on the raw text of each sentence (never through tokens: jieba glues
24/万余条 and splits 22/./55), with the units of ``rules/units.toml`` and the
approximation words and decoys of ``rules/quantities.toml``; this module is the
engine of both files and adds the subject, read with the heuristics of
``rules/quantities.toml``. jieba is used only on the clause around a number,
to read the subject (what is counted).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import regex

from gknlp.model import Extraction, NarrativeSection, Quantity, Section, narrative_spans
from gknlp.numbers import Measure, find_measures, find_measures_by_sentence, inside, measure_rules
from gknlp.rules import load_rule_file
from gknlp.segment import cut_with_pos
from gknlp.text import sentence_spans

log = logging.getLogger(__name__)

# Clause boundaries for reading a subject (、 and brackets too: 其中概况4条).
_CLAUSE_BREAK = regex.compile(r"[，,；;：:、。！？!?（）()\[\]【】\n]")
_CLAUSE_BREAK_BACK = regex.compile(_CLAUSE_BREAK.pattern, regex.REVERSE)
_NOUN_POS = ("n", "vn", "nz", "nt", "ns", "nr", "j", "l", "zg", "eng")
# Compiled once: these run for every number found (regex.match(str) looks the pattern up each call).
_HAN_CHAR = regex.compile(r"\p{Han}")
_HAN_RUN = regex.compile(r"\p{Han}{1,8}")
_DE_PHRASE = regex.compile(r"[^，,；;。、（）()]{1,18}?的")


@dataclass(frozen=True, slots=True)
class _SubjectRules:
    lead: regex.Pattern[str]
    trail: regex.Pattern[str]
    cut: regex.Pattern[str]
    refer_back: frozenset[str]
    participant_verbs: frozenset[str]
    not_subject: frozenset[str]
    attributive_units: frozenset[str]


@functools.cache
def _subject_rules() -> _SubjectRules:
    subject: dict[str, Any] = load_rule_file("quantities.toml").data.get("subject", {})
    return _SubjectRules(
        lead=regex.compile(subject["lead_pattern"]),
        trail=regex.compile(subject["trail_pattern"]),
        cut=regex.compile(subject["cut_pattern"]),
        refer_back=frozenset(subject.get("refer_back", [])),
        participant_verbs=frozenset(subject.get("participant_verbs", [])),
        attributive_units=frozenset(subject.get("attributive_units", [])),
        not_subject=frozenset(subject.get("not_subject", [])),
    )


def extract_quantities(text: str, sections: Sequence[Section]) -> Extraction[Quantity]:
    """Every quantity in the overview and problems bodies, in text order.

    Args:
        text: the normalised report text.
        sections: the sections found in it (only overview and problems are read).

    Returns:
        The quantities and any warnings (a regex that timed out on a line).
    """
    warnings: list[str] = []
    items: list[Quantity] = []
    for section_id, start, end in narrative_spans(list(sections)):
        items.extend(_extract_span(text, start, end, section_id, warnings))
    return Extraction(tuple(items), tuple(warnings))


def extract_quantities_in(text: str, start: int, end: int, section: NarrativeSection) -> list[Quantity]:
    """The quantities in ``text[start:end]``, reported as lying in ``section``.

    >>> t = "主动发布政府信息24万余条"
    >>> [(q.text, q.value, q.unit, q.approx, q.subject) for q in extract_quantities_in(t, 0, len(t), "overview")]
    [('24万余条', 240000.0, '条', 'lower_bound', '主动发布政府信息')]
    """
    return _extract_span(text, start, end, section, [])


def rule_fires(rule_id: str, text: str) -> bool:
    """Whether the rule ``rule_id`` of units.toml or quantities.toml acts on ``text``.

    A unit fires when a quantity with that unit is found, an approximation
    word when it sets a quantity's approx, a decoy rule when it drops a
    number+unit that would otherwise be a quantity.
    """
    if rule_id.startswith("not."):
        pattern = dict(measure_rules().decoys)[rule_id]
        every = find_measures(text, 0, len(text), [], keep_decoys=True)
        masks = [(m.start(), m.end()) for m in pattern.finditer(text)]
        return any(inside(c.num_start, masks) for c in every)
    if rule_id.startswith("duration."):
        return any(q.unit == "年" for q in extract_quantities_in(text, 0, len(text), "overview"))
    found = find_measures(text, 0, len(text))
    if rule_id.startswith("approx."):
        return any(c.approx_rule == rule_id for c in found)
    return any(c.unit.id == rule_id for c in found)


def _extract_span(
    text: str, start: int, end: int, section: NarrativeSection, warnings: list[str]
) -> list[Quantity]:
    out: list[Quantity] = []
    sentences = sentence_spans(text, start, end)
    for (s_start, s_end), measures in zip(sentences, find_measures_by_sentence(text, sentences, warnings), strict=True):
        previous_subject: str | None = None
        previous_end = s_start
        for cand in measures:
            subject = _subject(text, cand, s_start, s_end, previous_end, previous_subject)
            out.append(
                Quantity(
                    text=text[cand.start : cand.end],
                    value=cand.value,
                    value_max=cand.value_max,
                    unit=cand.unit.canonical,
                    approx=cand.approx,
                    subject=subject,
                    section=section,
                    start=cand.start,
                    end=cand.end,
                    rule=cand.unit.id,
                )
            )
            previous_subject = subject
            previous_end = cand.end
    return out


def _clause_bounds(text: str, pos: int, s_start: int, s_end: int) -> tuple[int, int]:
    # The last break before ``pos``: one reverse search instead of a match per character.
    back = _CLAUSE_BREAK_BACK.search(text, s_start, pos)
    left = back.end() if back else s_start
    right = s_end
    m = _CLAUSE_BREAK.search(text, pos, s_end)
    if m:
        right = m.start()
    return left, right


def _subject(
    text: str,
    cand: Measure,
    s_start: int,
    s_end: int,
    previous_end: int,
    previous_subject: str | None,
) -> str | None:
    """What is counted: the noun phrase after an attributive number, else the clause before it."""
    rules = _subject_rules()
    left, right = _clause_bounds(text, cand.start, s_start, s_end)
    before = _trim_before(text[max(left, previous_end) : cand.start], rules)
    tail = text[cand.end : right]
    after = _noun_phrase_after(tail, rules)
    if after in rules.not_subject:
        after = ""
    if before in rules.refer_back and left > s_start and text[left - 1] in "(（":
        # X(占N%): the share is of X, written before the bracket
        if previous_subject and previous_end >= left - 1:
            return previous_subject
        outer_left, _ = _clause_bounds(text, left - 1, s_start, s_end)
        outer = _trim_before(text[max(outer_left, previous_end) : left - 1], rules)
        if len(outer) >= 2 and outer not in rules.refer_back:
            return outer
    if before in rules.refer_back and previous_subject:
        return previous_subject
    if after and cand.unit.kind == "time" and before:
        return f"{before}…{after}"
    if after and before and after[:2] in rules.participant_verbs and cand.unit.kind == "count":
        return f"{before}…{after}"  # 干部职工120余人参加培训: who is counted stands before
    if (
        after
        and len(before) >= 2
        and cand.unit.canonical not in rules.attributive_units
        and _post_nominal(text[max(left, previous_end) : cand.start], before, after)
    ):
        return before  # 收集意见建议32条涉及民生领域: the count follows its noun, a new predicate follows
    if after and cand.unit.kind not in ("money", "ratio"):
        return after
    if not after and cand.unit.kind == "count":
        # 等5件不符合上位法规定的文件: the counted noun closes a 的 phrase after the number
        phrase = _DE_PHRASE.match(tail)
        head = _noun_phrase_after(tail[phrase.end() :], rules) if phrase else ""
        if phrase and head:
            return tail[: phrase.end()] + head
    if len(before) >= 2:
        return before
    if after:
        return after
    if previous_subject and not before:
        return previous_subject
    # 7件申请均在…办结: the first content word right after the number
    first = _HAN_RUN.match(tail)
    if first:
        for word, pos in cut_with_pos(first.group()):
            if len(word) >= 2 and word not in rules.not_subject and not pos.startswith(("d", "p", "u", "c", "r")):
                return word
    return before or None


def _post_nominal(raw_before: str, before: str, after: str) -> bool:
    """Whether the number counts the noun before it (听取意见建议56条) and a verb phrase follows.

    明确了19个牵头单位 and 等12件涉企文件 are attributive: the noun comes after.
    """
    if raw_before.rstrip().endswith("等"):
        return False
    first = cut_with_pos(after)[:1]
    if not first or not first[0][1].startswith("v"):
        return False
    last = cut_with_pos(before)[-1:]
    return bool(last) and last[0][1].startswith(_NOUN_POS)


def _trim_before(s: str, rules: _SubjectRules) -> str:
    s = s.strip(" \u3000“”\"'")
    for _ in range(3):
        before = s
        s = rules.lead.sub("", s).strip(" \u3000")
        s = rules.trail.sub("", s).strip(" \u3000")
        if s == before:
            break  # a round that changes nothing would change nothing again
    cuts = list(rules.cut.finditer(s))
    if cuts and cuts[-1].end() < len(s):
        rest = s[cuts[-1].end() :]
        # 意见建议共听取: a verb alone after 共 leaves the counted noun in front of it
        if len(rest) > 6 or any(pos.startswith(_NOUN_POS) for _, pos in cut_with_pos(rest)):
            s = rest
        else:
            s = s[: cuts[-1].start()] + rest
    return s.strip(" \u3000“”\"'")


def _noun_phrase_after(s: str, rules: _SubjectRules) -> str:
    """The nouns right after the unit (19个牵头单位 → 牵头单位; 140余人参加 → 参加)."""
    s = s[:24]
    if not s or not _HAN_CHAR.match(s):
        return ""
    tokens = cut_with_pos(s)
    words: list[str] = []
    i = 0
    # one adverb or idiom may come first (24小时不间断监控)
    if tokens and tokens[0][1] in ("d", "l", "ad", "a") and len(tokens) > 1 and tokens[1][1].startswith(_NOUN_POS):
        i = 1
    while i < len(tokens):
        word, pos = tokens[i]
        nxt = tokens[i + 1][1] if i + 1 < len(tokens) else "x"
        if pos.startswith(_NOUN_POS) and _HAN_CHAR.match(word):
            words.append(word)
        elif pos.startswith("v") and nxt.startswith(_NOUN_POS) and not words:
            words.append(word)  # 牵头单位, 配合单位: a verb qualifying the noun
        elif not words and word in rules.participant_verbs:
            return word
        elif words and word in ("和", "及", "与", "、") and nxt.startswith(_NOUN_POS):
            words.append(word)  # 网站和公开栏抽查
        elif words and pos.startswith("v") and nxt == "x":
            words.append(word)  # a verb closing the clause names the activity counted
            break
        else:
            break
        i += 1
    return "".join(words)
