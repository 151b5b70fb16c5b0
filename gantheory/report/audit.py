"""The loss audit's report (:class:`gantheory.loss_audit.AuditReport`) as text, Markdown and HTML.

Nothing here computes: the audit's result is data, rendered as it is. The HTML is self-contained (the
implied-optimum curve is inline SVG, so it works offline).
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

from gantheory.results import fmt

if TYPE_CHECKING:
    from gantheory.loss_audit.results import AuditReport, DiscriminatorAudit, GeneratorAudit

__all__ = ["implied_optimum_svg", "to_html", "to_markdown", "to_text"]


def _saturation(g: GeneratorAudit) -> str:
    """The generator's gradient at a = −20, or what its absence (NaN here, null in the JSON) means."""
    x = g.saturation_gradient
    if x is not None and not math.isnan(x):
        return f"{x:.3g}"
    if g.kind == "relativistic":
        return ("n/a (a relativistic loss compares real and fake outputs, so it has no gradient at one fake "
                "logit; null in JSON)")
    return ("n/a (not measured: the loss is not a function of one fake logit, e.g. it couples the batch, or its "
            "gradient there is not a number; null in JSON)")


def to_text(report: AuditReport) -> str:
    """The audit as plain-text lines: verdict, classification, value, certificates, findings."""
    d, g = report.discriminator, report.generator
    lines = [f"verdict: {report.verdict}",
             f"discriminator: {d.family} {_params(d.params)} [{d.convention}] — {d.evidence}"]
    if d.value:
        lines.append(f"  value at optimum: {d.value['statement']}")
    if d.certificate:
        lines.append(f"  certificate: {_certificate_line(d.certificate)}")
    if g:
        lines.append(f"generator: {g.kind} {_params(g.params)} — {g.description}")
        lines.append(f"  pairing with the discriminator: {report.pairing}")
        lines.append(f"  gradient at saturation (a = −20): {_saturation(g)}; "
                     f"fixed point p_g = p_data: {g.fixed_point}")
        if g.certificate:
            lines.append(f"  certificate: {_certificate_line(g.certificate)}")
    for f in report.findings:
        lines.append(f"[{f.severity}] {f.message}")
    return "\n".join(lines)


def to_markdown(report: AuditReport) -> str:
    """The audit as a Markdown section (a table of the classification, then the findings)."""
    d, g = report.discriminator, report.generator
    out = ["## Loss audit", "", f"**Verdict:** {report.verdict}", "",
           "| part | classification | parameters | evidence |", "|---|---|---|---|",
           f"| discriminator | `{d.family}` ({d.convention}) | {_params(d.params)} | {d.evidence} |"]
    if g:
        out.append(f"| generator | `{g.kind}` (pairing: {report.pairing}) | {_params(g.params)} | {g.description} |")
    out.append("")
    if d.value:
        out += [f"- Value at the optimum: {d.value['statement']}"]
    if d.certificate:
        out += [f"- Discriminator certificate: {_certificate_line(d.certificate)}"]
    if g:
        out += [f"- Generator gradient at saturation (a = −20): {_saturation(g)}",
                f"- Fixed point p_g = p_data: {g.fixed_point} — {g.fixed_point_reason}"]
        if g.certificate:
            out += [f"- Generator certificate: {_certificate_line(g.certificate)}"]
    out += ["", "### Findings", "", "| severity | code | message |", "|---|---|---|"]
    out += [f"| {f.severity} | `{f.code}` | {f.message} |" for f in report.findings]
    return "\n".join(out) + "\n"


def to_html(report: AuditReport, *, full_page: bool = False) -> str:
    """A self-contained HTML fragment (or page) with the implied-optimum curve as inline SVG."""
    d, g = report.discriminator, report.generator
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
        items.append(f"<li>Generator: gradient at saturation (a = −20) {e(_saturation(g))}; fixed "
                     f"point p_g = p_data: {e(str(g.fixed_point))} — {e(g.fixed_point_reason)}</li>")
    colour = {"info": "#2b6cb0", "warning": "#b7791f", "error": "#c53030"}
    findings = "".join(f"<li><b style='color:{colour[f.severity]}'>{f.severity}</b> "
                       f"<code>{e(f.code)}</code> {e(f.message)}</li>" for f in report.findings)
    body = (f"<section class='gantheory-audit'><h2>Loss audit</h2>"
            f"<p><b>Verdict:</b> {e(report.verdict)}</p>"
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
                   for x, y in zip(t, ys, strict=True) if y is not None)
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
    # Flags and names (a relativistic ``variant``) print as they are, numbers through the one number format.
    return ", ".join(f"{k}={_value(v)}" for k, v in params.items()) if params else "—"


def _value(v: object) -> str:
    if v is None:  # "not available" prints as everywhere else in the reports
        return fmt(None)
    if isinstance(v, bool) or not isinstance(v, int | float):
        return str(v)
    return fmt(v)


def _certificate_line(c: dict) -> str:
    if c["status"] == "untraced":
        return f"not traced ({c['detail']})"
    if c["status"] == "not_equivalent":
        return f"NOT equivalent to {c['textbook']}: {c['detail']}"
    scales = ", ".join(f"{s:.6g}" for s in c["scales"])
    # the route: "checked at 50 digits on 45 logits" (mpmath) or "by sympy simplify" (--prove)
    how = c["method"] if c.get("route", "proved") == "checked" else f"by {c['method']}"
    return (f"{c['status'].replace('_', ' ')} to {c['textbook']} (scales {scales}, constant "
            f"{c['constant']:.6g}; {how})")
