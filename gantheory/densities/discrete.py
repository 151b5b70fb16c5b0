r"""Finite pmfs: atoms with probabilities."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gantheory.densities.base import (
    Density,
    DensityFamily,
    FiniteSupport,
    _check_x,
    _param,
)
from gantheory.errors import GanTheoryError
from gantheory.numerics import logsumexp
from gantheory.tolerances import TOLERANCES

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["Discrete"]


class Discrete(Density):
    r"""A finite pmf: atoms ``values`` (shape ``(*batch, K)`` or ``(K,)``) with ``probs`` (same last axis).

    Integrals against a discrete density are exact sums over its atoms. ``probs`` must be non-negative
    and sum to 1 within ``TOLERANCES["weights_sum_atol"]`` (no silent renormalising); ``values`` must be distinct.

    Example:
        >>> Discrete([0.0, 1.0], [0.25, 0.75]).pdf([1.0, 0.5]).tolist()  # the pmf; 0 off the atoms
        [0.75, 0.0]
    """

    is_discrete = True

    def __init__(self, values: ArrayLike, probs: ArrayLike) -> None:
        values = _param("values", values)
        probs = _param("probs", probs, nonnegative=True)
        if values.ndim == 0 or probs.ndim == 0:
            raise GanTheoryError("parameters 'values' and 'probs' must be 1-D (or batched) arrays")
        if values.shape[-1] == 0:
            raise GanTheoryError("parameter 'values' is empty: a pmf needs at least one atom")
        if values.shape[-1] != probs.shape[-1]:
            raise GanTheoryError(
                f"parameters 'values' and 'probs' differ in length ({values.shape[-1]} vs {probs.shape[-1]})"
            )
        total = probs.sum(axis=-1)
        if not np.all(np.abs(total - 1.0) <= TOLERANCES["weights_sum_atol"]):
            raise GanTheoryError(
                f"parameter 'probs' must sum to 1 within {TOLERANCES['weights_sum_atol']:g} (sums: {total}); renormalise explicitly"
            )
        sorted_values = np.sort(values, axis=-1)
        if np.any(np.diff(sorted_values, axis=-1) == 0):
            raise GanTheoryError("parameter 'values' contains repeated atoms; merge their probabilities")
        try:
            self.batch_shape = np.broadcast_shapes(values.shape[:-1], probs.shape[:-1])
        except ValueError as exc:
            raise GanTheoryError(f"parameters 'values' and 'probs' do not broadcast: {exc}") from exc
        self.values = values
        self.probs = probs

    def _logpdf(self, x):
        match = x[..., None] == self.values
        with np.errstate(divide="ignore"):
            log_probs = np.log(self.probs)
        return logsumexp(np.where(match, log_probs, -np.inf), axis=-1)

    def _sample(self, n, rng):
        cdf = np.cumsum(np.broadcast_to(self.probs, (*self.batch_shape, self.probs.shape[-1])), axis=-1)
        u = rng.random((n, *self.batch_shape))
        idx = np.minimum((u[..., None] >= cdf).sum(axis=-1), cdf.shape[-1] - 1)
        values = np.broadcast_to(self.values, (n, *self.batch_shape, self.values.shape[-1]))
        return np.take_along_axis(values, idx[..., None], axis=-1)[..., 0]

    def breakpoints(self) -> np.ndarray:
        return np.broadcast_to(self.values, (*self.batch_shape, self.values.shape[-1])).copy()

    @property
    def support(self) -> FiniteSupport:
        return FiniteSupport(np.broadcast_to(self.values, (*self.batch_shape, self.values.shape[-1])))

    @property
    def modes(self) -> np.ndarray:
        return self.breakpoints()

    @property
    def mean(self) -> np.ndarray:
        return np.sum(self.values * self.probs, axis=-1) + np.zeros(self.batch_shape)

    @property
    def variance(self) -> np.ndarray:
        m = self.mean
        return np.sum(self.values**2 * self.probs, axis=-1) - m * m

    def cdf(self, x: ArrayLike) -> np.ndarray:
        x = _check_x(x)
        return np.sum(np.where(x[..., None] >= self.values, self.probs, 0.0), axis=-1)

    def broadcast_to(self, shape: int | tuple[int, ...]) -> Discrete:
        k = self.values.shape[-1]
        return Discrete(np.broadcast_to(self.values, (*shape, k)), np.broadcast_to(self.probs, (*shape, k)))

    def _index(self, index):
        full = self.broadcast_to(self.batch_shape)
        return Discrete(full.values[index], full.probs[index])

    def __repr__(self) -> str:
        return f"Discrete(values={np.array2string(self.values, threshold=6)}, probs={np.array2string(self.probs, threshold=6)})"


FAMILY = DensityFamily(
    name="discrete",
    cls=Discrete,
    parameters=("values", "probs"),
    examples=(Discrete([0.0, 1.0, 5.0], [0.2, 0.3, 0.5]),),
    strategy=lambda draw: draw.pmf(-10, 10),
)
