r"""Alarms: what a run's discriminator values say is wrong, each with its explanation and its theory.

Every alarm is an :class:`Alarm` (``code``, ``message``, ``theory``); :data:`ALARMS` lists the codes with
the theory each comes from, so reports and docs read one table. The detectors here are pure functions of
summary statistics; :class:`gantheory.runs.Monitor` and :func:`gantheory.runs.analyse_log` call them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from gantheory.runs.bounds import C2ST
from gantheory.runs.conventions import Convention
from gantheory.tolerances import TOLERANCES

__all__ = [
    "ALARMS",
    "CANNOT_CONCLUDE",
    "Alarm",
    "above_equilibrium",
    "below_minimum",
    "c2st_alarm",
    "diverged",
    "exceeds",
    "logged_value_alarm",
    "not_held_out",
    "out_of_range",
    "training_set_alarm",
    "vanishing_gradient",
]

ALARMS: dict[str, str] = {
    "above_equilibrium": "L(D) ≥ min_D L(D) = c + s·𝒟 and the constant discriminator reaches c at p = q: a held-out "
                         "loss persistently above c means D is worse than guessing (Goodfellow et al. 2014, Prop. 1)",
    "below_minimum": "min_D L = c + s·𝒟 ≥ c + s·𝒟_max for every p, q: a value below it is impossible for this "
                     "convention (Nowozin et al. 2016, variational bound)",
    "vanishing_gradient": "at JSD ≈ log 2 the minimax generator loss log(1 − D(G(z))) saturates: its gradient "
                          "vanishes as D → D* (Arjovsky & Bottou 2017, Thm. 2.4; Goodfellow et al. 2014, §3)",
    "label_smoothing": "smoothed targets change the optimum to (αp + βq)/(p + q) and the value is no affine "
                       "map of the JSD (Salimans et al. 2016, §3.4)",
    "regulariser_folded": "a penalty added to the logged loss (R1/R2, gradient penalty) shifts the value by a "
                          "non-negative amount, so the bound read from it is too small (Mescheder et al. 2018)",
    "logged_mismatch": "the logged value is not this convention's loss of the same outputs (another reduction "
                       "or convention)",
    "training_set": "D scores its training samples better than held-out ones: values on training data overstate "
                    "the bound (the variational bound needs samples independent of D)",
    "generator_distinguishable": "the classifier two-sample test rejects p_g = p_data (Lopez-Paz & Oquab 2017); "
                                 "mode dropping moves the loss little, so only the C2ST sees it",
    "diverged": "every convention's loss is finite for finite discriminator outputs (a logit-output loss for "
                "every finite logit, a probability-output one inside (0, 1)): a NaN or ±inf logged loss means the "
                "outputs or parameters overflowed or saturated, i.e. training diverged; no bound is read from "
                "those steps",
    "not_held_out": "logged training-batch losses are evaluated on the samples D was just fitted to: the implied "
                    "bound is heuristic, not a confidence bound",
}

CANNOT_CONCLUDE = (
    "A small divergence lower bound does not mean the generator is good: it bounds the divergence from below "
    "only, and mode dropping moves the optimal loss very little (dropping a disjoint 1% mode changes the summed "
    "BCE by about 0.007). KL cannot be bounded this way (no loss of this form has KL as its value). "
    "See `mode_drop_sample_size` for the held-out sample the C2ST needs to detect a dropped mode.")


def mode_drop_table(alpha: float = 0.05, power: float = 0.8) -> dict[str, int]:
    """Held-out decisions the C2ST needs to detect a dropped disjoint mode of weight w (w → N), and the
    summed-BCE shift at the optimum that the same drop causes is only 2·ΔJSD (see ``js_mode_drop_shift``)."""
    from gantheory.runs.bounds import mode_drop_sample_size

    return {f"{w:g}": mode_drop_sample_size(w, alpha=alpha, power=power) for w in (0.01, 0.05, 0.1, 0.3)}


@dataclass(frozen=True)
class Alarm:
    """One alarm: a stable ``code`` (a key of :data:`ALARMS`), a ``message`` for this run, its ``theory``."""

    code: str
    message: str

    @property
    def theory(self) -> str:
        return ALARMS[self.code]

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "theory": self.theory}


def exceeds(value: float, level: float) -> bool:
    """value > level beyond rounding (``runs_rounding_rtol``): a constant D sits exactly at its equilibrium."""
    return value > level + TOLERANCES["runs_rounding_rtol"] * (1.0 + abs(level))


def _z(alpha: float) -> float:
    return float(stats.norm.ppf(1.0 - alpha))


def above_equilibrium(conv: Convention, loss: float, se: float, alpha: float, fraction: float) -> Alarm | None:
    """The run-average loss is above the equilibrium value c at level α (one-sided), and so are more than
    half of the windows (``fraction``): persistently worse than the constant discriminator."""
    if not (math.isfinite(loss) and exceeds(loss - _z(alpha) * se, conv.equilibrium) and fraction > 0.5):
        return None
    return Alarm("above_equilibrium",
                 f"held-out loss {loss:.4g} ± {se:.2g} stays above the equilibrium value {conv.equilibrium:.4g} "
                 f"of the constant discriminator ({fraction:.0%} of windows): D is worse than guessing. Look for "
                 "swapped real/fake labels, a sign slip in the loss, or a learning rate that diverges.")


def below_minimum(conv: Convention, loss: float, se: float, alpha: float) -> Alarm | None:
    """The loss is below min over all p, q and D (c + s·𝒟_max) at level α: impossible for this convention."""
    if not (math.isfinite(conv.minimum) and math.isfinite(loss) and loss + _z(alpha) * se < conv.minimum):
        return None
    return Alarm("below_minimum",
                 f"loss {loss:.4g} is below {conv.minimum:.4g}, the least value any discriminator can reach for "
                 f"the {conv.name!r} convention: the loss is not this convention (e.g. averaged over the pooled "
                 "batch, or a sign flipped) or has a bug. It would put the divergence above its maximum "
                 f"{conv.divergence_upper:.4g}, so the estimate is reported as null (not available) and the lower "
                 "bound is clamped to that maximum")


def out_of_range(conv: Convention, windows: int, total: int) -> Alarm:
    """Some windows' plug-in estimates exceed 𝒟_max (their loss is below the convention's minimum, though the
    run average is not significantly so): those estimates are null."""
    return Alarm("below_minimum",
                 f"{windows} of {total} windows have a loss below {conv.minimum:.4g}, the least value any "
                 f"discriminator can reach for the {conv.name!r} convention: their estimates would exceed the "
                 f"divergence's maximum {conv.divergence_upper:.4g} and are reported as null (not available); "
                 "their lower bounds are clamped to that maximum")


def vanishing_gradient(conv: Convention, lower_bound: float) -> Alarm | None:
    """The JSD lower bound is within 10% of log 2 (D separates almost perfectly) and the generator is
    minimax or not stated."""
    if conv.divergence != "js" or conv.generator not in (None, "minimax") or not lower_bound >= 0.9 * math.log(2):
        return None
    who = "the minimax generator loss" if conv.generator == "minimax" else "a minimax generator loss (if used)"
    return Alarm("vanishing_gradient",
                 f"JSD ≥ {lower_bound:.3g} (log 2 = 0.693): D separates real from fake almost perfectly and "
                 f"{who} log(1 − D(G(z))) has a vanishing gradient; use the non-saturating loss −log D(G(z)) "
                 "or weaken D")


def logged_value_alarm(conv: Convention, residual: np.ndarray, mean_real: np.ndarray, mean_fake: np.ndarray,
                       logged: np.ndarray, recomputed: np.ndarray) -> Alarm | None:
    """Compare logged values with the convention's loss recomputed on the same outputs.

    For a logit row, one-sided/two-sided label smoothing adds exactly (1 − α)·mean a_real − β·mean a_fake
    (α softplus(−a) + (1 − α) softplus(a) = softplus(−a) + (1 − α)·a, since softplus(a) − softplus(−a) = a);
    that is fitted by least squares. Otherwise a non-negative residual is a folded regulariser, any other a
    mismatch (the ratio logged/recomputed is quoted: ½ is BCE averaged over the pooled batch).
    """
    residual = np.asarray(residual, dtype=np.float64)
    tol = TOLERANCES["runs_logged_rtol"] * (1.0 + np.abs(np.asarray(logged, dtype=np.float64)))
    if residual.size == 0 or np.all(np.abs(residual) <= tol):
        return None
    # a constant offset (a folded penalty that does not move, float32 rounding): the competing explanation
    constant_fits = bool(np.all(np.abs(residual - residual.mean()) <= tol))
    if conv.row.output == "logit" and residual.size >= 2 and not constant_fits:
        design = np.stack([np.asarray(mean_real), -np.asarray(mean_fake)], axis=1)
        if residual.size < 3:  # too few to separate β: one-sided smoothing only
            design = design[:, :1]
        coef, *_ = np.linalg.lstsq(design, residual, rcond=None)
        fit = design @ coef - residual
        fit_ok = np.all(np.abs(fit) <= tol)
        # significantly better than a constant offset: the smoothing fit must remove almost all of the spread
        better = float(fit @ fit) <= TOLERANCES["runs_smoothing_gain"] * float(np.sum((residual - residual.mean()) ** 2))
        one_minus_alpha = float(coef[0])
        beta = float(coef[1]) if coef.size > 1 else 0.0
        if fit_ok and better and 1e-3 < one_minus_alpha < 1.0 and -1e-3 < beta < 1.0:
            alpha_hat = 1.0 - one_minus_alpha
            extra = f", β = {beta:.3g}" if beta > 1e-3 else ""
            return Alarm("label_smoothing",
                         f"the logged value is the label-smoothed loss (α = {alpha_hat:.3g}{extra}): logged = "
                         "L + (1 − α)·mean a_real − β·mean a_fake exactly. The bound does not apply to the smoothed "
                         f"value as stated; the corrected bound is the one reported here, from the unsmoothed "
                         f"{conv.name!r} loss of the same logits (the variational bound holds for any D)")
    if np.all(residual >= -tol):
        return Alarm("regulariser_folded",
                     f"the logged value exceeds the loss of the same outputs by {float(np.mean(residual)):.3g} on "
                     "average (never below it): a penalty (R1, gradient penalty) is folded into the logged value. "
                     "The bound applies to the loss without it, which is what is reported here")
    ratio = float(np.median(np.asarray(logged) / np.where(recomputed == 0, np.nan, recomputed)))
    return Alarm("logged_mismatch",
                 f"the logged value differs from the {conv.name!r} loss of the same outputs (median ratio "
                 f"{ratio:.3g}; ½ is BCE averaged over the pooled batch): name the convention that was logged")


def training_set_alarm(gap: float, se: float, alpha: float) -> Alarm | None:
    """The real term on held-out data exceeds that on training data by more than z_{1−α}·se."""
    if not (se > 0 and gap / se > _z(alpha)):
        return None
    return Alarm("training_set",
                 f"D's real-sample loss is {gap:.3g} ± {se:.2g} lower on its training samples than on held-out "
                 "ones: D memorises the training set, and a loss computed on training data (what most loops "
                 "log) overstates the divergence bound. Evaluate on held-out data (the bound here uses it)")


def _p(p: float) -> str:
    return "p < 1e-300" if p < 1e-300 else f"p = {p:.2g}"


def c2st_alarm(test: C2ST, lower_bound: float, symbol: str) -> Alarm | None:
    """The C2ST rejects p_g = p_data at its level."""
    if not test.reject:
        return None
    return Alarm("generator_distinguishable",
                 f"held-out accuracy {test.accuracy:.3f} over {test.n} decisions ({_p(test.p_value)}): the "
                 f"generator's samples are distinguishable from the data, e.g. a dropped mode, even where the "
                 f"{symbol} bound ({lower_bound:.3g}) is small")


def not_held_out() -> Alarm:
    """Logged values are training-batch losses (the usual case)."""
    return Alarm("not_held_out",
                 "the logged losses are training-batch losses: the implied divergence bound over steps is "
                 "heuristic (D was fitted to those samples); attach gantheory.runs.Monitor to held-out data "
                 "for a confidence bound")


def diverged(which: str, tag: str, steps: np.ndarray, values: np.ndarray) -> Alarm | None:
    """Non-finite logged values of one series (``which``: "D" or "G"): the run diverged at the first of them.

    ``steps``/``values`` are the series as read (non-finite values included); None when all are finite.
    """
    bad = ~np.isfinite(np.asarray(values, dtype=np.float64))
    if not bad.any():
        return None
    v = np.asarray(values, dtype=np.float64)[bad]
    kinds = ", ".join(f"{int(n)} {k}" for k, n in (("NaN", np.isnan(v).sum()), ("+inf", (v == np.inf).sum()),
                                                     ("−inf", (v == -np.inf).sum())) if n)
    first = float(np.asarray(steps, dtype=np.float64)[bad][0])
    return Alarm("diverged",
                 f"the run diverged: the logged {which} loss {tag!r} is non-finite at {int(bad.sum())} of {bad.size} "
                 f"logged steps ({kinds}), first at step {first:g}; those steps are left out of the bound and "
                 "the figure")
