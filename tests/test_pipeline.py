"""The whole pipeline on real seeds and the bundled samples: contract, invariants, determinism."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import gknlp
from conftest import SAMPLES_DIR, SCHEMA_PATH, SEEDS_DIR, needs_shared
from gknlp.model import Report

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "tests" / "data" / "report.schema.json").read_text("utf-8"))
HELDOUT_DIR = REPO / "corpora" / "heldout"

SAMPLE_FILES = sorted(p for d in (SAMPLES_DIR, HELDOUT_DIR) if d.is_dir() for p in d.iterdir()
                      if p.suffix in {".txt", ".html", ".htm"})
SEED_FILES = sorted(SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else []


@needs_shared
def test_schema_copy_matches_the_contract() -> None:
    assert json.loads(SCHEMA_PATH.read_text("utf-8")) == SCHEMA


@pytest.fixture(scope="module", params=[*SEED_FILES, *SAMPLE_FILES], ids=lambda p: p.name)
def report(request: pytest.FixtureRequest) -> Report:
    return gknlp.extract_file(request.param)


def test_output_follows_the_schema(report: Report) -> None:
    jsonschema.validate(report.to_json(), SCHEMA)


def test_every_offset_points_at_its_text(report: Report) -> None:
    text = report.text
    for kind in ("quantities", "trainings", "problems", "measures"):
        for item in getattr(report, kind):
            assert text[item.start:item.end] == item.text, (kind, item)
    for reg in report.regulations:
        # the first in-scope mention, which may be the alias (《条例》)
        mention = text[reg.start:reg.end].replace(" ", "")
        assert mention.startswith("《") and mention.endswith("》"), reg
        inner = mention[1:-1]
        assert inner == reg.alias or reg.title.endswith(inner) or inner[:2] in reg.title, reg


def test_sections_are_ordered_and_disjoint(report: Report) -> None:
    previous_end = 0
    for section in report.sections:
        assert previous_end <= section.start < section.body_start <= section.end <= len(report.text)
        assert report.text[section.start:section.start + len(section.heading)] == section.heading
        previous_end = section.end


def test_facts_lie_in_narrative_sections(report: Report) -> None:
    spans = {s.id: (s.body_start, s.end) for s in report.sections}
    for q in report.quantities:
        start, end = spans[q.section]
        assert start <= q.start and q.end <= end, q
    for point in (*report.problems, *report.measures):
        start, end = spans["problems"]
        assert start <= point.start and point.end <= end, point


def test_six_sections_and_metadata_on_samples() -> None:
    for path in SAMPLE_FILES:
        result = gknlp.extract_file(path)
        assert [s.id for s in result.sections] == [
            "overview", "proactive", "requests", "review_litigation", "problems", "other"
        ], path.name
        assert result.meta.issuer and result.meta.year, path.name


def _json_of(path: Path) -> dict[str, Any]:
    return gknlp.extract_file(path).to_json()


@needs_shared
def test_output_is_deterministic() -> None:
    path = SEED_FILES[0]
    assert json.dumps(_json_of(path), ensure_ascii=False) == json.dumps(_json_of(path), ensure_ascii=False)


def test_extract_text_equals_extract_file_for_utf8(tmp_path: Path) -> None:
    sample = next(p for p in SAMPLE_FILES if p.suffix == ".txt")
    from_file = gknlp.extract_file(sample)
    from_text = gknlp.extract_text(from_file.text)
    assert from_text.text == from_file.text
    assert [s.id for s in from_text.sections] == [s.id for s in from_file.sections]
