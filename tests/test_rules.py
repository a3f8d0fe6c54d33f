"""Every rule in rules/*.toml fires on its examples and not on its counter-examples."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from gknlp.errors import RuleFileError
from gknlp.rules import load_path, load_rule_file, rule_file_names


def _cases() -> list[tuple[str, str, str, bool]]:
    cases = []
    for name in rule_file_names():
        rule_file = load_rule_file(name)
        for rule in rule_file.all_rules():
            cases += [(name, rule["id"], text, True) for text in rule["examples"]]
            cases += [(name, rule["id"], text, False) for text in rule["counter_examples"]]
    return cases


def test_every_rule_file_names_an_engine() -> None:
    for name in rule_file_names():
        engine = load_rule_file(name).engine
        assert engine, f"rules/{name} has no engine"
        assert hasattr(importlib.import_module(engine), "rule_fires"), f"{engine} lacks rule_fires"


@pytest.mark.parametrize(("file", "rule_id", "text", "fires"), _cases(), ids=lambda v: str(v)[:24])
def test_rule_examples(file: str, rule_id: str, text: str, fires: bool) -> None:
    engine = importlib.import_module(load_rule_file(file).engine or "")
    assert engine.rule_fires(rule_id, text) is fires


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[[x]]\nid = "a"\nexamples = ["1"]\ncounter_examples = []\n[[x]]\nid = "a"\nexamples = ["2"]\ncounter_examples = []\n',
         "a: duplicate id"),
        ('[[x]]\nid = "a"\npattern = "(unclosed"\nexamples = ["1"]\ncounter_examples = []\n', "a: bad regex"),
        ('[[x]]\nid = "a"\nexamples = []\ncounter_examples = []\n', "a: a rule needs at least one example"),
        ('[[x]]\nid = "a"\nexamples = ["1"]\n', "a: 'counter_examples' must be a list of strings"),
        ("x = [", "not valid TOML"),
    ],
)
def test_bad_rule_files_fail_loudly(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"rules/broken\.toml: .*" + message.split(":")[-1].strip()[:20]):
        load_path(path)
