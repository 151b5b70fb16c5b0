r"""``python -m verify check`` output: a :class:`~gantheory.derivation_check.model.CheckReport` as terminal
text, JSON (the ``gantheory.check/1`` schema), Markdown or one self-contained HTML page.

Every step is shown with its mark — ✓ verified, ✗ refuted or ill-formed, ? unchecked, ∅ unparsed — its
rule and reason; each document's first wrong step is highlighted with its counterexample. Markdown and
HTML typeset the math (:mod:`gantheory.report.math`: ``$…$`` for Markdown renderers, MathML in the HTML);
for a refuted step over integrals whose counterexample carries plot data, the HTML draws the two
integrands over the counterexample's densities. Rendering computes nothing and prints nothing.
"""

from __future__ import annotations

from html import escape
from typing import Any

from gantheory.errors import GanTheoryError
from gantheory.report.math import to_markdown_math, to_mathml

__all__ = ["FORMATS", "MARK", "render", "render_html", "render_markdown", "render_text"]

FORMATS = ("text", "json", "md", "html")
MARK = {"verified": "✓", "refuted": "✗", "ill_formed": "✗", "unchecked": "?", "unparsed": "∅"}
LABEL = {"verified": "verified", "refuted": "refuted", "ill_formed": "ill-formed", "unchecked": "unchecked",
         "unparsed": "unparsed"}
# The relation of a step as LaTeX (the model reports normalised names).
RELATION_LATEX = {"=": "=", "<=": r"\le", ">=": r"\ge", "<": "<", ">": ">", "!=": r"\ne", "=>": r"\Rightarrow",
                  "<=>": r"\Leftrightarrow", "approx": r"\approx", "->": r"\to", "def": r"\triangleq", "": ""}
RELATION_TEXT = {"<=": "≤", ">=": "≥", "!=": "≠", "=>": "⇒", "<=>": "⇔", "approx": "≈", "->": "→", "def": "≜"}


def render(report: Any, fmt: str = "text") -> str:
    """The report in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return report.to_json()
    renderers = {"text": render_text, "md": render_markdown, "html": render_html}
    if fmt not in renderers:
        raise GanTheoryError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    return renderers[fmt](report)


def _short(latex: str, width: int) -> str:
    flat = " ".join(latex.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _counts(doc: Any) -> str:
    counts = doc.counts
    return ", ".join(f"{counts[v]} {LABEL[v]}" for v in MARK if counts.get(v))


def _where(doc: Any) -> str:
    if doc.first_wrong is None:
        return "no wrong step found"
    step = doc.steps[doc.first_wrong]
    # steps are numbered from 1 here; the JSON's `index`/`first_wrong` (issue 11's contract) count from 0
    return f"first wrong step: #{step.index + 1} (JSON index {step.index}), line {step.line} ({LABEL[step.verdict]})"


def _conventions(report: Any) -> tuple[str, ...]:
    for doc in report.documents:
        return tuple(doc.conventions)
    return ()


def _explanation(step: Any) -> str:
    parts = []
    if step.rule:
        parts.append(("needs: " if step.verdict == "unchecked" else "") + step.rule)
    if step.reason:
        parts.append(step.reason)
    if step.counterexample is not None and not _said(step):
        parts.append("counterexample " + step.counterexample.describe())
    return "; ".join(parts)


def _said(step: Any) -> bool:
    """Whether the step's reason already spells out its counterexample (then it is not repeated)."""
    return step.counterexample is not None and step.counterexample.describe() in (step.reason or "")


# --- text -------------------------------------------------------------------------------------------

def render_text(report: Any, width: int = 100) -> str:
    """Plain text for a terminal: per document a header, then one line per step (first wrong marked »)."""
    out: list[str] = []
    for doc in report.documents:
        out.append(f"{doc.path}: {_where(doc)}")
        out.append(f"  {_counts(doc) or 'no steps found'}")
        for step in doc.steps:
            first = step.index == doc.first_wrong
            rel = RELATION_TEXT.get(step.relation, step.relation)
            if first:  # the first wrong step in full: left side, relation, right side, one per line
                out.append(f"» {MARK[step.verdict]} {step.index + 1:>3}  line {step.line:<4} first wrong step:")
                out.append(f"{'':13}{' '.join(step.lhs.split())}")
                out.append(f"{'':11}{rel} {' '.join(step.rhs.split())}")
            else:
                formula = _short(f"{step.lhs} {rel} {step.rhs}" if step.lhs else f"{rel} {step.rhs}", 60)
                out.append(f"  {MARK[step.verdict]} {step.index + 1:>3}  line {step.line:<4} {formula}")
            why = _explanation(step)
            if why:
                out.append(f"{'':13}{LABEL[step.verdict]}: {_short(why, width - 13) if not first else why}")
        out.append("")
    conventions = _conventions(report)
    if conventions:
        out.append("Conventions: " + "; ".join(conventions) + ".")
    return "\n".join(out).rstrip() + "\n"


# --- Markdown ---------------------------------------------------------------------------------------

def _step_math_md(step: Any) -> str:
    rel = RELATION_LATEX.get(step.relation, step.relation)
    return to_markdown_math(f"{step.lhs} {rel} {step.rhs}" if step.lhs else f"{rel} {step.rhs}")


def render_markdown(report: Any) -> str:
    """Markdown: a section per document, each step a list item with its mark and typeset math."""
    out = ["# Derivation check", ""]
    conventions = _conventions(report)
    if conventions:
        out += ["Conventions: " + "; ".join(conventions) + ".", ""]
    for doc in report.documents:
        out += [f"## `{doc.path}`", "", f"**{_where(doc)}** — {_counts(doc) or 'no steps found'}.", ""]
        for step in doc.steps:
            first = step.index == doc.first_wrong
            math = _step_math_md(step) if step.verdict != "unparsed" else f"`{step.lhs} {step.relation} {step.rhs}`"
            line = (f"{step.index + 1}. {MARK[step.verdict]} {math} — *{LABEL[step.verdict]}*"
                    f"{' (' + step.rule + ')' if step.rule else ''}, line {step.line}")
            if first:
                line = f"{step.index + 1}. **{MARK[step.verdict]} first wrong step** {math} — *{LABEL[step.verdict]}*, line {step.line}"
            out.append(line)
            extra = [step.reason] if step.reason else []
            if step.counterexample is not None and not _said(step):
                extra.append("Counterexample " + step.counterexample.describe() + ".")
            if extra and (first or step.verdict != "verified"):
                out.append("   " + " ".join(extra))
        out.append("")
    return "\n".join(out)


# --- HTML -------------------------------------------------------------------------------------------

CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
main{max-width:1200px;margin:0 auto;padding:24px 32px 64px}
h1{font-size:26px;margin:0 0 4px} h2{font-size:19px;margin:0 0 6px}
.card{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:16px 20px;margin:18px 0}
.banner{padding:10px 14px;border-radius:8px;margin:8px 0 12px}
.banner.ok{background:#e3f4e6;border:1px solid #8fcf9b}.banner.bad{background:#fde7e7;border:1px solid #e59a9a}
table{border-collapse:collapse;width:100%;table-layout:fixed} th,td{border-bottom:1px solid #e1e4e8;padding:6px 8px;vertical-align:top;text-align:left}
th{background:#f0f2f5;font-size:13px} td{font-size:14px}
td.mark{font-size:18px;text-align:center} td.num{color:#666;font-size:12.5px}
.f{overflow-x:auto;padding-bottom:2px}
tr.verified td.mark{color:#17652a} tr.refuted td.mark,tr.ill_formed td.mark{color:#b42318}
tr.unchecked td.mark{color:#9a6700} tr.unparsed td.mark{color:#777}
tr.first{background:#fff1f0;outline:2px solid #d93636}
.verdict{display:inline-block;padding:0 8px;border-radius:9px;font-size:12px;font-weight:600}
.verdict.verified{background:#d3f0d9;color:#17652a}.verdict.refuted,.verdict.ill_formed{background:#f9d2d2;color:#9b1c1c}
.verdict.unchecked{background:#fbecc0;color:#7a5500}.verdict.unparsed{background:#e6e6e6;color:#555}
.rule{font-size:12.5px;color:#333}.reason{font-size:12.5px;color:#555}.cx{font-size:13px;color:#7a1010;margin-top:4px}
math{font-size:1.08em} code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
figure{margin:8px 0 2px} figure svg{width:100%;max-width:520px;height:auto} figcaption{font-size:12.5px;color:#444}
.muted{color:#666;font-size:13px}
"""


def _step_math_html(step: Any) -> str:
    if step.verdict == "unparsed":
        return f"<code>{escape(' '.join(f'{step.lhs} {step.relation} {step.rhs}'.split()))}</code>"
    rel = RELATION_LATEX.get(step.relation, step.relation)
    return to_mathml(f"{step.lhs} {rel} {step.rhs}" if step.lhs else f"{rel} {step.rhs}")


def integrand_plot_svg(step: Any) -> str:
    """A small plot of the two integrands of a refuted step (its counterexample's ``plot`` data), or ""."""
    cx = step.counterexample
    plot = getattr(cx, "plot", None) if cx is not None else None
    if not plot or not plot.get("x"):
        return ""
    from gantheory.report.figures import figure_svg

    densities = ", ".join(f"{k} = {v}" for k, v in (("p_data", cx.p_data), ("p_g", cx.p_g), ("D", cx.D)) if v)
    fig = {"panels": [{"title": f"the two integrands of step {step.index + 1}", "xlabel": "x", "ylabel": "integrand",
                       "logy": False, "hlines": [], "vlines": [],
                       "series": [{"label": "left side", "x": list(plot["x"]), "y": list(plot["lhs"]), "style": "line"},
                                  {"label": "right side", "x": list(plot["x"]), "y": list(plot["rhs"]),
                                   "style": "dashed"}]}]}
    try:
        svg = figure_svg(fig)
    except Exception as exc:  # a plot that cannot be drawn must not take the report down
        return f"<p class=muted>plot could not be drawn: {escape(repr(exc))}</p>"
    return f"<figure>{svg}<figcaption>{escape(densities)}</figcaption></figure>"


def render_html(report: Any) -> str:
    """One self-contained HTML page (inline CSS, MathML, inline SVG; no script, no network)."""
    wrong = sum(1 for d in report.documents if d.first_wrong is not None)
    parts = ["<!doctype html><html lang=en><head><meta charset=utf-8><title>gantheory derivation check</title>"
             f"<meta name=viewport content='width=device-width,initial-scale=1'><style>{CSS}</style></head><body><main>",
             "<h1>Derivation check</h1>",
             f"<div class='banner {'bad' if wrong else 'ok'}'>{len(report.documents)} document(s); "
             f"{wrong} with a wrong step.</div>"]
    conventions = _conventions(report)
    if conventions:
        parts.append("<p class=muted>Conventions: " + "; ".join(escape(c) for c in conventions) + ".</p>")
    for n, doc in enumerate(report.documents):
        parts.append(f"<section class=card id='doc-{n}'><h2><code>{escape(doc.path)}</code></h2>")
        first = doc.steps[doc.first_wrong] if doc.first_wrong is not None else None
        where = escape(_where(doc))
        if first is not None:
            where = f"<a href='#doc-{n}-step-{first.index}'>{where}</a>"
        parts.append(f"<div class='banner {'bad' if first is not None else 'ok'}'>{where} — "
                     f"{escape(_counts(doc) or 'no steps found')}</div>")
        rows = []
        for step in doc.steps:
            is_first = first is not None and step.index == first.index
            why = []
            if step.rule:
                why.append(f"<div class=rule>{'needs: ' if step.verdict == 'unchecked' else ''}{escape(step.rule)}</div>")
            if step.reason:
                why.append(f"<div class=reason>{escape(step.reason)}</div>")
            if step.counterexample is not None:
                if not _said(step):
                    why.append(f"<div class=cx>Counterexample {escape(step.counterexample.describe())}</div>")
                if step.verdict == "refuted":
                    why.append(integrand_plot_svg(step))
            rows.append(f"<tr class='{step.verdict}{' first' if is_first else ''}' id='doc-{n}-step-{step.index}'>"
                        f"<td class=mark>{MARK[step.verdict]}</td><td class=num>{step.index + 1}<br>l.{step.line}</td>"
                        f"<td><div class=f>{_step_math_html(step)}</div></td><td><span class='verdict {step.verdict}'>"
                        f"{escape(LABEL[step.verdict])}</span>{'<div><b>first wrong step</b></div>' if is_first else ''}"
                        f"</td><td>{''.join(why)}</td></tr>")
        parts.append("<table><colgroup><col style='width:30px'><col style='width:44px'><col style='width:52%'>"
                     "<col style='width:104px'><col></colgroup>"
                     "<tr><th></th><th>#</th><th>step</th><th>verdict</th><th>why</th></tr>" + "".join(rows)
                     + "</table></section>")
    parts.append("</main></body></html>")
    return "".join(parts)
