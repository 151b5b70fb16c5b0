"""Judging one relation between two translated sides.

Equality (``=``, a restated definition): both sides become ``A + ∫ F dx`` (:mod:`.canonical`). The step
is verified when ``F₁ − F₂ = Σ_k α_k p_k`` pointwise with constants α_k and ``A₁ − A₂ + Σ α_k = 0``
(normalisation ∫p = 1; α = 0 is plain linearity), each identity decided exactly by sympy
(``expand_log``/``cancel``) or by 30-digit equality at random points of the declared domains. When it
fails: an algebraic step (no integral) is refuted by the random point where the sides differ; a step over
integrals is refuted only by a density pair whose two sides differ under certified quadrature
(:mod:`.counterexample`); otherwise it stays unchecked.

Inequalities: the difference is matched to ``c + β·JSD`` or ``c + β·KL`` (Gibbs/Jensen: KL ≥ 0,
0 ≤ JSD ≤ log 2) or, without integrals, proved by sympy's sign reasoning on the declared domains.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

import mpmath
import sympy as sp

from gantheory.derivation_check import symbols as S
from gantheory.derivation_check.canonical import NonLinear, X, decompose, pointwise
from gantheory.derivation_check.model import Counterexample

__all__ = ["Judgement", "judge_equal", "judge_inequality"]

DPS = 30
POINTS = 6
RTOL = mpmath.mpf(10) ** -20


@dataclass(frozen=True)
class Judgement:
    verdict: str
    rule: str = ""
    reason: str = ""
    counterexample: Counterexample | None = None


def _draw(interval: sp.Interval, rng: random.Random) -> sp.Rational:
    lo, hi = interval.start, interval.end
    if lo == 1 and hi == sp.oo and not interval.left_open:
        return sp.Integer(rng.randint(2, 12))  # a sample size
    if lo == 0 and hi == 1:
        v = rng.uniform(0.05, 0.95)
    elif lo == 0 and hi == sp.oo:
        v = rng.uniform(0.1, 3.0)
    elif lo == -sp.oo and hi == sp.oo:
        v = rng.uniform(-2.0, 2.0)
    else:
        lo_f = float(lo) if lo != -sp.oo else float(hi) - 3
        hi_f = float(hi) if hi != sp.oo else float(lo) + 3
        v = rng.uniform(lo_f + 0.05 * (hi_f - lo_f), hi_f - 0.05 * (hi_f - lo_f))
    return sp.Rational(round(v * 1000), 1000) if round(v * 1000) else sp.Rational(1, 1000)


def _exact_zero(e: sp.Expr) -> bool:
    if e == 0:
        return True
    try:
        e2 = sp.expand(sp.expand_log(e, force=True))
        if e2 == 0:
            return True
        if sp.count_ops(e2) > 80:
            return False  # the random-point test decides (cancel on large expressions costs seconds)
        return sp.cancel(sp.together(e2)) == 0
    except (TypeError, ValueError, NotImplementedError, RecursionError, sp.PolynomialError):
        return False


@lru_cache(maxsize=4096)
def _compile(expr: sp.Expr, syms: tuple) -> object:
    return sp.lambdify(syms, expr, "mpmath")


def _numeric_zero(e: sp.Expr, doms: dict, seed: int = 0) -> tuple[bool | None, dict | None, tuple | None]:
    """(True, None, None) when e = 0 at POINTS random points; (False, point, (value)) when not; None undecided."""
    syms = tuple(sorted(e.free_symbols, key=str))
    if not syms:
        with mpmath.workdps(DPS):
            try:
                v = mpmath.mpmathify(complex(sp.N(e, DPS)))
            except (TypeError, ValueError):
                return None, None, None
            return (abs(v) < RTOL, {} if abs(v) >= RTOL else None, None)
    f = _compile(e, syms)
    rng = random.Random(seed)
    used = 0
    with mpmath.workdps(DPS):
        for _ in range(4 * POINTS):
            point = {s: _draw(doms.get(s, sp.Interval(-sp.oo, sp.oo)), rng) for s in syms}
            try:
                v = f(*[mpmath.mpf(point[s].p) / point[s].q for s in syms])
                v = mpmath.mpc(v)
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                continue
            if abs(v.imag) > RTOL * max(1, abs(v.real)):
                continue
            used += 1
            if abs(v.real) > RTOL * 10 ** 6:
                return False, point, None
            if used >= POINTS:
                return True, None, None
    return (True, None, None) if used >= POINTS - 2 else (None, None, None)  # too few admissible points: undecided


def _equal_pointwise(diff: sp.Expr, doms: dict) -> tuple[str, dict | None]:
    """('exact'|'numeric'|'differ'|'unknown', counterexample point)."""
    if _exact_zero(diff):
        return "exact", None
    ok, point, _ = _numeric_zero(diff, doms)
    if ok is True:
        return "numeric", None
    if ok is False:
        return "differ", point
    return "unknown", None


def _how(kind: str) -> str:
    return "exact sympy equality" if kind == "exact" else "30-digit random-point equality in the declared domains"


def judge_equal(lhs: sp.Expr, rhs: sp.Expr, rules: set[str], domains: dict, other_game: bool = False) -> Judgement:
    try:
        a1, f1 = decompose(lhs)
        a2, f2 = decompose(rhs)
    except NonLinear as err:
        return Judgement("unchecked", "a rule for an integral that does not enter linearly", str(err))
    g = sp.expand(f1 - f2)
    c = sp.expand(a1 - a2)
    has_int = (f1 != 0) or (f2 != 0)
    names = sorted(rules)
    if g != 0 or has_int:
        gp, doms_g, _opaque_g = pointwise(g, domains)
        kind, _ = _equal_pointwise(gp, doms_g) if g != 0 else ("exact", None)
        if kind in ("exact", "numeric"):
            cp, doms_c, opaque_c = pointwise(c, domains)
            ck, point = _equal_pointwise(cp, doms_c)
            if ck in ("exact", "numeric"):
                return Judgement("verified", "; ".join(names + ["linearity of ∫ and E"] * has_int + [_how(kind)]),
                                 "both sides have the same integrand pointwise" if has_int else "")
            if ck == "differ" and not opaque_c and not has_int:
                return _refute_numbers(lhs, rhs, cp, point)
        # normalisation: F1 - F2 = Σ α_k p_k (α_k constants), A1 - A2 + Σ α_k = 0
        dens = sorted({f for f in g.atoms(sp.core.function.AppliedUndef)
                       if S.canonical_density(f.func.__name__) and f.args == (X,)}, key=str)
        if dens:
            alphas = []
            rng_point = {}
            for d in dens:
                dg = sp.diff(g, d)
                alphas.append(dg)
            ok = True
            consts = []
            for a in alphas:
                ap, doms_a, _ = pointwise(a, domains)
                ak, _ = _equal_pointwise(ap - _value_at(ap, doms_a, rng_point), doms_a) if ap.free_symbols else ("exact", None)
                if ak not in ("exact", "numeric"):
                    ok = False
                    break
                consts.append(_value_at(ap, doms_a, rng_point) if ap.free_symbols else a)
            if ok:
                rest = sp.expand(g - sum(k * d for k, d in zip(consts, dens, strict=True)))
                rp, doms_r, _ = pointwise(rest, domains)
                rk, _ = _equal_pointwise(rp, doms_r) if rest != 0 else ("exact", None)
                total = sp.expand(c + sum(consts))
                tp, doms_t, _ = pointwise(total, domains)
                tk, _ = _equal_pointwise(tp, doms_t)
                if rk in ("exact", "numeric") and tk in ("exact", "numeric"):
                    return Judgement("verified", "; ".join([*names, "linearity of ∫ and E", "normalisation ∫p = 1", _how(rk if rk == tk else "numeric")]),
                                     "the integrands differ by a constant multiple of densities, which integrate to one")
        if has_int and any(r.startswith("standard ") for r in rules) and other_game:
            return Judgement("unchecked", "the document's own definition of " + ", ".join(
                r.split(" (")[0].replace("standard ", "") for r in names if r.startswith("standard ")),
                "the sides do not agree pointwise under the standard definition, which the document does not state")
        if has_int:
            from gantheory.derivation_check.counterexample import search_with_note

            cx, note = search_with_note(lhs, rhs, "=", domains)
            if cx is not None:
                return Judgement("refuted", "certified quadrature on a density pair",
                                 "the two sides differ on a concrete density pair: " + cx.describe(), cx)
            return Judgement("unchecked", "a rule relating these integrals (no pointwise identity found, "
                                          "and no density pair tried separates them)",
                             note or "the integrands differ pointwise, and no density pair tried gave a certified "
                                     "difference")
    # no integrals: algebra
    cp, doms_c, opaque_c = pointwise(c, domains)
    ck, point = _equal_pointwise(cp, doms_c)
    if ck in ("exact", "numeric"):
        return Judgement("verified", "; ".join([*names, _how(ck)]), "")
    if ck == "differ":
        if opaque_c:
            return Judgement("unchecked", "a rule for the undefined functions "
                             + ", ".join(sorted(str(s) for s in opaque_c)),
                             "the sides differ as formulas in functions the document does not define")
        return _refute_numbers(lhs, rhs, cp, point)
    return Judgement("unchecked", "an identity sympy could not decide", "the random-point test found no admissible point")


def _value_at(expr: sp.Expr, doms: dict, cache: dict) -> sp.Expr:
    rng = random.Random(11)
    point = {s: _draw(doms.get(s, sp.Interval(-sp.oo, sp.oo)), rng) for s in expr.free_symbols}
    return expr.subs(point)


def _refute_numbers(lhs: sp.Expr, rhs: sp.Expr, diff_p: sp.Expr, point: dict | None) -> Judgement:
    # evaluate both sides at the point found (the point is over the pointwise symbols of lhs - rhs)
    lp, doms_l, _ = pointwise(sp.expand(lhs))
    rp, doms_r, _ = pointwise(sp.expand(rhs))
    point = point or {}
    by_name = {str(k): v for k, v in point.items()}
    rng = random.Random(3)
    for s in (lp.free_symbols | rp.free_symbols):
        if str(s) not in by_name:
            by_name[str(s)] = _draw((doms_l | doms_r).get(s, sp.Interval(-sp.oo, sp.oo)), rng)
    subs_l = {s: by_name[str(s)] for s in lp.free_symbols}
    subs_r = {s: by_name[str(s)] for s in rp.free_symbols}
    try:
        lv = complex(sp.N(lp.subs(subs_l), 20))
        rv = complex(sp.N(rp.subs(subs_r), 20))
    except (TypeError, ValueError):
        return Judgement("unchecked", "an identity sympy could not decide", "evaluation failed at the point found")
    if abs(lv.imag) > 1e-12 or abs(rv.imag) > 1e-12 or abs(lv.real - rv.real) <= 1e-9 * max(1, abs(lv.real)):
        return Judgement("unchecked", "an identity sympy could not decide", "the difference is not clear at the point found")
    values = {k: float(v) for k, v in sorted(by_name.items()) if k in {str(s) for s in subs_l} | {str(s) for s in subs_r}}
    cx = Counterexample("numbers", lv.real, rv.real, values=values, method="both sides evaluated at the values (20 digits)")
    return Judgement("refuted", "numbers", "the two sides differ at a point of the declared domains: " + cx.describe(), cx)


def judge_inequality(lhs: sp.Expr, rhs: sp.Expr, relation: str, rules: set[str], domains: dict) -> Judgement:
    """lhs (<=, <, >=, >) rhs."""
    sign = 1 if relation in (">=", ">") else -1
    diff = sp.expand(sign * (lhs - rhs))  # want diff >= 0 (or > 0)
    strict = relation in ("<", ">")
    try:
        a, f = decompose(diff)
    except NonLinear as err:
        return Judgement("unchecked", "an inequality rule for a non-linear integral expression", str(err))
    if f == 0:
        ap, doms, opaque = pointwise(a, domains)
        if opaque:
            return Judgement("unchecked", "an inequality about functions the document does not define", "")
        proved = _sign_proof(ap, doms, strict)
        if proved:
            return Judgement("verified", "; ".join([*sorted(rules), "sign from the declared domains (sympy)"]), "")
        ok, point = _sign_numeric(ap, doms, strict)
        if ok is False:
            lp, _, _ = pointwise(sp.expand(lhs), domains)
            rp, _, _ = pointwise(sp.expand(rhs), domains)
            names = {str(k): v for k, v in point.items()}
            try:
                lv = float(sp.N(lp.subs({s: names[str(s)] for s in lp.free_symbols if str(s) in names})))
                rv = float(sp.N(rp.subs({s: names[str(s)] for s in rp.free_symbols if str(s) in names})))
            except (TypeError, ValueError):
                return Judgement("unchecked", "an inequality sympy could not decide", "")
            cx = Counterexample("numbers", lv, rv, values={k: float(v) for k, v in names.items()},
                                method="both sides evaluated at the values")
            return Judgement("refuted", "numbers", "the inequality fails at a point: " + cx.describe(), cx)
        return Judgement("unchecked", "an inequality sympy could not prove (it holds at every random point tried)", "")
    # integrals: c + β·D with D a divergence of known range (Gibbs/Jensen)
    match = _divergence_form(f, domains)
    if match is not None:
        name, beta, alpha_total = match
        c = sp.expand(a + alpha_total)
        cp, doms, opaque = pointwise(c, domains)
        if not cp.free_symbols:
            cval = float(sp.N(cp))
            bval = float(beta)
            lo, hi = _RANGES[name][1:]
            ends = [cval + bval * lo] + ([cval + bval * hi] if hi != float("inf") else [])
            worst = min(ends) if hi != float("inf") or bval >= 0 else -float("inf")
            if worst > 1e-12 or (worst >= -1e-12 and not strict):
                return Judgement("verified", "; ".join([*sorted(rules), _RANGES[name][0]]),
                                 f"the difference is {cval:.12g} + {sp.sstr(beta)}·{name}, and {name} lies in "
                                 f"[{lo:g}, {'∞' if hi == float('inf') else 'log 2'}]")
    from gantheory.derivation_check.counterexample import search_with_note

    cx, note = search_with_note(lhs, rhs, relation, domains)
    if cx is not None:
        return Judgement("refuted", "certified quadrature on a density pair", "the inequality fails on a concrete pair: "
                         + cx.describe(), cx)
    return Judgement("unchecked", "an inequality rule for these integrals (Gibbs/Jensen did not match)", note)


_LOG2 = 0.6931471805599453  # log 2
#: name → (rule, lower bound, upper bound) of the divergences the inequality rule recognises
_RANGES = {
    "JSD": ("Jensen: 0 ≤ JSD ≤ log 2", 0.0, _LOG2),
    "KL": ("Gibbs: KL ≥ 0", 0.0, float("inf")),
    "KL(P‖M)": ("Gibbs and p/m ≤ 2: 0 ≤ KL(P‖(P+Q)/2) ≤ log 2", 0.0, _LOG2),
}


def _divergence_form(f: sp.Expr, domains: dict):
    """f = β·(a divergence's integrand) + α p + α' q pointwise → (name, β, α + α'); β a rational."""
    dens = {g for g in f.atoms(sp.core.function.AppliedUndef) if S.canonical_density(g.func.__name__)}
    if len(dens) != 2:
        return None
    if {str(d.func) for d in dens} == {"p_data", "p_g"}:
        p, q = S.density("p_data")(X), S.density("p_g")(X)
    else:
        p, q = sorted(dens, key=str)
    m = (p + q) / 2
    candidates = (
        ("JSD", (p * sp.log(p / m) + q * sp.log(q / m)) / 2),
        ("KL", p * sp.log(p / q)),
        ("KL", q * sp.log(q / p)),
        ("KL(P‖M)", p * sp.log(p / m)),
        ("KL(P‖M)", q * sp.log(q / m)),
    )
    beta = sp.Symbol("beta_")
    a1, a2 = sp.Symbol("a1_"), sp.Symbol("a2_")
    for name, integrand in candidates:
        expr = f - beta * integrand - a1 * p - a2 * q
        ep, doms, _ = pointwise(expr, domains)
        syms = sorted((s for s in ep.free_symbols if s not in (beta, a1, a2)), key=str)
        rng = random.Random(5)
        fn = _compile(ep, (beta, a1, a2, *syms))
        rows = []
        with mpmath.workdps(DPS):
            for _ in range(5):
                pt = [mpmath.mpf(float(_draw(doms.get(s, sp.Interval.open(0, sp.oo)), rng))) for s in syms]
                try:
                    c0 = fn(0, 0, 0, *pt)
                    rows.append([fn(1, 0, 0, *pt) - c0, fn(0, 1, 0, *pt) - c0, fn(0, 0, 1, *pt) - c0, -c0])
                except (ZeroDivisionError, ValueError, TypeError):
                    break
            if len(rows) < 5:
                continue
            try:
                sol = mpmath.lu_solve(mpmath.matrix([r[:3] for r in rows[:3]]), mpmath.matrix([r[3] for r in rows[:3]]))
            except ZeroDivisionError:
                continue
            ok = all(abs(sum(r[k] * sol[k] for k in range(3)) - r[3]) < mpmath.mpf(10) ** -20 * max(1, abs(r[3]))
                     for r in rows[3:])
        if not ok:
            continue
        b = sp.Rational(round(float(sol[0]) * 10 ** 6), 10 ** 6)
        if abs(float(sol[0]) - float(b)) > 1e-12:
            continue
        return (name, b, sp.Float(float(sol[1] + sol[2]), 20))
    return None


def _sign_proof(e: sp.Expr, doms: dict, strict: bool) -> bool:
    subs = {}
    for s in e.free_symbols:
        d = doms.get(s)
        t = sp.Symbol(f"{s.name}_pos", positive=True)
        if d == sp.Interval.open(0, 1):
            subs[s] = 1 / (1 + t)
        elif d is not None and d.start.is_finite and d.end == sp.oo:
            subs[s] = d.start + t
        elif d is not None and d.start == -sp.oo and d.end.is_finite:
            subs[s] = d.end - t
        elif d is None or d == sp.Interval(-sp.oo, sp.oo):
            subs[s] = sp.Symbol(f"{s.name}_real", real=True)
        else:
            return False
    try:
        v = sp.simplify(e.subs(subs))
    except (TypeError, ValueError, NotImplementedError):
        return False
    return bool(v.is_positive) if strict else bool(v.is_nonnegative)


def _sign_numeric(e: sp.Expr, doms: dict, strict: bool):
    syms = tuple(sorted(e.free_symbols, key=str))
    f = _compile(e, syms)
    rng = random.Random(1)
    with mpmath.workdps(DPS):
        for _ in range(4 * POINTS):
            point = {s: _draw(doms.get(s, sp.Interval(-sp.oo, sp.oo)), rng) for s in syms}
            try:
                v = mpmath.mpc(f(*[mpmath.mpf(point[s].p) / point[s].q for s in syms]))
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                continue
            if abs(v.imag) > RTOL:
                continue
            if v.real < 0 or (strict and v.real == 0):
                return False, point
    return True, None
