"""Batch runs: inputs, error rows, resume after an interruption, JSONL and Parquet outputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES_DIR
from gknlp.cli import app
from gknlp.corpus import iter_report_paths, run_batch

runner = CliRunner()


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "nested").mkdir(parents=True)
    samples = sorted(p for p in SAMPLES_DIR.iterdir() if p.suffix in {".txt", ".html"})
    for i, sample in enumerate(samples):
        shutil.copy(sample, (folder if i % 2 else folder / "nested") / sample.name)
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (folder / ".hidden.txt").write_text("一、总体情况", encoding="utf-8")
    (folder / "notes.md").write_text("ignored: not a report suffix", encoding="utf-8")
    return folder


def _rows(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_inputs_are_files_folders_and_globs(inputs: Path) -> None:
    found = list(iter_report_paths([inputs, str(inputs / "nested" / "*.txt"), inputs / "absent.txt"]))
    names = [p.name for p in found]
    assert "broken.txt" in names and ".hidden.txt" not in names and "notes.md" not in names
    assert names[-1] == "absent.txt"  # a name that matches nothing becomes an error row later


def test_bad_file_is_an_error_row_and_the_run_goes_on(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    summary = run_batch([inputs, inputs / "absent.txt"], out)
    rows = _rows(out)
    errors = [r for r in rows if r["schema"] == "gknlp.error/1"]
    assert {Path(r["path"]).name for r in errors} == {"broken.txt", "absent.txt"}
    assert summary.failed == 2 and summary.done == len(rows) - 2 >= 3


def test_resume_skips_what_is_done_and_redoes_a_cut_line(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    first = run_batch([inputs], out)
    lines = out.read_text("utf-8").splitlines(keepends=True)
    out.write_text("".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2], encoding="utf-8")  # interrupted
    second = run_batch([inputs], out, resume=True)
    assert second.skipped == first.done + first.failed - 1
    assert second.done + second.failed == 1
    assert len(_rows(out)) == len(lines)


def test_parallel_jobs_give_the_same_reports(inputs: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    run_batch([inputs], one, jobs=1)
    run_batch([inputs], two, jobs=2)
    key = lambda r: r.get("sha256") or r["source"]["sha256"]  # noqa: E731
    assert sorted(_rows(one), key=key) == sorted(_rows(two), key=key)


def test_parquet_tables_load_in_duckdb(inputs: Path, tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    out = tmp_path / "results.parquet"
    summary = run_batch([inputs], out)
    con = duckdb.connect()
    reports = con.execute(f"select count(*) from read_parquet('{out}/reports/*.parquet')").fetchone()
    errors = con.execute(f"select count(*) from read_parquet('{out}/errors/*.parquet')").fetchone()
    assert reports == (summary.done,) and errors == (summary.failed,)
    joined = con.execute(
        f"select r.issuer, count(*) from read_parquet('{out}/quantities/*.parquet') q "
        f"join read_parquet('{out}/reports/*.parquet') r using (report_id) group by r.issuer"
    ).fetchall()
    assert joined and all(issuer for issuer, _ in joined)
    again = run_batch([inputs], out, resume=True)
    assert again.skipped == summary.done + summary.failed and again.done == 0


def test_batch_command_summary_and_exit_status(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    result = runner.invoke(app, ["batch", str(inputs), "--out", str(out), "--jobs", "1", "--no-progress"])
    assert result.exit_code == 1  # broken.txt failed
    assert "failed, " in result.stdout and "reports/s" in result.stdout
    assert "failed: " in result.stderr and "broken.txt" in result.stderr


def test_dask_engine_on_a_local_cluster(inputs: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    duckdb = pytest.importorskip("duckdb")
    from gknlp.corpus import run_batch_dask

    out = tmp_path / "results.parquet"
    local = run_batch([inputs], tmp_path / "local.jsonl")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        summary = run_batch_dask([inputs], out, scheduler=cluster.scheduler_address, chunk_size=2)
        again = run_batch_dask([inputs], out, scheduler=cluster.scheduler_address, resume=True)
    assert (summary.done, summary.failed) == (local.done, local.failed)
    assert again.skipped == summary.done + summary.failed and again.done == 0
    ids = duckdb.connect().execute(f"select report_id from read_parquet('{out}/reports/*.parquet')").fetchall()
    expected = {json.loads(line)["source"]["sha256"] for line in (tmp_path / "local.jsonl").read_text("utf-8").splitlines()
                if '"gknlp.error/1"' not in line}
    assert {i for (i,) in ids} == expected


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_resumed_batch_pairs_a_new_year_with_one_already_in_the_output(tmp_path: Path, suffix: str) -> None:
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    tables = Path(__file__).parent / "data" / "tables"
    out = tmp_path / f"results{suffix}"
    first = run_batch([tables / "errors_2021_lines.txt"], out)
    assert first.pair_findings == 0
    again = run_batch([tables / "errors_2021_lines.txt", tables / "errors_2022_pipes.txt"], out, resume=True)
    assert (again.skipped, again.done, again.pair_findings) == (1, 1, 2)


@pytest.mark.parametrize(("suffix", "jobs"), [(".jsonl", 1), (".jsonl", 2), (".parquet", 1), (".parquet", 2)])
def test_batch_checks_consecutive_years_of_one_body(tmp_path: Path, suffix: str, jobs: int) -> None:
    # errors_2021/errors_2022 are two years of one body whose 现行有效件数 and 结转 do not carry over
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    tables = Path(__file__).parent / "data" / "tables"
    inputs = [tables / "errors_2021_lines.txt", tables / "errors_2022_pipes.txt", tables / "clean_2020_lines.txt"]
    out = tmp_path / f"results{suffix}"
    summary = run_batch(inputs, out, jobs=jobs)
    assert summary.pair_findings == 2
    from gknlp.corpus import pairs_path

    if suffix == ".jsonl":
        rows = _rows(pairs_path(out))
        assert [Path(r["path"]).name for r in rows] == ["errors_2022_pipes.txt"]
        assert sorted(f["check"] for f in rows[0]["findings"]) == ["pair.carried_over", "pair.in_force"]
    else:
        import pyarrow.parquet as pq

        found = pq.read_table(pairs_path(out)).to_pylist()
        assert sorted(f["check_id"] for f in found) == ["pair.carried_over", "pair.in_force"]
