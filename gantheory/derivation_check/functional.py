"""sup/inf over a function, pointwise suprema and the Fenchel conjugate, as rules with their conditions.

- **Interchange** (``T`` ranges over all measurable functions): ``sup_T ∫ F(x, T(x)) dx = ∫ sup_t F(x, t) dx``
  (≥ always holds: for every fixed T the integrand can only shrink; = for unrestricted T by a measurable
  choice of near-maximisers). ``inf`` is ``−sup(−·)``. A sup over a *class* written in the subscript
  (``\\sup_{T\\in\\mathcal{T}}``, ``\\max_{D:\\|D\\|_L\\le 1}``) is not interchanged: it stays a
  :class:`ClassSup` of its canonical integrand, equal only to the same class's sup of the same integrand,
  and bounded above by the unrestricted sup (:func:`unrestricted`).
- **Pointwise sup kept symbolic**: ``sup_t φ(t)`` whose objective involves a function the document does
  not define becomes ``c·PointSup(ψ) + a`` with a, c > 0 free of t taken out (``sup(c ψ + a) = c sup ψ + a``),
  so sides written differently compare equal.
- **Fenchel conjugate**: ``f^*(t) = sup_u {u t − f(u)}`` with f undefined declares the conjugate pair
  (f, f^*); then ``sup_t {a t − c f^*(t)} = c·f(a/c)`` for c > 0 (Fenchel–Moreau, f convex and lower
  semicontinuous) and ``sup_u {a u − c f(u)} = c·f^*(a/c)``. With f written out, the document's conjugate
  is compared with the row of :data:`gantheory.divergences.DIVERGENCES` whose f it is (not re-derived).
- **Counterexamples**: a step whose sides stay in terms of an undefined convex f is refuted only on a
  concrete f: the KL row (f(u) = u log u, f^*(t) = e^{t−1}) and the Pearson row, every ``PointSup``
  evaluated in closed form (stationary point, or ±∞ as a limit), both sides by certified quadrature on a
  density pair (:mod:`.counterexample`); an infinite side is reported with its reason.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from gantheory.derivation_check import symbols as S

__all__ = [
    "TAU",
    "ClassSup",
    "PointSup",
    "conjugate_counterexample",
    "interchange",
    "point_sup",
    "row_of",
    "unrestricted",
]

#: the bound variable of every PointSup (one symbol, so equal sups are structurally equal)
TAU = sp.Symbol("tau_", real=True)
X = S.variable("x")


class PointSup(sp.Function):
    """``sup over τ ∈ ℝ`` of ``args[0]`` (in :data:`TAU`); never evaluated, opaque to the random-point test."""

    nargs = 1

    @classmethod
    def eval(cls, body):
        return None

    def _sympystr(self, printer) -> str:
        return f"sup_t[{printer._print(self.args[0].subs(TAU, sp.Symbol('t')))}]"


class ClassSup(sp.Function):
    """``sup over T in a class`` of ``∫ args[0] dx`` with T(x) written :data:`TAU`; ``args[1]`` names the class."""

    nargs = 2

    @classmethod
    def eval(cls, body, label):
        return None

    def _sympystr(self, printer) -> str:
        return f"sup_{{T in {self.args[1]}}} ∫ {printer._print(self.args[0].subs(TAU, sp.Symbol('T(x)')))} dx"


def _positive(c: sp.Expr, domains: dict | None) -> int:
    """+1 / −1 when c has that sign (sympy's assumptions, else random points of the declared domains), 0."""
    if c.is_positive:
        return 1
    if c.is_negative:
        return -1
    from gantheory.derivation_check.optimise import _sign_at_random_points

    if c.has(PointSup, ClassSup):
        return 0
    return _sign_at_random_points(c, domains)


def _groups(body: sp.Expr) -> tuple[sp.Expr, dict]:
    outside = sp.Integer(0)
    groups: dict = {}
    for term in sp.Add.make_args(sp.expand(body)):
        if not term.has(TAU):
            outside += term
            continue
        c, h = term.as_independent(TAU, as_Add=False)
        groups[h] = groups.get(h, sp.Integer(0)) + c
    return outside, groups


def point_sup(body: sp.Expr, var: sp.Symbol, op: str, tr) -> sp.Expr:
    """``sup_var body`` (``op`` max/sup) or ``inf_var body`` in canonical form (see the module docstring)."""
    sign = 1 if op in ("max", "sup") else -1
    b = sp.expand(sign * body.subs(var, TAU))
    outside, groups = _groups(b)
    if not groups:
        return sign * b
    pairs = getattr(tr.ctx, "conjugates", {})
    if len(groups) == 2 and TAU in groups:
        h = next(g for g in groups if g != TAU)
        if isinstance(h, sp.core.function.AppliedUndef) and h.args == (TAU,) and h.func.__name__ in pairs:
            c = -groups[h]
            if _positive(c, tr.ctx.domains) == 1:
                g, partner = h.func.__name__, pairs[h.func.__name__]
                tr.rules.add(f"Fenchel–Moreau: sup_t {{a t − c {g}(t)}} = c {partner}(a/c) for c > 0 "
                             f"({partner}, {g} a conjugate pair; convex, lower semicontinuous)")
                return sign * (outside + c * sp.Function(partner)(sp.cancel(groups[TAU] / c)))
    key = min(groups, key=sp.default_sort_key)
    s = _positive(groups[key], tr.ctx.domains)
    scale = s * groups[key] if s else sp.Integer(1)
    inner = sp.Add(*[sp.cancel(c / scale) * h for h, c in groups.items()])
    tr.rules.add("sup_t (c φ(t) + a) = c sup_t φ(t) + a for c > 0 free of t")
    return sign * (outside + scale * PointSup(inner))


def interchange(op: str, target: sp.Basic, outside: sp.Expr, integrand: sp.Expr, tr,
                restricted: str | None = None) -> sp.Expr:
    """``sup_T (outside + ∫ integrand dx)`` with T applied to x only inside the integrand."""
    from gantheory.derivation_check.optimise import _stationary
    from gantheory.derivation_check.translate import Unsupported

    name = target.__name__ if hasattr(target, "__name__") else str(target)
    sign = 1 if op in ("max", "sup") else -1
    app = next(a for a in integrand.atoms(sp.core.function.AppliedUndef) if a.func == target)
    if restricted is not None:
        body = sp.expand(sign * integrand.subs(app, TAU))
        tr.rules.add(f"sup over the class {restricted} kept as written (no interchange: {name} is restricted)")
        return outside + sign * ClassSup(body, sp.Symbol(restricted))
    y = sp.Dummy("y", real=True)
    f = integrand.subs(app, y)
    tr.rules.add(f"interchange: {'sup' if sign == 1 else 'inf'}_{name} ∫ F(x, {name}(x)) dx = ∫ "
                 f"{'sup' if sign == 1 else 'inf'}_t F(x, t) dx ({name} ranges over all measurable functions)")
    if not f.atoms(sp.core.function.AppliedUndef) - {a for a in f.atoms(sp.core.function.AppliedUndef)
                                                     if S.canonical_density(a.func.__name__)}:
        try:
            y_star = _stationary(f, y, "max" if sign == 1 else "min", tr)
            return outside + sp.Integral(f.subs(y, y_star), X)
        except Unsupported:
            pass
    return outside + sp.Integral(point_sup(f, y, op, tr), X)


def unrestricted(expr: sp.Expr) -> sp.Expr:
    """Every ClassSup replaced by the sup over all functions (its interchange) — an upper bound for sup."""
    return expr.replace(lambda e: isinstance(e, ClassSup),
                        lambda e: sp.Integral(PointSup(e.args[0]), X))


# ------------------------------------------------------------------ conjugates of the divergence rows
def row_of(f_body: sp.Expr, u: sp.Symbol):
    """The row of DIVERGENCES whose f equals ``f_body`` (in u) identically, or None."""
    from gantheory.divergences import DIVERGENCES

    for row in DIVERGENCES.values():
        if not row.f_sympy:
            continue
        g = sp.sympify(row.f_sympy, locals={"u": sp.Symbol("u", positive=True)})
        try:
            diff = sp.simplify(sp.expand_log(f_body.subs(u, sp.Symbol("u", positive=True)) - g, force=True))
        except (TypeError, ValueError):
            continue
        if diff == 0:
            return row
    return None


def _row_functions(row):
    uu, tt = sp.Symbol("u", real=True), sp.Symbol("t", real=True)
    f = sp.Lambda(uu, sp.sympify(row.f_sympy, locals={"u": uu}))
    fs = sp.Lambda(tt, sp.sympify(row.conjugate_sympy, locals={"t": tt}))
    return f, fs


def _evaluate_sup(body: sp.Expr) -> sp.Expr | None:
    """sup over τ ∈ ℝ of an explicit body: ±∞ when a limit at ±∞ is +∞, else the unique stationary value."""
    try:
        for end in (sp.oo, -sp.oo):
            lim = sp.limit(body, TAU, end)
            if lim == sp.oo:
                return sp.oo
        d = sp.diff(body, TAU)
        sols = [s for s in sp.solve(d, TAU) if s.is_real is not False]
    except (NotImplementedError, ValueError, TypeError):
        return None
    if len(sols) != 1:
        return None
    return body.subs(TAU, sols[0])


def instantiate(expr: sp.Expr, pair: tuple[str, str], row) -> sp.Expr | None:
    """expr with f, f^* (names in ``pair``) the row's functions and every PointSup evaluated; None if not."""
    f, fs = _row_functions(row)
    out = expr.replace(sp.Function(pair[0]), f).replace(sp.Function(pair[1]), fs)
    if out.has(ClassSup):
        return None
    for ps in sorted(out.atoms(PointSup), key=lambda e: -sp.count_ops(e)):
        value = _evaluate_sup(ps.args[0])
        if value is None:
            return None
        out = out.xreplace({ps: value})
    return out


_ROWS = ("kl", "pearson")


def conjugate_counterexample(lhs: sp.Expr, rhs: sp.Expr, relation: str, ctx):
    """(Counterexample, description of f) refuting ``lhs relation rhs`` for a concrete convex f, or None."""
    from gantheory.derivation_check.counterexample import PAIRS, search_with_note
    from gantheory.divergences import DIVERGENCES

    names = {a.func.__name__ for a in (lhs - rhs).atoms(sp.core.function.AppliedUndef)}
    pair = next(((g, h) for g, h in getattr(ctx, "conjugates", {}).items()
                 if (g in names or h in names) and "*" in h), None)
    if pair is None:
        return None
    for key in _ROWS:
        row = DIVERGENCES[key]
        sides = [instantiate(s, pair, row) for s in (lhs, rhs)]
        if any(s is None for s in sides):
            continue
        desc = (f"{pair[0]}(u) = {row.f_sympy} and {pair[1]}(t) = {row.conjugate_sympy} (the '{key}' row of "
                "gantheory.divergences)")
        infinite = [s.has(sp.oo, -sp.oo, sp.zoo) for s in sides]
        if any(infinite):
            cx = _infinite_side(sides, relation, PAIRS[0], desc)
            if cx is not None:
                return cx, desc
            continue
        cx, _ = search_with_note(sides[0], sides[1], relation, ctx.domains)
        if cx is not None:
            return dataclasses.replace(cx, method=f"with {desc}: {cx.method}"), desc
    return None


def _infinite_side(sides: list, relation: str, pair: tuple, desc: str):
    """One side is ±∞ for every density pair (a sup that is unbounded at every x), the other finite."""
    import numpy as np

    from gantheory.densities import Normal
    from gantheory.derivation_check.canonical import decompose
    from gantheory.derivation_check.counterexample import _integrand, _roles
    from gantheory.derivation_check.model import Counterexample
    from gantheory.quadrature import integrate

    values = []
    for s in sides:
        if s.has(sp.oo, -sp.oo, sp.zoo):
            # densities are positive: an integrand that is ±∞ everywhere integrates to ±∞
            pointwise = s.replace(lambda e: isinstance(e, sp.Integral), lambda e: e.function)
            v = pointwise.subs({a: 1 for a in pointwise.atoms(sp.core.function.AppliedUndef)})
            v = v if v in (sp.oo, -sp.oo) else None
            values.append(None if v is None else float(v))
            continue
        a, f = decompose(s)
        if a.free_symbols:
            return None
        total = float(sp.N(a))
        if f != 0:
            mapping, roles, params, gens = _roles(f)
            if params or gens:
                return None
            integrand = _integrand(f, mapping, roles, {}, False)[0]
            p, q = Normal(*pair[1][1:]), Normal(*pair[3][1:])
            res = integrate(integrand, p, q, atol=1e-9, rtol=1e-9, name="derivation side")
            if not (res.certified and np.isfinite(res.value)):
                return None
            total += res.value
        values.append(total)
    if any(v is None for v in values) or all(abs(v) == float("inf") for v in values):
        return None
    lv, rv = values
    fails = {"=": lv != rv, "<=": lv > rv, "<": lv >= rv, ">=": lv < rv, ">": lv <= rv}.get(relation, False)
    if not fails:
        return None
    inf_side = "left" if abs(lv) == float("inf") else "right"
    return Counterexample("densities", lv, rv, p_data=pair[0], p_g=pair[2],
                          method=f"with {desc}: the {inf_side} side's pointwise sup is "
                                 f"{'+' if (lv if inf_side == 'left' else rv) > 0 else '−'}∞ at every x; the other "
                                 "side by certified quadrature")
