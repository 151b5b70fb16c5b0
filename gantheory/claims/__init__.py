r"""The claim registry: every theory claim the verifier checks, with its lenses, tolerances and controls.

``CLAIMS`` maps a claim id (the CLI's vocabulary) to a :class:`Claim`. A claim names up to three
*lenses* — ``symbolic`` (step-checked sympy derivation, :mod:`gantheory.symbolic`), ``quadrature``
(certified integrals of exact densities compared with independent references: closed forms or mpmath at
30 digits, never the code under test) and ``empirical`` (PyTorch training / Monte Carlo,
:mod:`gantheory.empirical`). A lens that does not apply is declared :class:`NotApplicable` with a reason
and reported as ``skipped`` — never as a pass. Every claim carries negative controls: the same checks fed
a deliberately wrong formula, density or loss, which must come back ``fail`` (``python -m verify
selftest`` runs them all).

The package is laid out like :mod:`gantheory.symbolic`: the claim rows live in the topic modules
:mod:`~gantheory.claims.gan`, :mod:`~gantheory.claims.dynamics`, :mod:`~gantheory.claims.game_dynamics`,
:mod:`~gantheory.claims.variants`, :mod:`~gantheory.claims.fdivergence` and :mod:`~gantheory.claims.written`
(a written derivation read by the derivation checker); the lens shapes several claims share in
:mod:`~gantheory.claims.shapes`; the mpmath references in :mod:`~gantheory.claims.references`; what a
claim is and how it runs in :mod:`~gantheory.claims.model`. Running a claim returns data
(:class:`ClaimResult`, :class:`LensResult`, :class:`Figure`); rendering is :mod:`gantheory.report`'s job.
Nothing here imports torch or sympy at module level: a lens imports its package when it runs, and a lens
whose package cannot be imported reports ``error`` with the ImportError's message.

>>> sorted(CLAIMS)[:3]
['algorithm-1', 'bce-is-value', 'change-of-variables']
>>> CLAIMS["global-optimum"].source
'Goodfellow et al. 2014, Thm. 1'
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Iterable, Mapping

from gantheory.claims import dynamics, fdivergence, game_dynamics, gan, variants, written
from gantheory.claims.model import (
    LENSES,
    PROFILE_NOTES,
    PROFILES,
    Claim,
    Context,
    Control,
    NegativeControl,
    NotApplicable,
    run_claim,
    run_control,
)
from gantheory.claims.shapes import Judged
from gantheory.errors import GanTheoryError
from gantheory.results import (
    STATUSES,
    ClaimResult,
    ControlResult,
    Figure,
    LensResult,
    Measurement,
    Panel,
    Series,
    claim_status,
)

__all__ = [
    "CLAIMS",
    "LENSES",
    "PROFILES",
    "PROFILE_NOTES",
    "STATUSES",
    "Claim",
    "ClaimResult",
    "Context",
    "Control",
    "ControlResult",
    "Figure",
    "LensResult",
    "Measurement",
    "NegativeControl",
    "NotApplicable",
    "Panel",
    "Series",
    "claim_status",
    "resolve_claims",
    "run_claim",
    "run_control",
    "symbolic_controls",
]

# The topic modules in the order the report lists them.
TOPICS = (gan, dynamics, game_dynamics, variants, fdivergence, written)

CLAIMS: dict[str, Claim] = {claim.id: claim for topic in TOPICS for claim in topic.CLAIMS}


def resolve_claims(ids: Iterable[str]) -> list[Claim]:
    """Claims by id, in the given order; an unknown id raises naming the nearest valid ones."""
    out = []
    for claim_id in ids:
        if claim_id not in CLAIMS:
            close = difflib.get_close_matches(claim_id, list(CLAIMS), n=3, cutoff=0.4)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise GanTheoryError(f"unknown claim {claim_id!r}{hint} (run 'python -m verify list' for all)")
        out.append(CLAIMS[claim_id])
    return out


def symbolic_controls() -> list[tuple[str, NegativeControl]]:
    """The symbolic lens's negative controls (``gantheory.symbolic.NEGATIVE_CONTROLS``), each paired with
    the claim whose derivation it corrupts. Raises ImportError when the symbolic lens is missing."""
    controls = getattr(importlib.import_module("gantheory.symbolic"), "NEGATIVE_CONTROLS", None)
    if controls is None:
        raise ImportError("gantheory.symbolic does not export NEGATIVE_CONTROLS")
    items = controls.items() if isinstance(controls, Mapping) else ((getattr(c, "__name__", str(i)), c)
                                                                     for i, c in enumerate(controls))
    by_derivation = {n: c.id for c in CLAIMS.values() for n in c.derivations}
    out = []
    for name, make in items:
        derivation = make() if callable(make) else make
        claim_id = by_derivation.get(getattr(derivation, "name", ""), "symbolic")
        doc = getattr(make, "__doc__", None) or getattr(derivation, "source", "")
        out.append((claim_id, NegativeControl(str(name), (doc or str(name)).strip().splitlines()[0], "symbolic",
                                              Judged(derivation))))
    return out
