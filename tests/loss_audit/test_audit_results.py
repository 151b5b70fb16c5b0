"""The audit's result objects: frozen, and their JSON form (the public contract)."""

from __future__ import annotations

import dataclasses
import json

import pytest

pytest.importorskip("torch")

from gantheory.loss_audit import AuditReport, Finding


def test_report_json_contract(corpus_reports):
    d = json.loads(json.dumps(corpus_reports["label_smoothing_0.9"].to_dict(), allow_nan=False))
    assert d["discriminator"]["family"] == "label_smoothing"
    assert set(d["discriminator"]["params"]) >= {"alpha", "beta"}
    assert d["generator"]["kind"] == "non_saturating"
    assert all(set(f) >= {"severity", "message"} for f in d["findings"])
    assert all(f["severity"] in ("info", "warning", "error") for f in d["findings"])
    json.loads(corpus_reports["wgan_unconstrained"].to_json())  # ±inf params become strings, not Infinity


def test_probes_serialise_infinities_as_strings(corpus_reports):
    probes = corpus_reports["softplus"].to_dict()["probes"]
    assert {p["logit"] for p in probes} >= {"inf", "-inf", 20.0}


def test_report_is_frozen(corpus_reports):
    r = corpus_reports["softplus"]
    assert isinstance(r, AuditReport)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.verdict = "x"
    with pytest.raises(ValueError, match="severity"):
        Finding("fatal", "x")
