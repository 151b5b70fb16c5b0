"""Figures (gantheory.report.figures): a figure spec becomes one inline SVG with its text."""

from __future__ import annotations

import re

import pytest

from gantheory.report.figures import CYCLE, _color, figure_svg


def test_figure_svg_is_inline_and_repeatable(figure_spec):
    spec = figure_spec
    svg = figure_svg(spec)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<metadata>" not in svg  # no creation date: the same data draws the same bytes
    assert set(re.findall(r"https?://[^\s\"'<>]+", svg)) <= {"http://www.w3.org/2000/svg",
                                                             "http://www.w3.org/1999/xlink"}
    # text stays text (svg.fonttype none): every panel's title and axis labels are in the SVG
    for panel in spec["panels"]:
        for key in ("title", "xlabel", "ylabel"):
            assert f">{panel[key]}<" in svg or panel[key] in svg
    # the same data draws the same SVG, up to the random ids matplotlib gives clip paths and markers
    def unsalted(text):
        return re.sub(r"\b[pm][0-9a-f]{10}\b", "id", text)

    assert unsalted(figure_svg(spec)) == unsalted(svg)


def test_a_malformed_series_raises(figure_spec):
    spec = figure_spec
    spec["panels"][0]["series"][0]["style"] = "hist"  # len(x) != len(y) + 1
    with pytest.raises(ValueError):
        figure_svg(spec)


def test_colours():
    assert _color("D̂ (trained)", 0) == "#1f77b4" and _color("p_data", 5) == "#222222"
    assert _color("95% band", 0) == "#999999"
    assert _color("something else", 1) == CYCLE[1] and _color("x", len(CYCLE)) == CYCLE[0]
