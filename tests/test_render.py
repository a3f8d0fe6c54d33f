"""The HTML fact viewer: every fact shows, overlapping facts too, the text is all there."""

from __future__ import annotations

import html
import re
import time

import pytest

from gknlp.model import Meta, Point, Quantity, Regulation, Report, Section, Source
from gknlp.render import LABEL_COLORS, fact_spans, render_html

TEXT = (
    "濮阳市2020年政府信息公开工作年度报告\n"
    "一、总体情况\n"
    "主动发布政府信息24万余条。印发《濮阳市政务公开办法》（濮政办〔2020〕12号）。\n"
    "五、存在的主要问题及改进情况\n"
    "一是落实《濮阳市政务公开办法》不够到位。\n"
)


def _at(s: str, nth: int = 0) -> int:
    pos = -1
    for _ in range(nth + 1):
        pos = TEXT.index(s, pos + 1)
    return pos


def _report(text: str = TEXT) -> Report:
    q_start = _at("24万余条")
    problem_start = _at("落实《")
    problem_end = _at("不够到位") + len("不够到位")
    return Report(
        text=text,
        source=Source(path="puyang.txt", format="txt", encoding="utf-8", sha256="0" * 64),
        meta=Meta(title="濮阳市2020年政府信息公开工作年度报告", issuer="濮阳市人民政府办公室", year=2020),
        sections=(
            Section(id="overview", heading="一、总体情况", start=_at("一、"), end=_at("五、"), body_start=_at("主动")),
            Section(id="problems", heading="五、存在的主要问题及改进情况", start=_at("五、"), end=len(text),
                    body_start=_at("一是")),
        ),
        quantities=(
            Quantity(text="24万余条", value=240000, value_max=None, unit="条", approx="lower_bound",
                     subject="主动发布政府信息", section="overview", start=q_start, end=q_start + 5,
                     rule="quantity.test"),
        ),
        regulations=(
            Regulation(title="濮阳市政务公开办法", doc_number="濮政办〔2020〕12号", alias=None, mentions=2,
                       start=_at("《濮阳"), end=_at("办法》") + 3, rule="title.default"),
        ),
        # The problem overlaps the second mention of the regulation: both must render.
        problems=(Point(text=text[problem_start:problem_end], heading=None, start=problem_start,
                        end=problem_end, rule="problem.test"),),
    )


def _visible_text(page: str) -> str:
    body = page.split('<div class="spans"', 1)[1]
    labels = "|".join(LABEL_COLORS)
    body = re.sub(rf">\s*(?:{labels})\s*<", "><", body)  # the span labels are not report text
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", body.split(">", 1)[1])))


def test_page_is_self_contained_html() -> None:
    page = render_html(_report())
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert "<title>濮阳市2020年政府信息公开工作年度报告</title>" in page
    assert "http://" not in page and "https://" not in page


def test_every_label_and_the_legend_show() -> None:
    page = render_html(_report())
    for label in ("SECTION", "QUANTITY", "REGULATION", "PROBLEM"):
        assert f">{label}<" in page
    for color in LABEL_COLORS.values():
        assert color in page
    assert "24万余条" in page


def test_overlapping_facts_render_and_no_text_is_lost() -> None:
    report = _report()
    spans = fact_spans(report)
    problem = next(s for s in spans if s.label == "PROBLEM")
    assert any(s.label == "REGULATION" for s in spans) and problem.start < _at("《", 1) < problem.end
    page = render_html(report)
    assert _visible_text(page) == re.sub(r"\s+", "", TEXT)
    assert page.count("<br>") >= TEXT.count("\n")


def test_report_without_facts_renders() -> None:
    report = Report(text="只有一行<b>正文</b>&", source=Source(path="-", format="txt", encoding=None, sha256=""),
                    meta=Meta(), sections=())
    page = render_html(report)
    assert "&lt;b&gt;" in page and "<b>正文</b>" not in page


@pytest.mark.parametrize("copies", [200])
def test_a_long_report_renders_fast(copies: int) -> None:
    text = TEXT * copies  # about 20 KB of text with two facts per copy
    base = _report()
    step = len(TEXT)
    report = Report(
        text=text, source=base.source, meta=base.meta, sections=base.sections,
        quantities=tuple(q.__class__(**{**_fields(q), "start": q.start + i * step, "end": q.end + i * step})
                         for i in range(copies) for q in base.quantities),
        problems=tuple(p.__class__(**{**_fields(p), "start": p.start + i * step, "end": p.end + i * step})
                       for i in range(copies) for p in base.problems),
    )
    render_html(report)  # spaCy import happens once
    t0 = time.perf_counter()
    render_html(report)
    assert time.perf_counter() - t0 < 2.0


def _fields(obj: object) -> dict[str, object]:
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}  # type: ignore[attr-defined]
