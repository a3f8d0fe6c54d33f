"""Word (.docx) and PDF reports → plain text with tables as TAB-separated rows.

The reader (:mod:`gknlp.reader`) dispatches here by suffix or file signature;
the text returned goes through the same :func:`gknlp.reader.normalise` as a
.txt report, so offsets mean the same thing whatever the source format.

Each reader refuses what would hurt the machine (decompression bombs, absurd
page counts) and what it cannot read (corrupt, encrypted, scanned) with one
:class:`~gknlp.errors.InputError` line.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Literal

BinaryFormat = Literal["docx", "pdf"]

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
DOCX_MAIN_PART = "word/document.xml"


@dataclass(frozen=True, slots=True, kw_only=True)
class Extracted:
    """Text taken out of a binary report, before normalisation."""

    text: str
    warnings: tuple[str, ...] = ()


def glue(left: str, right: str) -> str:
    """What goes between two pieces of one broken line: a space only between Latin words.

    Chinese has no spaces between words, and a number broken across lines
    (``20`` / ``21年``) must join back without one.

    >>> glue("政府信息", "公开"), glue("annual", "report"), glue("20", "21年")
    ('', ' ', '')
    """
    if left and right and left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha():
        return " "
    return ""


def sniff_binary_format(data: bytes) -> BinaryFormat | None:
    """The binary report format the bytes are, by signature; ``None`` for anything else.

    A PDF starts with ``%PDF-`` (leading whitespace tolerated); a .docx is a
    ZIP archive that holds ``word/document.xml`` (an .xlsx or a plain .zip
    does not).
    """
    if data[:1024].lstrip().startswith(PDF_MAGIC):
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        if DOCX_MAIN_PART in names:
            return "docx"
    return None


def extract(data: bytes, fmt: BinaryFormat, *, name: str = "-") -> Extracted:
    """Extract the text of a .docx or PDF report; raises :class:`~gknlp.errors.InputError`."""
    if fmt == "docx":
        from gknlp.formats.docx import extract_docx  # lazy: python-docx is only needed here

        return extract_docx(data, name=name)
    from gknlp.formats.pdf import extract_pdf  # lazy: pdfium and pdfminer are heavy

    return extract_pdf(data, name=name)


__all__ = ["BinaryFormat", "Extracted", "extract", "glue", "sniff_binary_format"]
