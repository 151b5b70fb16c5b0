"""Draw the figures recorded by the claims (data → inline SVG). matplotlib, Agg backend, no files."""

from __future__ import annotations

import io
import re

COLORS = {"p_data": "#222222", "p_g": "#2ca02c", "D̂": "#1f77b4", "D*": "#ff7f0e"}
CYCLE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
LINESTYLE = {"line": "-", "dashed": "--", "dotted": ":"}


def _color(label: str, i: int) -> str:
    if "band" in label:
        return "#999999"
    for key, color in COLORS.items():
        if label.startswith(key):
            return color
    return CYCLE[i % len(CYCLE)]


def _values(seq):
    import numpy as np

    return np.array([np.nan if v is None else v for v in seq], dtype=float)


def figure_svg(fig: dict) -> str:
    """One figure spec (see :class:`gantheory.claims.Figure`) as an inline ``<svg>`` string."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    panels = fig["panels"]
    n = len(panels)
    cols = min(n, 4)
    rows = (n + cols - 1) // cols
    with matplotlib.rc_context({"svg.fonttype": "none", "font.size": 9, "axes.titlesize": 10,
                                "legend.fontsize": 7.5, "axes.spines.top": False, "axes.spines.right": False}):
        f, axes = plt.subplots(rows, cols, figsize=(4.3 * cols if n > 1 else 6.4, 3.2 * rows), squeeze=False)
        for ax in axes.ravel()[n:]:
            ax.set_visible(False)
        for ax, panel in zip(axes.ravel(), panels, strict=False):
            for i, s in enumerate(panel["series"]):
                x, y = _values(s["x"]), _values(s["y"])
                color = _color(s["label"], i)
                if s["style"] == "hist":
                    ax.stairs(y, x, fill=True, alpha=0.35, color=color, label=s["label"])
                elif s["style"] == "points":
                    ax.plot(x, y, "o", color=color, label=s["label"])
                else:
                    ax.plot(x, y, LINESTYLE.get(s["style"], "-"), color=color, label=s["label"], lw=1.6)
            for x, label in panel.get("vlines", []):
                ax.axvline(x, color="#555555", lw=1.2, ls="--")
                ax.annotate(label, xy=(x, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -10),
                            textcoords="offset points", ha="left", fontsize=8, color="#444444")
            for y, label in panel.get("hlines", []):
                ax.axhline(y, color="#888888", lw=1, ls="-.")
                ax.annotate(label, xy=(1.0, y), xycoords=("axes fraction", "data"), xytext=(-4, 3),
                            textcoords="offset points", ha="right", fontsize=8, color="#555555")
            if panel.get("logy"):
                ax.set_yscale("log")
            if panel["series"] and panel["series"][0]["style"] == "points" and len(panel["series"][0]["x"]) > 1:
                xs = _values(panel["series"][0]["x"])
                if (xs > 0).all() and xs.max() / xs.min() > 50:
                    ax.set_xscale("log")
            ax.set_title(panel["title"])
            ax.set_xlabel(panel["xlabel"])
            ax.set_ylabel(panel["ylabel"])
            ax.grid(alpha=0.25)
        labels = [tuple(s["label"] for s in p["series"]) for p in panels]
        shared = n > 1 and len(set(labels)) == 1 and labels[0]
        if shared:  # the same curves in every panel (Figure 1): one legend below, clear of the data
            handles, names = axes.ravel()[0].get_legend_handles_labels()
            f.legend(handles, names, loc="lower center", ncol=len(names), frameon=False, fontsize=9)
            f.tight_layout(rect=(0, 0.09, 1, 1))
        else:
            for ax, panel in zip(axes.ravel(), panels, strict=False):
                if panel["series"]:
                    ax.legend(frameon=False, loc="best")
            f.tight_layout()
        buf = io.StringIO()
        f.savefig(buf, format="svg")
        plt.close(f)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    # Drop matplotlib's RDF metadata (creation date, licence URLs): reports stay reproducible and the
    # only URLs left are XML namespaces.
    return re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
