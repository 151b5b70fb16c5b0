"""``report.md``: the document as Markdown (tables and derivation steps; figures live in report.html)."""

from __future__ import annotations

from gantheory.report.math import to_markdown_math
from gantheory.results import LENSES

ICON = {"pass": "✅ pass", "fail": "❌ fail", "error": "⚠️ error", "skipped": "➖ skipped"}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _lens_cell(lens: dict) -> str:
    key = lens.get("summary") or lens.get("reason") or lens.get("error") or ""
    if lens["status"] == "skipped":
        key = lens.get("reason") or key
    return f"{ICON.get(lens['status'], lens['status'])}: {_cell(key)}"


def to_markdown(doc: dict) -> str:
    out = [f"# gantheory proof-check report — {ICON.get(doc['status'], doc['status'])}", ""]
    s = doc.get("summary", {})
    out.append(f"{len(doc['claims'])} claims: " + ", ".join(f"{v} {k}" for k, v in s.items() if v) + ".")
    out.append("")
    meta = [("profile", f"{doc.get('profile')} — {doc.get('profile_note', '')}"), ("seed", doc.get("seed")),
            ("device", f"{doc.get('device', {}).get('requested')} → {doc.get('device', {}).get('resolved')}"),
            ("created", doc.get("created")), ("git", (doc.get("git") or {}).get("revision") or "—"),
            ("wall time", f"{doc.get('wall_seconds', 0):.1f} s"),
            ("versions", ", ".join(f"{k} {v}" for k, v in (doc.get("versions") or {}).items()))]
    out += ["| | |", "|---|---|"] + [f"| {k} | {_cell(v)} |" for k, v in meta] + [""]
    out += ["| claim | source | symbolic | quadrature | empirical | status |", "|---|---|---|---|---|---|"]
    for c in doc["claims"]:
        by = {lens["lens"]: lens for lens in c["lenses"]}
        cells = [_lens_cell(by[name]) if name in by else "" for name in LENSES]
        out.append(f"| [{c['id']}](#{c['id']}) | {_cell(c['source'])} | " + " | ".join(cells)
                   + f" | **{ICON.get(c['status'], c['status'])}** |")
    out.append("")
    for c in doc["claims"]:
        out += [f"## {c['id']}", "", f"**{c['title']}** — {c['statement']}", "", f"Source: {c['source']}.  ",
                f"Status: **{ICON.get(c['status'], c['status'])}** ({c['seconds']:.1f} s)", "", "$$" + c["latex"] + "$$", ""]
        for lens in c["lenses"]:
            out.append(f"### {lens['lens']} — {ICON.get(lens['status'], lens['status'])}")
            out.append("")
            if lens["status"] == "skipped":
                out += [f"Not applicable: {lens.get('reason', '')}", ""]
                continue
            if lens.get("summary"):
                out += [lens["summary"], ""]
            if lens.get("error"):
                out += ["```", lens["error"].strip(), "```", ""]
            if lens.get("measurements"):
                out += ["| check | measured | | tolerance | ok | detail |", "|---|---|---|---|---|---|"]
                for m in lens["measurements"]:
                    out.append(f"| {_cell(m['name'])} | {m['measured']} | {m['relation']} | {m['tolerance']} | "
                               f"{'✓' if m['passed'] else '✗ ' + _cell(m['margin'])} | {_cell(m['detail'])} |")
                out.append("")
            curve = (lens.get("details") or {}).get("power_curve")
            if curve:
                out += [f"Power against near misses D = p/(p + c·q) (α = {curve['alpha']}, "
                        f"{curve['replicates']} replicates at n = {curve['n_samples']} per class; predicted: noncentral χ²):",
                        "", f"| c | measured power | predicted power | n for {round(100 * curve['target_power'])}% power |",
                        "|---|---|---|---|"]
                out += [f"| {c:g} | {pw:.3f} | {pp:.3f} | {n80} |" for c, pw, pp, n80 in
                        zip(curve["factors"], curve["power"], curve["predicted_power"], curve["n_for_target_power"],
                            strict=True)]
                out.append("")
            d = lens.get("derivation")
            if d:
                out.append(f"Derivation *{d.get('name')}* ({d.get('source')}), assuming "
                           f"{', '.join(d.get('assumptions', [])) or 'nothing further'}:")
                out.append("")
                for i, step in enumerate(d.get("steps", []), 1):
                    formula = (to_markdown_math(step["latex"]) if step.get("latex") else
                               f"`{step['lhs']} {step['relation']} {step['rhs']}`" if step.get("lhs") else "")
                    out.append(f"{i}. **{step['title']}** {formula} — {step.get('justification', '')} "
                               f"[{step['method']}: {step['outcome']}]")
                out.append("")
            if lens.get("figures"):
                out += ["Figures (in report.html): " + ", ".join(lens["figures"]), ""]
    if doc.get("negative_controls") is not None:
        from gantheory.report.document import margin_text

        out += ["## Negative controls", "", "| claim | control | lens | refuted | margin | how |",
                "|---|---|---|---|---|---|"]
        for c in doc["negative_controls"]:
            r = c["result"]
            out.append(f"| {c['claim']} | {_cell(c['description'])} | {c['lens']} | {'yes' if c['refuted'] else '**NO**'} "
                       f"| {margin_text(c.get('margin_ratio'))} | {_cell(r.get('summary') or r.get('error', ''))} |")
        out.append("")
    return "\n".join(out)
