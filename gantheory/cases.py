r"""Named density pairs, each carrying its exact answers and where they came from.

Used by the tests, the benchmarks, the claims and the testing kit alike (the kit's
:data:`gantheory.testing.cases.GAN_PAIRS` is the view of the cases tagged ``gan_pair``, under the names in
``Case.aliases``). ``expected`` maps a quantity (``js``, ``kl``, ``criterion``, ``total_variation``) to its
value in nats; ``source`` says how each value was obtained — a closed form from
:mod:`gantheory.closed_forms`, or :data:`MPMATH`, i.e. :func:`gantheory.oracle.reference_value` (mpmath
tanh–sinh at 45 digits; the strings below were printed by ``python -m gantheory.cases``, are kept verbatim
in ``Case.digits`` and are re-derived, every digit, by ``tests/test_cases.py``). No value here was produced
by :mod:`gantheory.quadrature`.

``criterion`` is always filled from ``js`` by Theorem 1 (C = −log 4 + 2·JSD) unless a case states it
otherwise, so a test of ``criterion`` against it checks Theorem 1 as well as the integrator.

The golden digits are those of the parameters as written (σ = 0.7 is 7/10, which the oracle reads from the
float's shortest repr), not of the nearest binary floats; the two differ from about the 17th digit, far
below any float64 tolerance.

>>> case = CASES["shifted-normal"]
>>> case.digits["js"], case.source["js"] == MPMATH
('0.1114214821847361797172368122175602442556', True)
>>> p, q = case
>>> list(tagged("stationarity"))
['gauss-unequal-scale', 'gauss-narrow-far', 'mixture-vs-laplace', 'gauss-wide-apart']
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from gantheory import closed_forms as cf
from gantheory.densities import (
    Beta,
    Density,
    Discrete,
    Laplace,
    Mixture,
    Normal,
    StudentT,
    Uniform,
)
from gantheory.numerics import LOG2, LOG4

__all__ = ["CASES", "MPMATH", "Case", "tagged"]


@dataclass(frozen=True)
class Case:
    """A pair (p_data, p_g) with expected values and their provenance.

    ``digits`` keeps the decimal string of every value given as one (the oracle's golden digits, more
    than a float holds); ``aliases`` are other names the pair is known by (the testing kit's
    ``GAN_PAIRS`` key for the cases tagged ``gan_pair``).
    """

    name: str
    p: Density
    q: Density
    expected: dict
    source: dict
    tags: tuple = field(default=())
    digits: dict = field(default_factory=dict)
    aliases: tuple = field(default=())

    def __iter__(self) -> Iterator[Density]:  # p, q = case
        return iter((self.p, self.q))


def _case(name, p, q, tags=(), aliases=(), **values):
    expected, source, digits = {}, {}, {}
    for quantity, (value, origin) in values.items():
        expected[quantity] = float(value)
        source[quantity] = origin
        if isinstance(value, str):
            digits[quantity] = value
    if "js" in expected and "criterion" not in expected:
        expected["criterion"] = -LOG4 + 2.0 * expected["js"]  # Goodfellow et al. (2014), Thm. 1
        source["criterion"] = f"Thm 1 from js ({source['js']})"
    return Case(name, p, q, expected, source, tuple(tags), digits, tuple(aliases))


MPMATH = "mpmath tanh-sinh, 45 digits (gantheory.oracle)"
_MP = MPMATH

_FIVE_A = Mixture([Normal(-8, 0.3), Normal(-3, 1.2), Normal(0, 0.05), Normal(4, 2.0), Normal(9, 0.7)],
                  [0.1, 0.25, 0.2, 0.3, 0.15])
_FIVE_B = Mixture([Normal(-6, 0.8), Normal(-1, 0.1), Normal(2, 1.5), Normal(5, 0.02), Normal(12, 3.0)],
                  [0.2, 0.2, 0.25, 0.15, 0.2])
_FIXED_MIXTURE = Mixture([Normal(-2.0, 0.5), Normal(2.0, 0.8)], weights=[0.3, 0.7])
_D1 = ([0.0, 1.0, 2.0], [0.2, 0.3, 0.5])
_D2 = ([1.0, 2.0, 3.0], [0.5, 0.25, 0.25])

CASES: dict[str, Case] = {
    c.name: c
    for c in [
        _case("identical-normal", Normal(0, 1), Normal(0, 1), ("identical", "gan_pair"), ("identical",),
              js=(0.0, "definition: p = q"), kl=(0.0, "definition: p = q"), total_variation=(0.0, "definition: p = q")),
        _case("identical-mixture", _FIVE_A, _FIVE_A, ("identical", "mixture"),
              js=(0.0, "definition: p = q"), kl=(0.0, "definition: p = q")),
        _case("shifted-normal", Normal(0, 1), Normal(1, 1), ("overlapping", "gan_pair"), ("shifted_normal",),
              js=("0.1114214821847361797172368122175602442556", _MP),
              kl=(cf.kl_normal(0, 1, 1, 1), "closed form kl_normal"),
              total_variation=(cf.tv_normal_equal_scale(0, 1, 1), "closed form tv_normal_equal_scale (= 2Φ(Δ/2σ) − 1)")),
        _case("narrow-far-apart", Normal(-5, 0.01), Normal(5, 0.01), ("narrow", "nearly-disjoint"),
              js=("0.6931471805599453094172321214581765680755", _MP),
              kl=(cf.kl_normal(-5, 0.01, 5, 0.01), "closed form kl_normal")),
        _case("narrow-bimodal-vs-standard", Mixture([Normal(-3, 0.01), Normal(3, 0.01)], [0.5, 0.5]), Normal(0, 1),
              ("narrow", "mixture"), js=("0.6906880698920983407345050584164963919271", _MP)),
        _case("scale-ratio-1000", Normal(0, 1), Normal(0, 1000), ("scale-ratio",),
              js=("0.684565979605823223176856408296794027286", _MP),
              kl=(cf.kl_normal(0, 1, 0, 1000), "closed form kl_normal")),
        _case("scale-ratio-500-shifted", Normal(2, 0.01), Normal(0, 5), ("scale-ratio", "narrow"),
              js=("0.6790472559752604719294103794674741584002", _MP),
              kl=(cf.kl_normal(2, 0.01, 0, 5), "closed form kl_normal")),
        _case("cauchy-vs-normal", StudentT(1), Normal(0, 1), ("heavy-tail", "gan_pair"), ("heavy_tailed",),
              js=("0.0831700898279604074971120467454683624538", _MP),  # the kit's old value was wrong from digit 18
              kl=(math.inf, "p ~ 1/x² against log q ~ −x²/2: ∫ p log(p/q) diverges")),
        _case("student-t-heavy", StudentT(1.5), StudentT(2, 1, 3), ("heavy-tail",),
              js=("0.0961277556882523534774556745926610736483", _MP)),
        _case("bimodal-vs-standard", Mixture([Normal(-2, 0.5), Normal(2, 0.5)], [0.5, 0.5]), Normal(0, 1),
              ("mixture", "gan_pair"), ("bimodal",),
              # the kit's old value was wrong from digit 18
              js=("0.3662949522379489916215484116468717950671", _MP)),
        _case("five-component-mixtures", _FIVE_A, _FIVE_B, ("mixture", "narrow"),
              js=("0.3691111075120794365580828593817589061216", _MP)),
        _case("mixture-vs-its-component", Mixture([Normal(0, 1), Normal(0, 1e-3)], [0.999, 0.001]), Normal(0, 1),
              ("mixture", "narrow"), js=("0.00006398645960110618866196996681644071861882", _MP)),
        _case("uniform-partial-overlap", Uniform(0, 1), Uniform(0.5, 1.5), ("uniform",),
              js=(cf.js_uniform(0, 1, 0.5, 1.5), "closed form js_uniform"), kl=(math.inf, "support not nested"),
              total_variation=(0.5, "½(0.5 + 0.5)")),
        _case("uniform-nested", Uniform(0, 1), Uniform(-1, 2), ("uniform",),
              js=(cf.js_uniform(0, 1, -1, 2), "closed form js_uniform"),
              kl=(cf.kl_uniform(0, 1, -1, 2), "closed form kl_uniform (= log 3)"),
              total_variation=(2.0 / 3.0, "½(1 − 1/3) + ½(2/3)")),
        _case("uniform-nested-at-edge", Uniform(0, 1), Uniform(0, 2), ("uniform", "gan_pair"), ("nested_uniform",),
              js=(cf.js_uniform(0, 1, 0, 2), "closed form js_uniform (= ¾ log(4/3))"),
              kl=(cf.kl_uniform(0, 1, 0, 2), "closed form kl_uniform (= log 2)"),
              total_variation=(0.5, "½(½ + ½): p − q = ½ on [0, 1], q = ½ on [1, 2]")),
        _case("uniform-disjoint", Uniform(0, 1), Uniform(2, 3), ("uniform", "disjoint", "gan_pair"), ("disjoint_uniform",),
              js=(LOG2, "disjoint supports"), criterion=(0.0, "disjoint supports: C = 0"),
              kl=(math.inf, "disjoint supports"), total_variation=(1.0, "disjoint supports")),
        _case("laplace-pair", Laplace(0, 1), Laplace(1.5, 2), ("laplace",),
              kl=(cf.kl_laplace(0, 1, 1.5, 2), "closed form kl_laplace")),
        _case("discrete-pmfs", Discrete(*_D1), Discrete(*_D2), ("discrete", "gan_pair"), ("discrete",),
              js=(cf.js_discrete(*_D1, *_D2), "closed form js_discrete (exact sum)"), kl=(cf.kl_discrete(*_D1, *_D2), "closed form kl_discrete (exact sum)")),
        # The pairs of the claim checks (gantheory.claims). Tagged ``stationarity``, in this order (the quick
        # profile takes the first three): unequal scales, a narrow far mode, a non-Gaussian pair, wide apart.
        _case("gauss-unequal-scale", Normal(0, 1), Normal(1, 1.5), ("claims", "stationarity", "overlapping"),
              js=("0.09929009660078175974782567599736753669747", _MP),
              kl=(cf.kl_normal(0, 1, 1, 1.5), "closed form kl_normal")),
        _case("gauss-narrow-far", Normal(0, 1), Normal(3, 0.5), ("claims", "stationarity", "narrow"),
              js=("0.6308679872205388467002493969122380473891", _MP),
              kl=(cf.kl_normal(0, 1, 3, 0.5), "closed form kl_normal")),
        _case("mixture-vs-laplace", Mixture([Normal(-2.0, 0.5), Normal(1.5, 0.8)], [0.3, 0.7]), Laplace(0.5, 1.2),
              ("claims", "stationarity", "mixture", "laplace"),
              js=("0.1203279412488379714972186506236495768892", _MP)),
        _case("gauss-wide-apart", Normal(-2, 0.7), Normal(2, 2), ("claims", "stationarity", "scale-ratio"),
              js=("0.524837150487019641581929820399239384549", _MP),
              kl=(cf.kl_normal(-2, 0.7, 2, 2), "closed form kl_normal")),
        # The trained-discriminator variants (label smoothing, least squares): two unit Gaussians 2 apart.
        _case("gauss-shifted-by-2", Normal(0, 1), Normal(2, 1), ("claims", "trained-discriminator", "overlapping"),
              js=("0.3368308203468316120048047999828928066701", _MP),
              kl=(cf.kl_normal(0, 1, 2, 1), "closed form kl_normal")),
        # The f-GAN variational bounds (Nowozin et al. 2016): two overlapping pairs, near and crossed.
        _case("gauss-fgan-near", Normal(0, 1), Normal(0.5, 1.2), ("claims", "f-divergence", "overlapping"),
              js=("0.03209689197460937852243421865043169261499", _MP),
              kl=(cf.kl_normal(0, 1, 0.5, 1.2), "closed form kl_normal")),
        _case("gauss-fgan-crossed", Normal(0.3, 0.9), Normal(-0.4, 1.1), ("claims", "f-divergence", "overlapping"),
              js=("0.06462368171483595331539871143440658875597", _MP),
              kl=(cf.kl_normal(0.3, 0.9, -0.4, 1.1), "closed form kl_normal")),
        # The envelope theorem's generators against p_data = N(0, 1) (with gauss-unequal-scale, gauss-fgan-near).
        _case("gauss-envelope-narrow", Normal(0, 1), Normal(-0.5, 0.7), ("claims", "envelope", "overlapping"),
              js=("0.0648124126931626781491009478968616706124", _MP),
              kl=(cf.kl_normal(0, 1, -0.5, 0.7), "closed form kl_normal")),
        _case("gauss-envelope-left", Normal(0, 1), Normal(-1, 0.8), ("claims", "envelope", "overlapping"),
              js=("0.139495501039656926575586349824496012834", _MP),
              kl=(cf.kl_normal(0, 1, -1, 0.8), "closed form kl_normal")),
        # Prop. 2's path in function space starts at p_g = Laplace(3, 1.5), p_data a two-mode mixture.
        _case("function-space-path", Mixture([Normal(-2.0, 0.6), Normal(1.5, 0.9)], [0.4, 0.6]), Laplace(3.0, 1.5),
              ("claims", "mixture", "laplace"), js=("0.2641612608386008972223180295959812477366", _MP)),
        # Algorithm 1's fixed point p_g = p_data, for four non-Gaussian targets.
        _case("fixed-point-mixture", _FIXED_MIXTURE, _FIXED_MIXTURE, ("claims", "fixed-point", "identical", "mixture"),
              js=(0.0, "definition: p = q"), kl=(0.0, "definition: p = q")),
        _case("fixed-point-laplace", Laplace(0.5, 1.2), Laplace(0.5, 1.2), ("claims", "fixed-point", "identical"),
              js=(0.0, "definition: p = q"), kl=(0.0, "definition: p = q")),
        _case("fixed-point-beta", Beta(2.0, 5.0), Beta(2.0, 5.0), ("claims", "fixed-point", "identical"),
              js=(0.0, "definition: p = q"), kl=(0.0, "definition: p = q")),
        _case("fixed-point-student-t", StudentT(3.0), StudentT(3.0), ("claims", "fixed-point", "identical", "heavy-tail"),
              js=(0.0, "definition: p = q"), kl=(0.0, "definition: p = q")),
        _case("discrete-vs-continuous", Discrete(*_D1), Normal(0, 1), ("discrete", "disjoint"),
              js=(LOG2, "mutually singular measures"), kl=(math.inf, "p not absolutely continuous w.r.t. q")),
    ]
}


def _main():  # pragma: no cover - regenerates the mpmath strings above
    import mpmath as mp

    from gantheory.oracle import reference_value

    for case in CASES.values():
        for quantity, origin in case.source.items():
            if origin == MPMATH:
                print(repr(case.name), quantity, mp.nstr(reference_value(case.p, case.q, quantity, dps=45), 40))


if __name__ == "__main__":  # pragma: no cover
    _main()



def tagged(tag: str) -> dict[str, Case]:
    """The cases carrying ``tag`` (e.g. ``"claims"``, ``"gan_pair"``, ``"mixture"``), in registry order.

    >>> list(tagged("gan_pair"))[:2]
    ['identical-normal', 'shifted-normal']
    """
    return {name: case for name, case in CASES.items() if tag in case.tags}
