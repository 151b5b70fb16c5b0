"""The loss table: backends agree, the optimum is the minimum, and the value at it is the stated divergence.

For every row of :data:`gantheory.losses.LOSSES` (and every generator of ``GENERATORS``):

- its per-sample terms written once give the same numbers in numpy, torch, sympy and mpmath;
- ``optimum(lp, lq)`` minimises ``objective(a, lp, lq)`` = p·ℓ_real(a) + q·ℓ_fake(a): no step of either
  sign lowers it, no point of a wide grid lowers it, and where the terms are smooth (no ``Max`` in the sympy
  form) the central difference vanishes;
- ``value`` (where given) equals the quadrature integral of the objective at the optimum on named
  registry pairs, to 1e-9 — an independent route from the divergence row's own integrand;
- label smoothing with β = 0 on pmfs where p misses an atom of q gives an exact, finite value (regression:
  0·(−∞) made it NaN);
- a negative control: the standard optimum shifted by log 2 (D = p/(p + 2q)) is rejected by the same check.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from scipy import special

from gantheory import Discrete, f_divergence
from gantheory.cases import CASES
from gantheory.errors import GanTheoryError
from gantheory.losses import GENERATORS, LOSSES, resolve_loss
from gantheory.quadrature import integrate

torch = pytest.importorskip("torch")

A = np.array([-6.0, -1.5, -0.1, 0.0, 0.3, 2.0, 7.0])
# (p(x), q(x)) at a point: overlapping either way, equal, and one much larger
DENSITY_POINTS = [(0.3, 0.1), (0.05, 0.4), (0.2, 0.2), (1e-3, 2.0)]


def _param_sets(row):
    """The row's defaults and a second set derived from them (v ↦ v/2 + 0.1: inside every row's range)."""
    return [dict(row.params), {k: 0.5 * v + 0.1 for k, v in row.params.items()}]


ALL_ROW_PARAMS = [pytest.param(name, params, id=f"{name}-{i}") for name, row in LOSSES.items()
                  for i, params in enumerate(_param_sets(row))]
# rows with a pointwise optimum (relativistic rows couple real and fake outputs: tested on their own below)
ROW_PARAMS = [p for p in ALL_ROW_PARAMS if LOSSES[p.values[0]].coupling == "separable"]


@pytest.mark.parametrize("name,params", ALL_ROW_PARAMS)
def test_numpy_torch_and_sympy_terms_agree(name, params):
    row = LOSSES[name]
    (np_real, np_fake), (t_real, t_fake), (s_real, s_fake) = (row.terms(b, **params) for b in ("numpy", "torch", "sympy"))
    for a in A:
        expected = (float(np_real(a)), float(np_fake(a)))
        via_torch = (float(t_real(torch.tensor(a, dtype=torch.float64))), float(t_fake(torch.tensor(a, dtype=torch.float64))))
        via_sympy = (float(sp.N(s_real(sp.Float(a)), 30)), float(sp.N(s_fake(sp.Float(a)), 30)))
        np.testing.assert_allclose(via_torch, expected, rtol=1e-13, atol=1e-14, err_msg=f"{name} torch at a={a}")
        np.testing.assert_allclose(via_sympy, expected, rtol=1e-13, atol=1e-14, err_msg=f"{name} sympy at a={a}")


@pytest.mark.parametrize("name,params", ALL_ROW_PARAMS)
def test_mpmath_terms_agree(name, params):
    """The mpmath backend (the loss audit's certificate, checked at 50 digits) gives the numpy numbers."""
    import mpmath as mp

    row = LOSSES[name]
    (np_real, np_fake), (m_real, m_fake) = (row.terms(b, **params) for b in ("numpy", "mpmath"))
    with mp.workdps(50):
        for a in A:
            via_mpmath = (float(m_real(mp.mpf(a))), float(m_fake(mp.mpf(a))))
            np.testing.assert_allclose(via_mpmath, (float(np_real(a)), float(np_fake(a))), rtol=1e-13, atol=1e-14,
                                       err_msg=f"{name} mpmath at a={a}")


@pytest.mark.parametrize("name", list(GENERATORS))
def test_generator_terms_agree_across_backends(name):
    gen = GENERATORS[name]
    for a in A:
        expected = float(gen(a, "numpy"))
        assert float(gen(torch.tensor(a, dtype=torch.float64), "torch")) == pytest.approx(expected, rel=1e-13, abs=1e-14)
        assert float(sp.N(gen(sp.Float(a), "sympy"), 30)) == pytest.approx(expected, rel=1e-13, abs=1e-14)
        assert float(gen(mpmath.mpf(a), "mpmath")) == pytest.approx(expected, rel=1e-13, abs=1e-14)


def objective(row, a, lp, lq, params):
    """row.objective(a, lp, lq, **params): p·ℓ_real(a) + q·ℓ_fake(a) with 0·inf = 0."""
    return row.objective(a, lp, lq, **params)


def test_least_squares_objective_takes_its_own_parameters():
    """Regression: the row's parameter ``a`` (fake target) once collided with the objective's argument."""
    row = LOSSES["least_squares"]
    params = {"a": 0.0, "b": 1.0, "c": 0.5}
    lp, lq = math.log(0.3), math.log(0.1)
    expected = 0.3 * (0.25 - 1.0) ** 2 + 0.1 * (0.25 - 0.0) ** 2
    assert float(row.objective(0.25, lp, lq, **params)) == pytest.approx(expected)


def _smooth(row, params) -> bool:
    a = sp.Symbol("a", real=True)
    real, fake = row.terms("sympy", **params)
    return not (sp.sympify(real(a)).has(sp.Max) or sp.sympify(fake(a)).has(sp.Max))


def optimum_violations(row, params, optimum, lp, lq) -> list[str]:
    """Why ``optimum`` is not the minimiser of the row's pointwise objective at (lp, lq) (empty if it is)."""
    a_star = float(optimum)
    if not math.isfinite(a_star):
        return [f"optimum {a_star} is not finite"]
    lo, hi = row.domain  # the game's outputs (EBGAN's energies are >= 0): steps stay inside it
    value = float(objective(row, a_star, lp, lq, params))
    out = []
    for h in (1e-2, 1e-4):
        for step in (h, -h):
            if not lo <= a_star + step <= hi:
                continue
            worse = float(objective(row, a_star + step, lp, lq, params))
            if worse < value - 1e-13:
                out.append(f"a* {step:+g} lowers the objective: {worse!r} < {value!r}")
    grid = np.clip(np.linspace(a_star - 8.0, a_star + 8.0, 801), lo, hi)
    if np.min(objective(row, grid, lp, lq, params)) < value - 1e-12:
        out.append("a point of the grid lowers the objective")
    if _smooth(row, params):
        h = 1e-5
        slope = (float(objective(row, a_star + h, lp, lq, params)) - float(objective(row, a_star - h, lp, lq, params))) / (2 * h)
        # 1e-7, plus the rounding of the difference quotient of values as large as |value| (drift: a* ~ −1e6)
        if abs(slope) > 1e-7 + 8 * np.finfo(float).eps * abs(value) / h:
            out.append(f"not stationary: d/da = {slope!r}")
    return out


FINITE_OPTIMUM = [p for p in ROW_PARAMS
                  if all(np.isfinite(LOSSES[p.values[0]].optimum(math.log(a), math.log(b), **p.values[1]))
                         for a, b in DENSITY_POINTS)]


def test_a_row_lacks_a_finite_optimum_only_when_its_game_is_unbounded_below():
    """Derived from the rows, not a hand-kept list: a row whose optimum is infinite has no value at the
    optimum, and its objective keeps falling towards that optimum (the unconstrained linear critic)."""
    unbounded = {p.values[0] for p in ROW_PARAMS} - {p.values[0] for p in FINITE_OPTIMUM}
    assert "wasserstein" in unbounded  # the filter finds the one row known to be unbounded
    lp, lq = math.log(0.3), math.log(0.1)
    for name in unbounded:
        row = LOSSES[name]
        assert row.value is None, name
        direction = float(np.sign(row.optimum(lp, lq)))
        assert np.isinf(row.optimum(lp, lq)), name
        falls = [float(row.objective(direction * a, lp, lq)) for a in (0.0, 1e3, 1e6)]
        assert falls[0] > falls[1] > falls[2], (name, falls)


@pytest.mark.parametrize("name,params", FINITE_OPTIMUM)
def test_optimum_is_a_stationary_minimum_of_the_objective(name, params):
    row = LOSSES[name]
    for p, q in DENSITY_POINTS:
        lp, lq = math.log(p), math.log(q)
        assert optimum_violations(row, params, row.optimum(lp, lq, **params), lp, lq) == [], (p, q)


def test_negative_control_optimum_shifted_by_log2_is_rejected():
    row = LOSSES["standard"]
    lp, lq = math.log(0.3), math.log(0.1)
    wrong = row.optimum(lp, lq) - math.log(2.0)  # logit of p/(p + 2q)
    assert optimum_violations(row, {}, wrong, lp, lq)


def test_linear_critic_is_unbounded_below():
    row = LOSSES["wasserstein"]
    lp, lq = math.log(0.3), math.log(0.1)
    assert row.optimum(lp, lq) == math.inf
    assert row.objective(1e6, lp, lq) < row.objective(1e3, lp, lq) < row.objective(0.0, lp, lq)


VALUE_CASES = ["shifted-normal", "gauss-wide-apart", "mixture-vs-laplace", "uniform-partial-overlap",
               "uniform-disjoint", "discrete-pmfs", "discrete-vs-continuous"]
WITH_VALUE = [p for p in ROW_PARAMS if LOSSES[p.values[0]].value is not None]


def _minimum_by_quadrature(row, params, case):
    def integrand(x, lp, lq):
        return objective(row, row.optimum(lp, lq, **params), lp, lq, params)

    return float(integrate(integrand, case.p, case.q, name=f"min L_D ({row.name})"))


@pytest.mark.parametrize("name,params", WITH_VALUE)
def test_value_at_the_optimum_is_the_stated_divergence(name, params):
    row = LOSSES[name]
    for case_name in VALUE_CASES:
        case = CASES[case_name]
        divergence = row.value.divergence
        d = case.expected[divergence] if divergence in case.expected else float(f_divergence(case.p, case.q, divergence))
        if not math.isfinite(d):  # drift on disjoint supports: −∞ both ways, nothing to compare
            continue
        stated = row.value.offset(row.bind(params)) + row.value.scale(row.bind(params)) * d
        assert _minimum_by_quadrature(row, params, case) == pytest.approx(stated, abs=1e-9), (case_name, row.value.describe(params))


def test_label_smoothing_beta_zero_with_a_missing_atom_is_finite_and_exact():
    """Regression: p has no mass at q's atom 2; with β = 0 the optimum there is a* = −∞ and the
    objective was 0·softplus(∞) = NaN. The minimum is −Σ [(αp + βq) log D + ((1−α)p + (1−β)q) log(1 − D)]
    at D = (αp + βq)/(p + q), 0·log 0 = 0."""
    row = LOSSES["label_smoothing"]
    p, q = Discrete([0.0, 1.0], [0.5, 0.5]), Discrete([0.0, 1.0, 2.0], [0.2, 0.3, 0.5])
    alpha, beta = 0.9, 0.0
    value = _minimum_by_quadrature(row, {"alpha": alpha, "beta": beta}, type("C", (), {"p": p, "q": q})())
    pp, qq = np.array([0.5, 0.5, 0.0]), np.array([0.2, 0.3, 0.5])
    pos, neg = alpha * pp + beta * qq, (1 - alpha) * pp + (1 - beta) * qq
    exact = -np.sum(special.xlogy(pos, pos / (pp + qq)) + special.xlogy(neg, neg / (pp + qq)))
    assert math.isfinite(value)
    assert value == pytest.approx(float(exact), abs=1e-14)


def test_resolve_loss_suggests_the_nearest_rows():
    assert resolve_loss("hinge") is LOSSES["hinge"]
    with pytest.raises(GanTheoryError, match="did you mean least_squares"):
        resolve_loss("least_square")
    with pytest.raises(GanTheoryError, match="has no parameter"):
        LOSSES["hinge"].bind({"alpha": 1.0})


# -- the audit's linearisations are exact ------------------------------------------------------------
T = np.concatenate([[1e-3], np.linspace(0.02, 0.98, 49), [1 - 1e-3]])


def linearisation_defect(row, params) -> float:
    """max |space(a*(t)) − design(t)·θ| plus max |space(a*) − space(a* at to_params(θ))|, θ the least-squares
    coordinates: zero (to rounding) exactly when the row's optimum is affine in its coordinates in its space
    and ``to_params`` maps the coordinates back to an equivalent game."""
    lin = row.linearisation
    lt, l1t = np.log(T), np.log1p(-T)
    y = lin.space(row.optimum(lt, l1t, **params), T)
    theta, *_ = np.linalg.lstsq(lin.design(T), y, rcond=None)
    affine = float(np.max(np.abs(lin.design(T) @ theta - y)))
    back = lin.to_params(dict(zip(lin.coordinates, theta, strict=True)))
    return affine + float(np.max(np.abs(lin.space(row.optimum(lt, l1t, **back), T) - y)))


LINEARISED = [p for p in ROW_PARAMS if (lin := LOSSES[p.values[0]].linearisation) is not None and lin.coordinates]


@pytest.mark.parametrize("name,params", LINEARISED)
def test_linearisation_is_exact_for_the_rows_optimum(name, params):
    # 1e-12: the lstsq of a 51×2 system and σ/log at float64 leave ~1e-15; any real defect is O(1e-3) or more.
    assert linearisation_defect(LOSSES[name], params) < 1e-12


def test_negative_control_a_wrong_linearisation_is_detected():
    import dataclasses

    row = LOSSES["label_smoothing"]
    wrong = dataclasses.replace(row, linearisation=dataclasses.replace(row.linearisation, basis=lambda t: (t, t * t)))
    assert linearisation_defect(wrong, {"alpha": 0.8, "beta": 0.1}) > 1e-3


@pytest.mark.parametrize("name", list(GENERATORS))
def test_generator_basis_reads_back_scale_and_parameters(name):
    row = GENERATORS[name]
    params = {"c": -0.7} if name == "least_squares" else {}
    a = np.linspace(-8.0, 8.0, 161)
    design = np.stack(row.basis(a), axis=1)
    theta, *_ = np.linalg.lstsq(design, 2.5 * row(a, **params) - 4.0, rcond=None)
    # 1e-9: a 161×3 least-squares solve on values up to ~100 leaves ~1e-13; c is rounded to 6 digits
    assert row.coefficients(theta) == {**params, "scale": pytest.approx(2.5, abs=1e-9)}


# -- the ops namespaces ------------------------------------------------------------------------------
@pytest.mark.parametrize("backend", ["numpy", "torch", "sympy"])
def test_ops_tables_are_built_once(backend):
    """The terms are evaluated inside quadrature integrands: an attribute is the same object every time
    (the table is cached, not rebuilt with its imports on each access); an unknown name still raises."""
    from gantheory.losses import ops

    o = ops[backend]
    assert o.softplus is o.softplus and o.times is o.times
    table = o.__dict__["_table"]
    assert o.log_sigmoid is table["log_sigmoid"]
    with pytest.raises(AttributeError):
        o.no_such_op  # noqa: B018


def test_sympy_ops_are_the_symbolic_lens_forms():
    """One sympy σ and softplus: the loss rows' sympy terms use gantheory.symbolic.symbols' forms."""
    from gantheory.losses import ops
    from gantheory.symbolic import symbols

    x = sp.Symbol("x", real=True)
    o = ops["sympy"]
    assert o.sigmoid is symbols.sigmoid and o.softplus is symbols.softplus
    assert o.log_sigmoid(x) == -symbols.softplus(-x) == -sp.log(1 + sp.exp(-x))


def test_cross_entropy_offset_is_numerics_log4():
    from gantheory.numerics import LOG4

    for name in ("standard", "swapped"):
        assert LOSSES[name].value.offset({}) == LOG4 == math.log(4.0)
    assert LOSSES["standard"].value.describe() == "log 4 − 2·JSD"


# -- relativistic rows (no pointwise optimum) ------------------------------------------------------------
RELATIVISTIC = [name for name, row in LOSSES.items() if row.coupling == "relativistic"]


def _relativistic_objective(row, c_real, c_fake, structure):
    real, fake = row.terms("numpy")
    if structure == "paired":
        return float(np.mean(real(c_real - c_fake)) + np.mean(fake(c_fake - c_real)))
    return float(np.mean(real(c_real - np.mean(c_fake))) + np.mean(fake(c_fake - np.mean(c_real))))


@pytest.mark.parametrize("name", RELATIVISTIC)
def test_relativistic_rows_have_no_pointwise_optimum(name):
    with pytest.raises(GanTheoryError, match="relativistic"):
        LOSSES[name].optimum(math.log(0.3), math.log(0.1))


@pytest.mark.parametrize("name", RELATIVISTIC)
def test_relativistic_constant_critic_is_optimal_at_p_equal_q(name):
    """At p = q a critic C gives real and fake samples identically distributed scores; with convex terms
    Jensen's inequality puts every critic at or above the constant one, whose value is ℓ_r(0) + ℓ_f(0)
    (Jolicoeur-Martineau 2018). Checked on 2000 non-constant critics on one sample (same scores for both
    batches, paired in a random order). Negative control: with p ≠ q (real scores one unit above fake
    ones) a critic beats the constant one."""
    row = LOSSES[name]
    real, fake = row.terms("numpy")
    constant = float(real(np.zeros(1))[0] + fake(np.zeros(1))[0])
    rng = np.random.default_rng(7)
    for _ in range(2000):
        scores = rng.normal(0.0, rng.uniform(0.1, 3.0), 64)
        perm = rng.permutation(64)
        for structure in ("paired", "average"):
            # the same multiset of scores on both sides: the finite-sample image of p = q
            assert _relativistic_objective(row, scores, scores[perm], structure) >= constant - 1e-12
    shifted = rng.normal(0.0, 0.1, 64)  # real scores ~0.5 above fake ones: every row's target difference is ≥ 1
    assert _relativistic_objective(row, shifted + 0.5, shifted[::-1] - 0.5, "average") < constant
