"""gantheory.claims.gan: the shapes of the original GAN's claims read D*, the generator terms and the
JSD from their one home."""

from __future__ import annotations

import numpy as np
import pytest

from gantheory.cases import CASES
from gantheory.claims import gan
from gantheory.claims.shapes import StationaryOptimum
from gantheory.losses import GENERATORS
from gantheory.numerics import LOG2


@pytest.mark.parametrize("case", gan.STATIONARITY_CASES)
def test_stationary_candidate_is_quadratures_optimal_discriminator_logit(case):
    from gantheory.quadrature import optimal_discriminator

    p, q = CASES[case].p, CASES[case].q
    x = np.linspace(-4.0, 4.0, 101)
    got = StationaryOptimum("standard").candidate(p.logpdf(x), q.logpdf(x))
    np.testing.assert_allclose(got, optimal_discriminator(p, q).logit(x), rtol=0, atol=1e-12)  # same formula
    shifted = StationaryOptimum("standard", logit_shift=-LOG2).candidate(p.logpdf(x), q.logpdf(x))
    np.testing.assert_allclose(shifted - got, -LOG2, rtol=0, atol=1e-12)  # the control's p/(p+2q)


def test_generator_terms_are_the_generators_rows():
    a = np.linspace(-30.0, 30.0, 61)
    np.testing.assert_array_equal(gan.GeneratorTerm("minimax")(a), GENERATORS["minimax"](a))
    np.testing.assert_array_equal(gan.GeneratorTerm("minimax", sign=-1.0)(a), -GENERATORS["minimax"](a))
    # the minimax term log σ(−a) saturates where D rejects fakes; the non-saturating one does not
    assert abs(GENERATORS["minimax"](np.array([-10.0]))[0]) < 1e-4
    assert GENERATORS["non_saturating"](np.array([-10.0]))[0] > 9.9


def test_jsd_bounds_control_takes_the_square_root():
    from gantheory.densities import Normal

    p, q = Normal(0.0, 1.0), Normal(1.0, 1.5)
    js = float(gan.JsdBounds().divergence(p, q))
    assert float(gan.JsdBounds(distance=True).divergence(p, q)) == pytest.approx(np.sqrt(js), rel=1e-15)


def test_global_optimum_formula_is_theorem_1():
    assert gan.GlobalOptimum().formula(0.25) == pytest.approx(-np.log(4.0) + 0.5, abs=1e-15)
    assert gan.GlobalOptimum(offset=-LOG2, scale=1.0).formula(0.25) == pytest.approx(-LOG2 + 0.25, abs=1e-15)


def test_claim_rows_run_on_registered_gaussian_cases():
    for claim in gan.CLAIMS:
        for name in claim.cases:
            assert name in CASES
    assert set(gan.GAUSSIAN_CASES) <= set(gan.STATIONARITY_CASES)


@pytest.mark.empirical
def test_the_empirical_lens_reports_its_power_curve_against_near_misses():
    """The report carries what the lens can see: power against D = p/(p + c·q), c from 1.01 to 2, measured
    at the calibration's n and predicted, with the n for 80% power at each c, and a figure of it."""
    pytest.importorskip("torch")
    from gantheory.claims import CLAIMS, Context

    result = CLAIMS["optimal-discriminator"].lenses["empirical"](Context("quick", 0, "cpu"))
    curve = result.details["power_curve"]
    assert curve["factors"][0] == 1.01 and curve["factors"][-1] == 2.0
    assert len(curve["power"]) == len(curve["predicted_power"]) == len(curve["n_for_target_power"]) == 7
    assert curve["n_for_target_power"][0] > curve["lens_n_samples"] > curve["n_for_target_power"][-1]
    assert "power-curve" in {f.id for f in result.figures}
    assert "80% power" in result.summary
    assert result.to_dict()["details"]["power_curve"]["target_power"] == 0.8  # in the report's JSON
    from gantheory import report

    lens = result.to_dict()
    doc = report.make_document([{"id": "optimal-discriminator", "title": "t", "statement": "s", "latex": "x",
                                 "source": "src", "status": "pass", "seconds": 0.0, "lenses": [lens]}], [], {})
    assert "| 1.01 |" in report.to_markdown(doc) and "n for 80% power" in report.to_markdown(doc)
