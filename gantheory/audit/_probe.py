"""Turn a user's batched torch loss into pointwise numpy functions (the only torch-facing module).

A discriminator loss :math:`L(r, f)` on batches of real logits :math:`r` and fake logits :math:`f`
is, for every textbook GAN, *separable and per-sample*:

.. math::

    L(r, f) = w_r \\frac{1}{n_r}\\sum_i \\ell_{\\text{real}}(r_i)
            + w_f \\frac{1}{n_f}\\sum_j \\ell_{\\text{fake}}(f_j) + c .

Filling both batches with one value each, ``r = a·1`` and ``f = b·1``, isolates the pointwise terms:
:math:`\\ell_r(a) = L(a·1, 0·1) - L(0·1, 0·1)` and :math:`\\ell_f(b) = L(0·1, b·1) - L(0·1, 0·1)`
(batch weights and the ``.mean()``/``.sum()`` choice are absorbed into :math:`w_r, w_f`). Evaluation
is vectorised with :func:`torch.func.vmap` when the user's code allows it, with a loop otherwise;
derivatives come from autograd, summed over the batch because every element carries the same value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from gantheory.errors import GanTheoryError

INPUTS = ("logits", "probabilities")


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
                 name: str = "d_loss"):
        if inputs not in INPUTS:
            raise GanTheoryError(f"inputs must be one of {INPUTS}, got {inputs!r}")
        if not callable(fn):
            raise GanTheoryError(f"{name} must be callable, got {type(fn).__name__}")
        if int(batch_size) < 1:
            raise GanTheoryError(f"batch_size must be >= 1, got {batch_size}")
        self.fn, self.n_args, self.inputs = fn, n_args, inputs
        self.batch_size, self.name = int(batch_size), name
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
                out = torch.func.vmap(lambda *b: self.call(*b))(*cols)
                if self._vmap_ok is None:
                    k = min(3, cols[0].shape[0])
                    loop = torch.stack([self.call(*(c[i] for c in cols)) for i in range(k)])
                    if not torch.allclose(out[:k].detach(), loop.detach(), rtol=1e-12, atol=1e-12,
                                          equal_nan=True):
                        raise RuntimeError("vmap and loop disagree")
                    self._vmap_ok = True
                return out
            except Exception as exc:  # user code that vmap cannot batch (data-dependent control flow)
                if isinstance(exc, GanTheoryError):
                    raise
                self._vmap_ok = False
        return torch.stack([self.call(*(c[i] for c in cols)) for i in range(cols[0].shape[0])])

    def evaluate(self, values: list[np.ndarray], *, dtype=torch.float64, grad: bool = False,
                 batch_size: int | None = None):
        """Loss with argument ``k`` filled with ``values[k][i]``; returns arrays of loss (and d/dvalue_k).

        Returns:
            ``loss`` of shape (N,), and with ``grad=True`` also a list of (N,) arrays: the derivative of
            the loss with respect to the common value of each argument's batch.
        """
        bs = self.batch_size if batch_size is None else batch_size
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

    def derivatives(self, a):
        """(ℓ_r'(a), ℓ_f'(a)) up to one common positive factor (enough for signs and root finding).

        For a verified separable, per-sample loss one call on the batch ``a`` gives every derivative:
        ∂L/∂r_i ∝ ℓ_r'(a_i) (vmap may fall back to a Python loop for ops without batching rules).
        """
        a = np.atleast_1d(np.asarray(a, dtype=np.float64))
        if not self.per_sample:
            _, _, gr, gf = self.both(a, grad=True)
            return gr, gf
        x = torch.as_tensor(a, dtype=torch.float64)
        out = []
        for k in range(2):
            cols = [torch.zeros_like(x), torch.zeros_like(x)]
            cols[k] = x.clone().requires_grad_(True)
            loss = self.loss.call(*cols)
            if not loss.requires_grad:
                out.append(np.zeros_like(a))
                continue
            (g,) = torch.autograd.grad(loss, cols[k], allow_unused=True)
            out.append(np.zeros_like(a) if g is None else g.numpy() * a.size)
        return out[0], out[1]

    def real(self, a, grad=False):
        a = np.atleast_1d(np.asarray(a, dtype=np.float64))
        res = self.loss.evaluate([a, np.zeros_like(a)], grad=grad)
        return (res[0] - self.base, res[1][0]) if grad else res - self.base

    def fake(self, a, grad=False):
        a = np.atleast_1d(np.asarray(a, dtype=np.float64))
        res = self.loss.evaluate([np.zeros_like(a), a], grad=grad)
        return (res[0] - self.base, res[1][1]) if grad else res - self.base

    def both(self, a, grad=False):
        """(real(a), fake(a)) in one batched call (and their derivatives when ``grad``)."""
        a = np.atleast_1d(np.asarray(a, dtype=np.float64))
        z = np.zeros_like(a)
        res = self.loss.evaluate([np.concatenate([a, z]), np.concatenate([z, a])], grad=grad)
        n = a.size
        if not grad:
            return res[:n] - self.base, res[n:] - self.base
        loss, (g_real, g_fake) = res
        return loss[:n] - self.base, loss[n:] - self.base, g_real[:n], g_fake[n:]


def discriminator_terms(d_loss, *, inputs: str, batch_size: int) -> Terms:
    pl = PointwiseLoss(d_loss, n_args=2, inputs=inputs, batch_size=batch_size, name="d_loss")
    base = float(pl.evaluate([np.zeros(1), np.zeros(1)])[0])
    if not math.isfinite(base):
        raise GanTheoryError(f"d_loss is not finite at logits 0 (value {base})")
    return Terms(pl, base)


def generator_term(g_loss, *, inputs: str, batch_size: int):
    """``ℓ_g(a) = g_loss(a·1) - g_loss(0·1)`` and its derivative, as a numpy callable."""
    pl = PointwiseLoss(g_loss, n_args=1, inputs=inputs, batch_size=batch_size, name="g_loss")
    base = float(pl.evaluate([np.zeros(1)])[0])
    if not math.isfinite(base):
        raise GanTheoryError(f"g_loss is not finite at logit 0 (value {base})")

    def term(a, grad=False):
        a = np.atleast_1d(np.asarray(a, dtype=np.float64))
        res = pl.evaluate([a], grad=grad)
        return (res[0] - base, res[1][0]) if grad else res - base

    term.loss = pl
    return term


# -- structure checks ----------------------------------------------------------------------------
def separability_defect(terms: Terms, rng: np.random.Generator) -> float:
    """max |L(a, b) − L(0,0) − ℓ_r(a) − ℓ_f(b)| over random (a, b) in [−4, 4]²: 0 for separable losses."""
    a, b = rng.uniform(-4, 4, 16), rng.uniform(-4, 4, 16)
    joint = terms.loss.evaluate([a, b]) - terms.base
    return float(np.max(np.abs(joint - terms.real(a) - terms.fake(b))))


def batch_weighting(terms: Terms, sizes=(1, 2, 16)) -> dict[int, float]:
    """Weight of the fake term relative to the real term at several batch sizes.

    For ``mean`` + ``mean`` (or ``sum`` + ``sum``) the ratio does not depend on the batch size; a loss
    that sums one term and averages the other changes its game with the batch size.
    """
    ratios = {}
    for n in sizes:
        lr = terms.loss.evaluate([np.array([1.0, 0.0]), np.zeros(2)], batch_size=n)
        lf = terms.loss.evaluate([np.zeros(2), np.array([1.0, 0.0])], batch_size=n)
        dr, df = lr[0] - lr[1], lf[0] - lf[1]
        ratios[n] = float(df / dr) if dr != 0 else math.nan
    return ratios


def per_sample_defect(terms: Terms) -> float:
    """|L([a1, a2], [0, 0]) − mean of the constant-batch values| relative: 0 for per-sample losses."""
    pl = terms.loss
    a1, a2 = 1.5, -0.7
    mixed = pl.call(torch.tensor([a1, a2], dtype=torch.float64),
                    torch.zeros(2, dtype=torch.float64)).item()
    const = pl.evaluate([np.array([a1, a2, 0.0]), np.zeros(3)], batch_size=2)
    expected = 0.5 * (const[0] + const[1])
    scale = max(abs(const[0] - const[2]), abs(const[1] - const[2]), 1e-300)
    return abs(mixed - expected) / scale


# -- robustness probes --------------------------------------------------------------------------
PROBE_LOGITS = (20.0, -20.0, 1e4, -1e4, math.inf, -math.inf)


@dataclass(frozen=True)
class Probe:
    """One evaluation of a loss term at an extreme logit: which term, where, dtype, value, gradient."""

    term: str
    logit: float
    dtype: str
    value: float
    gradient: float


def robustness_probes(pl: PointwiseLoss) -> list[Probe]:
    """Evaluate every argument of the loss at ±20, ±1e4, ±inf in float32 and float64 (others at 0)."""
    names = ("real", "fake") if pl.n_args == 2 else ("fake",)
    probes = []
    for dtype in (torch.float32, torch.float64):
        for k, term in enumerate(names):
            vals = np.array(PROBE_LOGITS)
            cols = [np.zeros_like(vals) for _ in names]
            cols[k] = vals
            with np.errstate(all="ignore"):
                try:
                    loss, grads = pl.evaluate(cols, dtype=dtype, grad=True, batch_size=4)
                except GanTheoryError:
                    loss = np.full(vals.size, np.nan)
                    grads = [np.full(vals.size, np.nan) for _ in names]
            for i, x in enumerate(vals):
                probes.append(Probe(term, float(x), str(dtype).replace("torch.", ""),
                                    float(loss[i]), float(grads[k][i])))
    return probes
