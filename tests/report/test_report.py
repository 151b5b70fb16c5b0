"""Reports: the JSON document, Markdown, self-contained HTML with figures, and the terminal table."""

from __future__ import annotations

import io
import json
import re
from types import SimpleNamespace

from gantheory import report
from gantheory.results import ClaimResult, Figure, LensResult, Measurement, Panel, Series


def _toy_results():
    fig = Figure("toy-figure", "A toy figure", (
        Panel("lines", "x", "y", (Series("p_data", (0.0, 1.0, 2.0), (0.0, 1.0, 0.5)),
                                  Series("D̂", (0.0, 1.0, 2.0), (0.5, 0.4, 0.6), "dashed")), hlines=((0.2, "−log 4"),)),
        Panel("hist", "s", "density", (Series("h", (0.0, 1.0, 2.0), (0.3, 0.7), "hist"),
                                       Series("pts", (1.0, 10.0, 100.0), (1.0, 0.3, 0.1), "points")), logy=True)),
        "caption text")
    good = LensResult("quadrature", "pass", summary="|Δ| 1e-13 over 4 pairs",
                      measurements=(Measurement("|Δ|", 1e-13, 1e-10, True),), figures=(fig,))
    bad = LensResult("empirical", "fail", summary="sup too big",
                     measurements=(Measurement("sup|D̂ − D*|", 0.3, 0.1, False, detail="n = 10"),))
    skipped = LensResult("symbolic", "skipped", reason="not an identity")
    # The report reads a claim's id, title, statement, latex and source only (no claim machinery needed).
    claim = SimpleNamespace(id="toy", title="Toy", statement="statement <b>with</b> markup", latex=r"x \le y",
                            source="Nobody 2024")
    result = ClaimResult("toy", "fail", (skipped, good, bad), 0.5)
    return claim, result


def _doc():
    claim, result = _toy_results()
    entry, figures = report.claim_entry(claim, result)
    meta = {"profile": "quick", "seed": 0, "device": {"requested": "auto", "resolved": "cpu"}, "versions": {"numpy": "x"},
            "git": {"revision": None}, "tolerances": {"t": {"a": 1e-10}}, "wall_seconds": 1.0, "created": "now"}
    return report.make_document([entry], figures, meta)


def test_document_schema():
    doc = _doc()
    assert doc["schema"] == "gantheory.report/1"
    assert doc["status"] == "fail"
    (claim,) = doc["claims"]
    assert {"id", "status", "lenses"} <= set(claim)
    assert [lens["lens"] for lens in claim["lenses"]] == ["symbolic", "quadrature", "empirical"]
    assert {lens["status"] for lens in claim["lenses"]} <= {"pass", "fail", "error", "skipped"}
    failing = claim["lenses"][2]
    assert failing["margin"].startswith("sup|D̂ − D*|: 0.3 exceeds 0.1 by 0.2")
    assert doc["figures"][0]["claim"] == "toy" and doc["figures"][0]["lens"] == "quadrature"
    json.dumps(doc, allow_nan=False)  # strict JSON


def test_measurement_margin_words():
    assert Measurement("x", 5e-3, 1e-3, False).margin == "0.005 exceeds 0.001 by 0.004 (5× the tolerance)"
    assert "falls short" in Measurement("p", 1e-5, 1e-3, False, "≥").margin


def test_markdown_lists_claims_lenses_and_margin():
    md = report.to_markdown(_doc())
    assert "| [toy](#toy) |" in md
    assert "exceeds 0.1" in md
    assert "Not applicable: not an identity" in md


def test_html_is_self_contained_and_escaped():
    html = report.to_html(_doc())
    assert html.startswith("<!doctype html>")
    assert "<svg" in html and "A toy figure" in html
    assert "<script" not in html.lower()
    # nothing is fetched: no src= / stylesheet links / external urls other than the SVG namespace
    assert not re.search(r"""\ssrc\s*=""", html)
    assert "<link" not in html.lower()
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls  # XML namespaces only
    assert "statement &lt;b&gt;with&lt;/b&gt; markup" in html
    assert "not applicable" in html


def test_html_reports_a_broken_figure_instead_of_crashing():
    doc = _doc()
    doc["figures"][0]["panels"][0]["series"][0]["style"] = "hist"  # len(x) != len(y) + 1: cannot draw
    html = report.to_html(doc)
    assert "figure could not be drawn" in html


def test_terminal_table_names_the_failing_lens():
    from rich.console import Console

    buf = io.StringIO()
    report.render_text(_doc(), Console(file=buf, width=160, color_system=None))
    text = buf.getvalue()
    assert "toy" in text and "FAIL toy / empirical" in text and "exceeds 0.1" in text


def test_real_claim_renders_derivation_steps():
    from gantheory.claims import CLAIMS, run_claim

    claim = CLAIMS["jsd-bounds"]
    result = run_claim(claim)
    entry, figures = report.claim_entry(claim, result)
    doc = report.make_document([entry], figures, {"profile": "quick", "seed": 0, "device": {}})
    (sym,) = [lens for lens in doc["claims"][0]["lenses"] if lens["lens"] == "symbolic"]
    # A crash of the symbolic lens is a failure of this test, not a skip.
    assert sym["status"] == "pass", sym.get("error") or sym.get("summary")
    assert sym["derivation"]["steps"]
    html = report.to_html(doc)
    assert "why it holds" in html and sym["derivation"]["steps"][0]["title"] in html


def test_overall_status_is_the_one_precedence_rule():
    from gantheory.results import STATUSES, claim_status

    assert report.overall_status is claim_status
    doc = _doc()
    assert list(doc["summary"]) == ["fail", "error", "pass", "skipped"]
    assert set(doc["summary"]) == set(STATUSES)
