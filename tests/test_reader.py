"""Tests for gknlp.reader: decoding, HTML stripping, normalisation, noise lines, nasty input."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SEED_NAMES, SEEDS_DIR, needs_shared
from gknlp import reader
from gknlp.errors import InputError
from gknlp.reader import Document, normalise, read_bytes, read_file, read_text, rule_fires
from gknlp.rules import load_rule_file

NASTY_DIR = Path(__file__).parent / "data" / "nasty"

SHORT_REPORT = (
    "某某县人民政府2021年政府信息公开工作年度报告\n"
    "一、总体情况\n"
    "全年主动公开政府信息1234条，依申请公开56件。\n"
    "五、存在的主要问题及改进情况\n"
    "一是公开内容不够全面。\n"
)

# --------------------------------------------------------------------- encodings


@dataclass(frozen=True)
class EncodingCase:
    label: str
    data: bytes
    expected_encoding: str
    expected_text: str


# U+2003 (em space, seed 001 has 57 of them) and • cannot be encoded as GBK:
# only GB18030 round-trips them; ﹝ and 〔〕 are there to see they survive too.
GB_ONLY = "依据《条例》\u2003（豫政办〔2021〕3号）﹝2020﹞• 公开信息1234条。"
GB_ONLY_NORMALISED = "依据《条例》 （豫政办〔2021〕3号）〔2020〕• 公开信息1234条。"

CASES_ENCODINGS = [
    EncodingCase("utf-8", SHORT_REPORT.encode("utf-8"), "utf-8", SHORT_REPORT.rstrip()),
    EncodingCase("utf-8-bom", codecs.BOM_UTF8 + SHORT_REPORT.encode("utf-8"), "utf-8-sig", SHORT_REPORT.rstrip()),
    EncodingCase(
        "utf-16-le-bom", codecs.BOM_UTF16_LE + SHORT_REPORT.encode("utf-16-le"), "utf-16", SHORT_REPORT.rstrip()
    ),
    EncodingCase(
        "utf-16-be-bom", codecs.BOM_UTF16_BE + SHORT_REPORT.encode("utf-16-be"), "utf-16", SHORT_REPORT.rstrip()
    ),
    EncodingCase("gb18030", SHORT_REPORT.encode("gb18030"), "gb18030", SHORT_REPORT.rstrip()),
    EncodingCase("gb18030-beyond-gbk", GB_ONLY.encode("gb18030"), "gb18030", GB_ONLY_NORMALISED),
    EncodingCase(
        "utf-8-crlf", SHORT_REPORT.replace("\n", "\r\n").encode("utf-8"), "utf-8", SHORT_REPORT.rstrip()
    ),
]


@pytest.mark.parametrize("case", CASES_ENCODINGS, ids=lambda c: c.label)
def test_encodings(case: EncodingCase) -> None:
    doc = read_bytes(case.data, name="report.txt")
    assert doc.text == case.expected_text
    assert doc.encoding == case.expected_encoding
    assert doc.format == "txt"
    assert doc.warnings == ()


def test_gb_only_text_is_beyond_gbk() -> None:
    # Why the reader never decodes with the gbk label: these bytes fail there.
    with pytest.raises(UnicodeEncodeError):
        GB_ONLY.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        GB_ONLY.encode("gb18030").decode("gbk")


def test_gb18030_with_a_wrong_html_charset_still_decodes() -> None:
    page = HTML_PAGE.replace('charset="utf-8"', 'charset="iso-8859-1"')
    doc = read_bytes(page.encode("gb18030"), name="page.html")
    assert doc.encoding == "gb18030"
    assert "全市主动公开政府信息1234条" in doc.text


@needs_shared
@pytest.mark.parametrize("name", SEED_NAMES)
@pytest.mark.parametrize("codec", ["gb18030", "utf-16-le", "utf-16-be"])
def test_seed_reencoded_reads_the_same(name: str, codec: str) -> None:
    raw = (SEEDS_DIR / name).read_bytes()
    reference = read_bytes(raw, name=name)
    text = raw.decode("utf-8")
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    doc = read_bytes(bom + text.encode(codec), name=name)
    assert doc.text == reference.text
    assert doc.encoding == ("gb18030" if codec == "gb18030" else "utf-16")
    assert doc.warnings == reference.warnings


# ----------------------------------------------------------------- normalisation


@dataclass(frozen=True)
class NormCase:
    text: str
    expected: str


CASES_NORMALISE = [
    NormCase("主动公开政府信息１２３４条", "主动公开政府信息1234条"),
    NormCase("ＡＢＣ ａｂｃ政务", "ABC abc政务"),
    NormCase("\u3000\u3000一是加强组织领导", "  一是加强组织领导"),
    NormCase("政府\u00a0信息\u2003公开\u2002工作", "政府 信息 公开 工作"),
    NormCase("⼯作⼈员⾼度重视，⼒度加⼤，⻓效机制⼀以贯之", "工作人员高度重视，力度加大，长效机制一以贯之"),
    NormCase("豫政办﹝2021﹞3号", "豫政办〔2021〕3号"),
    NormCase("国办发［2019］14号", "国办发[2019]14号"),
    NormCase("[bookmark: _GoBack]二是根据政策执行", "二是根据政策执行"),
    NormCase("**五是强化考核监督。**建立更加完善", "五是强化考核监督。建立更加完善"),
    NormCase("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
    NormCase("，。；：（）《》“”％、！？", "，。；：（）《》“”％、！？"),
    NormCase("同比增长１２．５％", "同比增长12.5％"),
    NormCase("完成。（一）", "完成。（一）"),
    NormCase("一、总体情况   \n无", "一、总体情况\n无"),
    NormCase("甲\n\n\n\n\n\n乙", "甲\n\n\n乙"),
    NormCase("\n\n\n标题\n正文\n\n\n", "标题\n正文"),
    NormCase("政\u200b府\ufeff信息", "政府信息"),
    NormCase("规章\t0\t0\t15", "规章\t0\t0\t15"),
    NormCase("第一段\x0b第二段\x0c第三段", "第一段\n第二段\n第三段"),
]


@pytest.mark.parametrize("case", CASES_NORMALISE, ids=lambda c: repr(c.text[:12]))
def test_normalise(case: NormCase) -> None:
    text, warnings = normalise(case.text)
    assert text == case.expected
    assert warnings == []


# ---------------------------------------------------------------- noise lines


@dataclass(frozen=True)
class NoiseCase:
    label: str
    text: str
    expected: str
    dropped: int


CASES_NOISE = [
    NoiseCase(
        "breadcrumb-metadata-spam",
        "当前位置：首页 > 政务公开 > 年报\n某某县2021年政府信息公开工作年度报告\n"
        "发布时间：2022-01-20 来源：县政府办 字体：[大 中 小]\n一、总体情况\n"
        "通过网络直播解读政策\n六、其他需要报告的事项\n无\n\n英超直播吧\n欢迎收看直播",
        "某某县2021年政府信息公开工作年度报告\n一、总体情况\n通过网络直播解读政策\n"
        "六、其他需要报告的事项\n无",
        4,
    ),
    NoiseCase(
        "weak-spam-line-kept-before-the-end",
        "某某县年度报告\n欢迎收看直播\n一、总体情况\n无",
        "某某县年度报告\n欢迎收看直播\n一、总体情况\n无",
        0,
    ),
    NoiseCase(
        "menu-only-before-title",
        "首页 | 政务公开 | 互动交流\n某某县年度报告\n规章 | 规范性文件 | 其他",
        "某某县年度报告\n规章 | 规范性文件 | 其他",
        1,
    ),
    NoiseCase(
        "mostly-spam-line-anywhere",
        "某某县年度报告\n足球比分直播\n一、总体情况\n无",
        "某某县年度报告\n一、总体情况\n无",
        1,
    ),
    NoiseCase(
        "footer-and-page-number",
        "某某县年度报告\n- 4 -\n一、总体情况\n无\n主办单位：某某县人民政府办公室\n豫ICP备05001234号",
        "某某县年度报告\n一、总体情况\n无",
        3,
    ),
]


@pytest.mark.parametrize("case", CASES_NOISE, ids=lambda c: c.label)
def test_noise_lines(case: NoiseCase) -> None:
    text, warnings = normalise(case.text)
    assert text == case.expected
    if case.dropped:
        assert len(warnings) == 1
        assert warnings[0].startswith(f"dropped {case.dropped} lines of web page chrome/noise")
    else:
        assert warnings == []


def _noise_rule_cases() -> list[tuple[str, str, bool]]:
    cases: list[tuple[str, str, bool]] = []
    for rule in load_rule_file("noise.toml").all_rules():
        cases += [(rule["id"], text, True) for text in rule["examples"]]
        cases += [(rule["id"], text, False) for text in rule["counter_examples"]]
    return cases


@pytest.mark.parametrize(("rule_id", "text", "fires"), _noise_rule_cases())
def test_noise_rule_examples(rule_id: str, text: str, fires: bool) -> None:
    assert rule_fires(rule_id, text) is fires


def test_unknown_rule_id() -> None:
    with pytest.raises(KeyError):
        rule_fires("chrome.nope", "x")


@needs_shared
def test_seed_001_loses_chrome_keeps_title() -> None:
    path = next(SEEDS_DIR.glob("001_*.txt"))
    doc = read_file(path)
    first_line = doc.text.split("\n", 1)[0]
    assert first_line.startswith("亳州市人民政府2020年") and first_line.endswith("年度报告")
    assert "您现在所在的位置" not in doc.text
    assert "发布时间" not in doc.text
    assert "直播" not in doc.text
    assert "本年报是根据" in doc.text
    assert doc.text.endswith("按时整改到位。")
    assert doc.warnings == (
        "dropped 3 lines of web page chrome/noise (chrome.breadcrumb, chrome.metadata, spam.mostly)",
    )


@needs_shared
@pytest.mark.parametrize(
    ("prefix", "gone"),
    [("003_", "**"), ("004_", "[bookmark:"), ("001_", "\u2003")],
)
def test_seed_artifacts_removed(prefix: str, gone: str) -> None:
    doc = read_file(next(SEEDS_DIR.glob(f"{prefix}*.txt")))
    assert gone not in doc.text


@needs_shared
@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_keeps_every_report_line(name: str) -> None:
    # Only the three noise lines of 001 may go; every other non-blank line of
    # every seed is still there after normalisation.
    raw, _ = normalise((SEEDS_DIR / name).read_text("utf-8"))
    doc = read_file(SEEDS_DIR / name)
    assert doc.text == raw
    lines = [line.strip() for line in (SEEDS_DIR / name).read_text("utf-8").splitlines() if line.strip()]
    kept = {line.strip() for line in doc.text.splitlines()}
    missing = [line for line in lines if line.replace("**", "").translate(reader._char_table()).strip() not in kept]
    allowed = 3 if name.startswith("001_") else (1 if name.startswith("004_") else 0)
    assert len(missing) == allowed


# ------------------------------------------------------------------------ html

HTML_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>某某市人民政府2021年政府信息公开工作年度报告_某某市人民政府</title>
<style>body{font-size:14px} .nav li{float:left}</style>
<script>var _hmt = _hmt || []; document.write("统计代码");</script>
</head>
<body>
<div class="top"><a href="#">无障碍</a> | <a href="#">关怀版</a> | <a href="#">长者模式</a></div>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/bsfw/">办事服务</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt;
<a href="/zwgk/nb/">政府信息公开年报</a></div>
<div class="main">
<table class="meta">
<tr><td>索引号：</td><td>11410900MB1234567X/2022-00012</td><td>发布机构：</td><td>某某市人民政府办公室</td></tr>
<tr><td>发布日期：</td><td>2022-01-20</td><td>主题分类：</td><td>政务公开</td></tr>
</table>
<div class="article">
<h1>某某市人民政府2021年政府信息公开工作年度报告</h1>
<div class="info">发布时间：2022-01-20 09:30　来源：市政府办公室　浏览次数：1024　字体：[大 中 小]</div>
<div class="content" id="zoom">
<p>本年报是根据《中华人民共和国政府信息公开条例》要求编制而成，统计期限为2021年1月1日至2021年12月31日。</p>
<p>一、总体情况</p>
<p>2021年，全市主动公开政府信息１２３４条，召开新闻发布会２０次，通过网络直播解读政策６场。</p>
<p>二、主动公开政府信息情况</p>
<table border="1">
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td>规章</td><td>2</td><td>0</td><td>15</td></tr>
<tr><td>规范性文件</td><td>12</td><td>3</td><td>81</td></tr>
</table>
<p>三、收到和处理政府信息公开申请情况</p>
<p>本年度共收到政府信息公开申请５６件，均已按时答复。</p>
<p>五、存在的主要问题及改进情况</p>
<p>一是公开内容不够全面；二是解读形式较为单一。<br>下一步，我们将进一步加强培训。</p>
<p>六、其他需要报告的事项</p>
<p>无。</p>
</div>
<div class="share">分享到：<a href="#">微信</a><a href="#">微博</a></div>
<div class="qr">扫一扫在手机打开当前页</div>
<div class="tools">【打印本页】【关闭窗口】</div>
</div>
</div>
<div class="footer">
<p>主办单位：某某市人民政府办公室　版权所有</p>
<p>网站标识码：4109000001　<a href="#">豫ICP备05001234号</a>　<a href="#">豫公网安备 41090202000123号</a></p>
</div>
<script>console.log("end");</script>
</body>
</html>
"""

HTML_BODY_LINES = [
    "某某市人民政府2021年政府信息公开工作年度报告",
    "本年报是根据《中华人民共和国政府信息公开条例》要求编制而成，统计期限为2021年1月1日至2021年12月31日。",
    "一、总体情况",
    "2021年，全市主动公开政府信息1234条，召开新闻发布会20次，通过网络直播解读政策6场。",
    "二、主动公开政府信息情况",
    "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
    "规章\t2\t0\t15",
    "规范性文件\t12\t3\t81",
    "三、收到和处理政府信息公开申请情况",
    "本年度共收到政府信息公开申请56件，均已按时答复。",
    "五、存在的主要问题及改进情况",
    "一是公开内容不够全面；二是解读形式较为单一。",
    "下一步，我们将进一步加强培训。",
    "六、其他需要报告的事项",
    "无。",
]

HTML_CHROME = [
    "无障碍", "关怀版", "长者模式", "互动交流", "办事服务", "当前位置", "索引号", "发布机构",
    "发布时间", "浏览次数", "字体", "分享到", "微博", "扫一扫", "打印本页", "关闭窗口",
    "主办单位", "版权所有", "网站标识码", "ICP备", "公网安备", "统计代码", "_hmt", "font-size",
    "console", "<",
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "codec"),
    [("page.html", "utf-8"), ("page.htm", "gb18030"), ("saved_page.txt", "utf-8"), ("page.html", "utf-16")],
)
def test_html_page(name: str, codec: str) -> None:
    doc = read_bytes(HTML_PAGE.encode(codec), name=name)
    assert doc.format == "html"
    assert doc.text.split("\n") == HTML_BODY_LINES
    assert [c for c in HTML_CHROME if c in doc.text] == []
    assert doc.warnings == ()


def test_html_title_from_page_title_without_site_name() -> None:
    # No <h1>: the title is taken from <title>, without the site name after _.
    page = HTML_PAGE.replace("<h1>某某市人民政府2021年政府信息公开工作年度报告</h1>", "")
    doc = read_text(page, name="page.html")
    assert doc.text.split("\n") == HTML_BODY_LINES


def test_html_read_text_with_xml_prolog() -> None:
    doc = read_text('<?xml version="1.0" encoding="gb2312"?>\n' + HTML_PAGE, name="page.html")
    assert doc.text.split("\n") == HTML_BODY_LINES
    assert doc.encoding is None


def test_html_fallback_when_trafilatura_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "extract", lambda *args, **kwargs: None)
    doc = read_bytes(HTML_PAGE.encode("utf-8"), name="page.html")
    assert "一、总体情况" in doc.text
    assert "规章\t2\t0\t15" in doc.text
    assert "console" not in doc.text and "font-size" not in doc.text
    assert any("no report body found by trafilatura" in w for w in doc.warnings)


# ------------------------------------------------------------------ read_text


def test_read_text() -> None:
    doc = read_text("\ufeff主动公开政府信息１２３４条\u3000", name="notebook")
    assert doc == Document(
        text="主动公开政府信息1234条",
        format="txt",
        encoding=None,
        sha256=hashlib.sha256("\ufeff主动公开政府信息１２３４条\u3000".encode()).hexdigest(),
        warnings=(),
    )


def test_sha256_is_of_the_raw_bytes() -> None:
    data = codecs.BOM_UTF8 + SHORT_REPORT.encode("utf-8")
    assert read_bytes(data).sha256 == hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------- nasty input


@dataclass(frozen=True)
class NastyCase:
    file: str
    error: str | None = None  # expected InputError message fragment
    warning: str | None = None  # else: expected warning fragment


CASES_NASTY = [
    NastyCase("empty.txt", error="empty file: empty.txt"),
    NastyCase("blank.txt", error="empty file: blank.txt"),
    NastyCase("binary.bin", error="not a text report: binary.bin (binary data)"),
    NastyCase("controls.txt", error="not a text report: controls.txt (binary data)"),
    NastyCase("report.docx", error="not a readable Word file: report.docx"),
    NastyCase("report_docx_named.txt", error="not a text report: report_docx_named.txt is a ZIP container"),
    NastyCase("old_word.doc", error="--convert-to docx"),
    NastyCase("mojibake.txt", warning="looks garbled (mojibake"),
    NastyCase("latin1.txt", warning="no Chinese characters in latin1.txt"),
    NastyCase("percent.txt", warning="no Chinese characters in percent.txt"),
    NastyCase("no_such_file.txt", error="no such file"),
    NastyCase(".", error="is a directory"),
]


@pytest.mark.parametrize("case", CASES_NASTY, ids=lambda c: c.file)
def test_nasty_inputs(case: NastyCase) -> None:
    path = NASTY_DIR / case.file
    if case.error is not None:
        with pytest.raises(InputError) as info:
            read_file(path)
        message = str(info.value)
        assert case.error in message
        assert "\n" not in message
    else:
        doc = read_file(path)
        assert case.warning is not None
        assert any(case.warning in w for w in doc.warnings), doc.warnings


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("a.pdf", "not a readable PDF: a.pdf"),
        ("a.wps", "libreoffice --headless --convert-to docx"),
        ("a.xls", "not supported"),
    ],
)
def test_unsupported_suffixes(name: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        read_bytes(SHORT_REPORT.encode(), name=name)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x00\x01\x02\x03" * 100,
        bytes(range(256)) * 4,
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE + "\u3000 \n".encode("utf-16-le"),
        b"<html><body></body></html>",
    ],
)
def test_odd_bytes_raise_input_error_only(data: bytes) -> None:
    with pytest.raises(InputError):
        read_bytes(data, name="odd.txt")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec: str) -> None:
    doc = read_bytes(SHORT_REPORT.encode(codec), name="nobom.txt")
    assert doc.text == SHORT_REPORT.rstrip()
    assert doc.encoding == codec
    assert doc.warnings == ("UTF-16 without a byte-order mark",)


def test_big5_read_as_gb18030_warns() -> None:
    text = "臺北市政府資訊公開年度報告，本年度主動公開政府資訊一千二百三十四條，受理申請五十六件。" * 2
    doc = read_bytes(text.encode("big5"), name="big5.txt")
    assert any("are rare: garbled encoding" in w for w in doc.warnings)


def test_five_megabyte_report(tmp_path: Path) -> None:
    paragraph = "（一）主动公开情况。全市主动公开政府信息１２３４条，同比增长１２．５％，召开新闻发布会２０次。\n"
    body = SHORT_REPORT + paragraph * (5 * 1024 * 1024 // len(paragraph.encode("gb18030")))
    path = tmp_path / "big.txt"
    path.write_bytes(body.encode("gb18030"))
    assert path.stat().st_size >= 5_000_000
    doc = read_file(path)
    assert doc.encoding == "gb18030"
    assert doc.text.startswith("某某县人民政府2021年")
    assert doc.text.count("同比增长12.5％") == body.count("同比增长１２．５％")
    assert doc.warnings == ()
