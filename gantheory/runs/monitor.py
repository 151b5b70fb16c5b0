r"""``Monitor``: divergence bounds, alarms and a C2ST from a discriminator's held-out outputs during training.

At each update the monitor receives D's outputs on held-out real samples and on fresh generated samples
and keeps per-step sufficient statistics (means and variances of the convention's per-sample terms, of the
terms at clipped outputs, and the C2ST counts); nothing else about the model or the data is needed. The
bounds are those of :mod:`gantheory.runs.bounds` and :mod:`gantheory.runs.conventions`:

.. math:: \mathcal D(p\,\|\,q_t) \ge \frac{c - U_t}{|s|}, \qquad P(L_t \le U_t) \ge 1 - \alpha,

per update, and over a window of updates for the average divergence of the window.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> mon = Monitor(loss="standard", alpha=0.05)
>>> x, z = rng.normal(0, 1, 4000), rng.normal(1, 1, 4000)   # p = N(0, 1), q = N(1, 1)
>>> logit = lambda v: 0.5 - v                                 # log p − log q: the optimal D
>>> mon.update(0, logit(x), logit(z))
>>> s = mon.summary()
>>> s["divergence"], round(s["equilibrium"], 4), 0 < s["lower_bound"] < s["estimate"] < 0.12  # JSD = 0.1114
('jsd', 1.3863, True)
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import stats

from gantheory.errors import DependencyError, GanTheoryError
from gantheory.runs import alarms as _alarms
from gantheory.runs.bounds import C2ST, METHODS, c2st_test, check_alpha, upper_confidence
from gantheory.runs.conventions import Convention, resolve_convention

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["AuditedLoss", "Bound", "Monitor", "audit_losses"]


@dataclass(frozen=True)
class _Step:
    step: int
    n_real: int
    n_fake: int
    mean_real: float
    var_real: float
    mean_fake: float
    var_fake: float
    clip_real: float
    clip_fake: float
    correct: int
    out_real: float
    out_fake: float
    k3_real: float = 0.0                                # third central moments of the terms (skewness correction)
    k3_fake: float = 0.0
    train: tuple[int, float, float] | None = None     # (n, mean, var) of the real term on training samples
    logged: tuple[float, float] | None = None          # (logged value, recomputed value)


@dataclass(frozen=True)
class Bound:
    """One window of updates: the held-out loss V̂ with its two-sided (1 − α) interval, the divergence bound
    (plug-in ``estimate`` and one-sided (1 − α) ``lower_bound`` on the window's average divergence), the
    equilibrium value, the C2ST accuracy and the alarms of the window."""

    step_start: int
    step_end: int
    updates: int
    n_real: int
    n_fake: int
    loss: float
    loss_low: float
    loss_high: float
    estimate: float | None
    lower_bound: float
    equilibrium: float
    accuracy: float
    alarms: tuple[str, ...]

    def to_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


def _moments(t: np.ndarray) -> tuple[float, float, float]:
    """Mean, unbiased variance and third central moment of the terms (one pass over the deviations)."""
    m = float(t.mean())
    d = t - m
    d2 = d * d
    return m, float(d2.sum()) / (t.size - 1), float(d2 @ d) / t.size


def _array(x: Any, name: str) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().to("cpu").double().numpy()
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise GanTheoryError(f"parameter {name!r} must be an array of numbers (D's outputs), got "
                             f"{type(x).__name__}") from exc
    if not (a.ndim == 1 or (a.ndim == 2 and a.shape[1] == 1)):
        raise GanTheoryError(f"parameter {name!r}: logits must be 1-D or (n, 1), got shape {a.shape}")
    a = a.reshape(-1)
    if a.size < 2:
        raise GanTheoryError(f"parameter {name!r} needs at least 2 outputs, got {a.size}")
    if not np.all(np.isfinite(a)):
        raise GanTheoryError(f"parameter {name!r} has {int(np.sum(~np.isfinite(a)))} non-finite outputs")
    return a


@dataclass(frozen=True)
class AuditedLoss:
    """A user's (d_loss, g_loss) as the loss audit classifies it: the ``LOSSES`` row, its parameters, the
    generator kind, and the user's scale: d_loss = ``scale``·L_row + ``offset`` (½ for BCE over the pooled batch)."""

    loss: str
    params: dict
    generator: str | None
    scale: float
    offset: float


def audit_losses(d_loss: Callable, g_loss: Callable | None = None) -> AuditedLoss:
    """Classify (d_loss, g_loss) with :func:`gantheory.audit` and fit the user's scale on probe batches
    (least squares of d_loss against the row's loss of the same logits)."""
    from gantheory.loss_audit import audit
    from gantheory.losses import LOSSES

    rep = audit(d_loss, g_loss, symbolic=False, divergence=False)
    fam = rep.discriminator.family
    if fam not in LOSSES and rep.discriminator.params.get("unbounded"):  # an unconstrained critic: the linear row
        from gantheory.runs.conventions import linear_critic_row

        fam = linear_critic_row() or fam
    if fam not in LOSSES:
        raise GanTheoryError(f"parameter 'loss': the audit classifies d_loss as {fam!r}, which has no LOSSES row")
    row = LOSSES[fam]
    params = {k: float(v) for k, v in rep.discriminator.params.items() if k in row.params and v is not None}
    gen = rep.generator.kind if rep.generator is not None else None
    import torch

    real, fake = row.terms("numpy", **params)
    rng = np.random.default_rng(0)
    user, mine = [], []
    for _ in range(4):
        r, f = rng.normal(0.5, 1.5, 64), rng.normal(-0.5, 1.5, 64)
        user.append(float(d_loss(torch.as_tensor(r), torch.as_tensor(f))))
        mine.append(float(np.mean(real(r)) + np.mean(fake(f))))
    s, k = np.polyfit(mine, user, 1)
    return AuditedLoss(fam, params, gen, float(s), float(k))


def _audited(d_loss: Callable, g_loss: Callable | None, **kw: Any) -> Convention:
    """The convention of a user's (d_loss, g_loss), with the user's scale and offset."""
    from dataclasses import replace

    a = audit_losses(d_loss, g_loss)
    conv = resolve_convention(a.loss, a.params, generator=a.generator, **kw)
    return replace(conv, user_scale=a.scale, user_offset=a.offset)


class Monitor:
    r"""Divergence bounds, alarms and a C2ST from held-out discriminator outputs, updated during training.

    Args:
        loss: a key of :data:`gantheory.losses.LOSSES` (``"standard"``, ``"hinge"``, ``"least_squares"``,
            ``"linear"``, …), or ``(d_loss, g_loss)``: the user's loss functions (torch, logits in), which
            the loss audit classifies.
        alpha: the level: intervals are (1 − α), the divergence bound one-sided (1 − α).
        params: the row's parameters (hinge ``margin``, least squares ``a``/``b``).
        generator: the generator loss kind (``"minimax"``, ``"non_saturating"``, …), for the
            vanishing-gradient alarm; None when not known.
        method: ``"clt"`` (normal approximation from the per-sample variances, with a skewness correction;
            asymptotic) or
            ``"hoeffding"`` (outputs clipped to ``logit_clip``, finite-sample).
        heldout: ``"fresh"`` (new held-out real samples at every update) or ``"fixed"`` (the same held-out
            set every time; windows then use a conservative real-part error).
        logit_clip, lipschitz: see :func:`gantheory.runs.conventions.resolve_convention`.

    Outputs are logits for the cross-entropy rows and raw outputs for least squares, hinge and linear.
    """

    def __init__(self, loss: str | tuple[Callable, Callable | None] = "standard", alpha: float = 0.05, *,
                 params: dict[str, float] | None = None, generator: str | None = None, method: str = "clt",
                 heldout: str = "fresh", logit_clip: float = 10.0, lipschitz: float = 1.0) -> None:
        self.alpha = check_alpha(alpha)
        if method not in METHODS:
            raise GanTheoryError(f"parameter 'method' must be one of {METHODS}, got {method!r}")
        if heldout not in ("fresh", "fixed"):
            raise GanTheoryError(f"parameter 'heldout' must be 'fresh' or 'fixed', got {heldout!r}")
        self.method, self.heldout = method, heldout
        if isinstance(loss, tuple):
            if not loss or not callable(loss[0]):
                raise GanTheoryError("parameter 'loss' as a tuple must be (d_loss, g_loss) callables")
            self.convention = _audited(loss[0], loss[1] if len(loss) > 1 else None, logit_clip=logit_clip,
                                       lipschitz=lipschitz)
        else:
            self.convention = resolve_convention(loss, params, generator=generator, logit_clip=logit_clip,
                                                 lipschitz=lipschitz)
        self._steps: list[_Step] = []

    # -- input ---------------------------------------------------------------------------------------
    def update(self, step: int, real_logits: Any, fake_logits: Any, *, train_real_logits: Any = None,
               logged: float | None = None) -> None:
        """Record D's outputs at ``step`` on held-out real samples and fresh generated samples.

        ``train_real_logits``: D's outputs on real samples it was trained on (for the training-set alarm).
        ``logged``: the D loss your loop logged for *these same* outputs (to detect label smoothing or a
        regulariser folded into the logged value).
        """
        conv = self.convention
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
            if not (isinstance(step, (float, np.floating)) and math.isfinite(step) and float(step).is_integer()):
                raise GanTheoryError(f"parameter 'step' must be an integer, got {step!r}")
        r, f = _array(real_logits, "real_logits"), _array(fake_logits, "fake_logits")
        lo_d, hi_d = getattr(conv.row, "domain", (-math.inf, math.inf))
        for name, a in (("real_logits", r), ("fake_logits", f)):
            if a.min() < lo_d or a.max() > hi_d:
                raise GanTheoryError(f"parameter {name!r}: the {conv.name!r} game is played on outputs in "
                                     f"[{lo_d:g}, {hi_d:g}], got values in [{a.min():.4g}, {a.max():.4g}]")
        tr, tf = conv.terms(r, f)
        (m_r, v_r, k_r), (m_f, v_f, k_f) = _moments(tr), _moments(tf)
        if self.method == "hoeffding":
            cr, cf = (float(t.mean()) for t in conv.terms(r, f, clip=True))
        else:
            cr, cf = m_r, m_f
        o, th = conv.orientation, conv.threshold
        correct = int(np.sum(o * (r - th) > 0) + np.sum(o * (f - th) < 0))  # ties count as errors
        train = None
        if train_real_logits is not None:
            t, _ = conv.terms(_array(train_real_logits, "train_real_logits"), f[:2])
            train = (t.size, float(t.mean()), float(t.var(ddof=1)))
        log = None
        if logged is not None:
            if isinstance(logged, bool) or not isinstance(logged, (int, float, np.integer, np.floating)) \
                    or not math.isfinite(float(logged)):
                raise GanTheoryError(f"parameter 'logged' must be finite, got {logged!r}")
            recomputed = conv.user_scale * (m_r + m_f) + conv.user_offset
            log = (float(logged), recomputed)
        self._steps.append(_Step(int(step), r.size, f.size, m_r, v_r, m_f, v_f, cr, cf, correct, float(r.mean()),
                                 float(f.mean()), k_r, k_f, train, log))

    # -- statistics ----------------------------------------------------------------------------------
    def _window(self, steps: Sequence[_Step]) -> tuple[float, float, float]:
        """(loss estimate, its standard error, the one-sided (1 − α) upper bound U) of a window's average."""
        T = len(steps)
        loss = float(np.mean([s.mean_real + s.mean_fake for s in steps]))
        fake_var = sum(s.var_fake / s.n_fake for s in steps) / T**2
        if self.heldout == "fresh":
            real_var = sum(s.var_real / s.n_real for s in steps) / T**2
        else:  # the same held-out set: sd of the per-sample average ≤ the average sd (Cauchy–Schwarz)
            real_var = float(np.mean([math.sqrt(s.var_real) for s in steps])) ** 2 / min(s.n_real for s in steps)
        se = math.sqrt(real_var + fake_var)
        if self.method == "clt":
            # third cumulant of the window's average: Σ_t (k3_r/n_r² + k3_f/n_f²)/T³ (fresh samples); a fixed
            # held-out set contributes its mean k3_r/n_r² once
            k3_fake = sum(s.k3_fake / s.n_fake**2 for s in steps) / T**3
            if self.heldout == "fresh":
                k3_real = sum(s.k3_real / s.n_real**2 for s in steps) / T**3
            else:
                k3_real = float(np.mean([s.k3_real for s in steps])) / min(s.n_real for s in steps) ** 2
            skew = (k3_real + k3_fake) / se**3 if se > 0 else 0.0
            upper = upper_confidence(loss, se=se, alpha=self.alpha, method="clt", skewness=skew)
        else:
            R_r, R_f = self.convention.term_range
            n_r = min(s.n_real for s in steps) if self.heldout == "fixed" else None
            rsq_r = R_r**2 / n_r if n_r else sum(R_r**2 / s.n_real for s in steps) / T**2
            rsq = rsq_r + sum(R_f**2 / s.n_fake for s in steps) / T**2
            clipped = float(np.mean([s.clip_real + s.clip_fake for s in steps]))
            upper = upper_confidence(clipped, ranges_sq_over_n=rsq, alpha=self.alpha, method="hoeffding")
        return loss, se, upper

    def _bound(self, steps: Sequence[_Step]) -> Bound:
        conv = self.convention
        loss, se, upper = self._window(steps)
        z2 = float(stats.norm.ppf(1.0 - self.alpha / 2.0))
        est = conv.estimate(loss)
        lb = float(conv.bound(upper))
        correct = sum(s.correct for s in steps)
        n = sum(s.n_real + s.n_fake for s in steps)
        codes = []
        if _alarms.exceeds(loss - float(stats.norm.ppf(1 - self.alpha)) * se, conv.equilibrium):
            codes.append("above_equilibrium")
        if est is not None and _alarms.vanishing_gradient(conv, lb) is not None:
            codes.append("vanishing_gradient")
        return Bound(steps[0].step, steps[-1].step, len(steps), sum(s.n_real for s in steps),
                     sum(s.n_fake for s in steps), loss, loss - z2 * se, loss + z2 * se, est, lb, conv.equilibrium,
                     correct / n, tuple(codes))

    def bounds(self, window: int = 1) -> list[Bound]:
        """Per update (``window=1``) or per window of ``window`` consecutive updates (the last may be shorter):
        each bounds the window's *average* divergence at level 1 − α on its own (K windows together hold
        simultaneously at 1 − K·α, Bonferroni: use ``alpha/K`` for a simultaneous statement)."""
        if not isinstance(window, int) or window < 1:
            raise GanTheoryError(f"parameter 'window' must be a positive integer, got {window!r}")
        return [self._bound(self._steps[i:i + window]) for i in range(0, len(self._steps), window)]

    def c2st(self, last: int | None = None) -> C2ST:
        """Classifier two-sample test over every update (or the ``last`` ones): D's held-out decisions
        (output above the convention's threshold = "real"), exact binomial p-value against accuracy ½.

        Pooling updates needs independent decisions: with ``heldout="fixed"`` the same real samples are
        judged at every update, so by default only the last update is tested."""
        if last is None and self.heldout == "fixed":
            last = 1
        steps = self._steps[-last:] if last else self._steps
        return c2st_test(sum(s.correct for s in steps), sum(s.n_real + s.n_fake for s in steps), self.alpha)

    def alarms(self, window: int = 10) -> list[_alarms.Alarm]:
        """Every alarm over the updates so far (windows of ``window`` updates for "persistently")."""
        if not self._steps:
            return []
        conv, out = self.convention, []
        loss, se, upper = self._window(self._steps)
        lb = float(conv.bound(upper)) if conv.estimate(loss) is not None else 0.0  # impossible loss: no bound
        wins = self.bounds(window)
        frac = float(np.mean(["above_equilibrium" in b.alarms for b in wins]))
        for a in (_alarms.above_equilibrium(conv, loss, se, self.alpha, frac),
                  _alarms.below_minimum(conv, loss, se, self.alpha),
                  _alarms.vanishing_gradient(conv, lb)):
            if a is not None:
                out.append(a)
        logged = [s for s in self._steps if s.logged is not None]
        if logged:
            a = _alarms.logged_value_alarm(conv, np.array([s.logged[0] - s.logged[1] for s in logged]),
                                           np.array([s.out_real for s in logged]) * conv.user_scale,
                                           np.array([s.out_fake for s in logged]) * conv.user_scale,
                                           np.array([s.logged[0] for s in logged]),
                                           np.array([s.logged[1] for s in logged]))
            if a is not None:
                out.append(a)
        train = [s for s in self._steps if s.train is not None]
        if train:
            gap = float(np.mean([s.mean_real - s.train[1] for s in train]))
            # training samples are usually reused across updates: their part of the error is the conservative
            # (mean sd)²/n (Cauchy–Schwarz), never divided by the number of updates
            train_var = float(np.mean([math.sqrt(s.train[2]) for s in train])) ** 2 / min(s.train[0] for s in train)
            held = train if self.heldout == "fresh" else None
            held_var = (sum(s.var_real / s.n_real for s in held) / len(held) ** 2 if held else
                        float(np.mean([math.sqrt(s.var_real) for s in train])) ** 2 / min(s.n_real for s in train))
            var = train_var + held_var
            a = _alarms.training_set_alarm(gap, math.sqrt(var), self.alpha)
            if a is not None:
                out.append(a)
        a = _alarms.c2st_alarm(self.c2st(), lb, conv.symbol)
        if a is not None:
            out.append(a)
        return out

    def summary(self) -> dict[str, Any]:
        """Over every update so far (a contract): ``divergence``, ``estimate`` (plug-in divergence bound),
        ``lower_bound`` (one-sided (1 − α) confidence bound on the average divergence), ``equilibrium`` (the
        loss at p = q), ``alarms`` [{code, message}]; plus the loss, its interval, the method, the C2ST and
        what cannot be concluded."""
        conv = self.convention
        if not self._steps:
            return {"divergence": conv.report_divergence, "estimate": None, "lower_bound": None,
                    "equilibrium": conv.equilibrium, "alarms": []}
        b = self._bound(self._steps)
        method = ("normal approximation (CLT) from the per-sample variances, widened by the Edgeworth skewness "
                  "correction" if self.method == "clt" else
                  f"Hoeffding concentration bound, outputs clipped to [{conv.clip[0]:g}, {conv.clip[1]:g}]")
        return {"divergence": conv.report_divergence, "estimate": b.estimate, "lower_bound": b.lower_bound,
                "equilibrium": conv.equilibrium,
                "alarms": [{"code": a.code, "message": a.message} for a in self.alarms()],
                "loss": b.loss, "loss_interval": [b.loss_low, b.loss_high], "alpha": self.alpha,
                "method": method, "heldout": self.heldout, "updates": len(self._steps),
                "steps": [self._steps[0].step, self._steps[-1].step], "c2st": self.c2st().to_dict(),
                "convention": conv.to_dict(),
                "note": "the bound is on the average divergence over the updates, one-sided at level 1 − α",
                "cannot_conclude": _alarms.CANNOT_CONCLUDE,
                "mode_drop_sample_size": _alarms.mode_drop_table(self.alpha)}

    # -- output --------------------------------------------------------------------------------------
    def to_frame(self, window: int = 1) -> pd.DataFrame:
        """The bounds as a pandas DataFrame (one row per window)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - pandas is in the 'runs' extra
            raise DependencyError("Monitor.to_frame needs pandas: pip install 'gantheory[runs]'") from exc
        rows = [b.to_dict() for b in self.bounds(window)]
        for r in rows:
            r["alarms"] = ",".join(r["alarms"])
        return pd.DataFrame(rows)

    def plot(self, window: int = 1) -> Figure:
        """Two panels: the held-out loss with its (1 − α) interval and the equilibrium line; the divergence
        bound (plug-in and one-sided (1 − α))."""
        from gantheory.report.runs import monitor_figure

        return monitor_figure(self.bounds(window), self.convention, self.alpha)

    def write(self, directory: str | Path, window: int = 1) -> dict[str, Path]:
        """Write ``bounds.csv``, ``summary.json`` and ``monitor.png`` into ``directory``; returns the paths."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        paths = {"csv": out / "bounds.csv", "json": out / "summary.json", "png": out / "monitor.png"}
        import csv

        rows = [b.to_dict() for b in self.bounds(window)]
        with paths["csv"].open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["step_start"])
            writer.writeheader()
            for r in rows:
                writer.writerow({**r, "alarms": ",".join(r["alarms"])})
        paths["json"].write_text(json.dumps(self.summary(), indent=1, ensure_ascii=False, allow_nan=False))
        fig = self.plot(window)
        fig.savefig(paths["png"], dpi=100)
        import matplotlib.pyplot as plt

        plt.close(fig)
        return paths
