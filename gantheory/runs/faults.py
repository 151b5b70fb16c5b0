r"""Injected faults: synthetic runs with a known mistake, each of which must raise its alarm.

Every row of :data:`FAULTS` builds two monitors on 1-D densities with a closed-form discriminator — the
faulty run and its clean control — and names the alarm the fault must raise (and the control must not).
The table in ``benchmarks/RESULTS.md`` and ``tests/runs/test_faults.py`` read this registry.

=====================  ===============================================================  =========================
fault                  what is injected                                                 alarm
=====================  ===============================================================  =========================
swapped_labels         D trained with real/fake labels swapped: a = log q − log p        above_equilibrium
label_smoothing        the logged value is the one-sided smoothed BCE (α = 0.9)          label_smoothing
r1_folded              the logged value includes R1 = (γ/2)·mean |∇ₓa|² on real, γ = 10  regulariser_folded
training_set           D memorises 200 training points (KDE ratio, bandwidth 0.05)       training_set
mode_drop              the generator drops a disjoint mode of weight 0.3                 generator_distinguishable
saturated_minimax      D separates disjoint supports and G uses the minimax loss         vanishing_gradient
=====================  ===============================================================  =========================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gantheory.runs.monitor import Monitor

__all__ = ["FAULTS", "Fault", "run_fault"]

_STEPS, _N = 12, 1000


@dataclass(frozen=True)
class Fault:
    name: str
    description: str
    alarm: str
    build: Callable[[np.random.Generator, bool], Monitor]


def _normal_pair():
    from gantheory.densities import Normal

    return Normal(0.0, 1.0), Normal(1.0, 1.0)


def _swapped(rng: np.random.Generator, faulty: bool) -> Monitor:
    p, q = _normal_pair()
    mon = Monitor("standard")
    sign = -1.0 if faulty else 1.0
    for t in range(_STEPS):
        x, z = p.sample(_N, rng), q.sample(_N, rng)
        mon.update(t, sign * (p.logpdf(x) - q.logpdf(x)), sign * (p.logpdf(z) - q.logpdf(z)))
    return mon


def _smoothed_bce(r: np.ndarray, f: np.ndarray, alpha: float) -> float:
    from gantheory.losses import LOSSES

    real, fake = LOSSES["label_smoothing"].terms("numpy", alpha=alpha, beta=0.0)
    return float(real(r).mean() + fake(f).mean())


def _logit(x: np.ndarray, t: int) -> np.ndarray:
    # a nonlinear discriminator that drifts with training: its gradient varies along x and over steps
    return 0.5 - x + 0.1 * np.sin((1 + 0.3 * t) * x)


def _grad(x: np.ndarray, t: int) -> np.ndarray:
    return -1.0 + 0.1 * (1 + 0.3 * t) * np.cos((1 + 0.3 * t) * x)


def _label_smoothing(rng: np.random.Generator, faulty: bool) -> Monitor:
    p, q = _normal_pair()
    mon = Monitor("standard")
    for t in range(_STEPS):
        x, z = p.sample(_N, rng), q.sample(_N, rng)
        r, f = _logit(x, t), _logit(z, t)
        logged = _smoothed_bce(r, f, 0.9 if faulty else 1.0)
        mon.update(t, r, f, logged=logged)
    return mon


def _r1(rng: np.random.Generator, faulty: bool) -> Monitor:
    p, q = _normal_pair()
    mon = Monitor("standard")
    gamma = 10.0 if faulty else 0.0
    for t in range(_STEPS):
        x, z = p.sample(_N, rng), q.sample(_N, rng)
        r, f = _logit(x, t), _logit(z, t)
        logged = _smoothed_bce(r, f, 1.0) + 0.5 * gamma * float(np.mean(_grad(x, t) ** 2))
        mon.update(t, r, f, logged=logged)
    return mon


def _training_set(rng: np.random.Generator, faulty: bool) -> Monitor:
    from scipy.special import logsumexp

    p, q = _normal_pair()
    mon = Monitor("standard")
    train = p.sample(200, rng)
    h = 0.05

    def kde(v):  # log of the Gaussian KDE of the training points: a D that memorises them
        d = (v[:, None] - train[None, :]) / h
        return logsumexp(-0.5 * d * d, axis=1) - np.log(train.size * h * np.sqrt(2 * np.pi))

    def d(v):
        return (kde(v) if faulty else p.logpdf(v)) - q.logpdf(v)

    for t in range(_STEPS):
        x, z = p.sample(_N, rng), q.sample(_N, rng)
        mon.update(t, d(x), d(z), train_real_logits=d(train))
    return mon


def _mode_drop(rng: np.random.Generator, faulty: bool) -> Monitor:
    from gantheory.densities import Mixture, Normal

    p = Mixture([Normal(-3.0, 0.5), Normal(3.0, 0.5)], [0.7, 0.3])
    q = Normal(-3.0, 0.5) if faulty else p
    mon = Monitor("standard")
    for t in range(_STEPS):
        x, z = p.sample(_N, rng), q.sample(_N, rng)
        mon.update(t, p.logpdf(x) - q.logpdf(x), p.logpdf(z) - q.logpdf(z))
    return mon


def _saturated(rng: np.random.Generator, faulty: bool) -> Monitor:
    from gantheory.densities import Normal

    p, q = Normal(0.0, 0.3), Normal(4.0 if faulty else 0.5, 0.3)
    mon = Monitor("standard", generator="minimax")
    for t in range(_STEPS):
        x, z = p.sample(_N, rng), q.sample(_N, rng)
        mon.update(t, np.clip(p.logpdf(x) - q.logpdf(x), -30, 30), np.clip(p.logpdf(z) - q.logpdf(z), -30, 30))
    return mon


FAULTS: dict[str, Fault] = {f.name: f for f in (
    Fault("swapped_labels", "D trained with real/fake labels swapped (a = log q − log p)", "above_equilibrium", _swapped),
    Fault("label_smoothing", "logged value is one-sided label-smoothed BCE, α = 0.9", "label_smoothing",
          _label_smoothing),
    Fault("r1_folded", "logged value includes the R1 penalty (γ/2)·E|∇a|², γ = 10", "regulariser_folded", _r1),
    Fault("training_set", "D memorises its 200 training points (KDE, bandwidth 0.05)", "training_set",
          _training_set),
    Fault("mode_drop", "generator drops the N(3, 0.5) mode of weight 0.3", "generator_distinguishable", _mode_drop),
    Fault("saturated_minimax", "disjoint supports, minimax generator loss", "vanishing_gradient", _saturated),
)}


def run_fault(name: str, seed: int = 0) -> tuple[list[str], list[str]]:
    """The alarm codes of the faulty run and of its clean control."""
    fault = FAULTS[name]
    faulty = fault.build(np.random.default_rng(seed), True)
    clean = fault.build(np.random.default_rng(seed), False)
    return [a.code for a in faulty.alarms()], [a.code for a in clean.alarms()]
