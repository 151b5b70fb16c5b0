"""Canonical forms the rules compare: ``A + ∫ F(x) dx`` and pointwise symbols.

Every expression the checker compares is split into a part ``A`` without integrals and one integrand ``F``
over the canonical variable ``x`` (linearity of ∫: ``c·∫f + d·∫g = ∫(c f + d g)`` for c, d free of x).
For random-point tests the applications ``p_data(x)``, ``D(x)``, … are replaced by symbols whose domains
come from the symbol table: densities in (0, ∞), discriminator values in (0, 1), others real; sums
``Σ_i`` are split over + and constant factors, then each distinct sum becomes one symbol.
"""

from __future__ import annotations

import sympy as sp

from gantheory.derivation_check import symbols as S

__all__ = ["NonLinear", "decompose", "pointwise"]

X = S.variable("x")


class NonLinear(Exception):
    """An integral that does not enter linearly (log ∫, ∫ inside max, …)."""


def decompose(expr: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(A, F) with expr = A + ∫ F(x) dx; raises :class:`NonLinear`."""
    expr = sp.expand(expr)
    a = sp.Integer(0)
    f = sp.Integer(0)
    for term in sp.Add.make_args(expr):
        factors = sp.Mul.make_args(term)
        ints = [g for g in factors if isinstance(g, sp.Integral)]
        if not ints:
            if term.has(sp.Integral):
                raise NonLinear(str(term))
            a += term
            continue
        if len(ints) > 1:
            raise NonLinear("a product of integrals")
        integral = ints[0]
        if len(integral.limits) != 1 or len(integral.limits[0]) != 1:
            raise NonLinear("an integral with limits")
        var = integral.limits[0][0]
        coeff = sp.Mul(*[g for g in factors if g is not integral])
        if var in coeff.free_symbols or coeff.has(sp.Integral):
            raise NonLinear("a coefficient depending on the variable of integration")
        body = integral.function
        if body.has(sp.Integral):
            inner_a, inner_f = decompose(body)
            if inner_f != 0:
                raise NonLinear("nested integrals")
            body = inner_a
        if var != X:
            if X in body.free_symbols:
                raise NonLinear("an integrand mentioning x over another variable")
            body = body.subs(var, X)
        f += coeff * body
    return a, f


def canonical_sums(expr: sp.Expr) -> sp.Expr:
    """Σ_i (a_i + b_i) → Σ a_i + Σ b_i; Σ c·a_i → c·Σ a_i (c free of i)."""
    if not expr.has(sp.Sum):
        return expr

    def split(s: sp.Sum) -> sp.Expr:
        body, limits = s.function, s.limits
        idx = limits[0][0]
        out = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(body)):
            const = sp.Mul(*[g for g in sp.Mul.make_args(term) if idx not in g.free_symbols])
            rest = sp.Mul(*[g for g in sp.Mul.make_args(term) if idx in g.free_symbols])
            if rest == 1:
                lo, hi = limits[0][1], limits[0][2]
                out += const * (hi - lo + 1)
            else:
                out += const * sp.Sum(rest, *limits)
        return out

    return expr.replace(lambda e: isinstance(e, sp.Sum), split)


def domain_of(name: str, domains: dict | None = None) -> sp.Interval:
    if domains and name in domains:
        return domains[name]
    kind = S.kind_of(name)
    if kind == "density":
        return sp.Interval.open(0, sp.oo)
    if kind == "discriminator":
        return sp.Interval.open(0, 1)
    if name in ("m", "n", "N", "M", "K"):
        return sp.Interval(1, sp.oo)  # a sample size: a positive integer
    if kind == "parameter":
        return sp.Interval.open(0, sp.oo)
    return sp.Interval(-sp.oo, sp.oo)


def pointwise(expr: sp.Expr, domains: dict | None = None) -> tuple[sp.Expr, dict, set]:
    """expr with applications/sums/indexed replaced by symbols: (expr, {symbol: interval}, opaque names).

    ``opaque`` lists symbols standing for functions the document did not define (their values are
    arbitrary, so a numeric difference there is not a counterexample).
    """
    expr = canonical_sums(expr)
    mapping: dict = {}
    doms: dict = {}
    opaque: set = set()
    counter = [0]

    def sym_for(atom: sp.Basic, name: str, interval: sp.Interval, is_opaque: bool) -> sp.Symbol:
        key = sp.srepr(atom)
        if key not in mapping:
            counter[0] += 1
            s = sp.Symbol(_label(atom, name), real=True)
            if s in doms:
                s = sp.Symbol(f"{_label(atom, name)}#{counter[0]}", real=True)
            mapping[key] = (atom, s)
            doms[s] = interval
            if is_opaque:
                opaque.add(s)
        return mapping[key][1]

    for s in list(expr.atoms(sp.Sum)):
        # a sum over samples takes any value its summand allows: log of a probability is negative
        body = s.function
        negative = isinstance(body, sp.log) and any(S.kind_of(a.func.__name__) == "discriminator"
                                                    for a in body.atoms(sp.core.function.AppliedUndef))
        expr = expr.subs(s, sym_for(s, "sum", sp.Interval.open(-sp.oo, 0) if negative else sp.Interval(-sp.oo, sp.oo),
                                    False))
    from gantheory.derivation_check.functional import ClassSup, PointSup

    for ps in sorted(expr.atoms(PointSup, ClassSup), key=lambda e: (-sp.count_ops(e), sp.default_sort_key(e))):
        # a pointwise sup of an undefined function, a sup over a class: arbitrary values
        expr = expr.subs(ps, sym_for(ps, "sup", sp.Interval(-sp.oo, sp.oo), True))
    for d in sorted(expr.atoms(sp.Derivative, sp.Subs), key=sp.default_sort_key):
        expr = expr.subs(d, sym_for(d, "deriv", sp.Interval(-sp.oo, sp.oo), True))
    apps = sorted(expr.atoms(sp.core.function.AppliedUndef), key=lambda e: (-sp.count_ops(e), sp.default_sort_key(e)))
    for app in apps:
        name = app.func.__name__
        kind = S.kind_of(name)
        # D*(x), D_G^*(x): a specific function, not an arbitrary discriminator value
        opaque_kind = kind not in ("density", "discriminator") or "*" in name
        expr = expr.subs(app, sym_for(app, name, domain_of(name, domains), opaque_kind))
    for ind in expr.atoms(sp.Indexed):
        expr = expr.subs(ind, sym_for(ind, str(ind.base), sp.Interval(-sp.oo, sp.oo), False))
    for s in expr.free_symbols:
        if s not in doms:
            doms[s] = domain_of(s.name, domains)
            if S.kind_of(s.name) == "discriminator":
                doms[s] = sp.Interval.open(0, 1)
    return expr, doms, opaque


def _label(atom: sp.Basic, name: str) -> str:
    try:
        return sp.sstr(atom).replace(" ", "")
    except Exception:
        return name
