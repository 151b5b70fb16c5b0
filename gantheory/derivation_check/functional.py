"""sup/inf over a function, pointwise suprema and the Fenchel conjugate, as rules with their conditions.

- **Interchange** (``T`` ranges over all measurable functions): ``sup_T ∫ F(x, T(x)) dx = ∫ sup_t F(x, t) dx``
  (≥ always holds: for every fixed T the integrand can only shrink; = for unrestricted T by a measurable
  choice of near-maximisers). ``inf`` is ``−sup(−·)``. A sup over a *class* written in the subscript
  (``\\sup_{T\\in\\mathcal{T}}``, ``\\max_{D:\\|D\\|_L\\le 1}``) is not interchanged: it stays a
  :class:`ClassSup` of its canonical integrand, equal only to the same class's sup of the same integrand,
  and bounded above by the unrestricted sup (:func:`unrestricted`). ``\\max_{D\\in\\mathcal{D}}`` over a
  discriminator is read as Goodfellow's max over all functions into (0, 1) (the pointwise rule of
  :mod:`.optimise`); a Lipschitz constraint on D is a class.
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
from typing import TYPE_CHECKING

import sympy as sp

from gantheory.derivation_check import symbols as S

if TYPE_CHECKING:
    from gantheory.derivation_check.context import Context
    from gantheory.derivation_check.translate import Translator
    from gantheory.divergences import Divergence

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
    def eval(cls, body: sp.Expr) -> None:
        return None

    def _sympystr(self, printer) -> str:
        return f"sup_t[{printer._print(self.args[0].subs(TAU, sp.Symbol('t')))}]"


class ClassSup(sp.Function):
    """``sup over T in a class`` of ``∫ args[0] dx`` with T(x) written :data:`TAU`; ``args[1]`` names the class."""

    nargs = 2

    @classmethod
    def eval(cls, body: sp.Expr, label: sp.Symbol) -> None:
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


def point_sup(body: sp.Expr, var: sp.Symbol, op: str, tr: Translator) -> sp.Expr:
    """``sup_var body`` (``op`` max/sup) or ``inf_var body`` in canonical form (see the module docstring)."""
    sign = 1 if op in ("max", "sup") else -1
    b = sp.expand(sign * body.subs(var, TAU))
    outside, groups = _groups(b)
    if not groups:
        return sign * b
    if len(groups) == 2 and TAU in groups:
        h = next(g for g in groups if g != TAU)
        partner = partner_of(h.func.__name__, tr.ctx) if isinstance(h, sp.core.function.AppliedUndef) else None
        if partner is not None and h.args == (TAU,):
            c = -groups[h]
            if _positive(c, tr.ctx.domains) == 1:
                g = h.func.__name__
                if g not in tr.ctx.conjugates:  # by the notation's convention: remembered as a pair from now on
                    tr.ctx.conjugates[g], tr.ctx.conjugates[partner] = partner, g
                if g.endswith("^*"):
                    tr.rules.add(f"Fenchel–Moreau: sup_t {{a t − c {g}(t)}} = c {partner}(a/c) for c > 0 "
                                 f"({g} the convex conjugate of {partner}; {partner} convex, lower semicontinuous)")
                else:
                    tr.rules.add(f"the convex conjugate: sup_u {{a u − c {g}(u)}} = c {partner}(a/c) for c > 0")
                return sign * (outside + c * sp.Function(partner)(sp.cancel(groups[TAU] / c)))
    line = _supporting_line(sp.expand((b - outside).doit()), tr)
    if line is not None:
        return sign * (outside + line)
    key = min(groups, key=sp.default_sort_key)
    s = _positive(groups[key], tr.ctx.domains)
    scale = s * groups[key] if s else sp.Integer(1)
    inner = sp.Add(*[sp.cancel(c / scale) * h for h, c in groups.items()])
    tr.rules.add("sup_t (c φ(t) + a) = c sup_t φ(t) + a for c > 0 free of t")
    return sign * (outside + scale * PointSup(inner))


def _supporting_line(b: sp.Expr, tr: Translator) -> sp.Expr | None:
    """``c·[f(τ) + f'(τ)(a − τ)]`` with f convex (the f of an f-divergence, or one of a conjugate pair) and
    c > 0: its sup over τ is c·f(a), the supporting line at τ = a."""
    for app in b.atoms(sp.core.function.AppliedUndef):
        name = app.func.__name__
        if app.args != (TAU,) or not (name in getattr(tr.ctx, "convex", set()) or name in tr.ctx.conjugates):
            continue
        c = b.coeff(app)
        if c == 0 or c.has(TAU) or _positive(c, tr.ctx.domains) != 1:
            continue
        slope = sp.diff(app, TAU)
        rest = sp.expand(b - c * app)
        k = rest.coeff(slope)
        if k == 0 or sp.expand(rest - k * slope) != 0:
            continue
        a = sp.cancel(k / c + TAU)
        if a.has(TAU):
            continue
        tr.rules.add(f"supporting line of a convex {name}: sup_r [{name}(r) + {name}'(r)(u − r)] = {name}(u)")
        return c * app.func(a)
    return None


def sup_over_free(expr: sp.Expr, name: str, op: str, tr: Translator) -> sp.Expr:
    """sup (inf) over a free function ``name`` of expr: the interchange inside integrals; without an integral,
    over the value name(x) at the point."""
    from gantheory.derivation_check.optimise import optimise

    if expr.has(sp.Integral):
        return optimise(op, name, expr, tr)
    y = sp.Dummy("y", real=True)
    f = expr.replace(lambda e: isinstance(e, sp.core.function.AppliedUndef) and e.func.__name__ == name
                     and e.args == (X,), lambda e: y)
    if f.has(sp.Function(name)):
        from gantheory.derivation_check.translate import Unsupported

        raise Unsupported(f"a sup over {name} applied to something other than x")
    return point_sup(f, y, op, tr)


def partner_of(name: str, ctx: Context) -> str | None:
    """The convex conjugate partner of a function name: declared by the document (``f^*(t) = sup_u …``), or by
    the notation's convention when neither is written out: ``f^*`` is the conjugate of ``f`` (and f, convex
    and lower semicontinuous, that of ``f^*``)."""
    pairs = getattr(ctx, "conjugates", {})
    if name in pairs:
        return pairs[name]
    base = name[:-2] if name.endswith("^*") else name
    if S.kind_of(base) != "function" or ctx.has(base) or ctx.has(base + "^*") or base in pairs or base + "^*" in pairs:
        return None
    return base if name.endswith("^*") else base + "^*"


def interchange(op: str, target: sp.Basic, outside: sp.Expr, integrand: sp.Expr, tr: Translator,
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


def unrestricted(expr: sp.Expr, sign: int, tr: Translator) -> sp.Expr:
    """The ClassSups of expr that enter with ``sign`` (+1: a sup, −1: an inf) replaced by the sup over all
    functions (their interchange)."""
    expr = sp.expand(expr)
    out = sp.Integer(0)
    for term in sp.Add.make_args(expr):
        atoms = term.atoms(ClassSup)
        if len(atoms) == 1:
            cs = next(iter(atoms))
            coeff = sp.cancel(term / cs)
            if not coeff.has(ClassSup) and coeff.is_number and sp.sign(coeff) == sign:
                body = cs.args[0]
                opaque = any(TAU in a.free_symbols and S.kind_of(a.func.__name__) != "density"
                             for a in body.atoms(sp.core.function.AppliedUndef))
                best = point_sup(body, TAU, "max", tr) if opaque else _evaluate_sup(body)
                term = coeff * sp.Integral(PointSup(body) if best is None else best, X)
        out += term
    return out


def relax_classes(big: sp.Expr, small: sp.Expr, tr: Translator) -> tuple[sp.Expr, sp.Expr] | None:
    """(big', small') with big' ≤ big and small' ≥ small: sups over a class on the small side and infs over
    a class on the big side widened to all functions; None when there is none."""
    if not (big.has(ClassSup) or small.has(ClassSup)):
        return None
    return unrestricted(big, -1, tr), unrestricted(small, 1, tr)


def free_functions(expr: sp.Expr, ctx: Context) -> list[str]:
    """Names of undefined real-valued functions applied to x in expr (T, h, f when no conjugate pair names
    it): a statement about them claims something for every such function."""
    names = set()
    for a in expr.atoms(sp.core.function.AppliedUndef):
        name = a.func.__name__
        if a.args == (X,) and S.kind_of(name) == "function" and "*" not in name and not ctx.has(name) and \
                name not in getattr(ctx, "conjugates", {}) and name not in getattr(ctx, "convex", set()):
            names.add(name)
    return sorted(names)


#: concrete functions T(x) tried for a statement that must hold for every T
_FREE_CHOICES = ((sp.Integer(0), "0"), (X / 2, "x/2"), (-X / 2, "−x/2"), (sp.Integer(0), "0 or x/2"))


# ------------------------------------------------------------------ conjugates of the divergence rows
def row_of(f_body: sp.Expr, u: sp.Symbol) -> Divergence | None:
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
    if any(TAU in a.free_symbols for a in body.atoms(sp.core.function.AppliedUndef)):
        return None  # an undefined function of τ: no value
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


def instantiate(expr: sp.Expr, pair: tuple[str, str], row: Divergence | None) -> sp.Expr | None:
    """expr with f, f^* (names in ``pair``) the row's functions and every PointSup evaluated; None if not."""
    out = expr
    if row is not None:
        f, fs = _row_functions(row)
        out = expr.replace(sp.Function(pair[0]), f).replace(sp.Function(pair[1]), fs)
    if row is not None:
        out = out.replace(lambda e: isinstance(e, (sp.Subs, sp.Derivative)), lambda e: e.doit())
    if out.has(ClassSup):
        return None
    for ps in sorted(out.atoms(PointSup), key=lambda e: -sp.count_ops(e)):
        value = _evaluate_sup(ps.args[0])
        if value is None:
            return None
        out = out.xreplace({ps: value})
    return out


_ROWS = ("kl", "pearson")


def conjugate_counterexample(lhs: sp.Expr, rhs: sp.Expr, relation: str, ctx: Context) -> tuple | None:
    """(Counterexample, description of f) refuting ``lhs relation rhs`` for a concrete convex f, or None."""

    names = {a.func.__name__ for a in (lhs - rhs).atoms(sp.core.function.AppliedUndef)}
    pair = next(((n[:-2], n) if n.endswith("^*") else (n, partner_of(n, ctx)) for n in sorted(names)
                 if partner_of(n, ctx) is not None and (n.endswith("^*") or n in getattr(ctx, "conjugates", {})
                                                        or n in getattr(ctx, "convex", set()))), None)
    free = free_functions(lhs - rhs, ctx)
    if relation == "=" and free_functions(lhs, ctx) != free_functions(rhs, ctx):
        free = []  # T on one side only: an equation that may hold only for a T the prose chooses
    if pair is None and not free and not (lhs - rhs).has(PointSup, ClassSup):
        return None
    classes = sorted({str(c.args[1]) for c in (lhs - rhs).atoms(ClassSup)})
    every = " and ".join(([f"convex {pair[0]}"] if pair else []) + [f"function {n}" for n in free]
                         + [f"family {c}" for c in classes if _family(c) == "any"]) or "instance"
    # with a free critic, rows whose f and f^* are finite on all of ℝ first (a critic's values are arbitrary)
    for key in (_ROWS[::-1] if free else _ROWS) if pair else (None,):
        for choice in _FREE_CHOICES if free or classes else ((None, None),):
            found = _instance(lhs, rhs, relation, ctx, pair, key, free, choice)
            if found is not None:
                return (*found, every)
    return None


def _instance(lhs: sp.Expr, rhs: sp.Expr, relation: str, ctx, pair, key, free, choice):
    from gantheory.derivation_check.counterexample import PAIRS, search_with_note
    from gantheory.divergences import DIVERGENCES

    sides = [lhs, rhs]
    parts = []
    first_pair_only = False
    if lhs.has(ClassSup) or rhs.has(ClassSup):
        evaluated = [_classes(s, choice) for s in sides]
        if any(e is None for e in evaluated):
            return None
        sides = [e[0] for e in evaluated]
        notes = sorted({n for e in evaluated for n in e[1]})
        parts += notes
        first_pair_only = any("Kantorovich" in n for n in notes)
    if free:
        sides = [s.replace(lambda e: isinstance(e, sp.core.function.AppliedUndef) and e.func.__name__ in free
                           and e.args == (X,), lambda e: choice[0]) for s in sides]
        parts.append(" and ".join(f"{n}(x) = {choice[1]}" for n in free))
    if pair is not None:
        row = DIVERGENCES[key]
        sides = [instantiate(s, pair, row) for s in sides]
        if any(s is None for s in sides):
            return None
        parts.insert(0, f"{pair[0]}(u) = {row.f_sympy} and {pair[1]}(t) = {row.conjugate_sympy} (the '{key}' row "
                        "of gantheory.divergences)")
    else:
        sides = [instantiate(s, ("", ""), None) for s in sides]
        if any(s is None for s in sides):
            return None
    desc = ", ".join(parts)
    infinite = [s.has(sp.oo, -sp.oo, sp.zoo) for s in sides]
    if any(infinite) or first_pair_only or any(s.has(sp.Max) for s in sides) or \
            not any(s.has(sp.Integral) for s in sides):
        cx = _on_first_pair(sides, relation, PAIRS[0], desc)
        return None if cx is None else (cx, desc)
    cx, _ = search_with_note(sides[0], sides[1], relation, ctx.domains)
    if cx is not None and cx.undefined is None:  # undefined only through the instance chosen: no refutation
        return dataclasses.replace(cx, method=f"with {desc}: {cx.method}"), desc
    return None


def _family(label: str) -> str | None:
    """'lipschitz' (``\\|D\\|_L \\le 1``), 'any' (an unspecified family ``\\mathcal{T}``), or None."""
    if label.startswith("Class") and "L" in label[5:] and label.endswith("1"):
        return "lipschitz"
    if label.startswith("cal"):
        return "any"
    return None


def _classes(expr: sp.Expr, choice: tuple) -> tuple[sp.Expr, list[str]] | None:
    """expr with every ClassSup given a value: for an unspecified family the claim must hold for every
    family, so the family {T₀} (T₀ = ``choice``) is used; for the 1-Lipschitz functions the
    Kantorovich–Rubinstein value on the first density pair; None when neither applies."""
    notes: list[str] = []
    out = expr
    for cs in sorted(expr.atoms(ClassSup), key=sp.default_sort_key):
        body, label = cs.args[0], str(cs.args[1])
        kind = _family(label)
        if kind == "any" and choice[0] is not None:
            if choice[1] == "0 or x/2":  # a family of two: its sup is the larger value
                value = sp.Max(*[sp.Integral(body.subs(TAU, t), X) for t in (sp.Integer(0), X / 2)])
            else:
                value = sp.Integral(body.subs(TAU, choice[0]), X)
            notes.append(f"the family {label} = {{T(x) = {choice[1]}}}")
        elif kind == "lipschitz":
            value = _kantorovich(body)
            if value is None:
                return None
            notes.append("Kantorovich–Rubinstein: sup over 1-Lipschitz D of ∫ (a p − a q) D dx = |a| W₁(P, Q), "
                         "W₁(Normal(0, 1), Normal(1, 1)) = 1; constants are 1-Lipschitz, so with a p + b q, "
                         "a + b ≠ 0, the sup is +∞")
        else:
            return None
        out = out.xreplace({cs: value})
    return out, notes


def _kantorovich(body: sp.Expr) -> sp.Expr | None:
    g = sp.expand(body).coeff(TAU)
    if sp.expand(body - g * TAU) != 0 or g.has(TAU):
        return None
    coeffs = {"p": sp.Integer(0), "q": sp.Integer(0)}
    rest = sp.expand(g)
    for a in g.atoms(sp.core.function.AppliedUndef):
        dens = S.canonical_density(a.func.__name__)
        if dens is None or a.args != (X,):
            return None
        role = "p" if dens in ("p_data", "p") else "q" if dens in ("p_g", "q") else None
        if role is None:
            return None
        c = rest.coeff(a)
        if not c.is_number:
            return None
        coeffs[role] += c
        rest = sp.expand(rest - c * a)
    if rest != 0:
        return None
    a, b = coeffs["p"], coeffs["q"]
    if a + b != 0:
        return sp.oo
    return abs(a)  # |a| · W₁ with W₁ = 1 on the first pair


def _on_first_pair(sides: list, relation: str, pair: tuple, desc: str):
    """Both sides on the first density pair: a side that is ±∞ (a sup unbounded at every x) as such, the
    others by certified quadrature."""
    import numpy as np

    from gantheory.densities import Normal
    from gantheory.derivation_check.canonical import NonLinear, decompose
    from gantheory.derivation_check.counterexample import _integrand, _roles
    from gantheory.derivation_check.model import Counterexample
    from gantheory.quadrature import integrate

    values = []
    errors = 0.0
    algebraic = not any(s.has(sp.Integral) for s in sides)
    point: dict = {}
    if algebraic:
        # a pointwise claim: any positive density values and any point will do (p = 3/10, q = 7/10, u = 2, x = 2)
        for s in sides:
            for a in s.atoms(sp.core.function.AppliedUndef):
                dens = S.canonical_density(a.func.__name__)
                if dens is not None:
                    point[a] = sp.Rational(3, 10) if dens in ("p_data", "p") else sp.Rational(7, 10)
        point.update({v: sp.Integer(2) for s in sides for v in s.free_symbols})
    sides = [s.xreplace(point) for s in sides]
    for s in sides:
        if s.has(sp.oo, -sp.oo, sp.zoo):
            # densities are positive: an integrand that is ±∞ everywhere integrates to ±∞
            pointwise = s.replace(lambda e: isinstance(e, sp.Integral), lambda e: e.function)
            v = pointwise.subs({a: 1 for a in pointwise.atoms(sp.core.function.AppliedUndef)})
            v = v if v in (sp.oo, -sp.oo) else None
            values.append(None if v is None else float(v))
            continue
        numbers = {}
        for integral in s.atoms(sp.Integral):
            try:
                a, f = decompose(integral)
                mapping, roles, params, gens = _roles(f)
            except NonLinear:
                return None
            if params or gens or a != 0:
                return None
            integrand = _integrand(f, mapping, roles, {}, False)[0]
            p, q = Normal(*pair[1][1:]), Normal(*pair[3][1:])
            res = integrate(integrand, p, q, atol=1e-9, rtol=1e-9, name="derivation side")
            if not (res.certified and np.isfinite(res.value)):
                return None
            numbers[integral] = sp.Float(res.value, 17)
            errors += res.error  # a max of certified values is within the largest error: the sum bounds it
        try:
            total = complex(sp.N(s.xreplace(numbers)))
        except (TypeError, ValueError):
            return None
        if abs(total.imag) > 1e-12:
            return None
        values.append(total.real)
    if any(v is None for v in values) or all(abs(v) == float("inf") for v in values):
        return None
    lv, rv = values
    from gantheory.tolerances import TOLERANCES

    margin = errors + TOLERANCES["derivation_refute_atol"]
    fails = {"=": abs(lv - rv) > margin, "<=": lv > rv + margin, "<": lv > rv + margin,
             ">=": lv < rv - margin, ">": lv < rv - margin}.get(relation, False)
    if not fails:
        return None
    infinite = [k for k, v in zip(("left", "right"), values, strict=True) if abs(v) == float("inf")]
    how = (f"the {infinite[0]} side is {'+' if values[0 if infinite[0] == 'left' else 1] > 0 else '−'}∞ "
           "(its sup is unbounded at every x); the other side by certified quadrature" if infinite
           else "certified quadrature")
    if algebraic:
        return Counterexample("numbers", lv, rv, values={str(k): float(v) for k, v in point.items()},
                              method=f"with {desc}: " + ("the sup is unbounded" if infinite else "exact values"))
    return Counterexample("densities", lv, rv, p_data=pair[0], p_g=pair[2], method=f"with {desc}: {how}")
