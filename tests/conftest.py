"""Shared fixtures: where the real seed reports and their gold live.

The seeds are read from ``../shared`` at test time (never copied into the
repository); tests that need them are skipped when that folder is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS_DIR = SHARED / "seeds"
GOLD_SEEDS_DIR = SHARED / "spec" / "gold-seeds"
SCHEMA_PATH = SHARED / "spec" / "report.schema.json"
SAMPLES_DIR = REPO / "corpora" / "samples"

SEED_NAMES = sorted(p.name for p in SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else []

needs_shared = pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="../shared/seeds is absent")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS_DIR.is_dir():
        pytest.skip("../shared/seeds is absent")
    return SEEDS_DIR


def load_gold_seed(name: str) -> dict[str, Any]:
    """The reference annotation of one seed (``name`` is the seed's file name)."""
    path = GOLD_SEEDS_DIR / (Path(name).stem + ".json")
    if not path.is_file():
        pytest.skip(f"no gold for {name}")
    return json.loads(path.read_text("utf-8"))
