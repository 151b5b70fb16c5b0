r"""Logged D and G losses against theory: equilibrium lines, the implied divergence bound over steps, alarms.

A training loop logs L_logged = r·L(D_t) with r = 1 (``reduction="sum"``: mean real term + mean fake
term, e.g. two BCE calls added) or r = ½ (``"pooled"``: one BCE over the concatenated batch). Over a
window of k logged steps the method of batch means gives L̄ and se = sd/√k, and the window's average
divergence is bounded by (c − U)/|s| with U = L̄ + t_{k−1, 1−α}·se. Logged values are usually
*training-batch* losses — D was just fitted to those samples — so the bound is then marked heuristic;
only held-out values (``heldout=True``) make it a confidence bound (and even then batch means assume the
steps' values are independent).

Label smoothing (α real, β fake) changes the game: its equilibrium is 2·H((α + β)/2) (H the binary
entropy in nats), and the logged value bounds the smoothed game's own divergence 𝒟_{α,β} ≥ 2H((α+β)/2) − L
(an f-divergence, 0 iff p = q), not the JSD: both are reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from gantheory.errors import GanTheoryError
from gantheory.losses import GENERATORS, LOSSES
from gantheory.runs import alarms as _alarms
from gantheory.runs.bounds import check_alpha
from gantheory.runs.conventions import resolve_convention
from gantheory.runs.readers import LogSeries

__all__ = ["REDUCTIONS", "RunAnalysis", "analyse_log"]

REDUCTIONS = {"sum": 1.0, "pooled": 0.5}


@dataclass(frozen=True)
class RunAnalysis:
    """What a run's logs say against theory (frozen data; :mod:`gantheory.report.runs` renders it)."""

    convention: dict
    reduction: str
    d_tag: str
    g_tag: str | None
    d_steps: np.ndarray
    d_values: np.ndarray
    g_steps: np.ndarray | None
    g_values: np.ndarray | None
    equilibrium_d: float
    equilibrium_g: float | None
    windows: tuple[dict, ...]
    heuristic: bool
    alpha: float
    alarms: tuple[_alarms.Alarm, ...]
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> dict[str, Any]:
        """The Monitor's summary contract for a log: divergence, estimate, lower_bound, equilibrium, alarms."""
        last = self.windows[-1] if self.windows else {}
        return {"divergence": self.convention["divergence"], "estimate": last.get("estimate"),
                "lower_bound": last.get("lower_bound"), "equilibrium": self.equilibrium_d,
                "alarms": [{"code": a.code, "message": a.message} for a in self.alarms], "heuristic": self.heuristic}

    def to_dict(self) -> dict[str, Any]:
        def series(s, v):
            return None if s is None else {"steps": s.tolist(), "values": v.tolist()}

        return {"schema": "gantheory.runs/1", "summary": self.summary(), "convention": self.convention,
                "reduction": self.reduction, "d_tag": self.d_tag, "g_tag": self.g_tag,
                "equilibrium_d": self.equilibrium_d, "equilibrium_g": self.equilibrium_g, "alpha": self.alpha,
                "heuristic": self.heuristic, "windows": list(self.windows),
                "alarms": [a.to_dict() for a in self.alarms], "notes": list(self.notes),
                "cannot_conclude": _alarms.CANNOT_CONCLUDE,
                "mode_drop_sample_size": _alarms.mode_drop_table(self.alpha),
                "d_loss": series(self.d_steps, self.d_values), "g_loss": series(self.g_steps, self.g_values)}


def _binary_entropy(x: float) -> float:
    return float(-(x * math.log(x) if x > 0 else 0.0) - ((1 - x) * math.log(1 - x) if x < 1 else 0.0))


def analyse_log(d: LogSeries, g: LogSeries | None = None, *, loss: str = "standard",
                params: dict[str, float] | None = None, generator: str | None = None, reduction: str | float = "sum",
                heldout: bool = False, window: int | None = None, alpha: float = 0.05,
                offset: float = 0.0) -> RunAnalysis:
    """Compare a logged D loss (and G loss) with the convention ``loss`` (a ``LOSSES`` key).

    Args:
        d, g: the logged series (:func:`gantheory.runs.read_log`).
        loss, params: the convention and its parameters (``label_smoothing`` with ``alpha``/``beta``).
        generator: the generator loss kind (a key of ``GENERATORS``) for its equilibrium line and alarms.
        reduction: ``"sum"`` or ``"pooled"`` (BCE over the concatenated batch: half the summed value), or
            the factor r itself (L_logged = r·L + ``offset``, as :func:`gantheory.runs.audit_losses` fits it).
        heldout: the logged values are held-out (fresh-sample) losses, not training-batch ones.
        window: logged steps per window (default: about 50 windows).
    """
    alpha = check_alpha(alpha)
    if isinstance(reduction, str):
        if reduction not in REDUCTIONS:
            raise GanTheoryError(f"parameter 'reduction' must be one of {sorted(REDUCTIONS)} or a positive factor, "
                                 f"got {reduction!r}")
        r = REDUCTIONS[reduction]
    elif isinstance(reduction, (int, float)) and math.isfinite(reduction) and reduction > 0:
        r = float(reduction)
    else:
        raise GanTheoryError(f"parameter 'reduction' must be one of {sorted(REDUCTIONS)} or a positive factor, "
                             f"got {reduction!r}")
    if not (isinstance(offset, (int, float)) and math.isfinite(offset)):
        raise GanTheoryError(f"parameter 'offset' must be a finite number, got {offset!r}")
    if len(d) < 2:
        raise GanTheoryError(f"parameter 'd': the tag {d.tag!r} has {len(d)} points; at least 2 are needed")
    notes: list[str] = []
    found: list[_alarms.Alarm] = []
    row = LOSSES[loss] if loss in LOSSES else None
    if loss == "label_smoothing":
        kw = LOSSES["label_smoothing"].bind(params)
        a_, b_ = kw["alpha"], kw["beta"]
        eq = 2.0 * _binary_entropy((a_ + b_) / 2.0)
        conv = resolve_convention("standard", generator=generator)
        cdict = {**conv.to_dict(), "loss": "label_smoothing", "params": kw, "divergence": "smoothed",
                 "symbol": "𝒟_αβ", "offset": eq, "scale": -1.0, "equilibrium": eq,
                 "relation": f"min_D L_αβ = 2·H({(a_ + b_) / 2:g}) − 𝒟_αβ = {eq:.6g} − 𝒟_αβ"}
        offset_c, scale = eq, -1.0
        found.append(_alarms.Alarm(
            "label_smoothing",
            f"label smoothing (α = {a_:g}, β = {b_:g}) is in the logged value: the JSD bound (log 4 − L)/2 does not "
            f"apply as stated. Corrected: the equilibrium is 2·H({(a_ + b_) / 2:g}) = {eq:.4f} (not log 4 = 1.3863) "
            "and L bounds the smoothed game's divergence 𝒟_αβ ≥ 2H − L (0 iff p = q), which is what is reported"))
    else:
        conv = resolve_convention(loss if row is None else row, params, generator=generator)
        cdict, offset_c, scale = conv.to_dict(), conv.offset, conv.scale
    eq_d = r * offset_c + offset
    # generator equilibrium: its term at the row's optimum at p = q
    eq_g = None
    if generator is not None:
        # (label smoothing: D* = (α + β)/2 at p = q, not ½)
        grow, gparams = (LOSSES["label_smoothing"], kw) if loss == "label_smoothing" else (conv.row, conv.params)
        a0 = float(grow.optimum(0.0, 0.0, **gparams))
        gkw = {k: v for k, v in (params or {}).items() if k == "c"}
        eq_g = float(GENERATORS[generator](np.array(a0), **gkw))
    # the one home of the rule "a non-finite logged loss means the run diverged": the readers keep such
    # values, this reports them (an alarm per series) and leaves them out of every number below
    for which, series in (("D", d), ("G", g)):
        if series is not None and (a := _alarms.diverged(which, series.tag, series.steps, series.values)):
            found.append(a)
    finite = np.isfinite(d.values)
    vals, steps = d.values[finite], d.steps[finite]
    L = (vals - offset) / r  # the convention's own scale
    n = L.size
    k = int(window) if window else max(2, n // 50)
    if k < 2:
        raise GanTheoryError(f"parameter 'window' must be at least 2 (batch means need a spread), got {window!r}")
    wins = []
    above = []
    out_of_range = 0
    div_upper = math.inf if loss == "label_smoothing" else float(conv.divergence_upper)
    for i in range(0, n - 1, k):
        seg = L[i:i + k]
        if seg.size < 2:
            continue
        mean, se = float(seg.mean()), float(seg.std(ddof=1) / math.sqrt(seg.size))
        tq = float(stats.t.ppf(1 - alpha, seg.size - 1))
        upper = mean + tq * se
        raw = (offset_c - mean) / abs(scale)
        # the divergence's proven range [0, 𝒟_max]: a bound is clamped to it, an estimate beyond 𝒟_max (a loss
        # below every discriminator's minimum) is impossible and reported as None (not available)
        est = None if raw > div_upper else max(raw, 0.0)
        lb = min(max((offset_c - upper) / abs(scale), 0.0), div_upper)
        if est is None:
            out_of_range += 1
        wins.append({"step_start": float(steps[i]), "step_end": float(steps[min(i + k, n) - 1]), "count": int(seg.size),
                     "loss": r * mean + offset, "se": r * se, "estimate": est, "lower_bound": lb})
        above.append(_alarms.exceeds(mean - tq * se, offset_c))
    fraction = float(np.mean(above)) if above else 0.0
    mean_all = float(L.mean()) if n else math.nan  # no finite D value: no level alarm (the run diverged)
    se_all = float(np.std([(w["loss"] - offset) / r for w in wins], ddof=1) / math.sqrt(len(wins))) if len(wins) > 1 else 0.0
    if loss != "label_smoothing":
        for a in (_alarms.above_equilibrium(conv, mean_all, se_all, alpha, fraction),
                  _alarms.below_minimum(conv, mean_all, se_all, alpha),
                  # a bound clamped from an impossible loss (estimate None) says nothing about D's separation
                  _alarms.vanishing_gradient(conv, wins[-1]["lower_bound"]
                                             if wins and wins[-1]["estimate"] is not None else 0.0)):
            if a is not None:
                found.append(a)
    if out_of_range and not any(a.code == "below_minimum" for a in found):
        found.append(_alarms.out_of_range(conv, out_of_range, len(wins)))
    if not heldout:
        found.append(_alarms.not_held_out())
    notes.extend(conv.caveats)
    gs = gv = None
    if g is not None:
        g_finite = np.isfinite(g.values)
        gs, gv = g.steps[g_finite], g.values[g_finite]
    red = reduction if isinstance(reduction, str) else f"factor {r:.6g}" + (f", offset {offset:.6g}" if offset else "")
    return RunAnalysis(cdict, red, d.tag, g.tag if g is not None else None, steps, vals, gs, gv, eq_d, eq_g,
                       tuple(wins), not heldout, alpha, tuple(found), tuple(notes))
