"""Certificate: the user's traced loss against the textbook form of its row, up to scales and a constant.

The user's function is traced with :mod:`torch.fx` and its graph evaluated on one-element batches (one
real logit r, one fake logit f) by :mod:`gantheory.loss_audit.tracing`. For the textbook form
:math:`T = T_r(r) + T_f(f)` of the detected family the certificate states

.. math::

    E(r, f) = s_r\\,T_r(r) + s_f\\,T_f(f) + c , \\qquad s_r, s_f > 0 .

Two routes establish it; the certificate's ``method`` says which.

- **Checked at 50 digits** (the default; imports mpmath, not sympy). The graph is evaluated in mpmath at 50
  significant digits. Each scale is a secant, :math:`s_k = \\Delta E / \\Delta T_k` between two logits of its
  variable, the constant is :math:`E - \\sum_k s_k T_k` at 0, and the identity is checked at every logit of
  :data:`PROBE` (−5.25 … 5.75) and of :data:`FAR` (±9.5, ±14.75, ±30.25) for each variable with the other
  at ⅓, and (for a discriminator) at 11 mixed points: 45 points for D, 17 for G. A residual above
  ``audit_certificate_zero_atol`` (1e-40; a real difference is > 1e-20) refutes it, with the logit where it
  is largest as the counterexample, so a clamp at ±6.5 or ±10 is refuted at a far logit. Agreement to 50
  digits on every point is strong evidence, not a proof: a difference confined to logits beyond ±30.25, or
  falling between the probed logits, escapes it, as it escapes the proved route's 50-digit fallback.
- **Proved by sympy** (``prove=True``; imports sympy, ~0.6 s more). The graph is evaluated on sympy
  symbols; the scales are ratios of derivatives at ⅓, and both partial derivatives of
  :math:`E - \\sum_k s_k T_k` vanish by ``sympy.simplify`` (where simplification is inconclusive they are
  checked at 50 digits on the 17 logits of :data:`PROBE` and :data:`FAR`, and a non-zero value refutes with that logit).

The textbook forms are the terms of the rows of :data:`gantheory.losses.LOSSES` and
:data:`gantheory.losses.GENERATORS` (``row.terms(backend, **params)``), with their references; fitted
parameters are made rational within ``audit_rational_tol`` (the fit reports 9 digits).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from gantheory.loss_audit.tracing import Text, Untraceable, backend, evaluate, trace
from gantheory.tolerances import TOLERANCES

if TYPE_CHECKING:
    import torch

__all__ = ["FAR", "PROBE", "Certificate", "Untraceable", "certify", "certify_discriminator", "certify_generator",
           "check", "generator_form", "textbook_forms", "trace_to_sympy"]

DIGITS = 50
# Working precision of the checked route: 1 − σ(30.25) at a far logit cancels 13 digits, so the graph is
# evaluated with 30 guard digits and the residuals still mean 50.
_WORK_DIGITS = DIGITS + 30
# Logits at which identities are checked: from −5.25 to 5.75, not symmetric, none a kink of the rows' terms.
PROBE = tuple(Fraction(k, 4) for k in (-21, -13, -7, -3, -1, 1, 2, 5, 11, 17, 23))
# Far logits, checked per variable: code that differs from the textbook form only beyond PROBE (a clamp at
# ±6.5 or ±10, a ``where`` cut-off) is refuted there. Not kinks of the rows' terms at their usual parameters.
FAR = tuple(Fraction(k, 4) for k in (-121, -59, -38, 38, 59, 121))
_ANCHOR = Fraction(1, 3)
# the second logit of a scale's secant: the first where the textbook term differs from its value at ⅓
_SECANT = (Fraction(7, 4), Fraction(-5, 4), Fraction(3), Fraction(-3), Fraction(6), Fraction(-6))


def __getattr__(name: str) -> Any:
    # the sympy symbols r, f of the prove route (importing them imports sympy)
    if name in ("R", "F"):
        return dict(zip(("R", "F"), _symbols(), strict=True))[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _symbols():
    import sympy as sp

    return sp.symbols("r f", real=True)


@dataclass(frozen=True)
class Certificate:
    """status: 'equal', 'equal_up_to_constant', 'equal_up_to_scale' (positive scales per term and a
    constant), 'not_equivalent' (with a counterexample logit) or 'untraced'; ``route`` is 'checked' (mpmath
    at 50 digits) or 'proved' (sympy)."""

    status: str
    textbook: str
    expression: str
    constant: float | None
    scales: tuple
    method: str
    counterexample: float | None = None
    detail: str = ""
    route: str = "checked"


# -- textbook forms: the rows of gantheory.losses --------------------------------------------------
def _fitted(x: float) -> Fraction:
    """A fitted parameter (9 digits) as the rational it stands for, within ``audit_rational_tol``."""
    return Fraction(float(x)).limit_denominator(math.ceil(1 / TOLERANCES["audit_rational_tol"]))


# The audit family whose textbook form a family is certified against: class weights are the per-term
# scales the certificate measures, so a class-weighted loss is the cross-entropy up to scale.
_CERTIFIED_AS = {"class_weighted": "standard", "unrecognised": "standard"}


def _shown(exact_params: dict) -> str:
    return " (" + ", ".join(f"{k} = {v}" for k, v in exact_params.items()) + ")" if exact_params else ""


def _discriminator_row(family: str, params: dict):
    from gantheory.loss_audit.families import row_of

    row = row_of(_CERTIFIED_AS.get(family, family), params)
    exact_params = {k: _fitted(params[k]) for k in row.params if k in params}
    return row, exact_params, row.formula + _shown(exact_params)


def _generator_row(kind: str, params: dict):
    from gantheory.losses import GENERATORS

    row = GENERATORS[kind if kind in GENERATORS else "non_saturating"]
    # the row's own parameters as fitted (LSGAN's target c); the fitted scale is the certificate's to measure
    exact_params = {k: _fitted(v) for k, v in params.items() if k != "scale"} if kind in GENERATORS else {}
    return row, exact_params, row.formula + _shown(exact_params)


_MIRRORED = " at a ↦ −a (convention real_low)"


def textbook_forms(family: str, params: dict, route: str = "sympy", mirror: bool = False) -> tuple[Any, Any, str]:
    """(T_r, T_f, name) of a discriminator family with unit scales, from its row of ``LOSSES`` at the fitted
    values of the row's own parameters (a parameter the fit does not see, like LSGAN's generator target
    ``c``, keeps its default and is not shown). ``route`` ``"sympy"``: sympy expressions in the symbols r, f;
    ``"mpmath"``: callables of an mpmath number. ``mirror``: the terms at −a (a critic scoring real samples
    low, the convention's mirror)."""
    from gantheory.losses import ops

    row, exact_params, name = _discriminator_row(family, params)
    b = backend(route)
    real, fake = row.terms(ops[route], **{k: b.const(v) for k, v in exact_params.items()})
    if mirror:
        real, fake, name = (lambda a, t=real: t(-a)), (lambda a, t=fake: t(-a)), name + _MIRRORED
    if route == "sympy":
        r, f = _symbols()
        return real(r), fake(f), name
    return real, fake, name


def generator_form(kind: str, params: dict, route: str = "sympy", mirror: bool = False) -> tuple[Any, str]:
    """(T_g, name) of a generator kind from its row of ``GENERATORS`` ('other' is certified against the
    non-saturating row); a sympy expression in f, or (``route="mpmath"``) a callable of an mpmath number.
    ``mirror``: the term at −f (against a critic scoring real samples low)."""
    from gantheory.losses import ops

    row, exact_params, name = _generator_row(kind, params)
    b = backend(route)
    kw = {k: b.const(v) for k, v in exact_params.items()}
    sign, name = (-1, name + _MIRRORED) if mirror else (1, name)
    if route == "sympy":
        return row.term(sign * _symbols()[1], ops["sympy"], **kw), name
    return (lambda a: row.term(sign * a, ops["mpmath"], **kw)), name


# -- the checked route (mpmath, 50 digits) ----------------------------------------------------------
def _real_number(v) -> bool:
    import mpmath as mp

    return isinstance(v, mp.mpf) and mp.isfinite(v)


def _to_fraction(v) -> Fraction:
    """The exact value of an mpmath number (sign, mantissa, exponent) as a Fraction."""
    sign, man, exp, _ = v._mpf_
    return (-1) ** sign * Fraction(int(man)) * Fraction(2) ** int(exp)


def check(loss: Callable[..., Any], forms: list[Callable], names: list[str], variables: list[str],
          expression: str = "") -> Certificate:
    """Check ``loss(x_1, …) = Σ s_k forms[k](x_k) + c`` with every s_k > 0, at 50 digits (mpmath).

    ``loss`` and ``forms`` take and return mpmath numbers; the caller holds the working precision.
    """
    import mpmath as mp

    b = backend("mpmath")
    n = len(forms)
    textbook = " + ".join(names)

    def value(point):
        try:
            v = loss(*(b.const(x) for x in point))
        except (ArithmeticError, ValueError):
            return None
        return v if _real_number(v) else None

    scales: list[Fraction] = []

    def refuted(point, detail):
        k = next((i for i, x in enumerate(point) if x != _ANCHOR), 0)
        return Certificate("not_equivalent", textbook, expression, None, tuple(float(s) for s in scales),
                           f"checked at {DIGITS} digits", counterexample=float(point[k]), detail=detail)

    def where(point):
        return ", ".join(f"{var} = {float(x):g}" for var, x in zip(variables, point, strict=True))

    anchor = (_ANCHOR,) * n
    e0 = value(anchor)
    if e0 is None:
        return refuted(anchor, f"the traced loss is not a real number at {where(anchor)}")
    secants = []
    for k, form in enumerate(forms):
        t0 = form(b.const(_ANCHOR))
        x1 = next((x for x in _SECANT if abs(form(b.const(x)) - t0) > mp.mpf(10) ** -20), None)
        if x1 is None:  # a textbook term constant in its variable: its scale is immaterial
            scales.append(Fraction(1))
            continue
        point = (*anchor[:k], x1, *anchor[k + 1:])
        e1 = value(point)
        if e1 is None:
            return refuted(point, f"the traced loss is not a real number at {where(point)}")
        s = (e1 - e0) / (form(b.const(x1)) - t0)
        scales.append(_to_fraction(s).limit_denominator(math.ceil(1 / TOLERANCES["audit_certificate_scale_tol"])))
        secants.append((k, point))
    zero = (Fraction(0),) * n
    e_zero = value(zero)
    if e_zero is None:
        return refuted(zero, f"the traced loss is not a real number at {where(zero)}")

    def textbook_value(point):
        return mp.fsum(b.const(s) * form(b.const(x)) for s, form, x in zip(scales, forms, point, strict=True))

    c = e_zero - textbook_value(zero)
    points = [(*anchor[:k], x, *anchor[k + 1:]) for k in range(n) for x in PROBE + FAR]
    if n == 2:
        points += [(x, y) for x, y in zip(PROBE, reversed(PROBE), strict=True)]
    atol = mp.mpf(TOLERANCES["audit_certificate_zero_atol"])
    worst, worst_point = mp.mpf(0), None
    for point in points:
        v = value(point)
        if v is None:
            return refuted(point, f"the traced loss is not a real number at {where(point)}, where the textbook "
                                  "form is")
        residual = abs(v - textbook_value(point) - c)
        if residual > worst:
            worst, worst_point = residual, point
    if worst > atol:
        shown = ", ".join(f"{float(s):.6g}" for s in scales)
        const = f"− {float(c):.6g}" if float(c) >= 0 else f"+ {-float(c):.6g}"
        return refuted(worst_point, f"the traced loss minus (scales {shown})·textbook {const} is "
                                    f"{float(worst):.3g} at {where(worst_point)}")
    for k, point in secants:
        if scales[k] <= 0:
            return refuted(point, f"the {variables[k]} term enters with the non-positive scale {float(scales[k]):.3g}: "
                                  f"the loss moves against the textbook term between {variables[k]} = 1/3 and "
                                  f"{where(point)}")
    constant = float(c)
    if any(s != 1 for s in scales):
        status = "equal_up_to_scale"
    else:
        status = "equal" if abs(constant) < TOLERANCES["audit_certificate_constant_atol"] else "equal_up_to_constant"
    return Certificate(status, textbook, expression, constant, tuple(float(s) for s in scales),
                       f"checked at {DIGITS} digits on {len(points)} logits")


def _check_traced(graph, forms: list, names: list[str], variables: list[str], inputs: str) -> Certificate:
    import mpmath as mp

    with mp.workdps(_WORK_DIGITS):
        try:  # the expression as traced, for the report; the check does not depend on it
            shown = str(evaluate(graph, backend("text"), [Text(v) for v in variables], inputs))
        except Exception:
            shown = ""

        def loss(*xs):
            return evaluate(graph, backend("mpmath"), list(xs), inputs)

        return check(loss, forms, names, variables, shown)


# -- the proved route (sympy) -----------------------------------------------------------------------
def trace_to_sympy(fn: Callable[..., torch.Tensor], n_args: int, inputs: str) -> Any:
    """sympy expression of ``fn`` on one-element batches (symbols r, f), or raise Untraceable."""
    symbols = list(_symbols()) if n_args == 2 else [_symbols()[1]]
    return evaluate(trace(fn), backend("sympy"), symbols, inputs)


def _vanishes(expr, var, others):
    """(True, 'proof'|'50 digits') if d expr/d var ≡ 0, else (False, worst point, value)."""
    import sympy as sp

    d = sp.diff(expr, var)
    worst, worst_val = None, 0
    for x in PROBE + FAR:
        subs = {var: sp.Rational(x.numerator, x.denominator), **{o: sp.Rational(1, 3) for o in others}}
        val = abs(sp.N(d.subs(subs), DIGITS))
        if val.is_number and val > worst_val:
            worst, worst_val = x, val
    if worst_val > sp.Float(TOLERANCES["audit_certificate_zero_atol"]):
        return False, float(worst), float(worst_val)
    try:
        proved = sp.count_ops(d) < 400 and sp.simplify(d.rewrite(sp.exp)) == 0
    except Exception:
        proved = False
    return True, "sympy simplify" if proved else f"{DIGITS}-digit evaluation at {len(PROBE + FAR)} logits", None


def certify(expr: Any, forms: list[Any], names: list[str], symbols: list[Any]) -> Certificate:
    """Certificate (proved route) that expr = Σ s_k forms[k](symbols[k]) + c, each s_k > 0 from one point."""
    import sympy as sp

    r, f = _symbols()
    scales, parts = [], []
    for form, var in zip(forms, symbols, strict=True):
        x0 = {r: sp.Rational(1, 3), f: sp.Rational(1, 3)}
        denom = sp.N(sp.diff(form, var).subs(x0), DIGITS)
        s = sp.N(sp.diff(expr, var).subs(x0), DIGITS) / denom if denom != 0 else sp.Integer(0)
        s = sp.nsimplify(s, rational=True, tolerance=TOLERANCES["audit_certificate_scale_tol"]) if s != 0 else s
        scales.append(s)
        parts.append(s * form)
    diff = expr - sp.Add(*parts)
    methods = []
    for var in symbols:
        ok, info, value = _vanishes(diff, var, [v for v in symbols if v is not var])
        if not ok or any(s <= 0 for s in scales):
            return Certificate("not_equivalent", " + ".join(names), str(expr), None,
                               tuple(float(s) for s in scales), f"{DIGITS}-digit evaluation",
                               counterexample=info if not ok else None,
                               detail=(f"∂/∂{var} of the difference is {value:.3g} at {var} = {info}"
                                       if not ok else "a term enters with a non-positive scale"), route="proved")
        methods.append(info)
    c = float(sp.N(diff.subs({r: 0, f: 0}), 30))
    if any(s != 1 for s in scales):
        status = "equal_up_to_scale"
    else:
        status = "equal" if abs(c) < TOLERANCES["audit_certificate_constant_atol"] else "equal_up_to_constant"
    return Certificate(status, " + ".join(names), str(expr), c, tuple(float(s) for s in scales),
                       "; ".join(sorted(set(methods))), route="proved")


# -- entry points of the audit ----------------------------------------------------------------------
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
                          params: dict, prove: bool = False, mirror: bool = False) -> Certificate:
    """Certificate that ``d_loss`` is the textbook form of ``family`` at ``params`` up to positive scales and
    a constant: checked at 50 digits (default) or proved by sympy (``prove``). ``mirror``: against the
    terms at a ↦ −a (a critic of convention real_low)."""
    route = "proved" if prove else "checked"
    try:
        d_loss, inputs = _traceable(d_loss) if inputs == "logits" else (d_loss, inputs)
    except Untraceable as exc:
        return Certificate("untraced", family, "", None, (), "", detail=str(exc), route=route)
    name = _discriminator_row(family, params)[2]
    try:
        if prove:
            tr, tf, name = textbook_forms(family, params, mirror=mirror)
            r, f = _symbols()
            return certify(trace_to_sympy(d_loss, 2, inputs), [tr, tf], [name], [r, f])
        graph = trace(d_loss)
        import mpmath as mp

        with mp.workdps(_WORK_DIGITS):
            tr, tf, name = textbook_forms(family, params, route="mpmath", mirror=mirror)
            return _check_traced(graph, [tr, tf], [name], ["r", "f"], inputs)
    except Untraceable as exc:
        return Certificate("untraced", name, "", None, (), "", detail=str(exc), route=route)


def certify_generator(g_loss: Callable[[torch.Tensor], torch.Tensor], inputs: str, kind: str, params: dict,
                      prove: bool = False, mirror: bool = False) -> Certificate:
    """Certificate that ``g_loss`` is the textbook generator term of ``kind`` up to a positive scale and a
    constant: checked at 50 digits (default) or proved by sympy (``prove``). ``mirror``: against the term at
    −f (the generator of a critic of convention real_low)."""
    route = "proved" if prove else "checked"
    try:
        g_loss, inputs = _traceable(g_loss) if inputs == "logits" else (g_loss, inputs)
    except Untraceable as exc:
        return Certificate("untraced", kind, "", None, (), "", detail=str(exc), route=route)
    name = _generator_row(kind, params)[2]
    try:
        if prove:
            form, name = generator_form(kind, params, mirror=mirror)
            return certify(trace_to_sympy(g_loss, 1, inputs), [form], [name], [_symbols()[1]])
        graph = trace(g_loss)
        import mpmath as mp

        with mp.workdps(_WORK_DIGITS):
            form, name = generator_form(kind, params, route="mpmath", mirror=mirror)
            return _check_traced(graph, [form], [name], ["f"], inputs)
    except Untraceable as exc:
        return Certificate("untraced", name, "", None, (), "", detail=str(exc), route=route)
