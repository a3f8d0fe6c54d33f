"""Theme classifier for problem and measure points: train, save, load, predict.

The seventeen theme ids and their cue words live in ``rules/themes.toml``. Two
classifiers share that label set:

* the **cue-word baseline**: a theme applies when one of its cue words occurs
  in the point (:func:`rule_fires`, :func:`baseline_themes`);
* the **trained model**: TF-IDF over character 1–3-grams and jieba words
  (from :func:`gknlp.segment.cut_with_pos`) plus the 17 cue-word verdicts as
  features, into one-vs-rest logistic regression (liblinear, balanced, fixed
  seed). C, the cue-feature weight and a decision threshold per theme are
  chosen by 5-fold cross-validation on the training split's own folds. For each
  theme the model is kept only where its cross-validated F1 beats the
  baseline's; elsewhere the baseline decides that theme, and the metadata
  records which one is used.

The labelled corpus is ``corpora/themes/`` (``train.jsonl`` and a fixed
``heldout.jsonl`` that no model selection touches, see its README).

Training uses scikit-learn; inference does not. A model is stored as plain
arrays in ``models/themes/themes.npz`` (TF-IDF vocabularies in column order,
idf vectors, the 17 logistic regressions' coefficients and intercepts; read
with ``np.load(..., allow_pickle=False)``, never pickle) with ``themes.json``
beside it: the format version, the label set, the TF-IDF settings, the cue
weight, thresholds and which classifier decides each theme, the sha256 of the
training data and of the array file, and the library versions used to train
(information only). :class:`ThemeWeights` recomputes the TF-IDF transform and
the logistic regressions with numpy, to the same scores as the scikit-learn
pipeline (``tests/test_themes.py`` checks it on every held-out point).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from gknlp.errors import ModelError
from gknlp.model import Point
from gknlp.resources import models_dir
from gknlp.rules import load_rule_file

log = logging.getLogger(__name__)

RULE_FILE = "themes.toml"
# 2: plain arrays (.npz, no pickle) + JSON, scored with numpy; 1 was a skops file
MODEL_FORMAT = 2
MODEL_FILE = "themes.npz"
MAX_THEMES = 3
CV_FOLDS = 5
RANDOM_STATE = 0
# Hyper-parameters tried in the training split's CV (never on the held-out
# split): C of the logistic regressions, and the weight of the cue-word
# features next to the (L2-normalised) TF-IDF blocks.
C_GRID = (1.0, 3.0, 10.0)
CUE_WEIGHT_GRID = (0.25, 0.5, 1.0)
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(2, 15))  # 0.10 … 0.70
# the arrays of a model file, all required
ARRAY_NAMES = ("char_vocab", "char_idf", "word_vocab", "word_idf", "coef", "intercept")

Kind = Literal["problem", "measure"]
Decider = Literal["model", "baseline"]


# --------------------------------------------------------------------------- rules


@functools.cache
def theme_ids() -> tuple[str, ...]:
    """The seventeen theme ids, in the order of ``rules/themes.toml``."""
    return tuple(rule["id"] for rule in load_rule_file(RULE_FILE).rules("theme"))


@functools.cache
def _cues() -> dict[str, tuple[str, ...]]:
    return {rule["id"]: tuple(rule.get("cues", ())) for rule in load_rule_file(RULE_FILE).rules("theme")}


@functools.cache
def _cue_finders() -> dict[str, re.Pattern[str] | None]:
    # One search for all the cues of a theme (an alternation of literals finds
    # the same as ``any(cue in text)``): it runs for every theme on every point.
    return {
        theme: re.compile("|".join(re.escape(cue) for cue in cues)) if cues else None
        for theme, cues in _cues().items()
    }


def rule_fires(rule_id: str, text: str) -> bool:
    """Whether the cue-word baseline tags ``text`` with theme ``rule_id``."""
    finder = _cue_finders()[rule_id]
    return finder is not None and finder.search(text) is not None


def baseline_themes(text: str) -> list[str]:
    """Every theme whose cue words occur in ``text``, in rule-file order."""
    return [theme for theme in theme_ids() if rule_fires(theme, text)]


def cues_sha256() -> str:
    """sha256 of the cue lists: the trained model uses the cues as features."""
    return hashlib.sha256(json.dumps(_cues(), ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def point_text(heading: str | None, text: str) -> str:
    """The text a point is classified on: its heading (when it has one) and its body."""
    return f"{heading}。{text}" if heading else text


# --------------------------------------------------------------------------- corpus


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelledPoint:
    """One labelled point of ``corpora/themes/*.jsonl``."""

    text: str
    themes: tuple[str, ...]
    kind: Kind
    source: str
    fold: int | None = None


def read_split(corpus_dir: Path, split: Literal["train", "heldout"]) -> tuple[LabelledPoint, ...]:
    """The labelled points of one split, sorted by text so that training is reproducible.

    Raises:
        ModelError: the file is missing or a line is malformed or uses an unknown theme id.
    """
    path = Path(corpus_dir) / f"{split}.jsonl"
    if not path.is_file():
        raise ModelError(f"{path}: theme corpus file not found")
    known = set(theme_ids())
    points = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            point = LabelledPoint(
                text=str(raw["text"]), themes=tuple(raw["themes"]), kind=raw["kind"], source=str(raw["source"]),
                fold=raw.get("fold"),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{path}:{number}: malformed labelled point ({exc})") from None
        unknown = set(point.themes) - known
        if unknown or not point.themes:
            raise ModelError(f"{path}:{number}: themes must be 1-3 known ids, got {list(point.themes)}")
        points.append(point)
    return tuple(sorted(points, key=lambda p: (p.text, p.themes, p.kind, p.source)))


def training_sha256(corpus_dir: Path) -> str:
    """sha256 of the training split file (``train.jsonl``) as stored on disk."""
    path = Path(corpus_dir) / "train.jsonl"
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the training data ({exc.strerror})") from None


# --------------------------------------------------------------------------- features

# The two TF-IDF blocks, as scikit-learn builds them for training and as
# :class:`ThemeWeights` recomputes them at inference. Everything that changes a
# transform is spelled out (most equal sklearn's defaults) and stored in the
# metadata, so a model made with other settings is refused at load.
TFIDF_SETTINGS: dict[str, dict[str, Any]] = {
    "char": {
        "analyzer": "char", "ngram_range": (1, 3), "lowercase": True, "min_df": 2,
        "sublinear_tf": True, "use_idf": True, "smooth_idf": True, "norm": "l2", "binary": False,
    },
    "word": {
        "analyzer": "word", "ngram_range": (1, 1), "token_pattern": r"\S+", "lowercase": False, "min_df": 1,
        "sublinear_tf": True, "use_idf": True, "smooth_idf": True, "norm": "l2", "binary": False,
    },
}
# sklearn's CountVectorizer collapses runs of white space before taking char n-grams
_WHITE_SPACES = re.compile(r"\s\s+")
_WORD_TOKEN = re.compile(TFIDF_SETTINGS["word"]["token_pattern"])


@functools.lru_cache(maxsize=8192)  # CV featurises each text many times
def _words(text: str) -> str:
    from gknlp.segment import cut_with_pos

    # words joined by spaces so that a plain TfidfVectorizer (token_pattern \S+)
    # reads them back without a custom analyzer function
    return " ".join(word for word, _ in cut_with_pos(text) if word.strip())


def _char_ngrams(text: str) -> list[str]:
    """The char n-grams of sklearn's ``analyzer="char"`` (after lowercasing)."""
    low, high = TFIDF_SETTINGS["char"]["ngram_range"]
    text = _WHITE_SPACES.sub(" ", text.lower())
    return [text[i : i + n] for n in range(low, high + 1) for i in range(len(text) - n + 1)]


def _word_tokens(text: str) -> list[str]:
    """The tokens of sklearn's ``analyzer="word"`` over the jieba words (no lowercasing)."""
    return _WORD_TOKEN.findall(_words(text))


# --------------------------------------------------------------------------- training (scikit-learn)


def _make_estimators(c: float) -> dict[str, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    return {
        "char": TfidfVectorizer(**TFIDF_SETTINGS["char"]),
        "word": TfidfVectorizer(**TFIDF_SETTINGS["word"]),
        "clf": OneVsRestClassifier(
            LogisticRegression(
                solver="liblinear", C=c, class_weight="balanced", random_state=RANDOM_STATE
            )
        ),
    }


def _cue_matrix(texts: Sequence[str], weight: float) -> Any:
    from scipy.sparse import csr_matrix

    # the baseline's verdicts as features: the model learns when a cue word
    # really means its theme and when it is only mentioned
    hits = [[weight if rule_fires(t, text) else 0.0 for t in theme_ids()] for text in texts]
    return csr_matrix(np.array(hits, dtype=float).reshape(len(texts), len(theme_ids())))


def _features(estimators: dict[str, Any], texts: Sequence[str], cue_weight: float, *, fit: bool) -> Any:
    from scipy.sparse import hstack

    words = [_words(t) for t in texts]
    if fit:
        blocks = [estimators["char"].fit_transform(texts), estimators["word"].fit_transform(words)]
    else:
        blocks = [estimators["char"].transform(texts), estimators["word"].transform(words)]
    return hstack([*blocks, _cue_matrix(texts, cue_weight)]).tocsr()


def _fit(texts: Sequence[str], y: np.ndarray, c: float, cue_weight: float) -> dict[str, Any]:
    estimators = _make_estimators(c)
    estimators["clf"].fit(_features(estimators, texts, cue_weight, fit=True), y)
    return estimators


def _probabilities(estimators: dict[str, Any], texts: Sequence[str], cue_weight: float) -> np.ndarray:
    """scikit-learn's probabilities (training and CV; inference uses :class:`ThemeWeights`)."""
    if not texts:
        return np.zeros((0, len(theme_ids())))
    return np.asarray(estimators["clf"].predict_proba(_features(estimators, texts, cue_weight, fit=False)))


# --------------------------------------------------------------------------- inference (numpy only)


@dataclass(frozen=True, eq=False)
class ThemeWeights:
    """The fitted model as plain arrays; scores texts with numpy alone (no scikit-learn).

    Reproduces ``TfidfVectorizer.transform`` (char and word blocks, sublinear
    tf, idf, l2 norm), the cue block and one-vs-rest logistic regression
    (``expit(x · coef + intercept)``) of the training pipeline.
    """

    char_vocab: dict[str, int]
    char_idf: np.ndarray
    word_vocab: dict[str, int]
    word_idf: np.ndarray
    coef: np.ndarray  # (n_labels, n_char + n_word + n_labels)
    intercept: np.ndarray  # (n_labels,)
    cue_weight: float

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], cue_weight: float) -> ThemeWeights:
        """Build from the arrays of :meth:`arrays`; raises ValueError on inconsistent shapes."""
        char_terms = [str(t) for t in arrays["char_vocab"].tolist()]
        word_terms = [str(t) for t in arrays["word_vocab"].tolist()]
        coef = np.ascontiguousarray(arrays["coef"], dtype=np.float64)
        intercept = np.ascontiguousarray(arrays["intercept"], dtype=np.float64)
        n_labels = len(theme_ids())
        width = len(char_terms) + len(word_terms) + n_labels
        if (
            coef.shape != (n_labels, width) or intercept.shape != (n_labels,)
            or arrays["char_idf"].shape != (len(char_terms),) or arrays["word_idf"].shape != (len(word_terms),)
        ):
            raise ValueError("array shapes do not fit together")
        return cls(
            char_vocab={t: i for i, t in enumerate(char_terms)},
            char_idf=np.asarray(arrays["char_idf"], dtype=np.float64),
            word_vocab={t: i for i, t in enumerate(word_terms)},
            word_idf=np.asarray(arrays["word_idf"], dtype=np.float64),
            coef=coef,
            intercept=intercept,
            cue_weight=float(cue_weight),
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays that are stored (vocabularies in column order, i.e. sorted)."""
        return {
            "char_vocab": np.array(sorted(self.char_vocab, key=self.char_vocab.__getitem__), dtype=str),
            "char_idf": self.char_idf,
            "word_vocab": np.array(sorted(self.word_vocab, key=self.word_vocab.__getitem__), dtype=str),
            "word_idf": self.word_idf,
            "coef": self.coef,
            "intercept": self.intercept,
        }

    @functools.cached_property
    def _lookup(self) -> tuple[np.ndarray, np.ndarray]:
        # idf of every column (char block, then word block) and the coefficients
        # feature-major, so that one row gather scores a text
        return np.concatenate([self.char_idf, self.word_idf]), np.ascontiguousarray(self.coef.T)

    def _columns(self, text: str) -> tuple[list[int], list[int], list[int]]:
        """The in-vocabulary columns of ``text`` (char terms, word terms, one per occurrence) and its cue columns."""
        char_get, word_get = self.char_vocab.get, self.word_vocab.get
        offset = len(self.char_vocab)
        chars = [j for term in _char_ngrams(text) if (j := char_get(term)) is not None]
        words = [j + offset for term in _word_tokens(text) if (j := word_get(term)) is not None]
        offset += len(self.word_vocab)
        cues = [offset + j for j, theme in enumerate(theme_ids()) if rule_fires(theme, text)]
        return chars, words, cues

    def vector(self, text: str) -> tuple[list[int], list[float]]:
        """The sparse feature vector of ``text``: columns and values of the char, word and cue blocks."""
        matrix = self._matrix([text])
        return matrix[1].tolist(), matrix[2].tolist()

    def _matrix(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The feature matrix of ``texts`` as (row, column, value) arrays, sorted by row then column.

        TfidfVectorizer.transform for each block (counts of in-vocabulary terms,
        sublinear tf times idf, l2-normalised per row), then the cue block,
        computed for all texts at once: per term, Python does a dict lookup
        only and numpy does the arithmetic.
        """
        idf = self._lookup[0]
        blocks: list[int] = []  # text i's char block is 2i, its word block 2i + 1
        terms: list[int] = []
        cue_rows: list[int] = []
        cue_columns: list[int] = []
        for i, text in enumerate(texts):
            chars, words, cues = self._columns(text)
            blocks += [2 * i] * len(chars) + [2 * i + 1] * len(words)
            terms += chars + words
            cue_rows += [i] * len(cues)
            cue_columns += cues
        width = len(idf)
        keys, counts = np.unique(np.array(blocks, dtype=np.int64) * width + np.array(terms, dtype=np.int64),
                                 return_counts=True)
        block, column = np.divmod(keys, width)
        values = (np.log(counts) + 1.0) * idf[column]
        norms = np.sqrt(np.bincount(block, weights=values * values, minlength=2 * len(texts)))
        values /= norms[block]  # a block with a term has a positive norm: idf > 0
        rows = np.concatenate([block // 2, np.array(cue_rows, dtype=np.int64)])
        columns = np.concatenate([column, np.array(cue_columns, dtype=np.int64)])
        values = np.concatenate([values, np.full(len(cue_columns), self.cue_weight)])
        order = np.lexsort((columns, rows))
        return rows[order], columns[order], values[order]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """The probability of every theme: a (len(texts), n_labels) array."""
        coef_t = self._lookup[1]
        rows, columns, values = self._matrix(texts)
        out = np.tile(self.intercept, (len(texts), 1))
        np.add.at(out, rows, values[:, None] * coef_t[columns])
        with np.errstate(over="ignore"):  # exp overflow gives probability 0, as expit does
            return 1.0 / (1.0 + np.exp(-out))


def _export(estimators: dict[str, Any], cue_weight: float) -> ThemeWeights:
    """The arrays of a fitted sklearn pipeline (see :func:`_make_estimators`)."""
    from sklearn.linear_model import LogisticRegression

    for name in ("char", "word"):
        params = estimators[name].get_params()
        for key, value in TFIDF_SETTINGS[name].items():
            if params[key] != value:
                raise ModelError(f"theme model: {name} vectorizer has {key}={params[key]!r}, expected {value!r}")
        for key in ("preprocessor", "tokenizer", "stop_words", "strip_accents", "vocabulary"):
            if params[key] is not None:
                raise ModelError(f"theme model: {name} vectorizer sets {key}, which inference does not support")
    members = estimators["clf"].estimators_
    if len(members) != len(theme_ids()) or not all(isinstance(m, LogisticRegression) for m in members):
        raise ModelError("theme model: expected one logistic regression per theme")

    def vocab(name: str) -> dict[str, int]:
        return {str(term): int(j) for term, j in estimators[name].vocabulary_.items()}

    return ThemeWeights(
        char_vocab=vocab("char"),
        char_idf=np.asarray(estimators["char"].idf_, dtype=np.float64),
        word_vocab=vocab("word"),
        word_idf=np.asarray(estimators["word"].idf_, dtype=np.float64),
        coef=np.ascontiguousarray(np.vstack([m.coef_ for m in members]), dtype=np.float64),
        intercept=np.ascontiguousarray(np.concatenate([m.intercept_ for m in members]), dtype=np.float64),
        cue_weight=float(cue_weight),
    )


@dataclass(frozen=True, slots=True)
class ThemeModel:
    """A trained theme classifier with its per-theme thresholds and deciders."""

    labels: tuple[str, ...]
    thresholds: dict[str, float]
    deciders: dict[str, Decider]
    metadata: dict[str, Any]
    weights: ThemeWeights

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """The model's probability for every theme: a (len(texts), 17) array."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        return self.weights.probabilities(texts)

    def decide(self, texts: Sequence[str], probs: np.ndarray) -> np.ndarray:
        """Which themes apply: probability >= threshold, or a cue word for baseline themes."""
        decided = np.zeros(probs.shape, dtype=bool)
        for j, theme in enumerate(self.labels):
            if self.deciders[theme] == "baseline":
                decided[:, j] = [isinstance(t, str) and rule_fires(theme, t) for t in texts]
            else:
                decided[:, j] = probs[:, j] >= self.thresholds[theme]
        return decided

    def predict(self, texts: Sequence[str], max_themes: int = MAX_THEMES) -> list[list[tuple[str, float]]]:
        """The themes of each text with the model's scores, best (highest score) first.

        At most ``max_themes`` per text. A text for which no theme applies gets
        its single best theme relative to the thresholds: every point is about
        something. Empty text gets no theme.
        """
        probs = self.scores(texts)
        decided = self.decide(texts, probs)
        limits = np.array([self.thresholds[t] for t in self.labels])
        out: list[list[tuple[str, float]]] = []
        for text, row, row_decided in zip(texts, probs, decided, strict=True):
            if not isinstance(text, str) or not text.strip():
                out.append([])
                continue
            chosen = [int(j) for j in np.flatnonzero(row_decided)]
            if not chosen:
                chosen = [int(np.argmax(row / limits))]
            chosen.sort(key=lambda j: (-row[j], j))
            out.append([(self.labels[j], round(float(row[j]), 4)) for j in chosen[:max_themes]])
        return out

    def tag_points(self, points: Sequence[Point]) -> tuple[Point, ...]:
        """Copies of ``points`` with ``themes`` (best first, at most 3) and their ``scores``."""
        return tag_points(points, self)


def _binarize(points: Sequence[LabelledPoint], labels: Sequence[str]) -> np.ndarray:
    index = {t: j for j, t in enumerate(labels)}
    y = np.zeros((len(points), len(labels)), dtype=int)
    for i, point in enumerate(points):
        for theme in point.themes:
            y[i, index[theme]] = 1
    return y


def _f1(truth: np.ndarray, pred: np.ndarray) -> float:
    tp = int(np.sum(truth & pred))
    denominator = int(np.sum(truth)) + int(np.sum(pred))
    return 2 * tp / denominator if denominator else 0.0


def _cv_splits(points: Sequence[LabelledPoint]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The CV folds: the corpus's own ``fold`` field when every point has one.

    The corpus builder puts composite points made from the same hand-written
    fragment into the same fold, so the folds do not leak; without that field
    a shuffled KFold (with a fixed seed) is used.
    """
    from sklearn.model_selection import KFold

    folds = [p.fold for p in points if p.fold is not None]
    if len(folds) == len(points) and len(set(folds)) >= 2:
        array = np.array(folds)
        return [(np.flatnonzero(array != f), np.flatnonzero(array == f)) for f in sorted(set(folds))]
    splitter = KFold(n_splits=CV_FOLDS, shuffle=True, random_state=RANDOM_STATE)
    return list(splitter.split(np.zeros(len(points))))


def _select(
    labels: Sequence[str], y: np.ndarray, oof: np.ndarray, base: np.ndarray
) -> tuple[dict[str, float], dict[str, Decider], dict[str, dict[str, float]], float]:
    """Per theme: the best threshold, model or baseline, their CV F1s; and the combined micro F1."""
    thresholds: dict[str, float] = {}
    deciders: dict[str, Decider] = {}
    cv: dict[str, dict[str, float]] = {}
    combined = np.zeros_like(y)
    for j, theme in enumerate(labels):
        best = max(THRESHOLD_GRID, key=lambda th: (_f1(y[:, j], (oof[:, j] >= th).astype(int)), -abs(th - 0.5)))
        model_pred = (oof[:, j] >= best).astype(int)
        model_f1, baseline_f1 = _f1(y[:, j], model_pred), _f1(y[:, j], base[:, j])
        deciders[theme] = "model" if model_f1 > baseline_f1 else "baseline"
        thresholds[theme] = best if deciders[theme] == "model" else 0.5
        combined[:, j] = model_pred if deciders[theme] == "model" else base[:, j]
        cv[theme] = {"model_f1": round(model_f1, 4), "baseline_f1": round(baseline_f1, 4)}
    return thresholds, deciders, cv, _f1(y.ravel(), combined.ravel())


def train(corpus_dir: Path) -> ThemeModel:
    """Train the theme model on ``corpus_dir/train.jsonl`` (never reads the held-out split).

    C and the cue weight (best CV micro F1 over ``C_GRID`` × ``CUE_WEIGHT_GRID``)
    and the thresholds come from out-of-fold probabilities of a 5-fold CV; in
    the same folds the model is compared with the cue-word baseline theme by theme.
    Deterministic: the same data gives the same model.
    """
    import scipy
    import sklearn

    corpus_dir = Path(corpus_dir)
    points = read_split(corpus_dir, "train")
    labels = theme_ids()
    texts = [p.text for p in points]
    y = _binarize(points, labels)
    missing = [t for j, t in enumerate(labels) if y[:, j].sum() < CV_FOLDS]
    if missing:
        raise ModelError(f"{corpus_dir}/train.jsonl: too few positives to train themes {missing}")

    splits = _cv_splits(points)
    base = np.array([[rule_fires(t, text) for t in labels] for text in texts], dtype=int)
    runs = []
    for c in C_GRID:
        for cue_weight in CUE_WEIGHT_GRID:
            oof = np.zeros(y.shape)
            for fit_idx, test_idx in splits:
                estimators = _fit([texts[i] for i in fit_idx], y[fit_idx], c, cue_weight)
                oof[test_idx] = _probabilities(estimators, [texts[i] for i in test_idx], cue_weight)
            runs.append((_select(labels, y, oof, base), c, cue_weight))
    # best CV micro F1; ties go to the simpler model (smaller C, lighter cues)
    (thresholds, deciders, cv, micro), c, cue_weight = max(
        runs, key=lambda r: (round(r[0][3], 6), -r[1], -r[2])
    )
    log.info("theme model: C=%s cue_weight=%s CV micro F1 %.4f", c, cue_weight, micro)
    estimators = _fit(texts, y, c, cue_weight)
    metadata: dict[str, Any] = {
        "format": MODEL_FORMAT,
        "labels": list(labels),
        "train_sha256": training_sha256(corpus_dir),
        "train_points": len(points),
        # information only: inference needs numpy alone (the format version is checked)
        "versions": {"sklearn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__},
        "features": "tfidf char 1-3 + jieba words, sublinear tf",
        "tfidf": _json_settings(),
        "classifier": f"one-vs-rest LogisticRegression(liblinear, C={c}, class_weight=balanced)",
        "C": c,
        "cue_weight": cue_weight,
        "cues_sha256": cues_sha256(),
        "cv_folds": len(splits),
        "cv_micro_f1": round(micro, 4),
        "cv_grid": [{"C": rc, "cue_weight": rw, "micro_f1": round(r[3], 4)} for r, rc, rw in runs],
        "random_state": RANDOM_STATE,
        "thresholds": thresholds,
        "deciders": deciders,
        "cv_f1": cv,
    }
    return ThemeModel(
        labels=labels, thresholds=thresholds, deciders=deciders, metadata=metadata,
        weights=_export(estimators, cue_weight),
    )


# --------------------------------------------------------------------------- storage


def default_model_path() -> Path:
    """``models/themes/themes.npz`` (its metadata is ``themes.json`` beside it)."""
    return models_dir() / "themes" / MODEL_FILE


def metadata_path(path: Path) -> Path:
    """The metadata JSON that belongs to a model file."""
    return Path(path).with_suffix(".json")


def _json_settings() -> dict[str, Any]:
    # the TF-IDF settings as they read back from JSON (tuples become lists)
    loaded: dict[str, Any] = json.loads(json.dumps(TFIDF_SETTINGS))
    return loaded


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An ``.npz`` that ``np.load(..., allow_pickle=False)`` reads, byte-for-byte reproducible.

    ``np.savez`` stamps each member with the current time; here every member
    gets a fixed date and the same attributes, so the same model gives the same
    file (and the same sha256 in the metadata).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue(), compresslevel=9)
    return buffer.getvalue()


def save_model(model: ThemeModel, path: Path | None = None) -> Path:
    """Write the model's arrays (``.npz``) and its metadata (JSON beside it); returns the model path."""
    path = Path(path) if path is not None else default_model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = _npz_bytes(model.weights.arrays())
    path.write_bytes(data)
    metadata = {
        **model.metadata,
        "format": MODEL_FORMAT,
        "tfidf": _json_settings(),
        "model_sha256": hashlib.sha256(data).hexdigest(),
    }
    metadata_path(path).write_text(json.dumps(metadata, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8")
    _load_cached.cache_clear()
    _load_default.cache_clear()
    return path


def _read_model(path: Path) -> ThemeModel:
    # never imports scikit-learn, scipy or skops: plain arrays, scored with numpy
    meta_path = metadata_path(path)
    if not path.is_file():
        raise ModelError(f"{path}: theme model not found (run `gknlp train`)")
    try:
        metadata = json.loads(meta_path.read_text("utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{meta_path}: theme model metadata not found (run `gknlp train`)") from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"{meta_path}: unreadable theme model metadata ({exc})") from None
    if not isinstance(metadata, dict) or metadata.get("format") != MODEL_FORMAT:
        found = metadata.get("format") if isinstance(metadata, dict) else None
        raise ModelError(
            f"{meta_path}: theme model format {found!r}, this gknlp reads format {MODEL_FORMAT}; "
            "retrain (`gknlp train`)"
        )
    if tuple(metadata.get("labels", ())) != theme_ids():
        raise ModelError(f"{path}: made for another label set than rules/{RULE_FILE}; retrain (`gknlp train`)")
    if metadata.get("cues_sha256") != cues_sha256():
        raise ModelError(f"{path}: the cue words in rules/{RULE_FILE} changed since training; retrain")
    if metadata.get("tfidf") != _json_settings():
        raise ModelError(f"{path}: made with other TF-IDF settings than this gknlp computes; retrain")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != metadata.get("model_sha256"):
        raise ModelError(f"{path}: model file does not match its metadata (corrupt or replaced); retrain")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            missing = sorted(set(ARRAY_NAMES) - set(archive.files))
            if missing:
                raise ModelError(f"{path}: theme model file lacks arrays {missing}")
            arrays = {name: archive[name] for name in ARRAY_NAMES}
        weights = ThemeWeights.from_arrays(arrays, float(metadata["cue_weight"]))
        thresholds = {t: float(metadata["thresholds"][t]) for t in theme_ids()}
        deciders: dict[str, Decider] = {t: metadata["deciders"][t] for t in theme_ids()}
    except ModelError:
        raise
    except Exception as exc:  # numpy and zipfile raise many kinds of errors on a damaged file
        raise ModelError(f"{path}: cannot load theme model ({type(exc).__name__}: {exc})") from None
    if set(deciders.values()) - {"model", "baseline"}:
        raise ModelError(f"{meta_path}: unknown decider in {sorted(set(deciders.values()))}")
    return ThemeModel(labels=theme_ids(), thresholds=thresholds, deciders=deciders, metadata=metadata, weights=weights)


@functools.cache
def _load_cached(path: Path) -> ThemeModel:
    return _read_model(path)


def load_model(path: Path | None = None) -> ThemeModel:
    """Load a saved model once per process (default ``models/themes/themes.npz``).

    Needs numpy only (scikit-learn is for training). Raises:
        ModelError: the file or its metadata is missing or corrupt, or the model is
            of another format version, for another label set or cue words, or
            was made with other TF-IDF settings.
    """
    if path is None:
        return _load_default()
    return _load_cached(Path(path).resolve())


@functools.cache
def _load_default() -> ThemeModel:
    # once per process: resolving the default path costs more than classifying a point
    return _load_cached(default_model_path().resolve())


def tag_points(points: Sequence[Point], model: ThemeModel | None = None) -> tuple[Point, ...]:
    """Copies of ``points`` with ``themes`` (best first, at most 3) and ``scores`` filled.

    Classifies each point on its heading plus its text; uses the default model
    when ``model`` is None.
    """
    if not points:
        return ()
    model = model if model is not None else load_model()
    predictions = model.predict([point_text(p.heading, p.text) for p in points])
    return tuple(
        replace(point, themes=tuple(t for t, _ in found), scores=dict(found))
        for point, found in zip(points, predictions, strict=True)
    )


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeScore:
    """Precision, recall and F1 of one theme (or of a micro average)."""

    theme: str
    support: int
    precision: float
    recall: float
    f1: float


def _score(theme: str, truth: np.ndarray, pred: np.ndarray) -> ThemeScore:
    tp = int(np.sum(truth & pred))
    n_pred, n_true = int(np.sum(pred)), int(np.sum(truth))
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_true if n_true else 0.0
    return ThemeScore(theme=theme, support=n_true, precision=precision, recall=recall, f1=_f1(truth, pred))


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeEval:
    """Held-out scores of the model and of the cue-word baseline."""

    subset: str
    points: int
    model_micro: ThemeScore
    baseline_micro: ThemeScore
    model_macro_f1: float
    baseline_macro_f1: float
    model: tuple[ThemeScore, ...]
    baseline: tuple[ThemeScore, ...]
    deciders: dict[str, Decider]

    def format_table(self) -> str:
        """A plain-text table: one row per theme, then micro and macro averages."""
        lines = [
            f"held-out theme evaluation: {self.subset} ({self.points} points)",
            f"{'theme':<16}{'n':>4}  {'model P':>7} {'R':>5} {'F1':>5}   {'cues P':>6} {'R':>5} {'F1':>5}  used",
        ]
        for m, b in zip(self.model, self.baseline, strict=True):
            lines.append(
                f"{m.theme:<16}{m.support:>4}  {m.precision:>7.3f} {m.recall:>5.3f} {m.f1:>5.3f}"
                f"   {b.precision:>6.3f} {b.recall:>5.3f} {b.f1:>5.3f}  {self.deciders.get(m.theme, '')}"
            )
        m, b = self.model_micro, self.baseline_micro
        lines.append(
            f"{'micro':<16}{m.support:>4}  {m.precision:>7.3f} {m.recall:>5.3f} {m.f1:>5.3f}"
            f"   {b.precision:>6.3f} {b.recall:>5.3f} {b.f1:>5.3f}"
        )
        lines.append(f"{'macro F1':<16}{'':>4}  {'':>7} {'':>5} {self.model_macro_f1:>5.3f}"
                     f"   {'':>6} {'':>5} {self.baseline_macro_f1:>5.3f}")
        return "\n".join(lines)


def gold_points(gold_dir: Path) -> tuple[LabelledPoint, ...]:
    """The problems and measures of hand-annotated reports (``<report>.json`` in the
    contract's gold format) as labelled points, with source ``seed:<file>``.

    The seed reports' points are held out this way rather than copied into the
    corpus: their text stays where the seeds live.
    """
    known = set(theme_ids())
    points = []
    for path in sorted(Path(gold_dir).glob("*.json")):
        try:
            gold = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: not a gold annotation ({exc})") from None
        kinds: tuple[tuple[str, Kind], ...] = (("problems", "problem"), ("measures", "measure"))
        for key, kind in kinds:
            for point in gold.get(key, []) if isinstance(gold, dict) else []:
                labels = tuple(t for t in point.get("themes", []) if t in known)
                if labels:
                    text = point_text(point.get("heading"), point["text"])
                    points.append(LabelledPoint(text=text, themes=labels, kind=kind, source=f"seed:{path.name}"))
    return tuple(sorted(points, key=lambda p: (p.text, p.themes, p.kind, p.source)))


def evaluate_heldout(
    corpus_dir: Path,
    model: ThemeModel | None = None,
    source_prefix: str = "",
    seeds_dir: Path | None = None,
) -> ThemeEval:
    """Score the model and the cue-word baseline on ``corpus_dir/heldout.jsonl``
    plus, when ``seeds_dir`` is given, the points of the gold seed reports there.

    ``source_prefix`` restricts the evaluation to points whose source starts
    with it (``"seed:"`` for the real seed points, ``"authored"`` for the rest).
    The model's output is capped at 3 themes, as in :func:`tag_points`.
    Macro F1 averages the themes with at least one held-out positive.
    """
    model = model if model is not None else load_model()
    held = read_split(Path(corpus_dir), "heldout") + (gold_points(seeds_dir) if seeds_dir is not None else ())
    points = [p for p in held if p.source.startswith(source_prefix)]
    labels = model.labels
    truth = _binarize(points, labels)
    found = model.predict([p.text for p in points])
    index = {t: j for j, t in enumerate(labels)}
    pred = np.zeros_like(truth)
    for i, themes in enumerate(found):
        for theme, _ in themes:
            pred[i, index[theme]] = 1
    base = np.array([[rule_fires(t, p.text) for t in labels] for p in points], dtype=int).reshape(truth.shape)
    model_rows = tuple(_score(t, truth[:, j], pred[:, j]) for j, t in enumerate(labels))
    base_rows = tuple(_score(t, truth[:, j], base[:, j]) for j, t in enumerate(labels))
    present = [j for j in range(len(labels)) if truth[:, j].any()]

    def macro(rows: tuple[ThemeScore, ...]) -> float:
        return float(np.mean([rows[j].f1 for j in present])) if present else 0.0

    return ThemeEval(
        subset=source_prefix or "all",
        points=len(points),
        model_micro=_score("micro", truth.ravel(), pred.ravel()),
        baseline_micro=_score("micro", truth.ravel(), base.ravel()),
        model_macro_f1=macro(model_rows),
        baseline_macro_f1=macro(base_rows),
        model=model_rows,
        baseline=base_rows,
        deciders=dict(model.deciders),
    )
