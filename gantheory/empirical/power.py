r"""What the empirical Wald check can see: its power against near misses D = p/(p + c·q).

The calibration (:func:`gantheory.empirical.calibrate`) trains R logistic discriminators under the correct
theory and measures the power against *far* alternatives (p/(p+2q), a label swap, a prior shift). A
reader also needs to know how close a wrong theory may come before the check stops seeing it. For each
factor c the same R fits θ̂ are tested against the near miss

.. math:: D_c = \frac{p}{p + c\,q}, \qquad \operatorname{logit} D_c = \log p - \log q - \log c,

with its own population parameter θ_c and sandwich covariance Σ_c (as for p/(p+2q) in the calibration):
the rejection rate at the calibration's n is the *measured* power. The *predicted* power uses the
asymptotic (local-alternative) distribution of the Wald statistic, a noncentral χ²_dof with

.. math:: \lambda(n) = n\,\lambda_1, \qquad \lambda_1 = (\theta_0 - \theta_c)^\top (n\Sigma_c)^{-1} (\theta_0 - \theta_c),

θ_0 the population parameter of the correct D* (Σ_c shrinks as 1/n). The n giving 80% power solves
``1 − F_{χ²_dof(λ)}(critical) = 0.8`` for λ, then n = λ/λ_1. The approximation takes θ̂'s covariance
to be Σ_c (it is Σ_0; they agree as c → 1, exactly the near misses); the measured power at the
calibration's n is reported beside the prediction so a reader can see how well it holds.

Reference: Wald (1943); for the noncentral χ² approximation of local alternatives, e.g. van der Vaart
(1998), *Asymptotic Statistics*, §14–15.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import optimize, stats

from gantheory.empirical import statistics as st
from gantheory.errors import GanTheoryError

if TYPE_CHECKING:
    from gantheory.densities import Density
    from gantheory.empirical.discriminator import CalibrationResult

__all__ = ["NEAR_MISS_FACTORS", "PowerCurve", "n_for_power", "near_miss_power"]

# c of D = p/(p + c·q): from a 1% slip to the gross p/(p+2q).
NEAR_MISS_FACTORS = (1.01, 1.02, 1.05, 1.1, 1.2, 1.5, 2.0)
TARGET_POWER = 0.8


@dataclass(frozen=True)
class PowerCurve:
    """Power of the Wald check against D = p/(p + c·q) for each ``factors[i]`` = c.

    ``power[i]``: measured rejection rate over the calibration's replicates at ``n_samples`` per class;
    ``predicted_power[i]``: the noncentral-χ² prediction at the same n; ``noncentrality_per_sample[i]``: λ_1;
    ``n_for_target[i]``: the n per class at which the predicted power reaches ``target_power``.
    """

    factors: tuple[float, ...]
    n_samples: int
    replicates: int
    alpha: float
    dof: int
    critical: float
    power: tuple[float, ...]
    predicted_power: tuple[float, ...]
    noncentrality_per_sample: tuple[float, ...]
    n_for_target: tuple[int, ...]
    target_power: float = TARGET_POWER

    def to_dict(self) -> dict:
        return {"factors": list(self.factors), "n_samples": self.n_samples, "replicates": self.replicates,
                "alpha": self.alpha, "dof": self.dof, "critical": self.critical, "power": list(self.power),
                "predicted_power": list(self.predicted_power),
                "noncentrality_per_sample": list(self.noncentrality_per_sample),
                "target_power": self.target_power, "n_for_target_power": list(self.n_for_target)}


def n_for_power(noncentrality_per_sample: float, *, dof: int, critical: float, target: float = TARGET_POWER) -> int:
    """The smallest n with ``1 − F_{χ²_dof(n·λ_1)}(critical) ≥ target`` (the noncentral χ² approximation).

    >>> n_for_power(0.01, dof=3, critical=float(stats.chi2.ppf(0.99, 3)))
    1546
    """
    if not (noncentrality_per_sample > 0 and math.isfinite(noncentrality_per_sample)):
        raise GanTheoryError(f"noncentrality_per_sample must be positive and finite, got {noncentrality_per_sample!r}")
    if not 0 < target < 1:
        raise GanTheoryError(f"target power must be in (0, 1), got {target!r}")

    def shortfall(lam):
        return stats.ncx2.sf(critical, dof, lam) - target

    hi = 1.0
    while shortfall(hi) < 0:
        hi *= 2.0
    lam = optimize.brentq(shortfall, 0.0, hi, xtol=1e-12, rtol=1e-12)
    n = max(1, math.ceil(lam / noncentrality_per_sample))
    while n > 1 and stats.ncx2.sf(critical, dof, (n - 1) * noncentrality_per_sample) >= target:
        n -= 1
    while stats.ncx2.sf(critical, dof, n * noncentrality_per_sample) < target:
        n += 1
    return n


def near_miss_power(calib: CalibrationResult, p_data: Density, p_g: Density, *,
                    factors: tuple[float, ...] = NEAR_MISS_FACTORS, target: float = TARGET_POWER) -> PowerCurve:
    """The power curve of the calibrated Wald check against D = p/(p + c·q), c in ``factors`` (module doc).

    Raises:
        GanTheoryError: a calibration without its fitted parameters, or a factor ≤ 1.
    """
    if calib.theta_hat is None or not math.isfinite(calib.center):
        raise GanTheoryError("near_miss_power needs a CalibrationResult with theta_hat (from calibrate())")
    factors = tuple(float(c) for c in factors)
    if not factors or any(not (c > 1 and math.isfinite(c)) for c in factors):
        raise GanTheoryError(f"factors must be finite numbers > 1, got {factors!r}")
    n, degree = calib.n_samples, calib.degree
    frame = {"n": n, "m": n, "degree": degree, "center": calib.center, "scale": calib.scale}

    def logit(c):
        return lambda x: p_data.logpdf(x) - p_g.logpdf(x) - math.log(c)

    theta0 = st.population_parameter(lambda x: p_data.logpdf(x) - p_g.logpdf(x), p_data, p_g, **frame)
    theta_hat = np.asarray(calib.theta_hat, dtype=np.float64)
    power, predicted, lam1, n80 = [], [], [], []
    for c in factors:
        theta_c = st.population_parameter(logit(c), p_data, p_g, **frame)
        info = np.linalg.inv(st.wald_covariance(theta_c, p_data, p_g, **frame))
        diff = theta_hat - theta_c
        statistics = np.einsum("ki,ij,kj->k", diff, info, diff)
        power.append(float(np.mean(statistics > calib.critical)))
        delta = theta0 - theta_c
        lam = float(delta @ info @ delta)
        predicted.append(float(stats.ncx2.sf(calib.critical, calib.dof, lam)))
        lam1.append(lam / n)
        n80.append(n_for_power(lam / n, dof=calib.dof, critical=calib.critical, target=target))
    return PowerCurve(factors, n, int(theta_hat.shape[0]), calib.alpha, calib.dof, calib.critical, tuple(power),
                      tuple(predicted), tuple(lam1), tuple(n80), target)
