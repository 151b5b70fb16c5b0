"""report.html (gantheory.report.html): self-contained, escaped, every figure and number rendered."""

from __future__ import annotations

import re

from gantheory import report
from gantheory.report.html import KEY_FIGURES, _num


def _is_self_contained(html: str) -> bool:
    # nothing is fetched: no src= / stylesheet links / scripts / external urls other than XML namespaces
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    return (not re.search(r"""\ssrc\s*=""", html) and "<link" not in html.lower() and "<script" not in html.lower()
            and urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"})


def test_html_is_self_contained_and_escaped(doc):
    html = report.to_html(doc)
    assert html.startswith("<!doctype html>")
    assert "<svg" in html and "A toy figure" in html
    assert "<script" not in html.lower()
    assert not re.search(r"""\ssrc\s*=""", html)
    assert "<link" not in html.lower()
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls  # XML namespaces only
    assert "statement &lt;b&gt;with&lt;/b&gt; markup" in html
    assert "not applicable" in html


def test_self_containment_check_can_fail(doc):
    # negative control of the check above: an external image or stylesheet is caught
    html = report.to_html(doc)
    assert _is_self_contained(html)
    assert not _is_self_contained(html.replace("</main>", "<img src='https://example.org/x.png'></main>"))
    assert not _is_self_contained(html.replace("</head>", "<link rel=stylesheet href=x.css></head>"))


def test_every_figure_is_rendered(two_claims):
    html = report.to_html(two_claims)
    ids = [f["id"] for f in two_claims["figures"]]
    assert len(ids) == 2
    for fid in ids:
        assert f'<figure id="fig-{fid}">' in html
    assert html.count("<svg") >= len(ids)
    # the key figures this run lacks are named, not silently dropped
    assert all(k in html for k in KEY_FIGURES if k not in ids)


def test_no_nan_text_and_every_number_formatted(two_claims):
    html = report.to_html(two_claims)
    # the prose of the page: matplotlib's path data and the CSS ("fill: none") are not numbers
    text = re.sub(r"<svg.*?</svg>|<style>.*?</style>", "", html, flags=re.S)
    assert not re.search(r"\bnan\b", text, flags=re.I) and not re.search(r"\bNone\b", text)
    assert "<td>not available</td><td>—</td>" in text  # the NaN measurement shows as "not available"
    for table in two_claims["tolerances"].values():
        for key, value in table.items():
            assert f"<code>{key}</code></td><td>{_num(value)}</td>" in text


def test_numbers_use_results_fmt_with_three_decimals():
    from gantheory.results import fmt

    assert _num(1.23456e-7) == "1.235e-07" == fmt(1.23456e-7, digits=3)
    assert _num(0.5) == "0.5" and _num(0.0) == "0" and _num(12) == "12"
    assert _num(None) == "—" and _num(float("nan")) == "—" and _num("inf") == "inf"


def test_html_reports_a_broken_figure_instead_of_crashing(doc):
    doc["figures"][0]["panels"][0]["series"][0]["style"] = "hist"  # len(x) != len(y) + 1: cannot draw
    html = report.to_html(doc)
    assert "figure could not be drawn" in html


def test_claims_and_controls_are_all_shown(two_claims, selftest_doc):
    html = report.to_html(two_claims)
    for c in two_claims["claims"]:
        assert f"id='{c['id']}'" in html and f"href='#{c['id']}'" in html
    html = report.to_html(selftest_doc)
    assert "Negative controls: 1/2 refuted" in html and "NOT refuted" in html
