"""Fuzz suite: ≥ 10,000 generated inputs across the public API (about 30 s on 2 cores).

For every input the contract of DEVELOPERS.md must hold:
- valid input never raises, and nothing returned is NaN;
- invalid input raises GanTheoryError (a ValueError) whose message names the parameter at fault.

Each test's example count is fixed (not taken from the profile) so the total stays above 10,000 in
every profile. The density families, their parameter domains and their examples come from
:data:`gantheory.densities.DENSITIES`, so a new family is fuzzed without an edit here.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gantheory as g
from gantheory import GanTheoryError
from gantheory.densities import DENSITIES
from gantheory.testing.strategies import density_pairs, logits


def fuzz(n):
    return settings(max_examples=n, deadline=None, suppress_health_check=list(HealthCheck))


def assert_names(exc: Exception, *names: str):
    msg = str(exc)
    assert any(re.search(rf"\b{re.escape(n)}\b", msg) for n in names), f"error does not name any of {names}: {msg!r}"


def assert_no_nan(value, what, *context):
    """``what`` is formatted with ``context`` only on failure (reprs are not free at 10,000 examples)."""
    if np.isnan(np.asarray(value, dtype=np.float64)).any():
        raise AssertionError(f"{what.format(*context)} returned NaN: {value!r}")


# Raw parameter values: ordinary numbers, boundary values and junk.
SPECIAL = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1e-300, -1e-300, None, "abc", [1.0, 2.0]]
raw = st.one_of(st.floats(-1e6, 1e6), st.integers(-5, 5), st.sampled_from(SPECIAL))


# Families with scalar real parameters and a stated domain (``accepts``): their constructors are fuzzed
# against that domain. Structured families (pmfs, mixtures) are fuzzed by test_fuzz_discrete_and_mixture.
SCALAR_FAMILIES = {name: row for name, row in DENSITIES.items() if row.accepts is not None}
MAX_PARAMETERS = max(len(row.parameters) for row in SCALAR_FAMILIES.values())

points = st.lists(st.one_of(st.floats(-1e4, 1e4), st.sampled_from([math.inf, -math.inf, 0.0, 1.0])), min_size=1, max_size=6)


@fuzz(3600)
@given(st.sampled_from(sorted(SCALAR_FAMILIES)), st.lists(raw, min_size=MAX_PARAMETERS, max_size=MAX_PARAMETERS),
       points)
def test_fuzz_density_parameters(family, values, xs):
    row = SCALAR_FAMILIES[family]
    cls, names = row.cls, row.parameters
    args = values[: len(names)]
    if any(isinstance(v, list) for v in args):
        # A list is a batch: the constructor accepts it exactly when it accepts every member.
        members = [[v[i] if isinstance(v, list) else v for v in args] for i in range(2)]
        if not all(row.accepts(*m) for m in members):
            with pytest.raises(GanTheoryError) as info:
                cls(*args)
            assert_names(info.value, *names)
            return
        d = cls(*args)
        assert d.batch_shape == (2,)
        with np.errstate(all="ignore"):
            assert_no_nan(d.logpdf(np.asarray(xs)[:, None]), "{!r}.logpdf", d)
        return
    if not row.accepts(*args):
        with pytest.raises(GanTheoryError) as info:
            cls(*args)
        assert_names(info.value, *names)
        return
    d = cls(*args)
    x = np.asarray(xs)
    with np.errstate(all="ignore"):  # a scale of 1e-300 overflows z² to inf: −inf is the right answer
        assert_no_nan(d.logpdf(x), "{!r}.logpdf", d)
        assert_no_nan(d.pdf(x), "{!r}.pdf", d)
        assert_no_nan(d.cdf(x), "{!r}.cdf", d)
    assert_no_nan(d.sample(3, rng=0), "{!r}.sample", d)
    for attr in ("mean", "variance"):
        try:
            assert_no_nan(getattr(d, attr), "{!r}.{}", d, attr)
        except GanTheoryError as exc:  # documented: Student-t moments that do not exist
            assert_names(exc, "df")


EXAMPLES = [example for row in DENSITIES.values() for example in row.examples]
STANDARD_NORMAL = g.Normal(0.0, 1.0)
any_x = st.one_of(st.floats(allow_nan=False), st.just(math.nan))


@fuzz(2200)
@given(st.sampled_from(EXAMPLES), st.lists(any_x, min_size=1, max_size=5))
def test_fuzz_evaluation_points(d, xs):
    x = np.asarray(xs)
    if np.isnan(x).any():
        for method in (d.logpdf, d.pdf, d.cdf):
            with pytest.raises(GanTheoryError) as info:
                method(x)
            assert_names(info.value, "x")
        return
    with np.errstate(all="ignore"):  # huge x may overflow intermediate terms; the result must still be NaN-free
        assert_no_nan(d.logpdf(x), "{!r}.logpdf({!r})", d, xs)
        assert_no_nan(d.pdf(x), "{!r}.pdf({!r})", d, xs)
        assert_no_nan(d.cdf(x), "{!r}.cdf({!r})", d, xs)
    dstar = g.optimal_discriminator(d, STANDARD_NORMAL)
    values = dstar(x)
    assert_no_nan(values, "D* for {!r} at {!r}", d, xs)
    assert np.all((values >= 0) & (values <= 1))


sample_sizes = st.one_of(st.integers(-3, 20), st.sampled_from([True, False, 2.0, 2.5, None, "3", -1.0]))


@fuzz(1000)
@given(st.sampled_from(EXAMPLES), sample_sizes, st.one_of(st.none(), st.integers(0, 2**32)))
def test_fuzz_sample_sizes(d, n, seed):
    valid = isinstance(n, int) and not isinstance(n, bool) and n >= 0
    if not valid:
        with pytest.raises(GanTheoryError) as info:
            d.sample(n, rng=seed)
        assert_names(info.value, "n")
        return
    out = d.sample(n, rng=seed)
    assert out.shape == (n,)
    assert_no_nan(out, "{!r}.sample({})", d, n)


@fuzz(1500)
@given(
    st.lists(st.one_of(st.integers(-5, 5).map(float), st.sampled_from([math.nan, math.inf])), min_size=0, max_size=4),
    st.lists(st.one_of(st.floats(0.0, 1.0), st.sampled_from([-0.1, math.nan, 0.25, 0.5])), min_size=0, max_size=4),
    st.booleans(),
)
def test_fuzz_discrete_and_mixture(values, probs, as_mixture):
    if as_mixture:
        components = [g.Normal(float(v), 1.0) if math.isfinite(v) else v for v in values]
        ok_components = len(components) > 0 and all(isinstance(c, g.Density) for c in components)
        ok_weights = (len(probs) == len(components) and all(math.isfinite(w) and w >= 0 for w in probs)
                      and abs(math.fsum(probs) - 1.0) <= 1e-12)
        if not (ok_components and ok_weights):
            with pytest.raises(GanTheoryError) as info:
                g.Mixture(components, probs)
            assert_names(info.value, "components", "weights")
            return
        m = g.Mixture(components, probs)
        assert_no_nan(m.logpdf(np.array([-1.0, 0.0, 3.0])), "{!r}", m)
        return
    ok = (len(values) > 0 and len(values) == len(probs) and all(math.isfinite(v) for v in values)
          and all(math.isfinite(p) and p >= 0 for p in probs) and abs(math.fsum(probs) - 1.0) <= 1e-12
          and len(set(values)) == len(values))
    if not ok:
        with pytest.raises(GanTheoryError) as info:
            g.Discrete(values, probs)
        assert_names(info.value, "values", "probs")
        return
    d = g.Discrete(values, probs)
    assert_no_nan(d.logpdf(np.array([*values, 0.5])), "{!r}", d)
    assert_no_nan(d.sample(5, rng=1), "{!r}", d)


LOG2, LOG4 = math.log(2.0), math.log(4.0)
cheap_pairs = density_pairs(kinds=("identical", "overlapping", "nearly_disjoint"),
                            families=("normal", "laplace", "uniform", "discrete"))
OPERATIONS = ["js", "kl", "tv", "criterion", "value_logits", "value_probability", "f", "bad_p", "bad_q", "bad_f",
              "bad_D_nan", "bad_D_range"]
NOT_DENSITIES = [None, 1.0, "normal", np.zeros(3), [0.0, 1.0], object()]


@fuzz(1200)
@given(st.sampled_from(OPERATIONS), cheap_pairs, logits(), st.sampled_from([*sorted(g.DIVERGENCES), "kll", "JS", ""]),
       st.sampled_from(NOT_DENSITIES))
def test_fuzz_quadrature_api(op, pair, logit, f_name, junk):
    p, q = pair
    tol = 1e-9
    if op == "js":
        v = float(g.js_divergence(p, q))
        assert -tol <= v <= LOG2 + tol
    elif op == "kl":
        v = float(g.kl_divergence(p, q))
        assert v >= -tol
    elif op == "tv":
        v = float(g.total_variation(p, q))
        assert -tol <= v <= 1 + tol
    elif op == "criterion":
        v = float(g.criterion(p, q))
        assert -LOG4 - tol <= v <= tol
    elif op == "value_logits":
        v = float(g.value_function(lambda x: np.full(np.shape(x), logit), p, q, logits=True))
        assert v <= tol  # log σ ≤ 0; may be −inf for infinite logits, never NaN
    elif op == "value_probability":
        d = 1.0 / (1.0 + math.exp(-max(min(logit, 700.0), -700.0)))
        v = float(g.value_function(lambda x: np.full(np.shape(x), d), p, q))
        assert v <= tol
    elif op == "f":
        if f_name in g.DIVERGENCES:
            v = float(g.f_divergence(p, q, f_name))
        else:
            with pytest.raises(GanTheoryError) as info:
                g.f_divergence(p, q, f_name)
            assert_names(info.value, "f")
            return
    elif op in ("bad_p", "bad_q"):
        args = (junk, q) if op == "bad_p" else (p, junk)
        fn = [g.js_divergence, g.kl_divergence, g.criterion, g.total_variation][abs(hash(repr(junk))) % 4]
        with pytest.raises(GanTheoryError) as info:
            fn(*args)
        assert_names(info.value, op[-1])
        return
    elif op == "bad_f":
        with pytest.raises(GanTheoryError) as info:
            g.f_divergence(p, q, junk if not callable(junk) else 3)
        assert_names(info.value, "f")
        return
    else:
        bad = math.nan if op == "bad_D_nan" else 1.5 + abs(logit) if math.isfinite(logit) else 2.0
        with pytest.raises(GanTheoryError) as info:
            g.value_function(lambda x: np.full(np.shape(x), bad), p, q)
        assert_names(info.value, "D")
        return
    assert not math.isnan(v), f"{op} returned NaN for {p!r}, {q!r}"


@fuzz(1000)
@given(logits(shape=st.integers(1, 8), allow_nan=True))
def test_fuzz_value_function_logits(a):
    """Arbitrary logit arrays (extremes, ±inf, NaN) as a discriminator's outputs at the nodes."""
    p, q = g.Discrete([0.0, 1.0], [0.5, 0.5]), g.Discrete([1.0, 2.0], [0.25, 0.75])
    table = {0.0: a[0], 1.0: a[min(1, a.size - 1)], 2.0: a[-1]}

    def logit(x):
        return np.vectorize(lambda xi: table.get(float(xi), 0.0), otypes=[float])(x)

    used = np.array([table[0.0], table[1.0], table[2.0]])
    if np.isnan(used).any():
        with pytest.raises(GanTheoryError) as info:
            g.value_function(logit, p, q, logits=True)
        assert_names(info.value, "D")
        return
    v = float(g.value_function(logit, p, q, logits=True))
    assert not math.isnan(v) and v <= 0.0
