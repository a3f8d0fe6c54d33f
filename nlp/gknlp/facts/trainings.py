"""Trainings: reported training activities with their sessions and attendees.

A training item is a sentence of the overview or problems body that names a
training activity (a cue of ``rules/trainings.toml``: 培训, 培训班, 以会代训,
专题辅导, 业务讲座 …) and gives how many sessions (次/期/场/班 …) or how many
attendees (人/人次/名). A training only mentioned, or planned in a commitment
sentence (下一步将加强培训), gives no item. The counts are found by
:func:`gknlp.numbers.find_measures`, the same finder the quantities use, so a
training's numbers are also quantities.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from gknlp.model import Extraction, NarrativeSection, Section, Training, narrative_spans
from gknlp.numbers import Measure, find_measures, inside
from gknlp.rules import load_rule_file
from gknlp.text import clause_spans, finditer_guarded, sentence_spans

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Rules:
    cues: tuple[tuple[str, regex.Pattern[str]], ...]
    vetoes: tuple[tuple[str, regex.Pattern[str]], ...]
    masks: tuple[tuple[str, regex.Pattern[str]], ...]
    session_units: frozenset[str]
    attendee_units: frozenset[str]
    topic_verb: regex.Pattern[str]
    topic_drop: regex.Pattern[str]
    problems_require: regex.Pattern[str]


@functools.cache
def _rules() -> _Rules:
    rule_file = load_rule_file("trainings.toml")
    topic = rule_file.data.get("topic", {})
    return _Rules(
        cues=tuple((r["id"], regex.compile(r["pattern"])) for r in rule_file.rules("cue")),
        vetoes=tuple(
            (r["id"], regex.compile(r["pattern"])) for r in rule_file.rules("not_training") if r.get("kind") == "veto"
        ),
        masks=tuple(
            (r["id"], regex.compile(r["pattern"])) for r in rule_file.rules("not_training") if r.get("kind") == "mask"
        ),
        session_units=frozenset(rule_file.data.get("session_units", [])),
        attendee_units=frozenset(rule_file.data.get("attendee_units", [])),
        topic_verb=regex.compile(topic.get("verb_pattern", "(?!)")),
        topic_drop=regex.compile(topic.get("drop_pattern", "(?!)")),
        problems_require=regex.compile(rule_file.data.get("problems", {}).get("require_pattern", "")),
    )


def extract_trainings(text: str, sections: Sequence[Section]) -> Extraction[Training]:
    """Every reported training in the overview and problems bodies, in text order.

    Args:
        text: the normalised report text.
        sections: the sections found in it (only overview and problems are read).

    Returns:
        The trainings and any warnings (a regex that timed out on a line).
    """
    warnings: list[str] = []
    items: list[Training] = []
    for section_id, start, end in narrative_spans(list(sections)):
        items.extend(_extract_span(text, start, end, section_id, warnings))
    return Extraction(tuple(items), tuple(warnings))


def extract_trainings_in(text: str, start: int, end: int, section: NarrativeSection) -> list[Training]:
    """The trainings in ``text[start:end]``, reported as lying in ``section``.

    >>> t = "组织召开政务公开工作业务培训会议，共计140余人参加。"
    >>> [(x.sessions, x.attendees, x.attendees_approx, x.topic) for x in extract_trainings_in(t, 0, len(t), "overview")]
    [(None, 140.0, 'lower_bound', '政务公开工作业务')]
    """
    return _extract_span(text, start, end, section, [])


def rule_fires(rule_id: str, text: str) -> bool:
    """Whether the rule ``rule_id`` of trainings.toml acts on ``text``.

    A cue fires when a training item is found; a ``not_training`` rule fires
    when it is what stops a sentence with a cue and a count from being one.
    """
    rules = _rules()
    found = extract_trainings_in(text, 0, len(text), "overview")
    if any(rule_id == r for r, _ in rules.cues):
        return any(t.rule == rule_id for t in found)
    pattern = dict((*rules.vetoes, *rules.masks))[rule_id]
    if found or not pattern.search(text):
        return False
    # the sentence would be a training without this rule
    without = _Rules(
        cues=rules.cues,
        vetoes=tuple((r, p) for r, p in rules.vetoes if r != rule_id),
        masks=tuple((r, p) for r, p in rules.masks if r != rule_id),
        session_units=rules.session_units,
        attendee_units=rules.attendee_units,
        topic_verb=rules.topic_verb,
        topic_drop=rules.topic_drop,
        problems_require=rules.problems_require,
    )
    return bool(_extract_span(text, 0, len(text), "overview", [], without))


def _extract_span(
    text: str,
    start: int,
    end: int,
    section: NarrativeSection,
    warnings: list[str],
    rules: _Rules | None = None,
) -> list[Training]:
    rules = rules or _rules()
    out: list[Training] = []
    for s_start, s_end in _item_spans(text, start, end):
        cues = _cues(text, s_start, s_end, rules, warnings)
        if not cues:
            continue
        measures = [
            m
            for m in find_measures(text, s_start, s_end, warnings)
            if m.unit.canonical in rules.session_units or m.unit.canonical in rules.attendee_units
        ]
        if not measures:
            continue
        if section == "problems" and not rules.problems_require.search(text, s_start, s_end):
            continue  # the measures promise; only a training said to have happened counts
        out.extend(
            t for t in _trainings_of_sentence(text, s_start, s_end, cues, measures, section, rules)
            if not _planned(text, s_start, t, cues, rules)
        )
    return out


_ITEM_END = regex.compile(r"[；;]")


def _item_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences, cut again at ；: the parts of a ；-list are separate activities.

    (…培训工作人员260余人次；开展季度检查4次 — the 4次 are inspections, not training sessions.)
    """
    spans: list[tuple[int, int]] = []
    for s_start, s_end in sentence_spans(text, start, end):
        pos = s_start
        for m in _ITEM_END.finditer(text, s_start, s_end):
            spans.append((pos, m.end()))
            pos = m.end()
        if pos < s_end:
            spans.append((pos, s_end))
    return spans


def _planned(text: str, s_start: int, training: Training, cues: list[tuple[str, int, int]], rules: _Rules) -> bool:
    """A plan (下一步将加强培训, 全年培训不少于2次) is a measure, not a training.

    The plan word must sit in the training's own clauses, or in a leading clause
    that frames the sentence without naming a training (下一步，组织培训班3期);
    将培训纳入年度计划，举办培训班3期 still reports a training that took place.
    """
    if any(p.search(text, training.start, training.end) for _, p in rules.vetoes):
        return True
    lead_end = training.start
    if any(s_start <= c_start < lead_end for _, c_start, _ in cues):
        # the clauses before the training name a training of their own: plans there are theirs
        lead_end = min(c_start for _, c_start, _ in cues if s_start <= c_start)
    return any(p.search(text, s_start, lead_end) for _, p in rules.vetoes)


def _cues(text: str, start: int, end: int, rules: _Rules, warnings: list[str]) -> list[tuple[str, int, int]]:
    # Cues first: most sentences have none, and then the masks need not run
    # (the masks' warnings still come before the cues', as they did).
    cue_warnings: list[str] = []
    found = [
        (rule_id, m.start(), m.end())
        for rule_id, pattern in rules.cues
        for m in finditer_guarded(pattern, text, start, end, cue_warnings, rule_id)
    ]
    if not found:
        warnings.extend(cue_warnings)
        return []
    masks: list[tuple[int, int]] = []
    for rule_id, pattern in rules.masks:
        masks.extend((m.start(), m.end()) for m in finditer_guarded(pattern, text, start, end, warnings, rule_id))
    warnings.extend(cue_warnings)
    cues = [c for c in found if not inside(c[1], masks)]
    return sorted(cues, key=lambda c: c[1])


def _trainings_of_sentence(
    text: str,
    s_start: int,
    s_end: int,
    cues: list[tuple[str, int, int]],
    measures: list[Measure],
    section: NarrativeSection,
    rules: _Rules,
) -> list[Training]:
    """Each count goes to the cue before it (or, in the cue's own clause, after it)."""
    clauses = clause_spans(text, s_start, s_end)

    def clause_of(pos: int) -> int:
        return next((i for i, (a, b) in enumerate(clauses) if a <= pos < b), len(clauses) - 1)

    groups: dict[int, list[Measure]] = {}
    for m in measures:
        preceding = [i for i, c in enumerate(cues) if c[1] <= m.start]
        same_clause = [i for i, c in enumerate(cues) if clause_of(c[1]) == clause_of(m.start)]
        if same_clause:
            index = same_clause[0] if not preceding or preceding[-1] not in same_clause else preceding[-1]
        elif preceding:
            index = preceding[-1]
        else:
            continue  # a count before any training word, in another clause: not the training's
        groups.setdefault(index, []).append(m)
    merged: list[tuple[int, list[Measure]]] = []
    for index in sorted(groups):
        group = groups[index]
        if merged and _complements(merged[-1][1], group, rules):
            # 举办培训班2期，培训…工作人员120余人次: the sessions and the attendees of one training
            merged[-1] = (merged[-1][0], merged[-1][1] + group)
        else:
            merged.append((index, group))
    out: list[Training] = []
    for index, group in merged:
        rule_id, cue_start, cue_end = cues[index]
        sessions = next((m for m in group if m.unit.canonical in rules.session_units), None)
        attendees = next((m for m in group if m.unit.canonical in rules.attendee_units), None)
        first = min([cue_start, *(m.start for m in group)])
        last = max([cue_end, *(m.end for m in group)])
        start = clauses[clause_of(first)][0]
        end = clauses[clause_of(last - 1)][1]
        while end > start and text[end - 1] in "。！？!?；;，,":
            end -= 1  # the item is the clauses, not the sentence's final mark
        out.append(
            Training(
                text=text[start:end],
                sessions=sessions.value if sessions else None,
                sessions_approx=sessions.approx if sessions else None,
                attendees=attendees.value if attendees else None,
                attendees_approx=attendees.approx if attendees else None,
                topic=_topic(text, start, cue_start, group, rules),
                section=section,
                start=start,
                end=end,
                rule=rule_id,
            )
        )
    return out


def _complements(first: list[Measure], second: list[Measure], rules: _Rules) -> bool:
    """Whether one group gives only sessions and the next only attendees (or the reverse)."""

    def kinds(group: list[Measure]) -> set[str]:
        return {"s" if m.unit.canonical in rules.session_units else "a" for m in group}

    return len(kinds(first)) == 1 and len(kinds(second)) == 1 and kinds(first) != kinds(second)


def _topic(text: str, clause_start: int, cue_start: int, group: list[Measure], rules: _Rules) -> str | None:
    """The words between the last verb (or count) and the training word: 召开政务公开工作业务培训 → 政务公开工作业务."""
    left = clause_start
    for m in rules.topic_verb.finditer(text, clause_start, cue_start):
        left = m.end()
    for m in group:
        if left <= m.end <= cue_start:
            left = m.end
    topic = rules.topic_drop.sub("", text[left:cue_start].strip(" \u3000了的"))
    return topic if len(topic) >= 2 and regex.fullmatch(r"[\p{Han}A-Za-z0-9“”（）()]+", topic) else None
