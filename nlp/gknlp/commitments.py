"""Forward-looking commitments: what a body says it will do (下一步将…, 计划…, 力争…).

A commitment is either a measure of the problems section (改进措施, rule
``commitment.measure``, with the measure's heading and themes) or a sentence of
the narrative in which a cue of ``rules/commitments.toml`` fires (rule = the
cue's id). A cue sentence that lies inside a measure is not repeated.

Works on a :class:`~gknlp.model.Report` (which has its text) and on a batch
result row (a contract JSON object): a row that carries its ``text`` gets the
same commitments as the report; a row without text gets its measures only.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from gknlp.errors import RuleFileError
from gknlp.model import Extraction, Point, Report
from gknlp.rules import load_rule_file
from gknlp.text import clause_spans, finditer_guarded, sentence_spans

log = logging.getLogger(__name__)

RULE_FILE = "commitments.toml"
MEASURE_RULE = "commitment.measure"
NO_TEXT_WARNING = "no report text: commitments are the measures only"


@dataclass(frozen=True, slots=True, kw_only=True)
class Commitment:
    """One commitment; ``text == report.text[start:end]``."""

    text: str
    section: str
    start: int
    end: int
    rule: str
    cue: str | None = None
    heading: str | None = None
    themes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Cue:
    id: str
    pattern: regex.Pattern[str]
    vetoes: tuple[regex.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class _Rules:
    sections: tuple[str, ...]
    max_sentence_chars: int
    cues: tuple[_Cue, ...]


@functools.cache
def _rules() -> _Rules:
    rule_file = load_rule_file(RULE_FILE)
    scope = rule_file.data.get("scope", {})
    sections = scope.get("sections", ["overview", "problems"])
    max_chars = scope.get("max_sentence_chars", 240)
    if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
        raise RuleFileError(f"rules/{RULE_FILE}: scope.sections: must be a list of section ids")
    if not isinstance(max_chars, int) or max_chars < 10:
        raise RuleFileError(f"rules/{RULE_FILE}: scope.max_sentence_chars: must be an integer >= 10")
    cues = []
    for rule in rule_file.rules("cue"):
        if not isinstance(rule.get("pattern"), str):
            raise RuleFileError(f"rules/{RULE_FILE}: {rule['id']}: 'pattern' must be a string")
        vetoes = rule.get("not_pattern", [])
        vetoes = [vetoes] if isinstance(vetoes, str) else vetoes
        cues.append(
            _Cue(rule["id"], regex.compile(rule["pattern"]), tuple(regex.compile(v) for v in vetoes))
        )
    return _Rules(tuple(sections), max_chars, tuple(cues))


def cue_ids() -> tuple[str, ...]:
    """The ids of the cue rules, in file order."""
    return tuple(cue.id for cue in _rules().cues)


def _find_cue(text: str, start: int, end: int, warnings: list[str] | None = None) -> tuple[str, str] | None:
    """(rule id, matched cue) of the first cue that fires in ``text[start:end]``."""
    for cue in _rules().cues:
        if any(veto.search(text, start, end) for veto in cue.vetoes):
            continue
        for match in finditer_guarded(cue.pattern, text, start, end, warnings, cue.id):
            if not _in_title(text, start, match.start()):
                return cue.id, match.group(0)
    return None


def _in_title(text: str, start: int, pos: int) -> bool:
    """Whether ``pos`` is inside a 《title》 (计划 in 《…行动计划实施细则》 promises nothing)."""
    return text.rfind("《", start, pos) > text.rfind("》", start, pos)


def rule_fires(rule_id: str, text: str) -> bool:
    """Whether cue ``rule_id`` of commitments.toml makes ``text`` a commitment sentence."""
    cue = next((c for c in _rules().cues if c.id == rule_id), None)
    if cue is None:
        raise KeyError(rule_id)
    if any(veto.search(text) for veto in cue.vetoes):
        return False
    return any(not _in_title(text, 0, m.start()) for m in cue.pattern.finditer(text))


def find_commitments(
    text: str,
    sections: Iterable[tuple[str, int, int]],
    measures: Sequence[Point] = (),
) -> Extraction[Commitment]:
    """The commitments of one report, in text order.

    Args:
        text: the report's normalised text.
        sections: (section id, body start, end) of every section; only those
            named in ``[scope] sections`` of the rule file are searched.
        measures: the measures of the problems section; each is a commitment.

    Returns:
        The commitments, and warnings (a regex timeout) for the reader.
    """
    rules = _rules()
    warnings: list[str] = []
    found = [_from_measure(m) for m in measures]
    taken = [(m.start, m.end) for m in measures]
    for section_id, body_start, end in sections:
        if section_id not in rules.sections:
            continue
        body_start, end = max(0, body_start), min(len(text), end)
        for a, b in _sentences(text, body_start, end, rules.max_sentence_chars):
            cut = _before_measures(text, a, b, taken)
            if cut is None:
                continue  # already part of a measure
            b = cut
            hit = _find_cue(text, a, b, warnings)
            if hit is not None:
                found.append(Commitment(text=text[a:b], section=section_id, start=a, end=b, rule=hit[0], cue=hit[1]))
    found.sort(key=lambda c: (c.start, c.end))
    return Extraction(tuple(found), tuple(warnings))


_END_PUNCTUATION = frozenset("。！？!?；;，,、：:”’」』）)")


def _without_end_punctuation(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _END_PUNCTUATION:
        end -= 1
    return end


def _before_measures(text: str, start: int, end: int, measures: list[tuple[int, int]]) -> int | None:
    """Where the sentence ``text[start:end]`` ends once the measures in it are left out, or None.

    A sentence inside a measure is None (measures leave out their closing 。).
    A sentence that opens a list and runs into its first measure
    (下一步，我镇将从以下三个方面加以改进：首先，加强…) keeps the part before it,
    up to its last colon.
    """
    core = _without_end_punctuation(text, start, end)
    cut = end
    for m_start, m_end in measures:
        if m_start < core and start < m_end:
            if m_start <= start:
                return None
            cut = min(cut, m_start)
    if cut == end:
        return end
    colon = max(text.rfind("：", start, cut), text.rfind(":", start, cut))
    cut = colon + 1 if colon >= 0 else _without_end_punctuation(text, start, cut)
    return cut if cut > start else None


def _sentences(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for a, b in sentence_spans(text, start, end):
        # A run-on line is cut into clauses so that one cue does not flag a whole paragraph.
        spans.extend(clause_spans(text, a, b) if b - a > max_chars else [(a, b)])
    return spans


def _from_measure(measure: Point) -> Commitment:
    return Commitment(
        text=measure.text,
        section="problems",
        start=measure.start,
        end=measure.end,
        rule=MEASURE_RULE,
        heading=measure.heading,
        themes=measure.themes,
    )


def report_commitments(report: Report) -> Extraction[Commitment]:
    """The commitments of an extracted report."""
    spans = [(s.id, s.body_start, s.end) for s in report.sections]
    return find_commitments(report.text, spans, report.measures)


def row_commitments(row: Mapping[str, Any], text: str | None = None) -> Extraction[Commitment]:
    """The commitments of a batch result row (a contract JSON object).

    ``text`` (else ``row["text"]``) is the report's normalised text; without it
    only the measures are commitments, and the extraction carries a warning.
    """
    text = text if text is not None else row.get("text")
    measures = [point_from_json(m) for m in row.get("measures") or [] if isinstance(m, Mapping)]
    if not isinstance(text, str) or not text:
        return Extraction(tuple(_from_measure(m) for m in measures), (NO_TEXT_WARNING,))
    spans = []
    for section in row.get("sections") or []:
        try:
            spans.append((str(section["id"]), int(section["body_start"]), int(section["end"])))
        except (KeyError, TypeError, ValueError):
            continue  # a malformed section yields nothing rather than an error
    return find_commitments(text, spans, measures)


def point_from_json(data: Mapping[str, Any]) -> Point:
    """A :class:`Point` back from its contract JSON form (missing fields become empty)."""
    scores = data.get("scores") or {}
    return Point(
        text=str(data.get("text") or ""),
        heading=data.get("heading") if isinstance(data.get("heading"), str) else None,
        start=int(data.get("start") or 0),
        end=int(data.get("end") or 0),
        rule=str(data.get("rule") or ""),
        themes=tuple(str(t) for t in data.get("themes") or ()),
        scores={str(k): float(v) for k, v in scores.items()} if isinstance(scores, Mapping) else {},
    )
