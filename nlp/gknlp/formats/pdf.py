"""PDF with a text layer → text: paragraphs joined back, tables as rows, page chrome dropped.

Stages, in order:

1. Open with pypdfium2 (fast, and it tells corrupt, encrypted and huge files
   apart before any page is parsed).
2. Per page, the text lines with their horizontal extent. A page that draws
   paths (ruling lines) may hold a table: pdfplumber finds the tables there,
   writes each as rows of TAB-separated cells and leaves the table area out of
   the page's text lines. Other pages are read by pdfium alone.
3. Page chrome: page numbers (``- 4 -``, ``第3页``, ``第 3 页 共 10 页``,
   ``Page 8``, a bare number) at the top or bottom of a page, and a line
   repeated at the top or bottom of most pages (a running header or footer).
4. Lines that the layout broke inside a paragraph are joined back, within a
   page and across pages. Chinese has no hyphen to say so, so a line joins the
   next unless it ends a sentence (。！？；：), is a heading (一、… （一）…), the
   next line starts a heading or a numbered item, the line stops short of the
   right margin, or the next line is indented (a new paragraph).

A PDF with no text at all is a scan: it needs OCR, which gknlp does not do.
"""

from __future__ import annotations

import io
import logging
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import regex

from gknlp.errors import InputError
from gknlp.formats import Extracted, glue

logger = logging.getLogger(__name__)

# Annual reports run to a few dozen pages; thousands is a crafted or wrong file.
MAX_PAGES = 2000

# Lines at the top and at the bottom of a page where headers, footers and page numbers live.
_EDGE_LINES = 2
# A line counts as a running header/footer when it stands at a page edge on this share of pages.
_RUNNING_SHARE = 0.6
_RUNNING_MIN_PAGES = 2

_PAGE_NUMBER = regex.compile(
    r"^\s*(?:"
    r"[-－—–‒―~～]*\s*\d{1,4}\s*[-－—–‒―~～]*"  # 4, - 4 -, —12—
    r"|第\s*\d{1,4}\s*页(?:\s*[,，、/]?\s*共\s*\d{1,4}\s*页)?"  # 第3页, 第 3 页 共 10 页
    r"|共\s*\d{1,4}\s*页\s*[,，、/]?\s*第\s*\d{1,4}\s*页"
    r"|(?:Page|PAGE|page|P\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"  # Page 8, Page 3 of 10
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3/10
    r")\s*$"
)
# A page number only when it counts up with the pages (see _drop_chrome).
_BARE_NUMBER = regex.compile(r"^\s*\d{1,4}\s*$")
# Sentence-final punctuation, possibly followed by closing quotes or brackets.
_SENTENCE_END = regex.compile(r"[。！？；：!?;:][”’」』）)》】\]]*\s*$")
# Headings and numbered items: 一、 （一） (1) 1. 1、 ① 第一章/第一部分/第一条.
_CN_NUM = "一二三四五六七八九十百零〇两"
_NUMBERED = regex.compile(
    rf"^\s*(?:[{_CN_NUM}]+\s*[、.．]"
    rf"|[（(]\s*[{_CN_NUM}]+\s*[）)]"
    r"|[（(]\s*\d{1,2}\s*[）)]"
    r"|\d{1,2}\s*[、.．](?!\d)"
    r"|[①-⑳⑴-⒇⒈-⒛]"
    rf"|第[{_CN_NUM}\d]+[章节部分条项])"
)
_DIGITS = regex.compile(r"\d+")
_MEANINGFUL = regex.compile(r"[\p{Han}\p{L}\p{N}]")


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of a page; the extent is None when the extractor gave no geometry."""

    text: str
    top: float
    x0: float | None = None
    x1: float | None = None
    table: bool = False
    # Set per page once its margins are known.
    full: bool = False  # reaches the right margin: the paragraph goes on
    indented: bool = False  # starts right of the left margin: a new paragraph or a centred line
    centred: bool = False
    symmetric: bool = False  # as far from the left margin as from the right one (centred, or full)
    wide: bool = False  # spans most of the text width
    indent_style: bool = False  # the page starts paragraphs with an indent, so a flush line goes on one


def extract_pdf(data: bytes, *, name: str = "-") -> Extracted:
    """The text of a PDF report with a text layer; tables as TAB-separated rows.

    Args:
        data: the bytes of the PDF.
        name: the file name, for messages.

    Raises:
        InputError: not a readable PDF, encrypted with a password, more than
            :data:`MAX_PAGES` pages, or no text layer at all (a scan).
    """
    import pypdfium2 as pdfium  # lazy: only PDF reports need it

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = " ".join(str(exc).split())
        if "password" in reason.lower():
            raise InputError(
                f"{name}: PDF is encrypted with a password; decrypt it first, e.g. qpdf --decrypt --password=… IN OUT"
            ) from None
        raise InputError(f"not a readable PDF: {name}: {reason}") from None
    try:
        n_pages = len(document)
        if n_pages > MAX_PAGES:
            raise InputError(f"refusing {name}: the PDF has {n_pages} pages (limit {MAX_PAGES}); split it first")
        if n_pages == 0:
            raise InputError(f"not a readable PDF: {name}: no pages")
        pages = list(_page_lines(document, data))
    except pdfium.PdfiumError as exc:
        raise InputError(f"not a readable PDF: {name}: {' '.join(str(exc).split())}") from None
    finally:
        document.close()
    return _assemble(pages, name)


def _assemble(pages: list[list[_Line]], name: str) -> Extracted:
    """Page lines → text: chrome dropped, broken paragraphs joined; warnings for pages without text."""
    empty = [i + 1 for i, lines in enumerate(pages) if not any(_MEANINGFUL.search(ln.text) for ln in lines)]
    if len(empty) == len(pages) or all(
        _PAGE_NUMBER.match(ln.text) for lines in pages for ln in lines if _MEANINGFUL.search(ln.text)
    ):
        raise InputError(f"{name}: PDF has no text layer (a scanned image?); run OCR first, e.g. ocrmypdf")
    warnings: list[str] = []
    if empty:
        shown = ", ".join(str(i) for i in empty[:10]) + (" …" if len(empty) > 10 else "")
        warnings.append(
            f"{len(empty)} of {len(pages)} PDF pages have no text layer (scanned?): page {shown}; run OCR for their text"
        )
    pages = _drop_chrome(pages)
    # Margins are measured over many pages: one page of short indented
    # paragraphs would put its left margin at the indent. Odd and even pages
    # are measured apart, for documents laid out with mirrored margins.
    whole = _margins([ln for lines in pages for ln in lines])
    by_parity = [_margins([ln for lines in pages[parity::2] for ln in lines]) for parity in (0, 1)]
    pages = [_mark_margins(lines, by_parity[i % 2] or whole) for i, lines in enumerate(pages)]
    return Extracted(text="\n".join(_paragraphs(ln for lines in pages for ln in lines)), warnings=tuple(warnings))


# ------------------------------------------------------------------- reading


def _page_lines(document: Any, data: bytes) -> Iterator[list[_Line]]:
    """The lines of each page: pdfplumber where a page has tables, pdfium elsewhere."""
    plumber: Any = None  # opened at the first page that draws paths; False when it cannot open the file
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                lines: list[_Line] | None = None
                if _draws_paths(page):
                    if plumber is None:
                        plumber = _open_plumber(data)
                    if plumber:
                        lines = _plumber_lines(plumber.pages[index])
                if lines is None:
                    lines = _pdfium_lines(page)
            finally:
                page.close()
            yield lines
    finally:
        if plumber:
            plumber.close()


def _draws_paths(page: Any) -> bool:
    """Whether a page draws any path (ruling lines, cell borders): only then can it hold a ruled table."""
    import pypdfium2.raw as pdfium_c

    return next(iter(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,))), None) is not None


def _pdfium_lines(page: Any) -> list[_Line]:
    """Text lines of a page with their horizontal extent, from pdfium's text page."""
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range() if count > 0 else ""
        if len(text) != count:  # characters outside the BMP: no per-character geometry
            return [_Line(text=t.strip(), top=float(i)) for i, t in enumerate(text.splitlines()) if t.strip()]
        lines: list[_Line] = []
        chars: list[str] = []
        x0 = x1 = top = None
        for i, ch in enumerate(text):
            if ch in "\r\n":
                if chars:
                    lines.append(_line("".join(chars), x0, x1, top, height, len(lines)))
                chars, x0, x1, top = [], None, None, None
                continue
            chars.append(ch)
            if not ch.isspace():
                # loose: the glyph's full em box, so a line ending in "，" still reaches the margin
                left, _bottom, right, upper = textpage.get_charbox(i, loose=True)
                x0 = left if x0 is None else min(x0, left)
                x1 = right if x1 is None else max(x1, right)
                top = upper if top is None else max(top, upper)
        if chars:
            lines.append(_line("".join(chars), x0, x1, top, height, len(lines)))
        # pdfium gives the order of drawing; a header or page number drawn last
        # still belongs at the top or bottom. Stable, so one visual line keeps its order.
        return sorted((ln for ln in lines if ln.text), key=lambda ln: round(ln.top))
    finally:
        textpage.close()


def _line(text: str, x0: float | None, x1: float | None, top: float | None, height: float, n: int) -> _Line:
    """A pdfium line (PDF y grows upwards; ``top`` here grows downwards like pdfplumber's)."""
    return _Line(text=text.strip(), top=height - top if top is not None else float(n), x0=x0, x1=x1)


def _open_plumber(data: bytes) -> Any:
    """pdfplumber on the same bytes; False when pdfminer cannot parse what pdfium could (then no tables)."""
    import pdfplumber  # lazy: only pages with ruling lines need it

    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception:  # noqa: BLE001 — pdfminer raises many kinds on a broken file
        logger.info("pdfplumber cannot open this PDF; its tables are read as plain lines", exc_info=True)
        return False


def _plumber_lines(page: Any) -> list[_Line] | None:
    """Text lines and table rows of a page in reading order; None when the page has no table."""
    try:
        return _plumber_page(page)
    except Exception:  # noqa: BLE001 — a page pdfminer cannot parse falls back to pdfium's text
        logger.info("pdfplumber failed on page %s; read as plain lines", page.page_number, exc_info=True)
        return None


def _plumber_page(page: Any) -> list[_Line] | None:
    tables = page.find_tables()
    if not tables:
        return None
    boxes = [table.bbox for table in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    lines = [
        _Line(text=d["text"].strip(), top=float(d["top"]), x0=float(d["x0"]), x1=float(d["x1"]))
        for d in page.filter(outside).extract_text_lines(strip=True, return_chars=False)
        if d["text"].strip()
    ]
    for table in tables:
        top = float(table.bbox[1])
        for k, row in enumerate(table_rows(table)):
            lines.append(_Line(text=row, top=top + k * 1e-3, table=True))
    lines.sort(key=lambda ln: ln.top)
    return lines


def table_rows(table: Any) -> list[str]:
    """A pdfplumber table as TAB-separated rows; a merged cell is written once.

    pdfplumber gives ``None`` for a grid position that no cell starts at: when
    the cell to its left spans over it (a horizontal merge) it is skipped,
    otherwise (a vertical merge) it is an empty cell so later cells keep their
    column.
    """
    texts = table.extract()
    xs = sorted({cell[0] for cell in table.cells})
    rows: list[str] = []
    for row, row_texts in zip(table.rows, texts, strict=False):
        cells: list[str] = []
        last_x1: float | None = None
        for j, (bbox, text) in enumerate(zip(row.cells, row_texts, strict=False)):
            if bbox is None:
                if last_x1 is not None and j < len(xs) and last_x1 > xs[j] + 1:
                    continue
                cells.append("")
                continue
            last_x1 = float(bbox[2])
            cells.append(_cell_text(text or ""))
        if any(cells):
            rows.append("\t".join(cells))
    return rows


def _cell_text(text: str) -> str:
    """A cell's wrapped lines on one line."""
    out = ""
    for piece in (" ".join(part.split()) for part in text.splitlines()):
        if piece:
            out = f"{out}{glue(out, piece)}{piece}" if out else piece
    return out


# -------------------------------------------------------------------- chrome


def _drop_chrome(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop page numbers and running headers/footers from the top and bottom of each page."""
    edges = [_edge_indexes(lines) for lines in pages]
    seen_on: Counter[tuple[str, int]] = Counter()
    for lines, idx in zip(pages, edges, strict=True):
        seen_on.update({_running_key(lines[i]) for i in idx})
    threshold = max(_RUNNING_MIN_PAGES, _RUNNING_SHARE * len(pages))
    running = {key for key, n in seen_on.items() if n >= threshold}
    # A bare number at a page edge may be a table cell or a figure that ended
    # up there: it is a page number only when it counts up with the pages, on
    # most pages.
    offsets: Counter[int] = Counter()
    for page_no, (lines, idx) in enumerate(zip(pages, edges, strict=True)):
        offsets.update({int(lines[i].text) - page_no for i in idx if _BARE_NUMBER.match(lines[i].text)})
    offset, seen = offsets.most_common(1)[0] if offsets else (0, 0)
    counts_up = seen >= max(min(2, len(pages)), _RUNNING_SHARE * len(pages))
    kept_pages: list[list[_Line]] = []
    for page_no, (lines, idx) in enumerate(zip(pages, edges, strict=True)):
        drop = set()
        for i in idx:
            text = lines[i].text
            if _BARE_NUMBER.match(text):
                if counts_up and int(text) - page_no == offset:
                    drop.add(i)
            elif _PAGE_NUMBER.match(text) or _running_key(lines[i]) in running:
                drop.add(i)
        kept_pages.append([ln for i, ln in enumerate(lines) if i not in drop])
    return kept_pages


def _edge_indexes(lines: list[_Line]) -> list[int]:
    """Indexes of the first and last few text lines of a page (table rows are never chrome)."""
    text_idx = [i for i, ln in enumerate(lines) if not ln.table]
    return sorted({*text_idx[:_EDGE_LINES], *text_idx[-_EDGE_LINES:]})


def _running_key(line: _Line) -> tuple[str, int]:
    """A line's text with numbers blanked out ('第3页 某某市' = '第4页 某某市') and its height on the page.

    A running header stands at the same height on every page; the report
    title that it may repeat stands elsewhere on the first page and is kept.
    """
    return _DIGITS.sub("#", "".join(line.text.split())), round(line.top / 4)


# ------------------------------------------------------------------- joining


# Fewer long lines than this do not tell where the margins are.
_MIN_LINES_FOR_MARGINS = 3


@dataclass(frozen=True, slots=True)
class _Margins:
    left: float
    right: float
    char: float  # a typical character's width
    indent_style: bool


def _margins(lines: list[_Line]) -> _Margins | None:
    """The text block's left and right edges, from the lines long enough to reach both."""
    long_lines = [
        (ln.x0, ln.x1, len(ln.text))
        for ln in lines
        if not ln.table and ln.x0 is not None and ln.x1 is not None and len(ln.text) >= 8
    ]
    if len(long_lines) < _MIN_LINES_FOR_MARGINS:
        return None
    char = statistics.median((x1 - x0) / n for x0, x1, n in long_lines)
    lefts = sorted(x0 for x0, _, _ in long_lines)
    rights = sorted(x1 for _, x1, _ in long_lines)
    left = lefts[len(lefts) // 10]
    right = rights[-1 - len(rights) // 10]
    # An unjustified line stops up to one character short of the margin; a
    # first-line indent is two characters.
    indent_style = any(x0 > left + 1.5 * char and x1 >= right - 2.5 * char for x0, x1, _ in long_lines)
    return _Margins(left=left, right=right, char=char, indent_style=indent_style)


def _mark_margins(lines: list[_Line], margins: _Margins | None) -> list[_Line]:
    """Mark each line of a page as full-width, indented or centred against the margins."""
    if margins is None:
        return lines
    left, right, char, indent_style = margins.left, margins.right, margins.char, margins.indent_style
    short_by = 2.5 * char
    indent_by = 1.5 * char
    marked: list[_Line] = []
    for ln in lines:
        if ln.table or ln.x0 is None or ln.x1 is None:
            marked.append(ln)
            continue
        indented = ln.x0 > left + indent_by
        symmetric = abs((ln.x0 - left) - (right - ln.x1)) < 2 * char
        marked.append(
            replace(
                ln,
                full=ln.x1 >= right - short_by,
                indent_style=indent_style,
                indented=indented,
                centred=indented and symmetric,
                symmetric=symmetric,
                wide=ln.x1 - ln.x0 >= 0.6 * (right - left),
            )
        )
    return marked


def _joins(line: _Line, nxt: _Line) -> bool:
    """Whether ``nxt`` goes on the paragraph that ``line`` broke off."""
    if line.table or nxt.table or _NUMBERED.match(nxt.text):
        return False
    ends_sentence = bool(_SENTENCE_END.search(line.text))
    if line.x0 is None or nxt.x0 is None:  # no geometry: the words alone decide
        return not ends_sentence and not (_NUMBERED.match(line.text) and len(line.text) <= 25)
    if line.symmetric and line.wide and nxt.centred:  # a long title broken over centred lines
        return not ends_sentence
    if not line.full or nxt.indented:
        return False
    # A full line that happens to end with 。 still goes on when paragraphs are
    # marked by an indent and the next line has none.
    return not ends_sentence or (line.indent_style and nxt.indent_style)


def _paragraphs(lines: Iterator[_Line]) -> Iterator[str]:
    """Lines → paragraphs (and table rows), joining what the layout broke."""
    current: _Line | None = None
    text = ""
    for line in lines:
        if current is not None and _joins(current, line):
            text = f"{text}{glue(text, line.text)}{line.text}"
        else:
            if current is not None:
                yield text
            text = line.text
        current = line
    if current is not None:
        yield text
