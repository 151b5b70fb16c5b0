"""Results are data: what claims, the audit and the derivation checker return, and report renders.

Every result is a frozen dataclass with a ``to_dict()`` giving its JSON form (schema
``gantheory.report/1``; NaN becomes ``null``, ±inf the strings ``"inf"``/``"-inf"``). Nothing here
computes or prints.

Status precedence (:func:`claim_status`, the one rule used everywhere): any lens that refutes makes the
whole ``fail``; otherwise any lens that could not run makes it ``error``; otherwise any pass makes it
``pass``; a result with nothing applicable is ``skipped``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "LENSES",
    "STATUSES",
    "ClaimResult",
    "ControlResult",
    "Figure",
    "LensResult",
    "Measurement",
    "Panel",
    "Series",
    "at_least",
    "at_most",
    "claim_status",
    "compare",
    "fmt",
    "jsonable",
    "verdict",
]

STATUSES = ("pass", "fail", "error", "skipped")
# The lenses a claim is checked through, in the order they run and are reported.
LENSES = ("symbolic", "quadrature", "empirical")


@dataclass(frozen=True)
class Series:
    """One curve of a panel: ``style`` is ``line``, ``dashed``, ``dotted``, ``points`` or ``hist``
    (for ``hist``, ``x`` are the bin edges and ``y`` the heights, ``len(x) == len(y) + 1``)."""

    label: str
    x: tuple
    y: tuple
    style: str = "line"

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "x": list(self.x), "y": list(self.y), "style": self.style}


@dataclass(frozen=True)
class Panel:
    title: str
    xlabel: str
    ylabel: str
    series: tuple[Series, ...]
    hlines: tuple = ()  # (y, label) pairs: horizontal reference lines
    logy: bool = False
    vlines: tuple = ()  # (x, label) pairs: vertical reference lines

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "xlabel": self.xlabel, "ylabel": self.ylabel, "logy": self.logy,
                "series": [s.to_dict() for s in self.series], "hlines": [list(h) for h in self.hlines],
                "vlines": [list(v) for v in self.vlines]}


@dataclass(frozen=True)
class Figure:
    """A figure as data (the report draws it): one or more panels side by side, with a caption."""

    id: str
    title: str
    panels: tuple[Panel, ...]
    caption: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "caption": self.caption,
                "panels": [p.to_dict() for p in self.panels]}


@dataclass(frozen=True)
class Measurement:
    """One number a lens compared with its tolerance: ``measured relation tolerance`` (``≤`` or ``≥``)."""

    name: str
    measured: float
    tolerance: float
    passed: bool
    relation: str = "≤"
    detail: str = ""

    @property
    def margin(self) -> str:
        """How far the measurement is from its tolerance, in words."""
        m, t = self.measured, self.tolerance
        if self.passed:
            return f"{fmt(m)} {self.relation} {fmt(t)}"
        if self.relation == "≤":
            ratio = f" ({m / t:.3g}× the tolerance)" if t > 0 and np.isfinite(m) else ""
            return f"{fmt(m)} exceeds {fmt(t)} by {fmt(m - t)}{ratio}"
        return f"{fmt(m)} falls short of {fmt(t)} by {fmt(t - m)}"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "measured": jsonable(self.measured), "tolerance": jsonable(self.tolerance),
                "relation": self.relation, "passed": self.passed, "margin": self.margin, "detail": self.detail}


@dataclass(frozen=True)
class LensResult:
    """What one lens found for one claim.

    ``status`` is ``pass`` (every measurement within tolerance / derivation proven), ``fail`` (refuted:
    ``margin`` says which measurement and by how much), ``error`` (the lens could not run: ``error`` holds
    the message, e.g. an ImportError) or ``skipped`` (not applicable: ``reason``).
    """

    lens: str
    status: str
    summary: str = ""
    measurements: tuple[Measurement, ...] = ()
    figures: tuple[Figure, ...] = ()
    derivation: Mapping | None = None
    reason: str = ""
    error: str = ""
    seconds: float = 0.0
    seed: int | None = None
    details: Mapping = field(default_factory=dict)

    @property
    def margin(self) -> str:
        failed = [m for m in self.measurements if not m.passed]
        if failed:
            return "; ".join(f"{m.name}: {m.margin}" for m in failed)
        return ""

    def to_dict(self) -> dict[str, Any]:
        out = {"lens": self.lens, "status": self.status, "summary": self.summary,
               "margin": self.margin, "reason": self.reason, "error": self.error,
               "seconds": round(self.seconds, 3), "seed": self.seed,
               "measurements": [m.to_dict() for m in self.measurements],
               "figures": [f.id for f in self.figures]}
        if self.derivation is not None:
            out["derivation"] = self.derivation
        if self.details:
            out["details"] = {k: jsonable(v) for k, v in self.details.items()}
        return out


@dataclass(frozen=True)
class ClaimResult:
    id: str
    status: str
    lenses: tuple[LensResult, ...]
    seconds: float = 0.0

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(f for lens in self.lenses for f in lens.figures)

    def lens(self, name: str) -> LensResult:
        return next(r for r in self.lenses if r.lens == name)


@dataclass(frozen=True)
class ControlResult:
    claim: str
    name: str
    description: str
    lens: str
    refuted: bool
    result: LensResult

    def to_dict(self) -> dict[str, Any]:
        return {"claim": self.claim, "name": self.name, "description": self.description, "lens": self.lens,
                "refuted": self.refuted, "result": self.result.to_dict()}



# ----------------------------------------------------------------------------------------------------
# Status precedence and measurement helpers


def claim_status(statuses: Iterable[str]) -> str:
    """The one status rule. Any lens refutes → ``fail``; else any could not run → ``error``; else any passed → ``pass``."""
    statuses = list(statuses)
    for s in ("fail", "error", "pass"):
        if s in statuses:
            return s
    return "skipped"


def fmt(x: float | None, digits: int = 2) -> str:
    """A number for people: ``.4g`` on [1e-3, 1e4), else scientific with ``digits`` decimals; "—" when not
    available (None or NaN, never "nan"); ±inf as ``inf``/``-inf``.

    >>> fmt(0.5), fmt(1.23456e-7), fmt(1.23456e-7, digits=3), fmt(None)
    ('0.5', '1.23e-07', '1.235e-07', '—')
    """
    if x is None:
        return "—"
    x = float(x)
    if np.isnan(x):  # not available: never print "nan"
        return "—"
    if not np.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.4g}"
    return f"{x:.{digits}e}"


def jsonable(v: Any) -> Any:
    if isinstance(v, (np.floating, float)):
        v = float(v)
        if np.isnan(v):  # not available: JSON null, never the string "nan"
            return None
        return v if np.isfinite(v) else str(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.ndarray):
        return [jsonable(x) for x in v.tolist()]
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    return v


def at_most(name: str, measured: float, tolerance: float, detail: str = "") -> Measurement:
    measured = float(measured)
    return Measurement(name, measured, float(tolerance), bool(measured <= tolerance), "≤", detail)


def at_least(name: str, measured: float, bound: float, detail: str = "") -> Measurement:
    measured = float(measured)
    return Measurement(name, measured, float(bound), bool(measured >= bound), "≥", detail)


def verdict(lens: str, measurements: Iterable[Measurement], summary: str, *, figures: Iterable[Figure] = (),
            seed: int | None = None, details: Mapping | None = None) -> LensResult:
    measurements = tuple(measurements)
    status = "pass" if all(m.passed for m in measurements) else "fail"
    if status == "fail":
        first = next(m for m in measurements if not m.passed)
        summary = f"{first.name}: {first.margin}"
    return LensResult(lens, status, summary=summary, measurements=measurements, figures=tuple(figures),
                      seed=seed, details=details or {})


def compare(name: str, rows: Sequence[tuple[object, float, float]], tolerance: float, what: str) -> Measurement:
    """max |got − expected| over labelled rows ``(label, got, expected)``."""
    errs = [abs(float(g) - float(e)) if not (np.isinf(g) and g == e) else 0.0 for _, g, e in rows]
    errs = [e if np.isfinite(e) else np.inf for e in errs]
    worst = int(np.argmax(errs))
    detail = f"over {len(rows)} {what}; worst {rows[worst][0]}: got {fmt(rows[worst][1])}, expected {fmt(rows[worst][2])}"
    return at_most(name, errs[worst], tolerance, detail)
