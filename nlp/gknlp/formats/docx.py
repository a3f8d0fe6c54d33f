"""Word .docx → text: body paragraphs and tables in document order.

What is kept and why:

* Paragraph text is read from the runs themselves (also inside hyperlinks,
  fields, content controls and tracked insertions ``w:ins``); tracked
  deletions (``w:del``, ``w:moveFrom``) and field codes are dropped, so a
  report with unaccepted changes reads as its final version.
* Tables come out as rows of TAB-separated cells. python-docx repeats a
  merged cell in every grid cell it spans; each underlying ``w:tc`` element is
  written once: a horizontal span is one cell, a vertical continuation an
  empty cell (so the later cells keep their column).
* Automatic list numbering (a heading numbered by Word as 一、 or （一）, not
  typed) is rendered from numbering.xml, because section headings are found by
  those numbers; bullets are left out.
* Headers, footers, footnotes and comments are not part of the body and are
  not read.

The archive is checked before it is unpacked: an unpacked size or a
compression ratio no real report has is refused as a decompression bomb.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass
from typing import Any

from gknlp.errors import InputError
from gknlp.formats import DOCX_MAIN_PART, Extracted, glue

logger = logging.getLogger(__name__)

# A long report with images is a few MB; its XML unpacks to well under this.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Word's XML deflates 5-30 times; thousands of times is a crafted archive.
MAX_COMPRESSION_RATIO = 200
# The ratio is only judged on entries big enough to matter.
RATIO_MIN_BYTES = 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

# Subtrees whose text is not part of the final document, or not text at all.
_SKIP = frozenset(
    {
        f"{_W}del",  # tracked deletion
        f"{_W}moveFrom",  # tracked move: the old place
        f"{_W}pPr",
        f"{_W}rPr",
        f"{_W}instrText",  # field code, e.g. PAGE or HYPERLINK "…"
        f"{_W}delText",
        f"{_W}rt",  # ruby (phonetic guide) text above the base text
        f"{_W}footnoteReference",
        f"{_W}endnoteReference",
        f"{_MC}Fallback",  # the same content again for old readers
    }
)


def extract_docx(data: bytes, *, name: str = "-") -> Extracted:
    """The body text of a .docx report; tables as TAB-separated rows.

    Args:
        data: the bytes of the .docx file.
        name: the file name, for messages.

    Raises:
        InputError: not a readable .docx, or an archive that unpacks to an
            absurd size (a decompression bomb).
    """
    _check_archive(data, name)
    import docx  # lazy: only .docx reports need python-docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 — python-docx raises many kinds on a broken package
        raise InputError(f"not a readable Word file: {name}: {_reason(exc)}") from None
    lines: list[str] = []
    try:
        numbering = _Numbering(document)
        _block_lines(document.element.body, document, lines, numbering)
    except (ValueError, KeyError, AttributeError, IndexError, TypeError) as exc:
        raise InputError(f"not a readable Word file: {name}: {_reason(exc)}") from None
    return Extracted(text="\n".join(lines))


def _check_archive(data: bytes, name: str) -> None:
    """Refuse a corrupt archive or one that would unpack to an absurd size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(f"not a readable Word file: {name}: {_reason(exc)}") from None
    # Some generators name the main part word/document2.xml; python-docx follows the relationships.
    if not any(info.filename.startswith("word/") and info.filename.endswith(".xml") for info in infos):
        raise InputError(f"not a readable Word file: {name}: no {DOCX_MAIN_PART} in the archive")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED_BYTES:
        raise InputError(
            f"refusing {name}: the .docx unpacks to {total / 2**20:.0f} MB "
            f"(limit {MAX_UNPACKED_BYTES / 2**20:.0f} MB; a decompression bomb?)"
        )
    for info in infos:
        if info.file_size >= RATIO_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise InputError(
                f"refusing {name}: {info.filename} is compressed {info.file_size // max(info.compress_size, 1)}:1 "
                f"(limit {MAX_COMPRESSION_RATIO}:1; a decompression bomb?)"
            )


def _reason(exc: BaseException) -> str:
    """One line saying what went wrong."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _block_lines(container: Any, document: Any, lines: list[str], numbering: _Numbering) -> None:
    """Append the lines of the paragraphs and tables of a body (or a content control) in order."""
    from docx.table import Table

    for child in container.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            text = paragraph_text(child)
            lines.append(numbering.label(child, text) + text)
        elif tag == f"{_W}tbl":
            lines.extend(table_rows(Table(child, document)))
        elif tag == f"{_W}sdt":  # a content control around blocks (e.g. a cover page)
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                _block_lines(content, document, lines, numbering)
        elif tag in (f"{_W}ins", f"{_W}customXml"):
            _block_lines(child, document, lines, numbering)


def paragraph_text(p: Any) -> str:
    """The final text of one ``w:p`` element: runs, hyperlinks, insertions; no deletions."""
    parts: list[str] = []
    _inline_text(p, parts)
    return "".join(parts)


def _inline_text(el: Any, parts: list[str]) -> None:
    for child in el.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == f"{_W}t":
            parts.append(child.text or "")
        elif tag == f"{_W}tab":
            # A tab inside a paragraph only aligns text; TAB is kept for table cells.
            parts.append(" ")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        elif tag == f"{_W}p":  # a paragraph nested in a text box
            if parts and not parts[-1].endswith("\n"):
                parts.append("\n")
            _inline_text(child, parts)
            parts.append("\n")
        else:
            _inline_text(child, parts)


def table_rows(table: Any) -> list[str]:
    """The rows of a python-docx ``Table`` as TAB-separated lines, merged cells once."""
    try:
        return _merged_rows(table)
    except (ValueError, KeyError, IndexError, AttributeError, TypeError):
        # python-docx cannot lay out some malformed grids; the cells as written still can.
        logger.debug("python-docx could not lay out a table; reading its cells as written", exc_info=True)
        return _raw_rows(table._tbl)


def _raw_rows(tbl: Any) -> list[str]:
    """Rows from the w:tc elements as written: a spanned cell is one element; a vertical continuation is empty."""
    rows: list[str] = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            v_merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if v_merge is not None and v_merge.get(f"{_W}val", "continue") == "continue":
                cells.append("")
            else:
                cells.append(_tc_text(tc, None))
        if any(cells):
            rows.append("\t".join(cells))
    return rows


def _merged_rows(table: Any) -> list[str]:
    # Holding the elements keeps their lxml proxies alive, so id() stays unique.
    seen: dict[int, Any] = {}
    rows: list[str] = []
    for row in table.rows:
        in_row: set[int] = set()
        cells: list[str] = []
        for cell in row.cells:
            tc = cell._tc
            key = id(tc)
            if key in in_row:  # a horizontal span repeated by python-docx
                continue
            in_row.add(key)
            if key in seen:  # a vertical merge continuation: keep the column
                cells.append("")
                continue
            seen[key] = tc
            cells.append(_tc_text(tc, cell))
        if any(cells):
            rows.append("\t".join(cells))
    return rows


def _tc_text(tc: Any, parent: Any) -> str:
    """A cell's paragraphs (and nested tables) on one line."""
    from docx.table import Table

    pieces: list[str] = []
    for child in tc.iterchildren():
        if child.tag == f"{_W}p":
            pieces.append(paragraph_text(child))
        elif child.tag == f"{_W}tbl":
            pieces.extend(table_rows(Table(child, parent)) if parent is not None else _raw_rows(child))
    text = ""
    for piece in (" ".join(p.replace("\t", " ").split()) for p in pieces):
        if piece:
            text = f"{text}{glue(text, piece)}{piece}" if text else piece
    return text


# ------------------------------------------------------------------ numbering

_CN_DIGITS = "〇一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CHINESE_FORMATS = frozenset(
    {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "japaneseCounting", "koreanCounting"}
)
_MAX_LEVEL_TEXT = 40


def chinese_count(n: int) -> str:
    """A counter as Word's chineseCounting writes it.

    >>> [chinese_count(n) for n in (1, 10, 11, 20, 21, 100, 105, 110)]
    ['一', '十', '十一', '二十', '二十一', '一百', '一百零五', '一百一十']
    """
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        if not rest:
            tail = ""
        elif rest < 10:
            tail = "零" + _CN_DIGITS[rest]
        else:
            tail = ("一" if rest < 20 else "") + chinese_count(rest)  # 一百一十, not 一百十
        return _CN_DIGITS[n // 100] + "百" + tail
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + numeral, n - value
    return out


def _format_counter(n: int, fmt: str) -> str:
    """One level's counter in Word's number format (unknown formats as decimal)."""
    if fmt in _CHINESE_FORMATS:
        return chinese_count(n)
    if fmt == "ideographDigital":
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt in ("upperLetter", "lowerLetter") and n >= 1:
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and n >= 1:
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)


@dataclass(frozen=True, slots=True)
class _Level:
    fmt: str
    text: str
    start: int
    suffix: str


class _Numbering:
    """Word's automatic list numbers: counts paragraphs per list and renders their labels."""

    def __init__(self, document: Any) -> None:
        self._levels: dict[str, dict[int, _Level]] = {}  # abstractNumId → ilvl → level
        self._nums: dict[str, str] = {}  # numId → abstractNumId
        self._counters: dict[str, list[int]] = {}
        self._style_num: dict[str, tuple[str, int] | None] = {}
        self._styles = document.styles.element if document.styles is not None else None
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        for abstract in root.iterchildren(f"{_W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iterchildren(f"{_W}lvl"):
                levels[_int(lvl.get(f"{_W}ilvl"), 0)] = _Level(
                    fmt=_val(lvl, "numFmt") or "decimal",
                    text=(_val(lvl, "lvlText") or "")[:_MAX_LEVEL_TEXT],
                    start=_int(_val(lvl, "start"), 1),
                    suffix=_val(lvl, "suff") or "tab",
                )
            self._levels[abstract.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iterchildren(f"{_W}num"):
            self._nums[num.get(f"{_W}numId", "")] = _val(num, "abstractNumId") or ""

    def label(self, p: Any, text: str) -> str:
        """The list label of a paragraph ('' when it is not numbered or is an empty paragraph)."""
        found = self._num_pr(p)
        if found is None or not text.strip():
            return ""
        num_id, ilvl = found
        abstract = self._nums.get(num_id)
        levels = self._levels.get(abstract or "")
        if not levels or ilvl not in levels or abstract is None:
            return ""
        counters = self._counters.setdefault(abstract, [0] * 10)
        if not 0 <= ilvl < len(counters):
            return ""
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else levels[ilvl].start
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = 0
        level = levels[ilvl]
        if level.fmt in ("bullet", "none"):
            return ""
        label = level.text
        for k in range(ilvl, -1, -1):  # %10 is not a thing: levels are 1-9
            shown = levels.get(k, level)
            value = counters[k] or shown.start
            label = label.replace(f"%{k + 1}", _format_counter(value, shown.fmt))
        if not label:
            return ""
        # A tab or space after "1." separates; after 、 or ） Chinese needs nothing.
        if level.suffix != "nothing" and not label.endswith(("、", "）", ")", "．")):
            label += " "
        return label

    def _num_pr(self, p: Any) -> tuple[str, int] | None:
        ppr = p.find(f"{_W}pPr")
        if ppr is not None:
            num_pr = ppr.find(f"{_W}numPr")
            if num_pr is not None:
                return self._read_num_pr(num_pr)
            style = _val(ppr, "pStyle")
            if style:
                return self._style_numbering(style, 0)
        return None

    @staticmethod
    def _read_num_pr(num_pr: Any) -> tuple[str, int] | None:
        num_id = _val(num_pr, "numId")
        if not num_id or num_id == "0":
            return None
        return num_id, _int(_val(num_pr, "ilvl"), 0)

    def _style_numbering(self, style_id: str, depth: int) -> tuple[str, int] | None:
        """Numbering a paragraph style (or a style it is based on) gives its paragraphs."""
        if style_id in self._style_num:
            return self._style_num[style_id]
        result: tuple[str, int] | None = None
        if self._styles is not None and depth < 10:
            for style in self._styles.iterchildren(f"{_W}style"):
                if style.get(f"{_W}styleId") != style_id:
                    continue
                ppr = style.find(f"{_W}pPr")
                num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
                if num_pr is not None:
                    result = self._read_num_pr(num_pr)
                else:
                    based_on = _val(style, "basedOn")
                    result = self._style_numbering(based_on, depth + 1) if based_on else None
                break
        self._style_num[style_id] = result
        return result


def _val(el: Any, child: str) -> str | None:
    """The w:val of a child element, e.g. ``<w:numFmt w:val="decimal"/>``."""
    found = el.find(f"{_W}{child}")
    return None if found is None else found.get(f"{_W}val")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
