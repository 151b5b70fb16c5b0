"""The Density contract, checked on every example of every family in DENSITIES.

A new family inherits these checks by adding its row: logpdf is never NaN and is −inf off the support,
sample has shape (n, *batch_shape), the density integrates to 1 by certified quadrature, a batch
broadcasts like its members, and a bad value of each constructor parameter raises a GanTheoryError
that names it.
"""

import math

import numpy as np
import pytest

from gantheory.densities import DENSITIES, FiniteSupport
from gantheory.errors import GanTheoryError
from gantheory.quadrature import integrate
from gantheory.tolerances import TOLERANCES

EXAMPLES = [
    pytest.param(row, example, id=f"{name}-{i}")
    for name, row in DENSITIES.items()
    for i, example in enumerate(row.examples)
]
POINTS = np.concatenate([np.linspace(-30.0, 30.0, 121), [-1e300, -1e6, 0.0, 1.0, 1e6, 1e300, -np.inf, np.inf]])


def _outside_points(density):
    """Points off the support: just beyond finite ends; between the atoms of a pmf."""
    support = density.support
    if isinstance(support, FiniteSupport):
        atoms = np.unique(support.values)
        between = (atoms[:-1] + atoms[1:]) / 2 if atoms.size > 1 else np.array([])
        return np.concatenate([[atoms[0] - 1.0, atoms[-1] + 1.0], between])
    low, high = float(support.low), float(support.high)
    pts = [low - 1.0] if math.isfinite(low) else []
    pts += [high + 1.0] if math.isfinite(high) else []
    return np.asarray(pts)


@pytest.mark.parametrize("row,density", EXAMPLES)
def test_logpdf_is_never_nan(row, density):
    with np.errstate(all="ignore"):
        lp = density.logpdf(POINTS)
    assert lp.shape == POINTS.shape
    assert not np.isnan(lp).any(), POINTS[np.isnan(lp)]
    assert not np.isposinf(lp).any()


@pytest.mark.parametrize("row,density", EXAMPLES)
def test_logpdf_is_minus_inf_outside_the_support(row, density):
    x = _outside_points(density)
    assert not np.any(density.support.contains(x))
    with np.errstate(all="ignore"):
        lp = density.logpdf(x)
    assert np.all(lp == -np.inf), dict(zip(x.tolist(), lp.tolist(), strict=True))
    # and every density vanishes at ±∞ (the closed support of an unbounded family contains them)
    assert np.all(density.logpdf([-np.inf, np.inf]) == -np.inf)


@pytest.mark.parametrize("row,density", EXAMPLES)
def test_sample_shape_and_support(row, density):
    draws = density.sample(50, rng=0)
    assert draws.shape == (50, *density.batch_shape)
    assert np.all(density.support.contains(draws))
    np.testing.assert_array_equal(draws, density.sample(50, rng=0))  # a seed reproduces the draws


@pytest.mark.parametrize("row,density", EXAMPLES)
def test_integrates_to_one(row, density):
    """∫ p dμ = 1 (Lebesgue, or counting measure at the atoms of a pmf), certified by the quadrature
    engine to its own tolerance (quadrature_atol), which its mass check ties to mass_atol."""
    result = integrate(lambda x, lp, lq: np.exp(lp), density, density, name=f"mass of {density!r}")
    assert result.certified
    assert abs(result.value - 1.0) <= TOLERANCES["quadrature_atol"]


@pytest.mark.parametrize("row,density", EXAMPLES)
def test_a_batch_broadcasts_like_its_members(row, density):
    batch = density.broadcast_to((3,))
    assert batch.batch_shape == (3,)
    assert len(batch) == 3
    x = np.linspace(-4.0, 4.0, 17)
    with np.errstate(all="ignore"):
        single, batched, member = density.logpdf(x), batch.logpdf(x[:, None]), batch[1].logpdf(x)
    assert batched.shape == (17, 3)
    # exact: broadcasting copies parameters, the arithmetic per point is the same
    np.testing.assert_array_equal(batched, np.broadcast_to(single[:, None], (17, 3)))
    np.testing.assert_array_equal(member, single)
    assert batch.sample(4, rng=1).shape == (4, 3)


@pytest.mark.parametrize("row", [pytest.param(r, id=n) for n, r in DENSITIES.items()])
@pytest.mark.parametrize("bad", [math.nan, "abc"], ids=["nan", "str"])
def test_a_bad_parameter_is_named(row, bad):
    """Replacing any one constructor parameter of a valid example by junk raises a GanTheoryError
    naming that parameter (the row's ``parameters`` are also the instance's attributes)."""
    example = row.examples[0]
    kwargs = {name: getattr(example, name) for name in row.parameters}
    row.cls(**kwargs)  # the attributes rebuild the example
    for name in row.parameters:
        with pytest.raises(GanTheoryError, match=f"'{name}'"):
            row.cls(**{**kwargs, name: bad})


@pytest.mark.parametrize("row", [pytest.param(r, id=n) for n, r in DENSITIES.items() if r.accepts is not None])
def test_accepts_agrees_with_the_examples(row):
    """The fuzz suite's statement of the parameter domain accepts the family's own examples."""
    for example in row.examples:
        assert row.accepts(*(float(getattr(example, n)) for n in row.parameters))
