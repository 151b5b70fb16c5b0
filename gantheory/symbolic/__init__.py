"""Symbolic lens: the GAN theorems as step-checked sympy derivations.

Each derivation is data — a :class:`Derivation` of :class:`Step` objects, each stating
``lhs R rhs``, a one-line justification, and how it was checked (``"sympy"`` exactly, or
``"numeric"``: mpmath at 40 digits at random admissible points when sympy cannot decide). Steps
render as LaTeX and text; :attr:`Derivation.numeric` holds lambdified conclusions that the tests
compare with :mod:`gantheory.quadrature`.

:data:`DERIVATIONS` maps the names below to functions returning a :class:`Derivation`;
:data:`NEGATIVE_CONTROLS` maps names to zero-argument callables feeding a derivation a wrong step,
which must come back with that step ``"failed"`` and ``proven == False``.

References: Goodfellow et al. 2014 (Prop. 1, Thm. 1); Arjovsky & Bottou 2017 (Thm. 2.5);
Nowozin et al. 2016 (f-GAN); Mao et al. 2017 (LSGAN); Salimans et al. 2016 (label smoothing).

>>> from gantheory.symbolic import DERIVATIONS
>>> DERIVATIONS["optimal-discriminator"]().proven
True
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

import sympy as sp

from gantheory.errors import GanTheoryError
from gantheory.symbolic.derivation import (
    Check,
    Derivation,
    Step,
    check_equal,
    check_limit,
    check_not_equal,
    check_sign,
)
from gantheory.symbolic.dynamics import B_OF_THETA, THETA, envelope, function_space_convergence
from gantheory.symbolic.fdivergence import F_DIVERGENCES, Domain, FDivergence, f_divergences
from gantheory.symbolic.game_dynamics import dirac_gradient_penalty, dirac_unregularised
from gantheory.symbolic.gan import (
    D_FAKE,
    JSD,
    bce_is_value,
    change_of_variables,
    non_saturating_objective,
    optimal_discriminator,
    saturation,
    virtual_training_criterion,
)
from gantheory.symbolic.symbols import a, b, logit, p, q, sigmoid, t, y
from gantheory.symbolic.variants import (
    A_FAKE,
    ALPHA,
    B_REAL,
    BETA,
    label_smoothing,
    least_squares,
    maximum_likelihood,
)

__all__ = [
    "DERIVATIONS",
    "F_DIVERGENCES",
    "NEGATIVE_CONTROLS",
    "Check",
    "Derivation",
    "Domain",
    "FDivergence",
    "Step",
    "bce_is_value",
    "change_of_variables",
    "check_equal",
    "check_limit",
    "check_not_equal",
    "check_sign",
    "clear_caches",
    "derive",
    "derive_all",
    "dirac_gradient_penalty",
    "dirac_unregularised",
    "envelope",
    "f_divergences",
    "function_space_convergence",
    "label_smoothing",
    "least_squares",
    "maximum_likelihood",
    "non_saturating_objective",
    "optimal_discriminator",
    "saturation",
    "virtual_training_criterion",
]

DERIVATIONS: dict[str, Callable[..., Derivation]] = {
    "optimal-discriminator": optimal_discriminator,
    "virtual-training-criterion": virtual_training_criterion,
    "change-of-variables": change_of_variables,
    "bce-is-value": bce_is_value,
    "saturation": saturation,
    "non-saturating-objective": non_saturating_objective,
    "maximum-likelihood": maximum_likelihood,
    "label-smoothing": label_smoothing,
    "least-squares": least_squares,
    "f-divergences": f_divergences,
    "envelope": envelope,
    "function-space-convergence": function_space_convergence,
    "dirac-unregularised": dirac_unregularised,
    "dirac-gradient-penalty": dirac_gradient_penalty,
}

_R, _J = sp.symbols("r j", real=True)

# name -> (zero-argument call with one wrong step, title of the step that must fail)
NEGATIVE_CONTROL_STEPS: dict[str, tuple[Callable[[], Derivation], str]] = {
    # The five: D* = p/(p+2q); p_g (1 - log D) for p_g log(1 - D); C = -log 2 + JSD;
    # a sign-flipped non-saturating gradient; a wrong conjugate.
    "optimal-discriminator:p/(p+2q)": (lambda: optimal_discriminator(claim=p / (p + 2 * q)), "Stationary point"),
    "optimal-discriminator:integrand-typo": (
        lambda: optimal_discriminator(objective=a * sp.log(y) + b * (1 - sp.log(y))),
        "Stationary point",
    ),
    "virtual-training-criterion:-log2+JSD": (
        lambda: virtual_training_criterion(claim=-sp.log(2) + JSD),
        "Jensen-Shannon form",
    ),
    "non-saturating-objective:sign-flip": (
        lambda: non_saturating_objective(claim=sp.log(p / (p + q))),
        "Non-saturating: pointwise gradient",
    ),
    "f-divergences:kl-conjugate-exp(t)": (lambda: f_divergences("kl", conjugate=sp.exp(t)), "kl: conjugate"),
    "f-divergences:js-fgan-conjugate": (
        # f-GAN's JS conjugate -log(2 - e^t) belongs to 2·f, not to the ½-convention f.
        lambda: f_divergences("js", conjugate=-sp.log(2 - sp.exp(t))),
        "js: conjugate",
    ),
    "f-divergences:tv-conjugate-2t": (lambda: f_divergences("total_variation", conjugate=2 * t), "total_variation: conjugate"),
    # One more per remaining derivation, so every check has a control it must reject.
    "change-of-variables:no-jacobian": (lambda: change_of_variables(claim=sp.Lambda((_R, _J), _R)), "Affine: pushforward density"),
    "bce-is-value:generator-minimax": (lambda: bce_is_value(claim=sp.log(1 - D_FAKE)), "Generator with label 1"),
    "saturation:wrong-gradient": (lambda: saturation(claim=-(1 - sigmoid(logit))), "Minimax gradient"),
    "maximum-likelihood:prior-forgotten": (lambda: maximum_likelihood(claim=p / (p + q)), "Stationary point"),
    "label-smoothing:flipped-fake-target": (
        lambda: label_smoothing(claim=(ALPHA * p + (1 - BETA) * q) / (p + q)),
        "Stationary point",
    ),
    "least-squares:labels-swapped": (lambda: least_squares(claim=(A_FAKE * p + B_REAL * q) / (p + q)), "Stationary point"),
    # A D-term (a/y*)·dy*/dθ = -a b'/(a+b) kept in dC/dθ: it forgets that b log(1 - y) moves with y too.
    "envelope:extra-D-term": (
        lambda: envelope(claim=sp.diff(B_OF_THETA, THETA) * (sp.log(B_OF_THETA / (a + B_OF_THETA)) - a / (a + B_OF_THETA))),
        "Total derivative",
    ),
    "function-space-convergence:log-D*-gradient": (
        lambda: function_space_convergence(claim=sp.log(p / (p + q))),
        "Functional derivative",
    ),
    "dirac-unregularised:eigenvalues-±i": (lambda: dirac_unregularised(eigenvalue_scale=2), "Eigenvalues"),
    "dirac-gradient-penalty:negative-gamma": (lambda: dirac_gradient_penalty(gamma_positive=False),
                                              "Routh–Hurwitz: sum of roots"),
}



def _described(name: str, call: Callable[[], Derivation], title: str) -> Callable[[], Derivation]:
    def control() -> Derivation:
        return call()

    derivation, wrong = name.split(":", 1)
    control.__doc__ = f"{derivation} fed a wrong step ({wrong}): step {title!r} must fail."
    control.__name__ = control.__qualname__ = f"control_{wrong}"
    return control


NEGATIVE_CONTROLS: dict[str, Callable[[], Derivation]] = {
    name: _described(name, call, title) for name, (call, title) in NEGATIVE_CONTROL_STEPS.items()
}


def derive(name: str, **kwargs) -> Derivation:
    """The derivation registered under ``name``; an unknown name suggests the nearest valid ones.

    Raises:
        GanTheoryError: ``name`` is not a key of :data:`DERIVATIONS`.
    """
    try:
        factory = DERIVATIONS[name]
    except KeyError:
        close = difflib.get_close_matches(name, DERIVATIONS, n=3, cutoff=0.4)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise GanTheoryError(f"unknown derivation name={name!r}{hint} (known: {', '.join(DERIVATIONS)})") from None
    return factory(**kwargs)


def derive_all() -> dict[str, Derivation]:
    """Every registered derivation with its default (correct) claims."""
    return {name: factory() for name, factory in DERIVATIONS.items()}


def clear_caches() -> None:
    """Forget every cached derivation (for timing a cold run)."""
    from gantheory.symbolic import fdivergence, gan

    for factory in DERIVATIONS.values():
        factory.cache_clear()
    fdivergence._steps.cache_clear()
    gan._family_gradients.cache_clear()
