"""gknlp.numbers: numerals → values, and the measure finder shared by quantities and trainings."""

from __future__ import annotations

import doctest
from dataclasses import dataclass
from pathlib import Path

import pytest

import gknlp.numbers
from gknlp.numbers import find_measures, find_measures_by_sentence, parse_chinese_numeral, parse_number


@dataclass(frozen=True)
class Case:
    text: str
    value: float | None


CASES_SEEDS = [  # numerals as the seed reports write them
    Case("24万", 240000),
    Case("22.55万", 225500),
    Case("98828", 98828),
    Case("98.86", 98.86),
    Case("0", 0),
    Case("1,280", 1280),
]
CASES_FIELD_GUIDE = [  # variants listed in FIELD-GUIDE.md
    Case("215.4417万", 2154417),
    Case("3.2亿", 320000000),
    Case("5123456", 5123456),
    Case("２．５", 2.5),
    Case("一百三十", 130),
    Case("六", 6),
    Case("两", 2),
    Case("百", 100),
    Case("两千", 2000),
    Case("一千二百", 1200),
    Case("二十三", 23),
    Case("十", 10),
    Case("百分之九十八点五", 98.5),
    Case("三", 3),
    Case("〇", 0),
    Case("零", 0),
    Case("二〇二四", 2024),
    Case("一万二千", 12000),
    Case("一百零五", 105),
    Case("百分之百", 100),
    Case("百分之九十", 90),
]
CASES_NEGATIVE = [  # not numbers at all
    Case("", None),
    Case("条", None),
    Case("三大", None),
    Case("1.2.3", None),
    Case("一是", None),
]
CASES_XFAIL = [  # known gaps, strict: a fix is noticed
    Case("壹佰", 100),  # financial (大写) numerals are not read
    Case("1.2e3", 1200),  # scientific notation does not occur in reports
]


@pytest.mark.parametrize(
    "case",
    [
        *CASES_SEEDS,
        *CASES_FIELD_GUIDE,
        *CASES_NEGATIVE,
        *(pytest.param(c, marks=pytest.mark.xfail(strict=True)) for c in CASES_XFAIL),
    ],
    ids=lambda c: c.text or "<empty>",
)
def test_parse_number(case: Case) -> None:
    assert parse_number(case.text) == case.value


def test_parse_chinese_numeral_rejects_non_numerals() -> None:
    assert parse_chinese_numeral("十九届") is None
    assert parse_chinese_numeral("一一") == 11.0  # digit by digit


def test_find_measures_offsets_and_units() -> None:
    text = "收到信息公开申请276件，占比约三成；分值占比不低于4%。"
    found = find_measures(text, 0, len(text))
    assert [(text[m.start : m.end], m.value, m.unit.canonical, m.approx) for m in found] == [
        ("276件", 276, "件", "exact"),
        ("约三成", 3, "成", "about"),
        ("不低于4%", 4, "%", "lower_bound"),
    ]


@pytest.mark.parametrize("text", ["", "%", "万元", "１２３", "百分之", "〔2019〕54号", "第" * 1000, "1" * 5000 + "条"])
def test_odd_text_never_raises(text: str) -> None:
    find_measures(text, 0, len(text))


def test_doctests() -> None:
    result = doctest.testmod(gknlp.numbers)
    assert result.failed == 0


def _report_paths() -> list[Path]:
    repo = Path(__file__).resolve().parent.parent
    ours = sorted(p for p in (repo / "corpora").glob("*/*") if p.suffix in {".txt", ".html"})
    return ours + sorted((repo.parent / "shared" / "seeds").glob("*.txt"))  # the seeds when ../shared is there


@pytest.mark.parametrize("path", _report_paths(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_one_scan_finds_what_a_scan_per_sentence_finds(path: Path) -> None:
    from gknlp.pipeline import extract_file
    from gknlp.text import sentence_spans

    text = extract_file(path, themes=False).text
    sentences = sentence_spans(text)
    per_sentence = [find_measures(text, a, b) for a, b in sentences]
    assert find_measures_by_sentence(text, sentences) == per_sentence
    assert any(per_sentence)
