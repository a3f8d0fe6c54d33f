"""Theme × group heatmaps of a :class:`~gknlp.frequency.ThemeTable`: PNG (matplotlib) or self-contained HTML.

Colour always shows the share of a group's reports that raise a theme (groups
differ in size, so raw counts would mislead); the cells are labelled with the
count or, with ``share``, the percentage, and every group label carries its
size (``2020 (n=12)``).

Chinese labels need a CJK font. :func:`find_cjk_font` looks for one at run
time (Noto Sans CJK SC, Source Han Sans, WenQuanYi Zen Hei / Micro Hei, Droid
Sans Fallback, …), and registers it with matplotlib; none installed is a
:class:`~gknlp.errors.GknlpError` that names the Debian package to install.
matplotlib is the optional extra ``gknlp[plots]`` and is imported only here,
only when a PNG is drawn.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

from gknlp.errors import GknlpError
from gknlp.frequency import ThemeTable

log = logging.getLogger(__name__)

# Font files by preference: simplified-Chinese sans faces first, then any CJK
# face that covers the Chinese of theme names. Matched on the lower-cased file name.
CJK_FONT_FILES = (
    "notosanscjksc-regular.otf",
    "notosanscjk-regular.ttc",
    "notosanssc-regular.otf",
    "notosanssc-regular.ttf",
    "sourcehansanssc-regular.otf",
    "sourcehansans-regular.ttc",
    "sourcehansanscn-regular.otf",
    "wqy-zenhei.ttc",
    "wqy-microhei.ttc",
    "droidsansfallbackfull.ttf",
    "droidsansfallback.ttf",
    "notoserifcjk-regular.ttc",
    "pingfang.ttc",
    "msyh.ttc",
    "simhei.ttf",
)
# Where those files live when matplotlib's own search misses them (Debian,
# Fedora, Arch, macOS, Windows).
CJK_FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/adobe-source-han-sans",
    "/usr/share/fonts/truetype/wqy",
    "/usr/share/fonts/wenquanyi",
    "/usr/share/fonts/truetype/droid",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
NO_FONT = "no CJK font found: apt-get install fonts-noto-cjk (or fonts-wqy-zenhei)"
# A face of a font collection is chosen by these words in its family name, in order.
_FACE_PREFERENCE = ("Sans CJK SC", "Sans SC", "Zen Hei", "Micro Hei", "SC", "Sans")


def _system_fonts() -> list[str]:
    """Font files matplotlib finds on the system, and those in the well-known CJK folders."""
    from matplotlib import font_manager

    found = list(font_manager.findSystemFonts())
    for folder in map(Path, CJK_FONT_DIRS):
        if folder.is_dir():
            found.extend(str(p) for p in folder.iterdir() if p.is_file())
    return found


def find_cjk_font() -> Path:
    """The best installed font file with Chinese glyphs.

    Raises:
        GknlpError: no CJK font is installed; the message names the Debian package.
    """
    by_name: dict[str, Path] = {}
    for file in _system_fonts():
        by_name.setdefault(Path(file).name.lower(), Path(file))
    for wanted in CJK_FONT_FILES:
        if wanted in by_name:
            return by_name[wanted]
    raise GknlpError(NO_FONT)


def cjk_font_family(path: Path) -> str:
    """Register ``path`` with matplotlib and return the family name to draw with."""
    from matplotlib import font_manager, ft2font

    font_manager.fontManager.addfont(str(path))
    first = ft2font.FT2Font(str(path))
    families = [first.family_name] + [
        ft2font.FT2Font(str(path), face_index=i).family_name for i in range(1, first.num_faces)
    ]
    for word in _FACE_PREFERENCE:
        for family in families:
            if word in family:
                return family
    return families[0]


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise GknlpError("PNG plots need matplotlib: pip install 'gknlp[plots]' (or write out.html)") from None
    matplotlib.use("Agg")  # no display: files only
    import matplotlib.pyplot as plt

    return plt


def _percent_formatter() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0, decimals=0)


def _group_labels(t: ThemeTable) -> list[str]:
    return [f"{g}\n(n={n})" for g, n in zip(t.groups, t.sizes, strict=True)]


def _labels(t: ThemeTable) -> list[list[str]]:
    return [
        [("-" if not n else f"{100 * c / n:.0f}%") if t.share else str(c) for c, n in zip(row, t.sizes, strict=True)]
        for row in t.counts
    ]


_BY_NAME = {"year": "年份", "province": "省份", "level": "层级", "issuer": "发布机关"}


def _title(t: ThemeTable) -> str:
    what = "问题" if t.kind == "problems" else "改进措施"
    by = _BY_NAME.get(t.by, t.by)
    return f"{what}主题：提及该主题的报告{'占比' if t.share else '数'}（按{by}，共 {t.n_reports} 份报告）"


def plot_heatmap(t: ThemeTable, out: Path) -> Path:
    """Draw the theme × group heatmap of ``t`` to ``out``.

    ``out`` ending in ``.html`` gives a self-contained HTML table with coloured
    cells (no script, no network); any other suffix (``.png``, ``.svg``,
    ``.pdf``) is drawn with matplotlib and a CJK font found at run time.

    Raises:
        GknlpError: matplotlib or a CJK font is missing (PNG only).
    """
    out = Path(out)
    if out.suffix.lower() in (".html", ".htm"):
        out.write_text(heatmap_html(t), encoding="utf-8")
        return out
    plt = _matplotlib()
    family = cjk_font_family(find_cjk_font())
    shares = [[0.0 if s is None else s for s in row] for row in t.shares()]
    labels = _labels(t)
    width = 3.2 + 0.9 * max(len(t.groups), 1)
    height = 1.6 + 0.38 * max(len(t.themes), 1)
    with plt.rc_context({"font.family": family, "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(width, height), dpi=120)
        try:
            if not t.groups:  # no reports: an empty grid that says so, rather than an error
                shares = [[0.0] for _ in t.themes]
                labels = [["-"] for _ in t.themes]
            image = ax.imshow(shares or [[0.0]], cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
            ax.set_xticks(range(len(t.groups) or 1), _group_labels(t) or ["(no reports)"], fontsize=8)
            ax.set_yticks(range(len(t.themes)), list(t.theme_names), fontsize=9)
            ax.xaxis.tick_top()
            for i, row in enumerate(labels):
                for j, label in enumerate(row):
                    dark = shares[i][j] > 0.55
                    ax.text(j, i, label, ha="center", va="center", fontsize=7, color="white" if dark else "black")
            bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02, format=_percent_formatter())
            bar.set_label("占该组报告的比例", fontsize=8)
            ax.set_title(_title(t), fontsize=9, pad=12)
            fig.tight_layout()
            fig.savefig(out)
        finally:
            plt.close(fig)
    return out


# The stops of matplotlib's "Blues", so that the HTML and the PNG read alike.
_BLUES = tuple(
    (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))
    for h in ("f7fbff", "deebf7", "c6dbef", "9ecae1", "6baed6", "4292c6", "2171b5", "08519c", "08306b")
)


def _colour(share: float | None) -> str:
    """A white-to-blue background for a share in [0, 1] (grey for an empty group)."""
    if share is None:
        return "#eeeeee"
    position = min(max(share, 0.0), 1.0) * (len(_BLUES) - 1)
    i = min(int(position), len(_BLUES) - 2)
    low, high, frac = _BLUES[i], _BLUES[i + 1], position - i
    r, g, b = (round(lo + (hi - lo) * frac) for lo, hi in zip(low, high, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap_html(t: ThemeTable) -> str:
    """A self-contained HTML page: the heatmap as a table with coloured cells and the group sizes."""
    esc = html.escape
    head = "".join(f"<th>{esc(g)}<br><small>n={n}</small></th>" for g, n in zip(t.groups, t.sizes, strict=True))
    body = []
    for name, theme, row, shares, labels in zip(t.theme_names, t.themes, t.counts, t.shares(), _labels(t), strict=True):
        cells = "".join(
            f'<td style="background:{_colour(s)};color:{"#fff" if (s or 0) > 0.55 else "#000"}" '
            f'title="{esc(name)} · {esc(g)}: {c}/{n}">{esc(label)}</td>'
            for g, c, n, s, label in zip(t.groups, row, t.sizes, shares, labels, strict=True)
        )
        body.append(f'<tr><th class="theme" title="{esc(theme)}">{esc(name)}</th>{cells}</tr>')
    rows = "\n".join(body)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{esc(_title(t))}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 1.5em; }}
table {{ border-collapse: collapse; font-size: 13px; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; }}
td {{ text-align: right; min-width: 3.5em; }}
th.theme {{ text-align: left; font-weight: normal; }}
caption {{ caption-side: top; text-align: left; font-weight: bold; margin-bottom: .5em; }}
</style>
</head>
<body>
<table>
<caption>{esc(_title(t))}</caption>
<thead><tr><th>主题</th>{head}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
<p><small>颜色：提及该主题的报告占该组报告的比例（0–100%）；n 为该组报告数{f"；跳过 {t.n_errors} 个出错文件" if t.n_errors else ""}。</small></p>
</body>
</html>
"""
