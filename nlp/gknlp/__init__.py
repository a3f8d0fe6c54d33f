"""gknlp: text mining for Chinese government information-disclosure annual reports.

A researcher's entry points::

    import gknlp
    report = gknlp.extract_file("report.txt")
    report.meta.issuer, [q.value for q in report.quantities]

The pipeline is imported on first use so that ``import gknlp`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gknlp.errors import GknlpError, InputError, ModelError, RuleFileError

if TYPE_CHECKING:
    from gknlp.model import Report
    from gknlp.pipeline import extract_bytes, extract_file, extract_text

__version__ = "0.1.0"

_LAZY = {
    "Report": "gknlp.model",
    "extract_bytes": "gknlp.pipeline",
    "extract_file": "gknlp.pipeline",
    "extract_text": "gknlp.pipeline",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'gknlp' has no attribute {name!r}")


__all__ = [
    "GknlpError",
    "InputError",
    "ModelError",
    "Report",
    "RuleFileError",
    "__version__",
    "extract_bytes",
    "extract_file",
    "extract_text",
]
