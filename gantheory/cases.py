r"""Named density pairs, each carrying its exact answers and where they came from.

Used by the tests, the benchmarks and the CLI alike. ``expected`` maps a quantity (``js``, ``kl``,
``criterion``, ``total_variation``) to its value in nats; ``source`` says how each value was obtained —
a closed form from :mod:`gantheory.closed_forms`, or :mod:`gantheory.oracle` (mpmath tanh–sinh at 45
digits; the strings below were printed by ``python -m gantheory.cases`` and are re-derived by
``tests/test_cases.py``). No value here was produced by :mod:`gantheory.quadrature`.

``criterion`` is always filled from ``js`` by Theorem 1 (C = −log 4 + 2·JSD) unless a case states it
otherwise, so a test of ``criterion`` against it checks Theorem 1 as well as the integrator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from gantheory import closed_forms as cf
from gantheory.densities import Density, Discrete, Laplace, Mixture, Normal, StudentT, Uniform

__all__ = ["CASES", "Case"]

LOG2 = math.log(2.0)


@dataclass(frozen=True)
class Case:
    """A pair (p_data, p_g) with expected values and their provenance."""

    name: str
    p: Density
    q: Density
    expected: dict
    source: dict
    tags: tuple = field(default=())


def _case(name, p, q, tags=(), **values):
    expected, source = {}, {}
    for quantity, (value, origin) in values.items():
        expected[quantity] = float(value)
        source[quantity] = origin
    if "js" in expected and "criterion" not in expected:
        expected["criterion"] = -math.log(4.0) + 2.0 * expected["js"]
        source["criterion"] = f"Thm 1 from js ({source['js']})"
    return Case(name, p, q, expected, source, tuple(tags))


_MP = "mpmath tanh-sinh, 45 digits (gantheory.oracle)"

_FIVE_A = Mixture([Normal(-8, 0.3), Normal(-3, 1.2), Normal(0, 0.05), Normal(4, 2.0), Normal(9, 0.7)],
                  [0.1, 0.25, 0.2, 0.3, 0.15])
_FIVE_B = Mixture([Normal(-6, 0.8), Normal(-1, 0.1), Normal(2, 1.5), Normal(5, 0.02), Normal(12, 3.0)],
                  [0.2, 0.2, 0.25, 0.15, 0.2])
_D1 = ([0.0, 1.0, 2.0], [0.2, 0.3, 0.5])
_D2 = ([1.0, 2.0, 3.0], [0.5, 0.25, 0.25])

CASES: dict[str, Case] = {
    c.name: c
    for c in [
        _case("identical-normal", Normal(0, 1), Normal(0, 1), ("identical",),
              js=(0.0, "definition: p = q"), kl=(0.0, "definition: p = q"), total_variation=(0.0, "p = q")),
        _case("identical-mixture", _FIVE_A, _FIVE_A, ("identical", "mixture"),
              js=(0.0, "definition: p = q"), kl=(0.0, "definition: p = q")),
        _case("shifted-normal", Normal(0, 1), Normal(1, 1), ("overlapping",),
              js=("0.1114214821847361797172368122175602442556", _MP),
              kl=(cf.kl_normal(0, 1, 1, 1), "closed form kl_normal"),
              total_variation=(cf.tv_normal_equal_scale(0, 1, 1), "closed form 2Φ(Δ/2σ) − 1")),
        _case("narrow-far-apart", Normal(-5, 0.01), Normal(5, 0.01), ("narrow", "nearly-disjoint"),
              js=("0.6931471805599453094172321214581765680755", _MP),
              kl=(cf.kl_normal(-5, 0.01, 5, 0.01), "closed form kl_normal")),
        _case("narrow-bimodal-vs-standard", Mixture([Normal(-3, 0.01), Normal(3, 0.01)], [0.5, 0.5]), Normal(0, 1),
              ("narrow", "mixture"), js=("0.6906880698920983487195243752303915537892", _MP)),
        _case("scale-ratio-1000", Normal(0, 1), Normal(0, 1000), ("scale-ratio",),
              js=("0.684565979605823223176856408296794027286", _MP),
              kl=(cf.kl_normal(0, 1, 0, 1000), "closed form kl_normal")),
        _case("scale-ratio-500-shifted", Normal(2, 0.01), Normal(0, 5), ("scale-ratio", "narrow"),
              js=("0.6790472559752604716938150812504138721863", _MP),
              kl=(cf.kl_normal(2, 0.01, 0, 5), "closed form kl_normal")),
        _case("cauchy-vs-normal", StudentT(1), Normal(0, 1), ("heavy-tail",),
              js=("0.08317008982796040777490224891236985070335", _MP),
              kl=(math.inf, "p ~ 1/x² against log q ~ −x²/2: ∫ p log(p/q) diverges")),
        _case("student-t-heavy", StudentT(1.5), StudentT(2, 1, 3), ("heavy-tail",),
              js=("0.09612775568825235165515314529717075167738", _MP)),
        _case("five-component-mixtures", _FIVE_A, _FIVE_B, ("mixture", "narrow"),
              js=("0.369111107512079462226331239066336241584", _MP)),
        _case("mixture-vs-its-component", Mixture([Normal(0, 1), Normal(0, 1e-3)], [0.999, 0.001]), Normal(0, 1),
              ("mixture", "narrow"), js=("0.00006398645960110621410248533649758751448476", _MP)),
        _case("uniform-partial-overlap", Uniform(0, 1), Uniform(0.5, 1.5), ("uniform",),
              js=(cf.js_uniform(0, 1, 0.5, 1.5), "closed form js_uniform"), kl=(math.inf, "support not nested"),
              total_variation=(0.5, "½(0.5 + 0.5)")),
        _case("uniform-nested", Uniform(0, 1), Uniform(-1, 2), ("uniform",),
              js=(cf.js_uniform(0, 1, -1, 2), "closed form js_uniform"),
              kl=(cf.kl_uniform(0, 1, -1, 2), "closed form log(3/1)"),
              total_variation=(2.0 / 3.0, "½(1 − 1/3) + ½(2/3)")),
        _case("uniform-disjoint", Uniform(0, 1), Uniform(2, 3), ("uniform", "disjoint"),
              js=(LOG2, "disjoint supports"), criterion=(0.0, "disjoint supports: C = 0"),
              kl=(math.inf, "disjoint supports"), total_variation=(1.0, "disjoint supports")),
        _case("laplace-pair", Laplace(0, 1), Laplace(1.5, 2), ("laplace",),
              kl=(cf.kl_laplace(0, 1, 1.5, 2), "closed form kl_laplace")),
        _case("discrete-pmfs", Discrete(*_D1), Discrete(*_D2), ("discrete",),
              js=(cf.js_discrete(*_D1, *_D2), "exact sum js_discrete"), kl=(cf.kl_discrete(*_D1, *_D2), "exact sum")),
        # The pairs of the claim checks (gantheory.claims): unequal scales, a narrow far mode, wide apart,
        # and a non-Gaussian pair.
        _case("gauss-unequal-scale", Normal(0, 1), Normal(1, 1.5), ("claims", "overlapping"),
              js=("0.09929009660078175974782567599736753669747", _MP),
              kl=(cf.kl_normal(0, 1, 1, 1.5), "closed form kl_normal")),
        _case("gauss-narrow-far", Normal(0, 1), Normal(3, 0.5), ("claims", "narrow"),
              js=("0.6308679872205388467002493969122380473891", _MP),
              kl=(cf.kl_normal(0, 1, 3, 0.5), "closed form kl_normal")),
        _case("gauss-wide-apart", Normal(-2, 0.7), Normal(2, 2), ("claims", "scale-ratio"),
              js=("0.5248371504870196494517837935876943613772", _MP),
              kl=(cf.kl_normal(-2, 0.7, 2, 2), "closed form kl_normal")),
        _case("mixture-vs-laplace", Mixture([Normal(-2.0, 0.5), Normal(1.5, 0.8)], [0.3, 0.7]), Laplace(0.5, 1.2),
              ("claims", "mixture", "laplace"), js=("0.1203279412488379575601806120887171277393", _MP)),
        _case("discrete-vs-continuous", Discrete(*_D1), Normal(0, 1), ("discrete", "disjoint"),
              js=(LOG2, "mutually singular measures"), kl=(math.inf, "p not absolutely continuous w.r.t. q")),
    ]
}


def _main():  # pragma: no cover - regenerates the mpmath strings above
    import mpmath as mp

    from gantheory.oracle import reference_value

    for case in CASES.values():
        if case.source.get("js") == _MP:
            print(repr(case.name), mp.nstr(reference_value(case.p, case.q, "js", dps=45), 40))


if __name__ == "__main__":  # pragma: no cover
    _main()

