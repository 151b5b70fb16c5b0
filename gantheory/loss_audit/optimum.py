r"""The implied pointwise optimum of a user's torch GAN loss: the one engine of the audit and the testing kit.

A discriminator loss :math:`L(r, f)` on batches of real logits :math:`r` and fake logits :math:`f`
is, for every textbook GAN, *separable and per-sample*:

.. math::

    L(r, f) = w_r \frac{1}{n_r}\sum_i \ell_{\text{real}}(r_i)
            + w_f \frac{1}{n_f}\sum_j \ell_{\text{fake}}(f_j) + c .

Filling both batches with one value each, ``r = a·1`` and ``f = b·1``, isolates the pointwise terms:
:math:`\ell_r(a) = L(a·1, 0·1) - L(0·1, 0·1)` and :math:`\ell_f(b) = L(0·1, b·1) - L(0·1, 0·1)`
(batch weights and the ``.mean()``/``.sum()`` choice are absorbed into :math:`w_r, w_f`). Evaluation
is vectorised with :func:`torch.func.vmap` when the user's code allows it, with a loop otherwise;
derivatives come from autograd, summed over the batch because every element carries the same value.

At a point x with data density p and generator density q the loss is minimised by the logit

.. math::

    a^*(t) = \arg\min_a \; t\,\ell_r(a) + (1 - t)\,\ell_f(a), \qquad t = \frac{p}{p + q},

and the minimum :math:`m(t)` (concave in t, a minimum of affine functions) fixes the value of the game,
:math:`\min_D L_D = \int (p + q)\, m\big(p/(p+q)\big)\,dx`. :func:`solve_optimum` finds a* on a
sinh-spaced grid of logits in [−60, 60] and refines it by bisection on the derivative (autograd): robust
for the convex losses of :data:`gantheory.losses.LOSSES`, and still the grid minimum for non-convex
slips; a minimum at the end of the grid (or on a plateau reaching it) is an unbounded optimum a* = ±∞.

The audit (:func:`gantheory.loss_audit.audit`) classifies a*(t) against the rows of
:data:`gantheory.losses.LOSSES`; the testing kit (:mod:`gantheory.testing.assertions`) compares it with
the optimal discriminator of :mod:`gantheory.quadrature`. This module imports torch.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import torch

from gantheory.errors import GanTheoryError
from gantheory.tolerances import TOLERANCES

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

INPUTS = ("logits", "probabilities")

# Plateau detection: values equal to the grid minimum up to rounding (reasons in gantheory.tolerances).
PLATEAU_RTOL = TOLERANCES["audit_plateau_rtol"]
A_MAX = 60.0
LOGIT_GRID = A_MAX * np.sinh(np.linspace(-5.0, 5.0, 601)) / math.sinh(5.0)
# Weights t = p/(p+q) at which the implied optimum is measured (½ excluded: hinge is flat there).
T_GRID = np.concatenate([[1e-3], np.linspace(0.02, 0.48, 24), np.linspace(0.52, 0.98, 24),
                         [1 - 1e-3]])


def _as_scalar(value, name: str) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise GanTheoryError(f"{name} must return a torch scalar tensor, got {type(value).__name__}")
    if value.numel() != 1:
        raise GanTheoryError(f"{name} must return a scalar loss, got shape {tuple(value.shape)}")
    return value.reshape(())


class PointwiseLoss:
    """A user's loss seen through constant batches.

    Args:
        fn: ``d_loss(real, fake)`` (``n_args=2``) or ``g_loss(fake)`` (``n_args=1``); each argument a
            1-D tensor of logits (or probabilities when ``inputs="probabilities"``), returning a scalar.
        inputs: ``"logits"`` or ``"probabilities"``; in the latter case the audit still works in logit
            space and passes :math:`\\sigma(a)` to ``fn``.
        batch_size: the batch size of each constant batch (matters only for mixed sum/mean losses).
        name: for error messages.
    """

    def __init__(self, fn: Callable, *, n_args: int, inputs: str = "logits", batch_size: int = 64,
                 name: str = "d_loss", dtype: torch.dtype = torch.float64) -> None:
        if inputs not in INPUTS:
            raise GanTheoryError(f"inputs must be one of {INPUTS}, got {inputs!r}")
        if not callable(fn):
            raise GanTheoryError(f"{name} must be callable, got {type(fn).__name__}")
        if int(batch_size) < 1:
            raise GanTheoryError(f"batch_size must be >= 1, got {batch_size}")
        self.fn, self.n_args, self.inputs = fn, n_args, inputs
        self.batch_size, self.name = int(batch_size), name
        # the dtype the user's code computes in (gantheory.loss_audit.calling): evaluations run in it
        self.dtype = dtype
        self._vmap_ok: bool | None = None

    # -- raw evaluation -------------------------------------------------------------------------
    def _transform(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(x) if self.inputs == "probabilities" else x

    def call(self, *batches: torch.Tensor) -> torch.Tensor:
        """Call the user's function on explicit batches (already in logit space)."""
        out = self.fn(*(self._transform(b) for b in batches))
        return _as_scalar(out, self.name)

    def _rows(self, *cols: torch.Tensor) -> torch.Tensor:
        """Loss for each row of constant-valued batches; ``cols`` are (N, B) tensors."""
        if self._vmap_ok is not False:
            try:
                # randomness="same": a stochastic loss draws one set of labels per call, shared by the rows
                out = torch.func.vmap(lambda *b: self.call(*b), randomness="same")(*cols)
                if self._vmap_ok is None:
                    k = min(3, cols[0].shape[0])
                    loop = torch.stack([self.call(*(c[i] for c in cols)) for i in range(k)])
                    if not torch.allclose(out[:k].detach(), loop.detach(), rtol=TOLERANCES["audit_vmap_rtol"],
                                          atol=TOLERANCES["audit_vmap_rtol"],
                                          equal_nan=True):
                        raise RuntimeError("vmap and loop disagree")
                    self._vmap_ok = True
                return out
            except Exception as exc:  # user code that vmap cannot batch (data-dependent control flow)
                if isinstance(exc, GanTheoryError):
                    raise
                self._vmap_ok = False
        return torch.stack([self.call(*(c[i] for c in cols)) for i in range(cols[0].shape[0])])

    def evaluate(self, values: list[np.ndarray], *, dtype: torch.dtype | None = None, grad: bool = False,
                 batch_size: int | None = None) -> np.ndarray | tuple[np.ndarray, list[np.ndarray]]:
        """Loss with argument ``k`` filled with ``values[k][i]``; returns arrays of loss (and d/dvalue_k).

        Returns:
            ``loss`` of shape (N,), and with ``grad=True`` also a list of (N,) arrays: the derivative of
            the loss with respect to the common value of each argument's batch.
        """
        bs = self.batch_size if batch_size is None else batch_size
        dtype = self.dtype if dtype is None else dtype
        cols = [torch.as_tensor(np.asarray(v, dtype=np.float64), dtype=dtype)[:, None]
                .expand(-1, bs).clone().requires_grad_(grad) for v in values]
        try:
            out = self._rows(*cols)
        except GanTheoryError:
            raise
        except Exception as exc:
            raise GanTheoryError(f"calling {self.name} on tensors of shape ({bs},) failed: "
                                 f"{type(exc).__name__}: {exc}") from exc
        loss = out.detach().to(torch.float64).numpy().copy()
        if not grad:
            return loss
        if not out.requires_grad:
            return loss, [np.zeros_like(loss) for _ in cols]
        grads = torch.autograd.grad(out.sum(), cols, allow_unused=True)
        return loss, [np.zeros_like(loss) if g is None else g.sum(dim=1).to(torch.float64).numpy()
                      for g in grads]


@dataclass(frozen=True)
class Terms:
    """Pointwise terms of a discriminator loss: ``real(a)``, ``fake(a)`` and their derivatives."""

    loss: PointwiseLoss
    base: float  # L(0·1, 0·1)
    per_sample: bool = False  # set once separability and per-sample averaging are verified
    scale: float = 1.0  # the logit grid is LOGIT_GRID·scale (widened when an optimum lies beyond ±60)
    lower: float = -math.inf  # the least output the game allows (0 for EBGAN's energies)

    @property
    def stochastic(self) -> bool:
        """The loss is random and evaluated as a seeded Monte Carlo average (:mod:`.calling`)."""
        return bool(getattr(self.loss.fn, "stochastic", False))

    @property
    def grid(self) -> np.ndarray:
        """The logit grid of :func:`solve_optimum` for this loss: :data:`LOGIT_GRID` times ``scale`` (its
        non-negative half shifted to start at ``lower`` when the outputs are bounded below)."""
        if math.isfinite(self.lower):
            return self.lower + LOGIT_GRID[LOGIT_GRID >= 0] * self.scale
        return LOGIT_GRID * self.scale

    @cached_property
    def on_grid(self) -> tuple[np.ndarray, np.ndarray]:
        """(ℓ_r, ℓ_f) on the logit grid of :func:`solve_optimum`, computed once per loss."""
        return self.both(self.grid)

    def derivatives(self, a: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(ℓ_r'(a), ℓ_f'(a)) up to one common positive factor (enough for signs and root finding).

        Autograd returns a *subgradient* at a kink (``relu``, ``abs``, ``clamp``: 0 at the kink), which
        gives the wrong sign when the kink sits on a grid node (TF's stable cross-entropy
        ``max(x, 0) − x·z + log1p(exp(−|x|))`` has its kink at 0, a node of the grid). The derivative is
        therefore the mean of autograd's at a ± h, h a few ulps of the working dtype: the true
        derivative wherever the loss is smooth, the mean of the one-sided ones at a kink.
        """
        a = np.atleast_1d(np.asarray(a, dtype=np.float64))
        if self.stochastic:  # a Monte Carlo average: its own noise dwarfs a kink's; one evaluation
            return self._derivatives(a)
        eps = float(torch.finfo(self.loss.dtype).eps)
        h = 16 * eps * np.maximum(1.0, np.abs(a))
        # a − h and a + h in one batch: the points are independent (constant batches, or a verified
        # per-sample loss whose gradient at each sample is its own term's)
        n = a.size
        g_r, g_f = self._derivatives(np.concatenate([a - h, a + h]))
        return 0.5 * (g_r[:n] + g_r[n:]), 0.5 * (g_f[:n] + g_f[n:])

    def _derivatives(self, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Autograd's (ℓ_r'(a), ℓ_f'(a)): one call on the batch ``a`` for a verified separable,
        per-sample loss (∂L/∂r_i ∝ ℓ_r'(a_i)), constant batches otherwise."""
        if not self.per_sample:
            _, _, gr, gf = self.both(a, grad=True)
            return gr, gf
        n = a.size
        if n < 2:  # code that squeezes its batch needs two samples: the point twice, averaged back
            a = np.concatenate([a, a])
        x = torch.as_tensor(a, dtype=self.loss.dtype)
        out = []
        for k in range(2):
            cols = [torch.zeros_like(x), torch.zeros_like(x)]
            cols[k] = x.clone().requires_grad_(True)
            loss = self.loss.call(*cols)
            if not loss.requires_grad:
                out.append(np.zeros_like(a))
                continue
            (g,) = torch.autograd.grad(loss, cols[k], allow_unused=True)
            out.append(np.zeros_like(a) if g is None else g.to(torch.float64).numpy() * a.size)
        return out[0][:n], out[1][:n]

    def real(self, a: ArrayLike, grad: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        a = np.atleast_1d(np.asarray(a, dtype=np.float64))
        res = self.loss.evaluate([a, np.zeros_like(a)], grad=grad)
        return (res[0] - self.base, res[1][0]) if grad else res - self.base

    def fake(self, a: ArrayLike, grad: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        a = np.atleast_1d(np.asarray(a, dtype=np.float64))
        res = self.loss.evaluate([np.zeros_like(a), a], grad=grad)
        return (res[0] - self.base, res[1][1]) if grad else res - self.base

    def both(self, a: ArrayLike, grad: bool = False) -> tuple[np.ndarray, ...]:
        """(real(a), fake(a)) in one batched call (and their derivatives when ``grad``)."""
        a = np.atleast_1d(np.asarray(a, dtype=np.float64))
        z = np.zeros_like(a)
        res = self.loss.evaluate([np.concatenate([a, z]), np.concatenate([z, a])], grad=grad)
        n = a.size
        if not grad:
            return res[:n] - self.base, res[n:] - self.base
        loss, (g_real, g_fake) = res
        return loss[:n] - self.base, loss[n:] - self.base, g_real[:n], g_fake[n:]


def discriminator_terms(d_loss: Callable, *, inputs: str, batch_size: int,
                        dtype: torch.dtype = torch.float64) -> Terms:
    pl = PointwiseLoss(d_loss, n_args=2, inputs=inputs, batch_size=batch_size, name="d_loss", dtype=dtype)
    base = float(pl.evaluate([np.zeros(1), np.zeros(1)])[0])
    if not math.isfinite(base):
        raise GanTheoryError(f"d_loss is not finite at logits 0 (value {base})")
    return Terms(pl, base)


def generator_term(g_loss: Callable, *, inputs: str, batch_size: int,
                   dtype: torch.dtype = torch.float64) -> Callable:
    """``ℓ_g(a) = g_loss(a·1) - g_loss(0·1)`` and its derivative, as a numpy callable."""
    pl = PointwiseLoss(g_loss, n_args=1, inputs=inputs, batch_size=batch_size, name="g_loss", dtype=dtype)
    base = float(pl.evaluate([np.zeros(1)])[0])
    if not math.isfinite(base):
        raise GanTheoryError(f"g_loss is not finite at logit 0 (value {base})")

    def term(a, grad=False):
        a = np.atleast_1d(np.asarray(a, dtype=np.float64))
        res = pl.evaluate([a], grad=grad)
        return (res[0] - base, res[1][0]) if grad else res - base

    term.loss = pl
    return term


# -- the implied optimum ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ImpliedOptimum:
    """Measured a*(t) and m(t) on ``t``; ``a_star`` is ±inf where the optimum is unbounded."""

    t: np.ndarray
    a_star: np.ndarray
    value: np.ndarray  # m(t); -inf when the loss is unbounded below
    flat_half: tuple[float, float]  # the set of optimal logits at t = ½ (an interval on the grid)


def solve_optimum(terms: Terms, t: np.ndarray, *, refine: bool = True) -> ImpliedOptimum:
    """Minimise t·ℓ_r(a) + (1−t)·ℓ_f(a) over the logit a for every t (vectorised)."""
    t = np.asarray(t, dtype=np.float64)
    a_star, value = _minimise(terms, t, refine)
    lr, lf = terms.on_grid
    grid = terms.grid
    half = 0.5 * lr + 0.5 * lf
    hb = np.min(half)
    flat = grid[half <= hb + TOLERANCES["audit_flat_half_rtol"] * (1 + abs(hb))]
    if flat.size < 3 and refine:  # a unique optimum at t = ½: refine it like the others
        kh = int(np.argmin(half))
        if 0 < kh < grid.size - 1:
            ah = float(_bisect(terms, np.array([0.5]), grid[kh - 1:kh], grid[kh + 1:kh + 2],
                               grid[kh:kh + 1])[0])
            flat = np.array([ah])
    return ImpliedOptimum(t, a_star, value, (float(flat.min()), float(flat.max())))


# Grid widenings tried when an optimum lies at an end of the grid (margin 80, drift ε = 0.001 puts
# a* near −5·10⁵ at t = 10⁻³): the logit grid reaches ±60·scale.
GRID_SCALES = (1.0, 100.0, 1e4, 1e6)


def solve_adaptive(terms: Terms, t: np.ndarray) -> tuple[Terms, ImpliedOptimum]:
    """:func:`solve_optimum` on grids widened by :data:`GRID_SCALES` until no optimum sits at an end of the
    grid (then it is finite), or the widest grid is reached (then what is left is unbounded)."""
    import dataclasses

    opt = None
    for scale in GRID_SCALES:
        scaled = dataclasses.replace(terms, scale=scale) if scale != terms.scale else terms
        opt = solve_optimum(scaled, t)
        if np.all(np.isfinite(opt.a_star) | np.isnan(opt.a_star)):
            return scaled, opt
        # a critic falling without bound at every scale (WGAN) is not worth widening further
        if scale >= 100.0 and np.all(np.isinf(opt.a_star) | np.isnan(opt.a_star)):
            return scaled, opt
        if not _falling_at_an_end(scaled, t, opt):  # a plateau (clipped inputs): a wider grid finds nothing new
            return scaled, opt
    return scaled, opt


def _falling_at_an_end(terms: Terms, t: np.ndarray, opt: ImpliedOptimum) -> bool:
    """Does the objective still fall at the end of the grid where some optimum sits (rather than lie flat)?"""
    lr, lf = terms.on_grid
    for sign, last, before in ((1.0, -1, -2), (-1.0, 0, 1)):
        rows = opt.a_star == sign * np.inf
        if not rows.any():
            continue
        tt = t[rows]
        end = tt * lr[last] + (1 - tt) * lf[last]
        prev = tt * lr[before] + (1 - tt) * lf[before]
        if np.any(end < prev - PLATEAU_RTOL * (1 + np.abs(prev))):
            return True
    return False


def implied_logit(terms: Terms, t: ArrayLike, *, bound: float, chunk: int = 2048) -> np.ndarray:
    """a*(t) clipped to [−bound, bound], for any number of weights t (in chunks, so that the grid search
    stays small); where every logit is optimal (a flat objective) the logit 0."""
    t = np.asarray(t, dtype=np.float64)
    flat = t.ravel()
    out = np.empty_like(flat)
    for start in range(0, flat.size, chunk):
        out[start:start + chunk] = _minimise(terms, flat[start:start + chunk], True)[0]
    return np.clip(np.nan_to_num(out, nan=0.0), -bound, bound).reshape(t.shape)


def minimise(terms: Terms, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(a*(t), m(t)) for every t: the grid minimum refined by bisection; ±inf at an unbounded end (m = −∞ where
    the objective falls without bound), NaN where it is flat (what :func:`solve_optimum` measures, without its
    set of optimal logits at t = ½)."""
    return _minimise(terms, np.asarray(t, dtype=np.float64), True)


def _minimise(terms, t: np.ndarray, refine: bool) -> tuple[np.ndarray, np.ndarray]:
    """(a*(t), m(t)): the grid minimum refined by bisection; ±inf at an unbounded end, NaN when flat."""
    lr, lf = terms.on_grid
    grid = terms.grid
    phi = t[:, None] * lr[None, :] + (1 - t)[:, None] * lf[None, :]
    phi = np.where(np.isfinite(phi) | (phi == -np.inf), phi, np.inf)  # NaN never wins
    k = np.argmin(phi, axis=1)
    rows = np.arange(t.size)
    best = phi[rows, k]
    tol = PLATEAU_RTOL * (1 + np.abs(best)) + TOLERANCES["audit_plateau_atol"]
    low_edge = phi[:, 0] <= best + tol
    high_edge = phi[:, -1] <= best + tol
    a_star = grid[k].astype(np.float64)
    value = best.copy()
    if refine:
        inner = ~low_edge & ~high_edge & (k > 0) & (k < grid.size - 1)
        if inner.any():
            a_star[inner] = _bisect(terms, t[inner], grid[k[inner] - 1], grid[k[inner] + 1],
                                    a_star[inner], iterations=30 if terms.stochastic else 60)
            r, f = terms.both(a_star[inner])
            refined = t[inner] * r + (1 - t[inner]) * f
            value[inner] = np.minimum(refined, best[inner])
    for edge, sign, idx in ((low_edge, -1.0, 0), (high_edge, 1.0, -1)):
        only = edge & ~(low_edge & high_edge)
        if sign < 0 and math.isfinite(terms.lower):  # the domain's bound is attained: a finite optimum
            a_star[only] = terms.lower
            continue
        a_star[only] = sign * np.inf
        # Unbounded below if φ still falls steadily at the end of the grid (linear critics).
        with np.errstate(invalid="ignore"):
            slope = ((phi[:, idx] - phi[:, idx - 10 * int(sign)])
                     / abs(grid[idx] - grid[idx - 10 * int(sign)]))
        diverging = only & (slope < -TOLERANCES["audit_diverging_slope"])
        value[diverging] = -np.inf
    both_edges = low_edge & high_edge
    a_star[both_edges] = np.nan
    return a_star, value


def _bisect(terms, t, lo, hi, fallback, iterations: int = 60):
    """Root of d/da [t ℓ_r + (1−t) ℓ_f] in [lo, hi]; the grid point where no sign change exists."""
    lo, hi = lo.copy(), hi.copy()

    def dphi(a):
        gr, gf = terms.derivatives(a)
        return t * gr + (1 - t) * gf

    d_lo, d_hi = dphi(lo), dphi(hi)
    ok = (d_lo <= 0) & (d_hi >= 0)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        d = dphi(mid)
        go_right = d < 0
        lo = np.where(go_right, mid, lo)
        hi = np.where(go_right, hi, mid)
        # the bracket is down to ~2 ulps of float64: a stopping rule of the bisection, not a tolerance
        if np.all(hi - lo <= 4e-16 * np.maximum(1.0, np.abs(hi))):
            break
    return np.where(ok, 0.5 * (lo + hi), fallback)
