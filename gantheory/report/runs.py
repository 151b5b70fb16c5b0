"""Rendering for runs: the Monitor's figure, and the log analysis as text, Markdown, HTML (no computing).

:func:`monitor_figure` and :func:`analysis_figure` return matplotlib figures (Agg); :func:`to_text`,
:func:`to_markdown` and :func:`to_html` render a :meth:`gantheory.runs.RunAnalysis.to_dict` document.
"""

from __future__ import annotations

import html as _html
import io
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from gantheory.runs.conventions import Convention
    from gantheory.runs.monitor import Bound

__all__ = ["analysis_figure", "monitor_figure", "to_html", "to_markdown", "to_text"]


def _figure(rows: int = 2) -> tuple[Figure, Any]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, 2.6 * rows), layout="constrained")
    return fig, fig.subplots(rows, 1, sharex=True)


def monitor_figure(bounds: Sequence[Bound], convention: Convention, alpha: float) -> Figure:
    """Held-out loss with its (1 − α) interval and the equilibrium line; the divergence bound (plug-in and
    one-sided (1 − α)) against the divergence's range; the held-out C2ST accuracy against ½."""
    fig, (ax1, ax2, ax3) = _figure(3)
    x = [0.5 * (b.step_start + b.step_end) for b in bounds]
    ax1.fill_between(x, [b.loss_low for b in bounds], [b.loss_high for b in bounds], alpha=0.3,
                     label=f"{1 - alpha:.0%} interval")
    ax1.plot(x, [b.loss for b in bounds], lw=1.2, label="held-out D loss V̂")
    ax1.axhline(convention.equilibrium, color="k", ls="--", lw=1, label=f"equilibrium {convention.equilibrium:.4g}")
    ax1.set_ylabel(f"{convention.name} loss")
    ax1.legend(fontsize=8, loc="best")
    ax2.plot(x, [math.nan if b.estimate is None else b.estimate for b in bounds], lw=1, color="C2",
             label="plug-in bound")
    ax2.plot(x, [b.lower_bound for b in bounds], lw=1.5, color="C3",
             label=f"{convention.symbol} ≥ (one-sided {1 - alpha:.0%})")
    if convention.divergence_upper < float("inf"):
        ax2.axhline(convention.divergence_upper, color="gray", ls=":", lw=1, label=f"max {convention.symbol}")
    ax2.set_ylabel(f"{convention.symbol} lower bound (nats)" if convention.divergence == "js" else convention.symbol)
    ax2.legend(fontsize=8, loc="best")
    ax3.plot(x, [b.accuracy for b in bounds], lw=1.2, color="C4", label="held-out C2ST accuracy")
    ax3.axhline(0.5, color="k", ls="--", lw=1, label="½ (p_g = p_data)")
    ax3.set_ylabel("accuracy")
    ax3.set_xlabel("step")
    ax3.legend(fontsize=8, loc="best")
    return fig


def analysis_figure(doc: dict) -> Figure:
    """Logged D (and G) loss with the equilibrium lines; the implied bound per window (heuristic or not)."""
    fig, (ax1, ax2) = _figure(2)
    d = doc["d_loss"]
    ax1.plot(d["steps"], d["values"], lw=0.6, label=f"D loss ({doc['d_tag']})")
    ax1.axhline(doc["equilibrium_d"], color="C0", ls="--", lw=1, label=f"D equilibrium {doc['equilibrium_d']:.4g}")
    if doc.get("g_loss"):
        g = doc["g_loss"]
        ax1.plot(g["steps"], g["values"], lw=0.6, color="C1", label=f"G loss ({doc['g_tag']})")
        if doc.get("equilibrium_g") is not None:
            ax1.axhline(doc["equilibrium_g"], color="C1", ls="--", lw=1,
                        label=f"G equilibrium {doc['equilibrium_g']:.4g}")
    ax1.legend(fontsize=8, loc="best")
    ax1.set_ylabel("logged loss")
    w = doc["windows"]
    x = [0.5 * (v["step_start"] + v["step_end"]) for v in w]
    sym = doc["convention"]["symbol"]
    tag = " (heuristic: training-batch losses)" if doc["heuristic"] else ""
    ax2.plot(x, [math.nan if v["estimate"] is None else v["estimate"] for v in w], color="C2", lw=1,
             label="plug-in")
    ax2.plot(x, [v["lower_bound"] for v in w], color="C3", lw=1.5, label=f"{sym} ≥ {tag}")
    ax2.set_ylabel(f"{sym} bound")
    ax2.set_xlabel("step")
    ax2.legend(fontsize=8, loc="best")
    return fig


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    return buf.getvalue()


def _fmt(v: Any) -> str:
    return "—" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v)


def _lines(doc: dict) -> list[tuple[str, str]]:
    s, c = doc["summary"], doc["convention"]
    return [("convention", f"{c['loss']} ({c['relation']}); reduction {doc['reduction']}"),
            ("D equilibrium", _fmt(doc["equilibrium_d"])), ("G equilibrium", _fmt(doc["equilibrium_g"])),
            ("last window", f"{c['symbol']} ≥ {_fmt(s['lower_bound'])} (plug-in {_fmt(s['estimate'])}, one-sided "
                            f"{1 - doc['alpha']:.0%})" + (" — heuristic" if doc["heuristic"] else ""))]


def to_text(doc: dict) -> str:
    """A terminal summary."""
    out = [f"{k:>14}: {v}" for k, v in _lines(doc)]
    out += [f"  ALARM {a['code']}: {a['message']}" for a in doc["alarms"]] or ["  no alarms"]
    out += [f"  note: {n}" for n in doc["notes"]]
    out.append(f"  cannot conclude: {doc['cannot_conclude']}")
    out.append("  C2ST held-out decisions to detect a dropped mode of weight w (power 0.8): "
               + ", ".join(f"w = {w}: {n:,}" for w, n in doc["mode_drop_sample_size"].items()))
    return "\n".join(out)


def to_markdown(doc: dict) -> str:
    """A Markdown report (the windows' bounds as a table)."""
    out = ["# Run vs theory", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in _lines(doc)]
    out += ["", "## Alarms", ""] + ([f"- **{a['code']}**: {a['message']} *({a['theory']})*" for a in doc["alarms"]]
                                    or ["none"])
    out += ["", "## Notes", ""] + ([f"- {n}" for n in doc["notes"]] or ["none"])
    out += ["", "## Cannot be concluded", "", doc["cannot_conclude"], "",
            "| dropped mode weight w | held-out decisions the C2ST needs (power 0.8) |", "|---|---|"]
    out += [f"| {w} | {n:,} |" for w, n in doc["mode_drop_sample_size"].items()]
    out += ["", "## Windows", "",
            "| steps | loss | se | plug-in | lower bound |", "|---|---|---|---|---|"]
    out += [f"| {w['step_start']:g}–{w['step_end']:g} | {w['loss']:.4g} | {w['se']:.2g} | {_fmt(w['estimate'])} | "
            f"{w['lower_bound']:.4g} |" for w in doc["windows"]]
    return "\n".join(out) + "\n"


def to_html(doc: dict, figure: bool = True) -> str:
    """A standalone HTML page with the figure inline (SVG)."""
    e = _html.escape
    rows = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in _lines(doc))
    alarms = "".join(f"<li><b>{e(a['code'])}</b>: {e(a['message'])} <i>({e(a['theory'])})</i></li>"
                     for a in doc["alarms"]) or "<li>none</li>"
    notes = "".join(f"<li>{e(n)}</li>" for n in doc["notes"]) or "<li>none</li>"
    svg = ""
    if figure:
        fig = analysis_figure(doc)
        svg = _svg(fig)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>gantheory runs</title></head><body>"
            f"<h1>Run vs theory</h1><table>{rows}</table><h2>Alarms</h2><ul>{alarms}</ul>"
            f"<h2>Notes</h2><ul>{notes}</ul><h2>Cannot be concluded</h2><p>{e(doc['cannot_conclude'])}</p>{svg}</body></html>")
