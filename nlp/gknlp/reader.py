"""Bytes → normalised text: detect the encoding, strip HTML chrome, normalise.

The normalised text is what every offset in a :class:`~gknlp.model.Report`
refers to (``gknlp extract --format text`` prints it).

Stages, in order:

1. Refuse what cannot be read (missing, empty, binary, .doc/.wps/.xls…) with
   one :class:`InputError` line. Word .docx and PDF files (by suffix or by
   signature) go to :mod:`gknlp.formats`, whose text joins stage 4.
2. Decode: BOM first (UTF-8, UTF-16, UTF-32), then strict UTF-8, then strict
   GB18030 (a superset of GBK/GB2312 — the ``gbk`` label rejects bytes such as
   those of U+2003 or 〔〕 that real files contain), then charset-normalizer.
   A charset declared inside an HTML page is ignored: it is often wrong.
3. HTML (by suffix or by content): trafilatura keeps the report body and drops
   navigation, footer, scripts; tables come out as rows of TAB-separated cells.
4. :func:`normalise`: one per-character translate table (full-width digits and
   Latin letters, odd spaces, look-alike radicals), conversion artifacts
   removed, web chrome and spam lines dropped (``rules/noise.toml``), blank
   lines collapsed. The result is the text offsets refer to.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import logging
import shlex
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import regex

from gknlp.errors import InputError, RuleFileError
from gknlp.model import SourceFormat
from gknlp.rules import load_rule_file

logger = logging.getLogger(__name__)

NOISE_FILE = "noise.toml"

_HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"})

# Suffix → why it cannot be read (yet). Office binaries get the conversion hint
# ({name} is the file's name, so the command can be pasted as it is).
_CONVERT_HINT = "convert it to .docx with: libreoffice --headless --convert-to docx {name}"
_BINARY_SUFFIXES: dict[str, Literal["docx", "pdf"]] = {".docx": "docx", ".pdf": "pdf"}
_UNSUPPORTED_SUFFIXES: dict[str, str] = {
    ".doc": f"old Word .doc files cannot be read; {_CONVERT_HINT}",
    ".wps": f"WPS .wps files cannot be read; {_CONVERT_HINT}",
    ".rtf": f"RTF files are not supported yet; {_CONVERT_HINT}",
    ".odt": f"OpenDocument .odt files are not supported yet; {_CONVERT_HINT}",
    ".xls": "spreadsheets (.xls) are not supported",
    ".xlsx": "spreadsheets (.xlsx) are not supported",
    ".et": "spreadsheets (.et) are not supported",
    ".ppt": "presentations (.ppt) are not supported",
    ".pptx": "presentations (.pptx) are not supported",
    ".ofd": "OFD files are not supported yet; export the report as text first",
    ".zip": "archives are not supported; unpack the report first",
    ".rar": "archives are not supported; unpack the report first",
    ".7z": "archives are not supported; unpack the report first",
}

# Leading bytes of formats that are never text, whatever the file is called.
# (PDFs and .docx archives are told by gknlp.formats.sniff_binary_format first.)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP container (.xlsx/.pptx/.zip?) but not a readable Word .docx file"),
    (_OLE_MAGIC, f"an old Office file (.doc/.wps/.xls, or an encrypted .docx); {_CONVERT_HINT}"),
    (b"{\\rtf", f"an RTF file; {_CONVERT_HINT}"),
)

# Word exports line/page breaks as these; they end a line rather than being dropped.
_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_ODD_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_MAX_CONTROL_SHARE = 0.02
# The control characters that count against a text (those that are neither kept nor a line break).
_REFUSED_CONTROLS = regex.compile(
    "[" + "".join(f"\\x{cp:02x}" for cp in range(0x20) if chr(cp) not in _ALLOWED_CONTROLS | set(_LINE_BREAKS)) + "]"
)

_CJK = regex.compile(r"\p{Han}")
_LATIN1_LETTERS = regex.compile("[\u00c0-\u00ff]")
_HTML_SNIFF = regex.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta\s|title>)", regex.I)
_XML_PROLOG = regex.compile(r"^\s*<\?xml[^>]*\?>", regex.I)
_TITLE_SEPARATORS = regex.compile(r"\s*(?:_|\||｜|--|——|\s-\s|\s－\s)\s*")
_REPORT_WORDS = regex.compile(r"报告|年报")
_DECIMAL_POINT = regex.compile(r"(?<=\d)．(?=\d)")
_MANY_BLANK_LINES = regex.compile(r"\n{4,}")
_TRAILING_SPACES = regex.compile(r" +$", regex.M)


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """A decoded, normalised report text and what was learnt while reading it."""

    text: str
    format: SourceFormat
    encoding: str | None
    sha256: str
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------- API


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
    """Decode and normalise the bytes of one report.

    Args:
        data: the raw bytes of a .txt, .html, .docx or PDF report.
        name: the file name, used for messages and to tell the format by suffix.

    Returns:
        The :class:`Document` whose ``text`` every later offset refers to.

    Raises:
        InputError: empty, binary, undecodable, corrupt, or an unsupported format.
    """
    from gknlp import formats  # lazy: keeps `import gknlp.reader` light

    suffix = Path(name).suffix.lower()
    if not data.strip():
        raise InputError(f"empty file: {name}")
    # The signature wins over the suffix: a .docx saved as .doc is read, an
    # old .doc renamed .docx gets the conversion hint below.
    binary = formats.sniff_binary_format(data)
    if binary is None and suffix in _BINARY_SUFFIXES and not data.startswith(_OLE_MAGIC):
        binary = _BINARY_SUFFIXES[suffix]
    if binary is not None:
        extracted = formats.extract(data, binary, name=name)
        digest = hashlib.sha256(data).hexdigest()
        return _finish(
            extracted.text, name=name, encoding=None, sha256=digest, warnings=list(extracted.warnings), fmt=binary
        )
    if suffix in _UNSUPPORTED_SUFFIXES:
        raise InputError(f"unsupported format: {name}: {_UNSUPPORTED_SUFFIXES[suffix].format(name=shlex.quote(name))}")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"not a text report: {name} is {what.format(name=shlex.quote(name))}")
    digest = hashlib.sha256(data).hexdigest()
    text, encoding, warnings = _decode(data, name)
    return _finish(text, name=name, encoding=encoding, sha256=digest, warnings=warnings)


def read_text(text: str, *, name: str = "-") -> Document:
    """Normalise an already-decoded report text (e.g. from a notebook).

    ``encoding`` is ``None`` and ``sha256`` is that of the text's UTF-8 bytes.
    HTML is still stripped when ``name`` says .html or the text looks like a page.

    Raises:
        InputError: the text is empty or only whitespace.
    """
    if not text.strip():
        raise InputError(f"empty text: {name}")
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()
    text = text.removeprefix("\ufeff")
    return _finish(text, name=name, encoding=None, sha256=digest, warnings=[])


def normalise(text: str, *, unwrap: bool = True) -> tuple[str, list[str]]:
    """Normalise decoded report text; return it with the warnings it raised.

    Per character: full-width digits and Latin letters → ASCII, ideographic
    space, NBSP and other odd spaces → one space, CR/CRLF and Word's break
    characters → LF, Kangxi and radical-supplement look-alikes → the ordinary
    character, ﹝﹞ → 〔〕, ［］ → []; other control characters are removed.
    Chinese punctuation (，。；：（）《》“”％) is kept as it is. Then conversion
    artifacts (``[bookmark: …]``, ``**``) are removed, web-page chrome and spam
    lines listed in ``rules/noise.toml`` are dropped (counted in one warning),
    trailing spaces stripped and runs of blank lines cut to two.

    With ``unwrap`` (the default; the reader turns it off for .docx and PDF,
    whose extractors join lines themselves), a text hard-wrapped every few
    dozen characters (PDF text saved as .txt) gets its paragraphs joined back
    (see :func:`unwrap_lines`), also across dropped page numbers.
    """
    warnings: list[str] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_char_table())
    for pattern in _artifact_patterns():
        text = pattern.sub("", text)
    text = _TRAILING_SPACES.sub("", text)
    raw_lines = text.split("\n")
    fired = _noise_flags(raw_lines)
    dropped = [rule for rule in fired if rule is not None]
    if dropped:
        rules = ", ".join(sorted(set(dropped)))
        warnings.append(f"dropped {len(dropped)} lines of web page chrome/noise ({rules})")
    if unwrap:
        lines, joined = unwrap_lines(raw_lines, [rule is not None for rule in fired])
        if joined:
            warnings.append(f"joined {joined} hard-wrapped lines")
    else:
        lines = [line for line, rule in zip(raw_lines, fired, strict=True) if rule is None]
    text = "\n".join(lines)
    # After joining: a number broken at its decimal point (22．/55) is whole again.
    text = _DECIMAL_POINT.sub(".", text)
    text = _MANY_BLANK_LINES.sub("\n\n\n", text)
    # Leading blank lines and trailing whitespace carry nothing; indentation of
    # the first line does, so only newlines are stripped in front.
    text = text.lstrip("\n").rstrip()
    return text, warnings


def rule_fires(rule_id: str, text: str) -> bool:
    """Whether the noise rule ``rule_id`` matches ``text`` (a line, or a text for artifacts).

    Line rules are tested on each line of ``text`` after character normalisation,
    ignoring where the line stands (``where`` is applied by :func:`normalise`).
    """
    text = text.translate(_char_table())
    for rule in _line_rules():
        if rule.id == rule_id:
            return any(rule.matches(line) for line in text.split("\n"))
    for rid, pattern in _artifact_rules():
        if rid == rule_id:
            return pattern.search(text) is not None
    raise KeyError(f"no rule {rule_id!r} in rules/{NOISE_FILE}")


# ----------------------------------------------------------------- decoding


def _decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Decode in the measured order; binary or undecodable data is an InputError."""
    warnings: list[str] = []
    for bom, codec, label in (
        (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                text = data.decode(codec, errors="replace")
                warnings.append(f"invalid {label} bytes replaced by U+FFFD (first at byte {exc.start})")
            return _check_text(text, name), label, warnings
    if b"\x00" in data:
        guessed = _utf16_without_bom(data)
        if guessed is None:
            raise InputError(f"not a text report: {name} (binary data)")
        return _check_text(guessed[0], name), guessed[1], ["UTF-16 without a byte-order mark"]
    for codec in ("utf-8", "gb18030"):
        try:
            return _check_text(data.decode(codec), name), codec, warnings
        except UnicodeDecodeError:
            continue
    return _decode_guessed(data, name)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a BOM: accept it only when it reads as Chinese or ASCII text."""
    if len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        plain = sum(1 for ch in text if " " <= ch <= "~" or ch in "\t\n\r" or "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
        if plain >= 0.95 * len(text):
            return text, codec
    return None


def _decode_guessed(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Last resort: let charset-normalizer guess; its failure means binary data."""
    from charset_normalizer import from_bytes  # lazy: only odd files need it

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(f"not a text report: {name} (binary data or unknown encoding)")
    text = _check_text(str(best), name)
    return text, best.encoding, [f"encoding guessed as {best.encoding} (not UTF-8 or GB18030)"]


def _check_text(text: str, name: str) -> str:
    """Refuse decoded text that is mostly control characters (binary that happened to decode)."""
    controls = len(_REFUSED_CONTROLS.findall(text))  # one regex pass, no Python loop over the text
    if controls and controls > _MAX_CONTROL_SHARE * len(text):
        raise InputError(f"not a text report: {name} (binary data)")
    if not text.strip():
        raise InputError(f"empty file: {name}")
    return text


def _sniff_format(text: str, name: str) -> Literal["txt", "html"]:
    if Path(name).suffix.lower() in _HTML_SUFFIXES:
        return "html"
    head = text[:4096].lstrip("\ufeff \t\r\n")
    if head.startswith("<") and _HTML_SNIFF.search(head):
        return "html"
    return "txt"


# ------------------------------------------------------------------------ html


def _html_to_text(html: str) -> tuple[str, list[str]]:
    """The report body of a web page; tables as rows of TAB-separated cells."""
    import trafilatura  # lazy: heavy, and only pages need it
    from lxml import etree

    html = _XML_PROLOG.sub("", html)  # lxml refuses a str that declares an encoding
    try:
        xml = trafilatura.extract(
            html,
            favor_precision=True,
            include_tables=True,
            include_comments=False,
            with_metadata=True,
            output_format="xml",
        )
    except Exception:  # noqa: BLE001 — odd pages must not raise; the fallback below reads <body>
        logger.debug("trafilatura failed", exc_info=True)
        xml = None
    if xml:
        try:
            root = etree.fromstring(xml)
        except etree.XMLSyntaxError:
            root = None
        if root is not None:
            main = root.find("main")
            lines: list[str] = []
            if main is not None:
                lines.extend((main.text or "").split("\n"))
                for child in main:
                    _xml_block(child, lines)
                    lines.extend((child.tail or "").split("\n"))
            body = "\n".join(line for line in lines if line.strip())
            if body.strip():
                title = _page_title(root.get("title") or "")
                # trafilatura moves the <h1> title into metadata; the title
                # line belongs to the report (meta and sections read it). A
                # metadata row "标题：…" does not count: it is dropped as chrome.
                first_lines = {_squash(line) for line in lines[:30]}
                if title and _squash(title) not in first_lines:
                    body = f"{title}\n{body}"
                return body, []
    return _html_body_text(html), [
        "HTML: no report body found by trafilatura; kept all text of <body> (may contain web page chrome)"
    ]


def _xml_block(el: Any, lines: list[str]) -> None:
    """Append the lines of one block of trafilatura's XML output."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "table":
        for row in el.iter("row"):
            cells = [_one_line(_xml_inline(cell)) for cell in row if cell.tag == "cell"]
            if any(cells):
                lines.append("\t".join(cells))
    elif tag == "list":
        for child in el:
            _xml_block(child, lines)
    elif tag:
        lines.extend(_xml_inline(el).split("\n"))


def _xml_inline(el: Any) -> str:
    """Text of an element with <lb/> as a line break."""
    parts: list[str] = [el.text or ""]
    for child in el:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag in ("table", "list"):
            sub: list[str] = []
            _xml_block(child, sub)
            parts.append("\n" + "\n".join(sub) + "\n")
        else:
            parts.append(_xml_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _html_body_text(html: str) -> str:
    """Fallback: the text of <body> without scripts, styles, nav, header, footer."""
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return html
    for bad in doc.xpath("//script|//style|//noscript|//nav|//header|//footer|//iframe"):
        bad.drop_tree()
    for br in doc.xpath("//br"):
        br.tail = "\n" + (br.tail or "")
    for block in doc.xpath("//p|//div|//tr|//h1|//h2|//h3|//h4|//li|//table"):
        block.tail = "\n" + (block.tail or "")
    for cell in doc.xpath("//td|//th"):
        cell.tail = "\t" + (cell.tail or "")
    body = doc.find("body")
    return str((body if body is not None else doc).text_content())


def _page_title(title: str) -> str:
    """The report title from a page title: the site name after _ or | is cut off."""
    parts = [p for p in _TITLE_SEPARATORS.split(_one_line(title)) if p]
    if not parts:
        return ""
    reportish = [p for p in parts if _REPORT_WORDS.search(p)]
    return reportish[0] if reportish else max(parts, key=len)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _squash(text: str) -> str:
    return "".join(text.split())


# ---------------------------------------------------------------- normalising


@functools.cache
def _char_table() -> dict[int, str | None]:
    """The per-character translate table (built once; look-alikes come from noise.toml)."""
    table: dict[int, str | None] = {}
    for cp in range(0xFF10, 0xFF1A):  # ０-９
        table[cp] = chr(cp - 0xFEE0)
    for cp in (*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)):  # Ａ-Ｚ ａ-ｚ
        table[cp] = chr(cp - 0xFEE0)
    for ch in _ODD_SPACES:
        table[ord(ch)] = " "
    for ch in _INVISIBLE:
        table[ord(ch)] = None
    for ch in _LINE_BREAKS:
        table[ord(ch)] = "\n"
    for cp in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)):
        if chr(cp) not in _ALLOWED_CONTROLS and chr(cp) not in _LINE_BREAKS:
            table[cp] = None
    # Kangxi radicals and CJK compatibility ideographs: NFKC gives the ordinary
    # character (⼯ → 工); only single-character results are taken so that the
    # table stays one character for one.
    for cp in (*range(0x2F00, 0x2FD6), *range(0x2E80, 0x2EF4), *range(0xF900, 0xFADA)):
        mapped = unicodedata.normalize("NFKC", chr(cp))
        if len(mapped) == 1 and mapped != chr(cp):
            table[cp] = mapped
    lookalike = load_rule_file(NOISE_FILE).data.get("lookalike", {})
    for src, dst in lookalike.items():
        table[ord(src)] = dst
    return table


@dataclass(frozen=True, slots=True)
class _LineRule:
    id: str
    pattern: regex.Pattern[str] | None
    words: regex.Pattern[str] | None
    min_share: float
    max_chars: int
    where: str

    def matches(self, line: str) -> bool:
        """Whether this rule matches one line, wherever it stands."""
        stripped = line.strip()
        if not stripped or len(stripped) > self.max_chars:
            return False
        if self.pattern is not None and not self.pattern.search(stripped):
            return False
        if self.words is not None:
            han = len(_CJK.findall(stripped))
            if not han:
                return False
            covered = sum(len(m) for m in self.words.findall(stripped))
            if covered < self.min_share * han:
                return False
        return True


@functools.cache
def _line_rules() -> tuple[_LineRule, ...]:
    rules: list[_LineRule] = []
    for entry in load_rule_file(NOISE_FILE).rules("line"):
        words = entry.get("words")
        # Longest first so that 体育直播 counts as four characters, not 直播 alone.
        words_re = (
            regex.compile("|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True)))
            if words
            else None
        )
        rules.append(
            _LineRule(
                id=entry["id"],
                pattern=regex.compile(entry["pattern"]) if "pattern" in entry else None,
                words=words_re,
                min_share=float(entry.get("min_share", 0.0)),
                max_chars=int(entry.get("max_chars", 200)),
                where=str(entry.get("where", "anywhere")),
            )
        )
    return tuple(rules)


@functools.cache
def _artifact_rules() -> tuple[tuple[str, regex.Pattern[str]], ...]:
    return tuple(
        (entry["id"], regex.compile(entry["pattern"]))
        for entry in load_rule_file(NOISE_FILE).rules("artifact")
    )


def _artifact_patterns() -> list[regex.Pattern[str]]:
    return [pattern for _, pattern in _artifact_rules()]


def _noise_flags(lines: list[str]) -> list[str | None]:
    """Per line, the id of the noise rule that drops it, or None for a kept line.

    ``anywhere`` rules drop a line wherever it stands; ``head`` rules only in
    the leading run of blank or dropped lines (before the title), ``tail``
    rules only in the trailing run (after the report's last kept line).
    """
    groups = _line_rule_groups()
    anywhere, head, tail = groups["anywhere"], groups["head"], groups["tail"]
    fired: list[str | None] = [_first_match(anywhere, line) for line in lines]
    for i, line in enumerate(lines):
        if not line.strip() or fired[i]:
            continue
        fired[i] = _first_match(head, line)
        if not fired[i]:
            break
    for i in range(len(lines) - 1, -1, -1):
        if not lines[i].strip() or fired[i]:
            continue
        fired[i] = _first_match(tail, lines[i])
        if not fired[i]:
            break
    return fired


@dataclass(frozen=True, slots=True)
class _RuleGroup:
    """The line rules of one ``where``, prepared to test every line of a report fast."""

    rules: tuple[_LineRule, ...]
    # One search for the patterns of all the rules (an alternation): on most
    # lines it fails, and then only the rules in ``unjoined`` can match.
    any_pattern: regex.Pattern[str] | None
    # The rules outside the alternation: without a pattern, or with one that
    # cannot join it (inline flags, back-references), in rule order.
    unjoined: tuple[_LineRule, ...]
    max_chars: int


# Inline flags and back-references change meaning inside an alternation.
_NOT_JOINABLE = regex.compile(r"\(\?[a-zA-Z^]|\(\?P=|\\[1-9]|\\g<")


@functools.cache
def _line_rule_groups() -> dict[str, _RuleGroup]:
    groups: dict[str, _RuleGroup] = {}
    for where in ("anywhere", "head", "tail"):
        rules = tuple(r for r in _line_rules() if r.where == where)
        joinable = [r for r in rules if r.pattern is not None and not _NOT_JOINABLE.search(r.pattern.pattern)]
        groups[where] = _RuleGroup(
            rules=rules,
            any_pattern=regex.compile("|".join(f"(?:{r.pattern.pattern})" for r in joinable if r.pattern))
            if joinable
            else None,
            unjoined=tuple(r for r in rules if not any(r is j for j in joinable)),
            max_chars=max((r.max_chars for r in rules), default=0),
        )
    return groups


def _first_match(group: _RuleGroup, line: str) -> str | None:
    """The id of the first rule of ``group`` that matches ``line`` (as :meth:`_LineRule.matches`), or None."""
    stripped = line.strip()
    if not stripped or len(stripped) > group.max_chars:
        return None
    some_pattern = group.any_pattern is not None and group.any_pattern.search(stripped) is not None
    han: int | None = None
    for rule in group.rules if some_pattern else group.unjoined:
        if len(stripped) > rule.max_chars:
            continue
        if rule.pattern is not None and not rule.pattern.search(stripped):
            continue
        if rule.words is not None:
            if rule.min_share > 0 and rule.words.search(stripped) is None:
                continue  # no spam word at all: the share is 0 (the cheap test first)
            if han is None:
                han = len(_CJK.findall(stripped))
            if not han or sum(len(m) for m in rule.words.findall(stripped)) < rule.min_share * han:
                continue
        return rule.id
    return None


# ------------------------------------------------------------------ unwrapping


@dataclass(frozen=True, slots=True)
class _UnwrapRules:
    min_width: int
    max_width: int
    min_lines: int
    min_share: float
    slack: int
    sentence_end: regex.Pattern[str]
    heading: regex.Pattern[str]


@functools.cache
def _unwrap_rules() -> _UnwrapRules:
    data = load_rule_file(NOISE_FILE).data.get("unwrap", {})
    try:
        return _UnwrapRules(
            min_width=int(data.get("min_width", 20)),
            max_width=int(data.get("max_width", 90)),
            min_lines=int(data.get("min_lines", 8)),
            min_share=float(data.get("min_share", 0.3)),
            slack=int(data.get("slack", 3)),
            sentence_end=regex.compile(data.get("sentence_end_pattern", r"[。！？；：]\s*$")),
            heading=regex.compile(data.get("heading_pattern", r"^\s*[一二三四五六七八九十]、")),
        )
    except (regex.error, TypeError, ValueError) as exc:
        raise RuleFileError(f"rules/{NOISE_FILE}: unwrap: {exc}") from None


_TABLE_LINE = regex.compile(r"\t|\|.*\|")
_RUNS_ON = regex.compile(r"[，。；,;][^）)】\]]*$")


def wrap_width(lines: list[str]) -> int | None:
    """The width a text was hard-wrapped at, or None when it does not look hard-wrapped.

    Hard-wrapped text has many lines of about the same length that end
    mid-sentence; a report with one paragraph per line has lines of every
    length, most ending with 。.

    >>> para = "全年主动公开政府信息一千二百条，其中规范性文件三十件，" * 12
    >>> wrap_width([para[i : i + 30] for i in range(0, len(para), 30)])
    30
    >>> wrap_width([para, "一、总体情况", para]) is None
    True
    """
    rules = _unwrap_rules()
    candidates = [
        len(line)
        for line in lines
        if line.strip()
        and not _TABLE_LINE.search(line)
        and not rules.sentence_end.search(line)
        # Headings and table captions are no wrapped prose; a numbered paragraph
        # (（一）主动公开。全年…, 一是…，…) is, when punctuation runs on inside it.
        and (not rules.heading.match(line) or _RUNS_ON.search(line) is not None)
    ]
    # Table cells (one per line, or TAB rows) are no evidence either way: only
    # lines long enough to be wrapped prose are counted.
    long_lines = sum(1 for line in lines if len(line) >= rules.min_width and not _TABLE_LINE.search(line))
    counts = Counter(n for n in candidates if rules.min_width <= n <= rules.max_width)
    if not counts:
        return None
    best, best_count = 0, 0
    for width in counts:
        # Lines within a couple of characters: kinsoku shifts and half-width digits.
        near = sum(counts.get(n, 0) for n in range(width - 2, width + 3))
        if near > best_count or (near == best_count and width > best):
            best, best_count = width, near
    if best_count < rules.min_lines or best_count < rules.min_share * long_lines:
        return None
    return best


def unwrap_lines(lines: list[str], dropped: list[bool] | None = None) -> tuple[list[str], int]:
    """Join the lines of hard-wrapped paragraphs; return the kept lines and how many were joined.

    ``dropped`` marks lines removed as noise (page numbers): they are left out,
    and a join goes across them (and the blank lines around them). Text that
    does not look hard-wrapped (:func:`wrap_width`) comes back as it is.

    >>> para = "全年主动公开政府信息一千二百条，其中规范性文件三十件，" * 12
    >>> wrapped = [para[i : i + 30] for i in range(0, len(para), 30)]
    >>> unwrap_lines(["一、总体情况", *wrapped, "二、其他"])[0] == ["一、总体情况", para, "二、其他"]
    True
    """
    from gknlp.formats import glue  # lazy: keeps `import gknlp.reader` light

    flags = dropped if dropped is not None else [False] * len(lines)
    kept = [line for line, gone in zip(lines, flags, strict=True) if not gone]
    width = wrap_width(kept)
    if width is None:
        return kept, 0
    rules = _unwrap_rules()
    out: list[str] = []
    joined = 0
    last: str | None = None  # the last physical line appended or joined
    blanks: list[str] = []  # blank lines since ``last``
    gap_dropped = False  # a noise line was dropped since ``last``
    for line, gone in zip(lines, flags, strict=True):
        if gone:
            gap_dropped = True
            continue
        if not line.strip():
            blanks.append(line)
            continue
        if last is not None and (not blanks or gap_dropped) and _wrap_joins(last, line, width, rules):
            piece = line.lstrip(" ")
            out[-1] = f"{out[-1]}{glue(out[-1], piece)}{piece}"
            joined += 1
        else:
            out.extend(blanks)
            out.append(line)
        blanks, gap_dropped, last = [], False, line
    out.extend(blanks)
    return out, joined


def _wrap_joins(line: str, nxt: str, width: int, rules: _UnwrapRules) -> bool:
    """Whether ``nxt`` continues the paragraph that the hard wrap broke after ``line``."""
    if len(line) < width - rules.slack or rules.sentence_end.search(line):
        return False
    if _TABLE_LINE.search(line) or _TABLE_LINE.search(nxt):
        return False
    # An indented line starts a paragraph (one leading space is the wrapped-off blank of "2021 年").
    return not (nxt.startswith(("  ", "\t")) or rules.heading.match(nxt))


# ------------------------------------------------------------------- finishing


def _finish(
    text: str,
    *,
    name: str,
    encoding: str | None,
    sha256: str,
    warnings: list[str],
    fmt: SourceFormat | None = None,
) -> Document:
    """HTML → body, normalise, and warn about text that does not look like a Chinese report.

    ``fmt`` is given for text taken out of a .docx or PDF; otherwise it is sniffed.
    """
    if fmt is None:
        fmt = _sniff_format(text, name)
    if fmt == "html":
        text, html_warnings = _html_to_text(text)
        warnings.extend(html_warnings)
    # .docx and PDF extractors join their lines themselves; only text sources are unwrapped.
    text, norm_warnings = normalise(text, unwrap=fmt in ("txt", "html"))
    warnings.extend(norm_warnings)
    if not text.strip():
        raise InputError(f"no report text in {name}: only web page chrome or noise")
    warnings.extend(_garble_warnings(text, name))
    for warning in warnings:
        logger.info("%s: %s", name, warning)
    return Document(text=text, format=fmt, encoding=encoding, sha256=sha256, warnings=tuple(warnings))


def _garble_warnings(text: str, name: str) -> list[str]:
    """Warnings for text that decoded but does not read as a simplified-Chinese report."""
    counts = Counter(text)
    # One regex pass over the distinct characters instead of a test per character.
    distinct = "".join(counts)
    han = {ch: counts[ch] for ch in _CJK.findall(distinct)}
    n_han = sum(han.values())
    warnings: list[str] = []
    # UTF-8 read as Latin-1/cp1252 and saved again ("æ”¿åºœ"): Latin-1 letters
    # make up a large share of all letters (French or German text stays below).
    latin = sum(counts[ch] for ch in _LATIN1_LETTERS.findall(distinct))
    if latin >= 3 and latin > n_han and latin > 0.3 * sum(n for ch, n in counts.items() if ch.isalpha()):
        warnings.append(f"text of {name} looks garbled (mojibake: UTF-8 read as Latin-1?)")
    elif not n_han:
        warnings.append(f"no Chinese characters in {name}: not a Chinese report, or a wrong encoding")
    # Simplified-Chinese reports use GB2312 characters almost only; random
    # hanzi from a wrong decoding fall outside it.
    rare = 0 if _all_in_gb2312("".join(han)) else sum(n for ch, n in han.items() if not _in_gb2312(ch))
    if n_han >= 20 and rare > 0.2 * n_han:
        warnings.append(
            f"{rare} of {n_han} Chinese characters in {name} are rare: garbled encoding, or traditional Chinese?"
        )
    replaced = counts.get("\ufffd", 0)
    if replaced:
        warnings.append(f"{replaced} undecodable characters (U+FFFD) in {name}")
    return warnings


def _all_in_gb2312(chars: str) -> bool:
    # Most reports have no rare hanzi: one encode of all the distinct ones tells
    # (the codec is stateless, so a string encodes exactly when each character does).
    try:
        chars.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@functools.lru_cache(maxsize=65536)
def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True
