"""Discrete pmfs: log-pmf at the atoms, support, validation of values and probs."""

import numpy as np
import pytest

from gantheory.densities import Discrete
from gantheory.errors import GanTheoryError


def test_outside_support_is_minus_inf_never_nan():
    lp = Discrete([0.0, 1.0], [0.5, 0.5]).logpdf(np.array([-1.0, 0.5, 2.0]))
    assert not np.isnan(lp).any()
    assert lp[0] == -np.inf and lp[2] == -np.inf


def test_logpmf_mean_and_cdf_are_exact_sums():
    d = Discrete([0.0, 1.0, 5.0], [0.2, 0.3, 0.5])
    np.testing.assert_array_equal(d.pdf([0.0, 1.0, 5.0, 2.0]), [0.2, 0.3, 0.5, 0.0])
    assert float(d.mean) == pytest.approx(0.3 + 2.5, rel=1e-15)
    np.testing.assert_allclose(d.cdf([-1.0, 0.0, 4.9, 5.0]), [0.0, 0.2, 0.5, 1.0], rtol=1e-15)


@pytest.mark.parametrize(
    "make,param",
    [
        (lambda: Discrete([0.0, 1.0], [0.5, 0.4]), "probs"),
        (lambda: Discrete([0.0, 0.0], [0.5, 0.5]), "values"),
        (lambda: Discrete([], []), "values"),
    ],
)
def test_bad_parameters_name_the_parameter(make, param):
    with pytest.raises(GanTheoryError, match=f"'?{param}'?"):
        make()
