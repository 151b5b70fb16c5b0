r"""A loss convention as the run monitor reads it: the map from a discriminator's loss to a divergence bound.

Every row of :data:`gantheory.losses.LOSSES` with a value at the optimum states, for any p and q,

.. math:: \min_D L_D = c + s\cdot\mathcal D(p\,\|\,q), \qquad s < 0,

so *any* discriminator D, with population loss L(D) ≥ min_D L_D, gives the variational lower bound

.. math:: \mathcal D(p\,\|\,q) \;\ge\; \frac{c - L(D)}{|s|}

(standard: JSD ≥ (log 4 − L)/2; hinge with margin m: TV ≥ (2m − L)/(2m); least squares with targets
a, b: Δ ≥ ((b − a)²/2 − L)/((b − a)²/4)). The equilibrium value (p = q, 𝒟 = 0) is c, the value of the
constant discriminator. A row without a value whose terms are those of a linear critic (−a on real,
a on fake: WGAN) gives W1 ≥ −L/K for a K-Lipschitz critic (Kantorovich–Rubinstein duality); the
Lipschitz constant is the user's claim, not something the logits can show. Rows are read generically,
so rows added to ``LOSSES`` later are picked up the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gantheory.errors import GanTheoryError
from gantheory.losses import LOSSES, Loss, resolve_loss

__all__ = ["REPORT_NAMES", "Convention", "linear_critic_row", "report_name", "resolve_convention"]

# W1 is no row of DIVERGENCES (it is no f-divergence): its name and symbol as the monitor reports them.
W1 = "w1"
_SYMBOLS = {W1: "W1"}

# The one map from a DIVERGENCES name (and W1) to the name the run monitor reports (issue 16's contract:
# summary()["divergence"] is "jsd" | "tv" | "triangular" | "w1" | …). Names not listed report as themselves.
REPORT_NAMES: dict[str, str] = {"js": "jsd", "total_variation": "tv", "triangular": "triangular", W1: "w1",
                                "squared_hellinger": "squared_hellinger", "neyman": "neyman", "pearson": "pearson",
                                "kl": "kl", "reverse_kl": "reverse_kl", "jeffreys": "jeffreys"}


def report_name(divergence: str) -> str:
    """The reported name of a divergence (``"js"`` → ``"jsd"``, ``"total_variation"`` → ``"tv"``)."""
    return REPORT_NAMES.get(divergence, divergence)


@dataclass(frozen=True)
class Convention:
    r"""One loss convention, bound to its parameters: L(D) = mean ℓ_real(a(x)) + mean ℓ_fake(a(z)), and
    min_D L = ``offset`` + ``scale``·𝒟 (``scale`` < 0), 𝒟 = ``divergence``.

    ``clip`` is the output interval [lo, hi] the concentration bound projects the outputs onto (a
    clipped discriminator is still a discriminator, so the variational bound holds for it; for hinge
    and least squares the projection onto the interval holding the targets never increases a term);
    ``term_range`` the ranges of ℓ_real and ℓ_fake on it. ``generator`` is the generator loss kind when
    known (``minimax``, ``non_saturating``, …); ``user_scale``/``user_offset`` map this convention's
    value to the user's own loss (L_user = user_scale·L + user_offset; 1 and 0 unless audited).
    """

    name: str
    row: Loss
    params: Mapping[str, float]
    divergence: str
    offset: float
    scale: float
    divergence_upper: float
    clip: tuple[float, float]
    term_range: tuple[float, float]
    threshold: float
    orientation: float = 1.0
    generator: str | None = None
    caveats: tuple[str, ...] = ()
    user_scale: float = 1.0
    user_offset: float = 0.0
    lipschitz: float | None = None
    _terms: tuple[Callable, Callable] = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    @property
    def equilibrium(self) -> float:
        """The loss at p = q with the best (constant) discriminator: the value a balanced game settles at."""
        return self.offset

    @property
    def minimum(self) -> float:
        """The least population loss any discriminator reaches for any p, q (𝒟 at its upper end)."""
        return self.offset + self.scale * self.divergence_upper

    @property
    def symbol(self) -> str:
        from gantheory.divergences import DIVERGENCES

        if self.divergence in DIVERGENCES:
            return DIVERGENCES[self.divergence].symbol or self.divergence
        return _SYMBOLS.get(self.divergence, self.divergence)

    def terms(self, real_outputs: np.ndarray, fake_outputs: np.ndarray,
              clip: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Per-sample ℓ_real on the real outputs and ℓ_fake on the fake outputs (float64, numpy)."""
        real, fake = self._terms
        r = np.asarray(real_outputs, dtype=np.float64).reshape(-1)
        f = np.asarray(fake_outputs, dtype=np.float64).reshape(-1)
        if clip:
            r, f = np.clip(r, *self.clip), np.clip(f, *self.clip)
        return np.asarray(real(r), dtype=np.float64), np.asarray(fake(f), dtype=np.float64)

    @property
    def report_divergence(self) -> str:
        """The divergence's reported name (:data:`REPORT_NAMES`)."""
        return report_name(self.divergence)

    def bound(self, loss_upper: float | np.ndarray) -> np.ndarray:
        """𝒟 ≥ (c − U)/|s| from an upper bound U on the population loss, clamped to the divergence's proven
        range [0, 𝒟_max] (a loss below the convention's minimum cannot raise the bound past 𝒟_max)."""
        raw = (self.offset - np.asarray(loss_upper, dtype=np.float64)) / abs(self.scale)
        return np.minimum(np.maximum(raw, 0.0), self.divergence_upper)

    def estimate(self, loss: float) -> float | None:
        """The plug-in (c − L)/|s|, 0 when L is above the equilibrium (a worse-than-constant D bounds nothing),
        and None when it exceeds 𝒟_max: L is below every discriminator's minimum, impossible for this
        convention, so no estimate is available (the ``below_minimum`` alarm says why)."""
        raw = (self.offset - float(loss)) / abs(self.scale)
        if not math.isfinite(raw) or raw > self.divergence_upper:
            return None
        return max(raw, 0.0)

    def describe(self) -> str:
        """``min_D L = log 4 − 2·JSD`` and the bound it gives, in words."""
        sym = self.symbol
        c = "log 4" if math.isclose(self.offset, math.log(4.0)) else f"{self.offset:.6g}"
        return f"min_D L = {c} − {abs(self.scale):.6g}·{sym}, so {sym} ≥ ({c} − L)/{abs(self.scale):.6g}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (a minimum of −∞, for a divergence without an upper end, is ``None``)."""
        def num(v: float) -> float | None:
            return float(v) if math.isfinite(v) else None

        return {"loss": self.name, "params": dict(self.params), "divergence": self.report_divergence,
                "symbol": self.symbol,
                "offset": self.offset, "scale": self.scale, "equilibrium": self.equilibrium,
                "minimum": num(self.minimum), "generator": self.generator, "clip": list(self.clip),
                "relation": self.describe(), "caveats": list(self.caveats),
                "user_scale": self.user_scale, "user_offset": self.user_offset}


def _is_linear_critic(row: Loss, params: Mapping[str, float]) -> bool:
    """ℓ_real(a) = −a + k and ℓ_fake(a) = a + k' (a WGAN critic), checked on a grid."""
    real, fake = row.terms("numpy", **params)
    a = np.linspace(-3.0, 3.0, 13)
    r, f = np.asarray(real(a), dtype=np.float64), np.asarray(fake(a), dtype=np.float64)
    return bool(np.allclose(np.diff(r), -np.diff(a)) and np.allclose(np.diff(f), np.diff(a)))


def linear_critic_row() -> str | None:
    """The name of the first ``LOSSES`` row without a value whose terms are a linear critic's (WGAN), if any."""
    for name, row in LOSSES.items():
        if row.value is None and getattr(row, "coupling", "separable") == "separable" and not row.params \
                and _is_linear_critic(row, {}):
            return name
    return None


def _range(fn: Callable, lo: float, hi: float) -> float:
    """max − min of a continuous term on [lo, hi] (a fine grid plus the endpoints)."""
    grid = np.linspace(lo, hi, 4001)
    v = np.asarray(fn(grid), dtype=np.float64)
    return float(np.max(v) - np.min(v))


def _geometry(row: Loss, kw: Mapping[str, float], logit_clip: float) -> tuple[tuple[float, float], float, float]:
    """(clip interval, C2ST threshold, orientation) of a row, read from its optimum a*(t), t = p/(p + q).

    The clip interval is the range of a*(t) over t ∈ (0, 1) where that is bounded (least squares [a, b],
    hinge [−m, m], EBGAN [0, m]: projecting any output onto it moves it towards every pointwise optimum,
    so a convex game's loss never increases), else ±``logit_clip`` — always inside the row's domain. The
    threshold is a* at p = q; the orientation says on which side of it the row puts "real" (a swapped row's
    optimum points the other way)."""
    t = np.linspace(1e-6, 1 - 1e-6, 2001)
    lp = np.concatenate([[0.0, -np.inf], np.log(t)])       # the limits t = 1 (q = 0) and t = 0 (p = 0) first
    lq = np.concatenate([[-np.inf, 0.0], np.log1p(-t)])
    with np.errstate(all="ignore"):
        opt = np.asarray(row.optimum(lp, lq, **kw), dtype=np.float64)
    lo, hi = float(np.nanmin(opt)), float(np.nanmax(opt))
    if row.output == "logit" or not math.isfinite(lo):
        lo = -logit_clip
    if row.output == "logit" or not math.isfinite(hi):
        hi = logit_clip
    lo_d, hi_d = getattr(row, "domain", (-math.inf, math.inf))
    lo, hi = max(lo, lo_d), min(hi, hi_d)
    if not lo < hi:
        lo, hi = (lo_d if math.isfinite(lo_d) else -logit_clip), (hi_d if math.isfinite(hi_d) else logit_clip)
    with np.errstate(all="ignore"):
        mid = float(row.optimum(0.0, 0.0, **kw))
        hi_p, hi_q = float(row.optimum(math.log(2.0), 0.0, **kw)), float(row.optimum(0.0, math.log(2.0), **kw))
    threshold = mid if math.isfinite(mid) else 0.5 * (lo + hi)
    orientation = 1.0 if hi_p >= hi_q else -1.0
    return (float(lo), float(hi)), threshold, orientation


def resolve_convention(loss: str | Loss, params: Mapping[str, float] | None = None, *, generator: str | None = None,
                       logit_clip: float = 10.0, lipschitz: float = 1.0) -> Convention:
    """The :class:`Convention` of a ``LOSSES`` row (by name or row) with ``params``.

    ``logit_clip`` (M) is the output interval [−M, M] of the concentration bound for rows whose outputs
    are unbounded logits; ``lipschitz`` (K) the Lipschitz constant claimed for a linear critic.
    Raises :class:`GanTheoryError` for a row whose value at the optimum is no divergence (label
    smoothing, class weighting): its bound is the standard row's, on the same logits.
    """
    row = loss if isinstance(loss, Loss) else resolve_loss(str(loss))
    if generator is not None:
        from gantheory.losses import GENERATORS

        if not isinstance(generator, str) or generator not in GENERATORS:
            import difflib

            close = difflib.get_close_matches(str(generator), list(GENERATORS), n=3, cutoff=0.3)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise GanTheoryError(f"parameter 'generator' must be one of {sorted(GENERATORS)}, got {generator!r}{hint}")
    if getattr(row, "coupling", "separable") != "separable":
        raise GanTheoryError(f"parameter 'loss': the row {row.name!r} couples real and fake outputs ({row.coupling}); "
                             "its loss has no per-sample terms and no value at the optimum as a divergence, so the "
                             "monitor cannot bound one from it")
    if not (isinstance(logit_clip, (int, float)) and math.isfinite(logit_clip) and logit_clip > 0):
        raise GanTheoryError(f"parameter 'logit_clip' must be a positive finite number, got {logit_clip!r}")
    if not (isinstance(lipschitz, (int, float)) and math.isfinite(lipschitz) and lipschitz > 0):
        raise GanTheoryError(f"parameter 'lipschitz' must be a positive finite number, got {lipschitz!r}")
    kw = row.bind(params)
    caveats: list[str] = []
    if row.value is not None:
        from gantheory.divergences import DIVERGENCES

        div = row.value.divergence
        scale, offset = float(row.value.scale(kw)), float(row.value.offset(kw))
        upper = float(DIVERGENCES[div].upper) if div in DIVERGENCES else math.inf
        k = None
    elif _is_linear_critic(row, kw):
        real, fake = row.terms("numpy", **kw)
        # L = E_p ℓ_real + E_q ℓ_fake = −(E_p a − E_q a) + k + k' ≥ −K·W1 + k + k'
        offset = float(real(np.array(0.0)) + fake(np.array(0.0)))
        div, scale, upper, k = W1, -float(lipschitz), math.inf, float(lipschitz)
        caveats.append(f"W1 ≥ −L/K holds only if the critic is K-Lipschitz (K = {lipschitz:g} assumed): weight "
                       "clipping gives some unknown K, a gradient penalty only encourages K ≤ 1 near the samples "
                       "(Arjovsky et al. 2017; Gulrajani et al. 2017)")
    else:
        alternatives = sorted(n for n, r in LOSSES.items() if r.value is not None)
        raise GanTheoryError(
            f"parameter 'loss': the row {row.name!r} has no value at the optimum as a divergence, so its loss "
            f"bounds none; evaluate one of {alternatives} on the same outputs instead (the variational bound "
            "holds for any discriminator, e.g. the standard loss of a label-smoothed D)")
    if not scale < 0:
        raise GanTheoryError(f"parameter 'loss': the row {row.name!r} has value scale {scale} ≥ 0; no lower bound")
    clip, threshold, orientation = _geometry(row, kw, float(logit_clip))
    real, fake = row.terms("numpy", **kw)
    term_range = (_range(real, *clip), _range(fake, *clip))
    return Convention(row.name, row, kw, div, offset, scale, upper, clip, term_range, threshold, orientation, generator,
                      tuple(caveats), lipschitz=k, _terms=(real, fake))
