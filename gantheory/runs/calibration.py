r"""Calibration of the Monitor where the truth is known: scripted generator paths on 1-D and 2-D densities.

A synthetic run has p_data fixed and a scripted generator path q_t = q(θ_t), t = 0 … T − 1; the truth
𝒟(p‖q_t) comes from quadrature (:func:`gantheory.quadrature.f_divergence`, certified to 1e-10). The
discriminator is the closed-form optimum a*(x) = row.optimum(log p, log q_t), optionally shrunk
(a = λ·a*, λ < 1: a suboptimal D whose bound must stay valid and loosen). Each seed draws fresh held-out
samples at every update. With ``discriminator="trained"`` the discriminator at step t is instead
gantheory's trainer (:func:`gantheory.empirical.train_discriminators`: degree-2 logistic MLE on its own
``n_train`` real and fake samples, one replicate per seed, batched), evaluated on fresh held-out samples —
near-optimal, never exactly optimal. A violation is a bound above the truth (by more than its certified accuracy, ``quadrature_atol``): per update, the one-sided bound against
𝒟(p‖q_t); per run, the whole-run window bound against the average (1/T)Σ_t 𝒟(p‖q_t). Under the nominal
level violations are at most Binomial(trials, α); the p-value of the observed count is
P(Bin(trials, α) ≥ violations) (the empirical lens's calibration rule).

>>> r = calibrate_monitor(seeds=20, steps=3, n=400)   # θ = 2, 1, 0; the step at θ = 0 (p = q) is no trial
>>> r.trials_update, r.violations_update <= 6
(40, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gantheory.errors import GanTheoryError
from gantheory.runs.bounds import binomial_violation_p_value
from gantheory.runs.monitor import Monitor

__all__ = ["PATHS", "CalibrationResult", "calibrate_monitor"]


def _gauss_path(theta: np.ndarray):
    from gantheory.densities import Normal

    return Normal(0.0, 1.0), [Normal(float(t), 1.0) for t in theta]


def _mixture_path(theta: np.ndarray):
    from gantheory.densities import Mixture, Normal

    def mix(shift, w):
        return Mixture([Normal(-2.0 + shift, 0.7), Normal(2.0 + shift, 0.7)], [w, 1.0 - w])

    return mix(0.0, 0.5), [mix(float(t), 0.5 + 0.4 * float(t) / 2.0) for t in theta]


class _Gauss2D:
    """N(loc, I₂) in the plane: ``sample(n, rng)`` (n, 2) and ``logpdf(x)`` (n,), for the 2-D path."""

    def __init__(self, loc: tuple[float, float]) -> None:
        self.loc = np.asarray(loc, dtype=np.float64)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.loc + rng.standard_normal((n, 2))

    def logpdf(self, x: np.ndarray) -> np.ndarray:
        d = np.asarray(x, dtype=np.float64) - self.loc
        return -0.5 * np.sum(d * d, axis=-1) - np.log(2 * np.pi)


def _gauss2d_path(theta: np.ndarray):
    # the generator's mean spirals in: μ_t = θ_t·(cos 2θ_t, sin 2θ_t)
    return _Gauss2D((0.0, 0.0)), [_Gauss2D((float(t * np.cos(2 * t)), float(t * np.sin(2 * t)))) for t in theta]


def _truth(p, q, divergence: str) -> float:
    """𝒟(p‖q) by quadrature. For N(0, I₂) against N(μ, I₂) the likelihood ratio depends on x only through
    its projection on μ, so every f-divergence equals the 1-D one of N(0, 1) against N(|μ|, 1) (sufficiency)."""
    from gantheory.densities import Normal
    from gantheory.quadrature import f_divergence

    if isinstance(p, _Gauss2D):
        p, q = Normal(0.0, 1.0), Normal(float(np.linalg.norm(q.loc - p.loc)), 1.0)
    return float(f_divergence(p, q, divergence).value)


# scripted generator paths: p_data and q(θ) for θ from 2 down to 0 (the generator converging)
PATHS = {"gauss-shift": _gauss_path, "mixture-shift": _mixture_path, "gauss2d-spiral": _gauss2d_path}


@dataclass(frozen=True)
class CalibrationResult:
    """Violations of the per-update and per-run bounds over seeds, their binomial p-values, the mean gap
    (truth − bound) and the mean truth over the updates that count as trials (p ≠ q)."""

    path: str
    loss: str
    method: str
    alpha: float
    shrink: float
    seeds: int
    steps: int
    discriminator: str
    n: int
    violations_update: int
    trials_update: int
    p_value_update: float
    violations_run: int
    trials_run: int
    p_value_run: float
    mean_gap: float
    truth_mean: float

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def calibrate_monitor(*, path: str = "gauss-shift", loss: str = "standard", method: str = "clt",
                      alpha: float = 0.05, shrink: float = 1.0, seeds: int = 200, steps: int = 10, n: int = 500,
                      seed: int = 0, discriminator: str = "closed_form", n_train: int = 2048) -> CalibrationResult:
    """Run ``seeds`` synthetic runs of ``steps`` updates with ``n`` real and ``n`` fake held-out samples each."""
    if discriminator not in ("closed_form", "trained"):
        raise GanTheoryError(f"parameter 'discriminator' must be 'closed_form' or 'trained', got {discriminator!r}")
    if path not in PATHS:
        raise GanTheoryError(f"parameter 'path' must be one of {sorted(PATHS)}, got {path!r}")
    if not 0.0 < shrink <= 1.0:
        raise GanTheoryError(f"parameter 'shrink' must lie in (0, 1], got {shrink!r}")
    theta = np.linspace(2.0, 0.0, steps) if steps > 1 else np.array([1.0])
    p, qs = PATHS[path](theta)
    mon0 = Monitor(loss, alpha, method=method)
    conv = mon0.convention
    truth = np.array([_truth(p, q, conv.divergence) for q in qs])
    row = conv.row
    rng = np.random.default_rng(seed)
    trained = None
    if discriminator == "trained":
        if loss != "standard" or path == "gauss2d-spiral":
            raise GanTheoryError("parameter 'discriminator': the trained calibration uses the trainer's BCE "
                                 f"('standard') on the 1-D paths, not {loss!r} on {path!r}")
        from gantheory.empirical import train_discriminators

        trained = []
        for t, q in enumerate(qs):
            ens = train_discriminators(p, q, seeds=[seed * 100_003 + 1000 * t + k for k in range(seeds)],
                                       family="logistic", degree=2, n_samples=n_train, device="cpu")
            trained.append([ens.result(k, quadrature=False).logit for k in range(seeds)])
    from gantheory.tolerances import TOLERANCES

    atol = TOLERANCES["quadrature_atol"]
    v_up = v_run = 0
    gaps = []
    for k in range(seeds):
        mon = Monitor(loss, alpha, method=method)
        for t, q in enumerate(qs):
            x, z = p.sample(n, rng), q.sample(n, rng)

            def d(v, q=q, t=t, k=k):
                if trained is not None:
                    return shrink * trained[t][k](v)
                return shrink * row.optimum(p.logpdf(v), q.logpdf(v), **conv.params)

            mon.update(t, d(x), d(z))
        # the truth is certified to quadrature_atol: a bound above it by less (e.g. 1e-16 at p = q, where a
        # mean of n copies of log 2 rounds below log 2) is no violation
        for b, tr in zip(mon.bounds(1), truth, strict=True):
            if tr <= atol:  # θ = 0: p = q, the optimal D is constant and its bound exactly 0 — no trial
                continue
            v_up += b.lower_bound > tr + atol
            gaps.append(tr - b.lower_bound)
        v_run += mon.summary()["lower_bound"] > truth.mean() + atol
    trials_up = seeds * int(np.sum(truth > atol))
    return CalibrationResult(path, loss, method, alpha, shrink, seeds, len(qs), discriminator, n, int(v_up), trials_up,
                             binomial_violation_p_value(v_up, trials_up, alpha), int(v_run), seeds,
                             binomial_violation_p_value(v_run, seeds, alpha), float(np.mean(gaps)),
                             float(truth[truth > atol].mean()) if np.any(truth > atol) else 0.0)
