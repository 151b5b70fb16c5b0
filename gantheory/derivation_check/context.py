"""A document's context: its definitions, declared domains and sampling conventions, and the standard
definitions used when the document does not give its own.

Standard definitions (each names its source in the step's rule):
``V(D, G)`` / ``V(G, D)`` — Goodfellow et al. 2014, Eq. 1: E_{x∼p_data}[log D(x)] + E_{z∼p_z}[log(1 − D(G(z)))];
``C(G) = max_D V(G, D)`` — Goodfellow et al. 2014, Sec. 4.1; ``M = (P + Q)/2`` inside a JSD.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from gantheory.derivation_check import symbols as S
from gantheory.derivation_check.translate import Translator, Unsupported, X

__all__ = ["Context", "Definition"]


@dataclass
class Definition:
    name: str
    params: tuple[str, ...]
    body: sp.Expr
    line: int


@dataclass
class Context:
    defs: dict[str, Definition] = field(default_factory=dict)
    domains: dict[str, sp.Interval] = field(default_factory=dict)
    samples: dict[str, str] = field(default_factory=dict)
    #: convex conjugate pairs declared by the document (f^*(t) = sup_u {u t − f(u)}): both directions
    conjugates: dict[str, str] = field(default_factory=dict)
    #: functions the document uses as convex (the f of an f-divergence D_f)
    convex: set[str] = field(default_factory=set)

    # -------------------------------------------------------------- lookup
    def has(self, name: str) -> bool:
        return name in self.defs

    def function(self, name: str) -> tuple[list[sp.Symbol], sp.Expr]:
        d = self.defs[name]
        return [S.variable(p) for p in d.params], d.body

    def expand(self, name: str, args: list | None, tr: Translator) -> sp.Expr:
        d = self.defs[name]
        tr.rules.add(f"definition of {name} (line {d.line})")
        out = _apply(d.params, d.body, args, tr)
        # constants defined after this definition (LSGAN's "with a = -1, b = 1, c = 0") take their values
        later = {sym: self.defs[sym.name].body for sym in out.free_symbols
                 if sym.name in self.defs and not self.defs[sym.name].params and self.defs[sym.name].line >= d.line
                 and sym.name != name}
        if later:
            tr.rules.update(f"definition of {sym.name} (line {self.defs[sym.name].line})" for sym in later)
            out = out.subs(later)
        return out

    def standard(self, name: str, args: list | None, tr: Translator) -> sp.Expr | None:
        if name == "V" and args is not None and len(args) in (1, 2) and all(_map_like(a) for a in args) \
                and not self.has("V"):
            names = [_map_name(a) for a in args]
            d_arg = next((a for a, n in zip(args, names, strict=True) if n and n.startswith("D")), None)
            g_arg = next((a for a, n in zip(args, names, strict=True) if n and n.startswith("G")), None)
            if d_arg is None and len(args) == 2:
                return None
            tr.rules.add("standard value function V(D, G) (Goodfellow et al. 2014, Eq. 1)")
            tr.standard_used = True
            body = sp.Integral(S.density("p_data")(X) * sp.log(sp.Function("D")(X)), X) + \
                sp.Integral(S.density("p_g")(X) * sp.log(1 - sp.Function("D")(X)), X)
            if g_arg is not None and _map_name(g_arg) not in ("G", None):
                return None
            return _substitute_map("D", d_arg, body, tr) if d_arg is not None else body
        if name == "D^*" and not self.has(name) and self.has("D_G^*"):
            # D^*(x) after the document defined D^*_G(x): the same optimal discriminator, G left implicit
            return self.expand("D_G^*", args, tr)
        if name in ("D_G^*",) and not self.has(name):
            tr.rules.add("standard optimal discriminator D*_G = p_data/(p_data + p_g) (Goodfellow et al. 2014, Prop. 1)")
            tr.standard_used = True
            var = args[0] if args else X
            p, q = S.density("p_data")(var), S.density("p_g")(var)
            return p / (p + q)
        if name == "C" and args is not None and len(args) == 1 and not self.has("C") and _map_name(args[0]) == "G":
            tr.rules.add("standard virtual training criterion C(G) = max_D V(G, D) (Goodfellow et al. 2014, Sec. 4)")
            tr.standard_used = True
            from gantheory.derivation_check.optimise import optimise

            args_v = [sp.Symbol("G", real=True), sp.Symbol("D", real=True)]
            if self.has("V"):
                v = self.expand("V", args_v if len(self.defs["V"].params) == 2 else args_v[1:], tr)
            else:
                v = self.standard("V", args_v, tr)
            return None if v is None else optimise("max", "D", v, tr)
        return None

    def density_function(self, dens_name: str, var: sp.Symbol, tr: Translator) -> sp.Expr:
        if self.has(dens_name):
            return self.expand(dens_name, [var], tr)
        if dens_name == "p_m" and not self.has("p_m"):
            return (S.density("p_data")(var) + S.density("p_g")(var)) / 2
        return S.density(dens_name)(var)

    def sample_density(self, var_name: str) -> str | None:
        base = var_name.split("_")[0].split("^")[0]
        return self.samples.get(var_name) or self.samples.get(base) or S.SAMPLE_DENSITY.get(base)

    # -------------------------------------------------------------- updates
    def define(self, name: str, params: tuple[str, ...], body: sp.Expr, line: int) -> None:
        self.defs[name] = Definition(name, params, body, line)


def _map_like(a: object) -> bool:
    return isinstance(a, sp.Symbol) or isinstance(a, sp.Expr)


def _map_name(a: object) -> str | None:
    if isinstance(a, sp.Symbol):
        return a.name
    return None


def _substitute_map(param: str, arg: sp.Expr, body: sp.Expr, tr: Translator) -> sp.Expr:
    """Replace the applications param(t) in body by the argument: a map name or an expression in x."""
    name = _map_name(arg)
    if name == param:
        return body
    if name is not None:
        if tr.ctx.has(name):
            d = tr.ctx.defs[name]
            return body.replace(sp.Function(param), lambda t: _apply(d.params, d.body, [t], tr))
        return body.replace(sp.Function(param), sp.Function(name))
    # an expression in x (a defined optimum such as D*_G resolved to its formula)
    return body.replace(sp.Function(param), lambda t: arg.subs(X, t))


def _apply(params: tuple[str, ...], body: sp.Expr, args: list | None, tr: Translator) -> sp.Expr:
    if not params:
        return body
    if args is None:
        # a defined function used without arguments (\log D^*_G, ∂u/∂q): its formula in its own variables
        return body
    if len(args) != len(params):
        raise Unsupported(f"a function of {len(params)} arguments applied to {len(args)}")
    names = [a.name if isinstance(a, sp.Symbol) else None for a in args]
    if set(names) == set(params) and names != list(params):
        args = [args[names.index(p)] for p in params]  # V(G, D) for V(D, G): the maps by name
    out = body
    for p, a in zip(params, args, strict=True):
        kind = S.kind_of(p)
        if kind in ("discriminator", "generator") or (isinstance(a, sp.Symbol) and S.kind_of(a.name) in (
                "discriminator", "generator")):
            out = _substitute_map(p, a, out, tr)
        else:
            out = out.subs(S.variable(p), a)
    return out
