"""Every corpus entry raises exactly its expected findings; the correct versions raise no error or warning.

The fast run skips the D* phase (``dstar_steps=0``); its findings are covered in test_step_audit.py and, for
the whole corpus with the defaults, in the slow test below.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from gantheory.step_audit import CORPUS, audit_step  # noqa: E402


def _codes(report) -> frozenset[str]:
    return frozenset(f.code for f in report.findings if f.severity != "info")


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_entry_is_diagnosed(name):
    entry = CORPUS[name]
    report = audit_step(entry.train_step, loss=entry.loss, dstar_steps=0)
    expected = entry.expected - {"d_star_mismatch"}
    assert _codes(report) == expected, [f.to_dict() for f in report.findings]
    assert report.passed == (not any(f.severity == "error" for f in report.findings))
    if entry.bug is None:
        assert report.passed


def test_corpus_covers_the_issue_bug_list():
    """The eight bugs of issue 15, each with at least one buggy entry and a cited source."""
    bugs = " | ".join(e.bug for e in CORPUS.values() if e.bug)
    for phrase in ("backward(one)", "two .backward()", "relativistic G loss overwritten", "missing detach",
                   "missing zero_grad", "wrong optimiser", "labels swapped only in the G step", "BatchNorm"):
        assert phrase in bugs, phrase
    for entry in CORPUS.values():
        assert entry.source.startswith("https://github.com/"), entry.name
    assert sum(e.bug is None for e in CORPUS.values()) >= 5


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_entry_with_defaults(name):
    """With the default D* phase: the D-side bugs also miss D*, the correct versions reach it."""
    entry = CORPUS[name]
    report = audit_step(entry.train_step, loss=entry.loss)
    assert _codes(report) == entry.expected, [f.to_dict() for f in report.findings]
