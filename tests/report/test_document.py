"""The JSON report document (gantheory.report.document): schema, margins, the status rule."""

from __future__ import annotations

import json

from gantheory import report


def test_document_schema(doc):
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


def test_not_available_is_null_in_json(two_claims):
    text = json.dumps(two_claims, allow_nan=False)
    (m,) = [m for c in two_claims["claims"] for lens in c["lenses"] for m in lens["measurements"]
            if m["name"] == "not available"]
    assert m["measured"] is None and "NaN" not in text


def test_selftest_counts(selftest_doc):
    st = selftest_doc["selftest"]
    assert {k: st[k] for k in ("controls", "refuted", "passed")} == {"controls": 2, "refuted": 1, "passed": False}
    assert st["near_misses"] == sum(c["name"].startswith("near-miss") for c in selftest_doc["negative_controls"])


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


def test_overall_status_is_the_one_precedence_rule(doc):
    from gantheory.results import STATUSES, claim_status

    assert report.overall_status is claim_status
    assert list(doc["summary"]) == ["fail", "error", "pass", "skipped"]
    assert set(doc["summary"]) == set(STATUSES)
