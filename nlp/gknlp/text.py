"""Small text helpers shared by the stages: sentence spans and guarded regexes.

Offsets are always into the normalised text; helpers return spans, never copies
that would lose their position.
"""

from __future__ import annotations

import logging

import regex

log = logging.getLogger(__name__)

# A sentence ends at 。！？ (and their ASCII forms) or a line break; ；ends a clause.
_SENTENCE_END = regex.compile(r"[。！？!?]+[”’」』）)]*|\n+")
_CLAUSE_END = regex.compile(r"[，,；;：:、]")

# One pathological line must not hang a batch: rule regexes run with a timeout.
REGEX_TIMEOUT_S = 2.0


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences in ``text[start:end]``, without surrounding whitespace.

    >>> t = "一是培训。二是解读！\\n三是公开"
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['一是培训。', '二是解读！', '三是公开']
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        _append_stripped(text, pos, m.end(), spans)
        pos = m.end()
    _append_stripped(text, pos, end, spans)
    return spans


def clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the clauses (split at ，；：、) of one sentence span."""
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _CLAUSE_END.finditer(text, start, end):
        _append_stripped(text, pos, m.start(), spans)
        pos = m.end()
    _append_stripped(text, pos, end, spans)
    return spans


def _append_stripped(text: str, a: int, b: int, out: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b:
        out.append((a, b))


def finditer_guarded(
    pattern: regex.Pattern[str],
    text: str,
    start: int = 0,
    end: int | None = None,
    warnings: list[str] | None = None,
    rule: str = "",
) -> list[regex.Match[str]]:
    """The matches of ``pattern.finditer`` under a timeout: a timeout keeps what was found and adds a warning.

    A list rather than a generator: it runs hundreds of times per report,
    mostly finding nothing, and a generator frame per call costs more than the search.
    """
    end = len(text) if end is None else end
    found: list[regex.Match[str]] = []
    try:
        found.extend(pattern.finditer(text, start, end, timeout=REGEX_TIMEOUT_S))  # keeps the matches before a timeout
    except TimeoutError:
        message = f"rule {rule or pattern.pattern[:30]} timed out at offset {start}; text skipped"
        log.warning(message)
        if warnings is not None:
            warnings.append(message)
    return found
