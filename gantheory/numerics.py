"""Log-space helpers shared by the numeric lenses.

Every identity used is written beside the code; nothing here forms ``p / q`` or ``log(1 - D)`` of a
clipped probability.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

# Plain floats from math: the same values as np.log, read by modules that need no numpy for them.
LOG2 = math.log(2.0)
LOG4 = math.log(4.0)


# exp() of arguments below about -708 (subnormal or underflowing results) is ~20-100x slower than a
# normal exp on x86; batched quadrature meets such arguments constantly (narrow modes far from a node).
_EXP_FLOOR = -700.0


def exp(a: ArrayLike) -> np.ndarray:
    """e^a with exact zeros for a = −inf and for a < −700 (where e^a < 1e-304 is below any tolerance),
    without the slow subnormal path."""
    a = np.asarray(a, dtype=np.float64)
    out = np.exp(np.maximum(a, _EXP_FLOOR))
    if out.ndim == 0:  # np.exp of a 0-d array is a numpy scalar, which takes no item assignment
        return np.float64(0.0) if a < _EXP_FLOOR else out
    out *= a >= _EXP_FLOOR  # zeros below the floor (NaN stays NaN); a multiply is ~4x cheaper than a masked store
    return out


def softplus(y: ArrayLike) -> np.ndarray:
    """log(1 + e^y) = max(y, 0) + log1p(e^{−|y|}), finite-time at any y (±inf included)."""
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.maximum(y, 0.0) + np.log1p(exp(-np.abs(y)))


def log_sigmoid(a: ArrayLike) -> np.ndarray:
    """log σ(a) = −log(1 + e^{−a}) = −softplus(−a); −inf at a = −inf, within 1e-304 of 0 at +inf."""
    return -softplus(-np.asarray(a, dtype=np.float64))


def sigmoid(a: ArrayLike) -> np.ndarray:
    """σ(a) = 1 / (1 + e^{−a}), no overflow: e^{−|a|} is formed on the side where it is ≤ 1 (the form of
    scipy.special.expit, in numpy so that importing numerics loads no scipy; NaN stays NaN)."""
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _log1mexp(x):
    """log(1 − e^{−x}) for x ≥ 0: log(−expm1(−x)) up to x = log 2, log1p(−e^{−x}) beyond, each accurate
    where the other cancels (Mächler 2012, "Accurately computing log(1 − exp(−|a|))")."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x <= LOG2, np.log(-np.expm1(-np.where(x <= LOG2, x, 1.0))), np.log1p(-np.exp(-np.where(x > LOG2, x, 1.0))))


def log_abs_expm1(d: ArrayLike) -> np.ndarray:
    """log|e^d − 1|, finite for |d| up to the float range (−inf at d = 0).

    e^d − 1 = e^d (1 − e^{−d}) for d > 0 and −(1 − e^{d}) for d < 0, so the result is d + log1mexp(d) or
    log1mexp(−d), with log1mexp(x) = log(1 − e^{−x}) evaluated without cancellation.
    """
    d = np.asarray(d, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(d > 0, d + _log1mexp(np.abs(d)), _log1mexp(np.abs(d)))


def weighted(log_weight: ArrayLike, values: ArrayLike) -> np.ndarray:
    """e^{log_weight} · values with the convention 0 · anything = 0 (xlogy-style).

    Where the weight is zero (``log_weight == -inf``) the result is 0 even if ``values`` is ±inf or NaN,
    which is the measure-theoretic convention for integrands such as p log(p/q) outside supp p.
    """
    log_weight = np.asarray(log_weight, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    w = exp(log_weight)
    with np.errstate(invalid="ignore", over="ignore"):
        out = w * values
    # a weight that underflows to 0 is a zero weight too (0 · (−inf) must not become NaN)
    return np.where(w == 0.0, 0.0, out)


_ERFC = np.frompyfunc(math.erfc, 1, 1)


def normal_cdf(z: ArrayLike) -> np.ndarray:
    """Φ(z) = ½ erfc(−z/√2), elementwise with :func:`math.erfc` (no scipy import: the loss audit's value path
    needs it); accurate relative to Φ in the far lower tail (down to underflow near z = −38), NaN stays NaN."""
    z = np.asarray(z, dtype=np.float64)
    return 0.5 * np.asarray(_ERFC(-z / math.sqrt(2.0)), dtype=np.float64)


def logsumexp(a: ArrayLike, axis: int | tuple[int, ...] | None = -1, b: ArrayLike | None = None) -> np.ndarray:
    """scipy.special.logsumexp that returns −inf (not NaN, no warning) for all-−inf rows."""
    with np.errstate(divide="ignore", invalid="ignore"):
        from scipy import special

        return special.logsumexp(a, axis=axis, b=b)
