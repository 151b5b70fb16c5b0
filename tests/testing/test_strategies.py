"""The testing kit's hypothesis strategies (gantheory.testing.strategies): shrinking, validation, ranges."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import find, given

from gantheory import Normal
from gantheory.testing.strategies import (
    densities,
    density_pairs,
    discriminators,
    logits,
)


def test_densities_shrink_to_a_standard_normal():
    assert find(densities(), lambda d: True) == Normal(0.0, 1.0)


def test_pairs_shrink_to_identical_standard_normals():
    p, q = find(density_pairs(), lambda pr: True)
    assert p == Normal(0.0, 1.0) and q == Normal(0.0, 1.0)


@given(logits())
def test_logits_are_never_nan_unless_asked(a):
    assert not math.isnan(a)


def test_logits_can_include_nan_and_infinities():
    assert math.isnan(find(logits(allow_nan=True), math.isnan))
    assert find(logits(), lambda a: a == math.inf) == math.inf
    arr = find(logits(shape=3), lambda a: np.isinf(a).any())
    assert arr.shape == (3,)


@given(discriminators(), logits(allow_infinity=False, shape=5))
def test_discriminators_output_probabilities(d, x):
    out = d(x)
    assert out.shape == x.shape and np.all((out >= 0) & (out <= 1))
    assert not np.isnan(d.logit(x)).any()


@pytest.mark.parametrize("kwargs", [{"families": ["gaussian"]}, {"kinds": ["far"]}, {"max_components": 1}])
def test_strategy_arguments_are_validated(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        (density_pairs if "kinds" in kwargs else densities)(**kwargs)
