"""Exceptions and warnings raised by gantheory."""

from __future__ import annotations


class GanTheoryError(ValueError):
    """Invalid input or a result that cannot be certified.

    Subclasses :class:`ValueError` so ``except ValueError`` also catches it. The message always names
    the parameter (or density pair) at fault.
    """


class QuadratureWarning(RuntimeWarning):
    """The integrator could not certify the requested tolerance; the message names the pair."""


class DependencyError(ImportError):
    """An optional dependency is missing; the message says what to install."""
