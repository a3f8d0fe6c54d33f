"""Small text helpers shared by the stages: sentence spans and guarded regexes.

Offsets are always into the normalised text; helpers return spans, never copies
that would lose their position.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

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


# What keeps a pattern from being joined into an alternation with others, or
# from being read backwards with the same verdict: group references and \G,
# atomic groups, possessive quantifiers, conditionals, recursion, branch
# resets, fuzzy matching, the V and r flags, and global inline flags anywhere
# but at the very start.
_NOT_PLAIN = regex.compile(r"\\[1-9G]|\\g<|\(\?(?:P[=>]|[>&(|R0-9+]|[a-zA-Z-]+\)|[a-zA-Z-]*[Vr])|[*+?}]\+|\{e")
# Leading global flags, which become scoped flags of the pattern's own group.
_LEADING_FLAGS = regex.compile(r"\(\?([imsx]+)\)")


def plain_group(pattern: str) -> str | None:
    """``pattern`` as one group that means the same inside an alternation, or None when it cannot.

    >>> plain_group("(?m)^一是"), plain_group("一(\\\\p{Han})一\\\\1")
    ('(?m:^一是)', None)
    """
    flags = _LEADING_FLAGS.match(pattern)
    body = pattern[flags.end() :] if flags else pattern
    if _NOT_PLAIN.search(body) or (flags and "x" in flags.group(1)):
        return None
    return f"(?{flags.group(1)}:{body})" if flags else f"(?:{body})"


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Patterns asked together whether any of them matches: a search or two instead of one per pattern.

    A guarded search costs over a microsecond before it reads a character,
    and most searches on a sentence or a clause find nothing. The plain
    patterns (see :func:`plain_group`) are joined into one alternation; the
    others are tried one by one. ``reverse`` reads the joined text backwards
    (``(?r)``), which gives the same verdict for plain patterns and rejects a
    pattern ending in a rare character (号, 件) at its last character. On long
    texts a joined pattern scans slower than single ones (no literal prefix to
    skip ahead with): use it on sentences, clauses and short windows.
    """

    joined: regex.Pattern[str] | None
    others: tuple[regex.Pattern[str], ...]

    @classmethod
    def of(cls, patterns: Sequence[regex.Pattern[str]], *, reverse: bool = False) -> AnyOf:
        groups = [plain_group(p.pattern) for p in patterns]
        plain = [g for g in groups if g is not None]
        joined = regex.compile(("(?r)" if reverse else "") + "|".join(plain)) if plain else None
        return cls(joined, tuple(p for p, g in zip(patterns, groups, strict=True) if g is None))

    def search(self, text: str, start: int = 0, end: int | None = None) -> bool:
        """Whether one of the patterns is found in ``text[start:end]``; raises TimeoutError as a search does."""
        end = len(text) if end is None else end
        if self.joined is not None and self.joined.search(text, start, end, timeout=REGEX_TIMEOUT_S):
            return True
        return any(p.search(text, start, end, timeout=REGEX_TIMEOUT_S) for p in self.others)

    def match(self, text: str, start: int = 0, end: int | None = None) -> bool:
        """Whether one of the patterns matches at ``start``; raises TimeoutError as a match does."""
        end = len(text) if end is None else end
        if self.joined is not None and self.joined.match(text, start, end, timeout=REGEX_TIMEOUT_S):
            return True
        return any(p.match(text, start, end, timeout=REGEX_TIMEOUT_S) for p in self.others)
