"""max/min/argmax and the law of large numbers, as rules with their side conditions checked.

- Pointwise maximisation inside an integral: ``max_D ∫ F(x, D(x)) dx = ∫ max_y F(x, y) dx`` when the
  part outside the integral does not involve D (D ranges over all functions into (0, 1)).
- The maximiser of ``F(y)`` over y: the unique stationary point in the domain (sympy ``solve``), with the
  second derivative negative there (concave: a maximum; positive for min). ``a·log y + b·log(1−y)``
  gives ``a/(a+b)``.
- Law of large numbers: ``(1/m) Σ_{i=1}^m f(x^{(i)}) → E_{x∼p}[f(x)]`` as m → ∞ (x^{(i)} ∼ p_data,
  z^{(i)} ∼ p_z unless the document declares otherwise).
"""

from __future__ import annotations

import random

import sympy as sp

from gantheory.derivation_check import symbols as S
from gantheory.derivation_check.canonical import NonLinear, decompose
from gantheory.derivation_check.translate import Translator, Unsupported, X

__all__ = ["law_of_large_numbers", "optimise", "optimiser"]


def _stationary(f: sp.Expr, y: sp.Symbol, op: str, tr: Translator, unit: bool = False) -> sp.Expr:
    """The optimiser of f over y in (0, 1) (``unit``) / ℝ; raises Unsupported when it cannot be certified."""
    df = sp.diff(f, y)
    if df == 0:
        raise Unsupported(f"arg{op} of an expression that does not depend on the variable")
    try:
        sols = sp.solve(sp.together(df), y, dict=False)
    except (NotImplementedError, TypeError, ValueError) as err:
        raise Unsupported(f"the stationary point of {sp.sstr(f)[:60]}") from err
    sols = [s for s in sols if s.is_real is not False]
    if not sols:
        witness = _wrong_sign_point(sp.Integer(1), op, tr.ctx.domains, free=f.free_symbols - {y},
                                    atoms=f.atoms(sp.core.function.AppliedUndef))
        if witness is not None:
            raise NoMaximiser(op, f, y, None, witness)  # monotone on (0, 1): its best is at the boundary
    if len(sols) != 1:
        raise Unsupported(f"arg{op}: {len(sols)} stationary points of {sp.sstr(f)[:60]}")
    y_star = sp.simplify(sols[0])
    if unit and -1 in (_sign_at_random_points(y_star, tr.ctx.domains),
                       _sign_at_random_points(1 - y_star, tr.ctx.domains)):
        # e.g. p/y + q/(1 + y) = 0 at y = −p/(p+q): f is monotone on (0, 1), its best is at the boundary
        witness = _wrong_sign_point(sp.Integer(1), op, tr.ctx.domains, free=f.free_symbols - {y},
                                    atoms=f.atoms(sp.core.function.AppliedUndef))
        if witness is not None:
            raise NoMaximiser(op, f, y, y_star, witness)
        raise _OutsideUnit(op, y_star)
    d2 = sp.diff(f, y, 2).subs(y, y_star)
    sign = _sign_at_random_points(d2, tr.ctx.domains)
    if (op == "max" and sign != -1) or (op == "min" and sign != 1):
        # not an interior optimum: argmax of a convex function (e.g. a negative scale) is not y*
        witness = _wrong_sign_point(d2, op, tr.ctx.domains)
        if witness is not None:
            raise NoMaximiser(op, f, y, y_star, witness)
        raise _NoInterior(op, y_star)
    if "log(1 - " in sp.sstr(f) or "log(-" in sp.sstr(f):
        tr.rules.add("argmax of a·log y + b·log(1−y) on (0,1) is a/(a+b)")
    else:
        tr.rules.add(f"arg{op} by the stationary point (second derivative {'<' if op == 'max' else '>'} 0)")
    return y_star


def _wrong_sign_point(d2: sp.Expr, op: str, domains: dict, free: set | None = None,
                      atoms: set | None = None) -> dict | None:
    """Values of the pointwise quantities where the second derivative has the wrong sign for op (with
    ``d2 = 1`` and ``free``/``atoms`` given: any admissible values of those quantities)."""
    from gantheory.derivation_check.canonical import domain_of

    atoms = sorted(d2.atoms(sp.core.function.AppliedUndef) if atoms is None else atoms, key=str)
    pool = d2.free_symbols if free is None else free
    syms = sorted(pool - set().union(*(a.free_symbols for a in atoms)) if atoms else pool, key=str)
    if free is not None and op == "min":
        op = "max"  # d2 = 1: accept the first admissible point
    rng = random.Random(13)
    for _ in range(40):
        point = {}
        for a in [*atoms, *syms]:
            name = a.func.__name__ if isinstance(a, sp.core.function.AppliedUndef) else a.name
            point[a] = sp.Rational(round(_draw(domain_of(name, domains), rng) * 1000), 1000)
        try:
            v = complex(sp.N(d2.subs(point)))
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if abs(v.imag) < 1e-12 and ((op == "max" and v.real > 0) or (op == "min" and v.real < 0)):
            return point
    return None


class _NoInterior(Unsupported):
    def __init__(self, op: str, point: sp.Expr) -> None:
        super().__init__(f"the objective has no interior {op}imum (its stationary point {sp.sstr(point)[:40]} is "
                         f"a {'minimum' if op == 'max' else 'maximum'})")
        self.point = point


class _OutsideUnit(_NoInterior):
    def __init__(self, op: str, point: sp.Expr) -> None:
        Unsupported.__init__(self, f"the objective has no interior {op}imum on (0, 1) (its stationary point "
                                   f"{sp.sstr(point)[:40]} lies outside)")
        self.point = point


class NoMaximiser(_NoInterior):
    """The objective of an arg max is convex somewhere (e.g. scaled by a negative number): at ``witness`` its
    supremum on (0, 1) is at the boundary, not at the stationary point."""

    def __init__(self, op: str, objective: sp.Expr, y: sp.Symbol, y_star: sp.Expr, witness: dict) -> None:
        Unsupported.__init__(self, f"arg{op} of an objective that is not concave everywhere")
        self.point = y_star
        self.op, self.objective, self.y, self.y_star, self.witness = op, objective, y, y_star, witness



def _sign_at_random_points(expr: sp.Expr, domains: dict | None = None) -> int:
    """+1/−1 when expr has that sign at 12 random points of the symbols' domains, else 0."""
    from gantheory.derivation_check.canonical import pointwise

    e, doms, _ = pointwise(expr, domains)
    syms = sorted(e.free_symbols, key=str)
    f = sp.lambdify(syms, e, "mpmath")
    rng = random.Random(7)
    signs = set()
    for _ in range(12):
        vals = [_draw(doms.get(s, sp.Interval(-sp.oo, sp.oo)), rng) for s in syms]
        try:
            v = complex(f(*vals))
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            continue
        if abs(v.imag) > 1e-20 * max(1.0, abs(v.real)):
            continue
        signs.add(1 if v.real > 0 else -1 if v.real < 0 else 0)
    return signs.pop() if len(signs) == 1 else 0


def _draw(interval: sp.Interval, rng: random.Random) -> float:
    lo, hi = interval.start, interval.end
    if lo == 0 and hi == 1:
        return rng.uniform(0.05, 0.95)
    if lo == 0 and hi == sp.oo:
        return rng.uniform(0.1, 3.0)
    if lo == -sp.oo and hi == sp.oo:
        return rng.uniform(-2.0, 2.0)
    lo_f = float(lo) if lo != -sp.oo else float(hi) - 3
    hi_f = float(hi) if hi != sp.oo else float(lo) + 3
    return rng.uniform(lo_f + 0.05 * (hi_f - lo_f), hi_f - 0.05 * (hi_f - lo_f))


def _unit(var_name: str, tr: Translator) -> bool:
    """Whether the optimisation variable ranges over (0, 1) (a discriminator's output)."""
    from gantheory.derivation_check.canonical import domain_of

    return domain_of(var_name, tr.ctx.domains) == sp.Interval.open(0, 1)


def _variable_symbol(var_name: str, body: sp.Expr, tr: Translator) -> tuple[sp.Basic, str]:
    """('function', D) when the variable is a map applied in body, else ('symbol', y)."""
    apps = [f for f in body.atoms(sp.core.function.AppliedUndef) if f.func.__name__ == var_name]
    if apps:
        return sp.Function(var_name), "function"
    syms = [s for s in body.free_symbols if s.name == var_name]
    if syms:
        return syms[0], "symbol"
    return sp.Symbol(var_name, real=True), "absent"


def _unbounded(f: sp.Expr, y: sp.Symbol, op: str, tr: Translator) -> sp.Expr:
    """The sup (inf) over (0, 1) of an objective with no interior maximum (minimum): convex, concave the
    wrong way or monotone, so it is approached at the boundary: the larger (smaller) one-sided limit,
    ±∞ included (e.g. inf of a·log y + b·log(1 − y) is −∞)."""
    if any(S.kind_of(a.func.__name__) not in ("density", "discriminator") or "*" in a.func.__name__
           for a in f.atoms(sp.core.function.AppliedUndef)):
        raise Unsupported(f"the {op} of an objective with an undefined function")  # f, f*: no limit to take
    try:
        limits = [sp.limit(f, y, 0, "+"), sp.limit(f, y, 1, "-")]
    except (NotImplementedError, ValueError, TypeError) as err:
        raise Unsupported(f"the {op} of an objective with no interior {op}imum") from err
    if any(v.has(sp.AccumBounds, sp.nan, sp.zoo, sp.Limit) for v in limits):
        raise Unsupported(f"the {op} of an objective with no interior {op}imum")
    tr.rules.add(f"{'sup' if op == 'max' else 'inf'} over (0, 1) of an objective with no interior {op}imum "
                 "is its limit at the boundary")
    return sp.Max(*limits) if op == "max" else sp.Min(*limits)


def _over_generator(op: str, var_name: str, body: sp.Expr, tr: Translator) -> sp.Expr:
    """min_G of c + β·JSD(p_data‖p_g) (or β·KL), β > 0: c, attained at p_g = p_data (Gibbs/Jensen)."""
    from gantheory.derivation_check.rules import _divergence_form

    if op != "min":
        raise Unsupported(f"\\{op}_{var_name} (only a minimum over the generator has a rule)")
    try:
        outside, integrand = decompose(body)
    except NonLinear as err:
        raise Unsupported(f"\\min_{var_name} of an expression that is not linear in integrals") from err
    match = _divergence_form(integrand, tr.ctx.domains) if integrand != 0 else None
    if match is None:
        raise Unsupported(f"\\min_{var_name} (the objective is not c + β·divergence)")
    name, beta, alpha_total = match
    if not (beta.is_number and beta > 0):
        raise Unsupported(f"\\min_{var_name} of c + β·{name} with β not positive")
    tr.rules.add(f"min over G of c + β·{name} (β > 0) is c, attained at p_g = p_data")
    return outside + alpha_total


def _opaque_of(f: sp.Expr, y: sp.Symbol) -> bool:
    """f applies a function the document does not define (f, f^*, T) to y: no closed-form optimum."""
    return any(y in a.free_symbols and S.kind_of(a.func.__name__) not in ("density", "discriminator")
               for a in f.atoms(sp.core.function.AppliedUndef))


def optimise(op: str, var_name: str, body: sp.Expr, tr: Translator, restricted: str | None = None) -> sp.Expr:
    """max/min/sup/inf over var of body, by a rule; Unsupported otherwise. ``restricted`` names the class
    a function ranges over when the subscript gives one (``T \\in \\mathcal{T}``)."""
    from gantheory.derivation_check.functional import interchange, point_sup

    op = {"sup": "max", "inf": "min"}.get(op, op)
    target, how = _variable_symbol(var_name, body, tr)
    y = sp.Dummy("y", real=True)
    if how == "symbol":
        f = body.subs(target, y)
        if _opaque_of(f, y):
            return point_sup(f, y, op, tr)
        try:
            y_star = _stationary(f, y, op, tr, unit=_unit(var_name, tr))
        except _NoInterior:
            return _unbounded(f, y, op, tr)
        return sp.simplify(f.subs(y, y_star)) if sp.count_ops(f) < 40 else f.subs(y, y_star)
    if how == "absent":
        if S.kind_of(var_name) in ("generator",):
            return _over_generator(op, var_name, body, tr)
        return body
    try:
        outside, integrand = decompose(body)
    except NonLinear as err:
        raise Unsupported(f"\\{op}_{var_name} of an expression where {var_name} is not inside one integral") from err
    if outside.has(target):
        raise Unsupported(f"\\{op}_{var_name} with {var_name} outside the integral")
    apps = {f for f in integrand.atoms(sp.core.function.AppliedUndef) if f.func == target}
    if len(apps) != 1 or next(iter(apps)).args != (X,):
        raise Unsupported(f"\\{op}_{var_name}: {var_name} is not applied to the variable of integration only")
    if restricted is not None or S.kind_of(var_name) != "discriminator":
        # T, f, V: real-valued functions (a discriminator's output is in (0, 1): the rules below)
        return interchange(op, target, outside, integrand, tr, restricted)
    app = next(iter(apps))
    f = integrand.subs(app, y)
    try:
        y_star = _stationary(f, y, op, tr, unit=_unit(var_name, tr))
    except _NoInterior:
        best = _unbounded(f, y, op, tr)
        if best.is_infinite:
            return best  # ∫ ±∞ against positive densities is ±∞
        return outside + sp.Integral(best, X)  # a finite boundary value, pointwise: integrate it
    tr.rules.add("pointwise maximisation inside an integral" if op == "max" else
                 "pointwise minimisation inside an integral")
    return outside + sp.Integral(f.subs(y, y_star), X)


def optimiser(op: str, var_name: str, body: sp.Expr, tr: Translator) -> sp.Expr:
    """arg max/min over var: a value (symbol variable) or the pointwise maximiser as a function of x."""
    op = {"sup": "max", "inf": "min"}.get(op, op)
    target, how = _variable_symbol(var_name, body, tr)
    y = sp.Dummy("y", real=True)
    if how == "symbol":
        return _stationary(body.subs(target, y), y, op, tr, unit=_unit(var_name, tr))
    if how == "absent":
        raise Unsupported(f"\\arg\\{op} over {var_name}, which does not occur")
    try:
        outside, integrand = decompose(body)
    except NonLinear as err:
        raise Unsupported(f"\\arg\\{op}_{var_name} of an expression where {var_name} is not inside one integral") from err
    if outside.has(target):
        raise Unsupported(f"\\arg\\{op}_{var_name} with {var_name} outside the integral")
    apps = {f for f in integrand.atoms(sp.core.function.AppliedUndef) if f.func == target}
    if len(apps) != 1 or next(iter(apps)).args != (X,):
        raise Unsupported(f"\\arg\\{op}_{var_name}: {var_name} is not applied to the variable of integration only")
    y_star = _stationary(integrand.subs(next(iter(apps)), y), y, op, tr, unit=_unit(var_name, tr))
    tr.rules.add("pointwise maximisation inside an integral")
    return y_star


def law_of_large_numbers(expr: sp.Expr, m: sp.Symbol, tr: Translator) -> sp.Expr | None:
    """Replace every (1/m) Σ_{i=1}^m f(x^{(i)}) by E_{x∼p}[f(x)]; None when there is none."""
    found = False

    def rewrite(s: sp.Sum) -> sp.Expr:
        nonlocal found
        idx, lo, hi = s.limits[0]
        if hi != m or lo != 1:
            return s
        body = s.function
        bases = {ind.base for ind in body.atoms(sp.Indexed) if idx in ind.indices}
        if len(bases) != 1:
            return s
        base = next(iter(bases))
        var_name = str(base.label)
        dens = tr.ctx.sample_density(var_name)
        if dens is None:
            return s
        var = S.variable(var_name)
        inner = body.replace(lambda e: isinstance(e, sp.Indexed) and e.base == base, lambda e: var)
        if idx in inner.free_symbols:
            return s
        found = True
        from gantheory.derivation_check.translate import lotus

        return m * lotus(sp.Integral(S.density(dens)(var) * inner, var), tr)

    out = sp.expand(expr).replace(lambda e: isinstance(e, sp.Sum), rewrite)
    if not found:
        return None
    tr.rules.add("law of large numbers: (1/m) Σ f(x^{(i)}) → E_{x∼p}[f(x)]")
    return sp.expand(out)
