"""The command line through typer's CliRunner: exact outputs, clear errors, documented commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES_DIR
from gknlp import __version__
from gknlp.cli import app

REPO = Path(__file__).resolve().parent.parent
SAMPLE = SAMPLES_DIR / "qinghe_2021_gb18030.txt"
runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"gknlp {__version__}\n"


def test_extract_json_is_the_contract() -> None:
    result = runner.invoke(app, ["extract", str(SAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["schema"] == "gknlp.report/1"
    assert report["source"]["encoding"] == "gb18030"


def test_extract_text_prints_the_text_offsets_refer_to() -> None:
    as_json = json.loads(runner.invoke(app, ["extract", str(SAMPLE), "--format", "json"]).stdout)
    text = runner.invoke(app, ["extract", str(SAMPLE), "--format", "text"]).stdout
    for section in as_json["sections"]:
        assert text[section["start"]:section["start"] + len(section["heading"])] == section["heading"]


def test_extract_summary_is_for_a_person() -> None:
    result = runner.invoke(app, ["extract", str(SAMPLE)])
    assert result.exit_code == 0
    first_lines = result.stdout.splitlines()[:3]
    assert first_lines[0].startswith("title:") and first_lines[1].startswith("issuer:")
    assert "overview" in result.stdout


def test_extract_reads_standard_input() -> None:
    result = runner.invoke(app, ["extract", "-", "--format", "json"], input=SAMPLE.read_bytes())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["source"]["path"] == "-"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: _write(d / "empty.txt", b""), "empty file"),
        (lambda d: _write(d / "blank.txt", b"  \n\t\n"), "empty file"),
        (lambda d: _write(d / "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8), "not a text report"),
    ],
    ids=["missing", "directory", "empty", "blank", "binary"],
)
def test_bad_input_is_one_clear_line(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["extract", str(make(tmp_path)), "--format", "json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("gknlp: ")
    assert message in result.stderr


def test_a_text_that_is_not_a_report_gives_json_with_a_warning(tmp_path: Path) -> None:
    news = _write(tmp_path / "news.txt", "县政务公开办举办业务培训班，共有80人参加。培训内容丰富。\n".encode())
    result = runner.invoke(app, ["extract", str(news), "--format", "json"])
    assert result.exit_code == 2  # the contract: non-zero for a file that is not a report
    assert result.stderr == f"gknlp: {news}: not an annual disclosure report: no standard sections found\n"
    warnings = json.loads(result.stdout)["warnings"]
    assert any("not an annual disclosure report" in w for w in warnings)


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    for command in app.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        assert command.callback is not None and (command.callback.__doc__ or command.help), name
        assert f"gknlp {name}" in readme, f"gknlp {name} is missing from the README"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_show_writes_a_highlighted_page(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["show", str(SAMPLE), "--html", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"wrote {out}\n"
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") or page.lstrip().lower().startswith("<!doctype html")
    assert "清河市" in page


def test_check_unreadable_file_is_one_line_on_stderr(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "missing.txt")])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("gknlp: ") and result.stderr.count("\n") == 1


def test_eval_of_a_missing_gold_directory(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(tmp_path / "none" / "sub")])
    assert result.exit_code == 1
    assert result.stderr == f"gknlp: no such gold directory: {tmp_path / 'none' / 'sub'}\n"


def test_search_on_a_file_that_is_not_an_index(tmp_path: Path) -> None:
    db = tmp_path / "junk.sqlite"
    db.write_bytes(bytes(range(256)) * 8)
    result = runner.invoke(app, ["search", "培训", "--db", str(db)])
    assert result.exit_code == 1 and "is not a gknlp index" in result.stderr


def test_check_reports_findings_and_exit_status(tmp_path: Path) -> None:
    clean = SAMPLES_DIR / "shuangqiao_2020_fullwidth.txt"
    result = runner.invoke(app, ["check", str(clean)])
    assert result.exit_code == 0
    assert result.stdout == f"{clean}: ok (no findings)\n"
    as_json = json.loads(runner.invoke(app, ["check", str(SAMPLE), "--json"]).stdout)
    assert as_json[0]["path"] == str(SAMPLE) and as_json[0]["findings"]


def test_themes_table_from_batch_results(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    assert runner.invoke(app, ["batch", str(SAMPLES_DIR), "--out", str(out), "--no-progress", "--jobs", "1"]).exit_code == 0
    result = runner.invoke(app, ["themes", str(out), "--by", "year", "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "theme,name,2020,2021,2022,(all)"
    assert lines[1] == "(reports),报告数,1,1,1,3"
    assert len(lines) == 2 + 17


def test_search_needs_an_index(tmp_path: Path) -> None:
    result = runner.invoke(app, ["search", "培训", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 1
    assert result.stderr == f"gknlp: no such database: {tmp_path / 'none.sqlite'} (build it with gknlp index)\n"
