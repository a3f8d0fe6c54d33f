"""What the fast start-up must not change, and what it must not load.

Speed itself is measured by ``bench/bench.py``, never here: these tests pin
that the shortcuts behind it (gknlp's jieba state cache, numpy-only theme
inference, lazy imports) give exactly what the slow, obvious way gives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES_DIR, SEEDS_DIR

REPO = Path(__file__).resolve().parent.parent

# jieba exactly as the documentation uses it: default dictionary, add_word for
# each lexicon term, jieba.posseg.lcut
REFERENCE = """
import json, sys
import jieba, jieba.posseg
from gknlp.rules import load_rule_file
jieba.setLogLevel(60)
jieba.dt.tmp_dir = sys.argv[2]
for entry in load_rule_file("lexicon.toml").rules("term"):
    for word in entry["words"]:
        jieba.add_word(word, freq=entry.get("freq", 20000), tag=entry.get("pos", "n"))
texts = json.load(open(sys.argv[1], encoding="utf-8"))
print(json.dumps([[[p.word, p.flag] for p in jieba.posseg.lcut(t)] for t in texts], ensure_ascii=False))
"""
GKNLP = """
import json, sys
from gknlp.segment import cut_with_pos
texts = json.load(open(sys.argv[1], encoding="utf-8"))
print(json.dumps([cut_with_pos(t) for t in texts], ensure_ascii=False))
"""
# modules `gknlp extract` must never import (HTML input aside, which needs trafilatura)
HEAVY = (
    "sklearn", "scipy", "skops", "spacy", "pyarrow", "trafilatura", "tqdm", "matplotlib", "pandas", "dask",
    "pkg_resources",  # jieba imports it for nothing (segment._import_jieba)
)
IMPORTS_AFTER = """
import sys
from gknlp.cli import main
sys.argv = ["gknlp", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
heavy = {heavy!r}
print("LOADED", sorted(m for m in sys.modules if m.split(".")[0] in heavy), file=sys.stderr)
"""


def _texts() -> list[str]:
    texts = [
        json.loads(line)["text"]
        for name in ("train.jsonl", "heldout.jsonl")
        for line in (REPO / "corpora" / "themes" / name).read_text("utf-8").splitlines()
        if line.strip()
    ]
    reports = sorted(SAMPLES_DIR.glob("*.txt"))
    if SEEDS_DIR.is_dir():
        reports += sorted(SEEDS_DIR.glob("*.txt"))
    texts += [p.read_bytes().decode("utf-8", errors="replace") for p in reports]
    return [*texts, "", "   ", "Ａ１２３abc 4.5%", "２０２２年\u3000政务公开"]


def _run(script: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True,
        env={**os.environ, **(env or {})}, cwd=REPO,
    )


@pytest.fixture(scope="module")
def texts_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seg") / "texts.json"
    path.write_text(json.dumps(_texts(), ensure_ascii=False), "utf-8")
    return path


@pytest.fixture(scope="module")
def reference(texts_file: Path) -> list[list[list[str]]]:
    return json.loads(_run(REFERENCE, str(texts_file), str(texts_file.parent)).stdout)


def test_cached_jieba_state_segments_like_jieba(
    texts_file: Path, reference: list[list[list[str]]], tmp_path: Path
) -> None:
    env = {"GKNLP_CACHE_DIR": str(tmp_path / "cache")}
    built = json.loads(_run(GKNLP, str(texts_file), env=env).stdout)  # builds and writes the cache
    assert len(list((tmp_path / "cache").glob("jieba-*.marshal"))) == 1
    cached = json.loads(_run(GKNLP, str(texts_file), env=env).stdout)  # installs it
    assert built == reference
    assert cached == reference


def test_read_only_cache_dir_still_works(texts_file: Path, reference: list[list[list[str]]], tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("", "utf-8")  # a cache "directory" that can never be created
    run = _run(GKNLP, str(texts_file), env={"GKNLP_CACHE_DIR": str(blocked / "gknlp")})
    assert json.loads(run.stdout) == reference
    assert run.stderr == ""


def test_damaged_cache_is_rebuilt(texts_file: Path, reference: list[list[list[str]]], tmp_path: Path) -> None:
    env = {"GKNLP_CACHE_DIR": str(tmp_path)}
    _run(GKNLP, str(texts_file), env=env)
    (cache,) = tmp_path.glob("jieba-*.marshal")
    cache.write_bytes(b"not marshal")
    assert json.loads(_run(GKNLP, str(texts_file), env=env).stdout) == reference
    assert cache.stat().st_size > 1_000_000


def test_cut_with_pos_returns_fresh_lists() -> None:
    from gknlp.segment import cut_with_pos

    first = cut_with_pos("主动公开政府信息")
    first.clear()
    assert cut_with_pos("主动公开政府信息") != []


@pytest.mark.parametrize(
    ("report", "allowed"),
    [(SAMPLES_DIR / "qinghe_2021_gb18030.txt", ()), (SAMPLES_DIR / "yunxi_2022_page.html", ("trafilatura",))],
    ids=["txt", "html"],
)
def test_extract_imports_nothing_heavy(report: Path, allowed: tuple[str, ...]) -> None:
    script = IMPORTS_AFTER.format(heavy=HEAVY)
    run = _run(script, "extract", str(report), "--format", "json")
    assert json.loads(run.stdout)["problems"], "the theme model must have run"
    loaded = json.loads(run.stderr.rsplit("LOADED", 1)[1].strip().replace("'", '"'))
    assert {name.split(".")[0] for name in loaded} <= set(allowed), loaded


def test_load_model_needs_numpy_only() -> None:
    script = (
        "import sys; from gknlp import themes; m = themes.load_model(); m.predict(['加强业务培训'])\n"
        "print(sorted(k for k in ('sklearn', 'scipy', 'skops') if k in sys.modules))"
    )
    assert _run(script).stdout.strip() == "[]"
