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


@pytest.mark.parametrize(
    ("pattern", "group"),
    [
        ("第[0-9]+次", "(?:第[0-9]+次)"),
        ("(?m)^[ \t]*一是", "(?m:^[ \t]*一是)"),
        ("(?i:abc)|号", "(?:(?i:abc)|号)"),
        ("一(\\p{Han})一\\1", None),  # a back-reference would point at another group once joined
        ("a(?i)b", None),  # a flag in the middle is global
        ("(?x) a b", None),  # verbose: white space means something else
        ("(?>ab)c", None),  # atomic group
        ("a++", None),  # possessive
    ],
)
def test_plain_group(pattern: str, group: str | None) -> None:
    assert text_module.plain_group(pattern) == group


PATTERNS = ["(?m)^一是", "第[0-9]+次", "一(\\p{Han})、\\p{Han}{1,4}?一\\1", "(?<![0-9])[一半]年来"]


@pytest.mark.parametrize(
    "text",
    ["一是加强培训", "前言\n一是加强培训", "召开第3次会议", "一抓、二抓一抓", "近一年来", "12年来", "", "无关文字"],
)
@pytest.mark.parametrize("reverse", [False, True])
def test_any_of_agrees_with_each_pattern(text: str, reverse: bool) -> None:
    compiled = [regex.compile(p) for p in PATTERNS]
    any_of = text_module.AnyOf.of(compiled, reverse=reverse)
    assert any_of.search(text) == any(p.search(text) for p in compiled)
    assert any_of.search(text, 1) == any(p.search(text, 1) for p in compiled)
    if not reverse:
        assert any_of.match(text) == any(p.match(text) for p in compiled)
