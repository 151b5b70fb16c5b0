"""A parsed expression (lark tree) → sympy, with scope information and the rules the reading used.

Binders become sympy objects with their bound variable: ``\\int f\\,dx`` → ``Integral(f, x)``;
``E_{x\\sim p}[f]`` → ``Integral(p(x)·f, x)`` (rule: E_{x∼p}[f] = ∫ p f dx); ``E_{z\\sim p_z}[f(G(z))]``
→ ``Integral(p_g(x)·f(x), x)`` (rule: change of variables / LOTUS, x = G(z)); ``\\sum_{i=1}^m`` →
``Sum``; ``\\max_D`` over an integral → pointwise maximisation; ``\\arg\\max_y`` → the maximiser;
``KL(P\\|Q)`` and ``JSD(P\\|Q)`` → their integrals (½ convention). Names are resolved through the
document's context (:mod:`.context`) first, then the standard definitions, then the symbol table
(:mod:`.symbols`). Scope problems (a variable used outside its binder, an integral over one variable of
an expression in another, a density applied to the wrong variable, an argmax over a variable that does
not occur) are collected in ``Translator.scope`` without evaluating anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from lark import Token, Tree

from gantheory.derivation_check import symbols as S

__all__ = ["DerivOp", "Translator", "Unsupported"]

X = S.variable("x")


class Unsupported(Exception):
    """Read, but no translation: ``construct`` says which rule or notation would be needed."""

    def __init__(self, construct: str) -> None:
        super().__init__(construct)
        self.construct = construct


@dataclass(frozen=True)
class DerivOp:
    """d/dv written as a fraction: applied to the factor that follows it."""

    var: sp.Basic
    order: int = 1


def _kids(tree: Tree) -> list:
    return [c for c in tree.children if isinstance(c, Tree)]


def _toks(tree: Tree) -> list[Token]:
    return [c for c in tree.children if isinstance(c, Token)]


def tokens_of(tree: Tree | Token) -> list[Token]:
    if isinstance(tree, Token):
        return [tree]
    out: list[Token] = []
    for c in tree.children:
        out += tokens_of(c)
    return out


def mentions(tree: Tree | Token, name: str) -> bool:
    return any(t.type == "IDENT" and t.value == name for t in tokens_of(tree))


class Translator:
    """One translation of one expression (fresh per side: ``rules`` and ``scope`` are per side)."""

    def __init__(self, context: object) -> None:
        self.ctx = context
        self.rules: set[str] = set()
        self.scope: list[str] = []
        self.bound: list[sp.Symbol] = []
        self.bound_names: list[str] = []
        self.absorb: dict[int, list[tuple[int, Tree]]] = {}
        self.distribution_var: sp.Symbol | None = None
        #: a standard definition the document does not state was used (a refutation then rests on it)
        self.standard_used = False
        #: every expression differentiated here (the logs it held fix the variable's natural domain)
        self.differentiated: list[sp.Expr] = []

    # ---------------------------------------------------------------- entry
    def run(self, tree: Tree) -> sp.Expr:
        out = self.t(tree)
        if isinstance(out, DerivOp):
            raise Unsupported("a derivative operator with nothing to act on")
        return out

    def t(self, node: Tree | Token) -> Value:
        if isinstance(node, Token):
            return self.token(node)
        kind = node.data
        method = getattr(self, f"n_{kind}", None)
        if method is None:
            raise Unsupported(f"the construct '{kind}'")
        return method(node)

    def token(self, tok: Token) -> sp.Expr:
        if tok.type == "NUM":
            return sp.Rational(tok.value) if "." in tok.value else sp.Integer(tok.value)
        if tok.type == "IDENT":
            return self.resolve_name(tok.value, [], [])
        if tok.type == "INFTY":
            return sp.oo
        raise Unsupported(f"the token {tok.value!r}")

    # ---------------------------------------------------------------- arithmetic
    def n_start(self, node: Tree) -> Value:
        return self.t(_kids(node)[0])

    def _flatten_sum(self, node: Tree, sign: int, out: list[tuple[int, Tree]]) -> None:
        if isinstance(node, Tree) and node.data in ("add", "sub"):
            left, right = _kids(node)
            self._flatten_sum(left, sign, out)
            out.append((sign if node.data == "add" else -sign, right))
        elif isinstance(node, Tree) and node.data == "neg":
            out.append((-sign, _kids(node)[0]))
        elif isinstance(node, Tree) and node.data == "sum":  # unary plus
            out.append((sign, _kids(node)[0]))
        else:
            out.append((sign, node))

    def n_add(self, node: Tree) -> Value:
        terms: list[tuple[int, Tree]] = []
        self._flatten_sum(node, 1, terms)
        # P6: an unbracketed big operator extends over the following terms that use its variable
        total = sp.Integer(0)
        i = 0
        while i < len(terms):
            sign, tree = terms[i]
            target = _open_operator(tree)
            extra: list[tuple[int, Tree]] = []
            if target is not None:
                var = _bound_name(target)
                j = i + 1
                while var and j < len(terms) and mentions(terms[j][1], var) and not (
                        var in ("D", "G") and _binds_again(terms[j][1], var)):
                    extra.append((terms[j][0] * sign, terms[j][1]))
                    j += 1
                if extra:
                    self.absorb[id(target)] = extra
                    i = j - 1
            value = self.t(tree)
            if isinstance(value, DerivOp):
                raise Unsupported("a derivative operator with nothing to act on")
            total = total + sign * value
            i += 1
        return total

    n_sub = n_add
    n_neg = n_add

    def n_sum(self, node: Tree) -> Value:  # unary plus
        return self.t(_kids(node)[0])

    def _factors(self, node: Tree, out: list) -> None:
        if isinstance(node, Tree) and node.data == "mul":
            for c in _kids(node):
                self._factors(c, out)
        else:
            out.append(node)

    def n_mul(self, node: Tree) -> Value:
        factors: list = []
        self._factors(node, factors)
        values = [self.t(f) for f in factors]
        result = sp.Integer(1)
        k = 0
        while k < len(values):
            v = values[k]
            if isinstance(v, DerivOp):
                if k + 1 >= len(values):
                    raise Unsupported("a derivative operator with nothing to act on")
                rest = sp.Integer(1)
                for w in values[k + 1:]:
                    if isinstance(w, DerivOp):
                        raise Unsupported("two derivative operators in one product")
                    rest = rest * w
                return result * self.derive(rest, v.var, v.order)
            result = result * v
            k += 1
        return result

    def n_evaluate(self, node: Tree) -> Value:
        body_node, script = _kids(node)[0], _kids(node)[-1]
        inner = _kids(script)[0] if _kids(script) else None
        if not (isinstance(inner, Tree) and inner.data == "sub_rel"):
            raise Unsupported("an evaluation bar without 'variable = value'")
        var = self.t(_kids(inner)[0])
        value = self.t(_kids(inner)[-1])
        body = self.t(body_node)
        if isinstance(body, DerivOp):
            raise Unsupported("an evaluation bar after a derivative operator")
        return body.subs(var, value)

    def n_div(self, node: Tree) -> Value:
        a, b = _kids(node)
        return self.t(a) / self.t(b)

    def n_number(self, node: Tree) -> Value:
        return self.token(_toks(node)[0])

    def n_infinity(self, node: Tree) -> Value:
        return sp.oo

    def n_group(self, node: Tree) -> Value:
        return self.t(_kids(node)[0])

    def n_absolute(self, node: Tree) -> Value:
        return sp.Abs(self.t(_kids(node)[0]))

    def n_interval(self, node: Tree) -> Value:
        raise Unsupported("an interval used as a value")

    def n_factorial(self, node: Tree) -> Value:
        return sp.factorial(self.t(_kids(node)[0]))

    def n_sqrt(self, node: Tree) -> Value:
        return sp.sqrt(self.frac_arg(_kids(node)[0]))

    def n_root(self, node: Tree) -> Value:
        n, a = _kids(node)
        return self.frac_arg(a) ** (1 / self.t(n))

    def frac_arg(self, node: Tree) -> Value:
        kids = _kids(node)
        if kids:
            return self.t(kids[0])
        toks = [t for t in _toks(node) if t.type not in ("LBRACE", "RBRACE")]
        if not toks:
            raise Unsupported("an empty fraction argument")
        if toks[0].type == "PARTIAL":
            return _Partial()
        return self.token(toks[0])

    def n_frac(self, node: Tree) -> Value:
        num_node, den_node = _kids(node)
        op = self.derivative_fraction(num_node, den_node)
        if op is not None:
            return op
        return self.frac_arg(num_node) / self.frac_arg(den_node)

    def derivative_fraction(self, num_node: Tree, den_node: Tree) -> Value | None:
        """∂/∂y, d/dy (an operator) or ∂f/∂y, df/dy (a value); None for an ordinary fraction."""
        den_k = _kids(den_node)
        num_k = _kids(num_node)
        den_toks = tokens_of(den_node)
        num_toks = [t for t in tokens_of(num_node) if t.type not in ("LBRACE", "RBRACE")]
        den_inner = [t for t in den_toks if t.type not in ("LBRACE", "RBRACE")]
        if not den_inner:
            return None
        is_d = den_inner[0].type == "PARTIAL" or (den_inner[0].type == "IDENT" and den_inner[0].value == "d"
                                                 and len(den_inner) >= 2)
        if not is_d or not num_toks:
            return None
        if not (num_toks[0].type == "PARTIAL" or (num_toks[0].type == "IDENT" and num_toks[0].value == "d")):
            return None
        # the variable: the denominator without its ∂ / d
        if den_k and den_k[0].data == "partial":
            var = self.t(_kids(den_k[0])[0])
        elif den_k and den_k[0].data == "mul":
            facs: list = []
            self._factors(den_k[0], facs)
            if len(facs) != 2:
                return None
            var = self.t(facs[1])
        else:
            return None
        order = 1
        if len(num_toks) == 1:
            return DerivOp(var, order)
        # ∂f / ∂y: the numerator without its ∂ / d
        if num_k and num_k[0].data == "partial":
            body = self.t(_kids(num_k[0])[0])
        elif num_k and num_k[0].data == "mul":
            facs = []
            self._factors(num_k[0], facs)
            body = sp.Integer(1)
            for f in facs[1:]:
                body = body * self.t(f)
        else:
            return None
        return self.derive(body, var, order)

    def n_partial(self, node: Tree) -> Value:
        raise Unsupported("a partial derivative outside a fraction")

    def derive(self, body: sp.Expr, var: sp.Basic, order: int = 1) -> sp.Expr:
        self.rules.add("derivative (sum, product and chain rules)")
        self.differentiated.append(body)
        if isinstance(var, sp.Symbol):
            return sp.diff(body, var, order)
        if isinstance(var, sp.core.function.AppliedUndef) or isinstance(var, sp.Function):
            dummy = sp.Dummy("v", real=True)
            return sp.diff(body.subs(var, dummy), dummy, order).subs(dummy, var)
        raise Unsupported("a derivative with respect to an expression")

    def n_pow(self, node: Tree) -> Value:
        base_node, script = _kids(node)[0], _kids(node)[-1]
        base = self.t(base_node)
        exp = self.script_value(script)
        if exp == "*":
            raise Unsupported("a starred expression (conjugate or optimum) of a compound")
        if exp == "T":
            return base
        return base ** exp

    def n_pow_prime(self, node: Tree) -> Value:
        raise Unsupported("a power of a derivative f'^n")

    # ---------------------------------------------------------------- names
    def script_text(self, script: Tree | Token) -> str | None:
        """A subscript/superscript that is part of a name (``data``, ``g``, ``*``, ``KL``), or None."""
        toks = [t for t in tokens_of(script) if t.type not in ("LBRACE", "RBRACE")]
        if not toks:
            return ""
        if all(t.type in ("IDENT", "NUM", "STAR", "COMMA") for t in toks) and len(toks) <= 5:
            return "".join("*" if t.type == "STAR" else t.value for t in toks if t.type != "COMMA")
        if len(toks) == 1 and toks[0].type in ("PRIME",):
            return "'"
        return None

    def script_value(self, script: Tree | Token) -> sp.Expr | str:
        toks = [t for t in tokens_of(script) if t.type not in ("LBRACE", "RBRACE")]
        if len(toks) == 1 and toks[0].type == "IDENT" and toks[0].value in ("*", "T", "top", "intercal"):
            return "*" if toks[0].value == "*" else "T"
        if len(toks) == 1 and toks[0].type == "STAR":
            return "*"
        kids = _kids(script)
        if kids:
            inner = kids[0]
            if inner.data == "sub_content":
                return self.t(_kids(inner)[0])
            return self.t(inner)
        return self.token(toks[0])

    def n_name(self, node: Tree) -> Value:
        base = _toks(node)[0].value
        subs: list = []
        sups: list = []
        for s in _kids(node):
            script = _kids(s)[0] if _kids(s) else _toks(s)[-1]
            (subs if s.data == "lower" else sups).append(script)
        return self.resolve_name(base, subs, sups)

    def name_parts(self, base: str, subs: list, sups: list) -> tuple[str, list, sp.Expr | None]:
        """(name, index expressions, power) of a name with scripts."""
        index: list = []
        power = None
        sub_names: list[str] = []
        sup_names: list[str] = []
        for s in subs:
            text = self.script_text(s)
            if text is not None and (f"{base}_{text}" in S.DENSITY_ALIASES or f"{base}_{text}" in S.DISTRIBUTION_ALIASES):
                sub_names.append(text)
            elif text is not None and text not in self.bound_names and not (
                    len(text) == 1 and text.isalpha() and base in ("x", "z", "a", "b", "w") and text in "ijkn"):
                sub_names.append(text)
            else:
                index.append(self.script_value(s))
        for s in sups:
            toks = [t for t in tokens_of(s) if t.type not in ("LBRACE", "RBRACE")]
            if toks and toks[0].type == "LPAR" and toks[-1].type == "RPAR":
                # x^{(i)}: the i-th sample, an index (P10)
                index.append(self.t(_kids(_kids(s)[0])[0]) if _kids(s) else self.token(toks[1]))
                continue
            text = self.script_text(s)
            if text in ("*", "'", "opt", "T", "top", "star"):
                sup_names.append("*" if text in ("*", "opt", "star") else text)
                continue
            value = self.script_value(s)
            power = value if power is None else power * value
        name = base
        if sub_names:
            name += "_" + "".join(sub_names)
        if sup_names:
            name += "^" + "".join(sup_names)
        return name, index, power

    def resolve_name(self, base: str, subs: list, sups: list, args: list | None = None) -> sp.Expr:
        name, index, power = self.name_parts(base, subs, sups)
        value = self.resolve(name, index, args)
        if power is not None:
            if name == "e" and not self.ctx.has(name):
                self.rules.add("exponential")
            value = value ** power
        return value

    def resolve(self, name: str, index: list, args: list | None) -> sp.Expr:
        ctx = self.ctx
        if name in ("*",):
            raise Unsupported("a lone star")
        if ctx.has(name):
            if index:
                raise Unsupported(f"an indexed defined name {name}")
            if args is not None and not ctx.defs[name].params:
                # a(1 - y) with a defined as a value: a product (P4)
                value = ctx.expand(name, None, self)
                for a in args:
                    value = value * a
                return value
            return ctx.expand(name, args, self)
        std = ctx.standard(name, args, self)
        if std is not None:
            return std
        if name in ("e",) and args is None:
            return sp.E
        if name in ("pi",):
            return sp.pi
        if name in ("infty", "oo"):
            return sp.oo
        dens = S.canonical_density(name)
        if self.distribution_var is not None and args is None and name == "M":
            # M = (P + Q)/2, the mixture of a JSD (often defined after it is used)
            self.rules.add("M = (P + Q)/2")
            v = self.distribution_var
            return (S.density("p")(v) + S.density("q")(v)) / 2
        if self.distribution_var is not None and args is None and name in S.DISTRIBUTION_ALIASES:
            dens = S.DISTRIBUTION_ALIASES[name]
            if ctx.has(dens):
                return ctx.expand(dens, [self.distribution_var], self)
            return S.density(dens)(self.distribution_var)
        if dens is not None:
            if args is None:
                var = self.bound[-1] if self.bound else X
                return S.density(dens)(var)
            if len(args) != 1:
                raise Unsupported(f"the density {name} applied to {len(args)} arguments")
            return S.density(dens)(args[0])
        kind = S.kind_of(name)
        if index:
            base = sp.IndexedBase(name)
            sym = base[tuple(index)] if len(index) > 1 else base[index[0]]
            if args is not None:
                return sp.Function(name)(*args)
            return sym
        if args is not None:
            if kind in ("variable", "parameter") and name not in ("g",):
                # x(1 - x): a product (P4)
                out = S.variable(name)
                for a in args:
                    out = out * a
                return out
            if kind == "discriminator":
                return sp.Function(name)(args[0])  # D(x; θ): the parameters are not an argument
            if name in ("sigma",):
                return 1 / (1 + sp.exp(-args[0]))
            return sp.Function(name)(*args)
        if kind == "discriminator":
            return sp.Symbol(name, real=True)  # D in a pointwise formula: the value D(x)
        if name in self.bound_names:
            return self.bound[len(self.bound_names) - 1 - self.bound_names[::-1].index(name)]
        return S.variable(name)

    def n_call(self, node: Tree) -> Value:
        head, args_node = _kids(node)[0], _kids(node)[-1]
        args, _seps = self.args(args_node, head)
        if isinstance(head, Tree) and head.data == "name":
            base = _toks(head)[0].value
            subs = [(_kids(s)[0] if _kids(s) else _toks(s)[-1]) for s in _kids(head) if s.data == "lower"]
            sups = [(_kids(s)[0] if _kids(s) else _toks(s)[-1]) for s in _kids(head) if s.data == "upper"]
            name, index, power = self.name_parts(base, subs, sups)
            if self.is_divergence(name):
                value = self.divergence(name, args_node)
            else:
                value = self.resolve(name, index, [a for a in args if a is not None])
            return value ** power if power is not None else value
        if isinstance(head, Tree) and head.data == "func":
            raise Unsupported("a function call after a function name")
        # (a+b)(c+d), 2(x), D(x)(1 - D(x)): products; d/dt(…) applies the derivative
        value = self.t(head)
        if isinstance(value, DerivOp):
            inner = sp.Integer(1)
            for a in args:
                inner = inner * a
            return self.derive(inner, value.var, value.order)
        for a in args:
            value = value * a
        return value

    def args(self, node: Tree, head: Tree | Token | None = None) -> tuple[list, list[str]]:
        out = []
        seps = [t.type for t in _toks(node)]
        if any(s in ("DBAR", "BAR") for s in seps):
            if isinstance(head, Tree) and head.data == "name" and self.is_divergence(_name_of(head)):
                return [None], seps
            raise Unsupported("a conditional or divergence written with | or ‖")
        kids = _kids(node)
        for i, k in enumerate(kids):
            if i > 0 and seps[i - 1] == "SEMI":
                break  # D(x; θ): parameters after the semicolon
            out.append(self.t(k))
        return out, seps

    def is_divergence(self, name: str) -> bool:
        return name.replace("^", "").upper() in ("KL", "D_KL", "KLD", "DKL", "JSD", "JS", "D_JS", "D_JSD",
                                                  "DJS") or name in _F_DIVERGENCES

    def divergence(self, name: str, args_node: Tree) -> sp.Expr:
        kids = _kids(args_node)
        if len(kids) != 2:
            raise Unsupported(f"{name} with {len(kids)} arguments")
        old = self.distribution_var
        self.distribution_var = X
        self.bound.append(X)
        self.bound_names.append("x")
        try:
            p = self.t(kids[0])
            q = self.t(kids[1])
        finally:
            self.distribution_var = old
            self.bound.pop()
            self.bound_names.pop()
        if name in _F_DIVERGENCES:
            # D_f(P‖Q) = ∫ q f(p/q) dx (Csiszár; Nowozin et al. 2016, Eq. 1), f the document's own f
            fname = name.split("_", 1)[1]
            if hasattr(self.ctx, "convex"):
                self.ctx.convex.add(fname)
            self.rules.add(f"definition of the f-divergence ({name}(P‖Q) = ∫ q {fname}(p/q) dx)")
            return sp.Integral(q * self.resolve(fname, [], [p / q]), X)
        key = name.upper().replace("D_", "")
        if key in ("KL", "KLD"):
            self.rules.add("definition of KL (KL(P‖Q) = ∫ p log(p/q) dx)")
            return kl(p, q)
        self.rules.add("definition of JSD (½ convention: JSD = ½ KL(P‖M) + ½ KL(Q‖M), M = (P+Q)/2)")
        m = (p + q) / 2
        return kl(p, m) / 2 + kl(q, m) / 2

    def n_prime_call(self, node: Tree) -> Value:
        head = _kids(node)[0]
        primes = sum(1 for t in _toks(node) if t.type == "PRIME")
        args, _ = self.args(_kids(node)[-1])
        if not (isinstance(head, Tree) and head.data == "name"):
            raise Unsupported("a derivative f' of an expression")
        name = _name_of(head)
        if name == "sigma" and not self.ctx.has(name) and len(args) == 1:
            self.rules.add("σ' = σ(1 − σ)")
            t = sp.Dummy("t", real=True)
            return sp.diff(1 / (1 + sp.exp(-t)), t, primes).subs(t, args[0])
        if self.ctx.has(name):
            params, body = self.ctx.function(name)
            if len(params) != 1 or len(args) != 1:
                raise Unsupported(f"{name}' of a function of {len(params)} arguments")
            self.rules.add(f"derivative of {name} defined earlier")
            d = sp.diff(body, params[0], primes)
            self.differentiated.append(body.subs(params[0], args[0]))
            return d.subs(params[0], args[0])
        if len(args) != 1:
            raise Unsupported(f"{name}' with {len(args)} arguments")
        self.rules.add("derivative")
        return sp.Derivative(sp.Function(name)(args[0]), args[0], primes) if isinstance(args[0], sp.Symbol) \
            else sp.Subs(sp.Derivative(sp.Function(name)(X), X, primes), X, args[0])

    # ---------------------------------------------------------------- functions
    def n_func(self, node: Tree) -> Value:
        toks = _toks(node)
        fname = toks[0].value
        kids = _kids(node)
        base = None
        if kids and kids[0].data == "opscripts":
            scripts = kids[0]
            for s in _kids(scripts):
                if s.data == "lower":
                    base = self.script_value(_kids(s)[0] if _kids(s) else _toks(s)[-1])
            kids = kids[1:]
        arg = self.t(kids[-1])
        if isinstance(arg, DerivOp):
            raise Unsupported("a function of a derivative operator")
        if fname in ("log", "ln"):
            if base is not None:
                self.rules.add(f"log base {base} (written)")
                return sp.log(arg) / sp.log(base)
            return sp.log(arg)
        if fname == "lg":
            return sp.log(arg) / sp.log(2)
        if fname == "exp":
            return sp.exp(arg)
        if fname in ("sigmoid",):
            return 1 / (1 + sp.exp(-arg))
        if fname == "softplus":
            return sp.log(1 + sp.exp(arg))
        if fname == "tanh":
            return sp.tanh(arg)
        if fname == "sin":
            return sp.sin(arg)
        if fname == "cos":
            return sp.cos(arg)
        if fname in ("sgn", "sign"):
            return sp.sign(arg)
        raise Unsupported(f"the function \\{fname}")

    def n_func_pow(self, node: Tree) -> Value:
        fname = _toks(node)[0].value
        script = _kids(node)[0]
        inner = self.t(_kids(node)[-1])
        power = self.script_value(script)
        base = {"log": sp.log, "ln": sp.log, "exp": sp.exp}.get(fname)
        if base is None:
            raise Unsupported(f"\\{fname}^n")
        return base(inner) ** power

    # ---------------------------------------------------------------- binders
    def opscripts(self, node: Tree) -> tuple[Tree | None, Tree | None]:
        lower = upper = None
        for k in _kids(node):
            if k.data == "opscripts":
                for s in _kids(k):
                    script = _kids(s)[0] if _kids(s) else _toks(s)[-1]
                    if s.data == "lower":
                        lower = script
                    else:
                        upper = script
        return lower, upper

    def push(self, name: str) -> sp.Symbol:
        sym = S.variable(name)
        self.bound.append(sym)
        self.bound_names.append(name)
        return sym

    def pop(self) -> None:
        self.bound.pop()
        self.bound_names.pop()

    def body_of(self, node: Tree) -> sp.Expr:
        """The operand of a binder, with the terms absorbed by P6."""
        body = self.t(_kids(node)[-1])
        if isinstance(body, DerivOp):
            raise Unsupported("a derivative operator with nothing to act on")
        for sign, tree in self.absorb.pop(id(node), []):
            body = body + sign * self.t(tree)
        return body

    def n_integral(self, node: Tree) -> Value:
        lower, upper = self.opscripts(node)
        diff = next(t for t in _toks(node) if t.type == "DIFF").value
        var_name = diff or None
        limits = None
        if lower is not None:
            text = self.script_text(lower)
            if upper is None and text is not None and S.kind_of(text) == "variable":
                var_name = var_name or text
            elif upper is not None:
                limits = (lower, upper)
        if var_name is None:
            var_name = _guess_variable(_kids(node)[-1])
        var = self.push(var_name)
        try:
            body = self.t(_kids(node)[-1])
            self.check_binder("an integral over", var_name, body)
        finally:
            self.pop()
        if body in (sp.oo, -sp.oo):
            return body  # ∫ ±∞ against positive densities
        if limits is not None:
            a, b = self.script_value(limits[0]), self.script_value(limits[1])
            return sp.Integral(body, (var, a, b))
        return lotus(sp.Integral(body, var), self)

    def check_binder(self, what: str, var_name: str, body: sp.Expr) -> None:
        var = S.variable(var_name)
        free = {s for s in body.free_symbols if isinstance(s, sp.Symbol) and s.name in S.VARIABLES}
        applied = {a for f in body.atoms(sp.core.function.AppliedUndef) for a in f.args
                   if isinstance(a, sp.Symbol) and a.name in S.VARIABLES}
        outer = set(self.bound[:-1])
        strays = sorted((free | applied) - {var} - outer, key=str)
        if var not in body.free_symbols and strays:
            self.scope.append(f"{what} {var_name} of an expression in {', '.join(map(str, strays))} "
                              f"({strays[0]} is used outside its binder)")
        elif strays:
            dens = [f for f in body.atoms(sp.core.function.AppliedUndef)
                    if S.canonical_density(f.func.__name__) and f.args and f.args[0] in strays]
            if dens:
                self.scope.append(f"the density {dens[0]} is applied to {dens[0].args[0]} inside {what} "
                                  f"{var_name} (a density applied to the wrong variable)")

    def n_expect(self, node: Tree) -> Value:
        lower, _ = self.opscripts(node)
        operand = _kids(node)[-1]
        outside: list = []
        # P7: E[f] g: the bracket is the body
        facs: list = []
        self._factors(operand, facs)
        if len(facs) > 1 and isinstance(facs[0], Tree) and facs[0].data == "group":
            operand, outside = facs[0], facs[1:]
        var_name, dens_name = None, None
        if lower is not None:
            inner = _kids(lower)[0] if isinstance(lower, Tree) and _kids(lower) else lower
            if isinstance(inner, Tree) and inner.data == "sub_sim":
                left, right = _kids(inner)
                var_name = _name_of(left) if isinstance(left, Tree) and left.data == "name" else None
                dens_name = _density_name(right, self)
            elif isinstance(inner, Tree) and inner.data == "sub_list":
                raise Unsupported("an expectation over several variables")
            elif isinstance(inner, Tree) and inner.data == "sub_content" and len(_kids(inner)) == 1 and \
                    isinstance(call := _kids(inner)[0], Tree) and call.data == "call" and \
                    isinstance(_kids(call)[0], Tree) and _kids(call)[0].data == "name" and \
                    (S.canonical_density(_name_of(_kids(call)[0])) or _name_of(_kids(call)[0]) in S.DISTRIBUTION_ALIASES):
                # \mathbb{E}_{q(x)}, \E_{p_\text{data}(x)}: the density and its variable
                dens_name = _density_name(call, self)
                arg = _kids(_kids(call)[-1])
                if len(arg) == 1 and isinstance(arg[0], Tree) and arg[0].data == "name":
                    var_name = _name_of(arg[0])
            elif isinstance(inner, Tree) and inner.data == "call" and isinstance(_kids(inner)[0], Tree) and \
                    _kids(inner)[0].data == "name" and (S.canonical_density(_name_of(_kids(inner)[0])) or
                                                         _name_of(_kids(inner)[0]) in S.DISTRIBUTION_ALIASES):
                # \mathbb{E}_{q(x)}, \E_{p_\text{data}(x)}: the density and its variable
                dens_name = _density_name(inner, self)
                arg = _kids(_kids(inner)[-1])
                if len(arg) == 1 and isinstance(arg[0], Tree) and arg[0].data == "name":
                    var_name = _name_of(arg[0])
            else:
                text = self.script_text(lower)
                if text is not None and S.kind_of(text) == "variable":
                    var_name = text
                elif text is not None and (S.canonical_density(text) or text in S.DISTRIBUTION_ALIASES):
                    dens_name = S.canonical_density(text) or S.DISTRIBUTION_ALIASES[text]
        if var_name is None:
            var_name = _guess_variable(operand) or "x"
        if var_name.startswith("x") and var_name not in S.VARIABLES:
            var_name = "x"
        if dens_name is None:
            dens_name = self.ctx.sample_density(var_name)
            if dens_name is None:
                raise Unsupported(f"an expectation over {var_name} without its distribution")
            self.rules.add(f"{var_name} ∼ {dens_name} (the document's sampling convention)")
        var = self.push(var_name)
        try:
            # body = the operand (P6 absorption applies to an unbracketed E)
            body = self.t(operand)
            for sign, tree in self.absorb.pop(id(node), []):
                body = body + sign * self.t(tree)
            self.check_binder("an expectation over", var_name, body)
        finally:
            self.pop()
        self.rules.add("E_{x∼p}[f] = ∫ p f dx")
        density = self.ctx.density_function(dens_name, var, self)
        value = lotus(sp.Integral(density * body, var), self)
        for f in outside:
            value = value * self.t(f)
        return value

    def n_bigop(self, node: Tree) -> Value:
        op = _toks(node)[0].value
        lower, _ = self.opscripts(node)
        if lower is None:
            raise Unsupported(f"\\{op} without its variable")
        inner = _kids(lower)[0] if isinstance(lower, Tree) and _kids(lower) else lower
        restricted = None
        if isinstance(inner, Tree) and inner.data in ("sub_in", "sub_rel"):
            left = _kids(inner)[0]
            var_name = _name_of(left) if isinstance(left, Tree) and left.data == "name" else None
            right = _kids(inner)[-1]
            if inner.data == "sub_in" and isinstance(right, Tree) and right.data == "name" and (
                    _name_of(right).startswith("Class") or S.kind_of(var_name or "") != "discriminator"):
                # T \in \mathcal{T}, D: \|D\|_L \le 1: a class of functions (D \in \mathcal{D} is read as
                # Goodfellow's discriminator over all functions into (0, 1))
                restricted = _name_of(right)
        else:
            var_name = self.script_text(lower)
        if var_name is None:
            raise Unsupported(f"\\{op} over a compound subscript")
        var_name = var_name.replace("'", "")
        body_tree = _kids(node)[-1]
        if not mentions(body_tree, var_name.split("_")[0]) and not any(
                mentions(t, var_name.split("_")[0]) for _, t in self.absorb.get(id(node), [])):
            if S.kind_of(var_name) in ("variable", "discriminator", "generator"):
                self.scope.append(f"\\{op} over {var_name}, which does not occur in its operand")
        body = self.body_of(node)
        from gantheory.derivation_check.optimise import optimise

        return optimise(op, var_name, body, self, restricted=restricted)

    def n_argop(self, node: Tree) -> Value:
        op = _toks(node)[0].value.replace("arg", "")
        lower, _ = self.opscripts(node)
        if lower is None:
            raise Unsupported("\\arg\\max without its variable")
        inner = _kids(lower)[0] if isinstance(lower, Tree) and _kids(lower) else lower
        if isinstance(inner, Tree) and inner.data in ("sub_in", "sub_rel"):
            left = _kids(inner)[0]
            var_name = _name_of(left) if isinstance(left, Tree) and left.data == "name" else None
        else:
            var_name = self.script_text(lower)
        if var_name is None:
            raise Unsupported("\\arg\\max over a compound subscript")
        body_tree = _kids(node)[-1]
        if not mentions(body_tree, var_name.split("_")[0].split("^")[0]):
            self.scope.append(f"\\arg\\{op} over {var_name}, which does not occur in its operand")
            raise Unsupported("an argmax over a variable that does not occur")
        body = self.body_of(node)
        from gantheory.derivation_check.optimise import optimiser

        return optimiser(op, var_name, body, self)

    def n_sum_op(self, node: Tree) -> Value:
        lower, upper = self.opscripts(node)
        if lower is None:
            raise Unsupported("a sum without its index")
        inner = _kids(lower)[0] if isinstance(lower, Tree) and _kids(lower) else lower
        if isinstance(inner, Tree) and inner.data == "sub_rel":
            left, right = _kids(inner)[0], _kids(inner)[-1]
            idx_name = _name_of(left)
            lo = self.t(right)
        else:
            idx_name = self.script_text(lower)
            lo = sp.Integer(1)
        if not idx_name:
            raise Unsupported("a sum over a compound index")
        hi = self.script_value(upper) if upper is not None else S.variable("n")
        idx = sp.Symbol(idx_name, integer=True, positive=True)
        self.bound.append(idx)
        self.bound_names.append(idx_name)
        try:
            body = self.body_of(node)
        finally:
            self.pop()
        body = body.subs(S.variable(idx_name), idx)
        return sp.Sum(body, (idx, lo, hi))

    def n_prod_op(self, node: Tree) -> Value:
        raise Unsupported("a product \\prod (the log-product rule is not implemented)")

    def n_lim_op(self, node: Tree) -> Value:
        lower, _ = self.opscripts(node)
        inner = _kids(lower)[0] if isinstance(lower, Tree) and _kids(lower) else None
        if not (isinstance(inner, Tree) and inner.data == "sub_rel"):
            raise Unsupported("a limit without 'm \\to \\infty'")
        var = self.t(_kids(inner)[0])
        point = self.t(_kids(inner)[-1])
        body = self.body_of(node)
        if point is sp.oo:
            from gantheory.derivation_check.optimise import law_of_large_numbers

            out = law_of_large_numbers(body, var, self)
            if out is not None:
                return out
        return sp.Limit(body, var, point)

    def n_nabla_op(self, node: Tree) -> Value:
        lower, _ = self.opscripts(node)
        var_name = self.script_text(lower) if lower is not None else None
        if var_name is None:
            raise Unsupported("\\nabla without its variable")
        body = self.body_of(node)
        var = S.variable(var_name)
        if var not in body.free_symbols:
            raise Unsupported(f"\\nabla_{var_name} of an expression whose dependence on {var_name} is not written")
        self.rules.add("gradient")
        return sp.diff(body, var)


class _Partial:
    pass


#: what translating a node gives: a sympy expression, or a derivative operator waiting for its operand
Value = sp.Expr | DerivOp | _Partial


#: names of an f-divergence D_f(P‖Q) with the document's generator function
_F_DIVERGENCES = frozenset({"D_f", "D_phi", "D_psi", "D_g", "I_f"})


def kl(p: sp.Expr, q: sp.Expr) -> sp.Expr:
    return sp.Integral(p * sp.log(p / q), X)


def lotus(integral: sp.Integral, tr: Translator) -> sp.Expr:
    """∫ p_z(z) f(G(z)) dz → ∫ p_g(x) f(x) dx when z enters only through G(z) (change of variables)."""
    body = integral.function
    limits = integral.limits
    if len(limits) != 1 or len(limits[0]) != 1:
        return integral
    z = limits[0][0]
    pz = S.density("p_z")(z)
    if not body.has(pz):
        return integral
    gens = [f for f in body.atoms(sp.core.function.AppliedUndef) if f.func.__name__ in S.GENERATORS and f.args == (z,)]
    if len(gens) != 1:
        return integral
    g = gens[0]
    rest = sp.expand(body / pz)
    x = X if z != X else sp.Symbol("x_", real=True)
    replaced = rest.subs(g, x)
    if z in replaced.free_symbols:
        return integral
    tr.rules.add("change of variables / LOTUS: E_{z∼p_z}[f(G(z))] = E_{x∼p_g}[f(x)]")
    return sp.Integral(S.density("p_g")(x) * replaced, x)


def _name_of(tree: Tree | Token) -> str:
    if isinstance(tree, Token):
        return tree.value
    toks = [t for t in tokens_of(tree) if t.type not in ("LBRACE", "RBRACE", "USCORE", "CARET", "COMMA")]
    if not toks:
        return ""
    base = toks[0].value
    rest = "".join(t.value if t.type != "STAR" else "*" for t in toks[1:])
    subs = []
    sups = []
    for s in _kids(tree) if isinstance(tree, Tree) else []:
        text = "".join(t.value if t.type != "STAR" else "*" for t in tokens_of(s)
                       if t.type not in ("LBRACE", "RBRACE", "USCORE", "CARET", "COMMA"))
        (subs if s.data == "lower" else sups).append(text)
    if isinstance(tree, Tree) and tree.data == "name":
        name = base + ("_" + "".join(subs) if subs else "") + ("^" + "".join(sups) if sups else "")
        return name
    return base + rest


def _density_name(tree: Tree, tr: Translator) -> str:
    node = tree
    if isinstance(node, Tree) and node.data == "call":
        node = _kids(node)[0]
    name = _name_of(node)
    if name.startswith(("bb", "cal")) and name.lstrip("bcal")[:1] in ("P", "Q"):
        name = name.removeprefix("bb").removeprefix("cal")  # \mathbb{P}_r, \mathcal{Q}: the distribution P_r, Q
    dens = S.canonical_density(name) or S.DISTRIBUTION_ALIASES.get(name)
    if dens is None:
        if tr.ctx.has(name):
            return name
        raise Unsupported(f"an expectation under {name!r}, which is not a known density")
    return dens


def _guess_variable(tree: Tree) -> str | None:
    names = [t.value for t in tokens_of(tree) if t.type == "IDENT"]
    for cand in ("x", "z", "t", "u", "y", "s", "w"):
        if cand in names:
            return cand
    return None


def _open_operator(tree: Tree | Token) -> Tree | None:
    """The rightmost unbracketed binder of a term (the one P6 may extend), or None."""
    node = tree
    while isinstance(node, Tree):
        if node.data in ("bigop", "argop", "sum_op", "prod_op", "lim_op", "nabla_op"):
            inner = _open_operator(_kids(node)[-1])
            return inner or node
        if node.data == "expect":
            operand = _kids(node)[-1]
            if isinstance(operand, Tree) and operand.data in ("group",):
                return None
            if isinstance(operand, Tree) and operand.data == "mul" and isinstance(_kids(operand)[0], Tree) \
                    and _first_factor(operand).data == "group":
                return None
            inner = _open_operator(operand)
            return inner or node
        if node.data == "mul":
            node = _kids(node)[-1]
            continue
        return None
    return None


def _first_factor(tree: Tree) -> Tree:
    while isinstance(tree, Tree) and tree.data == "mul":
        tree = _kids(tree)[0]
    return tree


def _bound_name(node: Tree) -> str | None:
    """The name an operator binds, as it appears in tokens (base letter)."""
    kids = _kids(node)
    for k in kids:
        if k.data == "opscripts":
            for s in _kids(k):
                if s.data != "lower":
                    continue
                toks = [t for t in tokens_of(s) if t.type == "IDENT"]
                if toks:
                    return toks[0].value
    if node.data == "expect":
        return _guess_variable(kids[-1])
    return None


def _binds_again(tree: Tree, var: str) -> bool:
    """The term has its own binder for var (\\max_D … + \\max_D …)."""
    for sub in tree.iter_subtrees():
        if sub.data in ("bigop", "argop") and _bound_name(sub) == var:
            return True
    return False
