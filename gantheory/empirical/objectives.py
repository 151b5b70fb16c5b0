r"""The empirical lens's training losses: rows of :data:`gantheory.losses.LOSSES` bound to parameters.

A trainer with n real samples x_i and m fake samples z_j minimises the pooled loss

.. math:: L(\theta) = \frac{s}{n}\Big[\sum_{i=1}^n \ell_{real}(f_\theta(x_i))
          + \sum_{j=1}^m \ell_{fake}(f_\theta(z_j))\Big],

with (ℓ_real, ℓ_fake) a row's per-sample terms (:meth:`gantheory.losses.Loss.terms`) and s its scale: ½
for least squares (Mao et al. 2017, Eq. 2: V_LSGAN(D) = ½E_p(D − b)² + ½E_q(D − a)²), 1 otherwise.
Its population minimiser is the row's optimum at (log n·p, log m·q): the prior n:m enters as log(n/m).

The trainer's spellings since 0.1.0 — ``loss="bce" | "soft_bce" | "least_squares"`` with
``targets=(α, β)`` and ``lsgan=(a, b)`` — are mapped onto rows here and only here; the rows' own names
(``standard``, ``label_smoothing``, ``least_squares``) are accepted too.

>>> spec = training_loss("soft_bce", targets=(0.9, 0.1))
>>> spec.row.name, dict(spec.params), spec.labels
('label_smoothing', {'alpha': 0.9, 'beta': 0.1}, (0.9, 0.1))
>>> training_loss("least_squares", lsgan=(-1.0, 1.0)).labels  # (real, fake) targets of the raw output
(1.0, -1.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from gantheory.errors import GanTheoryError
from gantheory.losses import LOSSES, Loss

if TYPE_CHECKING:
    import torch
    from numpy.typing import ArrayLike

__all__ = ["LOSS_ALIASES", "LOSS_NAMES", "TrainingLoss", "training_loss"]

# The trainer's historical names (public: ``train_discriminator(..., loss="soft_bce")``) → rows of LOSSES.
LOSS_ALIASES: dict[str, str] = {"bce": "standard", "soft_bce": "label_smoothing", "least_squares": "least_squares"}
# Every name ``loss=`` accepts: the historical ones first (the defaults of the public signatures), then the rows'.
LOSS_NAMES: tuple[str, ...] = tuple(dict.fromkeys([*LOSS_ALIASES, *LOSS_ALIASES.values()]))


def _cross_entropy_params(targets, lsgan):
    alpha, beta = targets
    return {"alpha": alpha, "beta": beta}, (alpha, beta)


# row name -> (targets, lsgan) ↦ (the row's parameters, the (real, fake) labels of the output scale).
# A row's optimum is the labels' mixture (y_real·p + y_fake·q)/(p + q) on that scale (D = σ(a) for the
# cross-entropy rows, the raw output for least squares), which is what the M-estimator's score uses.
_SPELLINGS: dict[str, Callable] = {
    "standard": lambda targets, lsgan: ({}, (1.0, 0.0)),
    "label_smoothing": _cross_entropy_params,
    "least_squares": lambda targets, lsgan: ({"a": lsgan[0], "b": lsgan[1]}, (lsgan[1], lsgan[0])),
}
# Mao et al.'s ½ in V_LSGAN; the LOSSES row omits it (the optimum does not depend on it).
_SCALE = {"least_squares": 0.5}


@dataclass(frozen=True)
class TrainingLoss:
    """A row of LOSSES bound to parameters, as the trainers use it.

    ``name`` is the name as given (results record it), ``labels`` the (real, fake) targets on the output
    scale, ``scale`` the factor s of the module docstring.
    """

    name: str
    row: Loss
    params: Mapping[str, float]
    labels: tuple[float, float]
    scale: float = 1.0

    @property
    def raw(self) -> bool:
        """True when the trained output is used as is (least squares), False when D = σ(output)."""
        return self.row.output == "raw"

    def torch_loss(self) -> Callable:
        """(out_real [K, n], out_fake [K, m]) ↦ the pooled loss L [K] of the module docstring."""
        real, fake = self.row.terms("torch", **self.params)
        scale = self.scale

        def loss(out_real, out_fake):
            n = out_real.shape[-1]
            return scale * (real(out_real).sum(-1) + fake(out_fake).sum(-1)) / n

        return loss

    def heldout_value(self, out_real: torch.Tensor, out_fake: torch.Tensor) -> torch.Tensor:
        """−s·(mean ℓ_real + mean ℓ_fake): V̂ on held-out samples (= −L at m = n); shape [K]."""
        real, fake = self.row.terms("torch", **self.params)
        return -self.scale * (real(out_real).mean(-1) + fake(out_fake).mean(-1))

    def optimum(self, log_p: ArrayLike, log_q: ArrayLike, n: int = 1, m: int = 1) -> np.ndarray:
        """The population minimiser's output at x from log p(x), log q(x), for n real and m fake samples."""
        return self.row.optimum(np.asarray(log_p, dtype=np.float64) + math.log(n),
                                np.asarray(log_q, dtype=np.float64) + math.log(m), **self.params)

    def to_output(self, values: ArrayLike) -> np.ndarray:
        """The output scale of a theory or a fit: the raw value (least squares) or D = σ(logit)."""
        values = np.asarray(values, dtype=np.float64)
        return values if self.raw else special.expit(values)


def training_loss(loss: str = "bce", *, targets: tuple[float, float] = (1.0, 0.0),
                  lsgan: tuple[float, float] = (-1.0, 1.0)) -> TrainingLoss:
    """Resolve the trainer's ``loss``/``targets``/``lsgan`` to a :class:`TrainingLoss`.

    Raises:
        GanTheoryError: an unknown loss (the nearest names suggested), targets not 0 ≤ β < α ≤ 1, or
            lsgan not finite a < b.
    """
    from gantheory.empirical._device import check_choice

    name = check_choice("loss", loss, LOSS_NAMES)
    row = LOSSES[LOSS_ALIASES.get(name, name)]
    targets = tuple(float(t) for t in targets)
    lsgan = tuple(float(t) for t in lsgan)
    if row.name == "label_smoothing" and not (len(targets) == 2 and 0.0 <= targets[1] < targets[0] <= 1.0):
        raise GanTheoryError(f"targets must be (alpha, beta) with 0 <= beta < alpha <= 1, got {targets!r}")
    if row.name == "least_squares" and not (len(lsgan) == 2 and np.all(np.isfinite(lsgan)) and lsgan[0] < lsgan[1]):
        raise GanTheoryError(f"lsgan must be (a, b) with finite a < b (fake, real labels), got {lsgan!r}")
    params, labels = _SPELLINGS[row.name](targets, lsgan)
    return TrainingLoss(name, row, params, labels, _SCALE.get(row.name, 1.0))
