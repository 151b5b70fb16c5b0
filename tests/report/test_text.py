"""The terminal table (gantheory.report.text): every claim, every lens column, what failed."""

from __future__ import annotations

import io

from gantheory import report
from gantheory.results import LENSES


def _render(doc, width=200) -> str:
    from rich.console import Console

    buf = io.StringIO()
    report.render_text(doc, Console(file=buf, width=width, color_system=None))
    return buf.getvalue()


def test_terminal_table_names_the_failing_lens(doc):
    text = _render(doc, width=160)
    assert "toy" in text and "FAIL toy / empirical" in text and "exceeds 0.1" in text


def test_every_claim_and_lens_column_is_shown(two_claims):
    text = _render(two_claims)
    for name in LENSES:
        assert name in text
    for c in two_claims["claims"]:
        assert c["id"] in text
    # only the failing lens is listed below the table; the passing claim is not
    assert "FAIL toy / empirical" in text and "other /" not in text
    assert text.rstrip().splitlines()[-1].startswith("FAIL: 1 fail, 1 pass")


def test_selftest_lists_every_control(selftest_doc):
    text = _render(selftest_doc)
    for c in selftest_doc["negative_controls"]:
        assert c["description"] in text
    assert "refuted" in text and "NOT refuted (pass)" in text
    assert "selftest FAIL: 1/2 negative controls refuted" in text
