"""Score extraction against hand annotations, the way ``shared/tools/score.py`` does.

The reference scorer decides how the project is judged, so this module keeps
its matching rules exactly (greedy matching in gold order; quantities by
section, value, value_max and unit; trainings by sessions and attendees;
regulations by normalised title; points by text similarity ≥ 0.6 with
containment counting strongly) and adds what a developer needs on top: the
misses and false alarms behind every number.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from gknlp.errors import InputError

FACT_KINDS = ("quantities", "trainings", "regulations", "problems", "measures", "themes", "sections")
ACCURACY_KINDS = ("approx", "subject", "doc_number", "alias", "issuer", "year", "heading")

Item = dict[str, Any]


def normalise_for_match(s: str | None) -> str | None:
    """NFKC, no whitespace, ASCII angle brackets as 〈〉, outer 《》 stripped."""
    if s is None:
        return None
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"\s+", "", s)
    return s.replace("<", "〈").replace(">", "〉").strip("《》")


def normalise_doc_number(s: str | None) -> str | None:
    """A 文号 with its year in 〔〕 and no whitespace, for comparison."""
    if not s:
        return None
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"\s+", "", s)
    return re.sub(r"[\[【（(〔]\s*(\d{4})\s*[\]】）)〕]", r"〔\1〕", s)


def numbers_equal(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


def text_similarity(a: str | None, b: str | None) -> float:
    """SequenceMatcher ratio; one text containing the other scores above 0.5 plus the length ratio."""
    a, b = normalise_for_match(a) or "", normalise_for_match(b) or ""
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return min(len(a), len(b)) / max(len(a), len(b)) + 0.5
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass
class Counts:
    """True positives, false positives and false negatives of one fact kind."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def prf(self) -> tuple[float, float, float]:
        if self.tp + self.fp + self.fn == 0:  # nothing was measured: no credit
            return 0.0, 0.0, 0.0
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Scores:
    """Precision/recall/F1 per fact kind, attribute accuracies, and the errors behind them."""

    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in FACT_KINDS})
    accuracy: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in ACCURACY_KINDS})
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    wrong_attributes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The same keys and rounding as ``score.py --json``."""
        out: dict[str, Any] = {}
        for kind, counts in self.counts.items():
            p, r, f = counts.prf()
            out[kind] = {
                "p": round(p, 3),
                "r": round(r, 3),
                "f1": round(f, 3),
                "tp": counts.tp,
                "fp": counts.fp,
                "fn": counts.fn,
            }
        for kind, (right, total) in self.accuracy.items():
            out[kind + "_acc"] = round(right / total, 3) if total else None
        out["errors"] = list(self.errors)
        return out


def _match_greedy(golds: Sequence[Item], preds: Sequence[Item], same: Callable[[Item, Item], bool]) -> list[tuple[int, int]]:
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for gi, g in enumerate(golds):
        for pj, p in enumerate(preds):
            if pj not in used and same(g, p):
                used.add(pj)
                pairs.append((gi, pj))
                break
    return pairs


def _record(
    scores: Scores, kind: str, report: str, golds: Sequence[Item], preds: Sequence[Item], pairs: list[tuple[int, int]]
) -> None:
    scores.counts[kind].add(len(pairs), len(preds) - len(pairs), len(golds) - len(pairs))
    matched_gold = {g for g, _ in pairs}
    matched_pred = {p for _, p in pairs}
    for i, g in enumerate(golds):
        if i not in matched_gold:
            scores.misses.append(f"{report}: {kind}: {_describe(kind, g)}")
    for j, p in enumerate(preds):
        if j not in matched_pred:
            scores.false_alarms.append(f"{report}: {kind}: {_describe(kind, p)}")


def _describe(kind: str, item: Item) -> str:
    if kind == "quantities":
        return f"{item.get('text')} = {item.get('value')} {item.get('unit')} [{item.get('section')}]"
    if kind == "trainings":
        return f"{item.get('text')} (sessions {item.get('sessions')}, attendees {item.get('attendees')})"
    if kind == "regulations":
        return f"《{item.get('title')}》 {item.get('doc_number') or ''}".rstrip()
    text = str(item.get("text", ""))
    return text if len(text) <= 40 else text[:18] + "…" + text[-18:]


def _accuracy(scores: Scores, kind: str, right: bool, report: str, detail: str) -> None:
    scores.accuracy[kind][1] += 1
    scores.accuracy[kind][0] += int(right)
    if not right:
        scores.wrong_attributes.append(f"{report}: {kind}: {detail}")


def score_report(scores: Scores, gold: Item, pred: Item) -> None:
    """Add one report's comparison to ``scores`` (``pred`` is a contract JSON object)."""
    name = str(gold.get("file", "?"))
    gm, pm = gold.get("meta", {}), pred.get("meta") or {}
    _accuracy(scores, "issuer", normalise_for_match(gm.get("issuer")) == normalise_for_match(pm.get("issuer")),
              name, f"{pm.get('issuer')!r} for {gm.get('issuer')!r}")
    _accuracy(scores, "year", gm.get("year") == pm.get("year"), name, f"{pm.get('year')} for {gm.get('year')}")

    gold_sections = set(gold.get("sections", []))
    pred_sections = {s.get("id") for s in pred.get("sections") or []}
    scores.counts["sections"].add(
        len(gold_sections & pred_sections), len(pred_sections - gold_sections), len(gold_sections - pred_sections)
    )
    for missing in sorted(gold_sections - pred_sections):
        scores.misses.append(f"{name}: sections: {missing}")

    gq = gold.get("quantities", [])
    pq = [q for q in pred.get("quantities") or [] if q.get("section") in ("overview", "problems")]
    pairs = _match_greedy(
        gq,
        pq,
        lambda g, p: g["section"] == p.get("section")
        and numbers_equal(g["value"], p.get("value"))
        and numbers_equal(g.get("value_max"), p.get("value_max"))
        and normalise_for_match(g["unit"]) == normalise_for_match(p.get("unit") or ""),
    )
    _record(scores, "quantities", name, gq, pq, pairs)
    for gi, pj in pairs:
        g, p = gq[gi], pq[pj]
        _accuracy(scores, "approx", g["approx"] == p.get("approx"), name, f"{g['text']}: {p.get('approx')} for {g['approx']}")
        key = normalise_for_match(g["subject_key"]) or ""
        subject = normalise_for_match(p.get("subject") or "") or ""
        _accuracy(scores, "subject", bool(p.get("subject")) and key in subject, name,
                  f"{g['text']}: {p.get('subject')!r} lacks {g['subject_key']!r}")

    gt, pt = gold.get("trainings", []), pred.get("trainings") or []
    pairs = _match_greedy(gt, pt, lambda g, p: numbers_equal(g.get("sessions"), p.get("sessions"))
                          and numbers_equal(g.get("attendees"), p.get("attendees")))
    _record(scores, "trainings", name, gt, pt, pairs)

    gr, pr = gold.get("regulations", []), pred.get("regulations") or []
    pairs = _match_greedy(gr, pr, lambda g, p: normalise_for_match(g["title"]) == normalise_for_match(p.get("title") or ""))
    _record(scores, "regulations", name, gr, pr, pairs)
    for gi, pj in pairs:
        g, p = gr[gi], pr[pj]
        _accuracy(scores, "doc_number",
                  normalise_doc_number(g.get("doc_number")) == normalise_doc_number(p.get("doc_number")),
                  name, f"《{g['title']}》: {p.get('doc_number')!r} for {g.get('doc_number')!r}")
        if g.get("alias"):
            _accuracy(scores, "alias", normalise_for_match(g["alias"]) == normalise_for_match(p.get("alias")),
                      name, f"《{g['title']}》: {p.get('alias')!r} for {g['alias']!r}")

    for key in ("problems", "measures"):
        gl, pl = gold.get(key, []), pred.get(key) or []
        pairs = _match_greedy(gl, pl, lambda g, p: text_similarity(g["text"], p.get("text", "")) >= 0.6)
        _record(scores, key, name, gl, pl, pairs)
        for gi, pj in pairs:
            g, p = gl[gi], pl[pj]
            gold_themes, pred_themes = set(g.get("themes", [])), set(p.get("themes") or [])
            scores.counts["themes"].add(
                len(gold_themes & pred_themes), len(pred_themes - gold_themes), len(gold_themes - pred_themes)
            )
            if key == "measures" and g.get("heading"):
                _accuracy(scores, "heading", text_similarity(g["heading"], p.get("heading") or "") >= 0.8,
                          name, f"{p.get('heading')!r} for {g['heading']!r}")


def load_gold(gold_dir: Path) -> list[Item]:
    """Every gold annotation (``*.json`` with a ``file`` key) in ``gold_dir``, sorted by file name."""
    if not gold_dir.is_dir():
        raise InputError(f"no such gold directory: {gold_dir}")
    golds = []
    for path in sorted(gold_dir.glob("*.json")):
        try:
            item = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"not a gold annotation: {path}: {exc}") from None
        if isinstance(item, dict) and "file" in item:
            golds.append(item)
    if not golds:
        raise InputError(f"no gold annotations (*.json with a 'file' key) in {gold_dir}")
    return golds


def find_report(name: str, search_dirs: Iterable[Path]) -> Path | None:
    """The first ``search_dirs/name`` that exists."""
    for directory in search_dirs:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def evaluate(gold_dir: Path, report_dirs: Sequence[Path], *, themes: bool = True) -> Scores:
    """Extract every report annotated in ``gold_dir`` (found in ``report_dirs``) and score it.

    A report that is missing or fails to extract counts as an empty output,
    as in the reference scorer, and is listed in ``Scores.errors``.
    """
    from gknlp.errors import GknlpError
    from gknlp.pipeline import extract_file

    scores = Scores()
    for gold in load_gold(gold_dir):
        name = str(gold["file"])
        path = find_report(name, report_dirs)
        pred: Item = {}
        if path is None:
            scores.errors.append(f"{name}: report file not found")
        else:
            try:
                pred = extract_file(path, themes=themes).to_json()
            except GknlpError as exc:
                scores.errors.append(f"{name}: {exc}")
        score_report(scores, gold, pred)
    return scores


def score_predictions(gold_dir: Path, pred_dir: Path) -> Scores:
    """Score saved outputs (``PRED_DIR/<file>.json``) exactly as ``score.py GOLD_DIR PRED_DIR``."""
    scores = Scores()
    for gold in load_gold(gold_dir):
        pred_path = pred_dir / (str(gold["file"]) + ".json")
        try:
            pred = json.loads(pred_path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            scores.errors.append(f"{gold['file']}: no usable output ({type(exc).__name__})")
            pred = {}
        score_report(scores, gold, pred)
    return scores
