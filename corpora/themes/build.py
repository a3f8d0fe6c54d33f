"""Build train.jsonl and heldout.jsonl from fragments.txt.

Run from the repository root:  .venv/bin/python corpora/themes/build.py
The output is deterministic (stable hashes, a fixed random seed, sorted output),
so running it twice gives byte-identical files. Retrain the model afterwards
(`gknlp train`): the model's metadata records the sha256 of train.jsonl.

The split is made per *fragment* (a hand-written line of fragments.txt), by a
stable hash of its text, before any composite point is built: 20% of the
fragments are held out, the rest fall into 5 cross-validation folds. Composite
points (two fragments joined, a heading with a body) only combine fragments of
the same pool, so no held-out fragment is ever seen in training and no fragment
is shared between CV folds (each training point carries its "fold"). The points
of the real seed reports are held out too, but are not copied here: they are
read from ../shared/spec/gold-seeds when the held-out split is evaluated.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HELDOUT_PERCENT = 20
MAX_THEMES = 3
SEED = 20201122
FOLDS = 5  # cross-validation folds of the training split, fixed here

# Theme-neutral framings real reports wrap around a point; they teach the
# model that these words carry no theme.
PROBLEM_PREFIXES = ["", "", "", "虽然取得了一定成效，但", "工作中还存在一些不足，", "个别单位"]
PROBLEM_SUFFIXES = ["", "", "", "，需要在今后工作中加以改进", "，与群众期盼还有一定差距", "，有待进一步改进"]
MEASURE_PREFIXES = ["", "", "", "下一步，", "2021年，我们将", "今后，"]
MEASURE_SUFFIXES = ["", "", "", "，确保取得实效", "，推动政务公开工作再上新台阶", "，不断提升工作水平"]


def point_text(heading: str | None, text: str) -> str:
    """The text a point is classified on; must match gknlp.themes.point_text."""
    return f"{heading}。{text}" if heading else text


def pool_of(text: str) -> int:
    """-1 for the held-out split, else the cross-validation fold 0..FOLDS-1 of a fragment."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    if int.from_bytes(digest[:4], "big") % 100 < HELDOUT_PERCENT:
        return -1
    return int.from_bytes(digest[4:8], "big") % FOLDS


def read_fragments() -> list[tuple[str, tuple[str, ...], str]]:
    fragments = []
    for number, line in enumerate((HERE / "fragments.txt").read_text("utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind, themes, text = line.split("|")
        if kind not in {"P", "M", "H"}:
            sys.exit(f"fragments.txt:{number}: bad kind {kind!r}")
        fragments.append((kind, tuple(themes.split(",")), text))
    return fragments


def union(*label_sets: tuple[str, ...]) -> tuple[str, ...]:
    merged: list[str] = []
    for labels in label_sets:
        merged.extend(t for t in labels if t not in merged)
    return tuple(merged)


def record(text: str, themes: tuple[str, ...], kind: str, source: str, fold: int) -> dict[str, object]:
    out: dict[str, object] = {"text": text, "themes": list(themes), "kind": kind, "source": source}
    if fold >= 0:
        out["fold"] = fold
    return out


def build_pool(
    fragments: list[tuple[str, tuple[str, ...], str]], rng: random.Random, fold: int
) -> list[dict[str, object]]:
    problems = [(t, x) for k, t, x in fragments if k == "P"]
    bodies = [(t, x) for k, t, x in fragments if k == "M"]
    headings = [(t, x) for k, t, x in fragments if k == "H"]
    out: list[dict[str, object]] = []
    for themes, text in problems:
        framed = rng.choice(PROBLEM_PREFIXES) + text + rng.choice(PROBLEM_SUFFIXES)
        out.append(record(framed, themes, "problem", "authored", fold))
    for themes, text in bodies:
        framed = rng.choice(MEASURE_PREFIXES) + text + rng.choice(MEASURE_SUFFIXES)
        out.append(record(framed, themes, "measure", "authored", fold))
    for themes, text in headings:
        out.append(record(text, themes, "measure", "authored", fold))
        # a heading with one or two bodies sharing its first theme
        matching = [b for b in bodies if themes[0] in b[0]]
        for body_themes, body in rng.sample(matching, min(2, len(matching))):
            labels = union(themes, body_themes)[:MAX_THEMES]
            out.append(record(point_text(text, body), labels, "measure", "authored", fold))
    for pool, kind, count in ((problems, "problem", len(problems)), (bodies, "measure", len(bodies))):
        made = 0
        while made < count:
            (ta, a), (tb, b) = rng.sample(pool, 2)
            labels = union(ta, tb)
            if ta[0] == tb[0] or len(labels) > MAX_THEMES:
                continue
            out.append(record(f"{a}，{b}", labels, kind, "authored", fold))
            made += 1
    return out


def write(path: Path, records: list[dict[str, object]]) -> None:
    unique = {json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records}
    path.write_text("".join(line + "\n" for line in sorted(unique)), "utf-8")


def main() -> None:
    fragments = read_fragments()
    train: list[dict[str, object]] = []
    for fold in range(FOLDS):
        pool = [f for f in fragments if pool_of(f[2]) == fold]
        train.extend(build_pool(pool, random.Random(SEED + fold), fold))
    heldout = [f for f in fragments if pool_of(f[2]) == -1]
    write(HERE / "train.jsonl", train)
    # The seed points are not written here: their text stays in ../shared and
    # gknlp.themes.evaluate_heldout reads them from the gold seeds at run time.
    write(HERE / "heldout.jsonl", build_pool(heldout, random.Random(SEED - 1), -1))


if __name__ == "__main__":
    main()
