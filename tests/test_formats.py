"""Tests for gknlp.formats: Word .docx and PDF reports read with the same guarantees as text.

Every .docx and PDF here is built at test time (python-docx; reportlab with its
built-in Chinese CID font), most of them from the text of a bundled sample
report, so the text version says what the Word and PDF versions must give.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLES_DIR, SEED_NAMES, SEEDS_DIR, needs_shared
from gknlp import formats
from gknlp.errors import InputError
from gknlp.formats import docx as docx_format
from gknlp.formats import pdf as pdf_format
from gknlp.reader import read_bytes, read_file

docx = pytest.importorskip("docx")
pytest.importorskip("reportlab")

from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

SAMPLE = SAMPLES_DIR / "qinghe_2021_gb18030.txt"
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)\S{1,30}$")

# ------------------------------------------------------------------ builders


@dataclass(frozen=True)
class Block:
    kind: str  # "title", "heading", "para", "table"
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


def blocks_from_text(text: str) -> list[Block]:
    """A report's normalised text as blocks: title, headings, paragraphs, tables (runs of TAB lines)."""
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] = []
    for i, line in enumerate(text.split("\n")):
        if "\t" in line:
            rows.append(tuple(line.split("\t")))
            continue
        if rows:
            blocks.append(Block("table", rows=tuple(rows)))
            rows = []
        if not line.strip():
            continue
        kind = "title" if i == 0 else "heading" if _HEADING.match(line) else "para"
        blocks.append(Block(kind, text=line.strip()))
    if rows:
        blocks.append(Block("table", rows=tuple(rows)))
    return blocks


def build_docx(
    blocks: list[Block], *, header: str | None = None, footer: str | None = None, merge_short_rows: bool = True
) -> bytes:
    """A .docx of the blocks; a table row with fewer cells has its last cell merged to the table's width."""
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    for block in blocks:
        if block.kind == "table":
            width = max(len(r) for r in block.rows)
            table = document.add_table(rows=len(block.rows), cols=width)
            for r, row in enumerate(block.rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
                if merge_short_rows and len(row) < width:
                    table.cell(r, len(row) - 1).merge(table.cell(r, width - 1))
        elif block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "heading":
            document.add_heading(block.text, level=2)
        else:
            document.add_paragraph(block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@dataclass
class PdfLayout:
    width: float = 595
    height: float = 842
    margin: float = 72
    size: float = 10.5
    header: str | None = "清河市人民政府办公室政务公开年报"
    page_number: str | None = "- {n} -"


class PdfWriter:
    """Lays blocks out on pages by hand: wrapped paragraphs with a first-line indent, ruled tables."""

    def __init__(self, layout: PdfLayout) -> None:
        self.layout = layout
        self.out = io.BytesIO()
        self.canvas = canvas.Canvas(self.out, pagesize=(layout.width, layout.height))
        self.page = 0
        self._new_page()

    def _new_page(self) -> None:
        if self.page:
            self.canvas.showPage()
        self.page += 1
        lay = self.layout
        if lay.header:
            self.canvas.setFont(FONT, 9)
            self.canvas.drawCentredString(lay.width / 2, lay.height - 40, lay.header)
        if lay.page_number:
            self.canvas.setFont(FONT, 9)
            self.canvas.drawCentredString(lay.width / 2, 36, lay.page_number.format(n=self.page))
        self.y = lay.height - lay.margin

    def _room(self, needed: float) -> None:
        if self.y - needed < self.layout.margin:
            self._new_page()

    def text_lines(self, text: str, width: float, size: float, indent: float = 0) -> list[str]:
        lines: list[str] = []
        current = ""
        limit = width - indent
        for ch in text:
            if pdfmetrics.stringWidth(current + ch, FONT, size) > limit:
                lines.append(current)
                current, limit = ch, width
            else:
                current += ch
        if current:
            lines.append(current)
        return lines

    def paragraph(self, text: str, *, indent: bool = True, centred: bool = False) -> None:
        lay = self.layout
        width = lay.width - 2 * lay.margin
        first_indent = 2 * lay.size if indent else 0
        for k, line in enumerate(self.text_lines(text, width, lay.size, first_indent)):
            self._room(lay.size * 1.6)
            self.y -= lay.size * 1.6
            self.canvas.setFont(FONT, lay.size)
            if centred:
                self.canvas.drawCentredString(lay.width / 2, self.y, line)
            else:
                self.canvas.drawString(lay.margin + (first_indent if k == 0 else 0), self.y, line)

    def table(self, rows: tuple[tuple[str, ...], ...]) -> None:
        lay = self.layout
        width = lay.width - 2 * lay.margin
        size = 8.0
        self.y -= 6
        for row in rows:
            first = 150.0 if len(row) > 1 else width
            rest = (width - first) / max(len(row) - 1, 1)
            widths = [first] + [rest] * (len(row) - 1)
            wrapped = [self.text_lines(cell, w - 4, size) for cell, w in zip(row, widths, strict=True)]
            height = max(1, *(len(w) for w in wrapped)) * (size + 2) + 4
            self._room(height)
            x = lay.margin
            for w, cell_lines in zip(widths, wrapped, strict=True):
                self.canvas.rect(x, self.y - height, w, height)
                self.canvas.setFont(FONT, size)
                for k, line in enumerate(cell_lines):
                    self.canvas.drawString(x + 2, self.y - 2 - (k + 1) * (size + 2) + 2, line)
                x += w
            self.y -= height
        self.y -= 6

    def save(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.out.getvalue()


def build_pdf(blocks: list[Block], layout: PdfLayout | None = None) -> bytes:
    writer = PdfWriter(layout or PdfLayout())
    for block in blocks:
        if block.kind == "table":
            writer.table(block.rows)
        elif block.kind == "title":
            writer.paragraph(block.text, indent=False, centred=True)
        elif block.kind == "heading":
            writer.paragraph(block.text, indent=False)
        else:
            writer.paragraph(block.text)
    return writer.save()


def build_pdf_flowing(blocks: list[Block]) -> bytes:
    """The blocks laid out by reportlab's own engine: justified CJK paragraphs, grid tables, header and footer."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    body = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=20, firstLineIndent=24, alignment=TA_JUSTIFY,
                          wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=TA_CENTER, firstLineIndent=0)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, wordWrap="CJK")

    def chrome(c: Any, doc: Any) -> None:
        c.saveState()
        c.setFont(FONT, 9)
        c.drawCentredString(297, 30, f"— {doc.page} —")
        c.drawString(72, 810, "某某市人民政府门户网站")
        c.restoreState()

    story: list[Any] = []
    for block in blocks:
        if block.kind == "table":
            width = max(len(r) for r in block.rows)
            rows = [[Paragraph(x, cell) for x in r] + [""] * (width - len(r)) for r in block.rows]
            widths = [150] + [(451 - 150) / (width - 1)] * (width - 1) if width > 1 else [451]
            table = Table(rows, colWidths=widths)
            # A short row's last cell spans to the table's right edge: a merged cell.
            spans = [("SPAN", (len(r) - 1, i), (-1, i)) for i, r in enumerate(block.rows) if len(r) < width]
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), *spans]))
            story.append(table)
        else:
            story.append(Paragraph(block.text, title if block.kind == "title" else body))
    out = io.BytesIO()
    SimpleDocTemplate(out, leftMargin=72, rightMargin=72).build(story, onFirstPage=chrome, onLaterPages=chrome)
    return out.getvalue()


BUILDERS = {"docx": build_docx, "pdf": build_pdf, "pdf-flowing": build_pdf_flowing}


def squashed_lines(text: str) -> list[str]:
    """Non-blank lines without any whitespace (cells keep their order, TABs do not count)."""
    return [s for s in ("".join(line.split()) for line in text.split("\n")) if s]


def pdf_of_lines(draw: Any, pages: int = 1, *, size: tuple[float, float] = (595, 842), **kwargs: Any) -> bytes:
    """A PDF whose pages are drawn by ``draw(canvas, page_number)``."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=size, **kwargs)
    for n in range(1, pages + 1):
        c.setFont(FONT, 10.5)
        draw(c, n)
        c.showPage()
    c.save()
    return out.getvalue()


def docx_with_body_xml(body_xml: str, **kwargs: Any) -> bytes:
    """A .docx whose body gets the given WordprocessingML paragraphs appended (w: is declared)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    if kwargs.get("header"):
        document.sections[0].header.paragraphs[0].text = kwargs["header"]
    if kwargs.get("footer"):
        document.sections[0].footer.paragraphs[0].text = kwargs["footer"]
    body = document.element.body
    sect = body[-1]  # w:sectPr stays last
    for element in parse_xml(f"<w:body {nsdecls('w')}>{body_xml}</w:body>"):
        sect.addprevious(element)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ----------------------------------------------------- the sample in three formats


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled sample as .txt, and as .docx and .pdf built from its text."""
    folder = tmp_path_factory.mktemp("formats")
    reference = read_file(SAMPLE)
    blocks = blocks_from_text(reference.text)
    files = {"txt": folder / "qinghe.txt", "docx": folder / "qinghe.docx", "pdf": folder / "qinghe.pdf"}
    files["txt"].write_bytes(SAMPLE.read_bytes())
    files["docx"].write_bytes(build_docx(blocks, header="清河市人民政府办公室（页眉）", footer="第 1 页（页脚）"))
    files["pdf"].write_bytes(build_pdf(blocks))
    return files


@pytest.fixture(scope="module")
def sample_reports(sample_files: dict[str, Path]) -> dict[str, Any]:
    from gknlp.pipeline import extract_file

    return {fmt: extract_file(path, themes=False) for fmt, path in sample_files.items()}


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_sample_reads_like_its_text(fmt: str, sample_files: dict[str, Path]) -> None:
    reference = read_file(sample_files["txt"])
    doc = read_file(sample_files[fmt])
    assert doc.format == fmt
    assert doc.encoding is None
    assert doc.warnings == ()
    assert squashed_lines(doc.text) == squashed_lines(reference.text)
    # Table rows keep their cells: the same TAB-separated lines as the text version.
    assert [ln for ln in doc.text.split("\n") if "\t" in ln] == [ln for ln in reference.text.split("\n") if "\t" in ln]
    assert "页眉" not in doc.text and "页脚" not in doc.text  # Word header/footer, PDF running header
    assert "政务公开年报" not in doc.text


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_sample_gives_the_same_sections_and_facts(fmt: str, sample_reports: dict[str, Any]) -> None:
    text_report, report = sample_reports["txt"], sample_reports[fmt]
    assert report.source.format == fmt
    assert report.source.encoding is None
    assert [s.id for s in report.sections] == [s.id for s in text_report.sections]
    assert len(report.sections) == 6
    assert [s.heading for s in report.sections] == [s.heading for s in text_report.sections]
    assert report.meta == text_report.meta
    assert [(q.value, q.unit) for q in report.quantities] == [(q.value, q.unit) for q in text_report.quantities]
    assert [r.title for r in report.regulations] == [r.title for r in text_report.regulations]
    assert len(report.quantities) > 10
    assert all(report.text[q.start : q.end] == q.text for q in report.quantities)


@needs_shared
@pytest.mark.parametrize("builder", list(BUILDERS))
def test_seeds_as_word_and_pdf_give_the_same_facts(builder: str) -> None:
    from gknlp.pipeline import extract_document

    for name in SEED_NAMES:
        reference = read_file(SEEDS_DIR / name)
        data = BUILDERS[builder](blocks_from_text(reference.text))
        doc = read_bytes(data, name=f"{name}.{builder.split('-')[0]}")
        text_report, report = extract_document(reference, themes=False), extract_document(doc, themes=False)
        assert [s.id for s in report.sections] == [s.id for s in text_report.sections], name
        assert report.meta == text_report.meta, name
        assert [(q.value, q.unit) for q in report.quantities] == [(q.value, q.unit) for q in text_report.quantities]
        assert [r.title for r in report.regulations] == [r.title for r in text_report.regulations], name


def test_sample_in_a_flowing_layout_reads_like_its_text() -> None:
    reference = read_file(SAMPLE)
    doc = read_bytes(build_pdf_flowing(blocks_from_text(reference.text)), name="flowing.pdf")
    assert squashed_lines(doc.text) == squashed_lines(reference.text)
    assert [ln for ln in doc.text.split("\n") if "\t" in ln] == [ln for ln in reference.text.split("\n") if "\t" in ln]


def test_cli_extract_docx_json(sample_files: dict[str, Path]) -> None:
    from typer.testing import CliRunner

    from gknlp.cli import app

    result = CliRunner().invoke(app, ["extract", str(sample_files["docx"]), "--format", "json"])
    assert result.exit_code == 0, result.output
    source = json.loads(result.output)["source"]
    assert source["format"] == "docx"
    assert source["encoding"] is None


# ------------------------------------------------------------------------ Word

W_DEL = '<w:del w:id="1" w:author="审核人" w:date="2022-01-05T00:00:00Z"><w:r><w:delText>{}</w:delText></w:r></w:del>'
W_INS = '<w:ins w:id="2" w:author="审核人" w:date="2022-01-05T00:00:00Z"><w:r><w:t>{}</w:t></w:r></w:ins>'


@dataclass(frozen=True)
class DocxCase:
    label: str
    body_xml: str
    expected: str


CASES_DOCX = [
    DocxCase(
        "tracked-deletion-and-insertion",
        f"<w:p><w:r><w:t>全年主动公开政府信息</w:t></w:r>{W_DEL.format('1000')}{W_INS.format('1234')}"
        "<w:r><w:t>条。</w:t></w:r></w:p>",
        "全年主动公开政府信息1234条。",
    ),
    DocxCase(
        "deleted-paragraph-text",
        f"<w:p>{W_DEL.format('此段已删除。')}</w:p><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>",
        "一、总体情况",
    ),
    DocxCase(
        "hyperlink-runs",
        '<w:p><w:r><w:t xml:space="preserve">在</w:t></w:r><w:hyperlink w:anchor="site"><w:r><w:t>市政府门户网站</w:t></w:r>'
        "</w:hyperlink><w:r><w:t>公开。</w:t></w:r></w:p>",
        "在市政府门户网站公开。",
    ),
    DocxCase(
        "field-code-not-text",
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "http://www.example.gov.cn" '
        '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>门户网站</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>',
        "门户网站",
    ),
    DocxCase(
        "content-control-block",
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>清河市2021年政府信息公开工作年度报告</w:t></w:r></w:p></w:sdtContent></w:sdt>",
        "清河市2021年政府信息公开工作年度报告",
    ),
    DocxCase(
        "tab-and-break-in-paragraph",
        "<w:p><w:r><w:t>一、</w:t><w:tab/><w:t>总体情况</w:t><w:br/><w:t>全年公开3条。</w:t></w:r></w:p>",
        "一、 总体情况\n全年公开3条。",
    ),
]


@pytest.mark.parametrize("case", CASES_DOCX, ids=lambda c: c.label)
def test_docx_paragraph_text(case: DocxCase) -> None:
    doc = read_bytes(docx_with_body_xml(case.body_xml), name="report.docx")
    assert doc.text == case.expected
    assert doc.format == "docx"


def test_docx_merged_cells_once() -> None:
    document = docx.Document()
    document.add_paragraph("二、主动公开政府信息情况")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([("信息内容", "本年数量", ""), ("", "制发", "废止"), ("规章", "3", "1")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(0, 1).merge(table.cell(0, 2))  # horizontal: one cell, written once
    table.cell(0, 0).merge(table.cell(1, 0))  # vertical: an empty cell below keeps the column
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    out = io.BytesIO()
    document.save(out)
    doc = read_bytes(out.getvalue(), name="merged.docx")
    assert doc.text == (
        "二、主动公开政府信息情况\n信息内容\t本年数量\n\t制发\t废止\n规章\t3\t1\n三、收到和处理政府信息公开申请情况"
    )
    # The fallback for grids python-docx cannot lay out reads the same from the w:tc elements.
    assert docx_format._raw_rows(table._tbl) == ["信息内容\t本年数量", "\t制发\t废止", "规章\t3\t1"]


def test_docx_header_and_footer_are_not_text() -> None:
    data = docx_with_body_xml("<w:p><w:r><w:t>正文第一段。</w:t></w:r></w:p>", header="机密页眉", footer="- 1 -")
    assert read_bytes(data, name="report.docx").text == "正文第一段。"


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_docx_bomb_ratio_refused() -> None:
    padding = b" " * (3 * 1024 * 1024)  # deflates about 1000:1
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": padding})
    with pytest.raises(InputError, match=r"refusing bomb\.docx: word/document\.xml is compressed \d+:1.*bomb"):
        read_bytes(data, name="bomb.docx")


def test_docx_bomb_size_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_format, "MAX_UNPACKED_BYTES", 1024 * 1024)
    monkeypatch.setattr(docx_format, "MAX_COMPRESSION_RATIO", 10**9)
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * (2 * 1024 * 1024)})
    with pytest.raises(InputError, match=r"refusing big\.docx: the \.docx unpacks to 2 MB .*decompression bomb"):
        read_bytes(data, name="big.docx")


# ------------------------------------------------------------------------- PDF

RUNNING_HEADER = "清河市人民政府办公室"
LONG_PARAGRAPH = (
    "全年通过市政府门户网站、政务新媒体和政府公报等渠道主动公开政府信息3.6万余条，较上年增长约三成。"
    "围绕疫情防控、稳岗就业、义务教育入学等群众关心的事项，开展政策访谈11场，推出图解、动漫、短视频等解读产品260余篇，"
    "与日报合办政策问答栏目，全年刊发政策问答98期，财政预决算、重大建设项目、公共资源交易等重点领域信息按季度集中更新，"
    "42个市直部门均在规定时限内公开了部门预算，全年审核拟公开信息4,100余条，纠正不宜公开的个人信息26处。"
)

SHORT_PARAGRAPH = "全年新收政府信息公开申请1,280件，连同上年结转的9件，办结1,271件，结转下年度继续办理18件，均在法定期限内答复。"


@pytest.mark.parametrize("footer", ["- {n} -", "— {n} —", "第{n}页", "第 {n} 页 共 3 页", "Page {n}", "{n}"])
def test_pdf_page_chrome_dropped_and_paragraph_joined_across_pages(footer: str) -> None:
    blocks = [
        Block("title", text="清河市2021年政府信息公开工作年度报告"),
        Block("heading", text="一、总体情况"),
        Block("para", text=LONG_PARAGRAPH),
        Block("heading", text="（一）主动公开"),
        Block("para", text=SHORT_PARAGRAPH),
    ]
    layout = PdfLayout(height=200, header=RUNNING_HEADER, page_number=footer)
    data = build_pdf(blocks, layout)
    import pypdfium2

    assert len(pypdfium2.PdfDocument(data)) >= 3
    doc = read_bytes(data, name="report.pdf")
    assert doc.text == "\n".join(
        ["清河市2021年政府信息公开工作年度报告", "一、总体情况", LONG_PARAGRAPH, "（一）主动公开", SHORT_PARAGRAPH]
    )
    assert doc.format == "pdf"
    assert doc.encoding is None


def test_pdf_paragraph_broken_at_a_page_end_is_one_line() -> None:
    # A page this short holds three lines: the paragraph breaks at a page end.
    layout = PdfLayout(height=200, header=None)
    data = build_pdf([Block("para", text=LONG_PARAGRAPH)], layout)
    import pypdfium2

    assert len(pypdfium2.PdfDocument(data)) >= 2
    assert read_bytes(data, name="report.pdf").text == LONG_PARAGRAPH


@dataclass(frozen=True)
class JoinCase:
    label: str
    lines: tuple[str, ...]
    expected: tuple[str, ...]


# Without geometry (a text layer that gave no character boxes) the words alone decide.
CASES_JOIN_WORDS = [
    JoinCase("mid-sentence", ("全年主动公开政府信息", "1234条。"), ("全年主动公开政府信息1234条。",)),
    JoinCase("sentence-end", ("全年公开1234条。", "依申请公开56件。"), ("全年公开1234条。", "依申请公开56件。")),
    JoinCase("semicolon", ("一是加强领导；", "二是完善制度。"), ("一是加强领导；", "二是完善制度。")),
    JoinCase("colon", ("主要做法如下：", "加强领导"), ("主要做法如下：", "加强领导")),
    JoinCase("heading", ("一、总体情况", "全年公开1234条。"), ("一、总体情况", "全年公开1234条。")),
    JoinCase("sub-heading", ("（一）主动公开", "全年公开1234条。"), ("（一）主动公开", "全年公开1234条。")),
    JoinCase("next-is-heading", ("全年公开1234条", "二、主动公开政府信息情况"), ("全年公开1234条", "二、主动公开政府信息情况")),
    JoinCase("next-is-numbered", ("存在问题", "1.公开不及时"), ("存在问题", "1.公开不及时")),
    JoinCase("number-broken", ("统计时段自20", "21年1月1日起"), ("统计时段自2021年1月1日起",)),
    JoinCase("latin-words", ("see the annual", "report"), ("see the annual report",)),
    JoinCase("closing-quote", ("深化“五公开。”", "稳步推进"), ("深化“五公开。”", "稳步推进")),
]


@pytest.mark.parametrize("case", CASES_JOIN_WORDS, ids=lambda c: c.label)
def test_pdf_line_joining_by_words(case: JoinCase) -> None:
    lines = [pdf_format._Line(text=t, top=float(i)) for i, t in enumerate(case.lines)]
    assert tuple(pdf_format._paragraphs(iter(lines))) == case.expected


def test_pdf_table_with_merged_cells() -> None:
    def draw(c: Any, n: int) -> None:
        c.drawString(72, 760, "二、主动公开政府信息情况")
        # A grid whose first cell spans two rows and whose second spans two columns.
        for x0, y0, x1, y1 in [(72, 700, 400, 700), (72, 640, 400, 640), (72, 700, 72, 640), (400, 700, 400, 640),
                               (200, 700, 200, 640), (300, 680, 300, 640), (200, 680, 400, 680), (72, 660, 400, 660)]:
            c.line(x0, y0, x1, y1)
        for x, y, text in [(80, 675, "信息内容"), (230, 687, "本年数量"), (210, 667, "制发"), (310, 667, "废止"),
                           (80, 647, "规章"), (210, 647, "3"), (310, 647, "1")]:
            c.drawString(x, y, text)
        c.drawString(72, 600, "三、收到和处理政府信息公开申请情况")

    doc = read_bytes(pdf_of_lines(draw), name="table.pdf")
    assert doc.text == "二、主动公开政府信息情况\n信息内容\t本年数量\n\t制发\t废止\n规章\t3\t1\n三、收到和处理政府信息公开申请情况"


def test_pdf_bare_numbers_that_do_not_count_pages_are_kept() -> None:
    cells = ["110", "0", "14"]
    heads = ["总体情况如下。", "申请情况如下。", "复议情况如下。"]

    def draw(c: Any, n: int) -> None:
        c.drawString(72, 760, heads[n - 1])
        c.drawString(72, 100, cells[n - 1])  # the last text line of the page: a figure, not a page number
        c.drawCentredString(297, 36, f"- {n} -")

    doc = read_bytes(pdf_of_lines(draw, pages=3), name="figures.pdf")
    assert doc.text == "总体情况如下。\n110\n申请情况如下。\n0\n复议情况如下。\n14"


def test_pdf_scan_needs_ocr() -> None:
    data = pdf_of_lines(lambda c, n: c.rect(50, 50, 495, 742, fill=1))
    with pytest.raises(InputError, match=r"scan\.pdf: PDF has no text layer \(a scanned image\?\); run OCR first, e\.g\. ocrmypdf"):
        read_bytes(data, name="scan.pdf")


def test_pdf_with_some_scanned_pages_warns() -> None:
    def draw(c: Any, n: int) -> None:
        if n == 1:
            c.drawString(72, 760, "全年主动公开政府信息1234条。")
        else:
            c.rect(50, 50, 495, 742, fill=1)

    doc = read_bytes(pdf_of_lines(draw, pages=2), name="mixed.pdf")
    assert doc.text == "全年主动公开政府信息1234条。"
    assert any("1 of 2 PDF pages have no text layer" in w for w in doc.warnings), doc.warnings


def test_pdf_encrypted_with_a_password_refused() -> None:
    data = pdf_of_lines(lambda c, n: c.drawString(72, 760, "全年公开1234条。"), encrypt="secret")
    with pytest.raises(InputError, match=r"locked\.pdf: PDF is encrypted with a password"):
        read_bytes(data, name="locked.pdf")


def test_pdf_with_owner_password_only_is_read() -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    encrypt = StandardEncryption("", ownerPassword="owner", canPrint=0, canCopy=0)
    data = pdf_of_lines(lambda c, n: c.drawString(72, 760, "全年公开1234条。"), encrypt=encrypt)
    assert read_bytes(data, name="restricted.pdf").text == "全年公开1234条。"


def test_pdf_too_many_pages_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_format, "MAX_PAGES", 2)
    data = pdf_of_lines(lambda c, n: c.drawString(72, 760, "正文。"), pages=3)
    with pytest.raises(InputError, match=r"refusing long\.pdf: the PDF has 3 pages \(limit 2\)"):
        read_bytes(data, name="long.pdf")


# ------------------------------------------------------- dispatch and bad files


def _small_docx() -> bytes:
    return docx_with_body_xml("<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>")


def _small_pdf() -> bytes:
    return pdf_of_lines(lambda c, n: c.drawString(72, 760, "一、总体情况"))


@pytest.mark.parametrize(
    ("make", "name", "fmt"),
    [
        (_small_docx, "report.docx", "docx"),
        (_small_docx, "report.txt", "docx"),  # by signature: a ZIP holding word/document.xml
        (_small_docx, "report.doc", "docx"),  # a .docx saved under the old suffix
        (_small_docx, "-", "docx"),
        (_small_pdf, "report.pdf", "pdf"),
        (_small_pdf, "report.txt", "pdf"),  # by signature: %PDF-
        (_small_pdf, "download", "pdf"),
    ],
)
def test_dispatch_by_suffix_and_signature(make: Any, name: str, fmt: str) -> None:
    doc = read_bytes(make(), name=name)
    assert (doc.text, doc.format, doc.encoding) == ("一、总体情况", fmt, None)


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"PK\x03\x04 truncated archive", "broken.docx", "not a readable Word file: broken.docx: "),
        (_zip({"xl/workbook.xml": b"<w/>"}), "sheet.docx", "not a readable Word file: sheet.docx: no word/document.xml"),
        (b"%PDF-1.7\n1 0 obj garbage", "broken.pdf", "not a readable PDF: broken.pdf: "),
        (b"<html><body>404</body></html>", "report.pdf", "not a readable PDF: report.pdf: "),
        (OLE, "old.doc", "libreoffice --headless --convert-to docx old.doc"),
        (OLE, "old.wps", "libreoffice --headless --convert-to docx old.wps"),
        (OLE, "renamed.docx", "libreoffice --headless --convert-to docx renamed.docx"),
        ("全年公开1234条。".encode("gb18030"), "old.doc", "libreoffice --headless --convert-to docx old.doc"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_files_raise_one_clear_line(data: bytes, name: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        read_bytes(data, name=name)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_sniff_binary_format() -> None:
    assert formats.sniff_binary_format(_small_docx()) == "docx"
    assert formats.sniff_binary_format(b"  %PDF-1.4\n") == "pdf"
    assert formats.sniff_binary_format(_zip({"xl/workbook.xml": b"<w/>"})) is None
    assert formats.sniff_binary_format("一、总体情况".encode()) is None


@pytest.mark.parametrize(
    ("left", "right", "expected"), [("政府信息", "公开", ""), ("annual", "report", " "), ("20", "21年", ""), ("", "x", "")]
)
def test_glue(left: str, right: str, expected: str) -> None:
    assert formats.glue(left, right) == expected



NUMBERING_XML = (
    '<w:abstractNum w:abstractNumId="90">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
    '</w:abstractNum>'
    '<w:abstractNum w:abstractNumId="91">'
    '<w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>'
    '</w:abstractNum>'
)


def _numbered(text: str, num_id: int, ilvl: int = 0) -> str:
    return (
        f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
        f"<w:r><w:t>{text}</w:t></w:r></w:p>"
    )


def test_docx_automatic_list_numbers_are_rendered() -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    for element in parse_xml(f"<w:numbering {nsdecls('w')}>{NUMBERING_XML}</w:numbering>"):
        first_num.addprevious(element)
    for num_id, abstract in ((90, 90), (91, 91)):
        numbering.append(
            parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/></w:num>')
        )
    body_xml = "".join(
        [
            _numbered("总体情况", 90),
            _numbered("主动公开", 90, 1),
            _numbered("依申请公开", 90, 1),
            _numbered("公开内容不够全面；", 90, 2),
            _numbered("主动公开政府信息情况", 90),
            _numbered("主动公开", 90, 1),
            _numbered("一个圆点项目", 91),
        ]
    )
    for element in parse_xml(f"<w:body {nsdecls('w')}>{body_xml}</w:body>"):
        document.element.body[-1].addprevious(element)
    out = io.BytesIO()
    document.save(out)
    assert read_bytes(out.getvalue(), name="numbered.docx").text == "\n".join(
        ["一、总体情况", "（一）主动公开", "（二）依申请公开", "1. 公开内容不够全面；", "二、主动公开政府信息情况", "（一）主动公开", "一个圆点项目"]
    )


@pytest.mark.parametrize(
    ("n", "expected"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五"), (105, "一百零五"), (110, "一百一十")]
)
def test_chinese_count(n: int, expected: str) -> None:
    assert docx_format.chinese_count(n) == expected
