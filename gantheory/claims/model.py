r"""What a claim is, and how one runs.

A :class:`Claim` is a row: its statement, ``source``, the ``derivations`` of the symbolic lens (names in
:data:`gantheory.symbolic.DERIVATIONS`), the ``cases`` it is checked on (names in
:data:`gantheory.cases.CASES`), one check per lens as keyword fields (``symbolic``, ``quadrature``,
``empirical``: a lens shape of :mod:`gantheory.claims.shapes` or of its topic module, or
:class:`NotApplicable` with the reason) and its negative ``controls``. A check is a frozen dataclass
called with a :class:`Context` that returns a :class:`~gantheory.results.LensResult`; a check with an
empty ``cases`` field is given the claim's cases, so the shape is written once and the claim says where
it runs.

Running returns data: :func:`run_claim` runs the three lenses in order (a crash or a missing lens package
is that lens's ``error``, never a pass) and :func:`run_control` runs one negative control, refuted when
its lens says ``fail``.
"""

from __future__ import annotations

import dataclasses
import time
import traceback
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from gantheory.errors import GanTheoryError
from gantheory.results import LENSES, ClaimResult, ControlResult, LensResult, claim_status

__all__ = [
    "LENSES", "PROFILES", "PROFILE_NOTES", "Claim", "Context", "Control", "LensCheck", "NegativeControl",
    "NotApplicable", "run_claim", "run_control",
]

PROFILES = ("quick", "full")

T = TypeVar("T")

# What each profile does, and what a GPU changes (shown in every report).
PROFILE_NOTES = {
    "quick": "CI-sized: 2–3 density pairs per quadrature check, 200 calibration replicates at n = 512, "
             "Algorithm 1 for 1000 steps; ≤ 60 s on 2 CPU cores.",
    "full": "More pairs and grid points, 1000 calibration replicates at n = 4096, discriminators at n = 16384, "
            "Algorithm 1 for 4000 steps at m = 512, Monte-Carlo rates to m = 16384; minutes on CPU. With --device "
            "cuda the batched discriminator ensembles (calibration) and Algorithm 1 run on the GPU in float64; the "
            "symbolic and quadrature lenses are CPU-bound and gain nothing from it.",
}


@dataclass(frozen=True)
class Context:
    """How to run: ``profile`` (``quick`` for CI-sized work, ``full`` for the heavier settings), the base
    ``seed`` of every random draw, and the torch ``device`` (``auto``, ``cpu``, ``cuda``)."""

    profile: str = "quick"
    seed: int = 0
    device: str = "auto"

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise GanTheoryError(f"profile must be one of {PROFILES}, got {self.profile!r}")
        if self.device not in ("auto", "cpu", "cuda"):
            raise GanTheoryError(f"device must be auto, cpu or cuda, got {self.device!r}")

    @property
    def quick(self) -> bool:
        return self.profile == "quick"

    def pick(self, quick: T, full: T) -> T:
        return quick if self.quick else full

    def take(self, names: tuple[str, ...], quick: int | None) -> tuple[str, ...]:
        """The first ``quick`` of ``names`` in the quick profile (all of them when ``quick`` is None), all
        of them in the full profile."""
        return tuple(names[:quick]) if (self.quick and quick is not None) else tuple(names)


@dataclass(frozen=True)
class NotApplicable:
    """A lens that does not apply to a claim, and why (reported as ``skipped``)."""

    reason: str


LensCheck = Callable[[Context], LensResult]


@dataclass(frozen=True)
class NegativeControl:
    """A deliberately wrong variant of a claim's check that must be refuted (come back ``fail``)."""

    name: str
    description: str
    lens: str
    check: LensCheck


def Control(name: str, description: str, **check: LensCheck) -> NegativeControl:
    """A negative control written like a claim row: ``Control(name, description, quadrature=shape)``."""
    if len(check) != 1 or next(iter(check)) not in LENSES:
        raise GanTheoryError(f"a control names exactly one lens of {LENSES} as a keyword, got {sorted(check)}")
    (lens, fn), = check.items()
    return NegativeControl(name, description, lens, fn)


def with_cases(check: Any, cases: tuple[str, ...]) -> Any:
    """``check`` with the claim's ``cases`` filled in, when it is a shape with an empty ``cases`` field."""
    if cases and dataclasses.is_dataclass(check) and not isinstance(check, type):
        names = {f.name for f in dataclasses.fields(check)}
        if "cases" in names and not check.cases:
            return replace(check, cases=tuple(cases))
    return check


@dataclass(frozen=True)
class Claim:
    """A theory claim: ``statement`` (plain text) and ``latex``, its ``source`` (paper and section), the
    ``derivations`` proving it (symbolic lens), the ``cases`` it is checked on, one check per lens
    (``symbolic``/``quadrature``/``empirical``, or :class:`NotApplicable`) and its negative controls.

    ``lenses`` is the resolved ``{lens: check}`` mapping the runner reads; it is built from the keyword
    fields (a claim with ``derivations`` and no ``symbolic`` field gets the derivation shape) and may also
    be given directly, positionally after ``source`` (``Claim(id, title, statement, latex, source,
    {lens: check})``, as the CLI's stubs and the tests' toy claims do).
    """

    id: str
    title: str
    statement: str
    latex: str
    source: str
    lenses: Mapping[str, Any] = field(default_factory=dict)
    controls: tuple[NegativeControl, ...] = ()
    derivations: tuple[str, ...] = ()  # names in gantheory.symbolic.DERIVATIONS
    cases: tuple[str, ...] = ()  # names in gantheory.cases.CASES
    symbolic: Any = None
    quadrature: Any = None
    empirical: Any = None

    def __post_init__(self) -> None:
        lenses = dict(self.lenses)
        if self.symbolic is None and self.derivations and "symbolic" not in lenses:
            from gantheory.claims.shapes import Derivation

            lenses["symbolic"] = Derivation(tuple(self.derivations))
        for name in LENSES:
            check = getattr(self, name)
            if check is not None:
                lenses[name] = check
        lenses = {name: with_cases(lenses[name], self.cases) for name in LENSES if name in lenses}
        controls = tuple(replace(c, check=with_cases(c.check, self.cases)) for c in self.controls)
        object.__setattr__(self, "lenses", lenses)
        object.__setattr__(self, "controls", controls)
        for name in LENSES:  # the keyword fields show the checks as they run (cases filled in)
            object.__setattr__(self, name, lenses.get(name))

    def as_control(self, name: str) -> Claim:
        """This claim with one lens replaced by the named negative control (a claim that must fail)."""
        control = next((c for c in self.controls if c.name == name), None)
        if control is None:
            raise GanTheoryError(f"claim {self.id!r} has no negative control {name!r}; "
                                 f"controls: {[c.name for c in self.controls]}")
        lenses = {k: (control.check if k == control.lens else NotApplicable("not part of the control"))
                  for k in LENSES}
        return Claim(f"{self.id}[{name}]", self.title, self.statement, self.latex, self.source, lenses,
                     derivations=self.derivations, cases=self.cases)


def _run_lens(name: str, check, ctx: Context) -> LensResult:
    if isinstance(check, NotApplicable):
        return LensResult(name, "skipped", summary="not applicable", reason=check.reason)
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            result = check(ctx)
    except ImportError as exc:
        result = LensResult(name, "error", summary="lens module not importable",
                            error=f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a lens that crashes is an error of that lens, never a pass
        tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
        result = LensResult(name, "error", summary=f"{type(exc).__name__}: {exc}"[:200],
                            error="".join(tb[-3:]))
    return replace(result, lens=name, seconds=time.perf_counter() - start)


def run_claim(claim: Claim, ctx: Context | None = None) -> ClaimResult:
    """Run every lens of ``claim`` (in the order symbolic, quadrature, empirical)."""
    ctx = ctx or Context()
    start = time.perf_counter()
    results = tuple(_run_lens(name, claim.lenses.get(name, NotApplicable("no check declared")), ctx)
                    for name in LENSES)
    return ClaimResult(claim.id, claim_status(r.status for r in results), results, time.perf_counter() - start)


def run_control(claim: Claim, control: NegativeControl, ctx: Context | None = None) -> ControlResult:
    """Run a negative control; it is refuted when its lens says ``fail`` (an error does not count)."""
    result = _run_lens(control.lens, control.check, ctx or Context())
    return ControlResult(claim.id, control.name, control.description, control.lens, result.status == "fail", result)
