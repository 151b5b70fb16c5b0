"""Shared fixtures of the loss-audit tests: fast audits of the whole corpus, computed once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def corpus_reports():
    """Fast audits (no quadrature, no sympy) of every corpus entry."""
    pytest.importorskip("torch")
    from gantheory.loss_audit import audit
    from gantheory.loss_audit.corpus import CORPUS

    return {name: audit(c.d_loss, c.g_loss, inputs=c.inputs, divergence=False, symbolic=False) for name, c in CORPUS.items()}
