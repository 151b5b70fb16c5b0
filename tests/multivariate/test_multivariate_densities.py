"""Multivariate densities against scipy.stats (an independent implementation) and their validation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from gantheory.errors import GanTheoryError
from gantheory.multivariate import GaussianMixture, MultivariateNormal, ring_of_gaussians
from gantheory.tolerances import TOLERANCES


def test_logpdf_matches_scipy():
    mean, cov = np.array([0.5, -1.0, 2.0]), np.array([[1.0, 0.3, 0.1], [0.3, 0.8, 0.0], [0.1, 0.0, 2.0]])
    x = np.random.default_rng(1).normal(size=(50, 3)) * 2
    ours = MultivariateNormal(mean, cov).logpdf(x)
    # pointwise_atol: a few ulps of log-densities of order 1-10
    np.testing.assert_allclose(ours, stats.multivariate_normal(mean, cov).logpdf(x), rtol=1e-12,
                               atol=TOLERANCES["pointwise_atol"] * 10)


def test_ring_mixture_matches_scipy_sum():
    ring = ring_of_gaussians(k=8, radius=2.0, scale=0.3)
    x = np.random.default_rng(2).normal(size=(40, 2)) * 2
    ref = np.log(sum(stats.multivariate_normal(c.mean, c.cov).pdf(x) / 8 for c in ring.parts))
    np.testing.assert_allclose(ring.logpdf(x), ref, rtol=1e-12)
    assert np.allclose(np.linalg.norm([c.mean for c in ring.parts], axis=1), 2.0)


def test_sampling_moments():
    p = MultivariateNormal([1.0, -2.0], [[1.0, 0.5], [0.5, 2.0]])
    x = p.sample(200_000, np.random.default_rng(3))
    # 5 standard errors of the sample mean / covariance at n = 2e5 (~0.003 / 0.006)
    np.testing.assert_allclose(x.mean(axis=0), p.mean, atol=0.02)
    np.testing.assert_allclose(np.cov(x.T), p.cov, atol=0.04)
    ring = ring_of_gaussians()
    assert ring.sample(1000, np.random.default_rng(0)).shape == (1000, 2)


@pytest.mark.parametrize("make, parameter", [
    (lambda: MultivariateNormal([0, 0], [[1, 2], [2, 1]]), "cov"),
    (lambda: MultivariateNormal([0, np.nan], np.eye(2)), "mean"),
    (lambda: GaussianMixture([0.5, 0.6], [MultivariateNormal([0, 0], np.eye(2))] * 2), "weights"),
    (lambda: ring_of_gaussians(scale=0.0), "scale"),
    (lambda: MultivariateNormal([0, 0], np.eye(2)).logpdf(np.zeros(3)), "x"),
])
def test_bad_parameters_are_named(make, parameter):
    with pytest.raises(GanTheoryError, match=parameter):
        make()
