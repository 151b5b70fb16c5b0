"""The report document: one JSON-ready dict, versioned by ``schema``.

::

    {"schema": "gantheory.report/1", "status": "pass" | "fail" | "error" | "skipped",
     "created", "profile", "seed", "device": {"requested", "resolved"}, "versions", "git",
     "tolerances", "seeds", "summary": {status: count}, "wall_seconds",
     "claims": [{"id", "title", "statement", "latex", "source", "status", "seconds",
                 "lenses": [{"lens", "status", "summary", "margin", "reason", "error", "seed",
                             "measurements": [...], "figures": [figure ids], "derivation"?: {...}}]}],
     "figures": [{"id", "claim", "lens", "title", "caption", "panels": [...]}],
     "negative_controls"?: [{"claim", "name", "description", "lens", "refuted", "margin_ratio", "result"}],
     "selftest"?: {"controls", "refuted", "passed", "near_misses", "smallest_margin": {"ratio", "claim", "control"}}}

``margin_ratio`` says how far beyond its tolerance a refuted control lies (10 = ten times the tolerance);
controls named ``near-miss …`` are small errors (D = p/(p + 1.000001·q), C(G) + 1e-9) that show the checks
say no to slips, not only to gross errors.

``lens`` is one of ``symbolic``, ``quadrature``, ``empirical``; a lens that does not apply is
``skipped`` with its ``reason``. The same document is written to ``report.json`` and printed by
``--format json``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gantheory.results import STATUSES, claim_status

if TYPE_CHECKING:
    from gantheory.claims.model import Claim
    from gantheory.results import ClaimResult, ControlResult

SCHEMA = "gantheory.report/1"
# The one status precedence rule lives in gantheory.results; ``overall_status`` is its name in this package.
overall_status = claim_status
# The summary lists statuses in that rule's order (fail, error, pass, skipped).
STATUS_ORDER = tuple(sorted(STATUSES, key=lambda s: sum(claim_status([s, r]) != s for r in STATUSES)))


def claim_entry(claim: Claim, result: ClaimResult) -> tuple[dict, list[dict]]:
    """The document's entry for one claim and the figures it produced (each tagged claim/lens)."""
    lenses, figures = [], []
    for lens in result.lenses:
        lenses.append(lens.to_dict())
        for fig in lens.figures:
            figures.append({**fig.to_dict(), "claim": claim.id, "lens": lens.lens})
    entry = {"id": claim.id, "title": claim.title, "statement": claim.statement, "latex": claim.latex,
             "source": claim.source, "status": result.status, "seconds": round(result.seconds, 3), "lenses": lenses}
    return entry, figures


def margin_ratio(measurements: list[dict]) -> float | None:
    """How far a refuted control lies beyond its tolerance: the largest measured/tolerance (``≤``) or
    tolerance/measured (``≥``) over its failed measurements; None when no failed measurement has a ratio
    (a symbolic step, a zero tolerance)."""
    ratios = []
    for m in measurements:
        measured, tolerance = m.get("measured"), m.get("tolerance")
        if m.get("passed") or not isinstance(measured, (int, float)) or not isinstance(tolerance, (int, float)):
            continue
        if m.get("relation", "≤") == "≤" and tolerance > 0:
            ratios.append(measured / tolerance)
        elif m.get("relation") == "≥" and measured > 0:
            ratios.append(tolerance / measured)
    return max(ratios) if ratios else None


def margin_text(ratio: float | None) -> str:
    """A control's margin for people: ``"10×"`` its tolerance, or "—"."""
    return "—" if ratio is None else f"{ratio:.3g}×"


def control_entry(control_result: ControlResult) -> tuple[dict, list[dict]]:
    entry = control_result.to_dict()
    entry["margin_ratio"] = margin_ratio(entry["result"]["measurements"]) if control_result.refuted else None
    figures = [{**f.to_dict(), "id": f"control:{control_result.claim}:{control_result.name}:{f.id}",
                "claim": control_result.claim, "lens": control_result.lens} for f in control_result.result.figures]
    return entry, figures


def make_document(claims: list[dict], figures: list[dict], meta: dict, controls: list[dict] | None = None) -> dict:
    """Assemble the document from claim entries (in order), their figures and run metadata."""
    summary = {s: 0 for s in STATUS_ORDER}
    for c in claims:
        summary[c["status"]] = summary.get(c["status"], 0) + 1
    seeds = {c["id"]: sorted({lens["seed"] for lens in c["lenses"] if lens.get("seed") is not None}) for c in claims}
    doc = {"schema": SCHEMA, "status": overall_status(c["status"] for c in claims), **meta, "summary": summary,
           "seeds": {"base": meta.get("seed"), "by_claim": {k: v for k, v in seeds.items() if v}},
           "claims": claims, "figures": figures}
    if controls is not None:
        doc["negative_controls"] = controls
        ratios = [(c["margin_ratio"], c["claim"], c["name"]) for c in controls if c.get("margin_ratio") is not None]
        smallest = min(ratios) if ratios else None
        doc["selftest"] = {"controls": len(controls), "refuted": sum(1 for c in controls if c["refuted"]),
                           "passed": all(c["refuted"] for c in controls),
                           "near_misses": sum(1 for c in controls if c["name"].startswith("near-miss")),
                           "smallest_margin": None if smallest is None else
                           {"ratio": smallest[0], "claim": smallest[1], "control": smallest[2]}}
    return doc
