"""Commitment sentences: cue rules on sentences, measures as commitments, rows with and without text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from conftest import SAMPLES_DIR
from gknlp.commitments import (
    MEASURE_RULE,
    NO_TEXT_WARNING,
    find_commitments,
    report_commitments,
    row_commitments,
)
from gknlp.model import Point


@dataclass(frozen=True)
class Case:
    text: str
    expected: list[tuple[str, str]]  # (sentence, rule) of each commitment


# Sentences written in the style of the samples and seeds (class, not one report).
CASES_SAMPLES = [
    Case("2022年，我们将重点抓好以下几项工作：", [("2022年，我们将重点抓好以下几项工作：", "cue.will")]),
    Case("下一步，我县将着重做好以下工作：", [("下一步，我县将着重做好以下工作：", "cue.next_step")]),
    Case("全年审核拟公开信息4100余条。计划于明年上半年完成平台迁移。",
         [("计划于明年上半年完成平台迁移。", "cue.plan")]),
    Case("将政务公开纳入全市年度绩效考核。将23个部门网站统一迁入市级平台。", []),
    Case("全年新收申请120件，结转下年度继续办理18件。", []),
    Case("今后将进一步规范依申请公开答复。力争年底前实现全覆盖。",
         [("今后将进一步规范依申请公开答复。", "cue.will"), ("力争年底前实现全覆盖。", "cue.strive")]),
]
CASES_SEEDS = [  # shapes met in ../shared/seeds
    Case("另有11件申请顺延到下一年度答复。", []),
    Case("努力实现以公开促落实，各项工作取得了新进展。", []),
    Case("针对以上问题，在今后的工作中，我县将进一步规范公开内容。",
         [("针对以上问题，在今后的工作中，我县将进一步规范公开内容。", "cue.will")]),
]
CASES_XFAIL: list[Case] = [
    # 力争 describing how last year's assessment was designed, not a promise.
    Case("考评坚持网上测评与日常评价相结合，力争考评内容科学合理。", []),
]


@pytest.mark.parametrize(
    "case",
    [*CASES_SAMPLES, *CASES_SEEDS, *(pytest.param(c, marks=pytest.mark.xfail(strict=True)) for c in CASES_XFAIL)],
    ids=lambda c: c.text[:16],
)
def test_cue_sentences(case: Case) -> None:
    found = find_commitments(case.text, [("problems", 0, len(case.text))]).items
    assert [(c.text, c.rule) for c in found] == case.expected
    assert all(case.text[c.start:c.end] == c.text for c in found)


def test_only_the_scope_sections_are_searched() -> None:
    text = "下一步将加强培训。下一步将加强培训。"
    spans = [("requests", 0, 9), ("overview", 9, len(text))]
    assert [(c.start, c.section) for c in find_commitments(text, spans).items] == [(9, "overview")]


def test_a_run_on_line_is_cut_into_clauses() -> None:
    text = "，".join(["全年主动公开信息三千余条"] * 20) + "，下一步将加强培训"
    found = find_commitments(text, [("overview", 0, len(text))]).items
    assert [c.text for c in found] == ["下一步将加强培训"]


def _row(text: str | None, measures: list[dict[str, Any]]) -> dict[str, Any]:
    row: dict[str, Any] = {"sections": [{"id": "problems", "heading": "五、", "start": 0, "end": 60,
                                         "body_start": 0}], "measures": measures}
    if text is not None:
        row["text"] = text
    return row


def test_measures_are_commitments_and_cue_sentences_inside_them_are_not_repeated() -> None:
    text = "下一步，我局将抓好以下工作：一是加强培训，力争全员轮训一遍。"
    measure = {"text": "加强培训，力争全员轮训一遍", "heading": None, "start": 16, "end": 29,
               "rule": "marker.yishi", "themes": ["training"], "scores": {"training": 0.9}}
    assert text[16:29] == measure["text"]
    found = row_commitments(_row(text, [measure]))
    assert [(c.text, c.rule, c.themes) for c in found.items] == [
        ("下一步，我局将抓好以下工作：", "cue.next_step", ()),  # the sentence opening the list, up to the measure
        ("加强培训，力争全员轮训一遍", MEASURE_RULE, ("training",)),
    ]
    assert found.warnings == ()
    inside = row_commitments(_row("一是加强培训。力争全员轮训一遍。", [{**measure, "start": 7, "end": 15}]))
    assert [(c.start, c.rule) for c in inside.items] == [(7, MEASURE_RULE)]


def test_a_row_without_text_gives_its_measures_and_a_warning() -> None:
    measure = {"text": "加强培训", "heading": "强化队伍", "start": 5, "end": 9, "rule": "x", "themes": ["training"]}
    found = row_commitments(_row(None, [measure, "not a point"]))  # type: ignore[list-item]
    assert [(c.text, c.rule, c.heading, c.themes) for c in found.items] == [
        ("加强培训", MEASURE_RULE, "强化队伍", ("training",))
    ]
    assert found.warnings == (NO_TEXT_WARNING,)


def test_odd_rows_never_raise() -> None:
    assert row_commitments({}).items == ()
    bad = {"text": "下一步将加强培训。", "sections": [{"id": "overview"}, None, {"id": "overview", "body_start": 0,
                                                                         "end": 999}]}
    assert [c.rule for c in row_commitments(bad).items] == ["cue.next_step"]
    assert find_commitments("", [("overview", 0, 10)], [Point(text="x", heading=None, start=0, end=0,
                                                               rule="r")]).items[0].rule == MEASURE_RULE


@pytest.fixture(scope="module")
def sample_reports() -> list[Any]:
    from gknlp.pipeline import extract_file

    return [extract_file(path, themes=False) for path in sorted(SAMPLES_DIR.iterdir())]


def test_every_sample_has_a_commitment_sentence_and_its_measures(sample_reports: list[Any]) -> None:
    for report in sample_reports:
        found = report_commitments(report).items
        cues = [c for c in found if c.rule != MEASURE_RULE]
        assert cues, report.source.path
        assert sum(c.rule == MEASURE_RULE for c in found) == len(report.measures)
        assert all(report.text[c.start:c.end] == c.text for c in found)
        assert [c.start for c in found] == sorted(c.start for c in found)
