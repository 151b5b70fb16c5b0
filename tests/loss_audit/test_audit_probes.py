"""Numerics at extreme logits: the −100 clamp of nn.BCELoss, overflow of a naive log(1 − σ(a))."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("torch")

from gantheory.loss_audit.probes import PROBE_LOGITS


def test_log_clamp_detected_only_for_bce_on_probabilities(corpus_reports):
    assert "log_clamp" in {f.code for f in corpus_reports["bce_on_sigmoid"].findings}
    assert "log_clamp" not in {f.code for f in corpus_reports["bce_with_logits"].findings}


def test_overflow_detected_for_naive_log_of_sigmoid(corpus_reports):
    codes = {f.code for f in corpus_reports["probabilities"].findings}
    assert "overflow" in codes  # log(1 − σ(20)) = log 0 in float32
    assert "overflow" not in {f.code for f in corpus_reports["softplus"].findings}


def test_probes_cover_the_issue_grid(corpus_reports):
    probes = corpus_reports["softplus"].probes
    assert {p.logit for p in probes} >= {20.0, -20.0, 1e4, -1e4, math.inf, -math.inf}
    assert {p.logit for p in probes} == set(PROBE_LOGITS)
    assert {p.dtype for p in probes} == {"float32", "float64"}
