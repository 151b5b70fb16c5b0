r"""The lens shapes several claims share, each written once as a frozen dataclass.

A shape is called with a :class:`~gantheory.claims.model.Context` and returns a
:class:`~gantheory.results.LensResult`; its fields are its whole configuration, so a reader (and the
report) sees what a check does from the claim row alone.

- :class:`Derivation` — the symbolic lens: a registered derivation, proven step by step.
- :class:`StationaryOptimum` — a claimed pointwise optimum of a :data:`~gantheory.losses.LOSSES` row is a
  stationary maximum of the population objective in every direction (Richardson derivatives of
  certified integrals).
- :class:`TrainedDiscriminator` — a discriminator trained on samples with a row's loss is compared with
  the theory in the sup norm at a tolerance derived from the sample size.
- :class:`Algorithm1` — Goodfellow et al.'s minibatch training, with exact JSD of the affine generator.
- :class:`IdentityOverCases` — a computed quantity against an independent reference on named cases (one
  :func:`~gantheory.results.compare` measurement).
- :class:`DerivativeIdentity` — Richardson derivatives of certified integrals against reference
  derivatives (one :func:`~gantheory.results.compare` measurement).

Helpers for the topic modules (case pairs, Richardson derivatives, figure panels) live here too.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gantheory.claims.model import Context
from gantheory.numerics import LOG4, weighted
from gantheory.results import (
    Figure,
    LensResult,
    Measurement,
    Panel,
    Series,
    at_least,
    at_most,
    compare,
    fmt,
    verdict,
)
from gantheory.tolerances import TOLERANCES

if TYPE_CHECKING:
    from types import ModuleType

    from numpy.typing import ArrayLike

    from gantheory.densities import Density
    from gantheory.losses import Loss
    from gantheory.symbolic import Derivation

__all__ = ["Algorithm1", "Derivation", "DerivativeIdentity", "IdentityOverCases", "StationaryOptimum",
           "TrainedDiscriminator", "judge_derivation"]


# ----------------------------------------------------------------------------------------------------
# Helpers


def empirical() -> ModuleType:
    """gantheory.empirical, imported when a lens runs (it imports torch)."""
    return importlib.import_module("gantheory.empirical")


def short(values: ArrayLike, n: int = 240) -> tuple[float | None, ...]:
    """A figure series thinned to at most n points (reports stay small)."""
    values = np.asarray(values, dtype=np.float64).ravel()
    if values.size > n:
        values = values[np.linspace(0, values.size - 1, n).astype(int)]
    return tuple(float(v) if np.isfinite(v) else None for v in values)


def curve_panel(title: str, x: ArrayLike, curves: Iterable[tuple[str, ArrayLike, str]], *, xlabel: str = "x",
                ylabel: str = "density / D(x)", hlines: Iterable[tuple[float, str]] = (), logy: bool = False) -> Panel:
    return Panel(title, xlabel, ylabel, tuple(Series(label, short(x), short(y), style) for label, y, style in curves),
                 tuple(hlines), logy)


def richardson(f: Callable[[float], float], x0: float, h: float = 1e-3) -> float:
    """f'(x0) by central differences with one Richardson step (error O(h⁴))."""
    def central(s):
        return (f(x0 + s) - f(x0 - s)) / (2 * s)

    return (4 * central(h / 2) - central(h)) / 3


def window(*pairs: tuple[float, float], width: float = 6.0) -> tuple[float, float]:
    """A plotting/checking window covering ±width scales of every Gaussian (loc, scale)."""
    lo = min(loc - width * s for loc, s in pairs)
    hi = max(loc + width * s for loc, s in pairs)
    return lo, hi


def gaussian(density: Density) -> tuple[float, float] | None:
    """(loc, scale) of a scalar Normal, else None."""
    from gantheory.densities import Normal

    if isinstance(density, Normal) and np.ndim(density.loc) == 0 and np.ndim(density.scale) == 0:
        return float(density.loc), float(density.scale)
    return None


def case_pairs(names: Iterable[str]) -> list[tuple[str, Density, Density]]:
    """(label, p_data, p_g) of the named cases of :data:`gantheory.cases.CASES`; a Gaussian pair is labelled
    ``N(loc, scale)|N(loc, scale)``, any other pair by its case name."""
    from gantheory.cases import CASES

    out = []
    for name in names:
        case = CASES[name]
        a, b = gaussian(case.p), gaussian(case.q)
        label = f"N{a}|N{b}" if a is not None and b is not None else name
        out.append((label, case.p, case.q))
    return out


def gaussian_pairs(names: Iterable[str]) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """((loc, scale), (loc, scale)) of the named cases whose densities are both scalar Normals."""
    out = []
    for _, p, q in case_pairs(names):
        a, b = gaussian(p), gaussian(q)
        if a is not None and b is not None:
            out.append((a, b))
    return out


def loss_row(loss: str | Loss) -> Loss:
    """A :data:`~gantheory.losses.LOSSES` row, given the row or its name."""
    from gantheory.losses import resolve_loss

    return resolve_loss(loss) if isinstance(loss, str) else loss


# ----------------------------------------------------------------------------------------------------
# The symbolic lens: a registered Derivation, proven step by step.


def judge_derivation(derivation: Derivation, lens: str = "symbolic") -> LensResult:
    """A derivation's verdict: ``fail`` at its first failed step, ``error`` when a step is undecided."""
    steps = tuple(derivation.steps)
    failed = derivation.first_failure
    undecided = [s for s in steps if s.outcome == "undecided"]
    exact = sum(1 for s in steps if s.method == "sympy" and s.outcome == "proved")
    numeric = sum(1 for s in steps if s.method == "numeric" and s.outcome == "proved")
    record = dict(derivation.to_dict())
    record["text"] = derivation.to_text()
    record["latex"] = derivation.to_latex()
    n_failed = sum(1 for s in steps if s.outcome == "failed")
    measurement = Measurement(f"failed steps (of {len(steps)})", float(n_failed), 0.0, n_failed == 0, "≤",
                              f"{len(steps)} steps: {exact} exact (sympy), {numeric} numeric (mpmath, 40 digits), "
                              f"{len(undecided)} undecided")
    if failed is not None:
        summary = f"step '{failed.title}' failed" + (f": {failed.detail}" if failed.detail else "")
        return LensResult(lens, "fail", summary=summary[:300], measurements=(measurement,), derivation=record)
    if undecided:
        return LensResult(lens, "error", summary=f"{len(undecided)} step(s) undecided, first '{undecided[0].title}'",
                          measurements=(measurement,), derivation=record,
                          error="sympy could not decide and the numeric check was inconclusive")
    return LensResult(lens, "pass", summary=f"{len(steps)} steps proved ({exact} sympy, {numeric} numeric)",
                      measurements=(measurement,), derivation=record)


@dataclass(frozen=True)
class Derivation:
    """Symbolic lens: the first of ``derivations`` registered in ``gantheory.symbolic.DERIVATIONS``."""

    derivations: tuple[str, ...]

    def __call__(self, ctx: Context) -> LensResult:
        registry = getattr(importlib.import_module("gantheory.symbolic"), "DERIVATIONS", None)
        if registry is None:
            raise ImportError("gantheory.symbolic does not export DERIVATIONS")
        name = next((n for n in self.derivations if n in registry), None)
        if name is None:
            return LensResult("symbolic", "skipped", summary="no derivation registered",
                              reason="no symbolic derivation of this claim exists yet (gantheory.symbolic."
                                     f"DERIVATIONS has no {' / '.join(repr(n) for n in self.derivations)})")
        return judge_derivation(registry[name]())


@dataclass(frozen=True)
class Judged:
    """Symbolic lens of an already-built derivation (the symbolic negative controls)."""

    derivation: Any

    def __call__(self, ctx: Context) -> LensResult:
        return judge_derivation(self.derivation)


# ----------------------------------------------------------------------------------------------------
# Identities: a computed quantity (or a derivative) against an independent reference


@dataclass(frozen=True)
class IdentityOverCases:
    r"""max |computed(p, q) − reference(p, q)| over the pairs of ``cases`` (the first ``quick`` in the quick
    profile), as one :func:`~gantheory.results.compare` measurement ``name`` at the tolerance ``tolerance``
    (a key of :data:`~gantheory.tolerances.TOLERANCES`). ``computed`` is the code under test (certified
    quadrature), ``reference`` an independent route (the mpmath oracle, a closed form); both are functions
    or frozen dataclasses of (p_data, p_g). Rows are labelled as :func:`case_pairs` labels them; rows of
    pairs that are not cases (closed-form families) join through ``extra``.
    """

    name: str
    computed: Callable[[Density, Density], float]
    reference: Callable[[Density, Density], float]
    detail: str = "pairs"
    tolerance: str = "quadrature_atol"
    cases: tuple[str, ...] = ()
    quick: int | None = None

    def rows(self, ctx: Context) -> list[tuple[str, float, float]]:
        return [(label, float(self.computed(p, q)), float(self.reference(p, q)))
                for label, p, q in case_pairs(ctx.take(self.cases, self.quick))]

    def measurement(self, ctx: Context, extra: Iterable[tuple[str, float, float]] = ()) -> Measurement:
        rows = [*self.rows(ctx), *extra]
        return compare(self.name, rows, TOLERANCES[self.tolerance], self.detail)

    def __call__(self, ctx: Context) -> LensResult:
        m = self.measurement(ctx)
        return verdict("quadrature", [m], f"{self.name} {fmt(m.measured)}")


@dataclass(frozen=True)
class DerivativeIdentity:
    r"""max |f′(x₀) − reference| over rows ``(label, f, x₀, reference)``, f′ by :func:`richardson` (central
    differences of certified integrals, one Richardson step) and ``reference`` a number or a function whose
    Richardson derivative at x₀ is the reference (both sides differentiated the same way): one
    :func:`~gantheory.results.compare` measurement ``name`` at ``tolerance`` (default ``derivative_atol``).
    """

    name: str
    detail: str
    tolerance: str = "derivative_atol"

    def rows(self, rows: Iterable[tuple[str, Callable[[float], float], float, Any]]) -> list[tuple[str, float, float]]:
        return [(label, richardson(f, x0), richardson(ref, x0) if callable(ref) else float(ref))
                for label, f, x0, ref in rows]

    def measurement(self, rows: Iterable[tuple[str, Callable[[float], float], float, Any]]) -> Measurement:
        return compare(self.name, self.rows(rows), TOLERANCES[self.tolerance], self.detail)


# ----------------------------------------------------------------------------------------------------
# Stationary optimum: a candidate, perturbed, must be a stationary maximum.


def objective_derivative(objective: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
                         candidate: Callable[[np.ndarray, np.ndarray], np.ndarray], p: Density, q: Density,
                         direction: Callable[[np.ndarray], np.ndarray]) -> tuple[float, Callable[[float], float]]:
    """d/dε of J(candidate + ε·h) at ε = 0 by Richardson differences of certified integrals, where
    ``objective(value, lp, lq)`` is the pointwise objective and ``candidate(lp, lq)`` the claimed optimum
    (a logit or a value, whichever ``objective`` takes). Returns (derivative, J)."""
    from gantheory.quadrature import integrate

    def J(eps):
        def integrand(x, lp, lq):
            return objective(candidate(lp, lq) + eps * direction(x), lp, lq)

        return float(integrate(integrand, p, q))

    return richardson(J, 0.0), J


def _one(x):
    return 1.0 + 0.0 * x


def _bump(x):
    return np.exp(-0.5 * x * x)


DIRECTIONS = (("1", _one), ("tanh x", np.tanh), ("exp(-x²/2)", _bump))


def stationarity(objective: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
                 candidate: Callable[[np.ndarray, np.ndarray], np.ndarray], pairs: Iterable[tuple[str, Density, Density]],
                 *, name: str = "∂J/∂ε at the claimed optimum") -> list[Measurement]:
    """The claimed optimum is stationary (|∂J/∂ε| ≈ 0) and a maximum (J(±0.1 h) ≤ J(0)) in every direction."""
    grads, rises = [], []
    for label, p, q in pairs:
        for hname, h in DIRECTIONS:
            g, J = objective_derivative(objective, candidate, p, q, h)
            grads.append((f"{label}, h = {hname}", abs(g)))
            j0 = J(0.0)
            rises.append((f"{label}, h = {hname}", max(J(0.1) - j0, J(-0.1) - j0)))
    worst_g = max(grads, key=lambda t: t[1])
    worst_r = max(rises, key=lambda t: t[1])
    return [
        at_most(name, worst_g[1], TOLERANCES["derivative_atol"],
                f"max over {len(grads)} (pair, direction); worst {worst_g[0]}"),
        at_most("J(optimum ± 0.1·h) − J(optimum)", worst_r[1], TOLERANCES["quadrature_atol"],
                f"no perturbation may increase the objective; worst {worst_r[0]}"),
    ]


@dataclass(frozen=True)
class StationaryOptimum:
    r"""The optimum ``claimed`` for the game ``loss`` (a :data:`~gantheory.losses.LOSSES` row, or its name,
    with ``params``) is a stationary maximum of J(a) = −scale·∫ p·ℓ_real(a) + q·ℓ_fake(a).

    The candidate is ``claimed.optimum(log p, log q, **claimed_params) + logit_shift`` (by default the row's
    own optimum at its own parameters); every case pair and every direction h of :data:`DIRECTIONS`
    must give |∂J(a + εh)/∂ε| ≤ ``derivative_atol`` and J(a ± 0.1 h) ≤ J(a). ``quick`` cases run in the quick
    profile. ``label`` names the candidate in the summary.
    """

    loss: Any
    params: Mapping[str, float] = field(default_factory=dict)
    claimed: Any = None
    claimed_params: Mapping[str, float] | None = None
    logit_shift: float = 0.0
    scale: float = 1.0
    label: str = ""
    cases: tuple[str, ...] = ()
    quick: int | None = 3

    def objective(self, a: np.ndarray, lp: np.ndarray, lq: np.ndarray) -> np.ndarray:
        # −scale·(p·ℓ_real(a) + q·ℓ_fake(a)) with 0·∞ = 0; from the row's terms rather than Loss.objective,
        # whose positional ``a`` collides with the least-squares parameter ``a``.
        real, fake = loss_row(self.loss).terms("numpy", **self.params)
        value = -(weighted(lp, real(a)) + weighted(lq, fake(a)))
        return value if self.scale == 1.0 else self.scale * value

    def candidate(self, lp: np.ndarray, lq: np.ndarray) -> np.ndarray:
        row = loss_row(self.claimed or self.loss)
        params = self.claimed_params if self.claimed_params is not None else (
            self.params if self.claimed is None else {})
        a = row.optimum(lp, lq, **params)
        return a + self.logit_shift if self.logit_shift else a

    def measurements(self, ctx: Context) -> list[Measurement]:
        return stationarity(self.objective, self.candidate, case_pairs(ctx.take(self.cases, self.quick)))

    def __call__(self, ctx: Context) -> LensResult:
        ms = self.measurements(ctx)
        label = self.label or loss_row(self.claimed or self.loss).optimum_formula
        return verdict("quadrature", ms, f"{label} stationary to {fmt(ms[0].measured)} and maximal")


# ----------------------------------------------------------------------------------------------------
# A trained discriminator against the theory


@dataclass(frozen=True)
class TrainedDiscriminator:
    r"""Empirical lens of a discriminator-loss variant (label smoothing, least squares).

    Trains the degree-``degree`` polynomial model (logit for soft BCE, unconstrained output for least
    squares) with the loss of the ``loss`` row at ``params`` on the first of ``cases`` (p_data, p_g) with
    gantheory.empirical.train_discriminator, and checks D̂ against ``theory`` in the sup norm over the
    98%-mass region, at the tolerance derived there (widest sandwich-covariance Scheffé half-width + the
    family's approximation error). ``theory`` is a name of the trainer's theories, or None for
    ``claimed.optimum(log p, log q, **claimed_params)`` (a wrong theory written as a row's optimum).
    """

    loss: Any
    params: Mapping[str, float] = field(default_factory=dict)
    theory: str | None = "optimal"
    label: str = ""
    claimed: Any = None
    claimed_params: Mapping[str, float] | None = None
    degree: int = 6
    cases: tuple[str, ...] = ()

    @property
    def trainer_loss(self) -> str:
        """The trainer's spelling of the row (results and figure ids carry it): the inverse of the empirical
        lens's one mapping, :data:`gantheory.empirical.objectives.LOSS_ALIASES`."""
        from gantheory.empirical.objectives import LOSS_ALIASES

        name = loss_row(self.loss).name
        return next((alias for alias, row in LOSS_ALIASES.items() if row == name), name)

    def _theory(self, p, q):
        if self.theory is not None:
            return self.theory
        row = loss_row(self.claimed or self.loss)
        params = dict(self.claimed_params or {})
        return lambda x: row.optimum(p.logpdf(x), q.logpdf(x), **params)

    def __call__(self, ctx: Context) -> LensResult:
        emp = empirical()
        (_, p, q), *_ = case_pairs(self.cases)
        n = ctx.pick(4096, 16384)
        loss, kw = self.trainer_loss, loss_row(self.loss).bind(self.params)
        options = {"targets": (kw["alpha"], kw["beta"])} if loss == "soft_bce" else {"lsgan": (kw["a"], kw["b"])}
        theory = self._theory(p, q)
        r = emp.train_discriminator(p, q, family="logistic", degree=self.degree, n_samples=n, seed=ctx.seed,
                                    device=ctx.device, loss=loss, theory=theory, **options)
        if r.failed:
            ms = [at_least("fit finished without failure", 0.0, 1.0, r.failure)]
            return verdict("empirical", ms, "fit failed", seed=ctx.seed)
        level = round(100 * (1 - r.alpha))
        # The verdict is the sup norm. The Wald χ² against the theory's projection is shown, not judged: with
        # degree-6 features it is only roughly χ²_7 at these n (measured 10/200 rejections at α = 1% for
        # least squares at n = 4096), whereas the sup-norm check stayed below 0.71 of its tolerance in 200.
        ms = [at_most(f"sup|D̂ − D_theory| on the 98% region vs {self.label}", r.sup_error, r.tolerance,
                      f"degree-{r.degree} polynomial, n = {n} per class; tolerance = widest {level}% Scheffé "
                      "half-width (sandwich covariance) + the family's approximation error, both by quadrature; "
                      f"Wald χ²_{r.wald.dof} vs the projection {r.wald.statistic:.3g} (critical {r.wald.critical:.3g})")]
        x = np.linspace(*r.region, 241)
        from gantheory.empirical.discriminator import _theory_logit
        from gantheory.numerics import sigmoid

        curve = np.asarray(_theory_logit(theory, p, q, 1, 1, loss, options.get("targets", (1.0, 0.0)),
                                         options.get("lsgan", (-1.0, 1.0)))(x), dtype=np.float64)
        curve = curve if loss == "least_squares" else sigmoid(curve)
        fig = Figure(f"{loss.replace('_', '-')}-empirical", f"Trained D̂ ({loss}) against {self.label}", (
            curve_panel(f"p_data = {_density_name(p)}, p_g = {_density_name(q)}, n = {n}", x, [
                ("trained D̂", r.discriminator(x), "dashed"), (self.label, curve, "line")], ylabel="D(x)"),),
            f"sup|D̂ − D_theory| = {fmt(r.sup_error)} against the tolerance {fmt(r.tolerance)}.")
        return verdict("empirical", ms, f"sup|D̂−D| {fmt(r.sup_error)} ≤ {fmt(r.tolerance)} (n={n}, degree "
                       f"{r.degree}; Wald χ² {r.wald.statistic:.2f})", figures=(fig,),
                       seed=ctx.seed, details={"device": r.device, "dtype": r.dtype})


def _density_name(density) -> str:
    g = gaussian(density)
    return f"N({g[0]:g}, {g[1] ** 2:g})" if g is not None else type(density).__name__


# ----------------------------------------------------------------------------------------------------
# Algorithm 1


@functools.lru_cache(maxsize=4)
def train_gan_run(profile: str, seed: int, device: str, case: str = "identical-normal"):
    """One Algorithm-1 run per (profile, seed, device, case), shared by the claim and its negative control;
    p_data is the case's p_data."""
    from gantheory.cases import CASES

    quick = profile == "quick"
    return empirical().train_gan(CASES[case].p, generator="affine", loss="non_saturating", k=1,
                                 steps=1000 if quick else 4000, batch_size=256 if quick else 512, optimizer="adam",
                                 lr=2e-2 if quick else 1e-2, init=(2.0, 0.5), n_snapshots=4, seed=seed,
                                 device=device)


@dataclass(frozen=True)
class Algorithm1:
    r"""Goodfellow et al.'s Algorithm 1 on p_data = the first case's p_data (N(0, 1)) with an affine generator,
    the non-saturating loss and k = 1: the run must not diverge, end within ``gan_final_jsd`` of p_data (exact
    JSD of the Gaussian generator against N(``target_shift``, 1)) and leave D̂ within ``gan_half_atol`` of ½."""

    target_shift: float = 0.0
    cases: tuple[str, ...] = ("identical-normal",)

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.densities import Normal
        from gantheory.numerics import sigmoid

        (_, p, _), *_ = case_pairs(self.cases)
        tr = train_gan_run(ctx.profile, ctx.seed, ctx.device, self.cases[0])
        final_jsd = tr.final_jsd
        if self.target_shift and tr.params is not None and len(tr.params):
            from gantheory.quadrature import js_divergence

            final_jsd = float(js_divergence(Normal(self.target_shift, 1.0), Normal(*tr.params[-1])))
        ms = [at_least("run finished without divergence", 0.0 if tr.failed else 1.0, 1.0,
                       f"failed at step {tr.failed_step}" if tr.failed else f"{tr.steps} generator steps")]
        # None (not available: a failed run) is left out rather than reported as a number.
        if final_jsd is not None:
            ms.append(at_most("final JSD(p_data, p_g) (exact, quadrature)", final_jsd, TOLERANCES["gan_final_jsd"],
                              f"affine G, non-saturating loss, k = {tr.k}, m = {tr.batch_size}, {tr.optimizer}"))
        if tr.d_half_error is not None:
            ms.append(at_most("max |D̂(x) − ½| on the 98% support", tr.d_half_error, TOLERANCES["gan_half_atol"],
                              "trained logistic discriminator at the end"))
        panels = []
        for s in tr.snapshots:
            # p_g is the snapshot's density on its plotting grid; the floor only keeps log finite where it is 0
            dstar = sigmoid(np.asarray(p.logpdf(s.x)) - np.log(np.maximum(s.p_g, 1e-300)))
            panels.append(curve_panel(f"step {s.step}", s.x, [
                ("p_data", s.p_data, "line"), ("p_g", s.p_g, "line"), ("D̂ (trained)", s.discriminator, "dashed"),
                ("D* = p_data/(p_data+p_g)", dstar, "dotted")], ylabel="density / D(x)"))
        fig1 = Figure("algorithm-1-panels", "Figure 1 revisited: Algorithm 1 on p_data = N(0, 1) with an affine generator",
                      tuple(panels), "Black p_data, green p_g, blue dashed the trained D̂, orange dotted D*. At step 0 D̂ is "
                      "still untrained (logit 0, so D̂ = ½); as p_g → p_data, D̂ and D* both flatten to ½ "
                      "(Goodfellow et al. 2014, Fig. 1).")
        fig2 = Figure("algorithm-1-trajectory", "Algorithm 1: exact C(G_t) and JSD_t along the run", (
            curve_panel("C(G_t) (quadrature)", tr.record_steps, [("C(G_t)", tr.criterion, "line")], xlabel="step",
                        ylabel="nats", hlines=((-LOG4, "−log 4"),)),
            curve_panel("JSD(p_data, p_g^t)", tr.record_steps, [("JSD_t", np.maximum(tr.jsd, 1e-12), "line")],
                        xlabel="step", ylabel="nats", logy=True,
                        hlines=((TOLERANCES["gan_final_jsd"], "tolerance"),))),
            "p_g^t = N(μ_t, σ_t) is exact for the affine generator, so C and JSD are certified integrals.")
        return verdict("empirical", ms, f"JSD_T {fmt(final_jsd)} ≤ {fmt(TOLERANCES['gan_final_jsd'])}, "
                       f"max|D̂−½| {fmt(tr.d_half_error)} ({tr.steps} steps, {tr.device})",
                       figures=(fig1, fig2), seed=ctx.seed, details={"device": tr.device, "dtype": tr.dtype})
