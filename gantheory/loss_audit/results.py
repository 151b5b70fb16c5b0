"""What the audit returns: frozen dataclasses and their JSON form (rendering lives in
:mod:`gantheory.report.audit`).

``discriminator.family`` is a key of :data:`FAMILIES` (the audit families of the rows of
:data:`gantheory.losses.LOSSES` plus ``unrecognised``), ``discriminator.convention`` is ``real_high`` or
``real_low``, ``pairing`` is ``consistent``, ``inconsistent`` or ``unknown``,
``generator.kind`` a key of :data:`GENERATOR_KINDS` (the rows of :data:`gantheory.losses.GENERATORS`
plus ``other``); parameters use the rows' spellings. These JSON fields are contracts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from gantheory.loss_audit import families as _families
from gantheory.results import jsonable

# FAMILIES and GENERATOR_KINDS are served by the module's __getattr__ (read from the registries on access)
__all__ = ["FAMILIES", "GENERATOR_KINDS", "SEVERITIES",  # noqa: F822 "AuditReport", "DiscriminatorAudit", "Finding",
           "GeneratorAudit"]

SEVERITIES = ("info", "warning", "error")


def __getattr__(name: str):
    # FAMILIES and GENERATOR_KINDS are read from the registries on access (a row added later is listed)
    if name in ("FAMILIES", "GENERATOR_KINDS"):
        return getattr(_families, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Finding:
    """One observation: ``severity`` in info/warning/error, a human ``message``, a stable ``code``."""

    severity: str
    message: str
    code: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")

    def to_dict(self) -> dict:
        return {"severity": self.severity, "message": self.message, "code": self.code}


@dataclass(frozen=True)
class DiscriminatorAudit:
    """What the discriminator loss implies.

    Attributes:
        family: one of :data:`FAMILIES`.
        params: family parameters (``alpha``, ``beta``, ``weight_real``, ``weight_fake``, ``a``, ``b``,
            ``margin``).
        evidence: the identity the measured optimum satisfies.
        signature: catalogued pointwise form matched (``standard``, ``double_sigmoid``, …) or None.
        curve: measured implied optimum, ``{"t": [...], "a_star": [...]}`` with t = p/(p+q).
        value: identification of min_D L_D (statement, divergence, slope, intercept) or None.
        certificate: symbolic certificate as a dict or None.
    """

    family: str
    params: dict
    evidence: str
    signature: str | None
    curve: dict
    value: dict | None
    certificate: dict | None
    convention: str = "real_high"

    def to_dict(self) -> dict:
        return {"family": self.family, "params": jsonable(self.params), "convention": self.convention,
                "evidence": self.evidence,
                "signature": self.signature, "implied_optimum": jsonable(self.curve),
                "value_at_optimum": jsonable(self.value), "certificate": jsonable(self.certificate)}


@dataclass(frozen=True)
class GeneratorAudit:
    """``kind`` in :data:`GENERATOR_KINDS`; gradient dℓ_g/da at a = −20; fixed point p_g = p_data."""

    kind: str
    params: dict
    description: str
    saturation_gradient: float
    fixed_point: bool | None
    fixed_point_reason: str
    certificate: dict | None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "params": jsonable(self.params), "description": self.description,
                "saturation_gradient": jsonable(self.saturation_gradient),
                "fixed_point_is_data": self.fixed_point, "fixed_point_reason": self.fixed_point_reason,
                "certificate": jsonable(self.certificate)}


@dataclass(frozen=True)
class AuditReport:
    """The audit of a discriminator loss (and optionally a generator loss).

    ``exit_code`` is 0 when no finding has severity ``error`` (a recognised game, used consistently)
    and 1 otherwise; ``verdict`` is the one line to act on.
    """

    discriminator: DiscriminatorAudit
    generator: GeneratorAudit | None
    findings: tuple
    verdict: str
    inputs: str = "logits"
    probes: tuple = field(default=(), repr=False)
    pairing: str = "unknown"

    @property
    def exit_code(self) -> int:
        return 1 if any(f.severity == "error" for f in self.findings) else 0

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "inputs": self.inputs,
            "discriminator": self.discriminator.to_dict(),
            "generator": self.generator.to_dict() if self.generator else {"kind": None},
            "pairing": self.pairing,
            "findings": [f.to_dict() for f in self.findings],
            "probes": [p.to_dict() for p in self.probes],
        }

    def to_json(self, indent: int = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)

    def to_text(self) -> str:
        """Plain-text lines for a terminal (:func:`gantheory.report.audit.to_text`)."""
        from gantheory.report.audit import to_text

        return to_text(self)

    def to_markdown(self) -> str:
        """A Markdown section (:func:`gantheory.report.audit.to_markdown`)."""
        from gantheory.report.audit import to_markdown

        return to_markdown(self)

    def to_html(self, *, full_page: bool = False) -> str:
        """A self-contained HTML fragment (or page) with the implied-optimum curve as inline SVG."""
        from gantheory.report.audit import to_html

        return to_html(self, full_page=full_page)
