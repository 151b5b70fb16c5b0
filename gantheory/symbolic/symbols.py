"""Shared sympy symbols with the assumptions the derivations rely on.

Densities at a point are positive reals (``p = p_data(x)``, ``q = p_g(x)``); a discriminator output
``y = D(x)`` lies in the open interval (0, 1), which sympy cannot express as a symbol assumption, so
it travels as an interval in :data:`UNIT` and the checkers map it onto a positive dummy.
"""

from __future__ import annotations

import sympy as sp

p, q = sp.symbols("p q", positive=True)  # p_data(x), p_g(x)
a, b = sp.symbols("a b", positive=True)  # generic positive weights of log y and log(1 - y)
y = sp.Symbol("y", positive=True)  # D(x), in (0, 1)
u = sp.Symbol("u", positive=True)  # likelihood ratio p/q
t = sp.Symbol("t", real=True)  # critic value / conjugate argument
logit = sp.Symbol("a", real=True)  # a discriminator logit, D = sigmoid(a)
x = sp.Symbol("x", real=True)
z = sp.Symbol("z", real=True)

UNIT = {y: sp.Interval.open(0, 1)}


def sigmoid(expr: sp.Expr) -> sp.Expr:
    """σ(a) = 1 / (1 + e^{−a})."""
    return 1 / (1 + sp.exp(-expr))


def softplus(expr: sp.Expr) -> sp.Expr:
    """softplus(a) = log(1 + e^{a})."""
    return sp.log(1 + sp.exp(expr))
