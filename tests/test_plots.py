"""Heatmaps: the PNG and HTML files are produced, and the CJK font is found (or its absence explained)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from gknlp import plots
from gknlp.errors import GknlpError
from gknlp.frequency import theme_table
from gknlp.plots import find_cjk_font, heatmap_html, plot_heatmap
from test_frequency import ROWS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _installed_cjk_font() -> Path | None:
    try:
        return find_cjk_font()
    except (GknlpError, ImportError):
        return None


HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None
needs_cjk_font = pytest.mark.skipif(
    not HAS_MATPLOTLIB or _installed_cjk_font() is None,
    reason="matplotlib or a CJK font is missing (pip install 'gknlp[plots]'; apt-get install fonts-noto-cjk)",
)


def test_html_is_self_contained_and_names_the_themes(tmp_path: Path) -> None:
    t = theme_table(ROWS, "problems", "year", share=True)
    out = plot_heatmap(t, tmp_path / "themes.html")
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for name in ("政策解读", "及时性与更新", "保密与安全"):
        assert name in page
    assert "n=2" in page  # the group size beside its label
    assert "http" not in page and "<script" not in page  # no CDN, no network


def test_html_colours_follow_shares() -> None:
    t = theme_table(ROWS[:3], "problems", "year")
    page = heatmap_html(t)
    # timeliness: 2 of 2 reports in 2020 -> the darkest blue; 0 of 1 in 2019 -> white
    assert 'background:#08306b;color:#fff" title="及时性与更新 · 2020: 2/2">2</td>' in page
    assert 'background:#f7fbff;color:#000" title="及时性与更新 · 2019: 0/1">0</td>' in page


@needs_cjk_font
def test_font_resolver_picks_an_installed_cjk_font() -> None:
    path = find_cjk_font()
    assert path.is_file()
    assert path.name.lower() in plots.CJK_FONT_FILES
    family = plots.cjk_font_family(path)
    assert any(word in family for word in ("CJK", "Han", "Hei", "Fallback", "PingFang", "YaHei", "SC"))


def test_no_cjk_font_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plots, "_system_fonts", lambda: ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"])
    with pytest.raises(GknlpError, match=r"no CJK font found: apt-get install fonts-noto-cjk"):
        find_cjk_font()


@needs_cjk_font
@pytest.mark.parametrize("share", [False, True])
def test_png_is_written(tmp_path: Path, share: bool) -> None:
    t = theme_table(ROWS, "problems", "province", share=share)
    out = plot_heatmap(t, tmp_path / "themes.png")
    data = out.read_bytes()
    assert data[:8] == PNG_MAGIC
    assert len(data) > 10_000


@needs_cjk_font
def test_png_of_an_empty_table(tmp_path: Path) -> None:
    out = plot_heatmap(theme_table([], "measures", "level"), tmp_path / "empty.png")
    assert out.read_bytes()[:8] == PNG_MAGIC


def test_png_without_a_font_fails_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    monkeypatch.setattr(plots, "_system_fonts", lambda: [])
    with pytest.raises(GknlpError, match="fonts-noto-cjk"):
        plot_heatmap(theme_table(ROWS, "problems", "year"), tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()
