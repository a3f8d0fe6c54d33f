"""Bytes → normalised text: detect the encoding, strip HTML chrome, normalise.

The normalised text is what every offset in a :class:`~gknlp.model.Report`
refers to (``gknlp extract --format text`` prints it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from gknlp.errors import InputError
from gknlp.model import SourceFormat


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """A decoded, normalised report text and what was learnt while reading it."""

    text: str
    format: SourceFormat
    encoding: str | None
    sha256: str
    warnings: tuple[str, ...] = ()


def read_file(path: str | Path) -> Document:
    """Read one report file; raises :class:`InputError` with one clear line."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"no such file: {p}")
    if p.is_dir():
        raise InputError(f"is a directory, not a report file: {p}")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from None
    return read_bytes(data, name=p.name)


def read_bytes(data: bytes, *, name: str = "-") -> Document:
    """Decode and normalise the bytes of one report; ``name`` gives the format by suffix."""
    if not data.strip():
        raise InputError(f"empty file: {name}")
    digest = hashlib.sha256(data).hexdigest()
    raise NotImplementedError(digest)
