r"""Claims of the original GAN (Goodfellow et al. 2014) and of its generator losses.

Mirrors :mod:`gantheory.symbolic.gan`: the optimal discriminator (Prop. 1), the global optimum (Thm. 1)
and the bounds of the JSD, the change of variables behind V, binary cross-entropy as −V, saturation of
the minimax generator loss and what the non-saturating loss minimises (Arjovsky & Bottou 2017).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gantheory.cases import CASES, tagged
from gantheory.claims.model import Claim, Context, Control, NotApplicable
from gantheory.claims.references import (
    MP_DPS,
    mp_density,
    mp_divergence,
    mp_integral,
    mp_jsd_location_derivative,
)
from gantheory.claims.shapes import (
    DerivativeIdentity,
    IdentityOverCases,
    StationaryOptimum,
    case_pairs,
    curve_panel,
    empirical,
    gaussian,
    gaussian_pairs,
    richardson,
    short,
    window,
)
from gantheory.losses import GENERATORS, GOODFELLOW
from gantheory.numerics import LOG2, LOG4, sigmoid, weighted
from gantheory.results import (
    Figure,
    LensResult,
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
    from numpy.typing import ArrayLike

    from gantheory.densities import Affine, Density, Monotone


# The case pairs of the quadrature checks (gantheory.cases, tag "stationarity"): unequal scales, a narrow
# far mode, non-Gaussian, wide apart; the Gaussian ones where a lens needs scipy.stats or (loc, scale).
STATIONARITY_CASES = tuple(tagged("stationarity"))
GAUSSIAN_CASES = tuple(name for name in STATIONARITY_CASES if all(gaussian(d) is not None for d in CASES[name]))




def _criterion(p: Density, q: Density) -> float:
    """C(G) = sup_D V(D, G) by certified quadrature (the code under test)."""
    from gantheory.quadrature import criterion

    return float(criterion(p, q))


def _mp_js(p: Density, q: Density) -> float:
    """JSD (½ convention) by the mpmath oracle."""
    return mp_divergence(p, q, "js")


def _criterion_mpmath(p: Density, q: Density) -> float:
    """C(G) by the mpmath oracle (the independent reference)."""
    return mp_divergence(p, q, "criterion")


# ----------------------------------------------------------------------------------------------------
# optimal-discriminator (Prop. 1)


@dataclass(frozen=True)
class OptimalDiscriminatorQuadrature:
    r"""D*(x) = σ(log p − log q + ``logit_shift``) against scipy.stats' p/(p + q) pointwise, V(D*, G) against
    mpmath's sup_D V = C(G), and the :class:`StationaryOptimum` of the standard game (Gaussian cases only
    for the first two; the first ``quick`` cases in the quick profile)."""

    logit_shift: float = 0.0
    cases: tuple[str, ...] = ()
    quick: int | None = 3

    def value(self, p: Density, q: Density) -> float:
        """V(D, G) of the candidate D = σ(log p − log q + logit_shift), by certified quadrature."""
        from gantheory.quadrature import value_function

        candidate = StationaryOptimum("standard", logit_shift=self.logit_shift).candidate
        return float(value_function(lambda t: candidate(p.logpdf(t), q.logpdf(t)), p, q, logits=True))

    def __call__(self, ctx: Context) -> LensResult:
        from scipy import stats

        from gantheory.densities import Normal

        stationary = StationaryOptimum("standard", logit_shift=self.logit_shift, cases=self.cases,
                                       quick=self.quick)
        candidate = stationary.candidate
        names = ctx.take(self.cases, self.quick)
        rows = []
        for a, b in gaussian_pairs(names):
            p, q = Normal(*a), Normal(*b)
            x = np.linspace(*window(a, b), 401)
            # Independent reference: scipy.stats densities, D* = p / (p + q) formed directly.
            pp, qq = stats.norm.pdf(x, *a), stats.norm.pdf(x, *b)
            ok = (pp + qq) > 1e-300  # guard: p/(p + q) is 0/0 where both densities underflow
            ref = pp[ok] / (pp[ok] + qq[ok])
            got = sigmoid(candidate(p.logpdf(x[ok]), q.logpdf(x[ok])))
            k = int(np.argmax(np.abs(got - ref)))
            rows.append((f"N{a}|N{b} at x = {x[ok][k]:.3g}", got[k], ref[k]))
        gaussian_names = tuple(n for n in names if all(gaussian(d) is not None for d in CASES[n]))
        ms = [
            compare("max |D(x) − p/(p+q)|", rows, TOLERANCES["pointwise_atol"], "pairs (scipy.stats reference)"),
            IdentityOverCases("|V(D, G) − C(G)_mpmath|", self.value, _criterion_mpmath,
                              "pairs (mpmath 30-digit sup_D V)", cases=gaussian_names).measurement(ctx),
            *stationary.measurements(ctx),
        ]
        (a, b), *_ = gaussian_pairs(names)
        p, q = Normal(*a), Normal(*b)
        x = np.linspace(*window(a, b, width=4), 241)
        fig = Figure("optimal-discriminator-quadrature", "D*(x) = p/(p+q) and the value it attains", (
            curve_panel(f"p_data = N{a}, p_g = N{b}", x, [
                ("p_data", p.pdf(x), "line"), ("p_g", q.pdf(x), "line"),
                ("D*(x)", sigmoid(candidate(p.logpdf(x), q.logpdf(x))), "dashed")]),),
            "Candidate discriminator against the two densities; the check compares it with scipy.stats and V with mpmath.")
        return verdict("quadrature", ms, f"|V(D*,G) − C(G)| {fmt(ms[1].measured)} over {len(gaussian_names)} pairs "
                       f"(mpmath); stationary & maximal in {3 * len(names)} directions", figures=(fig,))


def _calibration_figure(calib) -> Figure:
    from scipy import stats

    stat = np.asarray(calib.statistics, dtype=np.float64)
    hi = max(float(np.quantile(stat, 0.995)), calib.critical) * 1.3
    edges = np.linspace(0.0, hi, 31)
    heights, _ = np.histogram(np.clip(stat, 0, hi), bins=edges, density=True)
    xs = np.linspace(1e-3, hi, 200)  # plotting grid: starts off 0, where the χ² density of dof 1 is infinite
    left = Panel(f"H0 (correct D*): {calib.rejections}/{stat.size} rejected", "Wald statistic", "density", (
        Series(f"{stat.size} replicates", short(edges), short(heights), "hist"),
        Series(f"χ²_{calib.dof} density", short(xs), short(stats.chi2.pdf(xs, calib.dof)), "line")),
        vlines=((calib.critical, f"critical value (α = {calib.alpha})"),))
    right_series = []
    for name, values in calib.power_statistics.items():
        v = np.log10(np.maximum(np.asarray(values, dtype=np.float64), 1e-3))  # plotting floor of the log axis
        e = np.linspace(-1, max(4.0, float(v.max()) + 0.2), 41)
        h, _ = np.histogram(v, bins=e, density=True)
        right_series.append(Series(f"{name} (power {calib.power[name]:.2f})", short(e), short(h), "hist"))
    right = Panel("Wrong theories: far beyond the critical value", "log10 Wald statistic", "density",
                  tuple(right_series), vlines=((math.log10(calib.critical), "critical value"),))
    return Figure("calibration", "Calibration of the empirical check (Wald χ² of logistic D̂ against D*)", (left, right),
                  f"Left: under the correct theory the statistics follow χ²_{calib.dof} and about α = {calib.alpha} of "
                  f"{stat.size} replicates exceed the critical value (binomial p = {calib.binomial_pvalue:.3g}). Right: "
                  "against D = p/(p+2q), a label swap and a prior shift (m ≠ n) the check rejects.")


def _power_figure(curve, n: int) -> Figure:
    """Power against near misses D = p/(p + c·q): measured at the calibration's n, predicted (noncentral χ²),
    and the n per class each needs for 80% power."""
    slip = [c - 1.0 for c in curve.factors]
    left = Panel(f"Power at n = {curve.n_samples} per class ({curve.replicates} replicates)", "c − 1 in D = p/(p + c·q)",
                 "rejection rate", (
                     Series("measured (calibration replicates)", tuple(slip), tuple(curve.power), "points"),
                     Series("predicted (noncentral χ²)", tuple(slip), tuple(curve.predicted_power), "line")),
                 hlines=((curve.target_power, f"{round(100 * curve.target_power)}% power"),
                         (curve.alpha, f"α = {curve.alpha}")))
    right = Panel("n per class for 80% power", "c − 1 in D = p/(p + c·q)", "n (predicted)", (
        Series("n for 80% power", tuple(slip), tuple(float(k) for k in curve.n_for_target), "points"),),
        hlines=((float(n), f"n = {n} (this lens)"),), logy=True)
    return Figure("power-curve", "What the empirical check can see: power against near misses D = p/(p + c·q)",
                  (left, right),
                  f"The calibration's {curve.replicates} fits tested against D = p/(p + c·q) for c from "
                  f"{curve.factors[0]:g} to {curve.factors[-1]:g} at α = {curve.alpha}. Left: measured rejection rate "
                  "and the noncentral-χ² prediction. Right: the n per class at which the prediction reaches 80% power; "
                  "wrong theories above the dashed line's n are, at this lens's n, mostly accepted: a power limit, "
                  "not a proof.")


@dataclass(frozen=True)
class OptimalDiscriminatorEmpirical:
    r"""A degree-2 logistic D̂ trained on the first case, tested against ``theory`` (Wald χ², Scheffé band,
    V(D̂) ≤ C(G)); for the correct theory also the calibration of the test (false rejections at α are
    Binomial, power against wrong theories ≈ 1)."""

    theory: str = "optimal"
    cases: tuple[str, ...] = ()

    def __call__(self, ctx: Context) -> LensResult:
        emp = empirical()
        (_, p, q), *_ = case_pairs(self.cases)
        n = ctx.pick(4096, 16384)
        r = emp.train_discriminator(p, q, family="logistic", degree=2, n_samples=n, seed=ctx.seed,
                                    device=ctx.device, theory=self.theory)
        ms = []
        if r.wald is not None:
            ms.append(at_most("Wald χ² statistic of θ̂ vs the theory", r.wald.statistic, r.wald.critical,
                              f"χ²_{r.wald.dof} critical value at α = {r.wald.alpha}"))
        band = r.band
        level = round(100 * (1 - r.alpha))
        if band is not None:
            # Inside the simultaneous band ⇔ |logit D̂ − logit D_T| ≤ half-width at every grid point.
            from scipy.special import logit  # the inverse of gantheory.numerics.sigmoid (expit)

            ratio = float(np.max(np.abs(logit(band.estimate) - logit(band.theory)) / band.half_width_logit))
            ms.append(at_most(f"max |logit D̂ − logit D_theory| / {level}% band half-width", ratio, 1.0,
                              f"Scheffé band on {band.x.size} points of the 98% region, n = {n}; "
                              f"sup|D̂ − D_theory| = {fmt(np.max(np.abs(band.estimate - band.theory)))}"))
        if r.failed:
            ms.append(at_least("fit finished without failure", 0.0, 1.0, r.failure))
        else:
            ms.append(at_most("V(D̂, G) − C(G) (Prop. 1: ≤ 0)", -r.gap, TOLERANCES["quadrature_atol"],
                              "the trained D̂ cannot beat D*"))
        figures = []
        calib = None
        if self.theory == "optimal":
            reps = ctx.pick(200, 1000)
            calib = emp.calibrate(p, q, replicates=reps, n_samples=ctx.pick(512, 4096), seed=ctx.seed + 1000,
                                  device=ctx.device)
            ms.append(at_least("binomial p-value of the false-rejection count", calib.binomial_pvalue,
                               TOLERANCES["calibration_pvalue_min"],
                               f"{calib.rejections}/{len(calib.statistics)} rejections at α = {calib.alpha}"))
            ms.append(at_least("minimum power against wrong theories", min(calib.power.values()),
                               TOLERANCES["power_min"], ", ".join(f"{k}: {v:.3f}" for k, v in calib.power.items())))
            figures.append(_calibration_figure(calib))
            from gantheory.empirical.power import near_miss_power

            curve = near_miss_power(calib, p, q)
            figures.append(_power_figure(curve, n))
            figures.append(Figure("optimal-discriminator-empirical", "Trained logistic D̂ against D* with its Scheffé band", (
                curve_panel(f"n = {n} per class, seed {ctx.seed}", band.x, [
                    ("D* (Prop. 1)", band.theory, "line"), ("trained D̂", band.estimate, "dashed"),
                    ("band lower", band.lower, "dotted"), ("band upper", band.upper, "dotted")],
                    ylabel="D(x)"),),
                f"{int(100 * (1 - r.alpha))}% simultaneous band from the Fisher information (delta method)."))
        summary = f"sup|D̂−D*| {fmt(r.sup_error)}, inside the {level}% band (n={n})"
        details = {"device": r.device, "dtype": r.dtype}
        if calib is not None:
            summary += f"; {calib.rejections}/{len(calib.statistics)} false rejections at α={calib.alpha}"
            seen = [(c, k) for c, k in zip(curve.factors, curve.n_for_target, strict=True) if k <= n]
            summary += (f"; sees D = p/(p+{seen[0][0]:g}q) with 80% power at n = {n}" if seen else
                        f"; blind to D = p/(p+{curve.factors[-1]:g}q) at n = {n}")
            details["power_curve"] = {**curve.to_dict(), "lens_n_samples": n}
        return verdict("empirical", ms, summary, figures=figures, seed=ctx.seed, details=details)


# ----------------------------------------------------------------------------------------------------
# global-optimum (Thm. 1) and jsd-bounds

UNIFORM_SHIFTS = (0.0, 0.25, 0.5, 1.0, 3.0)


@dataclass(frozen=True)
class GlobalOptimum:
    r"""C(G) = sup_D V (certified quadrature) equals ``offset`` + ``scale``·JSD on the Gaussian cases (JSD by
    mpmath) and on shifted uniforms (JSD closed form), and over two generator families its minimum −log 4 is
    attained exactly at p_g = p_data."""

    offset: float = -LOG4
    scale: float = 2.0
    label: str = "−log 4 + 2·JSD"
    cases: tuple[str, ...] = ()
    quick: int | None = 2

    def formula(self, jsd: float) -> float:
        return self.offset + self.scale * jsd

    def reference(self, p: Density, q: Density) -> float:
        """The claimed C(G) from the mpmath oracle's JSD."""
        return self.formula(mp_divergence(p, q, "js"))

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.closed_forms import js_uniform
        from gantheory.densities import Normal, Uniform
        from gantheory.quadrature import criterion

        uniform = [(f"U(0,1)|U({s},{1 + s})", float(criterion(Uniform(0, 1), Uniform(s, 1 + s))),
                    self.formula(float(js_uniform(0, 1, s, 1 + s)))) for s in UNIFORM_SHIFTS]
        identity = IdentityOverCases(f"|C(G) − ({self.label})|", _criterion, self.reference,
                                     "pairs (references: mpmath JSD at 30 digits; JSD of shifted uniforms = "
                                     "min(s,1)·log 2)", cases=self.cases, quick=self.quick)
        ms = [identity.measurement(ctx, uniform)]
        n_pairs = len(ctx.take(self.cases, self.quick)) + len(uniform)
        # Minimum iff p_g = p_data, across two generator families.
        locs = np.linspace(-4.0, 4.0, ctx.pick(81, 161))
        scales = np.exp(np.linspace(np.log(0.25), np.log(4.0), ctx.pick(61, 121)))
        c_loc = np.asarray(criterion(Normal(0.0, 1.0), Normal(locs, 1.0)))
        c_scale = np.asarray(criterion(Normal(0.0, 1.0), Normal(0.0, scales)))
        at = int(np.argmin(np.abs(locs)))
        ms.append(at_most("|min C(G) + log 4| at p_g = p_data", abs(c_loc[at] + LOG4), TOLERANCES["quadrature_atol"],
                          "generator N(μ, 1), μ = 0"))
        others = np.delete(c_loc, at)
        ms.append(at_least("min over p_g ≠ p_data of C(G) + log 4", float(np.min(others) + LOG4),
                           TOLERANCES["strict_minimum_margin"],
                           f"{others.size} generators N(μ, 1), μ ≠ 0: strictly above −log 4"))
        fig = Figure("criterion-family", "C(G) across generator families: minimum −log 4 exactly at p_g = p_data", (
            curve_panel("p_data = N(0,1), p_g = N(μ, 1)", locs, [("C(G)", c_loc, "line")], xlabel="μ",
                        ylabel="C(G) (nats)", hlines=((-LOG4, "−log 4"),)),
            curve_panel("p_data = N(0,1), p_g = N(0, σ²)", np.log2(scales), [("C(G)", c_scale, "line")],
                        xlabel="log2 σ", ylabel="C(G) (nats)", hlines=((-LOG4, "−log 4"),))),
            "C(G) = sup_D V(D, G) computed from D* by certified quadrature; Thm. 1: C(G) = −log 4 + 2·JSD ≥ −log 4.")
        return verdict("quadrature", ms, f"|C − (−log 4 + 2·JSD)| {fmt(ms[0].measured)} over {n_pairs} pairs; "
                       f"min −log 4 at p_g = p_data", figures=(fig,))


@dataclass(frozen=True)
class JsdBounds:
    r"""``gantheory.quadrature.js_divergence`` (or its square root, ``distance=True``: scipy's
    ``jensenshannon``, the classic trap) equals 0, log 2 and min(s, 1)·log 2 where those are exact, the mpmath
    JSD on the Gaussian cases, and lies in [0, log 2] on random Gaussian pairs."""

    distance: bool = False
    cases: tuple[str, ...] = ()
    quick: int | None = 1

    def divergence(self, p: Density, q: Density) -> np.ndarray:
        from gantheory.quadrature import js_divergence

        js = np.asarray(js_divergence(p, q))
        return np.sqrt(np.maximum(js, 0.0)) if self.distance else js

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.closed_forms import js_uniform
        from gantheory.densities import Discrete, Normal, Uniform

        f, label = self.divergence, "√JSD" if self.distance else "JSD"
        rows = [(f"U(0,1)|U({s},{1 + s})", float(f(Uniform(0, 1), Uniform(s, 1 + s))), float(js_uniform(0, 1, s, 1 + s)))
                for s in (0.0, 0.1, 0.5, 1.0, 2.0)]
        rows.append(("N(-5,0.01)|N(5,0.01) (disjoint in float64)", float(f(Normal(-5, 0.01), Normal(5, 0.01))), LOG2))
        rows.append(("Discrete{0,1}|Discrete{2,3}", float(f(Discrete([0, 1], [0.5, 0.5]), Discrete([2, 3], [0.3, 0.7]))),
                     LOG2))
        rows.append(("N(0,1)|N(0,1)", float(f(Normal(0, 1), Normal(0, 1))), 0.0))
        rng = np.random.default_rng(ctx.seed)
        k = ctx.pick(64, 512)
        batch = np.asarray(f(Normal(rng.uniform(-5, 5, k), rng.uniform(0.05, 5, k)),
                             Normal(rng.uniform(-5, 5, k), rng.uniform(0.05, 5, k))))
        # the exact values above join the mpmath JSD of the cases in one measurement
        ms = [
            IdentityOverCases(f"|{label} − reference|", self.divergence, _mp_js,
                              "pairs (closed forms: 0, log 2, min(s,1)·log 2; mpmath 30 digits)", cases=self.cases,
                              quick=self.quick).measurement(ctx, rows),
            at_least(f"min {label} over random pairs", float(batch.min()), -TOLERANCES["quadrature_atol"],
                     f"{k} random Gaussian pairs (seed {ctx.seed})"),
            at_most(f"max {label} − log 2 over random pairs", float(batch.max() - LOG2), TOLERANCES["quadrature_atol"],
                    f"{k} random Gaussian pairs (seed {ctx.seed})"),
        ]
        return verdict("quadrature", ms, f"|Δ| {fmt(ms[0].measured)} over "
                       f"{len(rows) + len(ctx.take(self.cases, self.quick))} reference pairs; "
                       f"{k} random pairs in [0, log 2]", seed=ctx.seed)


# ----------------------------------------------------------------------------------------------------
# change-of-variables


def _generators():
    """(name, transform, reference logpdf (scipy.stats), E[G(z)²] in closed form) for z ~ N(0, 1)."""
    from scipy import stats

    from gantheory.densities import Affine, Monotone

    return (
        ("affine 1 + 2z", Affine(1.0, 2.0), lambda x: stats.norm(1.0, 2.0).logpdf(x), 5.0),
        ("exp z", Monotone.exp(), lambda x: stats.lognorm(1.0).logpdf(x), math.exp(2.0)),
        ("sinh z", Monotone.sinh(), lambda x: stats.norm.logpdf(np.arcsinh(x)) - 0.5 * np.log1p(x * x),
         (math.exp(2.0) - 1.0) / 2.0),
    )


@dataclass(frozen=True)
class ChangeOfVariablesQuadrature:
    r"""p_g = p_z(G⁻¹(x))·|dG⁻¹/dx| (``jacobian=False`` drops the factor) against scipy.stats densities of
    three generators, its mass, and E_{p_g}[x²] = E_z[G(z)²] by certified quadrature."""

    jacobian: bool = True

    def logpdf(self, base: Density, transform: Affine | Monotone) -> Callable[[ArrayLike], np.ndarray]:
        from gantheory.densities import Pushforward

        if self.jacobian:
            return Pushforward(base, transform).logpdf
        return lambda x: base.logpdf(transform.inverse(np.asarray(x, dtype=np.float64)))  # forgets |dG⁻¹/dx|

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.densities import Normal, Pushforward
        from gantheory.quadrature import integrate

        base = Normal(0.0, 1.0)
        point_rows, moment_rows, mass_rows = [], [], []
        for name, transform, ref_logpdf, second_moment in _generators():
            logpdf = self.logpdf(base, transform)
            pg = Pushforward(base, transform)  # supplies the support and breakpoints to the integrator
            lo, hi = (0.05, 20.0) if name == "exp z" else (-8.0, 12.0)
            x = np.linspace(lo, hi, 401)
            with np.errstate(divide="ignore", invalid="ignore"):
                err = np.abs(np.exp(logpdf(x)) - np.exp(ref_logpdf(x)))
            k = int(np.nanargmax(err))
            point_rows.append((f"{name} at x = {x[k]:.3g}", float(np.exp(logpdf(x[k]))), float(np.exp(ref_logpdf(x[k])))))

            def moment(xs, lp, lq, logpdf=logpdf):
                with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                    return np.where(np.isfinite(xs), np.exp(logpdf(xs)) * xs * xs, 0.0)

            def mass(xs, lp, lq, logpdf=logpdf):
                with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                    return np.exp(logpdf(xs))

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                moment_rows.append((f"E[G(z)²], G = {name}", float(integrate(moment, pg, pg)), second_moment))
                mass_rows.append((f"∫ p_g, G = {name}", float(integrate(mass, pg, pg)), 1.0))
        ms = [
            compare("max |p_g(x) − reference|", point_rows, TOLERANCES["pointwise_atol"],
                    "generators (scipy.stats: normal, log-normal, sinh-normal)"),
            compare("|∫ p_g − 1|", mass_rows, TOLERANCES["quadrature_atol"], "generators"),
            compare("|∫ x² p_g(x) dx − E_z[G(z)²]|", moment_rows, TOLERANCES["moment_atol"],
                    "generators (closed forms 5, e², (e² − 1)/2; rtol 1e-9 of e²)"),
        ]
        return verdict("quadrature", ms, f"E_x~p_g[x²] = E_z[G(z)²] to {fmt(ms[2].measured)} for 3 generators "
                       "(affine, exp, sinh)")


@dataclass(frozen=True)
class ChangeOfVariablesEmpirical:
    r"""Torch samples of G(z) = e^z against the ``reference`` cdf by a KS test at level ``mc_alpha``
    (``lognormal``, the change of variables; ``normal``, the density of z itself, is the control)."""

    reference: str = "lognormal"

    def __call__(self, ctx: Context) -> LensResult:
        emp = empirical()
        import torch
        from scipy import stats

        from gantheory.densities import Monotone, Normal, Pushforward

        pg = Pushforward(Normal(0.0, 1.0), Monotone.exp())
        view = emp.to_torch(pg, device="cpu")
        n = ctx.pick(20000, 200000)
        gen = torch.Generator().manual_seed(ctx.seed)
        x = view.sample(n, generator=gen).detach().cpu().numpy().ravel()
        cdf = stats.lognorm(1.0).cdf if self.reference == "lognormal" else stats.norm(0.0, 1.0).cdf
        ks = stats.kstest(x, cdf)
        m2 = float(np.mean(x * x))
        se = float(np.std(x * x) / math.sqrt(n))
        ms = [at_least("KS p-value of torch samples of G(z) = e^z vs the change-of-variables cdf", ks.pvalue,
                       TOLERANCES["mc_alpha"], f"n = {n}, KS statistic {ks.statistic:.4f}")]
        summary = f"KS p = {ks.pvalue:.3f} (n = {n}); mean x² {m2:.3f} ± {se:.3f} vs e² = {math.e ** 2:.3f}"
        return verdict("empirical", ms, summary, seed=ctx.seed)


# ----------------------------------------------------------------------------------------------------
# bce-is-value


def _quadratic_logit(x):
    return 0.3 - 0.5 * x + 0.2 * x * x  # an arbitrary (non-optimal) discriminator's logit


def _torch_bce(logits, label):
    import torch
    import torch.nn.functional as F

    a = torch.as_tensor(np.asarray(logits, dtype=np.float64))
    return F.binary_cross_entropy_with_logits(a, torch.full_like(a, float(label)), reduction="none").numpy()


def _generator_bce(p: Density, q: Density) -> float:
    """E_q[BCE(a, 1)] of the quadratic logit a (G's BCE), by certified quadrature."""
    from gantheory.quadrature import integrate

    def g_bce(x, lp, lq):
        return weighted(lq, _torch_bce(_quadratic_logit(np.asarray(x, dtype=np.float64)), 1.0))

    return float(integrate(g_bce, p, q))


def _mp_minus_value(p: Density, q: Density) -> float:
    """−V(D, G) = −∫ p log σ(a) + q log(1 − σ(a)) of the quadratic logit a, by mpmath (Gaussian pairs)."""
    import mpmath as mp

    mp_p, mp_q = mp_density(p), mp_density(q)

    def mp_value(t):
        s = _quadratic_logit(t)
        lsig = -mp.log(1 + mp.exp(-s))  # log σ(a)
        lsig_neg = -mp.log(1 + mp.exp(s))  # log(1 − σ(a)) = log σ(−a)
        return mp_p(t) * lsig + mp_q(t) * lsig_neg

    (a0, a1), (b0, b1) = gaussian(p), gaussian(q)
    return -mp_integral(mp_value, (a0, b0), (a1, b1))


def _mp_non_saturating(p: Density, q: Density) -> float:
    """E_q[−log D] = ∫ q log(1 + e^{−a}) of the quadratic logit a, by mpmath (a Gaussian p_g)."""
    import mpmath as mp

    mp_q = mp_density(q)
    b0, b1 = gaussian(q)
    return mp_integral(lambda t: mp_q(t) * mp.log(1 + mp.exp(-_quadratic_logit(t))), (b0,), (b1,))


@dataclass(frozen=True)
class BceQuadrature:
    r"""torch's ``binary_cross_entropy_with_logits`` (real samples labelled ``real_label``, fakes 0) of an
    arbitrary quadratic-logit D, integrated against the Gaussian cases, equals −V(D, G) by mpmath; G's BCE
    with label 1 equals E_q[−log D]."""

    real_label: float = 1.0
    cases: tuple[str, ...] = ()
    quick: int | None = 2

    def population_bce(self, p: Density, q: Density) -> float:
        """E_p[BCE(a, real_label)] + E_q[BCE(a, 0)] of the quadratic logit a, by certified quadrature."""
        from gantheory.quadrature import integrate

        def d_bce(x, lp, lq):
            s = np.asarray(x, dtype=np.float64)
            return (weighted(lp, _torch_bce(_quadratic_logit(s), self.real_label))
                    + weighted(lq, _torch_bce(_quadratic_logit(s), 0.0)))

        return float(integrate(d_bce, p, q))

    def __call__(self, ctx: Context) -> LensResult:
        what = "pairs; BCE = torch binary_cross_entropy_with_logits, V by mpmath at 30 digits"
        ms = [
            IdentityOverCases("|E[BCE_D] − (−V(D, G))|", self.population_bce, _mp_minus_value, what,
                              cases=self.cases, quick=self.quick).measurement(ctx),
            IdentityOverCases("|E[BCE_G(label 1)] − E_q[−log D]|", _generator_bce, _mp_non_saturating,
                              "pairs (the non-saturating loss, mpmath)", cases=self.cases,
                              quick=self.quick).measurement(ctx),
        ]
        return verdict("quadrature", ms, f"population BCE = −V to {fmt(ms[0].measured)}, "
                       f"G's BCE = E[−log D] to {fmt(ms[1].measured)}")


@dataclass(frozen=True)
class BceEmpirical:
    r"""The trainer's BCE (``gantheory.empirical.batched.bce_loss``) on sampled logits equals −V̂ computed in
    mpmath; ``real_label = 0`` (swapped labels, torch's BCE) is the control."""

    real_label: float = 1.0

    def __call__(self, ctx: Context) -> LensResult:
        emp = empirical()
        import mpmath as mp
        import torch

        from gantheory.empirical.batched import bce_loss

        rng = np.random.default_rng(ctx.seed)
        n = ctx.pick(1000, 10000)
        a_real, a_fake = rng.normal(0.5, 3.0, n), rng.normal(-0.5, 3.0, n)
        with mp.workdps(MP_DPS):
            v_hat = (mp.fsum(-mp.log(1 + mp.exp(-mp.mpf(float(a)))) for a in a_real)
                     + mp.fsum(-mp.log(1 + mp.exp(mp.mpf(float(a)))) for a in a_fake)) / n
        if self.real_label == 1.0:
            loss = float(bce_loss(torch.as_tensor(a_real), torch.as_tensor(a_fake)))
        else:  # the control: real samples labelled 0 (swapped labels)
            loss = float(np.mean(_torch_bce(a_real, 0.0)) + np.mean(_torch_bce(a_fake, 1.0)))
        err = abs(loss - (-float(v_hat)))
        ms = [at_most("|BCE(real→1, fake→0) + V̂| (sample means)", err, TOLERANCES["bce_rtol"] * max(1.0, abs(loss)),
                      f"n = {n} logits per class; V̂ in mpmath at 30 digits; trainer's loss "
                      f"gantheory.empirical.batched.bce_loss (device {emp.resolve_device('cpu')})")]
        return verdict("empirical", ms, f"trainer's BCE = −V̂ to {fmt(err)} on {n} samples", seed=ctx.seed)


# ----------------------------------------------------------------------------------------------------
# saturation and non-saturating-objective: generator gradients with D* frozen, G_θ = N(θ, 1), p_data = N(0, 1)


def frozen_generator_gradient(loss: Callable[[np.ndarray], np.ndarray], theta0: float, p_loc: float = 0.0) -> float:
    """d/dθ E_{x~N(θ,1)}[loss(logit D*_{θ0}(x))] at θ0 (Richardson differences of certified integrals),
    with logit D*_{θ0}(x) = log N(x; p_loc, 1) − log N(x; θ0, 1) frozen."""
    return richardson(frozen_generator_expectation(loss, theta0, p_loc), theta0)


def frozen_generator_expectation(loss: Callable[[np.ndarray], np.ndarray], theta0: float,
                                 p_loc: float = 0.0) -> Callable[[float], float]:
    """θ ↦ E_{x~N(θ,1)}[loss(logit D*_{θ0}(x))] by certified quadrature, D*_{θ0} frozen (see
    :func:`frozen_generator_gradient`)."""
    from gantheory.densities import Normal
    from gantheory.quadrature import integrate

    p0, q0 = Normal(p_loc, 1.0), Normal(theta0, 1.0)

    def expected(theta):
        g = Normal(theta, 1.0)

        def integrand(x, lp, lq):
            a = p0.logpdf(x) - q0.logpdf(x)
            return weighted(lp, loss(a))

        return float(integrate(integrand, g, g))

    return expected


@dataclass(frozen=True)
class GeneratorTerm:
    """``sign``·ℓ_g(a) of the :data:`~gantheory.losses.GENERATORS` row ``name`` (G descends it)."""

    name: str
    sign: float = 1.0

    def __call__(self, a: ArrayLike) -> np.ndarray:
        value = GENERATORS[self.name](a)
        return value if self.sign == 1.0 else self.sign * value


@dataclass(frozen=True)
class SaturationQuadrature:
    r"""d/da log(1 − σ(a)) = −σ(a) at a = −10 against mpmath, and with D* frozen far from p_data the minimax
    generator gradient is below ``saturation_ratio_max`` of the ``non_saturating`` term's."""

    non_saturating: GeneratorTerm = GeneratorTerm("non_saturating")

    def __call__(self, ctx: Context) -> LensResult:
        import mpmath as mp

        minimax = GeneratorTerm("minimax")
        # Pointwise, in logit space: d/da log(1 − σ(a)) = −σ(a), d/da[−log σ(a)] = −(1 − σ(a)); mpmath reference.
        a0 = -10.0
        h = 1e-5
        ends = minimax(np.array([a0 + h, a0 - h]))  # arrays: gantheory.numerics.exp assigns into its result
        mm_num = float((ends[0] - ends[1]) / (2 * h))
        with mp.workdps(MP_DPS):
            mm_ref = float(-1 / (1 + mp.exp(-a0)))
        thetas = np.linspace(0.0, 8.0, ctx.pick(17, 33))[1:]
        g_mm = np.array([frozen_generator_gradient(minimax, t) for t in thetas])
        g_ns = np.array([frozen_generator_gradient(self.non_saturating, t) for t in thetas])
        ratio = float(abs(g_mm[-1]) / abs(g_ns[-1]))
        ms = [
            compare("|d/da log(1−σ(a)) − (−σ(a))| at a = −10", [("a = −10", mm_num, mm_ref)],
                    TOLERANCES["logit_derivative_atol"], "point (mpmath σ at 30 digits; central difference h = 1e-5)"),
            at_most(f"|∇ minimax| / |∇ non-saturating| at θ₀ = {thetas[-1]:g}", ratio,
                    TOLERANCES["saturation_ratio_max"], "p_data = N(0,1), G_θ = N(θ,1), D* frozen at θ₀"),
        ]
        a = np.linspace(-12.0, 12.0, 241)
        sig = sigmoid(a)
        fig = Figure("saturation", "Saturation: the minimax generator loss has no gradient where D rejects fakes", (
            curve_panel("per sample, in the logit a of D(G(z))", a, [
                ("|∂/∂a log(1 − σ(a))| = σ(a)  (minimax)", sig, "line"),
                ("|∂/∂a −log σ(a)| = 1 − σ(a)  (non-saturating)", 1 - sig, "dashed")],
                xlabel="logit a = log D/(1−D) at a fake sample", ylabel="gradient magnitude", logy=True),
            curve_panel("population, G_θ = N(θ, 1) vs p_data = N(0, 1), D = D*", thetas, [
                ("|∇_θ E log(1 − D*)|  (minimax)", np.abs(g_mm), "line"),
                ("|∇_θ E −log D*|  (non-saturating)", np.abs(g_ns), "dashed")],
                xlabel="generator mean θ (distance from p_data)", ylabel="|generator gradient|", logy=True)),
            "Left: per-sample gradients in logit space. Right: generator gradients with the optimal discriminator, "
            "computed by quadrature; far from p_data the minimax gradient vanishes while the non-saturating one grows.")
        return verdict("quadrature", ms, f"gradient ratio {fmt(ratio)} at θ₀ = {thetas[-1]:g} "
                       f"(≤ {fmt(TOLERANCES['saturation_ratio_max'])})", figures=(fig,))


@dataclass(frozen=True)
class SaturationEmpirical:
    """With a trained D̂ and G far from p_data (the first case's), the minimax gradient norm is below ``saturation_ratio_max``
    of the non-saturating one on the same z (``gantheory.empirical.gan.saturation_check``)."""

    init: tuple[float, float] = (-5.0, 0.5)
    cases: tuple[str, ...] = ()

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.empirical import gan

        r = gan.saturation_check(CASES[self.cases[0]].p, init=self.init, n_samples=ctx.pick(4096, 16384),
                                 seed=ctx.seed, device=ctx.device)
        ms = [at_most("‖∇ minimax‖ / ‖∇ non-saturating‖ (trained D̂, same z)", r.ratio,
                      TOLERANCES["saturation_ratio_max"], f"init N{r.init}, mean D̂(G(z)) = {r.mean_d_fake:.2e}")]
        return verdict("empirical", ms, f"gradient ratio {fmt(r.ratio)} (minimax {fmt(r.minimax_grad_norm)} vs "
                       f"non-saturating {fmt(r.non_saturating_grad_norm)})", seed=ctx.seed)


@dataclass(frozen=True)
class NonSaturatingQuadrature:
    r"""At θ₀ = 1 with D* frozen, E[−∇ log D*] = ``sign``·∇[KL − 2·JSD], E[∇ log(1 − D*)] = ∇ 2·JSD and their sum
    ∇ KL (KL(N(θ,1)‖N(0,1)) = θ²/2 in closed form; ∇ JSD by mpmath)."""

    sign: float = 1.0
    theta0: float = 1.0

    def __call__(self, ctx: Context) -> LensResult:
        jsd_grad = mp_jsd_location_derivative(self.theta0)
        kl_grad = self.theta0
        t0 = self.theta0
        ns_f = frozen_generator_expectation(GeneratorTerm("non_saturating"), t0)
        mm_f = frozen_generator_expectation(GeneratorTerm("minimax"), t0)
        identity = DerivativeIdentity("|gradient − reference|",
                                      "identities at θ₀ = 1 (KL closed form θ²/2; JSD by mpmath, 30 digits)")
        rows = identity.rows([("E[−∇ log D*(G_θ z)] vs ∇[KL − 2·JSD]", ns_f, t0, self.sign * (kl_grad - 2 * jsd_grad)),
                              ("E[∇ log(1 − D*(G_θ z))] vs ∇[2·JSD]", mm_f, t0, 2 * jsd_grad)])
        ns, mm = rows[0][1], rows[1][1]
        rows.append(("sum vs ∇ KL(p_g‖p_data)", ns + mm, kl_grad))
        ms = [compare(identity.name, rows, TOLERANCES[identity.tolerance], identity.detail)]
        return verdict("quadrature", ms, f"∇NS = ∇(KL − 2·JSD) to {fmt(ms[0].measured)} at θ₀ = 1 "
                       f"({fmt(ns)} vs {fmt(kl_grad - 2 * jsd_grad)})")


# ----------------------------------------------------------------------------------------------------
# The rows

CLAIMS = (
    Claim(
        id="optimal-discriminator", title="The optimal discriminator",
        statement="For fixed G, V(D, G) is maximised by D*(x) = p_data(x) / (p_data(x) + p_g(x)).",
        latex=r"D^*_G(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)} = \arg\max_D V(D, G)",
        source=f"{GOODFELLOW}, Prop. 1",
        derivations=("optimal-discriminator",), cases=STATIONARITY_CASES,
        quadrature=OptimalDiscriminatorQuadrature(),
        empirical=OptimalDiscriminatorEmpirical(),
        controls=(Control("D=p/(p+2q)", "the formula D = p/(p+2q) in place of D*",
                          quadrature=OptimalDiscriminatorQuadrature(logit_shift=-LOG2)),
                  Control("near-miss D=p/(p+1.000001q)", "near miss: D = p/(p + 1.000001·q), 1e-6 off in the logit",
                          quadrature=OptimalDiscriminatorQuadrature(logit_shift=-math.log1p(1e-6))),
                  Control("theory p/(p+2q)", "trained D̂ tested against D = p/(p+2q)",
                          empirical=OptimalDiscriminatorEmpirical("p/(p+2q)")),
                  Control("near-miss theory p/(p+1.1q)", "near miss: trained D̂ (n = 4096) tested against "
                          "D = p/(p + 1.1·q), inside the lens's 80%-power range (power curve: n ≥ 677 at c = 1.1)",
                          empirical=OptimalDiscriminatorEmpirical("p/(p+1.1q)"))),
    ),
    Claim(
        id="global-optimum", title="The global optimum of the virtual training criterion",
        statement="C(G) = max_D V(D, G) = −log 4 + 2·JSD(p_data ‖ p_g); its minimum −log 4 is attained iff "
                  "p_g = p_data.",
        latex=r"C(G) = -\log 4 + 2\,\mathrm{JSD}(p_{data}\,\|\,p_g) \ge -\log 4,\ \text{with equality iff } p_g = p_{data}",
        source=f"{GOODFELLOW}, Thm. 1",
        derivations=("global-optimum", "virtual-training-criterion"), cases=GAUSSIAN_CASES,
        quadrature=GlobalOptimum(),
        empirical=NotApplicable("C(G) is a property of exact densities; its sampled counterpart is algorithm-1"),
        controls=(Control("C=-log2+JSD", "the mis-scaled identity C(G) = −log 2 + JSD",
                          quadrature=GlobalOptimum(offset=-LOG2, scale=1.0, label="−log 2 + JSD")),
                  Control("near-miss C+1e-9", "near miss: C(G) = −log 4 + 2·JSD + 1e-9 (10× quadrature_atol)",
                          quadrature=GlobalOptimum(offset=-LOG4 + 1e-9, label="−log 4 + 2·JSD + 1e-9")),),
    ),
    Claim(
        id="jsd-bounds", title="Bounds of the Jensen–Shannon divergence",
        statement="0 ≤ JSD(p‖q) ≤ log 2 (nats, ½ convention); JSD = 0 iff p = q and JSD = log 2 iff the supports "
                  "are disjoint.",
        latex=r"0 \le \mathrm{JSD}(p\|q) \le \log 2;\ \ 0 \iff p = q;\ \ \log 2 \iff p \perp q",
        source=f"{GOODFELLOW}, Thm. 1 (proof); Lin 1991",
        derivations=("jsd-bounds", "virtual-training-criterion"), cases=GAUSSIAN_CASES,
        quadrature=JsdBounds(),
        empirical=NotApplicable("a statement about exact divergences; nothing is trained"),
        controls=(Control("sqrt-JSD", "scipy's jensenshannon (the square root, a distance) used as the divergence",
                          quadrature=JsdBounds(distance=True)),),
    ),
    Claim(
        id="change-of-variables", title="Change of variables for the generator's distribution",
        statement="For invertible differentiable G, x = G(z) has density p_g(x) = p_z(G⁻¹(x))·|dG⁻¹/dx| and "
                  "E_z[h(G(z))] = E_{x~p_g}[h(x)].",
        latex=r"p_g(x) = p_z(G^{-1}(x))\left|\frac{dG^{-1}}{dx}\right|,\quad \mathbb E_z[h(G(z))] = \mathbb E_{p_g}[h(x)]",
        source=f"{GOODFELLOW}, §4.1 (the step from ∫ p_z log(1 − D(G(z))) to ∫ p_g log(1 − D))",
        derivations=("change-of-variables",),
        quadrature=ChangeOfVariablesQuadrature(),
        empirical=ChangeOfVariablesEmpirical(),
        controls=(Control("no-jacobian", "p_g(x) = p_z(G⁻¹(x)) without the Jacobian factor",
                          quadrature=ChangeOfVariablesQuadrature(jacobian=False)),
                  Control("samples-vs-N(0,1)", "samples of e^z compared with the density of z itself",
                          empirical=ChangeOfVariablesEmpirical("normal"))),
    ),
    Claim(
        id="bce-is-value", title="Binary cross-entropy is the negative value function",
        statement="D's BCE with labels 1 (real) / 0 (fake) equals −V(D, G); G's BCE with label 1 on fakes is the "
                  "non-saturating loss −E log D(G(z)).",
        latex=r"\mathrm{BCE}_D = -\big[\mathbb E_p \log D + \mathbb E_{p_g}\log(1-D)\big] = -V(D,G),\quad "
              r"\mathrm{BCE}_G(1) = -\mathbb E_{p_g} \log D",
        source=f"{GOODFELLOW}, §3 and Eq. 1",
        derivations=("bce-is-value",), cases=GAUSSIAN_CASES,
        quadrature=BceQuadrature(),
        empirical=BceEmpirical(),
        controls=(Control("swapped-labels", "BCE with real samples labelled 0 and fakes 1",
                          quadrature=BceQuadrature(real_label=0.0)),
                  Control("swapped-labels-samples", "sample BCE with swapped labels",
                          empirical=BceEmpirical(real_label=0.0))),
    ),
    Claim(
        id="saturation", title="The minimax generator loss saturates",
        statement="Where D confidently rejects fakes, ∇ log(1 − D(G(z))) = −σ(a)∇a → 0 while ∇[−log D(G(z))] = "
                  "−(1 − σ(a))∇a stays of order one.",
        latex=r"\partial_a \log(1-\sigma(a)) = -\sigma(a) \xrightarrow{a\to-\infty} 0,\quad "
              r"\partial_a[-\log\sigma(a)] = -(1-\sigma(a)) \to -1",
        source=f"{GOODFELLOW}, §3",
        derivations=("saturation",), cases=("identical-normal",),  # p_data of the trained GAN
        quadrature=SaturationQuadrature(),
        empirical=SaturationEmpirical(),
        controls=(Control("minimax-as-non-saturating", "the minimax loss relabelled as the non-saturating one",
                          quadrature=SaturationQuadrature(GeneratorTerm("minimax", sign=-1.0))),),
    ),
    Claim(
        id="non-saturating-objective", title="What the non-saturating loss minimises",
        statement="With D = D*_{θ₀} frozen, E_z[−∇_θ log D*(G_θ(z))] = ∇_θ[KL(p_g‖p_data) − 2·JSD(p_g‖p_data)] "
                  "at θ₀; the minimax gradient is ∇_θ 2·JSD and the two sum to ∇_θ KL.",
        latex=r"\mathbb E_z[-\nabla_\theta \log D^*(G_\theta(z))]\big|_{\theta_0} = "
              r"\nabla_\theta\big[\mathrm{KL}(p_{g_\theta}\|p_{data}) - 2\,\mathrm{JSD}(p_{g_\theta}\|p_{data})\big]_{\theta_0}",
        source="Arjovsky & Bottou 2017, Thm. 2.5",
        derivations=("non-saturating-objective",),
        quadrature=NonSaturatingQuadrature(),
        empirical=NotApplicable("an identity between exact gradients; sampled gradients are checked under saturation"),
        controls=(Control("sign-flipped", "the sign-flipped gradient ∇[2·JSD − KL]",
                          quadrature=NonSaturatingQuadrature(sign=-1.0)),),
    ),
)
