"""The one place that builds the tokenizer: ``spacy.blank("zh")`` with jieba.

jieba is loaded lazily (it costs about half a second) and taught the domain
lexicon in ``rules/lexicon.toml`` so that terms such as 政务公开 or 依申请公开
stay whole. Other modules ask for :func:`get_nlp` or :func:`cut_with_pos` and
never build their own.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING, Any

from gknlp.rules import load_rule_file

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)


def rule_fires(rule_id: str, text: str) -> bool:
    """A lexicon entry fires when its words occur in ``text`` and jieba keeps each one whole."""
    rule = next(r for r in load_rule_file("lexicon.toml").all_rules() if r["id"] == rule_id)
    present = [word for word in rule["words"] if word in text]
    tokens = {word for word, _ in cut_with_pos(text)}
    return bool(present) and all(word in tokens for word in present)


@functools.cache
def _jieba_posseg() -> Any:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    for entry in load_rule_file("lexicon.toml").rules("term"):
        for word in entry["words"]:
            jieba.add_word(word, freq=entry.get("freq", 20000), tag=entry.get("pos", "n"))
    return jieba.posseg


def cut_with_pos(text: str) -> list[tuple[str, str]]:
    """jieba words with their part-of-speech tags, domain lexicon applied."""
    posseg = _jieba_posseg()
    return [(pair.word, pair.flag) for pair in posseg.lcut(text)]


@functools.cache
def get_nlp() -> Language:
    """The shared spaCy pipeline: ``spacy.blank("zh")`` segmenting with jieba."""
    import spacy

    _jieba_posseg()  # the lexicon must be in jieba before spaCy's tokenizer uses it
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
