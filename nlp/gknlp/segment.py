"""The one place that builds the tokenizer: ``spacy.blank("zh")`` with jieba.

jieba is loaded lazily and taught the domain lexicon in ``rules/lexicon.toml``
so that terms such as 政务公开 or 依申请公开 stay whole. Other modules ask for
:func:`get_nlp` or :func:`cut_with_pos` and never build their own.

Start-up cost. Plain jieba spends about 0.45 s reading its prefix dictionary
(``marshal.load`` on its cache file in the temporary directory) and
``jieba.posseg`` another 0.3 s reading the part-of-speech tag of each of the
350,000 words of ``dict.txt`` at import. gknlp keeps the finished state instead
— jieba's prefix dictionary and total with the lexicon added, and posseg's
word→tag table — in one ``marshal`` file in its cache directory (see
:func:`cache_dir`), keyed by the jieba version, the dictionary file and the
lexicon, and installs it into ``jieba.dt`` / ``jieba.posseg.dt``: about 0.2 s.
The state is exactly what ``jieba.add_word`` over the default dictionary
gives (``tests/test_speed_invariants.py`` compares the segmentations). When no
cache directory is writable (a read-only home and /tmp), the state is built
in memory on every run: slower, never an error. jieba's own ``/tmp/jieba.cache``
is neither read nor written.

Run cost. posseg's pure-Python HMM is six times slower than ``jieba.lcut``;
its result depends only on the text, so results are remembered per process
(bounded LRU caches): per text (:func:`cut_with_pos`), per block between
punctuation, and per run of unknown characters. A word added to jieba after
:func:`cut_with_pos` has run would not reach remembered blocks: the lexicon is
the one way to teach jieba words.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import logging
import marshal
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gknlp.rules import load_rule_file

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

# bump when the layout of the cache file changes
_CACHE_FORMAT = 2
# cut_with_pos results kept per process: clauses and points repeat a lot
# (boilerplate), and a bounded cache keeps memory flat on long batch runs
_CUT_CACHE_SIZE = 8192
# a state made for another jieba or lexicon is deleted once unused this long
_STALE_SECONDS = 24 * 3600

_State = tuple[dict[str, int], int, dict[str, str]]


def rule_fires(rule_id: str, text: str) -> bool:
    """A lexicon entry fires when its words occur in ``text`` and jieba keeps each one whole."""
    rule = next(r for r in load_rule_file("lexicon.toml").all_rules() if r["id"] == rule_id)
    present = [word for word in rule["words"] if word in text]
    tokens = {word for word, _ in cut_with_pos(text)}
    return bool(present) and all(word in tokens for word in present)


def cache_dir() -> Path:
    """Where gknlp keeps its jieba state: ``$GKNLP_CACHE_DIR``, else ``$XDG_CACHE_HOME/gknlp``, else ``~/.cache/gknlp``."""
    if os.environ.get("GKNLP_CACHE_DIR"):
        return Path(os.environ["GKNLP_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gknlp"


def _lexicon() -> list[tuple[str, int, str]]:
    return [
        (word, int(entry.get("freq", 20000)), str(entry.get("pos", "n")))
        for entry in load_rule_file("lexicon.toml").rules("term")
        for word in entry["words"]
    ]


def _cache_path(jb: Any, lexicon: list[tuple[str, int, str]]) -> Path:
    dictionary = jb.dt.dictionary or os.path.join(os.path.dirname(jb.__file__), jb.DEFAULT_DICT_NAME)
    try:
        stat = os.stat(dictionary)
        identity: list[Any] = [str(dictionary), stat.st_size, stat.st_mtime_ns]
    except OSError:
        identity = [str(dictionary)]
    key = json.dumps(
        [_CACHE_FORMAT, marshal.version, jb.__version__, identity, lexicon], ensure_ascii=False
    ).encode("utf-8")
    return cache_dir() / f"jieba-{hashlib.sha256(key).hexdigest()[:20]}.marshal"


def _read_state(path: Path) -> _State | None:
    try:
        # read() then loads(): marshal.load on a file object is three times slower
        state = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if (
        isinstance(state, tuple) and len(state) == 3 and isinstance(state[0], dict)
        and isinstance(state[1], int) and isinstance(state[2], dict)
    ):
        return state
    log.debug("%s: not a gknlp jieba cache; rebuilding it", path)
    return None


def _write_state(path: Path, state: _State) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                marshal.dump(state, out)
            os.replace(temp, path)  # atomic: parallel workers never read half a file
        except BaseException:
            os.unlink(temp)
            raise
        # states made for another jieba or lexicon pile up as the lexicon is
        # edited; drop those unused for a day (not at once: two checkouts with
        # different lexicons may share the cache directory)
        for stale in path.parent.glob("jieba-*.marshal"):
            if stale != path and time.time() - stale.stat().st_atime > _STALE_SECONDS:
                stale.unlink(missing_ok=True)
    except OSError as exc:
        log.debug("cannot write the jieba cache %s (%s); building it in memory each run", path, exc)


def _build_state(jb: Any, lexicon: list[tuple[str, int, str]]) -> _State:
    """jieba's own way: the default dictionary, ``add_word`` for each term, posseg's tags."""
    dt = jb.dt
    dt.FREQ, dt.total = dt.gen_pfdict(dt.get_dict_file())  # what initialize() does, minus /tmp/jieba.cache
    dt.initialized = True
    for word, freq, pos in lexicon:
        jb.add_word(word, freq=freq, tag=pos)
    posseg = importlib.import_module("jieba.posseg")
    posseg.dt.makesure_userdict_loaded()
    # the tag table keyed by the prefix dictionary's own str objects, tags
    # interned: marshal then stores each word once and loads a quarter faster
    canonical = {word: word for word in dt.FREQ}
    tags = {canonical.get(word, word): sys.intern(tag) for word, tag in posseg.dt.word_tag_tab.items()}
    return dt.FREQ, dt.total, tags


def _install_state(jb: Any, state: _State, lexicon: list[tuple[str, int, str]]) -> None:
    freq, total, tags = state
    dt = jb.dt
    dt.FREQ, dt.total, dt.initialized = freq, total, True
    dt.user_word_tag_tab = {}  # already merged into the cached tags
    for word, count, _ in lexicon:
        if count == 0:  # the one effect of add_word outside the tables
            jb.finalseg.add_force_split(word)
    if "jieba.posseg" not in sys.modules:
        # importing jieba.posseg reads the tag of every word of dt's dictionary
        # file (0.3 s); point it at an empty file, the tags come from the cache
        dictionary = dt.dictionary
        dt.dictionary = os.devnull
        try:
            importlib.import_module("jieba.posseg")
        finally:
            dt.dictionary = dictionary
    importlib.import_module("jieba.posseg").dt.word_tag_tab = tags


def _import_jieba() -> Any:
    """``import jieba``, without the 0.07 s of importing pkg_resources.

    jieba 0.42 imports setuptools' (deprecated) pkg_resources only to open its
    own data files, and opens them by path when that import fails; so the
    import is made to fail, for the duration of jieba's import only.
    """
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        return importlib.import_module("jieba")
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # None in sys.modules: ImportError
    try:
        return importlib.import_module("jieba")
    finally:
        del sys.modules["pkg_resources"]


@functools.cache
def _jieba_posseg() -> Any:
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    lexicon = _lexicon()
    if jieba.dt.initialized:
        # someone already loaded jieba in this process: add the lexicon on top, as jieba does
        for word, freq, pos in lexicon:
            jieba.add_word(word, freq=freq, tag=pos)
        return _memoize_viterbi(importlib.import_module("jieba.posseg"))
    path = _cache_path(jieba, lexicon)
    state = _read_state(path) if path.is_file() else None
    if state is None:
        _write_state(path, _build_state(jieba, lexicon))
    else:
        _install_state(jieba, state, lexicon)
    return _memoize_viterbi(importlib.import_module("jieba.posseg"))


def _memoize_viterbi(posseg: Any) -> Any:
    """Remember posseg's HMM (pure-Python Viterbi) per run of unknown characters.

    The Viterbi path depends only on the run and posseg's constant tables, and
    the same runs (numbers with their measure words, names) recur from report
    to report, so this gives jieba's own result at a fraction of the cost.
    posseg looks ``viterbi`` up in its module globals at each call.
    """
    viterbi = posseg.viterbi
    if getattr(viterbi, "_gknlp_memo", False):
        return posseg
    tables = (posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)

    @functools.lru_cache(maxsize=_CUT_CACHE_SIZE)
    def remembered(obs: str) -> Any:
        return viterbi(obs, *tables)

    def memo(obs: str, *args: Any) -> Any:
        if all(a is t for a, t in zip(args, tables, strict=True)):
            prob, route = remembered(obs)
            return prob, list(route)  # a fresh list: callers own what they get
        return viterbi(obs, *args)

    memo._gknlp_memo = True  # type: ignore[attr-defined]
    posseg.viterbi = memo
    _memoize_blocks(posseg)
    return posseg


def _memoize_blocks(posseg: Any) -> None:
    """Remember posseg's words per block (a run of Han, Latin and digits between punctuation).

    ``POSTokenizer.__cut_DAG`` (prefix-dictionary DAG, best route, HMM for
    unknown runs) reads only its block and the fixed tables; point texts that
    differ in a number share most of their blocks.
    """
    dt = posseg.dt
    name = "_POSTokenizer__cut_DAG"  # the name-mangled private method, looked up on the instance
    if name in vars(dt):
        return
    cut_dag = getattr(dt, name)
    pair = posseg.pair

    @functools.lru_cache(maxsize=_CUT_CACHE_SIZE)
    def remembered(block: str) -> tuple[tuple[str, str], ...]:
        return tuple((p.word, p.flag) for p in cut_dag(block))

    def memo(block: str) -> list[Any]:
        return [pair(word, flag) for word, flag in remembered(block)]

    setattr(dt, name, memo)


@functools.lru_cache(maxsize=_CUT_CACHE_SIZE)
def _cut_cached(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((pair.word, pair.flag) for pair in _jieba_posseg().lcut(text))


def cut_with_pos(text: str) -> list[tuple[str, str]]:
    """jieba words with their part-of-speech tags, domain lexicon applied.

    The same text always gives the same (freshly copied) list; results are
    cached per process.
    """
    return list(_cut_cached(text))


@functools.cache
def get_nlp() -> Language:
    """The shared spaCy pipeline: ``spacy.blank("zh")`` segmenting with jieba."""
    import spacy

    _jieba_posseg()  # the lexicon must be in jieba before spaCy's tokenizer uses it
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
