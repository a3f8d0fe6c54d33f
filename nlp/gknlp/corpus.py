"""Many reports at once: find the inputs, extract them in worker processes, stream the results.

``run_batch`` is the library call behind ``gknlp batch``. Results are written
as they arrive (memory stays flat however many files there are), a bad file
becomes an error row and the run goes on, and ``resume`` skips every file whose
content hash is already in the output, so an interrupted run loses nothing and
repeats nothing.

Outputs: JSONL (one contract object per report, or an error row), or a folder
of Parquet tables (``results.parquet/reports/part-….parquet`` …) keyed by the
report's sha256, for pandas, R or DuckDB.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import logging
import os
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from gknlp.errors import GknlpError, InputError

log = logging.getLogger(__name__)

REPORT_SUFFIXES = frozenset({".txt", ".html", ".htm", ".docx", ".pdf"})
ERROR_SCHEMA = "gknlp.error/1"

Row = dict[str, Any]


# --------------------------------------------------------------------------- inputs


def iter_report_paths(inputs: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, files under folders (recursively, report suffixes only), and glob matches.

    A name that matches nothing is yielded as it is, so that it becomes an
    error row rather than vanishing.
    """
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES and not _hidden(p, path)
            )
        elif path.exists():
            yield path
        else:
            matches = sorted(glob.glob(str(item), recursive=True))
            if not matches:
                yield path
            for match in matches:
                if Path(match).is_file():
                    yield Path(match)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def file_sha256(path: Path) -> str | None:
    """The sha256 of a file's bytes, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


# --------------------------------------------------------------------------- one report


def extract_row(path: str, include_text: bool = False) -> Row:
    """Extract one file into a contract object, or an error row; never raises.

    With ``include_text`` the row also carries the normalised ``text`` that its
    offsets refer to (what ``gknlp index`` needs to find commitments anywhere).
    """
    from gknlp.pipeline import extract_file

    try:
        report = extract_file(path)
        row = report.to_json()
        if include_text:
            row["text"] = report.text
        return row
    except GknlpError as exc:
        return error_row(path, str(exc))
    except Exception as exc:  # a bug must not stop a batch of thousands: record it and go on
        log.exception("internal error on %s", path)
        return error_row(path, f"internal error: {type(exc).__name__}: {exc}")


def error_row(path: str, message: str, sha256: str | None = None) -> Row:
    """The row that stands for a file that could not be extracted."""
    return {"schema": ERROR_SCHEMA, "path": path, "sha256": sha256 or file_sha256(Path(path)), "error": message}


def is_error(row: Row) -> bool:
    return row.get("schema") == ERROR_SCHEMA


def _warm_up() -> None:
    """Load rules, jieba and the theme model once per worker, not once per report."""
    from gknlp.pipeline import extract_text

    with contextlib.suppress(GknlpError):
        extract_text("一、总体情况\n本年度主动公开政府信息12条。\n五、存在的主要问题及改进情况\n一是宣传不够。")


# --------------------------------------------------------------------------- writers


class ResultWriter(Protocol):
    def done_hashes(self) -> set[str]: ...
    def write(self, row: Row) -> None: ...
    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a worker sends back for one report: the row, or the row already as a JSON line."""

    path: str
    error: str | None
    warned: bool
    row: Row | None = None
    line: str | None = None
    year_of_body: tuple[str, int, str] | None = None  # see :func:`year_of_body`


def extract_outcomes(paths: Sequence[str], include_text: bool, as_lines: bool) -> list[Outcome]:
    """Extract a chunk of files in a worker; ``as_lines`` serialises each row there."""
    out = []
    for path in paths:
        row = extract_row(path, include_text)
        error = str(row["error"]) if is_error(row) else None
        warned = bool(row.get("warnings"))
        entry = year_of_body(row)
        if as_lines:
            out.append(Outcome(path, error, warned, line=json.dumps(row, ensure_ascii=False), year_of_body=entry))
        else:
            out.append(Outcome(path, error, warned, row=row, year_of_body=entry))
    return out


class JsonlWriter:
    """One JSON object per line (``ensure_ascii=False``); appends when resuming."""

    def __init__(self, path: Path, *, resume: bool, on_earlier_row: Callable[[Row], None] | None = None) -> None:
        self.path = path
        self._done: set[str] = set()
        self._on_earlier_row = on_earlier_row
        if resume and path.exists():
            self._done = self._read_done()
        elif path.exists():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("a", encoding="utf-8")

    def _read_done(self) -> set[str]:
        done: set[str] = set()
        good_bytes = 0
        with self.path.open("rb") as handle:
            for line in handle:
                try:
                    row = json.loads(line)
                except ValueError:
                    break  # a line cut off by an interruption: drop it and what follows
                if not line.endswith(b"\n"):
                    break
                good_bytes += len(line)
                if not isinstance(row, dict):
                    continue
                if self._on_earlier_row is not None:
                    self._on_earlier_row(row)
                sha = row.get("sha256") or (row.get("source") or {}).get("sha256")
                if sha:
                    done.add(sha)
        if good_bytes < self.path.stat().st_size:
            log.warning("%s: dropping an incomplete last line left by an interrupted run", self.path)
            with self.path.open("rb+") as handle:
                handle.truncate(good_bytes)
        return done

    def done_hashes(self) -> set[str]:
        return set(self._done)

    def write(self, row: Row) -> None:
        self.write_line(json.dumps(row, ensure_ascii=False))

    def write_line(self, line: str) -> None:
        """Write a row a worker has already serialised (saves the parent process the work)."""
        self._handle.write(line + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()


# --------------------------------------------------------------------------- the run


@dataclass
class BatchSummary:
    """What a batch run did."""

    done: int = 0
    failed: int = 0
    with_warnings: int = 0
    skipped: int = 0
    pair_findings: int = 0  # findings across consecutive years of one body
    seconds: float = 0.0
    errors: list[tuple[str, str]] = field(default_factory=list)

    def count(self, row: Row) -> None:
        """Count one result row."""
        self.count_outcome(str(row.get("path", "")), str(row["error"]) if is_error(row) else None,
                           bool(row.get("warnings")))

    def count_outcome(self, path: str, error: str | None, warned: bool) -> None:
        """Count one report by what became of it."""
        if error is not None:
            self.failed += 1
            self.errors.append((path, error))
        else:
            self.done += 1
            self.with_warnings += warned

    @property
    def reports_per_second(self) -> float:
        return (self.done + self.failed) / self.seconds if self.seconds > 0 else 0.0

    def format(self) -> str:
        return (
            f"{self.done} reports done, {self.failed} failed, {self.with_warnings} with warnings, "
            f"{self.skipped} skipped (already in the output), {self.pair_findings} cross-year findings; "
            f"{self.reports_per_second:.1f} reports/s in {self.seconds:.1f} s"
        )


def open_writer(out: Path, *, resume: bool, on_earlier_row: Callable[[Row], None] | None = None) -> ResultWriter:
    """A JSONL writer for ``*.jsonl``, a Parquet folder writer for ``*.parquet``."""
    if out.suffix == ".jsonl":
        if out.is_dir():
            raise InputError(f"{out} is a directory: name a .jsonl file")
        return JsonlWriter(out, resume=resume, on_earlier_row=on_earlier_row)
    if out.suffix == ".parquet":
        from gknlp.parquet import ParquetWriter

        return ParquetWriter(out, resume=resume)
    raise InputError(f"unknown output format for {out}: use a .jsonl or .parquet name")


def run_batch(
    inputs: Sequence[str | Path],
    out: Path,
    *,
    jobs: int = 1,
    resume: bool = False,
    include_text: bool = False,
    on_result: Callable[[Row], None] | None = None,
) -> BatchSummary:
    """Extract every report in ``inputs`` into ``out``; ``on_result`` sees each row (progress bars)."""
    # JSONL: the cross-year check reads what the run saw (rows read when
    # resuming, rows written), never the output a second time; Parquet reads
    # back only the small columns it needs
    years = BodyYears() if out.suffix == ".jsonl" else None
    writer = open_writer(out, resume=resume, on_earlier_row=years.add_row if years is not None else None)
    done = writer.done_hashes()
    summary = BatchSummary()
    started = time.perf_counter()

    def record(row: Row) -> None:
        writer.write(row)
        if years is not None:
            years.add_row(row)
        summary.count(row)
        if on_result is not None:
            on_result(row)

    def todo() -> Iterator[str]:
        seen: set[str] = set()
        for path in iter_report_paths(inputs):
            sha = file_sha256(path) if path.is_file() else None
            if sha is not None and (sha in done or sha in seen):
                summary.skipped += 1
                continue
            if sha is not None:
                seen.add(sha)
            yield str(path)

    try:
        if jobs <= 1:
            for path in todo():
                record(extract_row(path, include_text))
        else:
            _run_parallel(todo(), jobs, writer, summary, include_text, on_result, years)
    finally:
        writer.close()
    try:
        summary.pair_findings = write_pair_findings(out, years)
    finally:
        if years is not None:
            years.close()
    summary.seconds = time.perf_counter() - started
    return summary


def run_batch_dask(
    inputs: Sequence[str | Path],
    out: Path,
    *,
    scheduler: str,
    resume: bool = False,
    chunk_size: int = 100,
    on_result: Callable[[int], None] | None = None,
) -> BatchSummary:
    """The same per-report function mapped over a Dask cluster (the ``dask`` extra).

    Each task extracts a chunk of files and writes its own Parquet part files
    into ``out``, which must be on storage every worker can reach; the driver
    only collects counts. ``on_result`` is told how many reports each finished
    chunk held.
    """
    if out.suffix != ".parquet":
        raise InputError(f"the dask engine writes Parquet part files: name the output *.parquet, not {out.name}")
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InputError("the dask engine needs Dask: pip install 'gknlp[dask]'") from None
    from gknlp.parquet import ParquetWriter

    writer = ParquetWriter(out, resume=resume)  # clears or reads the folder, as a local run does
    done = writer.done_hashes()
    summary = BatchSummary()
    started = time.perf_counter()
    todo: list[str] = []
    for path in iter_report_paths(inputs):
        sha = file_sha256(path) if path.is_file() else None
        if sha is not None and sha in done:
            summary.skipped += 1
            continue
        todo.append(str(path))
    chunks = [todo[i:i + chunk_size] for i in range(0, len(todo), chunk_size)]
    try:
        client = Client(scheduler, timeout=10)
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        futures = [client.submit(write_chunk, chunk, str(out), pure=False) for chunk in chunks]
        for future in as_completed(futures):
            part = future.result()
            summary.done += part.done
            summary.failed += part.failed
            summary.with_warnings += part.with_warnings
            summary.errors.extend(part.errors)
            if on_result is not None:
                on_result(part.done + part.failed)
    summary.pair_findings = write_pair_findings(out)
    summary.seconds = time.perf_counter() - started
    return summary


def write_chunk(paths: Sequence[str], out: str) -> BatchSummary:
    """Extract ``paths`` and append them to the Parquet folder ``out`` as one set of part files."""
    from gknlp.parquet import ParquetWriter

    writer = ParquetWriter(Path(out), resume=False, append=True, flush_every=max(1, len(paths)))
    summary = BatchSummary()
    try:
        for path in paths:
            row = extract_row(path)
            writer.write(row)
            summary.count(row)
    finally:
        writer.close()
    return summary


def _run_parallel(
    paths: Iterator[str], jobs: int, writer: ResultWriter, summary: BatchSummary, include_text: bool,
    on_result: Callable[[Row], None] | None, years: BodyYears | None,
) -> None:
    # Chunks of a few reports cut the per-task overhead; a bounded number of
    # chunks in flight keeps memory flat on 100,000 files. For JSONL the workers
    # serialise the rows, so the parent only writes lines.
    as_lines = isinstance(writer, JsonlWriter)
    window = jobs * 4

    def record(outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            if outcome.line is not None and isinstance(writer, JsonlWriter):
                writer.write_line(outcome.line)
            elif outcome.row is not None:
                writer.write(outcome.row)
            if years is not None and outcome.year_of_body is not None:
                years.add(*outcome.year_of_body)
            summary.count_outcome(outcome.path, outcome.error, outcome.warned)
            if on_result is not None:
                on_result({"path": outcome.path})

    # Results are written in input order (the oldest chunk first), so that two
    # runs over the same files give the same output file.
    with ProcessPoolExecutor(max_workers=jobs, initializer=_warm_up) as pool:
        pending: deque[Future[list[Outcome]]] = deque()
        for chunk in _chunks(paths, CHUNK_SIZE):
            pending.append(pool.submit(extract_outcomes, chunk, include_text, as_lines))
            if len(pending) >= window:
                record(pending.popleft().result())
        while pending:
            record(pending.popleft().result())


CHUNK_SIZE = 8


# --------------------------------------------------------------------------- pairs of years

PAIRS_SCHEMA = "gknlp.pair-findings/1"


def year_of_body(row: Row) -> tuple[str, int, str] | None:
    """(issuer, year, the JSON of [report id, path, the cells check_pair reads]) of a result row.

    None for an error row or a report with no issuer or year. Computed in the
    worker, so the parent only stores a short line.
    """
    from gknlp.checks import pair_json

    meta = row.get("meta") or {}
    if is_error(row) or not meta.get("issuer") or not meta.get("year"):
        return None
    entry = [row["source"]["sha256"], row["source"]["path"], pair_json(row.get("tables") or {})]
    return str(meta["issuer"]), int(meta["year"]), json.dumps(entry, ensure_ascii=False)


class BodyYears:
    """Which report holds each year of each body, for the cross-year check.

    The cells themselves wait in an anonymous temporary file; memory holds an
    offset per (body, year), so a run of 100,000 reports stays small. A later
    report of the same body and year replaces an earlier one.
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the object; close() ends it
        self._where: dict[str, dict[int, tuple[int, int]]] = {}

    def add(self, issuer: str, year: int, entry_json: str) -> None:
        data = entry_json.encode("utf-8")
        self._file.seek(0, os.SEEK_END)
        self._where.setdefault(issuer, {})[year] = (self._file.tell(), len(data))
        self._file.write(data)

    def add_row(self, row: Row) -> None:
        entry = year_of_body(row)
        if entry is not None:
            self.add(*entry)

    def _read(self, where: tuple[int, int]) -> list[Any]:
        offset, size = where
        self._file.seek(offset)
        entry: list[Any] = json.loads(self._file.read(size).decode("utf-8"))
        return entry

    def consecutive(self) -> Iterator[tuple[str, int, list[Any], list[Any]]]:
        """(issuer, later year, earlier entry, later entry) for each body's consecutive years, in order."""
        for issuer, by_year in sorted(self._where.items()):
            for year in sorted(by_year):
                if year - 1 in by_year:
                    yield issuer, year, self._read(by_year[year - 1]), self._read(by_year[year])

    def close(self) -> None:
        self._file.close()


def pairs_path(out: Path) -> Path:
    """Where the cross-year findings of a batch output go."""
    return out.with_name(out.stem + ".pairs.jsonl") if out.suffix == ".jsonl" else out / "pairs" / "findings.parquet"


def write_pair_findings(out: Path, years: BodyYears | None = None) -> int:
    """Check each body's consecutive years against each other, over everything in ``out``.

    现行有效件数 this year must be last year's + 本年制发 − 本年废止, and 上年结转
    last year's 结转下年度. The findings go beside the output (``pairs_path``),
    rewritten on every run so that a resumed run sees every year it holds.
    ``years`` is what the run collected; without it ``out`` is read back.
    Returns the number of findings.
    """
    from gknlp.checks import check_pair, findings_json
    from gknlp.tables import from_json

    own = years is None
    if years is None:
        years = _read_body_years(out)
    rows: list[Row] = []
    try:
        for issuer, year, (earlier_id, earlier_path, earlier), (later_id, later_path, later) in years.consecutive():
            found = check_pair(from_json(earlier), from_json(later))
            if found:
                rows.append({"schema": PAIRS_SCHEMA, "report_id": later_id, "path": later_path,
                             "earlier_report_id": earlier_id, "earlier_path": earlier_path,
                             "issuer": issuer, "year": year, "findings": findings_json(found)})
    finally:
        if own:
            years.close()
    target = pairs_path(out)
    if out.suffix == ".jsonl":
        target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    else:
        from gknlp.parquet import write_pair_findings as write_parquet

        write_parquet(target, rows)
    return sum(len(r["findings"]) for r in rows)


def _read_body_years(out: Path) -> BodyYears:
    from gknlp.checks import pair_json

    years = BodyYears()
    if out.suffix == ".jsonl":
        with out.open(encoding="utf-8") as handle:
            for line in handle:
                years.add_row(json.loads(line))
    else:
        from gknlp.parquet import read_pair_tables

        for issuer, year, report_id, path, tables in read_pair_tables(out, pair_json):
            years.add(issuer, year, json.dumps([report_id, path, tables], ensure_ascii=False))
    return years


def _chunks(paths: Iterator[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for path in paths:
        chunk.append(path)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def default_jobs() -> int:
    """One worker per available core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
