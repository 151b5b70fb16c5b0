"""Result objects of the audit (frozen dataclasses) and their JSON / Markdown / HTML renderings."""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field

SEVERITIES = ("info", "warning", "error")
FAMILIES = ("standard", "label_smoothing", "class_weighted", "least_squares", "hinge", "swapped",
            "unrecognised")
GENERATOR_KINDS = ("minimax", "non_saturating", "least_squares", "hinge", "other")


@dataclass(frozen=True)
class Finding:
    """One observation: ``severity`` in info/warning/error, a human ``message``, a stable ``code``."""

    severity: str
    message: str
    code: str = ""

    def __post_init__(self):
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

    def to_dict(self) -> dict:
        return {"family": self.family, "params": _jsonable(self.params), "evidence": self.evidence,
                "signature": self.signature, "implied_optimum": _jsonable(self.curve),
                "value_at_optimum": _jsonable(self.value), "certificate": _jsonable(self.certificate)}


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
        return {"kind": self.kind, "params": _jsonable(self.params), "description": self.description,
                "saturation_gradient": _jsonable(self.saturation_gradient),
                "fixed_point_is_data": self.fixed_point, "fixed_point_reason": self.fixed_point_reason,
                "certificate": _jsonable(self.certificate)}


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
            "findings": [f.to_dict() for f in self.findings],
            "probes": [_jsonable(p) for p in self.probes],
        }

    def to_json(self, indent: int = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)

    def to_text(self) -> str:
        d, g = self.discriminator, self.generator
        lines = [f"verdict: {self.verdict}",
                 f"discriminator: {d.family} {_params(d.params)} — {d.evidence}"]
        if d.value:
            lines.append(f"  value at optimum: {d.value['statement']}")
        if d.certificate:
            lines.append(f"  certificate: {_certificate_line(d.certificate)}")
        if g:
            lines.append(f"generator: {g.kind} {_params(g.params)} — {g.description}")
            lines.append(f"  gradient at saturation (a = −20): {g.saturation_gradient:.3g}; "
                         f"fixed point p_g = p_data: {g.fixed_point}")
            if g.certificate:
                lines.append(f"  certificate: {_certificate_line(g.certificate)}")
        for f in self.findings:
            lines.append(f"[{f.severity}] {f.message}")
        return "\n".join(lines)

    def to_markdown(self) -> str:
        d, g = self.discriminator, self.generator
        out = ["## Loss audit", "", f"**Verdict:** {self.verdict}", "",
               "| part | classification | parameters | evidence |", "|---|---|---|---|",
               f"| discriminator | `{d.family}` | {_params(d.params)} | {d.evidence} |"]
        if g:
            out.append(f"| generator | `{g.kind}` | {_params(g.params)} | {g.description} |")
        out.append("")
        if d.value:
            out += [f"- Value at the optimum: {d.value['statement']}"]
        if d.certificate:
            out += [f"- Discriminator certificate: {_certificate_line(d.certificate)}"]
        if g:
            out += [f"- Generator gradient at saturation (a = −20): {g.saturation_gradient:.3g}",
                    f"- Fixed point p_g = p_data: {g.fixed_point} — {g.fixed_point_reason}"]
            if g.certificate:
                out += [f"- Generator certificate: {_certificate_line(g.certificate)}"]
        out += ["", "### Findings", "", "| severity | code | message |", "|---|---|---|"]
        out += [f"| {f.severity} | `{f.code}` | {f.message} |" for f in self.findings]
        return "\n".join(out) + "\n"

    def to_html(self, *, full_page: bool = False) -> str:
        """A self-contained HTML fragment (or page) with the implied-optimum curve as inline SVG."""
        d, g = self.discriminator, self.generator
        e = html.escape
        rows = [f"<tr><td>discriminator</td><td><code>{e(d.family)}</code></td>"
                f"<td>{e(_params(d.params))}</td><td>{e(d.evidence)}</td></tr>"]
        if g:
            rows.append(f"<tr><td>generator</td><td><code>{e(g.kind)}</code></td>"
                        f"<td>{e(_params(g.params))}</td><td>{e(g.description)}</td></tr>")
        items = []
        if d.value:
            items.append(f"<li>Value at the optimum: {e(d.value['statement'])}</li>")
        if d.certificate:
            items.append(f"<li>Certificate: {e(_certificate_line(d.certificate))}</li>")
        if g:
            items.append(f"<li>Generator: gradient at saturation {g.saturation_gradient:.3g}; fixed "
                         f"point p_g = p_data: {e(str(g.fixed_point))} — {e(g.fixed_point_reason)}</li>")
        colour = {"info": "#2b6cb0", "warning": "#b7791f", "error": "#c53030"}
        findings = "".join(f"<li><b style='color:{colour[f.severity]}'>{f.severity}</b> "
                           f"<code>{e(f.code)}</code> {e(f.message)}</li>" for f in self.findings)
        body = (f"<section class='gantheory-audit'><h2>Loss audit</h2>"
                f"<p><b>Verdict:</b> {e(self.verdict)}</p>"
                f"<table><tr><th>part</th><th>classification</th><th>parameters</th><th>evidence</th>"
                f"</tr>{''.join(rows)}</table><ul>{''.join(items)}</ul>"
                f"<figure>{implied_optimum_svg(d)}<figcaption>Measured optimum of the discriminator "
                f"loss against t = p/(p+q) (dots), with the standard p/(p+q) (line).</figcaption>"
                f"</figure><h3>Findings</h3><ul>{findings}</ul></section>")
        if not full_page:
            return body
        return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>gantheory loss audit</title>"
                "</head><body>" + body + "</body></html>")


def implied_optimum_svg(d: DiscriminatorAudit, width: int = 360, height: int = 240) -> str:
    """Inline SVG of the measured optimum: σ(a*) for logit families, a* for least squares/hinge."""
    t = d.curve.get("t", [])
    a = d.curve.get("a_star", [])
    raw = d.family in ("least_squares", "hinge")
    ys = []
    for v in a:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            ys.append(None)
        elif raw:
            ys.append(max(-2.0, min(2.0, v)))
        else:
            ys.append(1.0 / (1.0 + math.exp(-v)) if abs(v) < 700 else (1.0 if v > 0 else 0.0))
    lo, hi = (-2.0, 2.0) if raw else (0.0, 1.0)
    m = 30

    def px(x, y):
        return m + x * (width - 2 * m), height - m - (y - lo) / (hi - lo) * (height - 2 * m)

    dots = "".join(f"<circle cx='{px(x, y)[0]:.1f}' cy='{px(x, y)[1]:.1f}' r='2.5' fill='#c53030'/>"
                   for x, y in zip(t, ys) if y is not None)
    (x0, y0), (x1, y1) = px(0, 0 if not raw else -1), px(1, 1)
    label = "a*" if raw else "D* = σ(a*)"
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
            f"role='img' aria-label='implied optimal discriminator'>"
            f"<rect x='{m}' y='{m}' width='{width - 2 * m}' height='{height - 2 * m}' fill='none' "
            f"stroke='#999'/><line x1='{x0:.1f}' y1='{y0:.1f}' x2='{x1:.1f}' y2='{y1:.1f}' "
            f"stroke='#2b6cb0'/>{dots}"
            f"<text x='{width / 2}' y='{height - 6}' font-size='11' text-anchor='middle'>t = p/(p+q)</text>"
            f"<text x='4' y='{m - 8}' font-size='11'>{html.escape(label)} ∈ [{lo:g}, {hi:g}]</text></svg>")


def _params(params: dict) -> str:
    return ", ".join(f"{k}={_fmt(v)}" for k, v in params.items()) if params else "—"


def _fmt(v):
    return f"{v:.6g}" if isinstance(v, float) else str(v)


def _certificate_line(c: dict) -> str:
    if c["status"] == "untraced":
        return f"not traced ({c['detail']})"
    if c["status"] == "not_equivalent":
        return f"NOT equivalent to {c['textbook']}: {c['detail']}"
    scales = ", ".join(f"{s:.6g}" for s in c["scales"])
    return (f"{c['status'].replace('_', ' ')} to {c['textbook']} (scales {scales}, constant "
            f"{c['constant']:.6g}; by {c['method']})")


def _jsonable(x):
    if hasattr(x, "__dataclass_fields__"):
        return {k: _jsonable(getattr(x, k)) for k in x.__dataclass_fields__}
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, float):
        if math.isnan(x):
            return None
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    if hasattr(x, "tolist"):
        return _jsonable(x.tolist())
    return x
