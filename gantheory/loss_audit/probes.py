r"""Probes of a user's loss beyond its optimum: structure (separable? per-sample? batch-size free?) and
numerics at extreme logits.

A textbook GAN loss is :math:`L(r, f) = w_r\,\overline{\ell_r(r)} + w_f\,\overline{\ell_f(f)} + c`
(:mod:`gantheory.loss_audit.optimum`). The structure checks measure how far a loss is from that form;
the robustness probes evaluate each argument at ±20, ±1e4 and ±inf in float32 and float64, where a
naive ``log(1 - sigmoid(a))`` overflows and ``nn.BCELoss`` clamps its log at −100.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import torch

from gantheory.errors import GanTheoryError
from gantheory.loss_audit.optimum import PointwiseLoss, Terms


def generator_per_sample_defect(pl: PointwiseLoss) -> float:
    """|ℓ_g([a1, a2]) − mean of ℓ_g on constant batches| relative: 0 for a per-sample generator loss (a top-k
    selection or a square of the batch mean is not one)."""
    a1, a2 = 1.5, -0.7
    mixed = pl.call(torch.tensor([a1, a2, a1, a2], dtype=pl.dtype)).item()
    const = pl.evaluate([np.array([a1, a2, 0.0])], batch_size=4)
    scale = max(abs(const[0] - const[2]), abs(const[1] - const[2]), 1e-300)  # floor: no division by zero
    return abs(mixed - 0.5 * (const[0] + const[1])) / scale


def separability_defect(terms: Terms, rng: np.random.Generator) -> float:
    """max |L(a, b) − L(0,0) − ℓ_r(a) − ℓ_f(b)| over random (a, b) in [−4, 4]²: 0 for separable losses."""
    a, b = rng.uniform(-4, 4, 16), rng.uniform(-4, 4, 16)
    joint = terms.loss.evaluate([a, b]) - terms.base
    return float(np.max(np.abs(joint - terms.real(a) - terms.fake(b))))


def batch_weighting(terms: Terms, sizes: Iterable[int] = (2, 4, 16)) -> dict[int, float]:
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
    """|L with a batch of distinct outputs − mean of the constant-batch values| relative, for the real and for
    the fake argument (the other held at 0): 0 for per-sample losses (a hinge on the batch mean is not one)."""
    pl = terms.loss
    a1, a2 = 1.5, -0.7
    worst = 0.0
    for k in range(2):
        cols = [torch.zeros(2, dtype=pl.dtype), torch.zeros(2, dtype=pl.dtype)]
        cols[k] = torch.tensor([a1, a2], dtype=pl.dtype)
        mixed = pl.call(*cols).item()
        values = [np.zeros(3), np.zeros(3)]
        values[k] = np.array([a1, a2, 0.0])
        const = pl.evaluate(values, batch_size=2)
        scale = max(abs(const[0] - const[2]), abs(const[1] - const[2]), 1e-300)  # floor: no division by zero
        worst = max(worst, abs(mixed - 0.5 * (const[0] + const[1])) / scale)
    return worst


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

    def to_dict(self) -> dict:
        from gantheory.results import jsonable

        return jsonable({"term": self.term, "logit": self.logit, "dtype": self.dtype, "value": self.value,
                         "gradient": self.gradient})


def robustness_probes(pl: PointwiseLoss) -> list[Probe]:
    """Evaluate every argument of the loss at ±20, ±1e4, ±inf in float32 and float64 (others at 0)."""
    names = ("real", "fake") if pl.n_args == 2 else ("fake",)
    probes = []
    # float32 and float64 — or only the dtype the code computes in, when it is not float64 (float32 labels)
    dtypes = (torch.float32, torch.float64) if pl.dtype == torch.float64 else (pl.dtype,)
    for dtype in dtypes:
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


def unequal_batch_weight(pl: PointwiseLoss, sizes: tuple[int, int] = (3, 9)) -> float | None:
    r"""Weight of the fake term relative to the real term with n_r ≠ n_f (equal batches give the reference).

    ``mean`` + ``mean`` keeps the ratio whatever the sizes; one loss over the concatenated batch,
    :math:`(\sum_r + \sum_f)/(n_r + n_f)`, weighs the fake term n_f/n_r times the real one: class weighting
    whenever n_r ≠ n_f. Returns the ratio at ``sizes`` divided by the ratio at equal sizes, or None when the
    code needs equal batch sizes (it pairs real and fake samples).
    """
    def ratio(n_r: int, n_f: int) -> float:
        def at(a: float, b: float) -> float:
            real = torch.full((n_r,), a, dtype=pl.dtype)
            fake = torch.full((n_f,), b, dtype=pl.dtype)
            return float(pl.call(real, fake))
        base = at(0.0, 0.0)
        dr, df = at(1.0, 0.0) - base, at(0.0, 1.0) - base
        return df / dr if dr != 0 else math.nan

    try:
        equal = ratio(sizes[0], sizes[0])
        unequal = ratio(*sizes)
    except Exception:  # the user's code pairs real and fake samples: it needs equal batch sizes
        return None
    if not (math.isfinite(equal) and math.isfinite(unequal)) or equal == 0:
        return None
    return unequal / equal
