r"""Calibration of the Monitor where the truth is known: scripted generator paths on 1-D densities.

A synthetic run has p_data fixed and a scripted generator path q_t = q(θ_t), t = 0 … T − 1; the truth
𝒟(p‖q_t) comes from quadrature (:func:`gantheory.quadrature.f_divergence`, certified to 1e-10). The
discriminator is the closed-form optimum a*(x) = row.optimum(log p, log q_t), optionally shrunk
(a = λ·a*, λ < 1: a suboptimal D whose bound must stay valid and loosen). Each seed draws fresh held-out
samples at every update. With ``discriminator="trained"`` the discriminator at step t is instead
gantheory's trainer (:func:`gantheory.empirical.train_discriminators`: degree-2 logistic MLE on its own
``n_train`` real and fake samples, one replicate per seed, batched), evaluated on fresh held-out samples —
near-optimal, never exactly optimal. A violation is a bound above the truth: per update, the one-sided bound against
𝒟(p‖q_t); per run, the whole-run window bound against the average (1/T)Σ_t 𝒟(p‖q_t). Under the nominal
level violations are at most Binomial(trials, α); the p-value of the observed count is
P(Bin(trials, α) ≥ violations) (the empirical lens's calibration rule).

>>> r = calibrate_monitor(seeds=20, steps=3, n=400)
>>> r.trials_update, r.violations_update <= 6
(60, True)
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


# scripted generator paths: p_data and q(θ) for θ from 2 down to 0 (the generator converging)
PATHS = {"gauss-shift": _gauss_path, "mixture-shift": _mixture_path}


@dataclass(frozen=True)
class CalibrationResult:
    """Violations of the per-update and per-run bounds over seeds, their binomial p-values, the gap."""

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
    from gantheory.quadrature import f_divergence

    theta = np.linspace(2.0, 0.0, steps) if steps > 1 else np.array([1.0])
    p, qs = PATHS[path](theta)
    mon0 = Monitor(loss, alpha, method=method)
    conv = mon0.convention
    truth = np.array([float(f_divergence(p, q, conv.divergence).value) for q in qs])
    row = conv.row
    rng = np.random.default_rng(seed)
    trained = None
    if discriminator == "trained":
        if loss != "standard":
            raise GanTheoryError("parameter 'discriminator': the trained calibration uses the trainer's BCE "
                                 f"('standard'), not {loss!r}")
        from gantheory.empirical import train_discriminators

        trained = []
        for t, q in enumerate(qs):
            ens = train_discriminators(p, q, seeds=[seed * 100_003 + 1000 * t + k for k in range(seeds)],
                                       family="logistic", degree=2, n_samples=n_train, device="cpu")
            trained.append([ens.result(k, quadrature=False).logit for k in range(seeds)])
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
        for b, tr in zip(mon.bounds(1), truth, strict=True):
            v_up += b.lower_bound > tr
            gaps.append(tr - b.lower_bound)
        v_run += mon.summary()["lower_bound"] > truth.mean()
    trials_up = seeds * len(qs)
    return CalibrationResult(path, loss, method, alpha, shrink, seeds, len(qs), discriminator, n, int(v_up), trials_up,
                             binomial_violation_p_value(v_up, trials_up, alpha), int(v_run), seeds,
                             binomial_violation_p_value(v_run, seeds, alpha), float(np.mean(gaps)),
                             float(truth.mean()))
