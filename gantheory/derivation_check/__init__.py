"""Derivation checker: find the first wrong step in a written GAN derivation.

``check_derivation(text_or_path) -> DerivationReport`` reads Markdown/LaTeX as people write it, splits
its display math into steps (a chain ``a = b \\le c`` gives ``(a, b)``, ``(b, c)``) and gives every step
one verdict: verified (with its rule), refuted (with a counterexample a reader can recompute),
ill_formed (scope/typing, found without evaluating), unchecked (the rule that would be needed) or
unparsed (line, column, construct). ``check_documents(paths) -> CheckReport`` is the CLI's entry point.

Modules (data flows down the list):

- :mod:`.model` — the frozen result dataclasses and the ``gantheory.check/1`` JSON;
- :mod:`.extract` — math blocks with their line/column, Markdown noise undone, chains split into steps;
- :mod:`.normalise` — LaTeX noise removed (spacing, ``\\left``, ``\\text`` wrappers, labels);
- :mod:`.grammar` (``grammar.lark``) and :mod:`.parser` — LaTeX to an AST with binders;
- :mod:`.symbols` — the declared symbol table (densities, maps, operators);
- :mod:`.translate` — AST to sympy with scope information;
- :mod:`.scope` — ill_formed checks (free variables, binders, densities applied to the wrong variable);
- :mod:`.rules` — the named rules and the random-point equality test;
- :mod:`.counterexample` — numbers and certified-quadrature density pairs for refutations;
- :mod:`.check` — :func:`check_derivation`, :func:`check_documents`.
"""

from __future__ import annotations

from gantheory.derivation_check.model import (
    CheckReport,
    Counterexample,
    DerivationReport,
    StepCheck,
)

__all__ = [
    "CheckReport",
    "Counterexample",
    "DerivationReport",
    "StepCheck",
    "check_derivation",
    "check_documents",
]


def __getattr__(name: str) -> object:
    # the checker imports sympy; the data model does not
    if name in ("check_derivation", "check_documents"):
        from gantheory.derivation_check import check

        return getattr(check, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
