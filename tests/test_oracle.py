"""The mpmath oracle: its log densities come from the DENSITIES rows and agree with the numpy ones;
its integrals are computed at the working precision throughout."""

import mpmath as mp
import numpy as np
import pytest

from gantheory.densities import DENSITIES, Beta, Mixture, Normal, StudentT
from gantheory.errors import GanTheoryError
from gantheory.oracle import mp_logpdf, reference_value

KNOWN = [
    pytest.param(example, id=f"{name}-{i}")
    for name, row in DENSITIES.items()
    if row.mp_logpdf is not None
    for i, example in enumerate(row.examples)
]
X = [-7.5, -2.0, -1.0, -0.25, 0.0, 0.5, 1.0, 1.9, 3.0, 12.0]


@pytest.mark.parametrize("density", KNOWN)
def test_mp_logpdf_agrees_with_numpy(density):
    """An independent re-implementation: agreement to 1e-13 relative (float64 rounding of the numpy side)."""
    f = mp_logpdf(density)
    ours = np.array([float(f(mp.mpf(x))) for x in X])
    np.testing.assert_allclose(ours, density.logpdf(np.array(X)), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("density", KNOWN)
def test_reference_mass_is_one(density):
    """∫ p = 1 by tanh–sinh at 30 digits over the oracle's own split points (to 1e-25)."""
    mass = reference_value(density, density, "mass_p", dps=30)
    with mp.workdps(50):
        assert abs(mass - 1) < mp.mpf("1e-25")


@pytest.mark.parametrize(
    "p,q,golden",
    [
        # Cauchy vs N(0, 1) and a symmetric bimodal mixture vs N(0, 1): JSD in nats, 45 digits (mpmath.quad
        # at 50 and 60 digits agree on every digit shown; gantheory.testing.cases carries the same values)
        (StudentT(1.0, 0.0, 1.0), Normal(0.0, 1.0), "0.0831700898279604074971120467454683624538035136"),
        (Mixture([Normal(-2.0, 0.5), Normal(2.0, 0.5)], [0.5, 0.5]), Normal(0.0, 1.0),
         "0.366294952237948991621548411646871795067075927"),
    ],
    ids=["cauchy-normal", "bimodal-normal"],
)
def test_constants_are_computed_at_the_working_precision(p, q, golden):
    """Regression: the log Γ constant of a Student t and the log weights of a mixture were formed at
    mpmath's default 15 digits, which moved these values from the 18th digit on."""
    value = reference_value(p, q, "js", dps=30)
    with mp.workdps(50):  # the comparison itself must not round to mpmath's default 15 digits
        assert abs(value - mp.mpf(golden)) < mp.mpf("1e-25")


def test_unknown_family_and_batches_are_refused():
    with pytest.raises(GanTheoryError, match="does not know Beta"):
        mp_logpdf(Beta(2.0, 3.0))
    with pytest.raises(GanTheoryError, match="batches"):
        mp_logpdf(Normal([0.0, 1.0], 1.0))
