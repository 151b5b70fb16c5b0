"""The mpmath oracle: its log densities come from the DENSITIES rows and agree with the numpy ones; its
integrals are computed at the working precision throughout, which two routes check against each other:
JSD(p‖q) = ½(C(G) + log 4) (Goodfellow et al. 2014, Thm. 1) relates two different integrands of the oracle;
a normalising constant with a 1e-16 relative error moves them apart by ~1e-19, far above the 1e-35 that
45-digit arithmetic allows.
"""

import mpmath as mp
import numpy as np
import pytest

from gantheory.cases import CASES
from gantheory.densities import DENSITIES, Mixture, Monotone, Normal, Pushforward, StudentT
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
    with pytest.raises(GanTheoryError, match="does not know Pushforward"):
        mp_logpdf(Pushforward(Normal(0.0, 1.0), Monotone.exp()))
    with pytest.raises(GanTheoryError, match="batches"):
        mp_logpdf(Normal([0.0, 1.0], 1.0))


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


def _gauss(d):
    return mp.mpf(repr(float(d.loc))), mp.mpf(repr(float(d.scale)))


def _closed_forms(p, q):
    """Gaussian closed forms (independent of the oracle's integrands): KL, χ² (∫p²/q − 1, needs 2σ_q² > σ_p²),
    H² = 2(1 − Bhattacharyya coefficient)."""
    (m1, s1), (m2, s2) = _gauss(p), _gauss(q)
    d = m1 - m2
    kl = mp.log(s2 / s1) + (s1 ** 2 + d ** 2) / (2 * s2 ** 2) - mp.mpf(1) / 2
    kl_rev = mp.log(s1 / s2) + (s2 ** 2 + d ** 2) / (2 * s1 ** 2) - mp.mpf(1) / 2
    pearson = s2 ** 2 / (s1 * mp.sqrt(2 * s2 ** 2 - s1 ** 2)) * mp.exp(d ** 2 / (2 * s2 ** 2 - s1 ** 2)) - 1
    neyman = s1 ** 2 / (s2 * mp.sqrt(2 * s1 ** 2 - s2 ** 2)) * mp.exp(d ** 2 / (2 * s1 ** 2 - s2 ** 2)) - 1
    bc = mp.sqrt(2 * s1 * s2 / (s1 ** 2 + s2 ** 2)) * mp.exp(-d ** 2 / (4 * (s1 ** 2 + s2 ** 2)))
    return {"kl": kl, "reverse_kl": kl_rev, "pearson": pearson, "neyman": neyman, "squared_hellinger": 2 * (1 - bc)}


@pytest.mark.parametrize("quantity", ["kl", "reverse_kl", "pearson", "neyman", "squared_hellinger"])
def test_f_divergence_kernels_against_gaussian_closed_forms(quantity):
    """The kernels the claims use (q·f(p/q), conventions of gantheory.divergences) at 30 digits, on a
    registered pair; the asymmetric ones must not match their mirror (a swapped kernel is caught)."""
    case = CASES["gauss-fgan-near"]
    with mp.workdps(40):
        exact = _closed_forms(case.p, case.q)
        value = reference_value(case.p, case.q, quantity, dps=30)
        assert abs(value - exact[quantity]) < mp.mpf("1e-25") * abs(exact[quantity])
        mirror = {"kl": "reverse_kl", "reverse_kl": "kl", "pearson": "neyman", "neyman": "pearson"}.get(quantity)
        if mirror is not None:
            assert abs(value - exact[mirror]) > mp.mpf("1e-3") * abs(exact[quantity])


def test_triangular_and_gan_kernels():
    """Δ(U(0,1)‖U(0,2)) = (½)²/(3/2) + (½)²/½ = 2/3 (no ½ in front); ``gan`` is C(G), the criterion's integrand."""
    from gantheory.densities import Uniform

    with mp.workdps(40):
        assert abs(reference_value(Uniform(0, 1), Uniform(0, 2), "triangular", dps=30) - mp.mpf(2) / 3) < mp.mpf("1e-25")
    case = CASES["gauss-fgan-near"]
    assert reference_value(case.p, case.q, "gan", dps=30) == reference_value(case.p, case.q, "criterion", dps=30)


def test_crossing_next_to_a_support_end_is_split():
    """TV(Beta(1.38, 2.9) ‖ U(0, 1)): p crosses q at 0.0132, between the end 0 (log p = −inf) and the next scan
    node; the oracle's scan skipped sign changes from an infinite value and integrated over the kink (1.5e-8
    off; the big fuzz found it). Golden: the closed form F(x₂) − F(x₁) − (x₂ − x₁) at the crossings
    p(x) = 1, with the regularised incomplete beta function."""
    from gantheory.densities import Beta, Uniform

    a, b = 1.3797270116912845, 2.9011509919614817
    with mp.workdps(40):
        am, bm = mp.mpf(a), mp.mpf(b)
        pdf = lambda x: x ** (am - 1) * (1 - x) ** (bm - 1) / mp.beta(am, bm)  # noqa: E731
        x1 = mp.findroot(lambda x: pdf(x) - 1, (mp.mpf("0.001"), mp.mpf("0.1")), solver="bisect")
        x2 = mp.findroot(lambda x: pdf(x) - 1, (mp.mpf("0.3"), mp.mpf("0.9")), solver="bisect")
        exact = mp.betainc(am, bm, x1, x2, regularized=True) - (x2 - x1)
        value = reference_value(Beta(a, b), Uniform(0.0, 1.0), "total_variation", dps=30, binary=True)
        assert abs(value - exact) < mp.mpf("1e-20")
        assert abs(mp.mpf("0.29998937381595290695") - exact) > mp.mpf("1e-9")  # the old answer is rejected


def test_crossing_next_to_a_root_type_end_is_split():
    """TV(U(0, 1) ‖ Beta(2, 1.25)): q crosses p = 1 at 0.98287, next to the end 1 where q ~ (1 − x)^¼; the oracle
    gave 0.195443171 (3.3e-8 off; found while speeding up the engine). Golden: the closed form
    F(x₂) − F(x₁) − (x₂ − x₁) at the crossings q(x) = 1, with the regularised incomplete beta function."""
    from gantheory.densities import Beta, Uniform

    with mp.workdps(40):
        a, b = mp.mpf(2), mp.mpf("1.25")
        pdf = lambda x: x ** (a - 1) * (1 - x) ** (b - 1) / mp.beta(a, b)  # noqa: E731
        x1 = mp.findroot(lambda x: pdf(x) - 1, (mp.mpf("0.1"), mp.mpf("0.6")), solver="bisect")
        x2 = mp.findroot(lambda x: pdf(x) - 1, (mp.mpf("0.9"), mp.mpf("0.999")), solver="bisect")
        exact = mp.betainc(a, b, x1, x2, regularized=True) - (x2 - x1)
        value = reference_value(Uniform(0.0, 1.0), Beta(2.0, 1.25), "total_variation", dps=30, binary=True)
        assert abs(value - exact) < mp.mpf("1e-20")
        assert abs(mp.mpf("0.195443171") - exact) > mp.mpf("1e-8")  # the old answer is rejected
