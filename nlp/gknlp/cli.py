"""The ``gknlp`` command: a thin Typer layer over the library.

Each command parses its arguments, makes one library call and renders the
result. This is the only module that prints or configures logging.
"""

from __future__ import annotations

import enum
import json
import logging
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from gknlp import __version__
from gknlp.errors import GknlpError
from gknlp.model import Report

if TYPE_CHECKING:
    from gknlp.corpus import BatchSummary

app = typer.Typer(
    name="gknlp",
    help="Text mining for Chinese government information-disclosure annual reports (政府信息公开工作年度报告).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

log = logging.getLogger("gknlp")


class BatchEngine(enum.StrEnum):
    local = "local"
    dask = "dask"


class ExtractFormat(enum.StrEnum):
    summary = "summary"
    json = "json"
    text = "text"


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"gknlp: {message}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gknlp {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each stage does (to stderr).")] = False,
) -> None:
    """Text mining for Chinese government information-disclosure annual reports."""
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR, format="%(name)s: %(message)s")


def _extract(path: str) -> Report:
    from gknlp.pipeline import extract_bytes, extract_file

    if path == "-":
        return extract_bytes(sys.stdin.buffer.read(), name="-")
    return extract_file(path)


def dumps(obj: Any) -> str:
    """JSON as gknlp writes it: UTF-8 text, stable key order, two-space indent."""
    return json.dumps(obj, ensure_ascii=False, indent=2)


def format_summary(report: Report) -> str:
    """A report's summary for a person: title, issuer, year, sections, fact counts, warnings."""
    meta = report.meta
    lines = [
        f"title:   {meta.title or '(not found)'}",
        f"issuer:  {meta.issuer or '(not found)'}",
        f"year:    {meta.year if meta.year is not None else '(not found)'}",
        f"source:  {report.source.path} ({report.source.format}, {report.source.encoding or 'unknown encoding'})",
        "sections:",
    ]
    for s in report.sections:
        heading = _pad(s.heading[:24], 40)
        lines.append(f"  {s.id:<18} {heading} {s.end - s.body_start:>6} chars  [{s.start}:{s.end}]")
    if not report.sections:
        lines.append("  (none)")
    lines.append(
        "facts:   "
        + ", ".join(
            f"{len(getattr(report, kind))} {kind}"
            for kind in ("quantities", "trainings", "regulations", "problems", "measures")
        )
    )
    if report.tables is not None:
        cells = sum(len(t.cells) for t in report.tables.tables)
        lines.append(f"tables:  {cells} cells in {len(report.tables.tables)} tables, {len(report.findings)} findings")
    if report.warnings:
        lines.append("warnings:")
        lines.extend(f"  - {w}" for w in report.warnings)
    return "\n".join(lines)


def _pad(text: str, width: int) -> str:
    """Pad to a display width: CJK characters take two columns in a terminal."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


@app.command()
def extract(
    report: Annotated[str, typer.Argument(help="A report file (.txt, .html, .docx, .pdf), or - for standard input.")],
    format: Annotated[
        ExtractFormat, typer.Option("--format", "-f", help="summary (for a person), json (the contract), or text.")
    ] = ExtractFormat.summary,
) -> None:
    """Extract one report: its sections, metadata and facts.

    ``--format json`` prints the contract object (gknlp.report/1); ``--format
    text`` prints the normalised text that every offset refers to.
    """
    try:
        result = _extract(report)
    except GknlpError as exc:
        _fail(str(exc))
    if format is ExtractFormat.json:
        typer.echo(dumps(result.to_json()))
    elif format is ExtractFormat.text:
        sys.stdout.write(result.text)
        if not result.text.endswith("\n"):
            sys.stdout.write("\n")
    else:
        typer.echo(format_summary(result))
    if not result.sections:
        # the output above still says what was read; the status says it is no report
        _fail(f"{report}: not an annual disclosure report: no standard sections found", code=2)


@app.command()
def show(
    report: Annotated[str, typer.Argument(help="A report file (.txt, .html, .docx, .pdf).")],
    html: Annotated[Path, typer.Option("--html", help="Where to write the highlighted page.")],
) -> None:
    """Write the report as an HTML page with every fact highlighted by type."""
    from gknlp.render import render_html

    try:
        result = _extract(report)
    except GknlpError as exc:
        _fail(str(exc))
    try:
        html.write_text(render_html(result), encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {html}: {exc.strerror or exc}")
    typer.echo(f"wrote {html}")


@app.command("eval")
def eval_command(
    gold_dir: Annotated[Path, typer.Argument(help="A folder of gold annotations (<report file>.json).")],
    reports: Annotated[
        list[Path] | None,
        typer.Option("--reports", help="Folder(s) holding the annotated report files (default: beside the gold)."),
    ] = None,
    details: Annotated[bool, typer.Option("--details", help="List misses, false alarms and wrong attributes.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON (the keys of score.py --json).")] = False,
) -> None:
    """Score extraction against hand annotations (as shared/tools/score.py does)."""
    from gknlp.evaluate import evaluate

    if not gold_dir.is_dir():
        _fail(f"no such gold directory: {gold_dir}")
    # by default the reports sit beside their gold (or one folder up)
    search = list(reports or []) or [gold_dir, gold_dir.parent]
    try:
        scores = evaluate(gold_dir, search)
    except GknlpError as exc:
        _fail(str(exc))
    result = scores.as_dict()
    if as_json:
        typer.echo(dumps(result))
        return
    for kind, value in result.items():
        if kind == "errors":
            continue
        if isinstance(value, dict):
            typer.echo(f"{kind:<12} P {value['p']:.3f}  R {value['r']:.3f}  F1 {value['f1']:.3f}"
                       f"  (tp {value['tp']}, fp {value['fp']}, fn {value['fn']})")
        else:
            typer.echo(f"{kind:<12} {'n/a' if value is None else f'{value:.3f}'}")
    for error in scores.errors:
        typer.echo(f"error: {error}")
    if details:
        for title, rows in (("misses", scores.misses), ("false alarms", scores.false_alarms),
                            ("wrong attributes", scores.wrong_attributes)):
            typer.echo(f"\n{title} ({len(rows)}):")
            for row in rows:
                typer.echo(f"  {row}")


@app.command()
def check(
    reports: Annotated[list[str], typer.Argument(help="Report files; two years of one body are also checked as a pair.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Check the statistical tables: totals, the table's own identity, and the narrative against the tables.

    Exit status 1 when any finding is an error.
    """
    from gknlp.checks import check_files, findings_json, format_findings

    results = check_files(reports)
    unreadable = [(path, f) for path, found in results for f in found if f.check == "read"]
    for path, finding in unreadable:  # a file that cannot be read: one line on stderr, as every command does
        typer.echo(f"gknlp: {path}: {finding.message}", err=True)
    results = [(path, [f for f in found if f.check != "read"]) for path, found in results
               if not any(f.check == "read" for f in found)]
    if as_json:
        typer.echo(dumps([{"path": path, "findings": findings_json(found)} for path, found in results]))
    elif results:
        typer.echo(format_findings(results).rstrip("\n"))
    if unreadable or any(f.severity == "error" for _, found in results for f in found):
        raise typer.Exit(1)


def _default_seeds() -> Path | None:
    """The seed reports' gold beside the repository, where the team keeps it."""
    candidate = Path("../shared/spec/gold-seeds")
    return candidate if candidate.is_dir() else None


@app.command()
def train(
    corpus: Annotated[Path, typer.Argument(help="The labelled points (train.jsonl, heldout.jsonl).")] = Path("corpora/themes"),
    out: Annotated[Path | None, typer.Option("--out", help="Where to save the model (default: models/themes).")] = None,
) -> None:
    """Rebuild the theme classifier from labelled points and print its held-out scores."""
    from gknlp.themes import evaluate_heldout, load_model, save_model
    from gknlp.themes import train as train_model

    try:
        saved = save_model(train_model(corpus), out)
        typer.echo(f"saved {saved}")
        typer.echo(evaluate_heldout(corpus, load_model(saved), seeds_dir=_default_seeds()).format_table())
    except (GknlpError, OSError) as exc:
        _fail(str(exc))


@app.command("eval-themes")
def eval_themes(
    corpus: Annotated[Path, typer.Argument(help="The labelled points (heldout.jsonl is scored).")] = Path("corpora/themes"),
    model: Annotated[Path | None, typer.Option("--model", help="A saved model (default: the bundled one).")] = None,
    seeds: Annotated[
        Path | None,
        typer.Option("--seeds", help="Gold annotations whose points are held out too (default: ../shared/spec/gold-seeds)."),
    ] = None,
    seeds_only: Annotated[bool, typer.Option("--seeds-only", help="Score only the points of the real seed reports.")] = False,
) -> None:
    """Print the theme classifier's held-out scores next to the cue-word baseline."""
    from gknlp.themes import evaluate_heldout, load_model

    seeds = seeds or _default_seeds()
    if seeds_only and seeds is None:
        _fail("no seed gold found: pass --seeds DIR")
    try:
        scores = evaluate_heldout(corpus, load_model(model), "seed:" if seeds_only else "", seeds)
    except (GknlpError, OSError) as exc:
        _fail(str(exc))
    typer.echo(scores.format_table())


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Report files, folders (searched recursively) or globs.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="results.jsonl (contract objects) or results.parquet (tidy tables).")],
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (default: one per core).")] = 0,
    resume: Annotated[bool, typer.Option("--resume", help="Skip files whose content is already in the output.")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar on stderr.")] = True,
    with_text: Annotated[
        bool, typer.Option("--with-text", help="JSONL rows also carry the normalised text (for gknlp index).")
    ] = False,
    engine: Annotated[BatchEngine, typer.Option("--engine", help="local processes, or a Dask cluster.")] = (
        BatchEngine.local
    ),
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="With --engine dask: the scheduler, e.g. tcp://HOST:8786.")
    ] = None,
) -> None:
    """Extract many reports into one JSONL file or a folder of Parquet tables.

    A file that cannot be read becomes an error row and the run goes on; the
    exit status is 1 when any file failed.
    """
    from tqdm import tqdm

    from gknlp.corpus import default_jobs, run_batch

    bar = tqdm(unit=" reports", disable=not progress, file=sys.stderr, dynamic_ncols=True)
    if engine is BatchEngine.dask:
        from gknlp.corpus import run_batch_dask

        if not scheduler:
            bar.close()
            _fail("--engine dask needs --scheduler tcp://HOST:PORT")
        try:
            summary = run_batch_dask(inputs, out, scheduler=scheduler, resume=resume, on_result=bar.update)
        except GknlpError as exc:
            _fail(str(exc))
        finally:
            bar.close()
        _print_batch_summary(summary)
        return
    try:
        summary = run_batch(
            inputs, out, jobs=jobs or default_jobs(), resume=resume, include_text=with_text,
            on_result=lambda _: bar.update(),
        )
    except GknlpError as exc:
        _fail(str(exc))
    finally:
        bar.close()
    _print_batch_summary(summary)


def _print_batch_summary(summary: BatchSummary) -> None:
    for path, error in summary.errors:
        typer.echo(f"failed: {path}: {error}", err=True)
    typer.echo(summary.format())
    if summary.failed:
        raise typer.Exit(1)


class PointKindOption(enum.StrEnum):
    problems = "problems"
    measures = "measures"


class GroupByOption(enum.StrEnum):
    year = "year"
    province = "province"
    level = "level"
    issuer = "issuer"


class TableFormat(enum.StrEnum):
    table = "table"
    csv = "csv"
    md = "md"
    json = "json"


@app.command()
def themes(
    results: Annotated[Path, typer.Argument(help="Batch results: results.jsonl or a results.parquet folder.")],
    kind: Annotated[PointKindOption, typer.Option("--kind", help="Count themes of the problems or of the measures.")] = (
        PointKindOption.problems
    ),
    by: Annotated[GroupByOption, typer.Option("--by", help="Group reports by year, province, level or issuer.")] = (
        GroupByOption.year
    ),
    share: Annotated[bool, typer.Option("--share", help="Show the share of each group's reports, not counts.")] = False,
    format: Annotated[TableFormat, typer.Option("--format", "-f", help="table, csv, md (Markdown) or json.")] = (
        TableFormat.table
    ),
    plot: Annotated[Path | None, typer.Option("--plot", help="Also draw a heatmap: out.png or out.html.")] = None,
) -> None:
    """Theme frequency table: how many reports raise each theme, per group, with group sizes."""
    from gknlp import frequency

    try:
        table = frequency.theme_table(frequency.load_results(results), kind.value, by.value, share)
        if plot is not None:
            from gknlp.plots import plot_heatmap

            plot_heatmap(table, plot)
    except (GknlpError, OSError) as exc:
        _fail(str(exc))
    if format is TableFormat.json:
        typer.echo(dumps(frequency.to_json(table)))
    else:
        render = {TableFormat.table: frequency.to_table, TableFormat.csv: frequency.to_csv,
                  TableFormat.md: frequency.to_markdown}[format]
        typer.echo(render(table).rstrip("\n"))
    if plot is not None:
        typer.echo(f"wrote {plot}", err=True)


class SearchKind(enum.StrEnum):
    measures = "measures"
    problems = "problems"
    commitments = "commitments"


class HitFormat(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command()
def index(
    inputs: Annotated[list[Path], typer.Argument(help="Batch results (.jsonl) and/or report files or folders.")],
    db: Annotated[Path, typer.Option("--db", help="The SQLite database to create or update.")],
    optimize: Annotated[bool, typer.Option("--optimize/--no-optimize", help="Merge the full-text index after loading.")] = True,
) -> None:
    """Build or update the full-text search database (re-indexing a report replaces it)."""
    from gknlp.search import index_results

    try:
        summary = index_results(db, inputs, optimize=optimize)
    except GknlpError as exc:
        _fail(str(exc))
    for warning in summary.warnings:
        typer.echo(f"gknlp: warning: {warning}", err=True)
    typer.echo(summary.format())
    if summary.warnings and not summary.reports:
        raise typer.Exit(1)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words (all must occur), "a phrase", -excluded; any Chinese substring.')],
    db: Annotated[Path, typer.Option("--db", help="A database built by gknlp index.")],
    kind: Annotated[SearchKind | None, typer.Option("--kind", help="measures, problems or commitments.")] = None,
    theme: Annotated[str | None, typer.Option("--theme", help="Only points with this theme id.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only reports covering this year.")] = None,
    province: Annotated[str | None, typer.Option("--province", help="Only reports from this province.")] = None,
    issuer: Annotated[str | None, typer.Option("--issuer", help="Only reports whose issuer contains this.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many hits.")] = 20,
    format: Annotated[HitFormat, typer.Option("--format", "-f", help="table, json or csv.")] = HitFormat.table,
) -> None:
    """Search problems, measures and commitments (下一步将…) across indexed reports."""
    from gknlp.search import format_hits
    from gknlp.search import search as search_db

    if not db.is_file():
        _fail(f"no such database: {db} (build it with gknlp index)")
    try:
        hits = search_db(db, query, kind=kind.value if kind else None, theme=theme, year=year,
                         province=province, issuer=issuer, limit=limit)
    except GknlpError as exc:
        _fail(str(exc))
    typer.echo(format_hits(hits, format.value).rstrip("\n"))


@app.command()
def serve(
    db: Annotated[Path, typer.Option("--db", help="A database built by gknlp index.")],
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 8001,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Browse and search the database in Datasette (needs the web extra: pip install 'gknlp[web]')."""
    from gknlp.search import serve as serve_db

    if not db.is_file():
        _fail(f"no such database: {db} (build it with gknlp index)")
    try:
        serve_db(db, port=port, host=host)
    except GknlpError as exc:
        _fail(str(exc))


def main() -> None:
    """Console-script entry point: no traceback reaches the user."""
    try:
        app()
    except GknlpError as exc:  # a library error that a command did not catch itself
        typer.echo(f"gknlp: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("gknlp: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: one line for the user, the traceback only with -v
        log.debug("internal error", exc_info=True)
        typer.echo(f"gknlp: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
