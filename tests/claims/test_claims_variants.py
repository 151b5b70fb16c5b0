"""gantheory.claims.variants: the label-smoothing, least-squares and maximum-likelihood checks read their
terms and optima from the LOSSES rows."""

from __future__ import annotations

import numpy as np

from gantheory.cases import CASES
from gantheory.claims import CLAIMS, variants
from gantheory.claims.shapes import StationaryOptimum
from gantheory.losses import LOSSES


def _atoms_and_gaps():
    case = CASES["discrete-pmfs"]  # atoms {0, 1, 2} against {1, 2, 3}: each has points the other lacks
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    return case.p.logpdf(x), case.q.logpdf(x)


def test_label_smoothing_with_beta_zero_has_no_nan_on_a_pmf_pair():
    lp, lq = _atoms_and_gaps()
    assert np.isneginf(lp).any() and np.isneginf(lq).any()
    for beta in (0.0, variants.BETA):
        shape = StationaryOptimum("label_smoothing", {"alpha": variants.ALPHA, "beta": beta})
        a = shape.candidate(lp, lq)
        value = shape.objective(a, lp, lq)
        assert not np.isnan(a).any() and not np.isnan(value).any(), (beta, a, value)
        assert np.isfinite(value).all()
    # the control's candidate (β = 0) inside the claim's objective (β = 0.1): still no NaN
    control = StationaryOptimum("label_smoothing", dict(variants.SMOOTHING),
                                claimed_params={"alpha": variants.ALPHA, "beta": 0.0})
    assert not np.isnan(control.objective(control.candidate(lp, lq), lp, lq)).any()


def test_label_smoothing_candidate_is_the_rows_optimum():
    lp, lq = np.log(np.array([0.3, 0.1, 0.5])), np.log(np.array([0.1, 0.4, 0.5]))
    got = StationaryOptimum("label_smoothing", dict(variants.SMOOTHING)).candidate(lp, lq)
    d = 1.0 / (1.0 + np.exp(-got))
    p, q = np.exp(lp), np.exp(lq)
    np.testing.assert_allclose(d, (variants.ALPHA * p + variants.BETA * q) / (p + q), rtol=1e-14)


def test_least_squares_objective_accepts_the_label_parameters():
    # the least-squares row's parameter ``a`` must not collide with the output argument
    lp, lq = np.log(np.array([0.2, 0.7])), np.log(np.array([0.6, 0.1]))
    shape = StationaryOptimum("least_squares", dict(variants.LSGAN), scale=0.5)
    y = shape.candidate(lp, lq)
    p, q = np.exp(lp), np.exp(lq)
    np.testing.assert_allclose(y, (1.0 * p - 1.0 * q) / (p + q), rtol=1e-14)  # (b p + a q)/(p + q)
    np.testing.assert_allclose(shape.objective(y, lp, lq), -0.5 * (p * (y - 1.0) ** 2 + q * (y + 1.0) ** 2), rtol=1e-14)
    swapped = StationaryOptimum("least_squares", dict(variants.LSGAN), claimed_params=variants.LSGAN_SWAPPED)
    np.testing.assert_allclose(swapped.candidate(lp, lq), -y, rtol=1e-14)


def test_maximum_likelihood_shifts_the_logit_by_the_class_ratio_and_its_control_does_not():
    lp, lq = np.log(np.array([0.3, 0.05])), np.log(np.array([0.2, 0.4]))
    claim = CLAIMS["maximum-likelihood"]
    control = next(k for k in claim.controls if k.lens == "quadrature")
    shift = np.log(variants.UNBALANCED["weight_real"] / variants.UNBALANCED["weight_fake"])
    np.testing.assert_allclose(claim.lenses["quadrature"].candidate(lp, lq), lp - lq + shift, rtol=1e-14)
    np.testing.assert_allclose(control.check.candidate(lp, lq), lp - lq, rtol=1e-14)
    assert LOSSES["class_weighted"].bind(variants.UNBALANCED) == variants.UNBALANCED


def test_label_smoothing_lens_runs_on_a_pmf_pair_with_beta_zero():
    # a* = −∞ at atoms of p_g alone (p = 0, β = 0): the fake term's 0·softplus(−a*) must be 0, not NaN
    from gantheory.claims import Context

    shape = StationaryOptimum("label_smoothing", {"alpha": variants.ALPHA, "beta": 0.0}, cases=("discrete-pmfs",))
    result = shape(Context())
    assert result.status == "pass", result.summary
    assert all(np.isfinite(m.measured) for m in result.measurements)
