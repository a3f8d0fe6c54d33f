"""Sentence and clause spans, and the regex timeout guard every rule regex runs under."""

from __future__ import annotations

import pytest
import regex

from gknlp import text as text_module
from gknlp.text import clause_spans, finditer_guarded, sentence_spans


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("一是培训。二是解读！\n三是公开", ["一是培训。", "二是解读！", "三是公开"]),
        ("办理申请12件（含转办）。  \n\n", ["办理申请12件（含转办）。"]),
        ("“依申请公开”工作。下一步", ["“依申请公开”工作。", "下一步"]),
        ("", []),
    ],
)
def test_sentence_spans(text: str, sentences: list[str]) -> None:
    assert [text[a:b] for a, b in sentence_spans(text)] == sentences


def test_clause_spans_split_at_commas_and_semicolons() -> None:
    t = "组织培训3次，参训120余人；编印手册"
    assert [t[a:b] for a, b in clause_spans(t, 0, len(t))] == ["组织培训3次", "参训120余人", "编印手册"]


def test_finditer_guarded_finds_within_bounds() -> None:
    t = "12条，34条，56条"
    found = finditer_guarded(regex.compile(r"\d+条"), t, 3, 9)
    assert [m.group() for m in found] == ["34条"]


def test_timeout_keeps_earlier_matches_and_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "REGEX_TIMEOUT_S", 0.05)
    # catastrophic backtracking on the run of a's, after one good match
    pattern = regex.compile(r"x|(?:a|aa)+b")
    warnings: list[str] = []
    found = finditer_guarded(pattern, "x" + "a" * 60 + "c", warnings=warnings, rule="demo")
    assert [m.group() for m in found] == ["x"]
    assert warnings == ["rule demo timed out at offset 0; text skipped"]
