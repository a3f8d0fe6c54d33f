"""Tests for gknlp.reader: decoding, HTML stripping, normalisation, noise lines, nasty input."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLES_DIR, SEED_NAMES, SEEDS_DIR, needs_shared
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


# ------------------------------------------------------------------ unwrapping
# PDF text saved as .txt comes hard-wrapped every 25-40 characters, mid-sentence
# (numbers, units, 文号 and qualifiers split by the break). The reader joins the
# lines back; the facts must be those of the unwrapped text.

WRAP_REPORT = """松岭县市场监督管理局2023年政府信息公开工作年度报告

本报告依据《中华人民共和国政府信息公开条例》（国务院令第711号）和《松岭县人民政府办公室关于做好政府信息公开工作年度报告编制发布工作的通知》（松政办函〔2024〕3号）要求编制，报告中所列数据统计期限为2023年1月1日至2023年12月31日。

一、总体情况
2023年，我局坚持以公开为常态、不公开为例外，全面落实政务公开各项要求。
（一）主动公开。全年通过局门户网站主动公开政府信息3856条，其中行政许可信息1274条，行政处罚信息216条，双随机抽查结果信息58.75万余条次按季度更新；通过“松岭市监”微信公众号发布信息1206条，阅读量超过120万人次。全年组织政策解读会议4次，开展食品安全主题宣传周活动历时2个月，发放宣传资料12000余份，抽检合格率不低于98.5%。
（二）依申请公开。全年共收到政府信息公开申请47件，同比增长17.5%，均在法定期限内答复，平均办理时长为6.5个工作日，较上年缩短1.8个工作日。
（三）政府信息管理。依据《松岭县人民政府办公室关于进一步规范政府信息公开属性源头认定工作的通知》（松政办〔2023〕12号）和《政府信息公开信息处理费管理办法》（国办函﹝2020﹞109号）的要求，对382件公文逐件开展公开属性审查，清理过期失效信息95条。
（四）平台建设。完成门户网站集约化改造，全年网站访问量达到96.4万次，在线受理咨询1380余件，按期办结率为99.6%。
（五）监督保障。全年组织政务公开业务培训3期，参训人员达260余人次，对照考核指标开展自查6轮，整改问题23个。

二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年制发件数\t本年废止件数\t现行有效件数
规章\t0\t0\t0
行政规范性文件\t3\t1\t12
第二十条第（五）项
信息内容
本年处理决定数量
行政许可
1274

五、存在的主要问题及改进情况
（一）存在的主要问题
一是政策解读形式较为单一，以文字解读为主，图解、视频、在线访谈等群众喜闻乐见的解读形式运用不多，解读的针对性和可读性有待提高。
二是基层市场监管所政务公开工作力量薄弱，信息员多为兼职且流动性较大，业务培训覆盖不够全面，部分信息发布不够及时。
（二）改进措施
一是丰富政策解读形式，围绕食品安全、特种设备安全等群众关注的重点领域，全年计划制作图解和短视频解读不少于20件。
二是加强政务公开队伍建设，每半年至少组织一次全员业务培训，将基层市场监管所信息发布情况纳入年度绩效考核，切实提高信息发布的时效性。

六、其他需要报告的事项
本年度未收取信息处理费。
"""


def _hard_wrap(text: str, width: int, *, indent: bool = False, page_every: int = 0) -> str:
    """Wrap every line longer than ``width`` (tables aside) as a PDF-to-text tool does."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width or "\t" in line:
            out.append(line)
            continue
        if indent:
            line = "\u3000\u3000" + line
        out.extend(line[i : i + width] for i in range(0, len(line), width))
    if page_every:  # page numbers, with the blank lines a page break leaves
        paged: list[str] = []
        for i, line in enumerate(out, 1):
            paged.append(line)
            if i % page_every == 0:
                paged.extend(["", f"- {i // page_every + 1} -", ""])
        out = paged
    return "\n".join(out)


def _facts(text: str) -> tuple[list[Any], ...]:
    from gknlp.pipeline import extract_text

    report = extract_text(text, themes=False)
    return (
        [s.id for s in report.sections],
        [(q.value, q.unit, q.approx) for q in report.quantities],
        [(r.title, r.doc_number) for r in report.regulations],
        [p.text for p in (*report.problems, *report.measures)],
    )


@dataclass(frozen=True)
class UnwrapCase:
    text: str
    expected: str


CASES_UNWRAP = [  # one break each: the joined line, or no join where the break is real
    UnwrapCase("全年主动公开政府信息3856条，其中行政许可信息1274\n条，行政处罚信息216条，政策解读13篇，回应关切8次，召\n开新闻发布会5场，全年网站访问量达到96.4万次，在线受\n理咨询1380余件，按期办结率为99.6%，整改问题23个，参\n训人员达260余人次，对照考核指标开展自查6轮，较上年\n有所提升，其中依申请公开47件，同比增长17.5%，均在\n法定期限内答复，平均办理时长为6.5个工作日，较上年缩\n短1.8个工作日，清理过期失效信息95条，开展宣传活动\n历时2个月。",
               "全年主动公开政府信息3856条，其中行政许可信息1274条，行政处罚信息216条，政策解读13篇，回应关切8次，"
               "召开新闻发布会5场，全年网站访问量达到96.4万次，在线受理咨询1380余件，按期办结率为99.6%，整改问题23个，"
               "参训人员达260余人次，对照考核指标开展自查6轮，较上年有所提升，其中依申请公开47件，同比增长17.5%，"
               "均在法定期限内答复，平均办理时长为6.5个工作日，较上年缩短1.8个工作日，清理过期失效信息95条，"
               "开展宣传活动历时2个月。"),
]


def test_unwrap_hand_wrapped_paragraph() -> None:
    for case in CASES_UNWRAP:
        text, warnings = normalise(case.text)
        assert text == case.expected
        assert warnings == [f"joined {case.text.count(chr(10))} hard-wrapped lines"]


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        # a number split inside its digits, at the decimal point, before 万余 and inside 个月
        ([*["政务公开工作取得新进展，全年发布各类信息共计"] * 8, "全年主动公开信息12", "34条。"], "全年主动公开信息1234条。"),
        ([*["政务公开工作取得新进展，全年发布各类信息共计"] * 8, "网站访问量达到96.", "4万次。"], "网站访问量达到96.4万次。"),
        ([*["政务公开工作取得新进展，全年发布各类信息共计"] * 8, "双随机抽查结果信息58.75", "万余条次。"], "双随机抽查结果信息58.75万余条次。"),
        ([*["政务公开工作取得新进展，全年发布各类信息共计"] * 8, "宣传活动历时2个", "月。"], "宣传活动历时2个月。"),
        ([*["政务公开工作取得新进展，全年发布各类信息共计"] * 8, "抽检合格率不低", "于98.5%。"], "抽检合格率不低于98.5%。"),
        ([*["政务公开工作取得新进展，全年发布各类信息共计"] * 8, "依据《条例》（国务院令第71", "1号）。"], "依据《条例》（国务院令第711号）。"),
        ([*["政务公开工作取得新进展，全年发布各类信息共计"] * 8, "依据（国办函〔2020", "〕109号）。"], "依据（国办函〔2020〕109号）。"),
    ],
    ids=["digits", "decimal", "wan-yu", "ge-yue", "bu-di-yu", "guowuyuan-ling", "bracket-doc-number"],
)
def test_unwrap_joins_split_tokens(lines: list[str], joined: str) -> None:
    # padded to 24 characters: the two lines under test are near the wrap width
    padded = [line.ljust(24, "字") if i < len(lines) - 1 else line for i, line in enumerate(lines)]
    text, warnings = normalise("\n".join(padded))
    assert text.endswith(joined.replace(lines[-2], padded[-2]))
    assert "joined" in warnings[-1]


UNWRAP_FILLER = ["政务公开工作取得新进展，全年发布各类信息共计一千余条次，群众满意度"] * 8


@pytest.mark.parametrize(
    ("tail", "kept_lines"),
    [
        (["全年主动公开政府信息一千余条次，同比增长百分之十，群众满意度持续提升。", "一是加强组织领导，明确分管领导。"], 2),  # 。ends it
        (["全年主动公开政府信息一千余条次，同比增长百分之十，群众满意度持续提升，", "二、主动公开政府信息情况"], 2),  # a heading
        (["全年主动公开政府信息一千余条次，同比增长百分之十，群众满意度持续提升，", "（二）依申请公开情况"], 2),
        (["全年主动公开政府信息一千余条次，同比增长百分之十，群众满意度持续提升，", "  新的一段从缩进开始"], 2),  # indented
        (["全年主动公开政府信息一千余条次，同比增长百分之十，群众满意度持续提升，", "", "空行之后是新的一段"], 2),  # blank line
        (["全年主动公开政府信息一千余条次，同比增长百分之十，群众满意度持续提升，", "规章\t0\t0\t0"], 2),  # a table row
        (["短行", "信息内容"], 2),  # one table cell per line: short lines are never joined
        (["全年主动公开政府信息一千余条次，同比增长百分之十，群众满意度持续提升，", "", "- 3 -", "", "跨页接续的句子。"], 1),  # page number
    ],
    ids=["sentence-end", "heading", "paren-heading", "indent", "blank", "table-row", "cells", "page-number"],
)
def test_unwrap_stops_where_the_break_is_real(tail: list[str], kept_lines: int) -> None:
    # the filler and the first tail line are one paragraph; what follows is kept apart, or not
    text, _ = normalise("\n".join([*UNWRAP_FILLER, *tail]))
    assert text.startswith("".join(UNWRAP_FILLER) + tail[0])
    assert len([line for line in text.split("\n") if line.strip()]) == kept_lines


@pytest.mark.parametrize("text", [SHORT_REPORT, WRAP_REPORT, "一、总体情况\n" * 40, ("字" * 30 + "\n") * 3])
def test_unwrap_leaves_unwrapped_text_alone(text: str) -> None:
    _, warnings = normalise(text)
    assert not any("hard-wrapped" in w for w in warnings)


@pytest.fixture(scope="module")
def wrap_report_facts() -> tuple[list[Any], ...]:
    return _facts(WRAP_REPORT)


@pytest.mark.parametrize("width", range(25, 41))
def test_hard_wrapped_report_gives_the_same_facts(width: int, wrap_report_facts: tuple[list[Any], ...]) -> None:
    wrapped = _hard_wrap(WRAP_REPORT, width, indent=width % 2 == 0, page_every=17 if width % 3 == 0 else 0)
    assert wrapped.count("\n") > WRAP_REPORT.count("\n") + 12
    assert _facts(wrapped) == wrap_report_facts


@pytest.mark.parametrize("width", [28, 35])
def test_hard_wrapped_sample_gives_the_same_facts(width: int) -> None:
    doc = read_file(SAMPLES_DIR / "qinghe_2021_gb18030.txt")
    wrapped = read_text(_hard_wrap(doc.text, width, page_every=30), name="wrapped.txt")
    assert any(w.startswith("joined ") and w.endswith(" hard-wrapped lines") for w in wrapped.warnings)
    assert _facts(wrapped.text) == _facts(doc.text)
