r"""Audit a whole training step: run the user's ``train_step(D, G, opt_D, opt_G, real_batch)`` on
instrumented 1-D models over known densities and report what each backward pass and each step does.

What is checked (each finding has a stable ``code``):

* **per backward pass** — which networks' parameters it reaches, its ``gradient`` argument's sign, and the
  per-sample derivative dL/da it sends to D's outputs on real and on fake rows;
* **per optimiser step** — which backward passes its gradient holds (the gradient applied must equal the sum
  of a trailing run of this call's backward passes: otherwise it holds gradient from an earlier call,
  ``missing_zero_grad``); whether it applies a backward pass made for the other network
  (``missing_detach`` / ``g_loss_in_d_step``); whether D's step lowers D's own loss on its batch (it ascends
  V: else ``d_step_sign``) and whether G's step moves its samples the way D's step calls real, at the current
  D (else ``g_step_sign``); the two terms' weights in D's gradient, read from the per-sample derivatives
  against the loss row's ℓ'_real, ℓ'_fake (``unbalanced_terms``: a term backpropagated twice makes the
  optimum the class-weighted one, w_r p/(w_r p + w_f q));
* **across the step** — a network never stepped, or stepped with no gradient while another's gradient is
  never applied (``wrong_optimizer``); a loss tensor backpropagated twice (``repeated_backward``); one D
  call mixing real and fake rows (``mixed_batch``: with BatchNorm in D the statistics mix — soumith/ganhacks
  trick 4); a relativistic generator loss that never reaches D's outputs on real rows
  (``relativistic_g_overwritten``);
* **repeated D steps with G frozen** (``dstar_steps`` > 0) — G's learning rate is set to 0, D's decays as
  t^{-0.6} and its iterates are averaged (Polyak & Juditsky 1992); the averaged D is compared with the
  population optimum of the loss row on the same quadratic-logit family, on the 98%-mass region, against the
  statistically derived tolerance (``mlp_band_factor`` × Scheffé half-width at the samples D saw;
  :mod:`gantheory.model_check.statistics`) — ``d_star_mismatch`` names the nearest alternative optimum.

The instrumented D returns a logit (shape ``(n, 1)``); G maps ``z ~ N(0, I_latent_dim)`` (``G.latent_dim``,
``G.sample_latent(n)``) to ``(n, 1)``. A step with another signature is audited through an adapter: any
callable ``lambda D, G, opt_D, opt_G, real: my_step(real, nets=(D, G), opts=(opt_D, opt_G))``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from gantheory.densities import Density, Normal
from gantheory.empirical import statistics as st
from gantheory.empirical._device import cpu_threads
from gantheory.errors import GanTheoryError
from gantheory.loss_audit.results import Finding
from gantheory.losses import LOSSES, resolve_loss
from gantheory.model_check import statistics as mst
from gantheory.step_audit.instruments import (
    FAKE,
    REAL,
    AuditDiscriminator,
    AuditGenerator,
    AuditSGD,
    BackwardRecord,
    Recorder,
)
from gantheory.tolerances import TOLERANCES

__all__ = ["RELATIVISTIC", "DStarCheck", "StepAuditReport", "audit_step"]

RELATIVISTIC = ("relativistic", "relativistic_average")
_SIGN_FREE = ("wasserstein",)  # games whose critic may score real samples low, if G agrees


@dataclass(frozen=True)
class DStarCheck:
    """Repeated D steps with G frozen: sup |out(D̂) − out(D*)| on the 98%-mass region against ``tolerance``;
    ``nearest`` names the closest of the candidate optima (the row's own and its usual slips)."""

    sup_error: float
    tolerance: float
    passed: bool
    nearest: str
    errors: Mapping[str, float]
    samples: int
    lr: float = math.nan
    diverged: bool = False

    def to_dict(self) -> dict:
        """JSON-ready; a diverged D has no sup error or tolerance (``None``, never NaN or inf)."""
        finite = math.isfinite(self.sup_error)
        return {"sup_error": self.sup_error if finite else None,
                "tolerance": self.tolerance if math.isfinite(self.tolerance) else None, "passed": self.passed,
                "nearest": self.nearest, "errors": {k: v for k, v in self.errors.items() if math.isfinite(v)},
                "samples": self.samples, "lr": self.lr if math.isfinite(self.lr) else None,
                "diverged": self.diverged}


@dataclass(frozen=True)
class StepAuditReport:
    """What :func:`audit_step` found: ``findings`` (severity, code, message), per-backward and per-step
    records, and the D* check. ``passed`` iff no finding is an error."""

    loss: str
    calls: int
    findings: tuple[Finding, ...]
    backward_passes: tuple[dict, ...]
    steps: tuple[dict, ...]
    d_star: DStarCheck | None
    seconds: float = 0.0
    conventions: str = ("natural log; D returns a logit a with D = σ(a) = P(real | x) for the cross-entropy games; "
                        "'ascends V' means D's step lowers D's own loss on its batch")

    @property
    def passed(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(f.code for f in self.findings)

    def to_dict(self) -> dict:
        return {"loss": self.loss, "calls": self.calls, "passed": self.passed,
                "findings": [f.to_dict() for f in self.findings], "backward_passes": list(self.backward_passes),
                "steps": list(self.steps), "d_star": None if self.d_star is None else self.d_star.to_dict(),
                "conventions": self.conventions}


# --------------------------------------------------------------------------------------------------------
# helpers


def _allclose(a: torch.Tensor, b: torch.Tensor) -> bool:
    scale = 1.0 + float(torch.max(torch.abs(a)).item() if a.numel() else 0.0)
    rtol = TOLERANCES["step_audit_grad_rtol"]
    return bool(torch.allclose(a, b, rtol=rtol, atol=1e-2 * rtol * scale))


def _kind(backs: list[BackwardRecord], i: int, steps: list) -> str | None:
    """The network a backward pass is made for: the first later step of an optimiser whose parameters it reached."""
    for s in steps:
        if s.n_backwards > i and backs[i].reached(s.role):
            return s.role
    return None


def _d_loss(row_name: str, params: dict, a_real: np.ndarray, a_fake: np.ndarray) -> float:
    """Batch loss of D under the declared game (float64)."""
    if row_name in RELATIVISTIC:
        from gantheory.numerics import softplus
        if row_name == "relativistic":
            n = min(a_real.size, a_fake.size)
            return float(np.mean(softplus(-(a_real[:n] - a_fake[:n]))))
        return float(np.mean(softplus(-(a_real - a_fake.mean()))) + np.mean(softplus(a_fake - a_real.mean())))
    real, fake = LOSSES[row_name].terms("numpy", **params)
    return float(np.mean(real(a_real)) + np.mean(fake(a_fake)))


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().double().cpu().numpy()


class _Findings:
    def __init__(self) -> None:
        self.items: dict[str, Finding] = {}
        self.counts: dict[str, int] = {}

    def add(self, severity: str, code: str, message: str) -> None:
        self.counts[code] = self.counts.get(code, 0) + 1
        if code not in self.items:
            self.items[code] = Finding(severity, message, code)

    def has(self, code: str) -> bool:
        return code in self.items

    def result(self) -> tuple[Finding, ...]:
        order = {"error": 0, "warning": 1, "info": 2}
        out = []
        for code, f in self.items.items():
            n = self.counts[code]
            msg = f.message + (f" (seen {n}×)" if n > 1 else "")
            out.append(Finding(f.severity, msg, code))
        return tuple(sorted(out, key=lambda f: order[f.severity]))


# --------------------------------------------------------------------------------------------------------
# the analysis of the recorded calls


def _analyse(rec: Recorder, D: AuditDiscriminator, G: AuditGenerator, row_name: str, params: dict,
             findings: _Findings) -> tuple[list[dict], list[dict], tuple[float, float] | None]:
    back_rows, step_rows = [], []
    weights: list[tuple[float, float]] = []
    sign_free = row_name in _SIGN_FREE
    relativistic = row_name in RELATIVISTIC
    for c in range(rec.call + 1):
        backs = [b for b in rec.backwards if b.call == c]
        steps = [s for s in rec.steps if s.call == c]
        kinds = [_kind(backs, i, steps) for i in range(len(backs))]
        for i, b in enumerate(backs):
            back_rows.append({"call": c, "index": i, "sign": b.sign, "reaches": [r for r in ("D", "G") if b.reached(r)],
                              "parameters": [rec.names[r][k] for r in ("D", "G")
                                             for k, g in enumerate(b.param_grads.get(r, [])) if g is not None],
                              "made_for": kinds[i]})
        # mixed real/fake D calls
        for f in rec.forwards:
            if f.call == c and bool((f.origin == REAL).any()) and bool((f.origin == FAKE).any()):
                findings.add("warning", "mixed_batch",
                             "D is called on one batch holding both real and fake samples: with BatchNorm in D the "
                             "normalisation statistics mix the two distributions, so D(x) depends on the batch's "
                             "composition (soumith/ganhacks, trick 4: separate real and fake mini-batches)")
        convention = -1.0 if sign_free else 1.0
        d_conv_known = False
        stepped = {"D": False, "G": False}
        for s in steps:
            role = s.role
            cands = [i for i in range(min(s.n_backwards, len(backs))) if backs[i].reached(role)]
            flats = [backs[i].flat(role, rec.shapes[role]) for i in cands]
            consumed = None
            for k in range(len(cands) + 1):
                total = sum(flats[k:], torch.zeros_like(s.grad))
                if _allclose(s.grad, total):
                    consumed = cands[k:]
                    break
            row = {"call": c, "role": role, "consumed": consumed}
            stale_only = not cands and bool(torch.any(s.grad != 0))
            row["stale_only"] = stale_only
            if consumed is None and stale_only:
                consumed = []  # a step with no gradient from this call: evidence for wrong_optimizer below
            elif consumed is None:
                findings.add("error", "missing_zero_grad",
                             f"opt_{role}.step() applies a gradient that holds contributions from an earlier call of "
                             f"the step: {role}'s gradients are not zeroed between steps, so they accumulate "
                             "(ajbrock/BigGAN-PyTorch#25, Lightning-AI/pytorch-lightning#591)")
                consumed = cands
            # one D call's outputs backpropagated by two passes that this step applies: that term counts twice
            reached_calls: set[int] = set()
            for i in consumed:
                calls_i = {fid for fid, _ in backs[i].output_grads}
                if calls_i & reached_calls:
                    findings.add("warning", "repeated_backward",
                                 f"opt_{role}.step() applies two backward passes through the same D outputs "
                                 "(retain_graph=True): that loss term's gradient counts twice "
                                 "(wiseodd/controlled-text-generation#27)")
                reached_calls |= calls_i
            for i in consumed:
                if kinds[i] is not None and kinds[i] != role:
                    if role == "G":
                        findings.add("error", "missing_detach",
                                     "G's step applies the gradient of D's loss: the fake batch is not detached in D's "
                                     "step and G's gradients are not zeroed before G's backward, so G also descends "
                                     "D's loss (heykeetae/Self-Attention-GAN#48)")
                    else:
                        findings.add("error", "g_loss_in_d_step",
                                     "D's step applies the gradient of G's loss: zero D's gradients before D's backward")
            moved = any(not torch.equal(a, b) for a, b in zip(s.before, s.after, strict=True))
            has_grad = bool(torch.any(s.grad != 0))
            row["moved"] = moved
            row["empty"] = not has_grad
            if moved and has_grad:
                stepped[role] = True
            # ---- direction checks, in float64 at the recorded parameters
            if role == "D" and moved and rec.fake_log[c]:
                x_r = rec.reals[c].double()
                x_f = rec.fake_log[c][max(s.n_generator_calls, 1) - 1].double()
                before = [p.double() for p in s.before]
                after = [p.double() for p in s.after]
                with torch.no_grad():
                    ar0, af0 = _np(D.logit(x_r, before)), _np(D.logit(x_f, before))
                    ar1, af1 = _np(D.logit(x_r, after)), _np(D.logit(x_f, after))
                separation = float((ar1 - ar0).mean() - (af1 - af0).mean())
                change = _d_loss(row_name, params, ar1, af1) - _d_loss(row_name, params, ar0, af0)
                row["d_loss_change"], row["separation_change"] = change, separation
                if sign_free:
                    convention = 1.0 if separation >= 0 else -1.0
                    d_conv_known = True
                    if convention < 0:
                        findings.add("info", "flipped_convention",
                                     "D's step lowers its output on real samples and raises it on fake ones: the critic "
                                     "scores real samples low (the convention of martinarjovsky/WassersteinGAN main.py); "
                                     "fine as long as G's step follows the same convention")
                elif change > 0:
                    findings.add("error", "d_step_sign",
                                 f"D's step raises D's own {row_name} loss on its batch (by {change:.3g}): it descends "
                                 "V instead of ascending it — a sign slip (backward(mone) on a cross-entropy term, or "
                                 "labels swapped in D's step)")
            if role == "G" and moved and rec.latent_log[c]:
                z = rec.latent_log[c][max(s.n_generator_calls, 1) - 1].double()
                d_params = [p.double() for p in s.snapshot["D"]]
                with torch.no_grad():
                    a0 = _np(D.logit(G.output(z, [p.double() for p in s.before]), d_params))
                    a1 = _np(D.logit(G.output(z, [p.double() for p in s.after]), d_params))
                shift = float((a1 - a0).mean())
                row["fake_score_change"] = shift
                if shift * convention < 0 and (d_conv_known or not sign_free):
                    findings.add("error", "g_step_sign",
                                 "G's step moves its samples to where the current D scores them *less* real (mean "
                                 f"change of D's output {shift:.3g}): G ascends its loss — a sign slip "
                                 "(backward(one) where backward(mone) belongs: Zeleni9/pytorch-wgan#53) or the labels "
                                 "swapped in G's step (ptran1203/pytorch-animeGAN#17)")
            # ---- the two terms' weights in D's gradient
            if role == "D" and not relativistic and has_grad and row_name in LOSSES:
                w = _term_weights(rec, backs, consumed, row_name, params, findings)
                if w is not None:
                    weights.append(w)
                    row["term_weights"] = {"real": w[0], "fake": w[1]}
            # ---- a relativistic generator loss reaches D's outputs on real rows
            if role == "G" and relativistic and has_grad:
                real_grad = 0.0
                for i in consumed:
                    for fid, g in backs[i].output_grads:
                        f = rec.forwards[fid]
                        real_grad += float(torch.sum(torch.abs(g[f.origin == REAL])))
                if real_grad == 0.0:
                    findings.add("error", "relativistic_g_overwritten",
                                 "the declared game is relativistic, but G's gradient never reaches D's outputs on real "
                                 "samples: the relativistic generator loss was overwritten by a later line "
                                 "(eriklindernoren/PyTorch-GAN#52)")
            step_rows.append(row)
        # ---- a network never stepped
        for role in ("D", "G"):
            if not stepped[role]:
                empty_other = [s for s, r in zip(steps, step_rows[-len(steps):] if steps else [], strict=True)
                               if s.role != role and (r["empty"] or r["stale_only"])]
                unapplied = [i for i in range(len(backs)) if kinds[i] is None and backs[i].reached(role)]
                if empty_other or unapplied or sum(1 for s in steps if s.role != role) > 1:
                    other = "G" if role == "D" else "D"
                    findings.add("error", "wrong_optimizer",
                                 f"{role} is never updated in the step while opt_{other}.step() is called "
                                 f"{sum(1 for s in steps if s.role == other)}× (once with no gradient, or with the "
                                 f"gradient of {role}'s loss left unapplied): the wrong optimiser is stepped "
                                 "(Lornatang/ESRGAN-PyTorch#39)")
                else:
                    findings.add("error", "network_not_stepped",
                                 f"{role}'s parameters do not change in the step: opt_{role}.step() is never called "
                                 "with a gradient")
        for i, b in enumerate(backs):
            if kinds[i] == "D" and b.reached("G") and not findings.has("missing_detach"):
                findings.add("warning", "d_backward_reaches_g",
                             "D's backward pass also computes gradients for G (no .detach() on the fake batch): wasted "
                             "computation, harmless only while G's gradients are zeroed before G's backward "
                             "(pytorch/examples#116)")
    mean_w = None
    if weights:
        mean_w = (float(np.mean([w[0] for w in weights])), float(np.mean([w[1] for w in weights])))
    return back_rows, step_rows, mean_w


def _derivative_fit(rec: Recorder, backs: list[BackwardRecord], consumed: list[int], row_name: str,
                    params: dict) -> tuple[dict, dict, float] | None:
    """Fit the per-sample derivatives g_i that ``consumed`` backward passes send to D's outputs by
    s_real·ℓ'_real(a_i), s_fake·ℓ'_fake(a_i) of the row: (per-class [Σ g·ℓ', Σ ℓ'², n], scales, relative
    residual), or None when a class has no derivative."""
    rows: dict[tuple[int, int], list] = {}  # (D call, origin) -> [Σ over backward passes of g, ℓ'(a)]
    for i in consumed:
        for fid, g in backs[i].output_grads:
            f = rec.forwards[fid]
            _, d1r, _, _, d1f, _ = mst.term_derivatives(LOSSES[row_name], params, _np(f.outputs))
            for origin, d1 in ((REAL, d1r), (FAKE, d1f)):
                mask = (f.origin == origin).numpy()
                if mask.any():
                    entry = rows.setdefault((fid, origin), [np.zeros(int(mask.sum())), d1[mask]])
                    entry[0] = entry[0] + _np(g)[mask]
    sums = {o: [sum(float(g @ d) for (_, oo), (g, d) in rows.items() if oo == o),
                sum(float(d @ d) for (_, oo), (g, d) in rows.items() if oo == o),
                sum(d.size for (_, oo), (g, d) in rows.items() if oo == o)] for o in (REAL, FAKE)}
    if not sums[REAL][1] or not sums[FAKE][1]:
        return None
    scale = {o: sums[o][0] / sums[o][1] for o in (REAL, FAKE)}
    residual_num = sum(float(np.sum((g - scale[o] * d) ** 2)) for (_, o), (g, d) in rows.items())
    residual_den = sum(float(np.sum(g**2)) for (g, d) in rows.values())
    residual = math.sqrt(residual_num / residual_den) if residual_den > 0 else 0.0
    return sums, scale, residual


def _term_weights(rec: Recorder, backs: list[BackwardRecord], consumed: list[int], row_name: str, params: dict,
                  findings: _Findings) -> tuple[float, float] | None:
    """(W_real, W_fake): each class's weight in D's gradient relative to a per-class mean of the row's terms.

    With per-sample derivatives g_i sent to outputs a_i, W = Σ g_i ℓ'(a_i) / Σ_unique ℓ'(a_i)² × n_unique, so a
    mean over n rows gives 1 and a term backpropagated twice gives 2.
    """
    if findings.has("loss_not_detected"):  # no family to weigh the terms against (that finding says so)
        return None
    fit = _derivative_fit(rec, backs, consumed, row_name, params)
    if fit is None:
        return None
    sums, scale, residual = fit
    if residual > TOLERANCES["step_audit_term_residual"]:
        findings.add("warning", "d_loss_not_row",
                     f"the per-sample derivatives of D's loss do not match the {row_name!r} row's ℓ'_real, ℓ'_fake "
                     f"(relative residual {residual:.2g}): D is trained on a different game than declared "
                     "(run gantheory.audit on the loss itself)")
        return None
    w_r, w_f = scale[REAL] * sums[REAL][2], scale[FAKE] * sums[FAKE][2]
    if w_r > 0 and w_f > 0 and abs(w_r / w_f - 1.0) > TOLERANCES["step_audit_weight_rtol"]:
        findings.add("error", "unbalanced_terms",
                     f"D's gradient weights the real term {w_r:.3g} and the fake term {w_f:.3g} (a per-class mean is "
                     f"1): the optimum becomes the class-weighted one, D = w_r·p/(w_r·p + w_f·q) "
                     f"= p/(p + {w_f / w_r:.3g}·q), not the {row_name!r} optimum — a term is backpropagated twice "
                     "(a second .backward() on it before the step: amzn/convolutional-handwriting-gan#23)")
    return w_r, w_f


# Rows tried when ``loss`` is not given, most lenient first: where two fit equally (hinge and wasserstein agree
# while every |a| < 1), the audit takes the one whose checks assume less (wasserstein's sign-free convention).
DETECTABLE = ("wasserstein", "hinge", "standard", "least_squares")
_TIE = 1e-3  # residuals this close cannot tell two families apart
_DETECTED = 1e-3  # a family "fits" when its derivatives match the step's to this (an exact row fits to rounding)


def _d_passes(rec: Recorder) -> list[tuple[list[BackwardRecord], list[int]]]:
    """Per call of the step: its backward passes and the indices of those made for D."""
    out = []
    for c in range(rec.call + 1):
        backs = [b for b in rec.backwards if b.call == c]
        steps = [s for s in rec.steps if s.call == c]
        out.append((backs, [i for i in range(len(backs)) if _kind(backs, i, steps) == "D"]))
    return out


def _least_squares_targets(rec: Recorder, passes: list) -> dict[str, float] | None:
    """The least-squares row's targets read off the step: its ℓ' is linear in D's output a, zero at the
    class's target, so a line through (a_i, g_i) per class gives the fake target ``a`` and the real target
    ``b`` (G's target ``c`` cannot be seen in D's passes: taken as ``b``, the usual choice)."""
    targets = {}
    for origin, key in ((REAL, "b"), (FAKE, "a")):
        a_all, g_all = [], []
        for backs, d_passes in passes:
            summed: dict[int, np.ndarray] = {}
            for i in d_passes:
                for fid, g in backs[i].output_grads:
                    mask = (rec.forwards[fid].origin == origin).numpy()
                    if mask.any():
                        summed[fid] = summed.get(fid, 0.0) + _np(g)[mask].reshape(-1)
            for fid, g in summed.items():
                mask = (rec.forwards[fid].origin == origin).numpy()
                a_all.append(_np(rec.forwards[fid].outputs)[mask].reshape(-1))
                g_all.append(g)
        if not a_all:
            return None
        a, g = np.concatenate(a_all), np.concatenate(g_all)
        if a.size < 3 or float(np.std(a)) == 0.0:
            return None
        slope, intercept = np.polyfit(a, g, 1)
        if not slope > 0:
            return None
        targets[key] = float(np.round(-intercept / slope, 6))
    return {"a": targets["a"], "b": targets["b"], "c": targets["b"]}


def _detect_family(rec: Recorder) -> tuple[str, dict, float, list[str], dict[str, float]]:
    """The LOSSES row whose ℓ'_real, ℓ'_fake best fit the per-sample derivatives the step's D backward passes
    sent to D's outputs: (row, its parameters, its residual, the rows tied with it, every residual). Rows are
    tried at default parameters, except least squares, whose targets are read off the step."""
    passes = _d_passes(rec)
    residuals: dict[str, float] = {}
    bound: dict[str, dict] = {}
    for name in DETECTABLE:
        params = LOSSES[name].bind({})
        if name == "least_squares":
            targets = _least_squares_targets(rec, passes)
            if targets is None:
                continue
            try:
                params = LOSSES[name].bind(targets)
            except GanTheoryError:
                continue
        bound[name] = params
        total_num = total_den = 0.0
        for backs, d_passes in passes:
            fit = _derivative_fit(rec, backs, d_passes, name, params)
            if fit is None:
                continue
            weight = sum(float(np.sum(_np(g) ** 2)) for i in d_passes for _, g in backs[i].output_grads)
            total_num += fit[2] ** 2 * weight
            total_den += weight
        if total_den > 0:
            residuals[name] = math.sqrt(total_num / total_den)
    if not residuals:
        return "standard", {}, math.nan, [], residuals
    best = min(residuals.values())
    tied = [n for n in DETECTABLE if n in residuals and residuals[n] <= best + _TIE]
    return tied[0], bound[tied[0]], residuals[tied[0]], tied[1:], residuals


# --------------------------------------------------------------------------------------------------------
# repeated D steps with G frozen


def _candidates(row_name: str, params: dict) -> dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]:
    """Optimal outputs a*(log p, log q) of the row and of its usual slips (on the row's output scale)."""
    row = LOSSES[row_name]
    out = {row_name: lambda lp, lq: row.optimum(lp, lq, **params)}
    if row.output == "logit":
        std = LOSSES["standard"]
        out.setdefault("swapped", lambda lp, lq: std.optimum(lq, lp))
        out.setdefault("real term counted twice: p/(p + q/2)", lambda lp, lq: std.optimum(lp + math.log(2), lq))
        out.setdefault("fake term counted twice: p/(p + 2q)", lambda lp, lq: std.optimum(lp, lq + math.log(2)))
        out.setdefault("standard", lambda lp, lq: std.optimum(lp, lq))
    return out


def _curvature(row: Any, params: dict, phi: np.ndarray, wp: np.ndarray, wq: np.ndarray) -> float:
    """λ_max of ∫(p ℓ_r''_∞ + q ℓ_f''_∞)φφᵀ, with ℓ''_∞ the curvature each term keeps far from the optimum
    (the larger of |ℓ''(±30)|): the curvature that decides whether SGD can diverge. A row whose ℓ'' persists
    (half-MSE: ℓ'' = 1 everywhere) diverges with a step above 2/λ — the cross-entropy rows' default step
    of 8 is ~17x too large for it; the cross-entropy rows (ℓ'' = D(1−D) → 0, bounded gradients) cannot
    diverge and get λ ≈ 0 (no cap)."""
    _, _, d2r, _, _, d2f = mst.term_derivatives(row, params, np.array([-30.0, 30.0]))
    c_r, c_f = float(np.max(np.abs(d2r))), float(np.max(np.abs(d2f)))
    hess = (phi * (c_r * wp + c_f * wq)[:, None]).T @ phi
    lam = float(np.max(np.linalg.eigvalsh(0.5 * (hess + hess.T))))
    return lam if math.isfinite(lam) else 0.0


def _d_star_phase(train_step: Callable, rec: Recorder, D: AuditDiscriminator, G: AuditGenerator, opt_D: AuditSGD,
                  opt_G: AuditSGD, p_data: Density, row_name: str, params: dict, batch_size: int, steps: int,
                  rng: np.random.Generator, lr: float, grad_scale: float, alpha: float) -> DStarCheck:
    row = LOSSES[row_name]
    weight, bias = (p.detach().double() for p in G.linear.parameters())
    p_g = Normal(float(bias.reshape(-1)[0]), float(torch.linalg.norm(weight)))
    center, scale = D._center, D._scale
    x, w = st.quadrature_nodes(p_data, p_g)
    phi = mst.quadratic_features(x, np.array([center]), np.array([scale]))
    wp, wq = w * np.exp(p_data.logpdf(x)), w * np.exp(p_g.logpdf(x))
    curvature = _curvature(row, params, phi, wp, wq)
    lr = (min(lr, 1.0 / curvature) if curvature > 1e-8 else lr) * grad_scale
    for group in opt_G.param_groups:
        group["lr"] = 0.0
    average, count, seen = None, 0, 0
    for t in range(steps):
        for group in opt_D.param_groups:
            group["lr"] = lr / (1.0 + t / 10.0) ** 0.6
        real = torch.as_tensor(p_data.sample(batch_size, rng), dtype=torch.float32).reshape(-1, 1)
        rec.begin_call(real)
        train_step(D, G, opt_D, opt_G, real)
        if t >= steps // 2:
            theta = torch.cat([D.linear.bias.detach().double(), D.linear.weight.detach().double().reshape(-1)])
            average = theta if average is None else average + (theta - average) / (count + 1)
            count += 1
            seen += batch_size
    if average is None or not bool(torch.all(torch.isfinite(average))):
        return DStarCheck(math.inf, math.inf, False, "diverged", {}, seen, lr, True)
    lo, hi = st.mass_region(p_data, p_g)
    grid = np.linspace(lo, hi, 801)
    phi_grid = mst.quadratic_features(grid, np.array([center]), np.array([scale]))
    out_scale = mst.output_scale(row)
    estimate = out_scale(phi_grid @ average.numpy())
    lp, lq = p_data.logpdf(grid), p_g.logpdf(grid)
    if not bool(np.all(np.isfinite(estimate))):
        return DStarCheck(math.inf, math.inf, False, "diverged", {}, seen, lr, True)
    errors = {name: float(np.max(np.abs(estimate - out_scale(fn(lp, lq))))) for name, fn in _candidates(row_name, params).items()}
    b = mst.band(row, params, phi, wp, wq, phi_grid, seen, seen, alpha)
    # the reference family's own approximation error (zero when well specified, e.g. standard on Gaussians)
    bias_err = float(np.max(np.abs(out_scale(phi_grid @ b.theta) - out_scale(row.optimum(lp, lq, **params)))))
    tolerance = TOLERANCES["mlp_band_factor"] * b.half_width + bias_err
    sup = errors[row_name]
    nearest = min(errors, key=errors.get)
    return DStarCheck(sup, float(tolerance), bool(sup <= tolerance), nearest, errors, seen, lr)


# --------------------------------------------------------------------------------------------------------
# the entry point


def _no_dstar(row_name: str) -> bool:
    return row_name in RELATIVISTIC or row_name in ("hinge", "wasserstein")


def audit_step(train_step: Callable[..., Any], *, loss: str | None = None, loss_params: Mapping[str, float] | None = None,
               p_data: Density | None = None, generator: tuple[float, float] = (0.0, 1.2), latent_dim: int = 1,
               batch_size: int = 64, steps: int = 4, dstar_steps: int | None = None, lr: float = 1e-2,
               dstar_lr: float = 8.0,
               seed: int = 0, alpha: float = TOLERANCES["alpha"]) -> StepAuditReport:
    r"""Run ``train_step(D, G, opt_D, opt_G, real_batch)`` ``steps`` times on instrumented 1-D models and audit it.

    Args:
        train_step: the user's step (or an adapter lambda with that signature). D returns a logit of shape
            ``(n, 1)``; G maps latents ``(n, latent_dim)`` ~ N(0, I) to ``(n, 1)``; ``real_batch`` is ``(n, 1)``
            float32 drawn from ``p_data``; the optimisers are plain SGD with learning rate ``lr``.
        loss: the declared game: a :data:`gantheory.losses.LOSSES` name (``standard``, ``linear`` for WGAN,
            ``hinge``, ``least_squares`` …) or ``relativistic`` / ``relativistic_average``. ``None`` (default):
            the family is detected from the step itself — the row of :data:`DETECTABLE` (default parameters)
            whose ℓ'_real, ℓ'_fake best fit the per-sample derivatives D's backward passes send to D's
            outputs; an ``info`` finding ``loss_detected`` names it (or a warning ``loss_not_detected`` says
            none fits and ``standard`` was assumed). Declare the loss for rows with other parameters.
        loss_params: the row's parameters (e.g. ``{"alpha": 0.9, "beta": 0.0}``).
        p_data: the data density (default N(1, 0.75²)); ``generator``: G's initial (loc, scale).
        dstar_steps: run that many further calls with G frozen and check D against D* (module docstring);
            ``None``: 300 for a differentiable ``LOSSES`` row, 0 (no check) for linear, hinge and relativistic
            games. ``dstar_lr``: D's initial learning rate there (decaying as t^-0.6, rescaled by the gradient
            scale the audit measured, so a summed or halved loss gets the same effective step), capped at
            1/λ_max of the row's largest curvature ∫(p sup ℓ_r'' + q sup ℓ_f'')φφᵀ so that SGD on a stiff row
            (least squares) cannot diverge; a D driven non-finite anyway is the error ``d_star_diverged``.
        seed: seeds torch and the data draws.

    Returns:
        A :class:`StepAuditReport`; ``report.to_dict()["findings"]`` is a list of
        ``{"severity": "info" | "warning" | "error", "code", "message"}``.

    Reference: Goodfellow et al. 2014, Algorithm 1 (D ascends V, G descends its loss at the current D).

    >>> import torch.nn.functional as F
    >>> def step(D, G, opt_D, opt_G, real):
    ...     opt_D.zero_grad()
    ...     fake = G(torch.randn(real.shape[0], 1))
    ...     a_r, a_f = D(real), D(fake.detach())
    ...     loss_D = F.softplus(-a_r).mean() + F.softplus(a_f).mean()
    ...     loss_D.backward(); opt_D.step()
    ...     opt_G.zero_grad()
    ...     F.softplus(-D(fake)).mean().backward(); opt_G.step()
    >>> r = audit_step(step)
    >>> r.passed, r.loss, [f["code"] for f in r.to_dict()["findings"]]
    (True, 'standard', ['loss_detected'])
    """
    if not callable(train_step):
        raise GanTheoryError(f"parameter 'train_step' must be callable, got {type(train_step).__name__}")
    if loss is None:
        if loss_params:
            raise GanTheoryError("parameter 'loss_params' needs parameter 'loss' (the row those parameters belong to)")
        row_name, params = "standard", {}  # until the step's own derivatives say which family (below)
    elif loss in RELATIVISTIC:
        row_name, params = loss, {}
    else:
        row_name = resolve_loss(loss).name
        params = LOSSES[row_name].bind(dict(loss_params or {}))
    for name, value, low in (("batch_size", batch_size, 2), ("steps", steps, 1),
                             ("dstar_steps", 0 if dstar_steps is None else dstar_steps, 0), ("latent_dim", latent_dim, 1)):
        if int(value) != value or value < low:
            raise GanTheoryError(f"parameter {name!r} must be an integer >= {low}, got {value!r}")
    if not (isinstance(dstar_lr, (int, float)) and math.isfinite(dstar_lr) and dstar_lr > 0):
        raise GanTheoryError(f"parameter 'dstar_lr' must be a positive finite number, got {dstar_lr!r}")
    if loss is not None and dstar_steps and _no_dstar(row_name):
        raise GanTheoryError(f"parameter 'dstar_steps': the D* check needs a differentiable LOSSES row, not {row_name!r}")
    p_data = Normal(1.0, 0.75) if p_data is None else p_data
    start = time.perf_counter()
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    rec = Recorder()
    center, scale = st.feature_frame(p_data, Normal(generator[0], generator[1]))
    D = AuditDiscriminator(rec, center, scale, (0.0, 0.1, -0.05))
    G = AuditGenerator(rec, latent_dim, generator[0], generator[1])
    handles = rec.register("D", D) + rec.register("G", G)
    opt_D, opt_G = AuditSGD(D.parameters(), lr, "D", rec), AuditSGD(G.parameters(), lr, "G", rec)
    findings = _Findings()
    d_star = None
    try:
        # tiny models: one thread (torch's pool made small ops 2-20x slower on a busy 2-core machine)
        with rec.patched_backward(), cpu_threads(torch.device("cpu")):
            for _ in range(int(steps)):
                real = torch.as_tensor(p_data.sample(int(batch_size), rng), dtype=torch.float32).reshape(-1, 1)
                rec.begin_call(real)
                try:
                    train_step(D, G, opt_D, opt_G, real)
                except Exception as exc:  # the user's code: report, never crash the audit
                    findings.add("error", "train_step_raised", f"train_step raised {type(exc).__name__}: {exc}")
                    break
            back_rows, step_rows, weights = [], [], None
            if loss is None and not findings.has("train_step_raised"):
                row_name, params, residual, tied, residuals = _detect_family(rec)
                fits = ", ".join(f"{n} {r:.2g}" for n, r in residuals.items())
                if not math.isfinite(residual) or residual > _DETECTED:
                    # no family-dependent verdict (term weights, D's loss change, D*) on a guessed family: the
                    # sign-free wasserstein row leaves only the checks every game shares
                    row_name, params = "wasserstein", {}
                    findings.add("warning", "loss_not_detected",
                                 "parameter 'loss' not given, and D's per-sample loss derivatives fit none of "
                                 f"{', '.join(DETECTABLE)} (relative residuals: {fits or 'none'}): only the checks that "
                                 "hold for every game were run (no term weights, no D's-loss sign, no D*); pass "
                                 "loss=... (and loss_params) to declare the game")
                else:
                    also = f"; {', '.join(tied)} fit equally well at these outputs" if tied else ""
                    shown = f" with {params}" if params else ""
                    findings.add("info", "loss_detected",
                                 f"parameter 'loss' not given: D's per-sample loss derivatives fit the {row_name!r} "
                                 f"family{shown} (relative residual {residual:.2g}{also}; residuals: {fits}); audited "
                                 f"as {row_name!r}. Pass loss=... to declare the game")
            if dstar_steps is None:
                dstar_steps = 0 if _no_dstar(row_name) else 300
            elif dstar_steps and _no_dstar(row_name):
                findings.add("info", "d_star_skipped",
                             f"no D* check: the detected {row_name!r} game has no differentiable optimum to compare with")
                dstar_steps = 0
            if not findings.has("train_step_raised"):
                back_rows, step_rows, weights = _analyse(rec, D, G, row_name, params, findings)
            if dstar_steps and not findings.has("train_step_raised"):
                grad_scale = 2.0 / sum(weights) if weights and sum(weights) > 0 else 1.0
                d_star = _d_star_phase(train_step, rec, D, G, opt_D, opt_G, p_data, row_name, params, int(batch_size),
                                       int(dstar_steps), rng, dstar_lr, grad_scale, alpha)
                if d_star.diverged:
                    findings.add("error", "d_star_diverged",
                                 f"the {dstar_steps} D steps with G frozen drove D's outputs to a non-finite value "
                                 f"(at step size {d_star.lr:.3g}, below the curvature bound of the {row_name!r} row): "
                                 "D's loss or its gradient is not the declared row's, or it overflows")
                elif not d_star.passed:
                    findings.add("error", "d_star_mismatch",
                                 f"after {dstar_steps} D steps with G frozen, D is {d_star.sup_error:.3g} from the "
                                 f"{row_name!r} optimum (tolerance {d_star.tolerance:.3g}); nearest candidate: "
                                 f"{d_star.nearest}")
    finally:
        for h in handles:
            h.remove()
    return StepAuditReport(row_name, rec.call + 1, findings.result(), tuple(back_rows), tuple(step_rows), d_star,
                           time.perf_counter() - start)


