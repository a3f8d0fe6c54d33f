"""gknlp benchmark: ``make bench``.

Builds a corpus of varied reports from the bundled samples (numbers changed,
paragraphs of the narrative shuffled, issuer names swapped), then measures in
the same run:

  (a) plain ``jieba.lcut`` over the same texts (the baseline),
  (b) ``gknlp`` extraction per report in one process,
  (c) ``gknlp batch --jobs 2``,

and prints reports/s, MB/s, peak memory and the ratios (b)/(a) and (c)/(b),
plus the cold start of ``gknlp extract`` on one report against
``python -c "import jieba; jieba.initialize()"``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "corpora" / "samples"
NAMES = ["清河市", "云溪县", "双桥区", "临江市", "白石镇", "东湖区", "南山县", "北川市", "西岭县", "青松镇"]


def build_corpus(out: Path, count: int, seed: int = 7) -> list[Path]:
    """Write ``count`` varied UTF-8 reports into ``out``."""
    import gknlp

    rng = random.Random(seed)
    bases = [gknlp.extract_file(p).text for p in sorted(SAMPLES.iterdir()) if p.suffix in {".txt", ".html"}]
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        text = bases[i % len(bases)]
        text = re.sub(r"\d+", lambda m: str(max(1, int(m.group()) + rng.randint(-3, 3)))
                      if len(m.group()) != 4 else m.group(), text)
        lines = text.split("\n")
        body = [j for j, line in enumerate(lines) if len(line) > 60]
        shuffled = [lines[j] for j in body]
        rng.shuffle(shuffled)
        for j, line in zip(body, shuffled, strict=True):
            lines[j] = line
        text = "\n".join(lines)
        for name in NAMES:
            text = text.replace(name, rng.choice(NAMES))
        path = out / f"r{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def time_cmd(args: list[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=2000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        paths = build_corpus(corpus, args.reports)
        texts = [p.read_text("utf-8") for p in paths]
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        n = len(texts)
        results: dict[str, float] = {"reports": n, "megabytes": round(mb, 2)}

        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        started = time.perf_counter()
        for t in texts:
            jieba.lcut(t)
        a = time.perf_counter() - started

        from gknlp.pipeline import extract_file

        extract_file(paths[0])  # load rules, jieba lexicon and the theme model once, as a batch worker does
        started = time.perf_counter()
        for p in paths:
            extract_file(p)
        b = time.perf_counter() - started
        results["peak_mb_single_process"] = round(peak_mb(), 1)

        out = Path(tmp) / "out.jsonl"
        gknlp_bin = str(Path(sys.executable).parent / "gknlp")
        started = time.perf_counter()
        subprocess.run([gknlp_bin, "batch", str(corpus), "--out", str(out), "--jobs", "2", "--no-progress"],
                       check=True, capture_output=True)
        c = time.perf_counter() - started
        results["peak_mb_per_worker"] = round(peak_mb(resource.RUSAGE_CHILDREN), 1)

        for label, seconds in (("a_jieba", a), ("b_extract_1proc", b), ("c_batch_2jobs", c)):
            results[f"{label}_reports_per_s"] = round(n / seconds, 1)
            results[f"{label}_mb_per_s"] = round(mb / seconds, 3)
        results["ratio_b_over_a"] = round((n / b) / (n / a), 2)
        results["ratio_c_over_b"] = round((n / c) / (n / b), 2)

        cold = time_cmd([gknlp_bin, "extract", str(paths[0]), "--format", "json"])
        jieba_init = time_cmd([sys.executable, "-c", "import jieba; jieba.initialize()"])
        results["cold_start_extract_s"] = round(cold, 3)
        results["cold_start_jieba_init_s"] = round(jieba_init, 3)
        results["ratio_cold_start"] = round(cold / jieba_init, 2)

    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
