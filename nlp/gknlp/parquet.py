"""Batch results as tidy Parquet tables, one folder per table, keyed by the report's sha256.

``results.parquet/`` holds ``reports/``, ``sections/``, ``quantities/``,
``trainings/``, ``regulations/``, ``points/`` and ``errors/``, each a set of
part files written every ``flush_every`` reports (zstd). The ``reports`` part of
a flush is written last: it is the commit mark, so resuming deletes any other
part whose flush never reached ``reports`` and redoes those reports.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gknlp.errors import InputError

log = logging.getLogger(__name__)

Row = dict[str, Any]

TABLES = ("sections", "quantities", "trainings", "regulations", "points", "tables", "findings", "errors", "reports")


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise InputError("Parquet output needs pyarrow: pip install 'gknlp[parquet]'") from None
    return pyarrow


def _schemas(pa: Any) -> dict[str, Any]:
    """Explicit column types, so that parts whose columns happen to be all null still unify."""
    string, int64, double = pa.string(), pa.int64(), pa.float64()
    common = [("report_id", string)]
    return {
        "reports": pa.schema([*common, ("path", string), ("format", string), ("encoding", string),
                              ("title", string), ("issuer", string), ("year", int64),
                              ("province", string), ("city", string), ("county", string), ("level", string),
                              ("body_type", string), ("division_code", string),
                              ("warnings", string), ("n_warnings", int64)]),
        "sections": pa.schema([*common, ("section", string), ("heading", string), ("start", int64), ("end", int64)]),
        "quantities": pa.schema([*common, ("index", int64), ("text", string), ("value", double),
                                 ("value_max", double), ("unit", string), ("approx", string),
                                 ("subject", string), ("section", string), ("start", int64), ("end", int64),
                                 ("rule", string)]),
        "trainings": pa.schema([*common, ("index", int64), ("text", string), ("sessions", double),
                                ("sessions_approx", string), ("attendees", double), ("attendees_approx", string),
                                ("topic", string), ("section", string), ("start", int64), ("end", int64),
                                ("rule", string)]),
        "regulations": pa.schema([*common, ("index", int64), ("title", string), ("doc_number", string),
                                  ("alias", string), ("mentions", int64), ("start", int64), ("end", int64),
                                  ("rule", string)]),
        "points": pa.schema([*common, ("kind", string), ("index", int64), ("heading", string), ("text", string),
                             ("themes", pa.list_(string)), ("scores", string), ("start", int64), ("end", int64)]),
        "tables": pa.schema([*common, ("table", string), ("template", string), ("row", string), ("column", string),
                             ("value", double), ("unit", string), ("text", string), ("start", int64), ("end", int64)]),
        "findings": pa.schema([*common, ("check_id", string), ("severity", string), ("message", string),
                               ("numbers", pa.list_(double)), ("offsets", string)]),
        "errors": pa.schema([*common, ("path", string), ("error", string)]),
    }


def tidy_rows(row: Row) -> dict[str, list[Row]]:
    """Split one contract object (or error row) into the rows of each tidy table."""
    tables: dict[str, list[Row]] = defaultdict(list)
    if row.get("schema") == "gknlp.error/1":
        tables["errors"].append({"report_id": row.get("sha256"), "path": row["path"], "error": row["error"]})
        return tables
    report_id = row["source"]["sha256"]
    meta = row["meta"]
    tables["reports"].append({
        "report_id": report_id,
        "path": row["source"]["path"],
        "format": row["source"]["format"],
        "encoding": row["source"]["encoding"],
        "title": meta.get("title"),
        "issuer": meta.get("issuer"),
        "year": meta.get("year"),
        **{key: meta.get(key) for key in ("province", "city", "county", "level", "body_type", "division_code")},
        "warnings": json.dumps(row["warnings"], ensure_ascii=False),
        "n_warnings": len(row["warnings"]),
    })
    for s in row["sections"]:
        tables["sections"].append({"report_id": report_id, "section": s["id"], "heading": s["heading"],
                                   "start": s["start"], "end": s["end"]})
    for kind in ("quantities", "trainings", "regulations"):
        for i, item in enumerate(row[kind]):
            tables[kind].append({"report_id": report_id, "index": i, **item})
    for table_id, table in (row.get("tables") or {}).items():
        for cell in table.get("cells", []):
            tables["tables"].append({"report_id": report_id, "table": table_id, "template": table.get("template"),
                                     **cell})
    for finding in row.get("findings") or []:
        # "check" is an SQL keyword: the column is check_id
        tables["findings"].append({**finding, "report_id": report_id, "check_id": finding.get("check"),
                                   "offsets": json.dumps(finding.get("offsets", []))})
    for kind in ("problems", "measures"):
        for i, point in enumerate(row[kind]):
            tables["points"].append({
                "report_id": report_id,
                "kind": kind[:-1],
                "index": i,
                "heading": point.get("heading"),
                "text": point["text"],
                "themes": list(point.get("themes") or []),
                "scores": json.dumps(point.get("scores") or {}, ensure_ascii=False),
                "start": point["start"],
                "end": point["end"],
            })
    return tables


class ParquetWriter:
    """Buffers tidy rows and writes one part file per table every ``flush_every`` reports."""

    def __init__(self, out: Path, *, resume: bool, flush_every: int = 500, append: bool = False) -> None:
        """``resume`` keeps what is there and reads which reports are done; ``append`` (a
        distributed worker adding its own parts) keeps what is there without reading it;
        neither starts the folder afresh."""
        self.pa = _pyarrow()
        self.out = out
        self.flush_every = flush_every
        self.run_id = uuid.uuid4().hex[:8]
        self._parts = 0
        self._schemas = _schemas(self.pa)
        self._buffer: dict[str, list[Row]] = defaultdict(list)
        self._buffered_reports = 0
        if out.exists() and not out.is_dir():
            raise InputError(f"{out} exists and is not a Parquet results folder")
        if out.exists() and not resume and not append:
            for part in out.glob("*/part-*.parquet"):
                part.unlink()
        self._done = self._read_done() if resume else set()

    def _committed_flushes(self) -> set[str]:
        return {p.stem.removeprefix("part-") for p in (self.out / "reports").glob("part-*.parquet")} | {
            p.stem.removeprefix("part-") for p in (self.out / "errors").glob("part-*.parquet")
            if (self.out / "errors" / f"{p.stem}.commit").exists()
        }

    def _read_done(self) -> set[str]:
        committed = self._committed_flushes()
        for part in self.out.glob("*/part-*.parquet"):
            if part.stem.removeprefix("part-") not in committed:
                log.warning("%s: removing a part left by an interrupted run", part)
                part.unlink()
        done: set[str] = set()
        pq = self.pa.parquet
        for table in ("reports", "errors"):
            for part in sorted((self.out / table).glob("part-*.parquet")):
                ids = pq.read_table(part, columns=["report_id"]).column("report_id").to_pylist()
                done.update(i for i in ids if i)
        return done

    def done_hashes(self) -> set[str]:
        return set(self._done)

    def write(self, row: Row) -> None:
        for table, rows in tidy_rows(row).items():
            self._buffer[table].extend(rows)
        self._buffered_reports += 1
        if self._buffered_reports >= self.flush_every:
            self._flush()

    def _flush(self) -> None:
        if not self._buffered_reports:
            return
        name = f"part-{self.run_id}-{self._parts:05d}"
        pq = self.pa.parquet
        # reports last: a flush counts only once its reports part exists
        for table in TABLES:
            rows = self._buffer.get(table)
            if not rows:
                continue
            folder = self.out / table
            folder.mkdir(parents=True, exist_ok=True)
            schema = self._schemas[table]
            rows = [{name: r.get(name) for name in schema.names} for r in rows]
            pq.write_table(self.pa.Table.from_pylist(rows, schema=schema), folder / f"{name}.parquet", compression="zstd")
        if not self._buffer.get("reports") and self._buffer.get("errors"):
            (self.out / "errors" / f"{name}.commit").touch()  # a flush of only failures
        self._buffer.clear()
        self._buffered_reports = 0
        self._parts += 1

    def close(self) -> None:
        self._flush()


def read_pair_tables(
    out: Path, pair_json: Any
) -> Iterator[tuple[str, int, str, str, dict[str, Any]]]:
    """(issuer, year, report_id, path, the cells a cross-year check needs) for every report in ``out``."""
    pa = _pyarrow()
    pq = pa.parquet
    cells: dict[str, dict[str, Any]] = defaultdict(dict)
    for part in sorted((out / "tables").glob("part-*.parquet")):
        for c in pq.read_table(part).to_pylist():
            table = cells[c["report_id"]].setdefault(c["table"], {"template": c["template"], "cells": []})
            table["cells"].append({k: c[k] for k in ("row", "column", "value", "unit", "text", "start", "end")})
    for part in sorted((out / "reports").glob("part-*.parquet")):
        for r in pq.read_table(part, columns=["report_id", "path", "issuer", "year"]).to_pylist():
            if r["issuer"] and r["year"]:
                yield r["issuer"], int(r["year"]), r["report_id"], r["path"], pair_json(cells.get(r["report_id"], {}))


def write_pair_findings(target: Path, rows: list[Row]) -> None:
    """The cross-year findings as one Parquet file (rewritten on every run)."""
    pa = _pyarrow()
    flat = [
        {"report_id": r["report_id"], "path": r["path"], "earlier_report_id": r["earlier_report_id"],
         "earlier_path": r["earlier_path"], "issuer": r["issuer"], "year": r["year"],
         "check_id": f["check"], "severity": f["severity"], "message": f["message"],
         "numbers": [float(n) for n in f["numbers"]]}
        for r in rows for f in r["findings"]
    ]
    string = pa.string()
    schema = pa.schema([("report_id", string), ("path", string), ("earlier_report_id", string),
                        ("earlier_path", string), ("issuer", string), ("year", pa.int64()), ("check_id", string),
                        ("severity", string), ("message", string), ("numbers", pa.list_(pa.float64()))])
    target.parent.mkdir(parents=True, exist_ok=True)
    pa.parquet.write_table(pa.Table.from_pylist(flat, schema=schema), target, compression="zstd")
