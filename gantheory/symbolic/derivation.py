"""Derivations as data: checked steps that render as LaTeX and as text.

A :class:`Derivation` is an ordered tuple of :class:`Step` objects. Every step states a relation
between two sympy expressions,

.. math::  \\text{lhs} \\;\\mathcal{R}\\; \\text{rhs}, \\qquad \\mathcal{R} \\in \\{=, \\ne, <, \\le, >, \\ge, \\to\\},

and records *how* it was checked:

``"sympy"``
    exact: ``simplify(lhs - rhs) == 0`` (after cheap rewrites), ``Expr.equals`` returning ``True``
    or ``False``, or sympy's assumption system deciding a sign;
``"numeric"``
    sympy could not decide (``Expr.equals`` returned ``None``, simplification did not reach 0): the
    relation was evaluated with mpmath at 40 significant digits at random points satisfying the
    assumptions and accepted at the relative tolerance ``TOLERANCES["symbolic_numeric_rtol"]``.

The outcome is ``"proved"``, ``"failed"`` (a counterexample was found, or sympy proved the negation)
or ``"undecided"``. A numeric "proof" is evidence at many points, not a proof; the report says so.

Example
-------
>>> import sympy as sp
>>> p, q = sp.symbols("p q", positive=True)
>>> check_equal(p / (p + q) + q / (p + q), sp.Integer(1)).outcome
'proved'
>>> check_equal(p / (p + 2 * q), p / (p + q)).outcome
'failed'
"""

from __future__ import annotations

import random
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import mpmath
import sympy as sp

from gantheory.errors import GanTheoryError
from gantheory.tolerances import TOLERANCES

__all__ = [
    "Check",
    "Derivation",
    "Step",
    "check_equal",
    "check_limit",
    "check_not_equal",
    "check_sign",
    "describe_assumptions",
    "equal_step",
    "limit_step",
    "not_equal_step",
    "sign_step",
]

METHODS = ("sympy", "numeric")
OUTCOMES = ("proved", "failed", "undecided")
RELATIONS = ("=", "≠", "<", "≤", ">", "≥", "→")

# Working precision for numeric checks: 40 digits leaves 15 digits of headroom over the 1e-25 rtol.
NUMERIC_DPS = 40
NUMERIC_POINTS = 12

_LATEX_RELATION = {"=": "=", "≠": "\\neq", "<": "<", "≤": "\\leq", ">": ">", "≥": "\\geq", "→": "="}

Assumptions = Mapping[sp.Symbol, sp.Interval]


# --------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class Step:
    """One checked relation ``lhs R rhs`` of a derivation.

    Args:
        title: a few words ("Stationary point").
        justification: one line of mathematics saying why the relation holds.
        lhs, rhs: sympy expressions (``None`` for a step that is only text).
        method: ``"sympy"`` (exact) or ``"numeric"`` (mpmath, 40 digits, random admissible points).
        outcome: ``"proved"``, ``"failed"`` or ``"undecided"``.
        detail: how the check went (a counterexample when it failed).
        relation: one of ``= ≠ < ≤ > ≥ →`` (``→`` for a limit: ``lhs`` is an unevaluated ``Limit``).
    """

    title: str
    justification: str
    lhs: sp.Basic | None
    rhs: sp.Basic | None
    method: str
    outcome: str
    detail: str = ""
    relation: str = "="

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise GanTheoryError(f"Step.method must be one of {METHODS}, got {self.method!r}")
        if self.outcome not in OUTCOMES:
            raise GanTheoryError(f"Step.outcome must be one of {OUTCOMES}, got {self.outcome!r}")
        if self.relation not in RELATIONS:
            raise GanTheoryError(f"Step.relation must be one of {RELATIONS}, got {self.relation!r}")

    @property
    def proved(self) -> bool:
        return self.outcome == "proved"

    def formula_latex(self) -> str:
        if self.lhs is None or self.rhs is None:
            return ""
        return f"{sp.latex(self.lhs)} {_LATEX_RELATION[self.relation]} {sp.latex(self.rhs)}"

    def formula_text(self) -> str:
        if self.lhs is None or self.rhs is None:
            return ""
        relation = "=" if self.relation == "→" else self.relation
        return f"{sp.sstr(self.lhs)} {relation} {sp.sstr(self.rhs)}"

    def to_latex(self) -> str:
        """``\\text{title}: lhs R rhs \\quad [\\text{method, outcome}]``."""
        tag = f"\\quad [\\text{{{self.method}: {self.outcome}}}]"
        return f"\\text{{{_latex_text(self.title)}}}:\\; {self.formula_latex()} {tag}"

    def to_text(self) -> str:
        """``[outcome by method] title: lhs R rhs  -- justification``."""
        line = f"[{self.outcome} by {self.method}] {self.title}: {self.formula_text()}"
        if self.justification:
            line += f"  -- {self.justification}"
        if self.detail and self.outcome != "proved":
            line += f"  ({self.detail})"
        return line

    def to_dict(self) -> dict[str, str]:
        return {
            "title": self.title,
            "justification": self.justification,
            "lhs": "" if self.lhs is None else sp.sstr(self.lhs),
            "rhs": "" if self.rhs is None else sp.sstr(self.rhs),
            "relation": self.relation,
            "latex": self.formula_latex(),
            "method": self.method,
            "outcome": self.outcome,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Derivation:
    """A named, sourced chain of checked steps ending in a conclusion.

    Args:
        name: registry key (``"optimal-discriminator"``).
        source: the paper and section the result comes from.
        assumptions: human-readable assumptions (``"p > 0"``, ``"0 < y < 1"``).
        steps: the checked :class:`Step` objects, in order.
        conclusion: a sympy relation (usually ``Eq``) stating the result.
        numeric: lambdified forms of the conclusion (name -> numpy callable), for the other lenses.
    """

    name: str
    source: str
    assumptions: tuple[str, ...]
    steps: tuple[Step, ...]
    conclusion: sp.Basic
    numeric: Mapping[str, Callable] = field(
        default_factory=lambda: types.MappingProxyType({}), compare=False, repr=False
    )

    @property
    def proven(self) -> bool:
        """True when every step was proved (exactly or numerically)."""
        return all(step.proved for step in self.steps)

    @property
    def first_failure(self) -> Step | None:
        """The first step whose outcome is ``"failed"``, or ``None``."""
        return next((step for step in self.steps if step.outcome == "failed"), None)

    @property
    def methods(self) -> dict[str, int]:
        """How many steps each method verified."""
        counts = {method: 0 for method in METHODS}
        for step in self.steps:
            counts[step.method] += 1
        return counts

    def step(self, title: str) -> Step:
        """The step with this title (raises ``KeyError`` naming the valid titles)."""
        for step in self.steps:
            if step.title == title:
                return step
        raise KeyError(f"{self.name}: no step titled {title!r}; steps: {[s.title for s in self.steps]}")

    def to_latex(self) -> str:
        lines = [
            f"% {self.name} -- {self.source}",
            "\\begin{align*}",
        ]
        for i, step in enumerate(self.steps, 1):
            formula = step.formula_latex().replace("=", "&=", 1) if step.relation in "=→" else (
                "&" + step.formula_latex()
            )
            tag = f"\\tag*{{{i}. {_latex_text(step.title)} [{step.method}: {step.outcome}]}}"
            lines.append(f"  {formula} {tag} \\\\")
        lines.append("\\end{align*}")
        lines.append(f"% conclusion: {sp.latex(self.conclusion)}")
        return "\n".join(lines)

    def to_text(self) -> str:
        status = "PROVEN" if self.proven else "NOT PROVEN"
        lines = [f"{self.name} ({self.source}) -- {status}"]
        if self.assumptions:
            lines.append("  assuming " + ", ".join(self.assumptions))
        for i, step in enumerate(self.steps, 1):
            lines.append(f"  {i:2d}. {step.to_text()}")
        lines.append(f"  conclusion: {sp.sstr(self.conclusion)}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """JSON-ready: every leaf is a string."""
        return {
            "name": self.name,
            "source": self.source,
            "assumptions": list(self.assumptions),
            "status": "proven" if self.proven else "not proven",
            "conclusion": sp.sstr(self.conclusion),
            "conclusion_latex": sp.latex(self.conclusion),
            "steps": [step.to_dict() for step in self.steps],
        }


class Check(NamedTuple):
    """What a checker returns: ``(method, outcome, detail)``."""

    method: str
    outcome: str
    detail: str


def _latex_text(text: str) -> str:
    for char in "\\{}_^%$&#":
        text = text.replace(char, "\\" + char)
    return text


# --------------------------------------------------------------------------------------------
# Assumptions and random admissible points


def _domain(symbol: sp.Symbol, assumptions: Assumptions | None) -> sp.Interval:
    if assumptions and symbol in assumptions:
        return assumptions[symbol]
    if symbol.is_positive:
        return sp.Interval.open(0, sp.oo)
    if symbol.is_negative:
        return sp.Interval.open(-sp.oo, 0)
    if symbol.is_nonnegative:
        return sp.Interval(0, sp.oo)
    return sp.Interval(-sp.oo, sp.oo)


def describe_assumptions(assumptions: Assumptions | None, symbols: Iterable[sp.Symbol] = ()) -> tuple[str, ...]:
    """Readable assumptions: ``("p > 0", "0 < y < 1")``."""
    seen = list(assumptions or {}) + [s for s in symbols if s not in (assumptions or {})]
    out = []
    for symbol in seen:
        interval = _domain(symbol, assumptions)
        lo, hi = interval.inf, interval.sup
        name = sp.sstr(symbol)
        lo_rel = "≤" if not interval.left_open else "<"
        hi_rel = "≤" if not interval.right_open else "<"
        if lo == -sp.oo and hi == sp.oo:
            out.append(f"{name} real")
        elif hi == sp.oo:
            out.append(f"{name} {'≥' if lo_rel == '≤' else '>'} {sp.sstr(lo)}")
        elif lo == -sp.oo:
            out.append(f"{name} {hi_rel} {sp.sstr(hi)}")
        else:
            out.append(f"{sp.sstr(lo)} {lo_rel} {name} {hi_rel} {sp.sstr(hi)}")
    return tuple(out)


def _sample(interval: sp.Interval, rng: random.Random) -> mpmath.mpf:
    lo, hi = interval.inf, interval.sup
    u = mpmath.mpf(rng.uniform(0.02, 0.98))
    if lo.is_finite and hi.is_finite:
        lo_, hi_ = mpmath.mpf(sp.N(lo, NUMERIC_DPS + 5)), mpmath.mpf(sp.N(hi, NUMERIC_DPS + 5))
        return lo_ + (hi_ - lo_) * u
    # Log-uniform distances from a finite end cover both tiny and large magnitudes.
    distance = mpmath.exp(mpmath.mpf(rng.uniform(-4.0, 3.0)))
    if lo.is_finite:
        return mpmath.mpf(sp.N(lo, NUMERIC_DPS + 5)) + distance
    if hi.is_finite:
        return mpmath.mpf(sp.N(hi, NUMERIC_DPS + 5)) - distance
    return mpmath.mpf(rng.uniform(-6.0, 6.0))


def _compile(expr: sp.Basic, symbols: list) -> Callable[..., mpmath.mpf]:
    """An mpmath evaluator of ``expr`` taking the values of ``symbols`` in order."""
    if expr.has(sp.Integral, sp.Sum):

        def evaluate(*values):
            point = {s: sp.Float(mpmath.nstr(v, NUMERIC_DPS), NUMERIC_DPS) for s, v in zip(symbols, values, strict=False)}
            value = sp.N(expr.subs(point), NUMERIC_DPS)
            return mpmath.mpc(complex(value)) if not value.is_real else mpmath.mpf(str(value))

        return evaluate
    return sp.lambdify(symbols, expr, modules="mpmath")


def _points(expr: sp.Basic, assumptions: Assumptions | None, seed: int, n: int):
    rng = random.Random(seed)
    symbols = sorted(expr.free_symbols, key=sp.default_sort_key)
    for _ in range(n):
        yield {s: _sample(_domain(s, assumptions), rng) for s in symbols}


def _real(value) -> mpmath.mpf | None:
    """The real value, or None when the point left the expression's domain (complex, nan, inf)."""
    value = mpmath.mpmathify(value)
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > mpmath.mpf(10) ** (-NUMERIC_DPS + 5) * max(1, abs(value.real)):
            return None
        value = value.real
    if mpmath.isnan(value) or mpmath.isinf(value):
        return None
    return value


def _fmt_point(point: dict) -> str:
    return ", ".join(f"{sp.sstr(s)}={mpmath.nstr(v, 8)}" for s, v in point.items())


# --------------------------------------------------------------------------------------------
# Checkers


def _positive_substitution(assumptions: Assumptions | None, symbols) -> dict:
    """Map interval-constrained symbols onto positive dummies so sympy's assumptions see the interval.

    ``x ∈ (lo, hi)`` becomes ``lo + (hi - lo)·s/(1 + s)``; ``x ∈ (lo, ∞)`` becomes ``lo + s``;
    ``x ∈ (−∞, hi)`` becomes ``hi − s``; with ``s > 0``.
    """
    subs = {}
    for symbol in symbols:
        if not assumptions or symbol not in assumptions:
            continue
        interval = assumptions[symbol]
        lo, hi = interval.inf, interval.sup
        s = sp.Dummy(f"{symbol.name}_", positive=True)
        if lo.is_finite and hi.is_finite:
            subs[symbol] = lo + (hi - lo) * s / (1 + s)
        elif lo.is_finite:
            subs[symbol] = lo + s
        elif hi.is_finite:
            subs[symbol] = hi - s
    return subs


_REWRITES: tuple[Callable[[sp.Expr], sp.Expr], ...] = (
    lambda e: e,
    lambda e: sp.expand(sp.expand_log(e, force=False)),
    lambda e: sp.cancel(sp.together(sp.expand_log(e, force=False))),
    lambda e: sp.simplify(e),
)


def _is_zero_exactly(diff: sp.Expr) -> bool | None:
    """True: some rewrite reaches 0; False: a rewrite is a number sympy proves nonzero; None: undecided."""
    # simplify() can spend tens of seconds on LambertW expressions: leave those to the numeric check.
    rewrites = _REWRITES[:3] if diff.has(sp.LambertW) else _REWRITES
    for rewrite in rewrites:
        try:
            value = rewrite(diff)
        except (TypeError, ValueError, NotImplementedError, RecursionError):
            continue
        if value == 0:
            return True
        if value.is_zero is False and value.is_number:
            return False
    return None


def check_equal(
    lhs: sp.Basic,
    rhs: sp.Basic,
    assumptions: Assumptions | None = None,
    *,
    exact: bool = True,
    rtol: float | None = None,
    seed: int = 0,
) -> Check:
    """Check ``lhs = rhs`` for all admissible values of the free symbols.

    First exactly: ``lhs − rhs`` is rewritten (``expand_log``, ``cancel``, ``simplify``) on
    symbols whose interval assumptions are encoded as sign assumptions; ``Expr.equals`` is asked
    next (``True``/``False`` settle it). If sympy cannot decide, both sides are evaluated with mpmath
    at 40 digits at random admissible points; agreement to ``rtol`` (default
    ``TOLERANCES["symbolic_numeric_rtol"]``) at every point gives ``("numeric", "proved")``.

    Args:
        lhs, rhs: sympy expressions.
        assumptions: ``{symbol: Interval}``; other symbols take their domain from their sympy
            assumptions (``positive=True`` → (0, ∞), otherwise ℝ).
        exact: try sympy first (``False`` goes straight to the numeric check, e.g. for integrals
            sympy cannot evaluate).
        rtol: relative tolerance of the numeric check.
        seed: seed of the random points.

    Returns:
        :class:`Check` ``(method, outcome, detail)``.
    """
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    diff = lhs - rhs
    if exact:
        subs = _positive_substitution(assumptions, diff.free_symbols)
        verdict = _is_zero_exactly(diff.subs(subs) if subs else diff)
        if verdict is True:
            return Check("sympy", "proved", "lhs - rhs simplifies to 0")
        if verdict is False:
            return Check("sympy", "failed", f"lhs - rhs = {sp.sstr(sp.nsimplify(diff))} is a nonzero number")
        try:
            # Interval assumptions are substituted first: equals() samples points of its own.
            verdict = lhs.subs(subs).equals(rhs.subs(subs)) if subs else lhs.equals(rhs)
        except (TypeError, ValueError, NotImplementedError, RecursionError):
            verdict = None
        if verdict is True:
            return Check("sympy", "proved", "Expr.equals returned True")
        # equals() == False is not trusted on its own (it returns False for the true identity
        # log W(p) + W(p) = log p): the numeric check below must find the counterexample.
    return _numeric_equal(lhs, rhs, assumptions, rtol=rtol, seed=seed)


def _numeric_equal(lhs, rhs, assumptions, *, rtol, seed) -> Check:
    rtol = mpmath.mpf(TOLERANCES["symbolic_numeric_rtol"] if rtol is None else rtol)
    expr = sp.Tuple(lhs, rhs)
    symbols = sorted(expr.free_symbols, key=sp.default_sort_key)
    lhs_f, rhs_f = _compile(lhs, symbols), _compile(rhs, symbols)
    used = 0
    worst = mpmath.mpf(0)
    n = 1 if not expr.free_symbols else NUMERIC_POINTS
    with mpmath.workdps(NUMERIC_DPS):
        for point in _points(expr, assumptions, seed, 3 * n):
            try:
                a = _real(lhs_f(*point.values()))
                b = _real(rhs_f(*point.values()))
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                continue
            if a is None or b is None:
                continue
            used += 1
            error = abs(a - b) / max(1, abs(a), abs(b))
            worst = max(worst, error)
            if error > rtol:
                return Check(
                    "numeric",
                    "failed",
                    f"counterexample at {_fmt_point(point)}: lhs={mpmath.nstr(a, 12)}, rhs={mpmath.nstr(b, 12)}",
                )
            if used >= n:
                break
    if used < n:
        return Check("numeric", "undecided", f"only {used} of {n} random points were admissible")
    return Check(
        "numeric",
        "proved",
        f"sympy could not decide; equal at {used} random points ({NUMERIC_DPS} digits), "
        f"max relative difference {mpmath.nstr(worst, 3)}",
    )


def check_not_equal(lhs: sp.Basic, rhs: sp.Basic, assumptions: Assumptions | None = None, *, seed: int = 0) -> Check:
    """Check that ``lhs ≠ rhs`` as functions: proved when a point is found where they differ."""
    verdict = check_equal(lhs, rhs, assumptions, seed=seed)
    if verdict.outcome == "failed":
        return Check(verdict.method, "proved", verdict.detail.replace("counterexample", "witness"))
    if verdict.outcome == "proved":
        return Check(verdict.method, "failed", "the two sides are equal: " + verdict.detail)
    return verdict


_SIGN_PROPERTY = {">": "is_positive", "≥": "is_nonnegative", "<": "is_negative", "≤": "is_nonpositive"}
_NEGATED_PROPERTY = {">": "is_nonpositive", "≥": "is_negative", "<": "is_nonnegative", "≤": "is_positive"}
_SIGN_TEST = {
    ">": lambda v: v > 0,
    "≥": lambda v: v >= 0,
    "<": lambda v: v < 0,
    "≤": lambda v: v <= 0,
}


def check_sign(
    expr: sp.Basic,
    relation: str,
    assumptions: Assumptions | None = None,
    *,
    seed: int = 0,
) -> Check:
    """Check ``expr R 0`` for ``R`` in ``> ≥ < ≤`` on the admissible set.

    Sympy's assumption system is asked on ``expr`` and on simplified/factored forms, with interval
    assumptions mapped onto positive dummies; if it cannot decide, the sign is tested at random
    admissible points (40 digits) and the step is marked ``"numeric"``.
    """
    if relation not in _SIGN_PROPERTY:
        raise GanTheoryError(f"check_sign relation must be one of {tuple(_SIGN_PROPERTY)}, got {relation!r}")
    expr = sp.sympify(expr)
    subs = _positive_substitution(assumptions, expr.free_symbols)
    base = expr.subs(subs) if subs else expr
    candidates = (
        lambda e: e,
        lambda e: sp.factor(sp.together(e)),
        lambda e: sp.factor(sp.simplify(e)),
    )
    if base.has(sp.LambertW):
        candidates = candidates[:2]
    for rewrite in candidates:
        try:
            form = rewrite(base)
        except (TypeError, ValueError, NotImplementedError, RecursionError):
            continue
        if getattr(form, _SIGN_PROPERTY[relation]) is True:
            return Check("sympy", "proved", f"sympy's assumptions decide the sign of {sp.sstr(form)}")
        if getattr(form, _NEGATED_PROPERTY[relation]) is True:
            return Check("sympy", "failed", f"sympy's assumptions prove the opposite sign of {sp.sstr(form)}")
    used = 0
    evaluate = _compile(expr, sorted(expr.free_symbols, key=sp.default_sort_key))
    with mpmath.workdps(NUMERIC_DPS):
        for point in _points(expr, assumptions, seed, 3 * NUMERIC_POINTS):
            try:
                value = _real(evaluate(*point.values()))
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                continue
            if value is None:
                continue
            used += 1
            if not _SIGN_TEST[relation](value):
                return Check("numeric", "failed", f"counterexample at {_fmt_point(point)}: value={mpmath.nstr(value, 12)}")
            if used >= NUMERIC_POINTS:
                break
    if used < NUMERIC_POINTS:
        return Check("numeric", "undecided", f"only {used} of {NUMERIC_POINTS} random points were admissible")
    return Check("numeric", "proved", f"sympy could not decide; sign holds at {used} random points ({NUMERIC_DPS} digits)")


def check_limit(
    expr: sp.Expr, variable: sp.Symbol, point: sp.Basic | float, expected: sp.Expr, direction: str = "+"
) -> Check:
    """Check ``lim_{variable → point} expr = expected`` with :func:`sympy.limit`."""
    try:
        value = sp.limit(expr, variable, point, direction)
    except (NotImplementedError, ValueError, TypeError):
        value = None
    if value is None or value.has(sp.Limit):
        return Check("sympy", "undecided", "sympy.limit could not evaluate the limit")
    verdict = check_equal(value, expected)
    if verdict.outcome == "proved" and verdict.method == "sympy":
        return Check("sympy", "proved", f"sympy.limit gives {sp.sstr(value)}")
    if verdict.outcome == "failed":
        return Check(verdict.method, "failed", f"sympy.limit gives {sp.sstr(value)}, not {sp.sstr(expected)}")
    return verdict


# --------------------------------------------------------------------------------------------
# Step builders: each checks and returns a Step.


def equal_step(title: str, justification: str, lhs: sp.Basic | float, rhs: sp.Basic | float,
               assumptions: Assumptions | None = None, *, prepare: Callable[[sp.Basic], sp.Basic] | None = None,
               **kwargs: object) -> Step:
    """A checked equality step (see :func:`check_equal`).

    ``prepare`` maps each displayed side to the form that is checked (e.g. substituting
    ``∫p = 1`` or evaluating an ``Integral`` with ``doit``); the step shows the unprepared sides.
    """
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    checked = (prepare(lhs), prepare(rhs)) if prepare else (lhs, rhs)
    method, outcome, detail = check_equal(*checked, assumptions, **kwargs)
    return Step(title, justification, lhs, rhs, method, outcome, detail, "=")


def not_equal_step(title: str, justification: str, lhs: sp.Basic | float, rhs: sp.Basic | float,
                   assumptions: Assumptions | None = None, **kwargs: object) -> Step:
    """A checked 'these two functions differ' step (see :func:`check_not_equal`)."""
    method, outcome, detail = check_not_equal(lhs, rhs, assumptions, **kwargs)
    return Step(title, justification, sp.sympify(lhs), sp.sympify(rhs), method, outcome, detail, "≠")


def sign_step(title: str, justification: str, lhs: sp.Basic | float, relation: str, rhs: sp.Basic | float = 0,
              assumptions: Assumptions | None = None, *, prepare: Callable[[sp.Basic], sp.Basic] | None = None,
              **kwargs: object) -> Step:
    """A checked inequality ``lhs R rhs`` (checked as the sign of ``prepare(lhs − rhs)``).

    ``prepare`` must preserve the sign (e.g. substitute ``p = u q`` and divide by ``q > 0``).
    """
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    checked = prepare(lhs - rhs) if prepare else lhs - rhs
    method, outcome, detail = check_sign(checked, relation, assumptions, **kwargs)
    return Step(title, justification, lhs, rhs, method, outcome, detail, relation)


def limit_step(title: str, justification: str, expr: sp.Expr, variable: sp.Symbol, point: sp.Basic | float,
               expected: sp.Basic | float, direction: str = "+") -> Step:
    """A checked limit ``lim_{variable → point} expr = expected``."""
    method, outcome, detail = check_limit(expr, variable, point, expected, direction)
    shown = sp.Limit(expr, variable, point, direction)
    return Step(title, justification, shown, sp.sympify(expected), method, outcome, detail, "→")


def numbers_step(title: str, justification: str, lhs_value: float | mpmath.mpf, rhs_value: float | mpmath.mpf, *,
                 rtol: float, lhs_expr: sp.Basic | None = None, rhs_expr: sp.Basic | None = None) -> Step:
    """Compare two numbers computed elsewhere (quadrature, numeric differentiation) at ``rtol``.

    Always ``method="numeric"``: the numbers are not exact.
    """
    with mpmath.workdps(50):  # keep an mpf's own digits: str() outside workdps would cut them to 15
        a, b = (v if isinstance(v, mpmath.mpf) else mpmath.mpf(str(v)) for v in (lhs_value, rhs_value))
        error = abs(a - b) / max(1, abs(a), abs(b))
    outcome = "proved" if error <= rtol else "failed"
    detail = f"lhs={mpmath.nstr(a, 15)}, rhs={mpmath.nstr(b, 15)}, relative difference {mpmath.nstr(error, 3)} (rtol {rtol:g})"
    lhs = lhs_expr if lhs_expr is not None else sp.Float(mpmath.nstr(a, 15), 15)
    rhs = rhs_expr if rhs_expr is not None else sp.Float(mpmath.nstr(b, 15), 15)
    return Step(title, justification, lhs, rhs, "numeric", outcome, detail, "=")


def numeric_forms(**funcs: Callable) -> Mapping[str, Callable]:
    """Read-only mapping of lambdified conclusions for :attr:`Derivation.numeric`."""
    return types.MappingProxyType(dict(funcs))
