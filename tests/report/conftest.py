"""Toy report documents shared by the tests of gantheory/report/ (no claim machinery needed)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from gantheory import report
from gantheory.results import ClaimResult, ControlResult, Figure, LensResult, Measurement, Panel, Series

META = {"profile": "quick", "seed": 0, "device": {"requested": "auto", "resolved": "cpu"}, "versions": {"numpy": "x"},
        "git": {"revision": None}, "tolerances": {"t": {"a": 1e-10, "b": 1.23456e-7}}, "wall_seconds": 1.0,
        "created": "now"}


def _toy_figure(fid: str = "toy-figure") -> Figure:
    return Figure(fid, "A toy figure", (
        Panel("lines", "x", "y", (Series("p_data", (0.0, 1.0, 2.0), (0.0, 1.0, 0.5)),
                                  Series("D̂", (0.0, 1.0, 2.0), (0.5, 0.4, 0.6), "dashed")), hlines=((0.2, "−log 4"),)),
        Panel("hist", "s", "density", (Series("h", (0.0, 1.0, 2.0), (0.3, 0.7), "hist"),
                                       Series("pts", (1.0, 10.0, 100.0), (1.0, 0.3, 0.1), "points")), logy=True)),
        "caption text")


def toy_results():
    """A failing claim "toy": a skipped symbolic lens, a passing quadrature lens with a figure and a failing
    empirical lens."""
    good = LensResult("quadrature", "pass", summary="|Δ| 1e-13 over 4 pairs",
                      measurements=(Measurement("|Δ|", 1e-13, 1e-10, True),), figures=(_toy_figure(),))
    bad = LensResult("empirical", "fail", summary="sup too big",
                     measurements=(Measurement("sup|D̂ − D*|", 0.3, 0.1, False, detail="n = 10"),))
    skipped = LensResult("symbolic", "skipped", reason="not an identity")
    # The report reads a claim's id, title, statement, latex and source only.
    claim = SimpleNamespace(id="toy", title="Toy", statement="statement <b>with</b> markup", latex=r"x \le y",
                            source="Nobody 2024")
    return claim, ClaimResult("toy", "fail", (skipped, good, bad), 0.5)


def second_claim():
    """A passing claim "other" with a figure of its own and a measurement that is not available (NaN)."""
    lens = LensResult("quadrature", "pass", summary="a | pipe in the summary",
                      measurements=(Measurement("gap", 1e-12, 1e-10, True),
                                    Measurement("not available", float("nan"), 1e-3, True)),
                      figures=(_toy_figure("other-figure"),))
    claim = SimpleNamespace(id="other", title="Other", statement="s", latex="a = b", source="Somebody 2020")
    return claim, ClaimResult("other", "pass", (lens,), 0.25)


def make_doc(*pairs) -> dict:
    entries, figures = [], []
    for claim, result in pairs:
        entry, figs = report.claim_entry(claim, result)
        entries.append(entry)
        figures += figs
    return report.make_document(entries, figures, dict(META))


@pytest.fixture
def figure_spec() -> dict:
    """The toy figure as the report's dict (two panels: lines with an hline; a histogram and log-y points)."""
    return _toy_figure().to_dict()


@pytest.fixture
def doc() -> dict:
    """The one-claim toy document."""
    return make_doc(toy_results())


@pytest.fixture
def two_claims() -> dict:
    """A document with the failing toy claim and a passing one."""
    return make_doc(toy_results(), second_claim())


@pytest.fixture
def selftest_doc() -> dict:
    """A selftest document: one control refuted, one not."""
    refuted = ControlResult("toy", "wrong-d", "a wrong D*", "quadrature", True,
                            LensResult("quadrature", "fail", summary="refuted by 0.3"))
    missed = ControlResult("toy", "wrong-v", "a wrong value", "empirical", False,
                           LensResult("empirical", "pass", summary="not refuted"))
    controls = [report.control_entry(c)[0] for c in (refuted, missed)]
    return report.make_document([], [], dict(META), controls=controls)
