"""A report's facts as one self-contained HTML page (the fact viewer).

The normalised text is shown with every fact underlined by type — section
headings, quantities, trainings, regulations, problems and measures — using
displaCy's span renderer, which stacks overlapping spans (a quantity inside a
measure, a regulation inside a problem). The page has a title, a legend and a
UTF-8 meta tag, and needs no network.

The tokens handed to displaCy are not words: the text is cut only where a fact
starts or ends, at line breaks, and every few characters inside facts so that
long facts can wrap. That keeps the page exact (offsets are characters) and
fast on a 20 KB report.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from typing import Any

from gknlp.model import Report

# Label → colour; the order is the legend's.
LABEL_COLORS: dict[str, str] = {
    "SECTION": "#d9d9d9",
    "QUANTITY": "#7aecec",
    "TRAINING": "#bfeeb7",
    "REGULATION": "#feca74",
    "PROBLEM": "#ff9561",
    "MEASURE": "#aa9cfc",
}
LABEL_NAMES: dict[str, str] = {
    "SECTION": "section heading 章节标题",
    "QUANTITY": "quantity 数量",
    "TRAINING": "training 培训",
    "REGULATION": "regulation 文件",
    "PROBLEM": "problem 问题",
    "MEASURE": "measure 改进措施",
}
# Inside a fact the text is cut every CHUNK characters so that long facts wrap.
CHUNK = 12
# Stands for a line break while displaCy renders; it counts as whitespace there.
_LINE_BREAK = "\u2028"


@dataclass(frozen=True, slots=True)
class FactSpan:
    """One highlighted span: ``text[start:end]`` carries ``label``."""

    start: int
    end: int
    label: str


def fact_spans(report: Report) -> list[FactSpan]:
    """Every span the viewer highlights, in text order (headings first at equal offsets)."""
    text = report.text
    raw: list[FactSpan] = []
    for section in report.sections:
        end = section.body_start
        while end > section.start and text[end - 1].isspace():
            end -= 1
        raw.append(FactSpan(section.start, end, "SECTION"))
    raw += [FactSpan(q.start, q.end, "QUANTITY") for q in report.quantities]
    raw += [FactSpan(t.start, t.end, "TRAINING") for t in report.trainings]
    raw += [FactSpan(r.start, r.end, "REGULATION") for r in report.regulations]
    raw += [FactSpan(p.start, p.end, "PROBLEM") for p in report.problems]
    raw += [FactSpan(p.start, p.end, "MEASURE") for p in report.measures]
    order = list(LABEL_COLORS)
    spans = [
        FactSpan(max(0, s.start), min(len(text), s.end), s.label)
        for s in raw
        if s.start < s.end and s.start < len(text) and s.end > 0
    ]
    return sorted(spans, key=lambda s: (s.start, order.index(s.label), -s.end))


def render_html(report: Report) -> str:
    """The report's normalised text with every fact highlighted, as a full HTML page.

    Args:
        report: an extracted report (``gknlp.extract_file(...)``).

    Returns:
        A self-contained UTF-8 HTML document: title, legend with counts, and
        the text with overlapping fact spans rendered by displaCy.
    """
    from spacy import displacy  # spaCy loads only when a page is rendered

    text = report.text.replace("\u2028", "\n").replace("\u2029", "\n")  # same length: offsets hold
    spans = fact_spans(report)
    tokens, span_dicts = _tokens_and_spans(text, spans)
    parsed: dict[str, Any] = {"text": text, "tokens": tokens, "spans": span_dicts, "title": None}
    body = displacy.render(
        parsed,
        style="span",
        manual=True,
        page=False,
        jupyter=False,
        minify=True,  # no template whitespace between the chunks of one fact
        options={"colors": LABEL_COLORS},
    )
    body = str(body).replace(_LINE_BREAK + " ", "<br>\n")
    title = report.meta.title or report.source.path or "report"
    return _PAGE.format(
        title=html.escape(title),
        heading=html.escape(title),
        info=html.escape(_info_line(report)),
        legend=_legend(spans),
        body=body,
    )


def _tokens_and_spans(text: str, spans: list[FactSpan]) -> tuple[list[str], list[dict[str, Any]]]:
    """Cut ``text`` into displaCy tokens and express ``spans`` in token indices."""
    cuts = {0, len(text)}
    for s in spans:
        cuts.add(s.start)
        cuts.add(s.end)
    pos = text.find("\n")
    while pos != -1:
        cuts.add(pos)
        cuts.add(pos + 1)
        pos = text.find("\n", pos + 1)
    for a, b in _covered(spans):
        cuts.update(range(a, b, CHUNK))
    ordered = sorted(c for c in cuts if 0 <= c <= len(text))
    index = {offset: i for i, offset in enumerate(ordered)}
    tokens = [_LINE_BREAK if text[a:b] == "\n" else text[a:b] for a, b in zip(ordered, ordered[1:], strict=False)]
    span_dicts = [
        {"start_token": index[s.start], "end_token": index[s.end], "label": s.label, "start": s.start, "end": s.end}
        for s in spans
    ]
    return tokens, span_dicts


def _covered(spans: list[FactSpan]) -> list[tuple[int, int]]:
    """The union of the spans as sorted, disjoint intervals."""
    merged: list[tuple[int, int]] = []
    for s in sorted(spans, key=lambda s: s.start):
        if merged and s.start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], s.end))
        else:
            merged.append((s.start, s.end))
    return merged


def _legend(spans: list[FactSpan]) -> str:
    counts = Counter(s.label for s in spans)
    items = [
        f'<span class="key" style="background: {color}">{html.escape(LABEL_NAMES[label])}'
        f" <b>{counts.get(label, 0)}</b></span>"
        for label, color in LABEL_COLORS.items()
    ]
    return "\n".join(items)


def _info_line(report: Report) -> str:
    parts = [report.source.path]
    if report.meta.issuer:
        parts.append(report.meta.issuer)
    if report.meta.year:
        parts.append(str(report.meta.year))
    parts.append(f"{len(report.text)} characters")
    return " · ".join(parts)


_PAGE = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: -apple-system, "Segoe UI", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       font-size: 16px; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }}
h1 {{ font-size: 1.3rem; margin-bottom: 0.2rem; }}
.info {{ color: #666; font-size: 0.85rem; margin-bottom: 1rem; }}
.legend {{ position: sticky; top: 0; background: #fff; padding: 0.5rem 0; border-bottom: 1px solid #ddd;
           margin-bottom: 1rem; z-index: 20; }}
.key {{ display: inline-block; padding: 2px 8px; margin: 2px 4px 2px 0; border-radius: 3px; font-size: 0.85rem; }}
</style>
</head>
<body>
<h1>{heading}</h1>
<div class="info">{info}</div>
<div class="legend">{legend}</div>
{body}
</body>
</html>
"""
