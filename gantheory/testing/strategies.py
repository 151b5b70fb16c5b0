r"""Hypothesis strategies for GAN theory: densities, density pairs, discriminators and logits.

Every strategy draws *bounded* parameters that the quadrature engine certifies to 1e-10 (locations in
[−20, 20], scales in [0.05, 20], Student-t ``df`` ≥ 0.5, Beta parameters ≥ 1; Beta with b < 1 and
sinh-pushforwards of heavy tails are out of reach of float64 quadrature and are not drawn). Nothing
returns NaN unless asked (:func:`logits` with ``allow_nan=True``).

Each density family draws itself: its :data:`gantheory.densities.DENSITIES` row carries a ``strategy``
hook, called with a :class:`FamilyDraw` (the location and scale strategies, whether heavy tails are
allowed, the largest mixture). :data:`FAMILIES` is the registry's order, so a new family is drawn by
:func:`densities` as soon as its row has a hook.

Shrinking is built for readable counterexamples: within :func:`densities` a failing case shrinks
towards ``Normal(loc=0.0, scale=1.0)``, within :func:`density_pairs` towards the ``identical`` kind and
then ``overlapping`` normals, within :func:`discriminators` towards the constant logit 0 (D = ½).

Example:
    >>> from hypothesis import given
    >>> from gantheory import js_divergence
    >>> from gantheory.testing.strategies import density_pairs
    >>> @given(density_pairs(kinds=["identical"]))
    ... def test_jsd_vanishes(pair):
    ...     assert float(js_divergence(*pair)) == 0.0
    >>> test_jsd_vanishes()
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gantheory.densities import (
    DENSITIES,
    Beta,
    Density,
    Discrete,
    Laplace,
    Normal,
    StudentT,
    Uniform,
)
from gantheory.densities.beta import BETA_MIN
from gantheory.densities.student_t import DF_MIN
from gantheory.numerics import sigmoid
from gantheory.testing._profiles import register_profiles

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "FAMILIES",
    "PAIR_KINDS",
    "FamilyDraw",
    "NetworkDiscriminator",
    "PolynomialDiscriminator",
    "densities",
    "density_pairs",
    "density_triples",
    "discriminators",
    "locations",
    "logits",
    "scales",
]

# Importing the strategies makes the gantheory profiles available to hypothesis.settings.load_profile
# (and activates our "ci" if hypothesis auto-loaded its own because CI is set).
register_profiles()

FAMILIES = tuple(name for name, row in DENSITIES.items() if row.strategy is not None)
PAIR_KINDS = ("identical", "overlapping", "nearly_disjoint", "disjoint", "heavy_tailed")

LOC_BOUND = 20.0
SCALE_MIN, SCALE_MAX = 0.05, 20.0


# ----------------------------------------------------------------------------------------------------
# Parameters


def locations(low: float = -LOC_BOUND, high: float = LOC_BOUND) -> st.SearchStrategy[float]:
    """Finite locations in ``[low, high]`` (default [−20, 20]); shrink towards 0."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def scales(low: float = SCALE_MIN, high: float = SCALE_MAX) -> st.SearchStrategy[float]:
    """Scales in ``[low, high]`` (default [0.05, 20]); shrink towards 1."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def _weights(k: int) -> st.SearchStrategy[np.ndarray]:
    """k mixture weights, each ≥ 0.05 before normalising, summing to 1 to rounding (≤ 1e-15)."""
    raw = st.lists(st.floats(0.05, 1.0), min_size=k, max_size=k)
    return raw.map(lambda w: np.asarray(w) / math.fsum(w))


def _discrete(low: int, high: int, max_atoms: int = 5) -> st.SearchStrategy[Discrete]:
    """A pmf on up to ``max_atoms`` distinct integers in [low, high] (integers print readably)."""

    @st.composite
    def build(draw):
        values = draw(st.lists(st.integers(low, high), min_size=1, max_size=max_atoms, unique=True))
        probs = draw(_weights(len(values)))
        return Discrete(np.asarray(values, dtype=np.float64), probs)

    return build()


# ----------------------------------------------------------------------------------------------------
# Densities


@dataclass(frozen=True)
class FamilyDraw:
    """What a family's ``strategy`` hook (a :class:`~gantheory.densities.DensityFamily` field) draws with.

    Attributes:
        loc, scale: strategies for locations and scales.
        heavy_tails: ``False`` inside mixtures and pushforwards, where a family keeps a finite mean
            (Student-t df ≥ 1).
        max_components: the largest mixture.
    """

    loc: st.SearchStrategy[float]
    scale: st.SearchStrategy[float]
    heavy_tails: bool = True
    max_components: int = 3

    def family(self, name: str, **changes) -> st.SearchStrategy[Density]:
        """The strategy of registered family ``name``, drawn with ``changes`` to this toolbox."""
        return DENSITIES[name].strategy(replace(self, **changes))

    def weights(self, k: int) -> st.SearchStrategy[np.ndarray]:
        """``k`` probabilities, each ≥ 0.05 before normalising, summing to 1 to rounding."""
        return _weights(k)

    def pmf(self, low: int, high: int, max_atoms: int = 5) -> st.SearchStrategy[Discrete]:
        """A pmf on up to ``max_atoms`` distinct integers in ``[low, high]``."""
        return _discrete(low, high, max_atoms)


def _check_families(families) -> tuple:
    if families is None:
        return FAMILIES
    if isinstance(families, str):
        families = (families,)
    families = tuple(families)
    unknown = [f for f in families if f not in FAMILIES]
    if unknown or not families:
        raise ValueError(f"parameter 'families' has unknown names {unknown}; choose from {', '.join(FAMILIES)}")
    return families


def densities(
    *,
    families: Iterable[str] | None = None,
    max_components: int = 3,
    loc: tuple[float, float] = (-LOC_BOUND, LOC_BOUND),
    scale: tuple[float, float] = (SCALE_MIN, SCALE_MAX),
) -> st.SearchStrategy[Density]:
    """Single densities drawn from ``families`` (default: all of :data:`FAMILIES`, the registered
    families of :data:`gantheory.densities.DENSITIES` that have a strategy, in registry order).

    Args:
        families: subset of :data:`FAMILIES`: ``"normal"``, ``"laplace"``, ``"student_t"``
            (df ∈ [0.5, 10]), ``"uniform"``, ``"beta"`` (a, b ∈ [1, 20]), ``"discrete"`` (≤ 5 integer
            atoms in [−10, 10]), ``"mixture"`` (2..``max_components`` continuous components),
            ``"pushforward"`` (affine or exp/sinh monotone generators).
        max_components: largest mixture (≥ 2).
        loc, scale: bounds for locations and scales (within [−20, 20] and [0.05, 20] the quadrature
            engine certifies every draw).
    """
    families = _check_families(families)
    if max_components < 2:
        raise ValueError(f"parameter 'max_components' must be >= 2, got {max_components}")
    draw = FamilyDraw(locations(*loc), scales(*scale), max_components=max_components)
    return st.one_of(*(draw.family(f) for f in families))


# ----------------------------------------------------------------------------------------------------
# Pairs


def _identical(families):
    return densities(families=families).map(lambda d: (d, copy.deepcopy(d)))


def _overlapping(families):
    """Both continuous with locations in [−3, 3] and scales in [0.5, 5] (or both pmfs on 0..4), so that
    supports and bulk mass overlap."""
    cont = [f for f in families if not DENSITIES[f].cls.is_discrete]
    parts = []
    if cont:
        d = densities(families=cont, loc=(-3.0, 3.0), scale=(0.5, 5.0))
        parts.append(st.tuples(d, d))
    if "discrete" in families:
        parts.append(st.tuples(_discrete(0, 4), _discrete(0, 4)))
    return st.one_of(*parts)


def _nearly_disjoint():
    """Two light-tailed bumps 8 to 40 (larger) scales apart: JSD within ~1e-3 of log 2 but supports shared."""

    @st.composite
    def build(draw):
        family = draw(st.sampled_from([Normal, Laplace]))
        loc = draw(st.floats(-10.0, 10.0))
        s1, s2 = draw(st.floats(0.05, 2.0)), draw(st.floats(0.05, 2.0))
        gap = draw(st.floats(8.0, 40.0)) * max(s1, s2)
        return family(loc, s1), family(loc + gap, s2)

    return build()


def _disjoint(families):
    """Mutually singular pairs: separated uniforms, a Beta and a uniform beyond 1, pmfs on different
    atoms, a pmf against a continuous density. JSD = log 2 exactly."""
    uniforms = st.builds(
        lambda low, w1, gap, w2: (Uniform(low, low + w1), Uniform(low + w1 + gap, low + w1 + gap + w2)),
        st.floats(-10.0, 10.0), st.floats(0.1, 5.0), st.floats(0.0, 5.0), st.floats(0.1, 5.0),
    )
    beta_uniform = st.builds(
        lambda a, b, gap, w: (Beta(a, b), Uniform(1.0 + gap, 1.0 + gap + w)),
        st.floats(BETA_MIN, 5.0), st.floats(BETA_MIN, 5.0), st.floats(0.0, 3.0), st.floats(0.1, 3.0),
    )
    parts = [uniforms, beta_uniform]
    if "discrete" in families:
        parts.append(st.tuples(_discrete(-5, -1), _discrete(0, 5)))
        parts.append(st.tuples(_discrete(-5, 5), densities(families=("normal", "laplace"), loc=(-5, 5), scale=(0.5, 5))))
    return st.one_of(*parts)


def _heavy_tailed():
    heavy = st.builds(StudentT, st.floats(DF_MIN, 3.0), st.floats(-3.0, 3.0), st.floats(0.5, 5.0))
    other = st.one_of(
        st.builds(Normal, st.floats(-3.0, 3.0), st.floats(0.5, 5.0)),
        st.builds(Laplace, st.floats(-3.0, 3.0), st.floats(0.5, 5.0)),
        heavy,
    )
    return st.one_of(st.tuples(heavy, other), st.tuples(other, heavy))


def density_pairs(
    *, kinds: Iterable[str] | None = None, families: Iterable[str] | None = None
) -> st.SearchStrategy[tuple[Density, Density]]:
    """Pairs ``(p_data, p_g)`` of the given ``kinds`` (default: all of :data:`PAIR_KINDS`).

    Kinds:
        ``identical`` — p and an equal copy of p (JSD = 0 exactly);
        ``overlapping`` — both with bulk mass in [−3, 3] (or pmfs on shared atoms);
        ``nearly_disjoint`` — Normal or Laplace bumps 8–40 scales apart;
        ``disjoint`` — mutually singular (JSD = log 2, KL = ∞);
        ``heavy_tailed`` — a Student-t (df ∈ [0.5, 3]) against a Normal, Laplace or Student-t.

    ``families`` restricts the ``identical`` and ``overlapping`` kinds (and removes pmfs from
    ``disjoint`` when ``"discrete"`` is absent).
    """
    families = _check_families(families)
    kinds = PAIR_KINDS if kinds is None else ((kinds,) if isinstance(kinds, str) else tuple(kinds))
    unknown = [k for k in kinds if k not in PAIR_KINDS]
    if unknown or not kinds:
        raise ValueError(f"parameter 'kinds' has unknown names {unknown}; choose from {', '.join(PAIR_KINDS)}")
    builders = {
        "identical": lambda: _identical(families),
        "overlapping": lambda: _overlapping(families),
        "nearly_disjoint": _nearly_disjoint,
        "disjoint": lambda: _disjoint(families),
        "heavy_tailed": _heavy_tailed,
    }
    return st.one_of(*(builders[k]() for k in PAIR_KINDS if k in kinds))


def density_triples(*, families: Iterable[str] | None = None) -> st.SearchStrategy[tuple]:
    """Triples ``(p, q, r)`` of continuous densities for metric axioms (the triangle inequality).

    Half the draws are "collinear" — one family and scale, with q's location between p's and r's —
    which is where a divergence that is not a metric (JSD itself) breaks the triangle inequality.
    """
    cont = [f for f in _check_families(families) if not DENSITIES[f].cls.is_discrete] or ["normal"]
    free = densities(families=cont, loc=(-5.0, 5.0), scale=(0.25, 5.0))

    @st.composite
    def collinear(draw):
        family = draw(st.sampled_from([Normal, Laplace]))
        scale = draw(st.floats(0.25, 5.0))
        a, b, c = sorted(draw(st.lists(st.floats(-5.0, 5.0), min_size=3, max_size=3)))
        return family(a, scale), family(b, scale), family(c, scale)

    return st.one_of(collinear(), st.tuples(free, free, free))


# ----------------------------------------------------------------------------------------------------
# Discriminators


@dataclass(frozen=True)
class PolynomialDiscriminator:
    r"""D(x) = σ(a(x)) with the logit a(x) = Σ_k c_k x^k (coefficients in increasing degree).

    A numpy callable: ``D(x)`` ∈ [0, 1]; :meth:`logit` gives a(x). Pass ``D.logit`` with ``logits=True``
    to :func:`gantheory.value_function` for exact tails (σ(a) rounds to 0 or 1 for |a| > 37).
    """

    coefficients: tuple

    def logit(self, x: ArrayLike) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        out = np.zeros_like(x)
        with np.errstate(over="ignore", invalid="ignore"):
            for c in reversed(self.coefficients):  # Horner's rule
                out = out * x + c
        # Far out in a heavy tail a polynomial can overflow: saturate at ±1e300 instead (σ is 0 or 1).
        return np.nan_to_num(out, nan=0.0, posinf=1e300, neginf=-1e300)

    def __call__(self, x: ArrayLike) -> np.ndarray:
        return sigmoid(self.logit(x))

    def __repr__(self) -> str:
        terms = " + ".join(f"{c!r}·x^{k}" if k else repr(c) for k, c in enumerate(self.coefficients))
        return f"PolynomialDiscriminator(logit(x) = {terms})"


@dataclass(frozen=True)
class NetworkDiscriminator:
    r"""D(x) = σ(a(x)), a(x) = c + Σ_j v_j tanh(w_j x + b_j): a one-hidden-layer tanh network.

    Its logit is bounded by |c| + Σ|v_j|, so V(D, G) is finite for every pair, heavy tails included.
    """

    weights: tuple  # w_j
    biases: tuple  # b_j
    output_weights: tuple  # v_j
    output_bias: float = 0.0

    def logit(self, x: ArrayLike) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        out = np.full(x.shape, float(self.output_bias))
        with np.errstate(over="ignore"):  # w·x beyond 1e308 (far tail nodes) is ±inf: tanh gives its limit ±1
            for w, b, v in zip(self.weights, self.biases, self.output_weights, strict=True):
                out = out + v * np.tanh(w * x + b)
        return out

    def __call__(self, x: ArrayLike) -> np.ndarray:
        return sigmoid(self.logit(x))


def discriminators(
    *, kinds: Sequence[str] = ("polynomial", "network"), max_degree: int = 3, max_hidden: int = 4,
    coefficient_bound: float = 3.0,
) -> st.SearchStrategy:
    """Random discriminators: σ of a random polynomial or of a small tanh network (numpy callables).

    Args:
        kinds: ``"polynomial"`` (degree ≤ ``max_degree``; use with light-tailed pairs — a cubic logit
            against a df < 3 Student-t has E|a| = ∞) and/or ``"network"`` (bounded logit, any pair).
        max_degree, max_hidden: sizes.
        coefficient_bound: every coefficient / weight lies in [−bound, bound].
    Shrinks towards the constant logit 0 (D ≡ ½).
    """
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    bad = [k for k in kinds if k not in ("polynomial", "network")]
    if bad or not kinds:
        raise ValueError(f"parameter 'kinds' has unknown names {bad}; choose from 'polynomial', 'network'")
    coef = st.floats(-coefficient_bound, coefficient_bound)
    parts = []
    if "polynomial" in kinds:
        parts.append(st.lists(coef, min_size=1, max_size=max_degree + 1).map(lambda c: PolynomialDiscriminator(tuple(c))))
    if "network" in kinds:

        @st.composite
        def network(draw):
            h = draw(st.integers(1, max_hidden))
            col = st.lists(coef, min_size=h, max_size=h).map(tuple)
            return NetworkDiscriminator(draw(col), draw(col), draw(col), draw(coef))

        parts.append(network())
    return st.one_of(*parts)


# ----------------------------------------------------------------------------------------------------
# Logits

# Values where naive formulas break: σ(a) rounds to 1 beyond ~36.7, exp overflows beyond ~709.8,
# exp(−a) underflows to a subnormal near 745, and the largest finite doubles.
EXTREME_LOGITS = (0.0, 36.8, -36.8, 709.8, -709.8, 745.2, -745.2, 1e300, -1e300, 1.7976931348623157e308,
                  -1.7976931348623157e308)


def logits(
    *, shape: int | tuple[int, ...] | st.SearchStrategy | None = None, allow_infinity: bool = True, allow_nan: bool = False, moderate: float = 40.0
) -> st.SearchStrategy:
    """Discriminator logits: mostly moderate values in [−``moderate``, ``moderate``], plus the extreme
    values in :data:`EXTREME_LOGITS`, any finite double, and ±inf (``allow_infinity``) or NaN
    (``allow_nan``, off by default).

    Args:
        shape: ``None`` for Python floats, or an int / tuple (or a strategy of them) for float64 arrays.
    """
    parts = [
        st.floats(-moderate, moderate),
        st.sampled_from(EXTREME_LOGITS),
        st.floats(allow_nan=False, allow_infinity=False),
    ]
    if allow_infinity:
        parts.append(st.sampled_from([math.inf, -math.inf]))
    if allow_nan:
        parts.append(st.just(math.nan))
    scalar = st.one_of(*parts)
    if shape is None:
        return scalar
    return hnp.arrays(np.float64, shape, elements=scalar)
