r"""Integrals over R² (certified tensor-product Gauss–Legendre), a closed form, and Monte Carlo beyond 2-D.

Quadrature (d = 2). ``∫∫ f(x, log p(x), log q(x)) dx`` over the hull of every component's mean ± 13σ
(beyond, a 2-D Gaussian holds less than e^{-84} of its mass), first split at every component mean, then
adaptively: on each cell tensor Gauss–Legendre rules of order 20 and 10 are both evaluated, a cell whose
two sums agree within its area's share of ``atol`` is accepted, the others are split in four. The error we
report is the sum of the accepted cells' differences (conservative: the order-20 rule is far more
accurate), and the result is **certified** when it is within ``atol + rtol·|I|`` and both densities
integrate to 1 within ``mass_atol``.
Independent routes used by the tests: closed forms (mass 1, the mean, KL of two Gaussians, below) and
scipy's adaptive cubature (:func:`cubature_reference`, a Genz–Malik rule with its own error estimate).

Closed form. :func:`kl_normal`:

.. math:: KL(\mathcal N_0\|\mathcal N_1) = \tfrac12\Big[\operatorname{tr}(\Sigma_1^{-1}\Sigma_0)
          + (\mu_1-\mu_0)^\top\Sigma_1^{-1}(\mu_1-\mu_0) - d + \log\frac{\det\Sigma_1}{\det\Sigma_0}\Big].

Monte Carlo (any d). :func:`monte_carlo_divergence` averages the log-ratio integrands over independent
draws and states its error: the standard error from the sample variance and a two-sided normal (CLT)
interval at level ``1 − mc_alpha``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from gantheory.divergences import DIVERGENCES
from gantheory.errors import GanTheoryError
from gantheory.numerics import LOG2, LOG4
from gantheory.quadrature import QuadratureResult
from gantheory.tolerances import TOLERANCES

__all__ = ["MonteCarloResult", "criterion_2d", "cubature_reference", "integrate_2d", "js_divergence_2d",
           "kl_divergence_2d", "kl_normal", "monte_carlo_divergence", "panel_breakpoints", "tensor_nodes"]

_REACH = 13.0  # beyond 13σ a 2-D Gaussian holds less than e^{-84} of its mass
_HIGH, _LOW = 20, 10


def panel_breakpoints(*densities: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per-axis breakpoints (x, y) of the initial cells: the hull of every component's mean ± 13σ, split at
    every component mean."""
    axes = []
    for axis in range(2):
        pts = []
        for d in densities:
            if d.dim != 2:
                raise GanTheoryError(f"2-D quadrature needs densities on R², got dimension {d.dim}")
            for _, c in d.components():
                m, s = c.mean[axis], c.scales[axis]
                pts.extend([m - _REACH * s, m, m + _REACH * s])
        pts = np.asarray(pts)
        axes.append(np.unique(np.round(pts[(pts >= pts.min()) & (pts <= pts.max())], 12)))
    return axes[0], axes[1]


_GL = {k: np.polynomial.legendre.leggauss(k) for k in (_LOW, _HIGH)}


def _cell_rule(cells: np.ndarray, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes ``(C, order², 2)`` and weights ``(C, order²)`` of the tensor Gauss–Legendre rule on each cell
    ``[x0, x1] × [y0, y1]`` (rows of ``cells``)."""
    if order not in _GL:
        _GL[order] = np.polynomial.legendre.leggauss(order)
    t, w = _GL[order]
    hx, hy = 0.5 * (cells[:, 1] - cells[:, 0]), 0.5 * (cells[:, 3] - cells[:, 2])
    x = 0.5 * (cells[:, 0] + cells[:, 1])[:, None] + hx[:, None] * t
    y = 0.5 * (cells[:, 2] + cells[:, 3])[:, None] + hy[:, None] * t
    nodes = np.stack(np.broadcast_arrays(x[:, :, None], y[:, None, :]), axis=-1).reshape(len(cells), -1, 2)
    weights = (hx[:, None, None] * w[None, :, None]) * (hy[:, None, None] * w[None, None, :])
    return nodes, weights.reshape(len(cells), -1)


def _cell_sums(integrand: Callable, p: Any, q: Any, cells: np.ndarray, order: int, masses: bool = False) -> np.ndarray:
    """Per-cell sums of the integrand (and, with ``masses``, of p and q: rows 1 and 2)."""
    nodes, weights = _cell_rule(cells, order)
    x = nodes.reshape(-1, 2)
    lp, lq = p.logpdf(x), q.logpdf(x)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        values = np.asarray(integrand(x, lp, lq), dtype=np.float64)
        if np.any(np.isnan(values)):
            raise GanTheoryError("the integrand returned NaN on the quadrature grid")
        rows = [values, np.exp(lp), np.exp(lq)] if masses else [values]
    return np.stack([np.sum(weights * r.reshape(weights.shape), axis=1) for r in rows])


def tensor_nodes(*densities: Any, order: int = _HIGH) -> tuple[np.ndarray, np.ndarray]:
    """Nodes ``(N, 2)`` and weights ``(N,)`` of the tensor rule of ``order`` on the initial cells (a fixed,
    non-adaptive grid: for covariances and bands, which need nodes rather than one integral)."""
    bx, by = panel_breakpoints(*densities)
    cells = np.array([[bx[i], bx[i + 1], by[j], by[j + 1]] for i in range(bx.size - 1) for j in range(by.size - 1)])
    nodes, weights = _cell_rule(cells, order)
    return nodes.reshape(-1, 2), weights.ravel()


def integrate_2d(integrand: Callable, p: Any, q: Any, *, atol: float = TOLERANCES["quadrature_atol"],
                 rtol: float = TOLERANCES["quadrature_atol"], name: str = "", max_rounds: int = 40,
                 max_cells: int = 200_000) -> QuadratureResult:
    """``∫∫ integrand(x, log p(x), log q(x)) dx`` over R² (module docstring).

    Adaptive: a cell is accepted when its order-20 and order-10 sums — of the integrand and of both
    densities — agree within its share of the budgets ``atol`` and ``mass_atol`` (proportional to its area);
    the others are split in four. ``certified`` when every cell was
    accepted, the summed estimates are within ``atol + rtol·|value|`` and both densities integrate to 1
    within ``mass_atol``.
    """
    bx, by = panel_breakpoints(p, q)
    cells = np.array([[bx[i], bx[i + 1], by[j], by[j + 1]] for i in range(bx.size - 1) for j in range(by.size - 1)])
    total_area = float(np.sum((cells[:, 1] - cells[:, 0]) * (cells[:, 3] - cells[:, 2])))
    value, error, nodes, mass = 0.0, 0.0, 0, np.zeros(2)
    certified = True
    for _ in range(max_rounds):
        high, mass_p, mass_q = _cell_sums(integrand, p, q, cells, _HIGH, masses=True)
        low, low_p, low_q = _cell_sums(integrand, p, q, cells, _LOW, masses=True)
        nodes += cells.shape[0] * (_HIGH**2 + _LOW**2)
        area = (cells[:, 1] - cells[:, 0]) * (cells[:, 3] - cells[:, 2])
        err = np.abs(high - low)
        share = area / total_area
        # rounding floor: a cell's two rules cannot agree better than a few ulps of its sum
        floor = 64 * np.finfo(float).eps
        ok = err <= np.maximum(0.5 * atol * share, floor * np.abs(high))
        # the masses of p and q are certified on the same cells (the mass check below needs them to mass_atol)
        for hi_m, lo_m in ((mass_p, low_p), (mass_q, low_q)):
            ok &= np.abs(hi_m - lo_m) <= np.maximum(0.5 * TOLERANCES["mass_atol"] * share, floor * np.abs(hi_m))
        value += float(high[ok].sum())
        error += float(err[ok].sum())
        mass += [mass_p[ok].sum(), mass_q[ok].sum()]
        cells = cells[~ok]
        if not cells.size:
            break
        if 4 * cells.shape[0] > max_cells:
            certified = False
            break
        xm, ym = 0.5 * (cells[:, 0] + cells[:, 1]), 0.5 * (cells[:, 2] + cells[:, 3])
        cells = np.concatenate([np.stack([cells[:, 0], xm, cells[:, 2], ym], 1), np.stack([xm, cells[:, 1], cells[:, 2], ym], 1),
                                np.stack([cells[:, 0], xm, ym, cells[:, 3]], 1), np.stack([xm, cells[:, 1], ym, cells[:, 3]], 1)])
    if cells.size:  # unconverged cells: count them with their (large) error, never drop them silently
        high, mass_p, mass_q = _cell_sums(integrand, p, q, cells, _HIGH, masses=True)
        low = _cell_sums(integrand, p, q, cells, _LOW)[0]
        value += float(high.sum())
        error += float(np.abs(high - low).sum())
        mass += [mass_p.sum(), mass_q.sum()]
        certified = False
    mass_error = float(np.max(np.abs(mass - 1.0)))
    certified = bool(certified and error <= atol + rtol * abs(value) and mass_error <= TOLERANCES["mass_atol"])
    return QuadratureResult(value, error, certified, nodes, mass_error, name)


def kl_divergence_2d(p: Any, q: Any, **kwargs: float) -> QuadratureResult:
    """KL(p‖q) in nats by 2-D quadrature (the ``kl`` row of :data:`gantheory.divergences.DIVERGENCES`)."""
    return integrate_2d(DIVERGENCES["kl"].integrand, p, q, name="kl", **kwargs)


def js_divergence_2d(p: Any, q: Any, **kwargs: float) -> QuadratureResult:
    """JSD(p, q) = ½KL(p‖m) + ½KL(q‖m), m = ½(p + q), in nats (≤ log 2), by 2-D quadrature."""
    return integrate_2d(DIVERGENCES["js"].integrand, p, q, name="js", **kwargs)


def criterion_2d(p_data: Any, p_g: Any, **kwargs: float) -> QuadratureResult:
    """C(G) = max_D V(D, G) = −log 4 + 2·JSD(p_data, p_g) (Goodfellow et al. 2014, Thm. 1), by 2-D quadrature."""
    js = js_divergence_2d(p_data, p_g, **kwargs)
    return QuadratureResult(-LOG4 + 2 * js.value, 2 * js.error, js.certified, js.n_nodes, js.mass_error, "criterion")


def kl_normal(p: Any, q: Any) -> float:
    """KL(N(μ0, Σ0) ‖ N(μ1, Σ1)) in nats, closed form (module docstring), any dimension."""
    d = p.dim
    solve = np.linalg.solve(q.cov, p.cov)
    diff = q.mean - p.mean
    return float(0.5 * (np.trace(solve) + diff @ np.linalg.solve(q.cov, diff) - d + q._logdet - p._logdet))


def cubature_reference(integrand: Callable, p: Any, q: Any, *, rtol: float = 1e-10, atol: float = 1e-12
                       ) -> tuple[float, float]:
    """An independent route: scipy's adaptive cubature (Genz–Malik) over each panel of the coarse box
    ``mean ± 13σ`` hull, summed; returns (value, scipy's error estimate)."""
    from scipy.integrate import cubature

    lo = np.min([c.mean - 13 * c.scales for d in (p, q) for _, c in d.components()], axis=0)
    hi = np.max([c.mean + 13 * c.scales for d in (p, q) for _, c in d.components()], axis=0)

    def f(x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            return np.asarray(integrand(x, p.logpdf(x), q.logpdf(x)), dtype=np.float64)

    # split at every component mean so the adaptive rule starts with the peaks on panel edges
    bx, by = (np.unique(np.concatenate([[lo[k], hi[k]], [c.mean[k] for d in (p, q) for _, c in d.components()]]))
              for k in range(2))
    total, err = 0.0, 0.0
    for i in range(bx.size - 1):
        for j in range(by.size - 1):
            r = cubature(f, [bx[i], by[j]], [bx[i + 1], by[j + 1]], rtol=rtol, atol=atol, max_subdivisions=20000)
            total += float(r.estimate)
            err += float(r.error)
    return total, err


@dataclass(frozen=True)
class MonteCarloResult:
    """A Monte Carlo estimate with its stated error: ``standard_error`` and the CLT interval
    ``[low, high]`` at level ``1 − alpha``, from ``n`` draws per density."""

    value: float
    standard_error: float
    low: float
    high: float
    alpha: float
    n: int
    name: str = ""


def monte_carlo_divergence(p: Any, q: Any, *, divergence: str = "kl", n: int = 100_000,
                           rng: np.random.Generator | None = None, alpha: float = TOLERANCES["mc_alpha"]
                           ) -> MonteCarloResult:
    """KL(p‖q) = E_p[log p − log q], or JSD(p, q) = ½E_p[log 2p/(p+q)] + ½E_q[log 2q/(p+q)] (nats), from
    ``n`` independent draws of each density, in any dimension, with the standard error and CLT interval."""
    if divergence not in ("kl", "js"):
        raise GanTheoryError(f"parameter 'divergence' must be 'kl' or 'js', got {divergence!r}")
    if int(n) != n or n < 2:
        raise GanTheoryError(f"parameter 'n' must be an integer >= 2, got {n!r}")
    rng = np.random.default_rng(0) if rng is None else rng
    xp = p.sample(int(n), rng)
    lp, lq = p.logpdf(xp), q.logpdf(xp)
    if divergence == "kl":
        terms = lp - lq
        value, se = float(terms.mean()), float(terms.std(ddof=1) / np.sqrt(n))
    else:
        xq = q.sample(int(n), rng)
        # log 2p/(p+q) = log 2 + lp − logaddexp(lp, lq)
        tp = LOG2 + lp - np.logaddexp(lp, lq)
        lp_q, lq_q = p.logpdf(xq), q.logpdf(xq)
        tq = LOG2 + lq_q - np.logaddexp(lp_q, lq_q)
        value = float(0.5 * (tp.mean() + tq.mean()))
        se = float(0.5 * np.sqrt(tp.var(ddof=1) / n + tq.var(ddof=1) / n))
    z = float(stats.norm.ppf(1 - alpha / 2))
    return MonteCarloResult(value, se, value - z * se, value + z * se, float(alpha), int(n), divergence)
