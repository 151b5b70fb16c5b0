"""The sweep report: measured outcomes beside the theory's prediction, as figure data and an HTML page.

- ``dirac_gan`` / ``mlp_gan``: the (γ, learning rate) plane with each grid point marked converged /
  not converged / diverged (median over seeds) and the predicted stability boundary h_max(γ) drawn on
  top; the final distance to the equilibrium (field-norm ratio for ``mlp_gan``) against the learning
  rate with the predicted bound as a vertical line; the coverage over seeds — the fraction of seeds whose
  outcome agrees with the prediction (converged ⇔ lr < h_max) at each learning rate.
- ``train_discriminator`` / ``train_gan``: calibration histograms of the measured error over seeds.

Pure data → :class:`gantheory.results.Figure`; :func:`to_html` draws them with
:func:`gantheory.report.figures.figure_svg`. No computing beyond grouping and medians.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Sequence

from gantheory.results import Figure, Panel, Series

__all__ = ["CONVERGED_BELOW", "summary", "sweep_figures", "to_html"]

# A run "contracted" when its final distance (field norm) ended below its start: the linearisation predicts
# contraction for lr < h_max and growth above, whatever the number of steps (a 0.1 threshold would call
# slow, stable runs at small lr "not converged" and blur the comparison with the prediction).
CONVERGED_BELOW = 1.0
# medians below this are drawn at it (a contracting run reaches 1e-300 and flattens the plot)
_DISPLAY_FLOOR = 1e-12

_MEASURE = {"dirac_gan": ("distance_ratio", "final distance / initial distance"),
            "gaussian_gan": ("distance_ratio", "final distance / initial distance"),
            "mlp_gan": ("field_norm_ratio", "‖v(x_K)‖ / ‖v(x_0)‖")}


_MLP_NOTE = (" Above the bound the MLP GAN's iterate may drift along D's manifold of equilibria (its hidden weights "
             "are free while the output layer is 0), so a final ratio below 1 there does not contradict the "
             "linearisation; the game-spectrum claim measures the peak ratio instead.")


def summary(records: Sequence[dict]) -> dict[str, int]:
    """Counts of records per status (``ok``, ``diverged``, ``unsupported``, ``error``)."""
    out: dict[str, int] = defaultdict(int)
    for r in records:
        out[r["status"]] += 1
    return dict(out)


def _median(values: list[float]) -> float:
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])


def _ratio(rec: dict, key: str) -> float:
    if rec["status"] != "ok" or rec["result"].get(key) is None:
        return math.inf
    return float(rec["result"][key])


def _stability_figures(task: str, records: Sequence[dict]) -> list[Figure]:
    key, label = _MEASURE[task]
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in records:
        if r["status"] in ("error", "unsupported"):  # no measurement to draw
            continue
        s = r["spec"]
        scheme = s.get("scheme", "simultaneous" if s.get("k", 1) == 1 else f"k = {s['k']} D-steps")
        groups[(s.get("loss", "standard"), s.get("regularizer", "r1"), scheme)].append(r)
    figures = []
    for (loss, reg, scheme), recs in sorted(groups.items(), key=str):
        cells: dict[tuple[float, float], list[dict]] = defaultdict(list)
        bound: dict[float, float] = {}
        for r in recs:
            g, lr = float(r["spec"]["gamma"]), float(r["spec"]["lr"])
            cells[(g, lr)].append(r)
            h = r["result"]["predicted_max_stable_step"]
            if r["result"]["predicted_stable"] is not None:  # None: no prediction for this scheme
                bound[g] = math.inf if h is None else float(h)
        marks: dict[str, tuple[list, list]] = {"contracted": ([], []), "grew": ([], []),
                                               "diverged (non-finite)": ([], [])}
        coverage: dict[float, list[bool]] = defaultdict(list)
        per_gamma: dict[float, tuple[list, list]] = defaultdict(lambda: ([], []))
        for (g, lr), rs in sorted(cells.items()):
            ratios = [_ratio(r, key) for r in rs]
            med = _median(ratios)
            if all(r["status"] == "diverged" for r in rs):
                kind = "diverged (non-finite)"
            else:
                kind = "contracted" if med < CONVERGED_BELOW else "grew"
            marks[kind][0].append(g)
            marks[kind][1].append(lr)
            per_gamma[g][0].append(lr)
            per_gamma[g][1].append(max(med, _DISPLAY_FLOOR) if math.isfinite(med) else None)
            for r, ratio in zip(rs, ratios, strict=True):
                if r["result"]["predicted_stable"] is not None:
                    coverage[lr].append((ratio < CONVERGED_BELOW) == bool(r["result"]["predicted_stable"]))
        gammas = sorted({g for g, _ in cells})
        finite = [(g, bound[g]) for g in gammas if math.isfinite(bound.get(g, math.inf)) and bound[g] > 0]
        series = [Series(k, tuple(xs), tuple(ys), "points") for k, (xs, ys) in marks.items() if xs]
        if finite:
            series.append(Series("predicted boundary h_max(γ)", tuple(g for g, _ in finite),
                                 tuple(h for _, h in finite), "line"))
        phase = Panel(f"{loss}, {reg or 'no regulariser'}, {scheme}: outcome (median over seeds)", "γ",
                      "learning rate", tuple(series), logy=True)
        shown = gammas if len(gammas) <= 4 else [gammas[round(i * (len(gammas) - 1) / 3)] for i in range(4)]
        curves = tuple(Series(f"γ = {g:g}", tuple(per_gamma[g][0]), tuple(per_gamma[g][1]), "points") for g in shown)
        vlines = tuple((bound[g], f"h_max(γ={g:g})") for g in shown if math.isfinite(bound.get(g, math.inf))
                       and bound[g] > 0)
        dist = Panel(f"{label} (median over seeds)", "learning rate", label, curves,
                     hlines=((CONVERGED_BELOW, "start"),), logy=True, vlines=vlines)
        lrs = sorted(coverage)
        cov = Panel("coverage over seeds: outcome agrees with the prediction", "learning rate",
                    "fraction of seeds", (Series("agreement", tuple(lrs), tuple(sum(c) / len(c) for c in
                                                                                     (coverage[x] for x in lrs)),
                                                 "points"),), hlines=((1.0, "all agree"),))
        figures.append(Figure(f"sweep-{task}-{loss}-{reg or 'none'}-{scheme}".replace(" ", "").replace("=", ""),
                              f"{task}: measured stability against the predicted boundary ({loss}, "
                              f"{reg or 'no regulariser'}, {scheme})", (phase, dist, cov) if lrs else (phase, dist),
                              f"{len(recs)} runs (middle panel: 4 of the swept γ). Contracted: {label} < {CONVERGED_BELOW} (medians below "
                              f"{_DISPLAY_FLOOR:g} drawn at it; diverged runs are left out of the middle panel). "
                              "The boundary is the linearisation's largest stable step (gantheory.dynamics), "
                              "joined between the swept γ." + (_MLP_NOTE if task == "mlp_gan" else "")))
    return figures


def _histogram(values: list[float], bins: int = 20) -> tuple[tuple, tuple]:
    lo, hi = min(values), max(values)
    if hi <= lo:
        hi = lo + 1e-12 + abs(lo) * 1e-9
    width = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        counts[min(int((v - lo) / width), bins - 1)] += 1
    return tuple(lo + i * width for i in range(bins + 1)), tuple(counts)


def _calibration_figure(task: str, records: Sequence[dict], key: str, label: str) -> list[Figure]:
    by_lr: dict[float, list[float]] = defaultdict(list)
    for r in records:
        if r["status"] == "ok" and r["result"].get(key) is not None:
            by_lr[float(r["spec"]["lr"])].append(float(r["result"][key]))
    panels = []
    for lr, values in sorted(by_lr.items())[:8]:
        edges, counts = _histogram(values)
        panels.append(Panel(f"lr = {lr:g} ({len(values)} seeds)", label, "count",
                            (Series(f"{label} over seeds", edges, counts, "hist"),)))
    if not panels:
        return []
    return [Figure(f"sweep-{task}-calibration", f"{task}: distribution of {label} over seeds", tuple(panels),
                   f"{sum(len(v) for v in by_lr.values())} runs; diverged runs are counted in the summary.")]


def sweep_figures(records: Sequence[dict]) -> list[Figure]:
    """The report's figures for the records of one or more tasks."""
    by_task: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_task[r["task"]].append(r)
    figures: list[Figure] = []
    for task, recs in sorted(by_task.items()):
        if task in _MEASURE:
            figures.extend(_stability_figures(task, recs))
        elif task == "train_discriminator":
            figures.extend(_calibration_figure(task, recs, "logit_sup_error", "sup |logit − log p/q|"))
        elif task == "train_gan":
            figures.extend(_calibration_figure(task, recs, "final_jsd", "final JSD (nats)"))
    return figures


def to_html(records: Sequence[dict], figures: Sequence[Figure] | None = None, *, title: str = "Sweep report") -> str:
    """A self-contained HTML page: the status counts, the failures (first 20) and the figures as SVG."""
    from gantheory.report.figures import figure_svg

    figures = sweep_figures(records) if figures is None else figures
    counts = summary(records)
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             "<style>body{font-family:sans-serif;max-width:1400px;margin:auto}figure{margin:1.5em 0}"
             "td,th{padding:2px 8px;text-align:left}</style></head><body>",
             f"<h1>{html.escape(title)}</h1><p>{len(records)} records: "
             + ", ".join(f"{html.escape(k)} {v}" for k, v in sorted(counts.items())) + "</p>"]
    failures = [r for r in records if r["failure"]][:20]
    if failures:
        parts.append("<h2>Failures (first 20)</h2><table><tr><th>task</th><th>spec</th><th>status</th>"
                     "<th>step</th><th>reason</th></tr>")
        for r in failures:
            parts.append(f"<tr><td>{html.escape(r['task'])}</td><td><code>{html.escape(str(r['spec']))}</code></td>"
                         f"<td>{html.escape(r['status'])}</td><td>{r['failure']['step']}</td>"
                         f"<td>{html.escape(str(r['failure']['reason']))}</td></tr>")
        parts.append("</table>")
    for fig in figures:
        parts.append(f"<figure id='{html.escape(fig.id)}'><h2>{html.escape(fig.title)}</h2>"
                     f"{figure_svg(fig.to_dict())}<figcaption>{html.escape(fig.caption)}</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts)
