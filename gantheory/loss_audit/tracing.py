"""A user's torch loss as a scalar expression: its :mod:`torch.fx` graph evaluated on one-element batches.

:func:`trace` records the graph once (through ``nn`` loss modules, defaulted parameters bound as the
constants they are); :func:`evaluate` walks it on the scalars of a :class:`Backend`: each batch is a list
of one scalar, elementwise ops map through the backend's functions, ``mean``/``sum`` average/add the list,
a tuple return ``(loss_real, loss_fake)`` is summed (as the audit does). Three backends:

- :data:`MPMATH` — mpmath numbers at the working precision (the certificate's default route: 50 digits);
- :data:`TEXT` — a readable expression string (what the certificate reports it traced), constants folded;
- :func:`sympy_backend` — sympy expressions (the certificate's ``prove`` route; imports sympy).

Numbers written in the user's code are read as the number they stand for (:func:`exact`): a float within
float64 rounding of a simple fraction is that fraction (``0.9`` is 9/10, ``1/3`` is ⅓), any other float the
shortest decimal that rounds to it (``1e-8`` is 10⁻⁸), much as sympy's ``nsimplify(x, rational=True)`` reads
them. This module imports torch
(the user's code is torch code); mpmath and sympy are imported by the backends that use them.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import operator
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any


class Untraceable(Exception):
    """The function uses an op with no scalar translation, or data-dependent control flow."""


@functools.lru_cache(maxsize=1024)
def exact(x: float | int) -> Fraction:
    """The number a constant of the user's code stands for: a fraction with a denominator up to 10⁶ within
    float64 rounding of ``x`` (``1/3`` → ⅓, ``0.9`` → 9/10), else the shortest decimal that rounds to ``x``
    (``1e-8`` → 10⁻⁸, ``math.pi`` → 3.141592653589793)."""
    if isinstance(x, bool) or isinstance(x, int):
        return Fraction(int(x))
    fx = Fraction(float(x))
    for k in range(1, 7):  # the first (smallest-denominator) fraction within 2⁻⁵² relative
        r = fx.limit_denominator(10**k)
        if abs(r - fx) <= abs(fx) * Fraction(1, 2**52):
            return r
    return Fraction(repr(float(x)))


@dataclass(frozen=True)
class Backend:
    """The scalar functions the graph is evaluated with (``const`` turns a Fraction into a scalar)."""

    name: str
    scalar: tuple  # the types of the backend's scalars
    const: Callable[[Fraction], Any]
    functions: dict  # sigmoid, softplus, log, exp, log1p, expm1, tanh, sqrt, abs, max, min
    total: Callable[[list], Any]


def _mpmath_backend() -> Backend:
    """mpmath numbers; σ and softplus are the rows' own mpmath terms (``ops["mpmath"]``)."""
    import mpmath as mp

    from gantheory.losses import ops

    return Backend("mpmath", (mp.mpf, mp.mpc), lambda q: mp.mpf(q.numerator) / q.denominator,
                   {"sigmoid": ops["mpmath"].sigmoid, "softplus": ops["mpmath"].softplus, "log": mp.log, "exp": mp.exp, "log1p": mp.log1p,
                    "expm1": mp.expm1, "tanh": mp.tanh, "sqrt": mp.sqrt, "abs": abs, "max": max, "min": min},
                   mp.fsum)


def sympy_backend() -> Backend:
    """sympy expressions; σ and softplus in the one sympy spelling the rows' terms use (``ops["sympy"]``)."""
    import sympy as sp

    from gantheory.losses import ops

    return Backend("sympy", (sp.Basic,), lambda q: sp.Rational(q.numerator, q.denominator),
                   {"sigmoid": ops["sympy"].sigmoid, "softplus": ops["sympy"].softplus, "log": sp.log,
                    "exp": sp.exp, "log1p": lambda v: sp.log(1 + v), "expm1": lambda v: sp.exp(v) - 1,
                    "tanh": sp.tanh, "sqrt": sp.sqrt, "abs": sp.Abs, "max": sp.Max, "min": sp.Min},
                   lambda xs: sp.Add(*xs))


class Text(str):
    """An expression string of the TEXT backend (numbers stay Fractions, so constants fold)."""


def _show(v) -> str:
    s = str(v)
    return f"({s})" if (" " in s or "/" in s or s.startswith("-")) else s


def _text_op(symbol: str, fold: Callable) -> Callable:
    def op(a, b):
        if isinstance(a, Fraction) and isinstance(b, Fraction):
            try:
                return fold(a, b)
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                pass
        if symbol == "*" and (a == 1 or b == 1):
            return b if a == 1 else a
        if (symbol in "+-" and b == 0) or (symbol == "/" and b == 1):
            return a
        if symbol == "+" and a == 0:
            return b
        if symbol == "*" and (a == 0 or b == 0):
            return Fraction(0)
        return Text(f"{_show(a) if symbol != '+' else a} {symbol} {_show(b) if symbol != '+' else b}")
    return op


def _text_fn(name: str) -> Callable:
    return lambda *vs: Text(f"{name}({', '.join(str(v) for v in vs)})")


def _text_pow(a, b):
    if isinstance(a, Fraction) and isinstance(b, Fraction) and b.denominator == 1:
        try:
            return a ** int(b)
        except ZeroDivisionError:
            pass
    return Text(f"{_show(a)}**{_show(b)}")


def _text_neg(v):
    return -v if isinstance(v, Fraction) else Text(f"-{_show(v)}")


TEXT = Backend("text", (Text, Fraction), lambda q: q,
               {**{n: _text_fn(n) for n in ("sigmoid", "softplus", "log", "exp", "log1p", "expm1", "tanh", "sqrt",
                                             "abs", "max", "min")}},
               lambda xs: _text_sum(xs))
_TEXT_ARITH = {"add": _text_op("+", operator.add), "sub": _text_op("-", operator.sub),
               "mul": _text_op("*", operator.mul), "truediv": _text_op("/", operator.truediv),
               "pow": _text_pow, "neg": _text_neg}


def _text_sum(xs):
    out = xs[0]
    for x in xs[1:]:
        out = _TEXT_ARITH["add"](out, x)
    return out


_BACKENDS: dict[str, Backend] = {"text": TEXT}


def backend(name: str) -> Backend:
    """The backend ``"mpmath"``, ``"sympy"`` or ``"text"`` (built on first use)."""
    if name not in _BACKENDS:
        _BACKENDS[name] = {"mpmath": _mpmath_backend, "sympy": sympy_backend}[name]()
    return _BACKENDS[name]


# -- the graph walk ---------------------------------------------------------------------------------
class _T:
    """A traced tensor: a flat list of backend scalars."""

    def __init__(self, elems):
        self.elems = list(elems)


def _lift(b: Backend, x):
    if isinstance(x, _T):
        return x
    if isinstance(x, (bool, int, float)):
        return _T([b.const(exact(x))])
    if isinstance(x, b.scalar):
        return _T([x])
    raise Untraceable(f"cannot use {type(x).__name__} in a traced loss")


def _arith(b: Backend) -> dict[str, Callable]:
    if b.name == "text":
        return _TEXT_ARITH
    return {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
            "pow": operator.pow, "neg": operator.neg}


def _ops(b: Backend) -> dict:
    """torch callables → functions on traced tensors, for backend ``b``."""
    import torch
    import torch.nn.functional as Fn

    f, ar = b.functions, _arith(b)
    one, zero = b.const(Fraction(1)), b.const(Fraction(0))

    def lift(x):
        return _lift(b, x)

    def emap(fn, *xs):
        ts = [lift(x) for x in xs]
        n = max(len(t.elems) for t in ts)
        for t in ts:
            if len(t.elems) not in (1, n):
                raise Untraceable("shapes do not broadcast")
        return _T([fn(*(t.elems[0] if len(t.elems) == 1 else t.elems[i] for t in ts)) for i in range(n)])

    def reduce(x, reduction="mean"):
        x = lift(x)
        if reduction == "none":
            return x
        total = x.elems[0] if len(x.elems) == 1 else b.total(x.elems)
        if reduction == "mean" and len(x.elems) > 1:
            total = ar["truediv"](total, b.const(Fraction(len(x.elems))))
        return _T([total])

    def softplus(v):
        return f["softplus"](v)

    def bce_logits(x, y, weight=None, size_average=None, reduce_=None, reduction="mean", pos_weight=None, **kw):
        if (weight is not None or pos_weight is not None or size_average is not None or reduce_ is not None
                or kw.get("reduce") is not None):
            raise Untraceable("weighted BCE is not traced")
        return reduce(emap(lambda a, t: ar["add"](ar["mul"](t, softplus(ar["neg"](a))),
                                                  ar["mul"](ar["sub"](one, t), softplus(a))), x, y), reduction)

    def bce(p, y, weight=None, size_average=None, reduce_=None, reduction="mean", **kw):
        if weight is not None or size_average is not None or reduce_ is not None or kw.get("reduce") is not None:
            raise Untraceable("weighted BCE is not traced")
        # The −100 clamp of F.binary_cross_entropy is outside the scalar model (see the probes).
        return reduce(emap(lambda d, t: ar["neg"](ar["add"](ar["mul"](t, f["log"](d)),
                                                            ar["mul"](ar["sub"](one, t), f["log"](ar["sub"](one, d))))),
                           p, y), reduction)

    def mse(x, y, size_average=None, reduce_=None, reduction="mean", weight=None, **kw):
        return reduce(emap(lambda a, c: ar["pow"](ar["sub"](a, c), b.const(Fraction(2))), x, y), reduction)

    def like(value):
        return lambda x, *args, **kw: _T([b.const(exact(value(args)))] * len(lift(x).elems))

    def clamp(x, min=None, max=None):
        def c(v):
            if min is not None:
                v = f["max"](v, b.const(exact(min)))
            if max is not None:
                v = f["min"](v, b.const(exact(max)))
            return v
        return emap(c, x)

    def filled(value):  # torch.ones(n, 1, device=…), torch.full((n,), v): a constant batch of the given size
        return lambda *size, **kw: _T([b.const(exact(value(kw)))] * _numel(size))

    def softplus_op(x, beta=1, threshold=20):
        bb = b.const(exact(beta))
        return emap(lambda v: ar["truediv"](softplus(ar["mul"](bb, v)), bb), x)

    unary = {
        "sigmoid": f["sigmoid"], "log": f["log"], "exp": f["exp"], "log1p": f["log1p"], "neg": ar["neg"],
        "relu": lambda v: f["max"](zero, v), "abs": f["abs"], "tanh": f["tanh"],
        "square": lambda v: ar["mul"](v, v), "sqrt": f["sqrt"],
        "logsigmoid": lambda v: ar["neg"](softplus(ar["neg"](v))), "expm1": f["expm1"],
    }
    binary = {"add": ar["add"], "sub": ar["sub"], "mul": ar["mul"], "truediv": ar["truediv"],
              "div": ar["truediv"], "pow": ar["pow"]}
    table: dict = {}
    for name, fn in unary.items():
        for owner in (torch, Fn, torch.special):
            if hasattr(owner, name):
                table[getattr(owner, name)] = (lambda g: lambda x, *a, **k: emap(g, x))(fn)
    for name, fn in binary.items():
        table[getattr(operator, name, None) or fn] = (lambda g: lambda x, y: emap(g, x, y))(fn)
        if hasattr(torch, name):
            table[getattr(torch, name)] = (lambda g: lambda x, y, **k: emap(g, x, y))(fn)
    table.update({
        operator.neg: lambda x: emap(ar["neg"], x),
        operator.pos: lambda x: x,
        torch.rsub: lambda x, y: emap(lambda a, c: ar["sub"](c, a), x, y),
        torch.mean: lambda x, *a, **k: reduce(x, "mean"),
        torch.sum: lambda x, *a, **k: reduce(x, "sum"),
        torch.cat: lambda xs, dim=0: _T([e for x in xs for e in lift(x).elems]),
        torch.ones_like: like(lambda a: 1), torch.zeros_like: like(lambda a: 0),
        torch.full_like: like(lambda a: a[0]),
        torch.clamp: clamp, torch.clip: clamp,
        torch.ones: filled(lambda kw: 1), torch.zeros: filled(lambda kw: 0),
        torch.full: lambda size, fill_value, **kw: _T([b.const(exact(fill_value))] * _numel(size)),
        getattr: _attribute, operator.getitem: _getitem,
        Fn.softplus: softplus_op,
        Fn.binary_cross_entropy_with_logits: bce_logits,
        Fn.binary_cross_entropy: bce,
        Fn.mse_loss: mse,
        "mean": lambda x, *a, **k: reduce(x, "mean"), "sum": lambda x, *a, **k: reduce(x, "sum"),
        "lift": lift,
    })
    return table


_OPS: dict[str, dict] = {}

_METHODS = {"sigmoid": "sigmoid", "log": "log", "exp": "exp", "neg": "neg", "relu": "relu", "abs": "abs",
            "square": "square", "log1p": "log1p", "clamp": "clamp", "clip": "clamp", "pow": "pow", "sqrt": "sqrt",
            "tanh": "tanh", "add": "add", "sub": "sub", "mul": "mul", "div": "div"}
_IDENTITY_METHODS = {"view", "reshape", "flatten", "squeeze", "unsqueeze", "float", "double", "to",
                     "contiguous", "view_as", "expand_as", "type_as", "clone"}


class _Device:
    """``x.device`` of a traced tensor: only passed on (``device=x.device``), never computed with."""


def _numel(size) -> int:
    """The number of elements of a size given as ints, a tuple/list/torch.Size of ints, or a mix."""
    n = 1
    for s in size:
        if isinstance(s, (tuple, list)):
            n *= _numel(s)
        elif isinstance(s, int) and not isinstance(s, bool):
            n *= s
        else:
            raise Untraceable(f"a tensor size that is not an integer: {s!r}")
    return n


def _attribute(x, name: str):
    """``x.shape``, ``x.device``, ``x.dtype`` of a traced tensor (its sizes are the batch's)."""
    if isinstance(x, _T) and name == "shape":
        return (len(x.elems),)
    if isinstance(x, _T) and name == "device":
        return _Device()
    if isinstance(x, _T) and name == "dtype":
        return None
    raise Untraceable(f"no scalar rule for the attribute .{name}")


def _getitem(x, key):
    if isinstance(x, (tuple, list)):  # x.shape[0]
        return x[key]
    raise Untraceable("indexing a tensor is not traced")


_NEW = {"new_ones": lambda a: 1, "new_zeros": lambda a: 0, "new_full": lambda a: a[1]}


@contextlib.contextmanager
def _size_constructors_traced():
    """torch.ones(x.size(0), 1) reaches torch's argument parser with a traced size among ints and fails there
    (before torch.fx sees it): while tracing, torch.ones/zeros/full given a traced size are recorded as
    the call they are."""
    import torch
    import torch.fx as fx

    def recorded(orig):
        def constructor(*args, **kwargs):
            traced = [a for a in (*args, *kwargs.values()) if isinstance(a, fx.Proxy)]
            if traced:
                return traced[0].tracer.create_proxy("call_function", orig, args, kwargs)
            return orig(*args, **kwargs)
        return constructor

    saved = {name: getattr(torch, name) for name in ("ones", "zeros", "full")}
    try:
        for name, orig in saved.items():
            setattr(torch, name, recorded(orig))
        yield
    finally:
        for name, orig in saved.items():
            setattr(torch, name, orig)


def trace(fn: Callable) -> Any:
    """The :class:`torch.fx.Graph` of ``fn`` (nn loss modules traced through; defaulted parameters and the
    keywords of a ``functools.partial`` bound as the constants they are), or raise :class:`Untraceable`."""
    import torch.fx as fx

    class _Tracer(fx.Tracer):
        def is_leaf_module(self, m, qualname):  # trace through nn.BCELoss & co.
            return False

        def path_of_module(self, mod):  # loss modules held in globals are not submodules of fn
            try:
                return super().path_of_module(mod)
            except NameError:
                return f"external_{type(mod).__name__}"

    bound: dict = {}
    while isinstance(fn, functools.partial) and not fn.args:  # keywords bound by a partial (or --arg)
        bound = {**fn.keywords, **bound}
        fn = fn.func
    try:  # defaulted parameters (label_smoothing=0.0, reduction="mean") are traced as the constants they are
        concrete = {p.name: p.default for p in inspect.signature(fn).parameters.values()
                    if p.default is not p.empty}
    except (TypeError, ValueError):
        concrete = {}
    concrete.update(bound)
    try:
        with _size_constructors_traced():
            return _Tracer().trace(fn, concrete_args=concrete or None)
    except Exception as exc:
        raise Untraceable(f"torch.fx could not trace the function: {type(exc).__name__}: {exc}") from exc


def evaluate(graph: Any, b: Backend, values: list, inputs: str = "logits") -> Any:
    """The scalar loss of ``graph`` (from :func:`trace`) on one-element batches holding ``values`` (backend
    scalars, one per input; σ of them when ``inputs`` is ``"probabilities"``), or raise :class:`Untraceable`."""
    import torch
    import torch.fx as fx

    if b.name not in _OPS:
        _OPS[b.name] = _ops(b)
    ops = _OPS[b.name]
    env: dict = {}
    placeholders = iter(values)

    def arg(a):
        if isinstance(a, fx.Node):
            return env[a]
        if isinstance(a, (list, tuple)):
            return type(a)(arg(x) for x in a)
        return a

    guards: set = set()  # concrete_args' placeholders and torch.fx's checks that they kept their defaults
    for node in graph.nodes:
        if guards and any(n in guards for n in node.all_input_nodes):
            if node.op == "call_function" and node.target in (operator.eq, torch._assert):
                guards.add(node)
                continue
            raise Untraceable(f"the defaulted parameter {node.all_input_nodes[0].target} is used as a tensor")
        args = arg(node.args)
        kwargs = {k: arg(v) for k, v in node.kwargs.items()}
        if node.op == "placeholder":
            s = next(placeholders, None)
            if s is None and node.args:  # a defaulted parameter (its default in args), traced as its constant
                guards.add(node)
                continue
            if s is None:
                raise Untraceable(f"the function has more inputs than the loss's {len(values)}: {node.target}")
            env[node] = _T([b.functions["sigmoid"](s) if inputs == "probabilities" else s])
        elif node.op == "call_function":
            f = ops.get(node.target)
            if f is None:
                raise Untraceable(f"no scalar rule for {getattr(node.target, '__name__', node.target)}")
            env[node] = f(*args, **kwargs)
        elif node.op == "call_method":
            if node.target in _IDENTITY_METHODS:
                env[node] = args[0]
            elif node.target == "size":  # x.size(), x.size(0): the batch's
                n = len(ops["lift"](args[0]).elems)
                env[node] = (n,) if len(args) < 2 and "dim" not in kwargs else n
            elif node.target == "dim":
                env[node] = 1
            elif node.target in _NEW:  # x.new_ones(size), x.new_zeros(size), x.new_full(size, v)
                size = args[1] if len(args) > 1 else kwargs.get("size", ())
                env[node] = _T([b.const(exact(_NEW[node.target](args[1:] or (None, kwargs.get("fill_value")))))]
                               * _numel((size,)))
            elif node.target in ("mean", "sum"):
                env[node] = ops[node.target](*args, **kwargs)
            elif node.target in _METHODS:
                env[node] = ops[getattr(torch, _METHODS[node.target])](*args, **kwargs)
            else:
                raise Untraceable(f"no scalar rule for method .{node.target}()")
        elif node.op == "output":
            result = args[0]
            if isinstance(result, (tuple, list)):  # (loss_real, loss_fake): the audit sums the parts
                result = _T([b.total([ops["lift"](part).elems[0] for part in result])])
            out = ops["lift"](result)
            if len(out.elems) != 1:
                raise Untraceable("the loss is not a scalar")
            return out.elems[0]
        else:
            raise Untraceable(f"unsupported graph node {node.op}")
    raise Untraceable("no output")
