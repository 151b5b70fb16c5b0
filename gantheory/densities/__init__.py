r"""Densities on the real line, usable by every lens, and the :data:`DENSITIES` registry of families.

One object type, :class:`Density` (:mod:`~gantheory.densities.base`), serves the quadrature engine
(``logpdf``, ``breakpoints``), the empirical trainer (``sample``, ``to_torch``) and the symbolic
cross-checks. Parameters broadcast like numpy: ``Normal(loc=[0, 1], scale=1)`` is a batch of two
densities with ``batch_shape == (2,)``, and ``logpdf(x)`` broadcasts ``x`` against the batch exactly as
:mod:`scipy.stats` does (pass ``x[:, None]`` to evaluate every member of a batch of shape ``(B,)`` at
``n`` points, giving shape ``(n, B)``).

All evaluation is in log space and float64; outside its support a density's ``logpdf`` is ``-inf``,
never NaN. Bad parameters raise :class:`~gantheory.errors.GanTheoryError` (a ``ValueError``) naming
the parameter.

Each family lives in its own module and ends with a :class:`~gantheory.densities.base.DensityFamily`
row; :data:`DENSITIES` collects the rows (name → row), and the oracle, the hypothesis strategies, the
fuzz suite and the contract tests iterate it. Adding a family: write its module (class + ``FAMILY``
row) and add it to the imports and the registry below.

Example:
    >>> import numpy as np
    >>> from gantheory import Normal, Mixture
    >>> p = Mixture([Normal(-2.0, 0.5), Normal(2.0, 0.5)], weights=[0.3, 0.7])
    >>> round(float(p.pdf(2.0)), 6)
    0.558519
    >>> Normal(loc=[0.0, 1.0], scale=1.0).logpdf(np.zeros((3, 1))).shape
    (3, 2)
    >>> list(DENSITIES)[:3]
    ['normal', 'laplace', 'student_t']
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from gantheory.densities import (
    beta,
    discrete,
    laplace,
    mixture,
    normal,
    pushforward,
    student_t,
    uniform,
)
from gantheory.densities.adapters import from_scipy, from_torch
from gantheory.densities.base import Density, DensityFamily, FiniteSupport, Interval
from gantheory.densities.beta import Beta
from gantheory.densities.discrete import Discrete
from gantheory.densities.laplace import Laplace
from gantheory.densities.mixture import Mixture
from gantheory.densities.normal import Normal
from gantheory.densities.pushforward import Affine, Monotone, Pushforward
from gantheory.densities.student_t import StudentT
from gantheory.densities.uniform import Uniform
from gantheory.errors import GanTheoryError

__all__ = [
    "DENSITIES",
    "Affine",
    "Beta",
    "Density",
    "DensityFamily",
    "Discrete",
    "FiniteSupport",
    "Interval",
    "Laplace",
    "Mixture",
    "Monotone",
    "Normal",
    "Pushforward",
    "StudentT",
    "Uniform",
    "family_of",
    "from_scipy",
    "from_torch",
]

# The order is the order of hypothesis's one_of: failing draws shrink towards the first family.
DENSITIES: Mapping[str, DensityFamily] = MappingProxyType({
    row.name: row
    for row in (
        normal.FAMILY,
        laplace.FAMILY,
        student_t.FAMILY,
        uniform.FAMILY,
        beta.FAMILY,
        discrete.FAMILY,
        mixture.FAMILY,
        pushforward.FAMILY,
    )
})


def family_of(density: Density) -> DensityFamily:
    """The :data:`DENSITIES` row of ``density``'s class.

    Raises:
        GanTheoryError: ``density`` is not an instance of a registered family (e.g. a ``from_scipy`` wrapper).
    """
    for row in DENSITIES.values():
        if type(density) is row.cls:
            return row
    raise GanTheoryError(
        f"parameter 'density' ({type(density).__name__}) is not a registered family; "
        f"known: {', '.join(DENSITIES)}"
    )
