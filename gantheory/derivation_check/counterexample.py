"""Refutations of steps over integrals: a density pair on which the two sides differ.

Both sides are written ``A + ∫ F dx`` and evaluated with concrete densities from gantheory's families by
certified quadrature (:func:`gantheory.quadrature.integrate`): ``p_data``/``p`` and ``p_g``/``q`` take the
pairs below, an unspecified discriminator D is ``σ(1/2 − x)``, a parameter takes the value listed in the
counterexample (distinct values 0.7, 0.3, 1.3, … in the parameters' domains). A pair refutes only when both integrals are certified and the sides differ by more than
the certified errors plus ``TOLERANCES["derivation_refute_atol"]`` (a pointwise difference alone never
refutes: ∫(f − g) can vanish with f ≠ g). A side whose integrand is not a real number where both densities
are positive (the log of a negative quantity, 0/0) is never evaluated through complex numbers. When the
other side is a certified finite real number on that pair, the relation is false there: the
counterexample gives that side's value, ``None`` for the other, and in ``undefined`` the point x and the
quantity that is negative (or the denominator that is 0) there, which a reader can recompute. When both
sides are undefined the pair refutes nothing; if no pair serves the step stays unchecked with the reason.
"""

from __future__ import annotations

import warnings

import numpy as np
import sympy as sp

from gantheory.derivation_check import symbols as S
from gantheory.derivation_check.canonical import NonLinear, X, decompose
from gantheory.derivation_check.model import Counterexample
from gantheory.tolerances import TOLERANCES

__all__ = ["PAIRS", "search", "search_with_note"]

#: (p_data, p_g) as (label, constructor arguments) — small, well separated, asymmetric pairs
PAIRS = (
    ("Normal(0, 1)", ("normal", 0.0, 1.0), "Normal(1, 1)", ("normal", 1.0, 1.0)),
    ("Normal(0, 1)", ("normal", 0.0, 1.0), "Normal(0.5, 2)", ("normal", 0.5, 2.0)),
    ("Normal(0, 1)", ("normal", 0.0, 1.0), "Normal(0, 1)", ("normal", 0.0, 1.0)),
    ("Normal(0, 1)", ("normal", 0.0, 1.0), "Normal(6, 1)", ("normal", 6.0, 1.0)),
)
D_LABEL = "σ(1/2 − x)"
PARAMETER_VALUES = [sp.Rational(7, 10), sp.Rational(3, 10), sp.Rational(13, 10), sp.Rational(9, 20),
                    sp.Rational(17, 10), sp.Rational(1, 5)]


def _density(spec: tuple):
    from gantheory.densities import Normal

    _, loc, scale = spec
    return Normal(loc, scale)


#: (loc, scale) of each density when a generator is involved: p_z = N(0, 2) and G(z) = 1 + z/2 push
#: forward to p_g = N(1, 1), the first pair (p_z differs from p_data, so a wrong density under E shows)
_NORMAL = {"p_data": (0, 1), "p": (0, 1), "p_z": (0, 2), "p_g": (1, 1), "q": (1, 1)}


def _explicit(expr: sp.Expr) -> sp.Expr:
    """With a generator: G(z) = 1 + z/2, every density written out (p_data = N(0, 1), p_z = N(0, 2), p_g = N(1, 1))."""
    expr = expr.subs({a: 1 + a.args[0] / 2 for a in expr.atoms(sp.core.function.AppliedUndef)
                      if S.kind_of(a.func.__name__) == "generator" and len(a.args) == 1})
    out = {}
    for a in expr.atoms(sp.core.function.AppliedUndef):
        dens = S.canonical_density(a.func.__name__)
        if dens in _NORMAL and len(a.args) == 1:
            t = a.args[0]
            loc, scale = _NORMAL[dens]
            out[a] = sp.exp(-((t - loc) / scale) ** 2 / 2) / (scale * sp.sqrt(2 * sp.pi))
    return expr.subs(out)


def _roles(expr: sp.Expr) -> tuple[dict, dict, list]:
    """Symbols for the pointwise values: {application: symbol}, {symbol: role}, parameter symbols."""
    # a generator is G(z) = 1 + z/2 (then p_z = N(0, 2) pushes forward to p_g = N(1, 1), the first pair)
    gens = [f for f in expr.atoms(sp.core.function.AppliedUndef) if S.kind_of(f.func.__name__) == "generator"]
    if gens:
        expr = _explicit(expr)
    apps = sorted(expr.atoms(sp.core.function.AppliedUndef), key=str)
    mapping: dict = {}
    roles: dict = {}
    for app in apps:
        name = app.func.__name__
        dens = S.canonical_density(name)
        if dens is not None and app.args == (X,):
            role = "p" if dens in ("p_data", "p") else "q" if dens in ("p_g", "q") else None
            if role is None:
                raise NonLinear(f"the density {name} has no role in the counterexample pairs")
            sym = sp.Symbol(f"_{role}", positive=True)
        elif S.kind_of(name) == "discriminator" and "*" in name:
            # an optimal discriminator is not an arbitrary D: σ(1/2 − x) would be a bogus value for it
            raise NonLinear(f"{name} is an optimum the document does not define")
        elif S.kind_of(name) == "discriminator" and len(app.args) == 1 and not app.args[0].has(
                sp.core.function.AppliedUndef):
            sym = sp.Symbol(f"_D{len([r for r in roles.values() if r.startswith('D')])}", positive=True)
            role = "D:" + sp.srepr(app.args[0])
        elif dens == "p_z" and len(app.args) == 1 and isinstance(app.args[0], sp.Symbol):
            sym = sp.Symbol("_pz", positive=True)
            role = "pz:" + sp.srepr(app.args[0])
        else:
            raise NonLinear(f"{app} cannot be given a value")
        mapping[app] = sym
        roles[sym] = role
    params = sorted((s for s in expr.free_symbols if s != X), key=str)
    return mapping, roles, params, bool(gens)


def _integrand(f: sp.Expr, mapping: dict, roles: dict, values: dict, gens: bool = False):
    lp, lq = sp.Symbol("lp", real=True), sp.Symbol("lq", real=True)
    subs = {}
    for sym, role in roles.items():
        if role == "p":
            subs[sym] = sp.exp(lp)
        elif role == "q":
            subs[sym] = sp.exp(lq)
        elif role.startswith("D:"):
            arg = sp.sympify(eval(role[2:], sp.__dict__))
            subs[sym] = 1 / (1 + sp.exp(arg - sp.Rational(1, 2)))
        else:  # p_z = N(0, 1)
            subs[sym] = sp.exp(-X ** 2 / 2) / sp.sqrt(2 * sp.pi)
    d_subs = {s: v for s, v in subs.items() if roles[s] not in ("p", "q")}
    pq_subs = {s: v for s, v in subs.items() if roles[s] in ("p", "q")}
    if gens:
        f = _explicit(f)
    g = f.subs(mapping).subs(values).subs(d_subs)
    # log(1 − p/(p+q)) → log(q/(p+q)), log(1 − σ(t)) → log(e^t/(1+e^t)) before any number is formed
    g = g.replace(lambda e: isinstance(e, sp.log), lambda e: sp.log(sp.factor(sp.together(e.args[0]))))
    g = sp.powsimp(sp.expand_log(g.subs(pq_subs), force=True), combine="exp")
    # log-space forms: log(e^a + e^b) = logaddexp(a, b), log(1 + e^t) = softplus(t)
    lae = sp.Function("logaddexp")
    g = g.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.Add) and len(e.args[0].args) == 2
                  and all(isinstance(t, sp.exp) or t == 1 for t in e.args[0].args),
                  lambda e: lae(*[t.args[0] if isinstance(t, sp.exp) else sp.Integer(0) for t in e.args[0].args]))
    fn = sp.lambdify((X, lp, lq), g, [{"logaddexp": np.logaddexp}, "numpy"], cse=True)

    def integrand(x, logp, logq):
        with np.errstate(all="ignore"):
            raw = np.asarray(fn(x, logp, logq))
            if np.iscomplexobj(raw):  # a complex value is not a value of the integrand: undefined there
                raw = np.where(np.abs(raw.imag) > 1e-12 * (1 + np.abs(raw.real)), np.nan, raw.real)
            out = raw.astype(float) * np.ones(np.broadcast(x, logp, logq).shape)
        # far in both tails (both densities below e^-300) every term carries a vanishing density: a 0/0 or
        # 0·∞ there is 0 (its contribution is below 1e-130 times the integrand's size)
        tail = (np.asarray(logp) < -300) & (np.asarray(logq) < -300)
        return np.where(np.isnan(out) & tail, 0.0, out)

    return integrand, g


_GRID = np.linspace(-40.0, 40.0, 4001)


def _screen(integrand, p, q) -> bool:
    """Finite on a grid that covers both densities, and negligible at its ends (else certified quadrature
    would refine for a long time before giving up)."""
    with np.errstate(all="ignore"):
        values = integrand(_GRID, p.logpdf(_GRID), q.logpdf(_GRID))
    return bool(np.all(np.isfinite(values))) and abs(values[0]) < 1e-8 and abs(values[-1]) < 1e-8


def _undefined_at(integrand, p, q) -> float | None:
    """A point where both densities matter (above e^-30) and the integrand is not a real number."""
    if integrand is None:
        return None
    lp, lq = p.logpdf(_GRID), q.logpdf(_GRID)
    with np.errstate(all="ignore"):
        values = integrand(_GRID, lp, lq)
    bad = ~np.isfinite(values) & (np.maximum(lp, lq) > -30)
    # prefer a point inside an undefined stretch (a negative quantity) to an isolated one (a zero denominator)
    inner = bad & np.roll(bad, 1) & np.roll(bad, -1)
    bad = inner if np.any(inner[1:-1]) else bad
    return float(_GRID[np.argmax(bad)]) if np.any(bad) else None


def _quantity_at(f: sp.Expr, mapping: dict, roles: dict, values: dict, gens: bool, x: float, p, q
                 ) -> tuple[str, float] | None:
    """The quantity of ``f`` that makes it undefined at x: the argument of a log or of a fractional power
    that is negative there, or a denominator that is 0 — as written (``p_data(x) - p_g(x)``) and its value."""
    num: dict = {}
    for sym in mapping.values():
        role = roles[sym]
        if role == "p":
            num[sym] = float(np.exp(p.logpdf(np.array([x]))[0]))
        elif role == "q":
            num[sym] = float(np.exp(q.logpdf(np.array([x]))[0]))
        elif role.startswith("D:"):
            arg = sp.sympify(eval(role[2:], sp.__dict__))
            num[sym] = 1 / (1 + sp.exp(arg - sp.Rational(1, 2)))
        else:
            num[sym] = sp.exp(-X ** 2 / 2) / sp.sqrt(2 * sp.pi)
    g = _explicit(f) if gens else f
    candidates = [(e.args[0], "log") for e in sp.preorder_traversal(g) if isinstance(e, sp.log)]
    candidates += [(e.base, "root" if not e.exp.is_integer else "denominator")
                   for e in sp.preorder_traversal(g) if isinstance(e, sp.Pow) and (
                       not e.exp.is_integer or e.exp.is_negative)]
    for quantity, why in candidates:
        try:
            v = complex(sp.N(quantity.subs(mapping).subs(values).subs(num).subs(X, x)))
        except (TypeError, ValueError):
            continue
        if abs(v.imag) > 1e-12 * (1 + abs(v.real)):
            continue
        if (why in ("log", "root") and v.real < 0) or (why in ("log", "denominator") and v.real == 0):
            if isinstance(quantity, sp.Pow) and quantity.exp == -1 and v.real != 0:
                quantity, v = quantity.base, 1 / v  # log(1/u) with u < 0: name u
            return str(quantity).replace(" - ", " − "), float(v.real)
    return None


def _fails(relation: str, lv: float, rv: float, margin: float) -> bool:
    return {
        "=": abs(lv - rv) > margin,
        "<=": lv > rv + margin, "<": lv > rv + margin,
        ">=": lv < rv - margin, ">": lv < rv - margin,
    }.get(relation, False)


def _real_constant(const: sp.Expr, values: dict) -> float | None:
    """The constant part of a side at ``values`` as a real number; None when it is not one."""
    try:
        c = complex(sp.N(const.subs(values)))
    except (TypeError, ValueError):
        return None
    return None if abs(c.imag) > 1e-12 else c.real


def _trapezoid(integrand, p, q, const: sp.Expr, values: dict) -> float | None:
    c = _real_constant(const, values)
    if c is None or integrand is None:
        return c
    if not _screen(integrand, p, q):
        return None
    with np.errstate(all="ignore"):
        values_ = integrand(_GRID, p.logpdf(_GRID), q.logpdf(_GRID))
    return c + float(np.trapezoid(values_, _GRID))


def _undefined_side(bad: tuple[int, float], compiled: list, integrands: tuple, mapping: dict, roles: dict,
                    values: dict, gens: bool, p, q, p_label: str, q_label: str) -> Counterexample | None:
    """One side is a certified finite real number on the pair, the other undefined at a named x (the
    quantity under its log is negative there): the relation is false on the pair."""
    from gantheory.quadrature import integrate

    k, where = bad
    where = round(where, 10)  # the grid point as written (−40 + 0.02·i)
    named = _quantity_at(integrands[k], mapping, roles, values, gens, where, p, q)
    if named is None:
        return None  # no quantity a reader could recompute: no refutation
    const, integrand = compiled[1 - k]
    value = _real_constant(const, values)
    if value is None:
        return None
    if integrand is not None:
        if not _screen(integrand, p, q):
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = integrate(integrand, p, q, atol=1e-9, rtol=1e-9, name="derivation side")
        if not (res.certified and np.isfinite(res.value)):
            return None
        value += res.value
    if not np.isfinite(value):
        return None
    side = ("left", "right")[k]
    uses_d = any(r.startswith("D") for r in roles.values())
    return Counterexample("densities", None if k == 0 else float(value), float(value) if k == 0 else None,
                          values={str(s_): float(v) for s_, v in values.items()},
                          p_data=p_label, p_g=q_label, D=D_LABEL if uses_d else None,
                          G="1 + z/2 with p_z = Normal(0, 2)" if gens else None,
                          method=f"certified quadrature for the {('left', 'right')[1 - k]} side; the {side} side "
                                 "is undefined on the pair",
                          undefined={"side": side, "x": float(where), "expression": named[0],
                                     "value": float(named[1])})


def _side(expr: sp.Expr, values: dict):
    a, f = decompose(expr)
    return a.subs(values), f


def search(lhs: sp.Expr, rhs: sp.Expr, relation: str, domains: dict) -> Counterexample | None:
    """A density pair on which ``lhs relation rhs`` fails by a certified margin, or None."""
    return search_with_note(lhs, rhs, relation, domains)[0]


def search_with_note(lhs: sp.Expr, rhs: sp.Expr, relation: str,
                     domains: dict) -> tuple[Counterexample | None, str]:
    """:func:`search`, and when it finds nothing, why no pair could be used ("" when every pair was
    usable): a side that is not a real number (the log of a negative quantity, 0/0) where both densities
    are positive is never evaluated through complex values, so it refutes nothing on that pair."""
    from gantheory.derivation_check.functional import ClassSup, PointSup

    if lhs.has(PointSup, ClassSup) or rhs.has(PointSup, ClassSup):
        return None, "a side holds a supremum that is not evaluated in closed form"
    notes: list[str] = []
    cx = _search(lhs, rhs, relation, domains, notes)
    if cx is not None or not notes:
        return cx, ""
    more = f" (and on {len(notes) - 1} more pair{'s' if len(notes) > 2 else ''})" if len(notes) > 1 else ""
    return None, notes[0] + more + "; no refutation is drawn from a value that is not a real number"


def _search(lhs: sp.Expr, rhs: sp.Expr, relation: str, domains: dict, notes: list[str]) -> Counterexample | None:
    from gantheory.quadrature import integrate

    try:
        a1, f1 = decompose(lhs)
        a2, f2 = decompose(rhs)
        mapping, roles, params, gens = _roles(sp.Add(f1, f2, a1, a2, evaluate=False))
    except NonLinear:
        return None
    if any(a.has(sp.core.function.AppliedUndef) for a in (a1, a2)) or (any(
            r.startswith("pz") for r in roles.values()) and not gens):
        return None
    # distinct values, so that no two parameters cancel (b − c = 0 would hide an error in LSGAN's targets)
    values = {}
    for k, s_ in enumerate(params):
        dom = domains.get(s_.name)
        choice = next((v for v in PARAMETER_VALUES[k:] + PARAMETER_VALUES[:k] if dom is None or v in dom), None)
        if choice is None:
            return None
        values[s_] = choice
    tol = TOLERANCES["derivation_refute_atol"]
    try:
        compiled = [(a, None if f == 0 else _integrand(f, mapping, roles, values, gens)[0])
                    for a, f in ((a1, f1), (a2, f2))]
    except (TypeError, ValueError, KeyError, NameError):
        return None
    for p_label, p_spec, q_label, q_spec in PAIRS[:1] if gens else PAIRS:
        p, q = _density(p_spec), _density(q_spec)
        # a cheap screen first (trapezoid rule on a fine grid): certified quadrature only for a pair
        # that looks like it separates the sides
        approx = [_trapezoid(integrand, p, q, a, values) for a, integrand in compiled]
        undefined = [_undefined_at(integrand, p, q) for _, integrand in compiled]
        bad = [(k, where) for k, where in enumerate(undefined) if where is not None]
        if len(bad) == 1 and approx[1 - bad[0][0]] is not None and relation in ("=", "<=", "<", ">=", ">"):
            cx = _undefined_side(bad[0], compiled, (f1, f2), mapping, roles, values, gens, p, q,
                                 p_label, q_label)
            if cx is not None:
                return cx
        if bad:
            # a side that is not a real number on this pair gives no refutation on it (a value computed
            # through complex numbers may be bogus): the next pair is tried
            k, where = bad[0]
            notes.append(f"the {('left', 'right')[k]} side's integrand is not a real number at x = {where:.3g} "
                         f"with p_data = {p_label}, p_g = {q_label}, where both densities are positive")
        if any(v is None for v in approx) or any(u is not None for u in undefined) \
                or not _fails(relation, approx[0], approx[1], 1e-4):
            continue
        sides = []
        plots = []
        try:
            for a, integrand in compiled:
                const = complex(sp.N(a.subs(values)))
                if abs(const.imag) > 1e-12:
                    raise NonLinear("a complex constant")
                if integrand is None:
                    sides.append((const.real, 0.0, True))
                    plots.append(None)
                    continue
                if not _screen(integrand, p, q):
                    raise NonLinear("the integrand is not finite on this pair")
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    res = integrate(integrand, p, q, atol=1e-9, rtol=1e-9, name="derivation side")
                if not np.isfinite(res.value):
                    raise NonLinear("a side is infinite")
                sides.append((const.real + res.value, res.error, bool(res.certified)))
                plots.append(integrand)
        except (NonLinear, TypeError, ValueError, ZeroDivisionError, OverflowError, KeyError):
            continue
        (lv, le, lc), (rv, re_, rc) = sides
        if not (lc and rc):
            continue  # the screen said this pair separates the sides, but quadrature could not certify it
        if _fails(relation, lv, rv, le + re_ + tol):
            grid = np.linspace(-4.0, 6.0, 121)
            lpd, lqd = p.logpdf(grid), q.logpdf(grid)
            plot = {"x": grid.tolist(),
                    "lhs": (plots[0](grid, lpd, lqd).tolist() if plots[0] else [0.0] * len(grid)),
                    "rhs": (plots[1](grid, lpd, lqd).tolist() if plots[1] else [0.0] * len(grid))}
            uses_d = any(r.startswith("D") for r in roles.values())
            return Counterexample("densities", lv, rv, values={str(k): float(v) for k, v in values.items()},
                                  p_data=p_label, p_g=q_label, D=D_LABEL if uses_d else None,
                                  G="1 + z/2 with p_z = Normal(0, 2)" if gens else None,
                                  method="certified quadrature", plot=plot)
    return None
