"""The case registry re-derived: every golden digit, every closed form, and the testing kit's view of it.

Routes, each independent of :mod:`gantheory.quadrature`:

- values sourced from the oracle (:data:`gantheory.cases.MPMATH`) are recomputed with
  :func:`gantheory.oracle.reference_value` at 45 digits and must agree with the stored string to one
  unit in its last stored digit (the strings keep 40 significant digits, so this is ≤ 1e-39 relative,
  far inside the 1e-30 asked of the registry);
- closed-form values are recomputed twice: from :mod:`gantheory.closed_forms` with the parameters read
  back from the pair (the source names the function), and from the oracle at 30 digits to 1e-13 relative;
- exact sums over pmfs are recomputed in mpmath at 45 digits;
- values by definition (p = q) are checked to be about identical pairs.

The five-component mixture pair costs 15–25 s of oracle time and is marked slow; every other value is
re-derived by default (~1–5 s each, ~40 s in all on a shared 2-core machine).
"""

from __future__ import annotations

import math

import mpmath as mp
import pytest

from gantheory import closed_forms as cf
from gantheory.cases import CASES, MPMATH, tagged
from gantheory.densities import Discrete, Laplace, Normal, Uniform
from gantheory.oracle import reference_value
from gantheory.testing.cases import GAN_PAIRS, GanPair

DPS = 45

def _components(d) -> int:
    return len(getattr(d, "components", ())) or 1


def _cost_marks(case):
    """The oracle's cost grows with the split points, i.e. with the number of components: the one pair
    with ten of them (~15–25 s at 45 digits) runs with --run-slow; every other golden value by default."""
    return [pytest.mark.slow] if _components(case.p) + _components(case.q) > 4 else []


GOLDEN = [pytest.param(name, quantity, id=f"{name}-{quantity}", marks=_cost_marks(case))
          for name, case in CASES.items() for quantity, origin in case.source.items() if origin == MPMATH]
CLOSED = [(name, quantity) for name, case in CASES.items() for quantity, origin in case.source.items()
          if origin.startswith("closed form") and math.isfinite(case.expected[quantity])]
DEFINITION = [(name, quantity) for name, case in CASES.items() for quantity, origin in case.source.items()
              if origin.startswith("definition")]


def agrees_to_stored_digits(stored: str, reference) -> bool:
    """|stored − reference| ≤ one unit in the last significant digit of ``stored`` (a decimal string);
    ``reference`` is an mpf or a decimal string."""
    with mp.workdps(DPS + 10):
        value, reference = mp.mpf(stored), mp.mpf(reference)
        mantissa = stored.lstrip("-").replace(".", "").lstrip("0")
        if not mantissa:
            return abs(reference) <= mp.mpf(10) ** -DPS
        exponent = mp.floor(mp.log10(abs(value)))
        unit = mp.mpf(10) ** (exponent - len(mantissa) + 1)
        return abs(value - reference) <= unit


def _changed_digit(stored: str, position: int) -> str:
    """``stored`` with its ``position``-th significant digit (1-based) changed by 5 (mod 10)."""
    seen = 0
    for i, ch in enumerate(stored):
        if ch.isdigit() and (seen or ch != "0"):
            seen += 1
            if seen == position:
                return stored[:i] + str((int(ch) + 5) % 10) + stored[i + 1:]
    raise ValueError(f"{stored!r} has fewer than {position} significant digits")


@pytest.mark.parametrize("name,quantity", GOLDEN)
def test_every_golden_digit_rederived_by_the_oracle(name, quantity):
    case = CASES[name]
    stored = case.digits[quantity]
    assert len(stored.lstrip("0.").replace(".", "")) >= 30, f"{name}: a golden value keeps ≥ 30 digits"
    assert mp.mpf(stored) == pytest.approx(case.expected[quantity], rel=1e-15)  # the float is the string's
    reference = reference_value(case.p, case.q, quantity, dps=DPS)
    assert agrees_to_stored_digits(stored, reference), (name, stored, mp.nstr(reference, 42))


def test_negative_control_a_changed_digit_is_rejected():
    """The same comparison rejects the value with one digit changed — at digit 18 (where the registry's
    values were wrong before the oracle built its constants at full precision) and at the last digit."""
    case = CASES["shifted-normal"]
    stored = case.digits["js"]
    reference = reference_value(case.p, case.q, "js", dps=DPS)
    assert agrees_to_stored_digits(stored, reference)
    n_digits = len(stored.lstrip("0.").replace(".", ""))
    for position in (18, n_digits):
        assert not agrees_to_stored_digits(_changed_digit(stored, position), reference), position


def _params(d):
    if isinstance(d, Normal | Laplace):
        return float(d.loc), float(d.scale)
    if isinstance(d, Uniform):
        return float(d.low), float(d.high)
    if isinstance(d, Discrete):
        return list(d.values), list(d.probs)
    raise TypeError(type(d).__name__)


def _from_closed_forms(function: str, p, q):
    if function == "tv_normal_equal_scale":
        assert float(p.scale) == float(q.scale), "the equal-scale formula needs equal scales"
        return float(cf.tv_normal_equal_scale(float(p.loc), float(q.loc), float(p.scale)))
    return float(getattr(cf, function)(*_params(p), *_params(q)))


@pytest.mark.parametrize("name,quantity", CLOSED, ids=[f"{n}-{q}" for n, q in CLOSED])
def test_closed_form_values_recomputed_from_the_pair(name, quantity):
    """The source names a function of gantheory.closed_forms; applied to the pair's own parameters it
    gives the stored value (a case built with the wrong parameters is caught)."""
    case = CASES[name]
    function = case.source[quantity].split()[2]
    assert case.expected[quantity] == pytest.approx(_from_closed_forms(function, case.p, case.q), rel=1e-15, abs=1e-15)


# the criterion by Theorem 1 from a closed-form JSD (the golden JSDs are checked to 40 digits above, and
# −log 4 + 2·JSD by test_every_value_has_a_source_and_infinities_a_reason)
THEOREM_ONE = [(n, q) for n, c in CASES.items() for q in c.expected
               if c.source[q].startswith("Thm 1 from js (closed form")]
ORACLE_CHECKED = [(n, q) for n, q in CLOSED + THEOREM_ONE if not (CASES[n].p.is_discrete or CASES[n].q.is_discrete)]


@pytest.mark.parametrize("name,quantity", ORACLE_CHECKED, ids=[f"{n}-{q}" for n, q in ORACLE_CHECKED])
def test_closed_form_and_derived_values_against_the_oracle(name, quantity):
    """A second, independent route for the float-valued entries (the criterion via Theorem 1 included)."""
    case = CASES[name]
    reference = float(reference_value(case.p, case.q, quantity, dps=30))
    assert case.expected[quantity] == pytest.approx(reference, rel=1e-13, abs=1e-15)


def _mp_pmf_sums(p: Discrete, q: Discrete):
    with mp.workdps(DPS):
        atoms = sorted(set(map(float, p.values)) | set(map(float, q.values)))
        pp = dict(zip(map(float, p.values), (mp.mpf(repr(float(w))) for w in p.probs), strict=True))
        qq = dict(zip(map(float, q.values), (mp.mpf(repr(float(w))) for w in q.probs), strict=True))
        js = kl = mp.mpf(0)
        for x in atoms:
            a, b = pp.get(x, mp.mpf(0)), qq.get(x, mp.mpf(0))
            m = (a + b) / 2
            js += (a * mp.log(a / m) if a else 0) / 2 + (b * mp.log(b / m) if b else 0) / 2
            kl += (a * mp.log(a / b) if b else mp.inf) if a else 0
        return {"js": js, "kl": kl, "criterion": 2 * js - mp.log(4)}


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.p.is_discrete and c.q.is_discrete])
def test_pmf_pairs_against_exact_mpmath_sums(name):
    case = CASES[name]
    sums = _mp_pmf_sums(case.p, case.q)
    for quantity, value in case.expected.items():
        assert value == pytest.approx(float(sums[quantity]), rel=1e-15, abs=1e-16), quantity


@pytest.mark.parametrize("name,quantity", DEFINITION, ids=[f"{n}-{q}" for n, q in DEFINITION])
def test_values_by_definition_are_about_identical_pairs(name, quantity):
    case = CASES[name]
    assert repr(case.p) == repr(case.q) and case.expected[quantity] == 0.0


def test_every_value_has_a_source_and_infinities_a_reason():
    for name, case in CASES.items():
        assert set(case.expected) == set(case.source), name
        assert set(case.digits) <= {q for q, origin in case.source.items() if origin == MPMATH}, name
        for quantity, value in case.expected.items():
            assert case.source[quantity].strip(), (name, quantity)
            if math.isinf(value):
                assert len(case.source[quantity]) > 10, f"{name}.{quantity} = inf needs a reason"
        if "js" in case.expected:
            assert case.expected["criterion"] == pytest.approx(-math.log(4) + 2 * case.expected["js"], abs=1e-15)


# ---- the testing kit's view -------------------------------------------------------------------------


def test_gan_pairs_is_the_view_of_the_gan_pair_cases():
    cases = tagged("gan_pair")
    assert [c.aliases[0] for c in cases.values()] == list(GAN_PAIRS)
    for case in cases.values():
        pair = GAN_PAIRS[case.aliases[0]]
        assert isinstance(pair, GanPair) and pair.name == case.aliases[0]
        assert pair.js_divergence == case.expected["js"] and pair.source == case.source["js"]
        assert pair.criterion == pytest.approx(case.expected["criterion"], abs=1e-15)
        p_data, p_g = pair  # iteration
        assert (p_data, p_g) == (pair.p_data, pair.p_g) == pair.densities == (case.p, case.q)
        assert pair.name in repr(pair)


def test_kit_names_and_values_kept():
    """The kit's public names stay, and its closed-form and oracle values are the registry's (the
    previously published 45-digit strings for ``heavy_tailed`` and ``bimodal`` agree with the oracle)."""
    assert set(GAN_PAIRS) >= {"identical", "shifted_normal", "nested_uniform", "disjoint_uniform",
                              "heavy_tailed", "bimodal", "discrete"}  # the published names; more may come
    assert GAN_PAIRS["nested_uniform"].js_divergence == pytest.approx(0.75 * math.log(4 / 3), abs=1e-16)
    assert GAN_PAIRS["disjoint_uniform"].js_divergence == math.log(2)
    assert GAN_PAIRS["identical"].js_divergence == 0.0
    for kit, published in (("heavy_tailed", "0.0831700898279604074971120467454683624538035136"),
                           ("bimodal", "0.366294952237948991621548411646871795067075927")):
        case = next(c for c in CASES.values() if kit in c.aliases)
        assert agrees_to_stored_digits(case.digits["js"], published)
