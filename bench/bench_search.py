"""Search benchmark (not a unit test): index build and query time for 20,000 reports.

Extracts the bundled reports (corpora/samples, corpora/heldout) once, then
makes N synthetic result rows from them with variations that keep every offset
valid (digits rotated, the two-character place name swapped for another,
issuer, year, province and level varied), each with its text, and measures:

  (a) ``index_rows`` of all N rows into a fresh SQLite file (commitment
      finding included), and the file's size;
  (b) ``search`` for a set of queries (median and worst of several runs, the
      connection opened each time as the CLI does);
  (c) the traps of the other designs on the real reports: hits of the FTS5
      trigram tokenizer and of a jieba-segmented index against a substring scan.

Usage: .venv/bin/python bench/bench_search.py [--reports 20000] [--keep DB]
"""

from __future__ import annotations

import argparse
import itertools
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SOURCES = [REPO / "corpora" / "samples", REPO / "corpora" / "heldout"]
PROVINCES = ["青原省", "白水省", "东江省", "南岭省", "北川省", "西山省", "中州省", "海滨省", "云岭省", "天山省"]
LEVELS = ["province", "city", "county", "township", "department"]
PLACE_CHARS = "清云双临白东南北西青金河溪桥江石湖山川岭松水宁安平阳丰华兴德"
QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("培训", {}),
    ("复议", {}),
    ("政策解读", {}),
    ("下一步", {"kind": "commitments"}),
    ("培训 -解读", {}),
    ('"公开 栏"', {"kind": "measures"}),
    ("热线", {}),
    ("培训", {"year": 2021, "province": "白水省"}),
    ("解读", {"theme": "interpretation", "kind": "measures"}),
    ("公开", {}),  # in nearly every point: the worst case
]


def base_rows() -> list[dict[str, Any]]:
    """Contract objects with text of the bundled reports."""
    from gknlp.corpus import iter_report_paths
    from gknlp.pipeline import extract_file

    rows = []
    for path in iter_report_paths(SOURCES):
        report = extract_file(path)
        rows.append({**report.to_json(), "text": report.text})
    return rows


def _rotate_digits(value: Any, shift: int) -> Any:
    if isinstance(value, str):
        return value.translate({ord(d): ord(str((int(d) + shift) % 10)) for d in "0123456789"})
    if isinstance(value, list):
        return [_rotate_digits(v, shift) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in {"start", "end", "body_start", "sha256"} else _rotate_digits(v, shift))
                for k, v in value.items()}
    return value


def synthetic_rows(bases: list[dict[str, Any]], count: int, seed: int = 11) -> Iterator[dict[str, Any]]:
    """``count`` varied rows; same-length replacements keep ``text[start:end] == item.text``."""
    rng = random.Random(seed)
    for n in range(count):
        base = bases[n % len(bases)]
        shift = rng.randrange(1, 10)
        row = _rotate_digits({k: v for k, v in base.items() if k != "source"}, shift)
        issuer = str(base["meta"].get("issuer") or "某某")
        place = "".join(rng.sample(PLACE_CHARS, 2))
        old = issuer[:2]
        row = _replace(row, old, place)
        row["source"] = {**base["source"], "path": f"synthetic/{n:05d}.txt", "sha256": f"{n:08d}{base['source']['sha256'][8:]}"}
        row["meta"] = {**row["meta"], "year": 2015 + rng.randrange(9), "province": rng.choice(PROVINCES),
                       "level": rng.choice(LEVELS)}
        yield row


def _replace(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_replace(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, old, new) for k, v in value.items()}
    return value


def time_queries(db: Path, runs: int = 7) -> list[tuple[str, str, int, float, float]]:
    from gknlp.search import search

    out = []
    for query, filters in QUERIES:
        times, hits = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            hits = len(search(db, query, limit=20, **filters))
            times.append((time.perf_counter() - started) * 1000)
        label = " ".join(f"{k}={v}" for k, v in filters.items())
        out.append((query, label, hits, statistics.median(times), max(times)))
    return out


def traps(bases: list[dict[str, Any]]) -> list[str]:
    """Hits of a trigram index and of a jieba-segmented index against a substring scan."""
    from gknlp.segment import cut_with_pos

    texts = [p["text"] for row in bases for key in ("problems", "measures") for p in row[key]]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE tri USING fts5(body, tokenize='trigram')")
    conn.execute("CREATE VIRTUAL TABLE seg USING fts5(body)")
    conn.executemany("INSERT INTO tri(body) VALUES (?)", [(t,) for t in texts])
    conn.executemany("INSERT INTO seg(body) VALUES (?)",
                     [(" ".join(w for w, _ in cut_with_pos(t)),) for t in texts])
    lines = []
    for word in ["培训", "解读", "复议", "公开", "政策解读"]:
        truth = sum(word in t for t in texts)
        tri = conn.execute("SELECT count(*) FROM tri WHERE tri MATCH ?", (f'"{word}"',)).fetchone()[0]
        seg = conn.execute("SELECT count(*) FROM seg WHERE seg MATCH ?", (f'"{word}"',)).fetchone()[0]
        lines.append(f"  {word:<6} substring {truth:>3}   trigram {tri:>3}   jieba-segmented {seg:>3}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20_000)
    parser.add_argument("--keep", type=Path, help="keep the database at this path")
    args = parser.parse_args()

    from gknlp.search import index_rows

    started = time.perf_counter()
    bases = base_rows()
    print(f"extracted {len(bases)} bundled reports in {time.perf_counter() - started:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        db = args.keep or Path(tmp) / "bench.sqlite"
        db.unlink(missing_ok=True)
        started = time.perf_counter()
        summary = index_rows(db, synthetic_rows(bases, args.reports))
        build = time.perf_counter() - started
        print(f"(a) index build: {summary.format().splitlines()[0]}")
        print(f"    {args.reports} reports in {build:.1f} s ({args.reports / build:.0f} reports/s), "
              f"file {db.stat().st_size / 1e6:.0f} MB  [target < 120 s]")
        print("(b) queries (limit 20; median / worst of 7 runs)  [target < 100 ms]")
        for query, label, hits, median, worst in time_queries(db):
            print(f"    {query:<12} {label:<40} {hits:>3} hits  {median:7.1f} ms  {worst:7.1f} ms")
        again = index_rows(db, itertools.islice(synthetic_rows(bases, args.reports), 100), optimize=False)
        print(f"    re-indexing 100 reports already in the index: {again.seconds:.2f} s "
              f"({again.replaced} replaced)")
    print("(c) traps on the bundled reports (points containing the word):")
    print("\n".join(traps(bases)))


if __name__ == "__main__":
    main()
