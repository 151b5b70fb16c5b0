"""Densities on R^d (multivariate Gaussian, Gaussian mixtures, the ring of 8 Gaussians) and their integrals:
certified 2-D quadrature, closed forms, an adaptive-cubature reference and Monte Carlo with a stated error.

The 1-D families live in :mod:`gantheory.densities`; these are separate because a point is a vector
(``logpdf`` takes ``(..., d)``) and integration is over R².
"""

from __future__ import annotations

from gantheory.multivariate.densities import GaussianMixture, MultivariateNormal, ring_of_gaussians
from gantheory.multivariate.integration import (
    MonteCarloResult,
    criterion_2d,
    cubature_reference,
    integrate_2d,
    js_divergence_2d,
    kl_divergence_2d,
    kl_normal,
    monte_carlo_divergence,
    panel_breakpoints,
    tensor_nodes,
)

__all__ = ["GaussianMixture", "MonteCarloResult", "MultivariateNormal", "criterion_2d", "cubature_reference",
           "integrate_2d", "js_divergence_2d", "kl_divergence_2d", "kl_normal", "monte_carlo_divergence",
           "panel_breakpoints", "ring_of_gaussians", "tensor_nodes"]
