"""One table of tolerances, each with the reason it has its size.

Cite a key of :data:`TOLERANCES` instead of writing an epsilon inline.
"""

from __future__ import annotations

TOLERANCES: dict[str, float] = {
    # Quadrature must agree with an independent reference (closed form / mpmath >= 30 digits).
    "quadrature_atol": 1e-10,
    # C(G) computed via D* and via -log 4 + 2 JSD share nodes: only rounding separates them.
    "criterion_identity_atol": 1e-12,
    # A density must integrate to 1 on the quadrature grid; more missing mass means missed modes.
    "mass_atol": 1e-11,
    # Weights of a mixture / probabilities of a pmf must sum to one to this (no silent renormalising).
    "weights_sum_atol": 1e-12,
    # Symbolic steps checked numerically are compared at 30 digits; agreement to 1e-25 passes.
    "symbolic_numeric_rtol": 1e-25,
}
