"""The log-space helpers against mpmath (50 digits) at ordinary and extreme arguments, ±inf included."""

from __future__ import annotations

import math
import warnings

import mpmath as mp
import numpy as np
import pytest

from gantheory import numerics as nm

X = np.array([-1e4, -800.0, -710.0, -40.0, -1.0, -1e-8, 0.0, 1e-8, 1.0, 40.0, 710.0, 800.0, 1e4])


def _mp(f, x):
    with mp.workdps(50):
        return float(f(mp.mpf(float(x))))


def agree(values, reference, rel=1e-14):
    """Every value within ``rel`` (relative, or 1e-300 absolute) of the reference."""
    values, reference = np.asarray(values, dtype=float), np.asarray(reference, dtype=float)
    return bool(np.all((values == reference) | (np.abs(values - reference) <= rel * np.abs(reference) + 1e-300)))


def test_softplus_and_log_sigmoid_against_mpmath():
    assert agree(nm.softplus(X), [_mp(lambda t: mp.log1p(mp.exp(t)), x) for x in X])
    assert agree(nm.log_sigmoid(X), [_mp(lambda t: -mp.log1p(mp.exp(-t)), x) for x in X])


def test_negative_control_naive_log_sigmoid_is_rejected():
    with np.errstate(all="ignore"):
        naive = np.log(1.0 / (1.0 + np.exp(-X)))  # −inf at a = −800 instead of −800
    assert not agree(naive, [_mp(lambda t: -mp.log1p(mp.exp(-t)), x) for x in X])


def test_infinite_arguments():
    assert nm.softplus(np.inf) == np.inf and nm.softplus(-np.inf) == 0.0
    assert nm.log_sigmoid(-np.inf) == -np.inf and nm.log_sigmoid(np.inf) == 0.0
    assert nm.sigmoid(np.inf) == 1.0 and nm.sigmoid(-np.inf) == 0.0


def test_sigmoid_against_mpmath():
    assert agree(nm.sigmoid(X), [_mp(lambda t: 1 / (1 + mp.exp(-t)), x) for x in X])


def test_exp_zero_below_the_floor_and_exact_above():
    a = np.array([-np.inf, -1e5, -701.0, -699.0, 0.0, 1.0])
    out = nm.exp(a)
    assert out[:3].tolist() == [0.0, 0.0, 0.0]
    assert out[3:].tolist() == np.exp(a[3:]).tolist()


def test_exp_of_a_scalar():
    """Regression: a 0-d argument made ``out[a < floor] = 0`` fail on a numpy scalar (so the numpy loss
    terms of gantheory.losses failed at a scalar output a)."""
    assert nm.exp(0.0) == 1.0 and nm.exp(-800.0) == 0.0 and nm.exp(-np.inf) == 0.0
    assert float(nm.softplus(0.0)) == pytest.approx(math.log(2.0), rel=1e-15)


def test_log_abs_expm1_against_mpmath():
    d = np.array([-800.0, -30.0, -1.0, -1e-10, 1e-10, 1.0, 30.0, 700.0])
    assert agree(nm.log_abs_expm1(d), [_mp(lambda t: mp.log(abs(mp.expm1(t))), x) for x in d], rel=1e-13)
    assert nm.log_abs_expm1(0.0) == -np.inf


def test_weighted_zero_weight_wins_over_inf_and_nan():
    lw = np.array([-np.inf, -np.inf, -800.0, 0.0, math.log(0.5)])
    v = np.array([np.inf, np.nan, -np.inf, 3.0, -np.inf])
    assert nm.weighted(lw, v).tolist() == [0.0, 0.0, 0.0, 3.0, -np.inf]


def test_logsumexp_of_empty_mass_is_minus_inf_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nm.logsumexp(np.array([-np.inf, -np.inf])) == -np.inf
    assert nm.logsumexp(np.array([0.0, 0.0])) == pytest.approx(math.log(2.0), rel=1e-15)


def test_constants():
    assert nm.LOG2 == math.log(2.0) and nm.LOG4 == math.log(4.0) == 2 * nm.LOG2


def test_normal_cdf_against_mpmath_without_scipy():
    """numerics.normal_cdf (math.erfc, no scipy) against mpmath's ncdf at 40 digits, down to 1e-300 in the lower
    tail (golden: mpmath); the negative control is Φ written as ½(1 + erf(z/√2)), which loses the lower tail."""
    from gantheory.numerics import normal_cdf

    z = np.linspace(-37.0, 8.0, 301)
    with mp.workdps(40):
        ref = np.array([float(mp.ncdf(mp.mpf(float(t)))) for t in z])
    assert np.max(np.abs(normal_cdf(z) - ref) / ref) < 1e-12
    naive = 0.5 * (1.0 + np.array([math.erf(t / math.sqrt(2.0)) for t in z]))
    assert np.max(np.abs(naive - ref) / ref) > 1e-3
    assert np.isnan(normal_cdf(np.nan)) and normal_cdf(np.inf) == 1.0 and normal_cdf(-np.inf) == 0.0
    assert normal_cdf(np.zeros((2, 3))).shape == (2, 3)
