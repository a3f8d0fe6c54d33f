"""``gknlp eval`` agrees with the reference scorer, and scores never drop below their floors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import gknlp
from conftest import GOLD_SEEDS_DIR, SEEDS_DIR, SHARED, needs_shared
from gknlp.evaluate import evaluate, score_predictions, text_similarity

REPO = Path(__file__).resolve().parent.parent
FLOORS = json.loads((REPO / "tests" / "eval_floors.json").read_text("utf-8"))

# Each gold set: (gold folder, folder of the reports it annotates).
GOLD_SETS = {
    "seeds": (GOLD_SEEDS_DIR, SEEDS_DIR),
    "samples": (REPO / "corpora" / "gold", REPO / "corpora" / "samples"),
    "heldout": (REPO / "corpora" / "gold-heldout", REPO / "corpora" / "heldout"),
    "heldout2": (REPO / "corpora" / "gold-heldout2", REPO / "corpora" / "heldout2"),
    "heldout3": (REPO / "corpora" / "gold-heldout3", REPO / "corpora" / "heldout3"),
    "heldout4": (REPO / "corpora" / "gold-heldout4", REPO / "corpora" / "heldout4"),
}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("政策解读形式不够丰富", "政策解读形式不够丰富", 1.5),
        ("政策解读形式不够丰富", "政策解读形式不够丰富，内容质量不高", 10 / 17 + 0.5),
        ("", "任何文本", 0.0),
    ],
)
def test_text_similarity(a: str, b: str, expected: float) -> None:
    assert text_similarity(a, b) == pytest.approx(expected)


@needs_shared
def test_agrees_with_the_reference_scorer(tmp_path: Path) -> None:
    for seed in sorted(SEEDS_DIR.glob("*.txt")):
        report = gknlp.extract_file(seed).to_json()
        (tmp_path / f"{seed.name}.json").write_text(json.dumps(report, ensure_ascii=False), "utf-8")
    reference = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score.py"), str(GOLD_SEEDS_DIR), str(tmp_path), "--json"],
        capture_output=True, text=True, check=True,
    )
    expected = json.loads(reference.stdout)
    assert score_predictions(GOLD_SEEDS_DIR, tmp_path).as_dict() == expected
    assert evaluate(GOLD_SEEDS_DIR, [SEEDS_DIR]).as_dict() == expected


@pytest.mark.parametrize("gold_set", sorted(FLOORS))
def test_scores_stay_above_their_floors(gold_set: str) -> None:
    gold_dir, report_dir = GOLD_SETS[gold_set]
    if not gold_dir.is_dir():
        pytest.skip(f"{gold_dir} is absent")
    scores = evaluate(gold_dir, [report_dir]).as_dict()
    assert not scores["errors"]
    for measure, floor in FLOORS[gold_set].items():
        kind, _, stat = measure.rpartition(".")
        value = scores[kind][stat] if stat == "f1" else scores[measure]
        assert value is not None and value >= floor, f"{gold_set} {measure}: {value} < floor {floor}"
