"""gknlp: text mining for Chinese government information-disclosure annual reports.

A researcher's entry points::

    import gknlp
    report = gknlp.extract_file("report.txt")
    report.meta.issuer, [q.value for q in report.quantities]
"""

from gknlp.errors import GknlpError, InputError, ModelError, RuleFileError
from gknlp.model import Report
from gknlp.pipeline import extract_bytes, extract_file, extract_text

__version__ = "0.1.0"

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
