"""Symbolic certificate: the user's loss, traced to sympy, against the textbook form.

The user's function is traced with :mod:`torch.fx` (through ``nn`` loss modules) and the graph is
re-evaluated on sympy scalars: each batch is a list of symbols (one real logit r, one fake logit f),
elementwise ops map through :data:`SYMPY_OPS`, ``mean``/``sum`` average/add the list. For a textbook
form :math:`T = T_r(r) + T_f(f)` of the detected family the certificate states

.. math::

    E(r, f) = s_r\\,T_r(r) + s_f\\,T_f(f) + c ,

with the scales :math:`s_r, s_f` read off :math:`\\partial_r E / \\partial_r T_r` at one point and the
identity proved by showing both partial derivatives of :math:`E - s_r T_r - s_f T_f` vanish (sympy
``simplify``); when simplification is inconclusive they are checked at 50 digits on a grid
(mpmath), and a non-zero value there is reported as a counterexample logit.

The textbook forms are the sympy terms of the rows of :data:`gantheory.losses.LOSSES` and
:data:`gantheory.losses.GENERATORS` (``row.terms("sympy", **params)``), with their references.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp

from gantheory.losses import ops
from gantheory.tolerances import TOLERANCES

if TYPE_CHECKING:
    import torch

R, F = sp.symbols("r f", real=True)


class Untraceable(Exception):
    """The function uses an op with no sympy translation, or data-dependent control flow."""


# log(1 + e^x) and 1/(1 + e^{−x}) in the one sympy spelling the rows' terms use as well.
_softplus = ops["sympy"].softplus
_sigmoid = ops["sympy"].sigmoid


class _T:
    """A traced tensor: a flat list of sympy expressions."""

    def __init__(self, elems):
        self.elems = list(elems)


def _lift(x):
    if isinstance(x, _T):
        return x
    if isinstance(x, (int, float)):
        return _T([sp.nsimplify(x, rational=True) if isinstance(x, float) else sp.Integer(x)])
    if isinstance(x, sp.Basic):
        return _T([x])
    raise Untraceable(f"cannot use {type(x).__name__} in a traced loss")


def _map(fn, *xs):
    ts = [_lift(x) for x in xs]
    n = max(len(t.elems) for t in ts)
    for t in ts:
        if len(t.elems) not in (1, n):
            raise Untraceable("shapes do not broadcast")
    return _T([fn(*(t.elems[0] if len(t.elems) == 1 else t.elems[i] for t in ts)) for i in range(n)])


def _reduce(x, reduction="mean"):
    x = _lift(x)
    if reduction == "none":
        return x
    total = sp.Add(*x.elems)
    return _T([total / len(x.elems) if reduction == "mean" else total])


def _bce_logits(x, y, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
    if weight is not None or pos_weight is not None or size_average is not None or reduce is not None:
        raise Untraceable("weighted BCE is not traced")
    return _reduce(_map(lambda a, t: t * _softplus(-a) + (1 - t) * _softplus(a), x, y), reduction)


def _bce(p, y, weight=None, size_average=None, reduce=None, reduction="mean"):
    if weight is not None or size_average is not None or reduce is not None:
        raise Untraceable("weighted BCE is not traced")
    # The −100 clamp of F.binary_cross_entropy is outside the symbolic model (see the probes).
    return _reduce(_map(lambda d, t: -(t * sp.log(d) + (1 - t) * sp.log(1 - d)), p, y), reduction)


def _mse(x, y, size_average=None, reduce=None, reduction="mean", weight=None):
    return _reduce(_map(lambda a, b: (a - b) ** 2, x, y), reduction)


def _like(value):
    return lambda x, *args, **kw: _T([sp.nsimplify(value(args), rational=True)] * len(_lift(x).elems))


def _clamp(x, min=None, max=None):
    def c(v):
        if min is not None:
            v = sp.Max(v, sp.nsimplify(min, rational=True))
        if max is not None:
            v = sp.Min(v, sp.nsimplify(max, rational=True))
        return v
    return _map(c, x)


def _softplus_op(x, beta=1, threshold=20):
    return _map(lambda v: _softplus(beta * v) / beta, x)


def _build_ops():
    import torch
    import torch.nn.functional as Fn

    unary = {
        "sigmoid": _sigmoid, "log": sp.log, "exp": sp.exp, "log1p": lambda v: sp.log(1 + v),
        "neg": lambda v: -v, "relu": lambda v: sp.Max(0, v), "abs": sp.Abs, "tanh": sp.tanh,
        "square": lambda v: v**2, "sqrt": sp.sqrt, "logsigmoid": lambda v: -_softplus(-v),
        "expm1": lambda v: sp.exp(v) - 1,
    }
    binary = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
              "div": operator.truediv, "pow": operator.pow}
    ops = {}
    for name, fn in unary.items():
        for owner in (torch, Fn, torch.special):
            if hasattr(owner, name):
                ops[getattr(owner, name)] = (lambda f: lambda x, *a, **k: _map(f, x))(fn)
    for name, fn in binary.items():
        ops[getattr(operator, name, None) or fn] = (lambda f: lambda x, y: _map(f, x, y))(fn)
        if hasattr(torch, name):
            ops[getattr(torch, name)] = (lambda f: lambda x, y, **k: _map(f, x, y))(fn)
    ops.update({
        operator.neg: lambda x: _map(lambda v: -v, x),
        operator.pos: lambda x: x,
        torch.rsub: lambda x, y: _map(lambda a, b: b - a, x, y),
        torch.mean: lambda x, *a, **k: _reduce(x, "mean"),
        torch.sum: lambda x, *a, **k: _reduce(x, "sum"),
        torch.cat: lambda xs, dim=0: _T([e for x in xs for e in _lift(x).elems]),
        torch.ones_like: _like(lambda a: 1), torch.zeros_like: _like(lambda a: 0),
        torch.full_like: _like(lambda a: a[0]),
        torch.clamp: _clamp, torch.clip: _clamp,
        Fn.softplus: _softplus_op,
        Fn.binary_cross_entropy_with_logits: _bce_logits,
        Fn.binary_cross_entropy: _bce,
        Fn.mse_loss: _mse,
    })
    return ops


_METHODS = {"mean": "mean", "sum": "sum", "sigmoid": "sigmoid", "log": "log", "exp": "exp",
            "neg": "neg", "relu": "relu", "abs": "abs", "square": "square", "log1p": "log1p",
            "clamp": "clamp", "clip": "clamp", "pow": "pow", "sqrt": "sqrt", "tanh": "tanh",
            "add": "add", "sub": "sub", "mul": "mul", "div": "div"}
_IDENTITY_METHODS = {"view", "reshape", "flatten", "squeeze", "unsqueeze", "float", "double", "to",
                     "contiguous", "view_as", "expand_as", "type_as", "clone"}


def trace_to_sympy(fn: Callable[..., torch.Tensor], n_args: int, inputs: str) -> sp.Expr:
    """sympy expression of ``fn`` on one-element batches (symbols r, f), or raise Untraceable."""
    import torch
    import torch.fx as fx

    class _Tracer(fx.Tracer):
        def is_leaf_module(self, m, qualname):  # trace through nn.BCELoss & co.
            return False

        def path_of_module(self, mod):  # loss modules held in globals are not submodules of fn
            try:
                return super().path_of_module(mod)
            except NameError:
                return f"external_{type(mod).__name__}"

    import inspect

    try:  # defaulted parameters (label_smoothing=0.0, reduction="mean") are traced as the constants they are
        concrete = {p.name: p.default for p in inspect.signature(fn).parameters.values()
                    if p.default is not p.empty}
    except (TypeError, ValueError):
        concrete = {}
    try:
        graph = _Tracer().trace(fn, concrete_args=concrete or None)
    except Exception as exc:
        raise Untraceable(f"torch.fx could not trace the function: {type(exc).__name__}: {exc}") from exc
    ops = _build_ops()
    symbols = [R, F] if n_args == 2 else [F]
    env = {}
    placeholders = iter(symbols)

    def arg(a):
        if isinstance(a, fx.Node):
            return env[a]
        if isinstance(a, (list, tuple)):
            return type(a)(arg(x) for x in a)
        return a

    for node in graph.nodes:
        args = arg(node.args)
        kwargs = {k: arg(v) for k, v in node.kwargs.items()}
        if node.op == "placeholder":
            s = next(placeholders, None)
            if s is None:
                raise Untraceable(f"the function has more inputs than the loss's {len(symbols)}: {node.target}")
            env[node] = _T([_sigmoid(s) if inputs == "probabilities" else s])
        elif node.op == "call_function":
            f = ops.get(node.target)
            if f is None:
                raise Untraceable(f"no sympy rule for {getattr(node.target, '__name__', node.target)}")
            env[node] = f(*args, **kwargs)
        elif node.op == "call_method":
            if node.target in _IDENTITY_METHODS:
                env[node] = args[0]
            elif node.target in _METHODS:
                f = ops[getattr(torch, _METHODS[node.target])] if node.target not in ("mean", "sum") else (
                    lambda x, *a, reduction=node.target, **k: _reduce(x, reduction))
                env[node] = f(*args, **kwargs)
            else:
                raise Untraceable(f"no sympy rule for method .{node.target}()")
        elif node.op == "output":
            result = args[0]
            if isinstance(result, (tuple, list)):  # (loss_real, loss_fake): the audit sums the parts
                result = _T([sp.Add(*(_lift(part).elems[0] for part in result))])
            out = _lift(result)
            if len(out.elems) != 1:
                raise Untraceable("the loss is not a scalar")
            return out.elems[0]
        else:
            raise Untraceable(f"unsupported graph node {node.op}")
    raise Untraceable("no output")


# -- textbook forms: the rows of gantheory.losses, in sympy ---------------------------------------
def _q(x):
    return sp.nsimplify(x, rational=True, tolerance=TOLERANCES["audit_rational_tol"])


def _row_forms(row, params: dict):
    """(T_r(r), T_f(f), name) of a LOSSES row at ``params`` (made rational, so sympy proves exactly)."""
    exact = {k: _q(v) for k, v in params.items()}
    real, fake = row.terms("sympy", **exact)
    shown = ", ".join(f"{k} = {v}" for k, v in exact.items())
    return real(R), fake(F), row.formula + (f" ({shown})" if shown else "")


# The audit family whose textbook form a family is certified against: class weights are the per-term
# scales the certificate measures, so a class-weighted loss is the cross-entropy up to scale.
_CERTIFIED_AS = {"class_weighted": "standard", "unrecognised": "standard"}


def textbook_forms(family: str, params: dict) -> tuple[sp.Expr, sp.Expr, str]:
    """(T_r(r), T_f(f), name) of a discriminator family with unit scales, from its row of ``LOSSES`` at the
    fitted values of the row's own parameters (an unconstrained critic is the row ``linear``; a parameter
    the fit does not see, like LSGAN's generator target ``c``, keeps its default and is not shown)."""
    from gantheory.loss_audit.families import row_of

    row = row_of(_CERTIFIED_AS.get(family, family), params)
    return _row_forms(row, {k: params[k] for k in row.params if k in params})


def generator_form(kind: str, params: dict) -> tuple[sp.Expr, str]:
    """(T_g(f), name) of a generator kind from its row of ``GENERATORS`` ('other' is certified against
    the non-saturating row)."""
    from gantheory.losses import GENERATORS

    row = GENERATORS[kind if kind in GENERATORS else "non_saturating"]
    # the row's own parameters as fitted (LSGAN's target c); the fitted scale is the certificate's to measure
    exact = {k: _q(v) for k, v in params.items() if k != "scale"} if kind in GENERATORS else {}
    shown = " (" + ", ".join(f"{k} = {v}" for k, v in exact.items()) + ")" if exact else ""
    return row.term(F, ops["sympy"], **exact), row.formula + shown


@dataclass(frozen=True)
class Certificate:
    """status: 'equal', 'equal_up_to_constant', 'equal_up_to_scale' (positive scales per term and a
    constant), 'not_equivalent' (with a counterexample logit) or 'untraced'."""

    status: str
    textbook: str
    expression: str
    constant: float | None
    scales: tuple
    method: str
    counterexample: float | None = None
    detail: str = ""


_PROBE = [sp.Rational(k, 4) for k in (-21, -13, -7, -3, -1, 1, 2, 5, 11, 17, 23)]


def _vanishes(expr, var, others):
    """(True, 'proof'|'50 digits') if d expr/d var ≡ 0, else (False, worst point, value)."""
    d = sp.diff(expr, var)
    worst, worst_val = None, 0
    for x in _PROBE:
        subs = {var: x, **{o: sp.Rational(1, 3) for o in others}}
        val = abs(sp.N(d.subs(subs), 50))
        if val.is_number and val > worst_val:
            worst, worst_val = x, val
    if worst_val > sp.Float(TOLERANCES["audit_certificate_zero_atol"]):
        return False, float(worst), float(worst_val)
    try:
        proved = sp.count_ops(d) < 400 and sp.simplify(d.rewrite(sp.exp)) == 0
    except Exception:
        proved = False
    return True, "sympy simplify" if proved else "50-digit evaluation at 11 logits", None


def certify(expr: sp.Expr, forms: list[sp.Expr], names: list[str], symbols: list[sp.Symbol]) -> Certificate:
    """Certificate that expr = Σ s_k forms[k](symbols[k]) + c, each s_k > 0 taken from one point."""
    scales, parts = [], []
    for form, var in zip(forms, symbols, strict=True):
        x0 = {R: sp.Rational(1, 3), F: sp.Rational(1, 3)}
        denom = sp.N(sp.diff(form, var).subs(x0), 50)
        s = sp.N(sp.diff(expr, var).subs(x0), 50) / denom if denom != 0 else sp.Integer(0)
        s = sp.nsimplify(s, rational=True, tolerance=TOLERANCES["audit_certificate_scale_tol"]) if s != 0 else s
        scales.append(s)
        parts.append(s * form)
    diff = expr - sp.Add(*parts)
    methods = []
    for var in symbols:
        ok, info, value = _vanishes(diff, var, [v for v in symbols if v is not var])
        if not ok or any(s <= 0 for s in scales):
            return Certificate("not_equivalent", " + ".join(names), str(expr), None,
                               tuple(float(s) for s in scales), "50-digit evaluation",
                               counterexample=info if not ok else None,
                               detail=(f"∂/∂{var} of the difference is {value:.3g} at {var} = {info}"
                                       if not ok else "a term enters with a non-positive scale"))
        methods.append(info)
    c = float(sp.N(diff.subs({R: 0, F: 0}), 30))
    if any(s != 1 for s in scales):
        status = "equal_up_to_scale"
    else:
        status = "equal" if abs(c) < TOLERANCES["audit_certificate_constant_atol"] else "equal_up_to_constant"
    return Certificate(status, " + ".join(names), str(expr), c, tuple(float(s) for s in scales),
                       "; ".join(sorted(set(methods))))


def _traceable(fn: Callable) -> tuple[Callable, str]:
    """The user's function behind a :class:`~gantheory.loss_audit.calling.CallingConvention` (arguments in
    the audit's order) and the inputs it takes; other callables as they are, on logits."""
    from gantheory.loss_audit.calling import CallingConvention

    if not isinstance(fn, CallingConvention):
        return fn, "logits"
    if fn.shape or fn.cuda_patch or fn.stochastic:
        raise Untraceable("the loss needed reshaped, CUDA-patched or seeded calls")
    if fn.swap:
        inner = fn.fn
        return (lambda real, fake: inner(fake, real)), fn.inputs
    return fn.fn, fn.inputs


def certify_discriminator(d_loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], inputs: str, family: str,
                          params: dict) -> Certificate:
    try:
        d_loss, inputs = _traceable(d_loss) if inputs == "logits" else (d_loss, inputs)
    except Untraceable as exc:
        return Certificate("untraced", family, "", None, (), "", detail=str(exc))
    tr, tf, name = textbook_forms(family, params)
    try:
        expr = trace_to_sympy(d_loss, 2, inputs)
    except Untraceable as exc:
        return Certificate("untraced", name, "", None, (), "", detail=str(exc))
    cert = certify(expr, [tr, tf], [name], [R, F])
    return cert


def certify_generator(g_loss: Callable[[torch.Tensor], torch.Tensor], inputs: str, kind: str, params: dict) -> Certificate:
    try:
        g_loss, inputs = _traceable(g_loss) if inputs == "logits" else (g_loss, inputs)
    except Untraceable as exc:
        return Certificate("untraced", kind, "", None, (), "", detail=str(exc))
    form, name = generator_form(kind, params)
    try:
        expr = trace_to_sympy(g_loss, 1, inputs)
    except Untraceable as exc:
        return Certificate("untraced", name, "", None, (), "", detail=str(exc))
    return certify(expr, [form], [name], [F])
