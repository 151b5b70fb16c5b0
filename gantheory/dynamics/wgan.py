r"""WGAN in one dimension: W₁, the optimal critic, Kantorovich–Rubinstein duality, and why the minimax
generator's gradient vanishes where W₁'s does not (Arjovsky & Bottou 2017; Arjovsky, Chintala & Bottou 2017).

In one dimension

.. math:: W_1(p, q) = \int |F_p(x) - F_q(x)|\,dx = \sup_{\|f\|_L \le 1} E_p f - E_q f ,

and the supremum is attained by f*(x) = ∫₀ˣ sign(F_q − F_p)(t) dt, of slope ±1 wherever F_p ≠ F_q (so
E_p f* − E_q f* = ∫ f*′ (F_q − F_p) dx = W₁ by parts). :func:`w1` integrates the primal by adaptive
quadrature (split at the densities' breakpoints and at the crossings of F_p − F_q), :func:`kr_dual`
integrates f* against p − q (a different integrand: densities, not CDFs), and
:func:`gradient_vanishing` gives the Dirac/uniform example of Arjovsky & Bottou's Thm. 2.4.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gantheory.errors import GanTheoryError

if TYPE_CHECKING:
    from gantheory.densities import Density

__all__ = ["CriticFit", "IntegralResult", "crossings", "gradient_vanishing", "kr_dual", "optimal_critic", "train_critic", "w1"]


@dataclass(frozen=True)
class IntegralResult:
    """A value with its quadrature error bound (sum of ``scipy.integrate.quad`` estimates over the pieces)."""

    value: float
    error: float


def _points(p: Density, q: Density) -> np.ndarray:
    pts = np.concatenate([np.ravel(p.breakpoints()), np.ravel(q.breakpoints())])
    pts = np.unique(pts[np.isfinite(pts)])
    if pts.size < 2:
        raise GanTheoryError("p and q must be scalar densities with finite breakpoints")
    return pts


def _scan(p: Density, q: Density, grid: int = 4001) -> tuple[np.ndarray, np.ndarray]:
    pts = _points(p, q)
    xs = np.linspace(pts[0], pts[-1], grid)
    return xs, np.asarray(p.cdf(xs), dtype=np.float64) - np.asarray(q.cdf(xs), dtype=np.float64)


def crossings(p: Density, q: Density, grid: int = 4001) -> np.ndarray:
    """The points where F_p − F_q changes sign (a grid scan between the breakpoints, refined by brentq)."""
    from scipy.optimize import brentq

    xs, d = _scan(p, q, grid)
    nz = np.flatnonzero(d != 0)  # a crossing may sit exactly on a grid point (equal means: at the mean)
    out = []
    for i, j in itertools.pairwise(nz):
        if np.sign(d[i]) == np.sign(d[j]):
            continue
        if j == i + 1:
            out.append(brentq(lambda x: float(p.cdf(x) - q.cdf(x)), xs[i], xs[j], xtol=1e-15))
        else:  # F_p = F_q exactly on xs[i+1 : j]: the sign changes there
            out.append(float(xs[(i + 1 + j - 1) // 2]))
    return np.array(out)


def _integrate(fn: Callable[[float], float], pts: np.ndarray) -> IntegralResult:
    from scipy.integrate import quad

    edges = [-np.inf, *np.unique(pts), np.inf]
    total, err = 0.0, 0.0
    with warnings.catch_warnings():  # quad's round-off notice at 1e-14: its error estimate is reported instead
        warnings.simplefilter("ignore")
        for lo, hi in itertools.pairwise(edges):
            v, e = quad(fn, lo, hi, epsabs=1e-14, epsrel=1e-13, limit=200)
            total, err = total + v, err + e
    return IntegralResult(float(total), float(err))


def w1(p: Density, q: Density) -> IntegralResult:
    r"""W₁(p, q) = ∫|F_p − F_q| dx by adaptive quadrature (Villani 2009, Remark 2.19)."""
    pts = np.concatenate([_points(p, q), crossings(p, q)])
    return _integrate(lambda x: abs(float(p.cdf(x)) - float(q.cdf(x))), pts)


def optimal_critic(p: Density, q: Density) -> Callable[[np.ndarray], np.ndarray]:
    r"""f*(x) = ∫ sign(F_q − F_p) dt (up to a constant, which E_p f − E_q f ignores): piecewise linear, slope
    ±1, kinks at the crossings of F_p − F_q (the critic is high on p's side). Each piece's slope is the sign
    where |F_p − F_q| is largest on it (far tails, where both CDFs round to 0 or 1, carry no sign)."""
    knots = crossings(p, q)
    xs, d = _scan(p, q)
    edges = np.concatenate([[-np.inf], knots, [np.inf]])
    slopes = []
    for lo, hi in itertools.pairwise(edges):
        inside = (xs > lo) & (xs < hi)
        slopes.append(float(np.sign(-d[inside][np.argmax(np.abs(d[inside]))])) if inside.any() else 0.0)
    slopes = np.array(slopes)
    # f at each knot: 0 at the first, then slope × length of each piece in between
    values = np.concatenate([[0.0], np.cumsum(slopes[1:-1] * np.diff(knots))]) if knots.size else np.zeros(0)

    def critic(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if knots.size == 0:
            return slopes[0] * x
        k = np.searchsorted(knots, x, side="right")  # the piece x lies on
        left = np.clip(k - 1, 0, knots.size - 1)
        return values[left] + slopes[k] * (x - knots[left])

    return critic


def kr_dual(p: Density, q: Density, critic: Callable[[np.ndarray], np.ndarray] | None = None) -> IntegralResult:
    r"""E_p f − E_q f = ∫ f(x)(p(x) − q(x)) dx by adaptive quadrature, for ``critic`` (default f*)."""
    f = optimal_critic(p, q) if critic is None else critic
    pts = np.concatenate([_points(p, q), crossings(p, q)])
    return _integrate(lambda x: float(f(np.array(x))) * (float(p.pdf(x)) - float(q.pdf(x))), pts)


def gradient_vanishing(t: np.ndarray, gap: float = 0.5) -> dict[str, np.ndarray]:
    r"""Arjovsky & Bottou 2017, Thm. 2.4, on p = U(0, 1), q_θ = U(θ, θ + 1), θ = 1 + 2·``gap`` (disjoint
    supports, gap between them 2·gap), with D_t(x) = σ(t(c − x)), c = 1 + gap the gap's midpoint, → D* as t → ∞.

    Returns, for each t: ``sup_error`` = sup over both supports of |D_t − D*| = σ(−gap·t); ``minimax`` =
    |∂_θ E_{q_θ} log(1 − D_t)| = softplus(−gap·t) − softplus(−(gap + 1)·t) → 0 (closed form; the gradient of
    the minimax generator vanishes as D → D*); ``non_saturating`` = |∂_θ E_{q_θ} −log D_t| =
    t − (softplus(−gap·t) − softplus(−(gap + 1)·t)), which grows; W₁(p, q_θ) = θ has derivative 1.
    """
    from gantheory.numerics import softplus

    t = np.asarray(t, dtype=np.float64)
    if np.any(t <= 0) or not 0 < gap:
        raise GanTheoryError("t must be positive and gap > 0")
    minimax = softplus(-gap * t) - softplus(-(gap + 1) * t)
    return {"t": t, "sup_error": 1.0 / (1.0 + np.exp(gap * t)), "minimax": minimax, "non_saturating": t - minimax}


@dataclass(frozen=True)
class CriticFit:
    """A critic trained on samples: its values ``f`` and slope ``slope`` on the grid ``x`` (float64 numpy)."""

    x: np.ndarray
    f: np.ndarray
    slope: np.ndarray
    constraint: str


def train_critic(p: Density, q: Density, *, constraint: str = "gp", n_samples: int = 4096, steps: int = 1500,
                 width: int = 32, gamma: float = 10.0, clip: float = 0.01, lr: float = 1e-3, seed: int = 0,
                 grid: np.ndarray | None = None) -> CriticFit:
    r"""Train an MLP critic f (1 → width → width → 1, tanh) to maximise E_p f − E_q f on ``n_samples``
    draws per side, under ``constraint`` ``gp`` (γ·E(‖∇f(x̂)‖ − 1)² at random interpolates x̂; Gulrajani
    et al. 2017) or ``clip`` (every weight clipped to [−c, c] after each Adam step; Arjovsky et al. 2017),
    full batch, float64, CPU, seeded. Returns f and f′ (autograd) on ``grid``."""
    import torch

    from gantheory.empirical._device import cpu_threads

    if constraint not in ("gp", "clip"):
        raise GanTheoryError(f"constraint must be 'gp' or 'clip', got {constraint!r}")
    rng = np.random.default_rng(seed)
    xp = torch.as_tensor(np.asarray(p.sample(n_samples, rng), dtype=np.float64)).reshape(-1, 1)
    xq = torch.as_tensor(np.asarray(q.sample(n_samples, rng), dtype=np.float64)).reshape(-1, 1)
    with cpu_threads(torch.device("cpu")):
        torch.manual_seed(seed)
        net = torch.nn.Sequential(torch.nn.Linear(1, width), torch.nn.Tanh(), torch.nn.Linear(width, width),
                                  torch.nn.Tanh(), torch.nn.Linear(width, 1)).double()
        # start at f ≡ 0: otherwise the penalty's barrier at |f′| = 0 can lock in the initial slope's sign
        # (a critic of slope +1 where −1 is optimal is a local optimum of the penalised objective)
        torch.nn.init.zeros_(net[-1].weight)
        opt = torch.optim.Adam(net.parameters(), lr=lr, betas=(0.5, 0.9))
        gen = torch.Generator().manual_seed(seed)
        for _ in range(int(steps)):
            loss = net(xq).mean() - net(xp).mean()
            if constraint == "gp":
                alpha = torch.rand(n_samples, 1, generator=gen, dtype=torch.float64)
                hat = (alpha * xp + (1 - alpha) * xq).requires_grad_(True)
                (g,) = torch.autograd.grad(net(hat).sum(), hat, create_graph=True)
                loss = loss + gamma * ((g.abs() - 1.0) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            if constraint == "clip":
                with torch.no_grad():
                    for w in net.parameters():
                        w.clamp_(-clip, clip)
        xs = np.linspace(-4, 6, 201) if grid is None else np.asarray(grid, dtype=np.float64)
        xt = torch.as_tensor(xs).reshape(-1, 1).requires_grad_(True)
        f = net(xt)
        (slope,) = torch.autograd.grad(f.sum(), xt)
    return CriticFit(xs, f.detach().numpy().ravel(), slope.numpy().ravel(), constraint)
