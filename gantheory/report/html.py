"""``report.html``: one self-contained page (inline CSS and SVG figures, no scripts, no network)."""

from __future__ import annotations

from html import escape

from gantheory.report.figures import figure_svg
from gantheory.report.math import to_mathml
from gantheory.results import LENSES, fmt

# Shown first, in this order, under "Key figures" (each also linked from its claim).
KEY_FIGURES = ("algorithm-1-panels", "criterion-family", "calibration", "saturation")
LABEL = {"pass": "pass", "fail": "FAIL", "error": "error", "skipped": "not applicable"}

CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
main{max-width:1280px;margin:0 auto;padding:24px 32px 64px}
h1{font-size:26px;margin:0 0 4px} h2{font-size:21px;margin:0 0 6px} h3{font-size:16px;margin:18px 0 6px}
a{color:#1f5fbf;text-decoration:none} a:hover{text-decoration:underline}
.banner{padding:14px 18px;border-radius:8px;margin:14px 0 18px;font-size:17px}
.banner.pass{background:#e3f4e6;border:1px solid #8fcf9b}.banner.fail{background:#fde7e7;border:1px solid #e59a9a}
.banner.error{background:#fff4d9;border:1px solid #e8c771}.banner.skipped{background:#eee;border:1px solid #ccc}
.badge{display:inline-block;padding:1px 9px;border-radius:10px;font-size:12.5px;font-weight:600;white-space:nowrap}
.badge.pass{background:#d3f0d9;color:#17652a}.badge.fail{background:#f9d2d2;color:#9b1c1c}
.badge.error{background:#fbecc0;color:#7a5500}.badge.skipped{background:#e6e6e6;color:#666}
table{border-collapse:collapse;width:100%;background:#fff} th,td{border:1px solid #e1e4e8;padding:6px 8px;vertical-align:top;text-align:left}
th{background:#f0f2f5;font-weight:600;font-size:13.5px} td{font-size:13.5px}
table.meta{width:auto} table.meta td:first-child{color:#555;font-weight:600}
.card{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:16px 20px;margin:18px 0}
.claim{scroll-margin-top:12px}
.lens{border-left:4px solid #ccc;padding:4px 0 4px 14px;margin:14px 0}
.lens.pass{border-color:#3fa356}.lens.fail{border-color:#d93636}.lens.error{border-color:#e0a800}.lens.skipped{border-color:#c7c7c7}
.statement{font-size:16px;margin:6px 0} .source{color:#555;font-size:13.5px}
.summary{font-weight:600} .muted{color:#666;font-size:13px}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
pre{background:#f6f8fa;padding:8px;border-radius:6px;overflow-x:auto;white-space:pre-wrap}
figure{margin:12px 0;padding:10px;background:#fff;border:1px solid #eceef1;border-radius:6px}
figure svg{max-width:100%;height:auto} figcaption{font-size:13px;color:#444;margin-top:4px}
.ok{color:#17652a;font-weight:600}.bad{color:#9b1c1c;font-weight:600}
details summary{cursor:pointer;color:#1f5fbf;font-size:13.5px}
.lenscell{font-size:12.5px}
"""


def _badge(status: str) -> str:
    return f'<span class="badge {escape(status)}">{escape(LABEL.get(status, status))}</span>'


def _num(v) -> str:
    """A table cell: floats through :func:`gantheory.results.fmt` (one more decimal in scientific notation
    than the text report, as the HTML tables have the room), None as "—", anything else as its text."""
    if v is None or isinstance(v, float):
        return fmt(v, digits=3)
    return escape(str(v))


def _lens_cell(lens: dict) -> str:
    text = lens.get("reason") if lens["status"] == "skipped" else (lens.get("summary") or lens.get("error", ""))
    return f'{_badge(lens["status"])}<div class="lenscell">{escape(text or "")}</div>'


def _measurements(ms: list[dict]) -> str:
    if not ms:
        return ""
    rows = "".join(
        f"<tr><td>{escape(m['name'])}</td><td>{_num(m['measured'])}</td><td>{escape(m['relation'])} {_num(m['tolerance'])}</td>"
        f"<td class={'ok' if m['passed'] else 'bad'}>{'✓' if m['passed'] else '✗ ' + escape(m['margin'])}</td>"
        f"<td class=muted>{escape(m['detail'])}</td></tr>" for m in ms)
    return ("<table><tr><th>check</th><th>measured</th><th>tolerance</th><th>verdict</th><th>what was compared</th></tr>"
            f"{rows}</table>")


def _derivation(d: dict) -> str:
    rows = []
    for i, s in enumerate(d.get("steps", []), 1):
        # Typeset from the step's LaTeX (MathML); the sympy strings only when a step has no LaTeX.
        formula = (to_mathml(s["latex"]) if s.get("latex") else
                   f"<code>{escape(s['lhs'])} {escape(s['relation'])} {escape(s['rhs'])}</code>" if s.get("lhs") else "")
        outcome = {"proved": "ok", "failed": "bad"}.get(s["outcome"], "")
        detail = f"<div class=muted>{escape(s['detail'])}</div>" if s.get("detail") and s["outcome"] != "proved" else ""
        rows.append(f"<tr><td>{i}</td><td><b>{escape(s['title'])}</b><br>{formula}</td><td>{escape(s.get('justification', ''))}"
                    f"{detail}</td><td>{'exact (sympy)' if s['method'] == 'sympy' else 'numeric (mpmath, 40 digits)'}</td>"
                    f"<td class='{outcome}'>{escape(s['outcome'])}</td></tr>")
    assumptions = ", ".join(d.get("assumptions", [])) or "—"
    # Long derivations (the f-divergence table has ~80 steps) start folded so the page stays readable.
    fold = "" if len(d.get("steps", [])) > 15 else " open"
    return (f"<details{fold}><summary>Derivation “{escape(d.get('name', ''))}”: {len(d.get('steps', []))} steps "
            f"({escape(d.get('status', ''))})</summary><p class=muted>Source: {escape(d.get('source', ''))}. "
            f"Assuming {escape(assumptions)}. Conclusion: <code>{escape(d.get('conclusion', ''))}</code></p>"
            "<table><tr><th>#</th><th>step</th><th>why it holds</th><th>checked by</th><th>outcome</th></tr>"
            + "".join(rows) + "</table></details>")


def render_figures(figures: list[dict]) -> dict[str, str]:
    """SVG of each figure, keyed by id (the CLI draws them in its workers and passes them to :func:`to_html`)."""
    cache: dict[str, str] = {}
    for fig in figures:
        _figure(fig, cache)
    return cache


def _figure(fig: dict, svg_cache: dict) -> str:
    if fig["id"] not in svg_cache:
        try:
            svg_cache[fig["id"]] = figure_svg(fig)
        except Exception as exc:  # a broken figure must not take the report down
            svg_cache[fig["id"]] = f"<p class=bad>figure could not be drawn: {escape(repr(exc))}</p>"
    return (f'<figure id="fig-{escape(fig["id"])}"><div><b>{escape(fig["title"])}</b></div>{svg_cache[fig["id"]]}'
            f'<figcaption>{escape(fig.get("caption", ""))} <span class=muted>(claim '
            f'<a href="#{escape(fig["claim"])}">{escape(fig["claim"])}</a>, {escape(fig["lens"])} lens)</span>'
            "</figcaption></figure>")


def to_html(doc: dict, svgs: dict[str, str] | None = None) -> str:
    """The document as one self-contained HTML page; ``svgs`` are figures already drawn (by id)."""
    figures = {f["id"]: f for f in doc.get("figures", [])}
    cache: dict[str, str] = dict(svgs or {})
    s = doc.get("summary", {})
    device = doc.get("device", {})
    parts = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>gantheory proof-check report</title>"
             f"<meta name=viewport content='width=device-width,initial-scale=1'><style>{CSS}</style></head><body><main>",
             "<h1>gantheory proof-check report</h1>",
             "<div class=muted>Theory claims about GANs, each checked by up to three independent lenses: "
             "<b>symbolic</b> (step-by-step sympy derivation), <b>quadrature</b> (certified integrals of exact "
             "densities against closed forms or 30-digit mpmath) and <b>empirical</b> (PyTorch training and "
             "Monte Carlo with statistical tolerances). A lens that does not apply to a claim says so.</div>",
             f'<div class="banner {escape(doc["status"])}">Overall: {_badge(doc["status"])} &nbsp; '
             + ", ".join(f"{v} {escape(k if k != 'skipped' else 'all lenses not applicable')}" for k, v in s.items() if v)
             + f" of {len(doc['claims'])} claims, in {doc.get('wall_seconds', 0):.1f} s.</div>"]
    meta = [("profile", f"{doc.get('profile')} — {doc.get('profile_note', '')}"), ("seed", doc.get("seed")),
            ("device", f"{device.get('requested')} → {device.get('resolved')}"), ("created", doc.get("created")),
            ("git revision", (doc.get("git") or {}).get("revision") or "—"),
            ("versions", ", ".join(f"{k} {v}" for k, v in (doc.get("versions") or {}).items()))]
    parts.append("<table class=meta>" + "".join(f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in meta)
                 + "</table>")
    # At a glance
    rows = []
    for c in doc["claims"]:
        by = {lens["lens"]: lens for lens in c["lenses"]}
        rows.append(f"<tr><td><a href='#{escape(c['id'])}'><b>{escape(c['id'])}</b></a><div class=muted>{escape(c['source'])}</div></td>"
                    + "".join(f"<td>{_lens_cell(by[n]) if n in by else ''}</td>" for n in LENSES)
                    + f"<td>{_badge(c['status'])}</td></tr>")
    parts.append("<h2 style='margin-top:22px'>At a glance</h2><table><tr><th>claim</th><th>symbolic</th><th>quadrature</th>"
                 "<th>empirical</th><th>verdict</th></tr>" + "".join(rows) + "</table>")
    key = [figures[k] for k in KEY_FIGURES if k in figures]
    if key:
        parts.append("<h2 style='margin-top:26px'>Key figures</h2>")
        parts += [_figure(f, cache) for f in key]
    missing = [k for k in KEY_FIGURES if k not in figures]
    if missing:
        parts.append(f"<p class=muted>Not in this run (their claim was not run or its lens did not finish): "
                     f"{escape(', '.join(missing))}.</p>")
    for c in doc["claims"]:
        parts.append(f"<section class='card claim' id='{escape(c['id'])}'><h2>{escape(c['title'])} {_badge(c['status'])}</h2>"
                     f"<div class=muted><code>{escape(c['id'])}</code> · {escape(c['source'])} · {c['seconds']:.1f} s</div>"
                     f"<p class=statement>{escape(c['statement'])}</p>"
                     f"<details><summary>LaTeX</summary><pre>{escape(c['latex'])}</pre></details>")
        for lens in c["lenses"]:
            parts.append(f"<div class='lens {escape(lens['status'])}'><h3>{escape(lens['lens'])} lens {_badge(lens['status'])}</h3>")
            if lens["status"] == "skipped":
                parts.append(f"<p class=muted>Not applicable: {escape(lens.get('reason', ''))}</p></div>")
                continue
            if lens.get("summary"):
                parts.append(f"<p class=summary>{escape(lens['summary'])}</p>")
            if lens.get("error"):
                parts.append(f"<pre>{escape(lens['error'].strip())}</pre>")
            parts.append(_measurements(lens.get("measurements", [])))
            if lens.get("derivation"):
                parts.append(_derivation(lens["derivation"]))
            for fid in lens.get("figures", []):
                if fid in KEY_FIGURES and fid in figures:
                    parts.append(f"<p class=muted>Figure <a href='#fig-{escape(fid)}'>{escape(figures[fid]['title'])}</a> "
                                 "is shown under Key figures.</p>")
                elif fid in figures:
                    parts.append(_figure(figures[fid], cache))
            parts.append("</div>")
        parts.append("</section>")
    if doc.get("negative_controls") is not None:
        from gantheory.report.document import margin_text

        st = doc["selftest"]
        rows = "".join(
            f"<tr><td>{escape(c['claim'])}</td><td>{escape(c['name'])}</td><td>{escape(c['description'])}</td>"
            f"<td>{escape(c['lens'])}</td><td class={'ok' if c['refuted'] else 'bad'}>{'refuted' if c['refuted'] else 'NOT refuted'}</td>"
            f"<td>{margin_text(c.get('margin_ratio'))}</td><td class=muted>{escape(c['result'].get('summary') or c['result'].get('error', ''))}</td></tr>"
            for c in doc["negative_controls"])
        parts.append(f"<section class=card><h2>Negative controls: {st['refuted']}/{st['controls']} refuted</h2>"
                     "<p class=muted>Each control feeds a check a deliberately wrong formula, density or loss; the "
                     "verifier must say no.</p><table><tr><th>claim</th><th>control</th><th>what is wrong</th><th>lens</th>"
                     f"<th>verdict</th><th>margin (× tolerance)</th><th>how it was refuted</th></tr>{rows}</table></section>")
    tol = doc.get("tolerances", {})
    if tol:
        rows = "".join(f"<tr><td>{escape(group)}</td><td><code>{escape(k)}</code></td><td>{_num(v)}</td></tr>"
                       for group, table in tol.items() for k, v in table.items())
        parts.append("<section class=card><h2>Tolerances</h2><table><tr><th>table</th><th>key</th><th>value</th></tr>"
                     f"{rows}</table></section>")
    parts.append("</main></body></html>")
    return "\n".join(parts)
