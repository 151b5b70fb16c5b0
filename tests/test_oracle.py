"""The mpmath oracle agrees with itself along two routes at full precision — the check that found its
densities' constants built at 15 digits.

JSD(p‖q) = ½(C(G) + log 4) (Goodfellow et al. 2014, Thm. 1) relates two different integrands of the
oracle; a normalising constant with a 1e-16 relative error moves them apart by ~1e-19 (they respond to it
differently), far above the 1e-35 that 45-digit arithmetic allows.
"""

from __future__ import annotations

import mpmath as mp
import pytest

from gantheory.cases import CASES
from gantheory.oracle import mp_logpdf, reference_value


def _routes_agree(p, q, dps=45, rtol="1e-35"):
    with mp.workdps(dps + 5):
        rtol = mp.mpf(rtol)
        js = reference_value(p, q, "js", dps=dps)
        via_criterion = (reference_value(p, q, "criterion", dps=dps) + mp.log(4)) / 2
        return abs(js - via_criterion) <= rtol * abs(js)


# the testing kit's oracle-valued pairs: a Gaussian, a Student t (log Γ constants), a mixture (log weights)
CHEAP = [name for name, case in CASES.items()
         if "gan_pair" in case.tags and "js" in case.source and "mpmath" in case.source["js"]]


@pytest.mark.parametrize("name", CHEAP)
def test_js_and_criterion_routes_agree_to_35_digits(name):
    case = CASES[name]
    assert _routes_agree(case.p, case.q)


def test_negative_control_constants_at_double_precision_are_caught():
    """Build the log-densities at the default 15 digits (the old behaviour) and the routes part at ~1e-19."""
    case = CASES["cauchy-vs-normal"]
    lp, lq = mp_logpdf(case.p), mp_logpdf(case.q)  # constants at mp.dps = 15

    def value(kernel):
        with mp.workdps(45):
            f = lambda x: kernel(mp.exp(lp(x)), mp.exp(lq(x)))  # noqa: E731
            return mp.quad(f, [mp.ninf, -40, -8, -1, 0, 1, 8, 40, mp.inf], maxdegree=10)

    with mp.workdps(50):
        js = value(lambda a, b: (a * mp.log(2 * a / (a + b)) + b * mp.log(2 * b / (a + b))) / 2)
        crit = value(lambda a, b: a * mp.log(a / (a + b)) + b * mp.log(b / (a + b)))
        assert abs(js - (crit + mp.log(4)) / 2) > mp.mpf("1e-35") * js


def test_the_oracle_reads_parameters_as_the_decimals_written():
    """Normal(0, 0.7) is the pair with σ = 7/10 (the float's shortest repr), not the binary float nearest
    to it, which differs from 7/10 in the 17th digit: the golden values are those of the decimals written."""
    from gantheory import Normal

    with mp.workdps(45):
        lp0 = mp_logpdf(Normal(0.0, 0.7))(mp.mpf(0))
        half_log_2pi = mp.log(2 * mp.pi) / 2
        assert abs(lp0 - (-mp.log(mp.mpf("0.7")) - half_log_2pi)) < mp.mpf("1e-40")
        assert abs(lp0 - (-mp.log(mp.mpf(0.7)) - half_log_2pi)) > mp.mpf("1e-18")  # mp.mpf(0.7): the binary float
