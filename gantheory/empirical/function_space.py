r"""Prop. 2 in function space and the envelope (Danskin) identity — numpy only.

**Prop. 2** (Goodfellow et al. 2014, §4.2): if D is allowed to reach its optimum D*_G at each step and
p_g is updated to improve C(G) = sup_D V(D, G), then p_g → p_data. On a grid, p and q are vectors on
the simplex and

.. math::

    C(q) = \sum_i p_i \log\frac{p_i}{p_i+q_i} + q_i\log\frac{q_i}{p_i+q_i} = -\log 4 + 2\,\mathrm{JSD}(p\,\|\,q),

    \frac{\partial V(D, q)}{\partial q_i}\Big|_{D = D^*_q} = \log(1 - D^*_i) = \log\frac{q_i}{p_i+q_i}
    = \frac{\partial C}{\partial q_i},

the last equality being Danskin's theorem (the sup is attained at D*, so C's gradient is V's partial
with D frozen; the q-dependence of D* contributes nothing). The entropic mirror-descent step
(Nemirovski & Yudin 1983; Beck & Teboulle 2003)

.. math:: q^{t+1}_i \propto q^t_i \exp(-\eta\, g_i) = (q^t_i)^{1-\eta} (p_i + q^t_i)^{\eta}

is the natural one on the simplex; η = 1 gives q ← (p + q)/2, which halves ‖q − p‖₁ each step.
Convexity of JSD in q makes C decrease monotonically to −log 4.

**Envelope check.** For G_θ = N(μ, σ), ``d/dθ C(G_θ)`` at θ₀ (central differences of quadrature,
Richardson-extrapolated) must equal ``∂_θ V(D*_{θ₀}, G_θ)|_{θ₀}`` with D* frozen, which we compute
independently by the score-function identity on a separate integrator (``scipy.integrate.quad``):

.. math:: \partial_\theta \int q_\theta(x)\,\log(1-D^*_{\theta_0}(x))\,dx
          = E_{q_{\theta_0}}\big[\log(1-D^*_{\theta_0}(x))\;\partial_\theta \log q_\theta(x)\big].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import integrate, special

from gantheory.errors import GanTheoryError
from gantheory.numerics import LOG4, log_sigmoid
from gantheory.tolerances import TOLERANCES

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from gantheory.densities import Density

__all__ = ["EnvelopeResult", "FunctionSpaceResult", "envelope_check", "function_space_descent"]

_METHODS = ("mirror",)


def _criterion(p, q):
    """C(q) on the simplex with 0·log 0 = 0 (``scipy.special.xlogy``); never forms p/q."""
    s = p + q
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum(special.xlogy(p, p) - special.xlogy(p, s) + special.xlogy(q, q) - special.xlogy(q, s)))


@dataclass(frozen=True)
class FunctionSpaceResult:
    """Trajectory of Prop. 2's descent: ``criterion[t]`` = C(q_t) (nats), ``l1[t]`` = ‖q_t − p‖₁."""

    grid: np.ndarray | None
    p_data: np.ndarray
    p_g: np.ndarray
    criterion: np.ndarray
    l1: np.ndarray
    monotone: bool
    method: str
    step_size: float
    steps: int
    limit: float = -LOG4

    @property
    def final_gap(self) -> float:
        """C(q_T) + log 4 = 2 JSD(p, q_T) ≥ 0."""
        return float(self.criterion[-1] + LOG4)


def function_space_descent(p_data_on_grid: ArrayLike | Density, *, p_g_init: ArrayLike | None = None,
                           grid: ArrayLike | None = None, steps: int = 200,
                           step_size: float = 0.5, method: str = "mirror",
                           grid_points: int = 401) -> FunctionSpaceResult:
    """Prop. 2: alternate D ← D*_q exactly and a mirror (or projected) step on q along ∂V/∂q.

    Args:
        p_data_on_grid: non-negative weights of p_data on grid cells (normalised here), or a
            :class:`~gantheory.densities.Density`, discretised on ``grid_points`` cells of its central
            99.99% region.
        p_g_init: starting weights (default: uniform over the grid).
        steps, step_size: iterations and η.
        method: ``"mirror"`` (entropic). A Euclidean projected step is deliberately not offered: the
            gradient log(q/(p+q)) is unbounded as q → 0, so no fixed step size makes it monotone
            (tried: it stalls or oscillates), whereas the entropic step is exact on the simplex.

    >>> r = function_space_descent(np.array([0.2, 0.5, 0.3]), steps=60, step_size=1.0)
    >>> bool(r.monotone), bool(abs(r.criterion[-1] + np.log(4)) < 1e-12), bool(r.l1[-1] < 1e-8)
    (True, True, True)
    """
    if method not in _METHODS:
        raise GanTheoryError(f"method={method!r} is not one of {_METHODS}")
    if not 0 < step_size <= 1:
        # η > 1 would extrapolate beyond the geometric mean of q and p + q (no longer a descent step).
        raise GanTheoryError(f"step_size must be in (0, 1], got {step_size!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise GanTheoryError(f"steps must be a positive integer, got {steps!r}")
    if hasattr(p_data_on_grid, "logpdf"):
        density = p_data_on_grid
        from gantheory.empirical.statistics import mass_region

        lo, hi = mass_region(density, density, mass=0.9999)
        grid = np.linspace(lo, hi, grid_points)
        p = np.exp(np.asarray(density.logpdf(grid), dtype=np.float64))
    else:
        p = np.asarray(p_data_on_grid, dtype=np.float64)
    if p.ndim != 1 or p.size < 2 or not np.all(np.isfinite(p)) or np.any(p < 0) or p.sum() <= 0:
        raise GanTheoryError("p_data_on_grid must be a 1-D vector of >= 2 non-negative finite weights with positive sum")
    p = p / p.sum()
    q = np.full_like(p, 1.0 / p.size) if p_g_init is None else np.asarray(p_g_init, dtype=np.float64)
    if q.shape != p.shape or np.any(q < 0) or not np.all(np.isfinite(q)) or q.sum() <= 0:
        raise GanTheoryError(f"p_g_init must be non-negative weights with the shape of p_data_on_grid {p.shape}")
    q = q / q.sum()
    crit, l1 = [_criterion(p, q)], [float(np.abs(q - p).sum())]
    for _ in range(int(steps)):
        if method == "mirror":
            # q^{1-η}(p+q)^η in log space: (1-η) log q + η log(p+q), then normalise (logsumexp).
            with np.errstate(divide="ignore"):
                log_new = (1 - step_size) * np.log(q) + step_size * np.log(p + q)
            log_new = np.where(np.isnan(log_new), -np.inf, log_new)
            q = np.exp(log_new - special.logsumexp(log_new))
        crit.append(_criterion(p, q))
        l1.append(float(np.abs(q - p).sum()))
    crit, l1 = np.array(crit), np.array(l1)
    # Monotone up to rounding of a sum of p.size terms of size <= log 4.
    monotone = bool(np.all(np.diff(crit) <= 8 * np.finfo(float).eps * p.size))
    return FunctionSpaceResult(grid, p, q, crit, l1, monotone, method, float(step_size), int(steps))


@dataclass(frozen=True)
class EnvelopeResult:
    """d/dθ C(G_θ) (finite differences) vs ∂_θ V(D*_{θ₀}, G_θ) (D frozen), θ = (loc, scale)."""

    theta0: tuple
    total_derivative: np.ndarray
    partial_derivative: np.ndarray
    abs_error: float
    tolerance: float
    passed: bool
    step: float


def envelope_check(theta0: tuple[float, float] = (1.0, 1.5), *, p_data: Density | None = None, step: float = 1e-3, tolerance: float | None = None) -> EnvelopeResult:
    """Danskin's theorem in the Gaussian family G_θ = N(loc, scale) (module docstring for the formulas).

    Args:
        theta0: (loc, scale) of the generator at which to differentiate.
        p_data: target density (default N(0, 1)).
        step: finite-difference step h (Richardson: (4 D(h/2) − D(h))/3, error O(h⁴)).

    >>> envelope_check((0.5, 1.2)).passed
    True
    """
    from gantheory import quadrature as quad
    from gantheory.densities import Normal
    from gantheory.empirical.tolerances import EMPIRICAL_TOLERANCES

    p_data = Normal(0.0, 1.0) if p_data is None else p_data
    loc0, scale0 = (float(v) for v in theta0)
    if not scale0 > 0:
        raise GanTheoryError(f"theta0 scale must be positive, got {scale0!r}")
    tol = EMPIRICAL_TOLERANCES["envelope_atol"] if tolerance is None else float(tolerance)
    theta = np.array([loc0, scale0])

    def c_of(th):
        return float(quad.criterion(p_data, Normal(th[0], th[1])))

    total = np.empty(2)
    for i in range(2):
        e = np.zeros(2)
        e[i] = 1.0

        def central(h, e=e):
            return (c_of(theta + h * e) - c_of(theta - h * e)) / (2 * h)

        total[i] = (4 * central(step / 2) - central(step)) / 3

    q0 = Normal(loc0, scale0)

    def ell(x):
        # log(1 - D*) = log σ(-r), r = log p - log q0 (log space, no clipping; r = ±inf gives −inf / 0).
        r = float(np.asarray(p_data.logpdf(x))) - float(np.asarray(q0.logpdf(x)))
        return float(log_sigmoid(np.atleast_1d(-r))[0])  # numerics.exp assigns into its result: an array

    phi = lambda z: np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)  # noqa: E731
    scores = (lambda z: z / scale0, lambda z: (z * z - 1) / scale0)  # ∂_loc, ∂_scale of log q at x = μ + σz
    partial = np.array([
        integrate.quad(lambda z, s=s: phi(z) * ell(loc0 + scale0 * z) * s(z), -np.inf, np.inf,
                       epsabs=TOLERANCES["envelope_quad_epsabs"], epsrel=TOLERANCES["envelope_quad_epsrel"],
                       limit=200)[0]
        for s in scores
    ])
    err = float(np.max(np.abs(total - partial)))
    return EnvelopeResult((loc0, scale0), total, partial, err, tol, err <= tol, float(step))
