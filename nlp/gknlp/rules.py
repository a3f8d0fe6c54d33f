"""Load and validate the rule files in ``rules/`` (TOML, read with ``tomllib``).

A rule file is data a domain expert edits. Its top-level ``engine`` key names
the module that applies it; that module provides ``rule_fires(rule_id, text)``
so that one test can run every rule's ``examples`` (must fire) and
``counter_examples`` (must not fire). Every array of tables whose entries
carry an ``id`` is a list of rules: ids are unique within the file, and each
rule has ``examples`` and ``counter_examples`` lists of strings. Keys named
``pattern`` or ending in ``_pattern`` are compiled with the ``regex`` module.

Bad configuration fails loudly at load time with a :class:`RuleFileError`
that names the file and the rule.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from gknlp.errors import RuleFileError
from gknlp.resources import rules_dir


@dataclass(frozen=True, slots=True)
class RuleFile:
    """One parsed and validated rule file."""

    name: str
    engine: str | None
    data: dict[str, Any]

    def rules(self, table: str) -> list[dict[str, Any]]:
        """The entries of the array of tables ``table`` (empty when absent)."""
        value = self.data.get(table, [])
        return list(value) if isinstance(value, list) else []

    def all_rules(self) -> list[dict[str, Any]]:
        """Every rule (an entry with an ``id``) in the file, in file order."""
        return [entry for _, entry in _iter_rules(self.data)]


def _iter_rules(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            found.extend((key, v) for v in value if "id" in v)
        elif isinstance(value, dict):
            found.extend(_iter_rules(value))
    return found


def _fail(path: Path, where: str, message: str) -> RuleFileError:
    return RuleFileError(f"rules/{path.name}: {where}: {message}")


def _validate(path: Path, data: dict[str, Any]) -> None:
    seen: set[str] = set()
    for table, rule in _iter_rules(data):
        rule_id = rule["id"]
        if not isinstance(rule_id, str) or not rule_id:
            raise _fail(path, table, f"rule id must be a non-empty string, got {rule_id!r}")
        if rule_id in seen:
            raise _fail(path, rule_id, "duplicate id")
        seen.add(rule_id)
        for key in ("examples", "counter_examples"):
            value = rule.get(key)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _fail(path, rule_id, f"'{key}' must be a list of strings")
        if not rule["examples"]:
            raise _fail(path, rule_id, "a rule needs at least one example")
        for key, value in rule.items():
            if key == "pattern" or key.endswith("_pattern"):
                patterns = value if isinstance(value, list) else [value]
                for pattern in patterns:
                    try:
                        regex.compile(pattern)
                    except (regex.error, TypeError) as exc:
                        raise _fail(path, rule_id, f"bad regex in '{key}': {exc}") from None


def load_path(path: Path) -> RuleFile:
    """Parse and validate one rule file at ``path``."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise RuleFileError(f"rules/{path.name}: file not found in {path.parent}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"rules/{path.name}: not valid TOML: {exc}") from None
    _validate(path, data)
    engine = data.get("engine")
    if engine is not None and not isinstance(engine, str):
        raise RuleFileError(f"rules/{path.name}: engine: must be a module name")
    return RuleFile(name=path.name, engine=engine, data=data)


@functools.cache
def load_rule_file(name: str) -> RuleFile:
    """Load ``rules/<name>`` once per process (e.g. ``load_rule_file("units.toml")``)."""
    return load_path(rules_dir() / name)


def rule_file_names() -> list[str]:
    """The names of every rule file shipped with gknlp."""
    return sorted(p.name for p in rules_dir().glob("*.toml"))
