r"""Claims about variants of the discriminator's game: unequal sample sizes (maximum likelihood), label
smoothing and least squares. Mirrors :mod:`gantheory.symbolic.variants`; every pointwise term and optimum
is read from the :data:`~gantheory.losses.LOSSES` row of the game."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from gantheory.cases import tagged
from gantheory.claims.model import Claim, Context, Control
from gantheory.claims.references import mp_divergence
from gantheory.claims.shapes import (
    IdentityOverCases,
    StationaryOptimum,
    TrainedDiscriminator,
    case_pairs,
    empirical,
    short,
)
from gantheory.losses import GOODFELLOW, LOSSES
from gantheory.numerics import weighted
from gantheory.results import (
    Figure,
    LensResult,
    Panel,
    Series,
    at_most,
    fmt,
    verdict,
)
from gantheory.tolerances import TOLERANCES

if TYPE_CHECKING:
    from gantheory.densities import Density

STATIONARITY_CASES = tuple(tagged("stationarity"))
# The trained-discriminator lens's pair; a claim lists it after the stationarity cases, whose shapes name
# theirs explicitly (so the pair does not join the stationarity check in the full profile).
TRAINED_CASES = tuple(tagged("trained-discriminator"))

# Unequal sample sizes m : n = 1 : 2 are class weights of the cross-entropy game.
UNBALANCED = {"weight_real": 1.0, "weight_fake": 2.0}
ALPHA, BETA = 0.9, 0.1
SMOOTHING = {"alpha": ALPHA, "beta": BETA}
# LSGAN labels a (fake), b (real), c (generator) with b − c = 1, b − a = 2: the row's defaults.
LSGAN = {"a": -1.0, "b": 1.0, "c": 0.0}
LSGAN_SWAPPED = {"a": 1.0, "b": -1.0, "c": 0.0}


# ----------------------------------------------------------------------------------------------------
# maximum-likelihood: the Monte-Carlo rate


@dataclass(frozen=True)
class MaximumLikelihoodEmpirical:
    r"""A degree-2 logistic D̂ trained with n real and n/2 fake samples of the first case passes the Wald test
    against ``theory`` (the prior-corrected optimum m·p/(m·p + n·q) for the claim), and the Monte-Carlo value
    V̂_m of D* converges to C(G) at rate m^{−½} (fitted log-log slope within ``rate_slope_atol`` of −½)."""

    theory: str = "optimal_prior_corrected"
    cases: tuple[str, ...] = ()

    def __call__(self, ctx: Context) -> LensResult:
        emp = empirical()
        from gantheory.quadrature import criterion

        (_, p, q), *_ = case_pairs(self.cases)
        n = ctx.pick(4096, 16384)
        r = emp.train_discriminator(p, q, family="logistic", degree=2, n_samples=n, n_fake=n // 2, seed=ctx.seed,
                                    device=ctx.device, theory=self.theory)
        ms = [at_most(f"Wald χ² of θ̂ (n = {n} real, {n // 2} fake) vs '{self.theory}'", r.wald.statistic,
                      r.wald.critical, f"χ²_{r.wald.dof} at α = {r.wald.alpha}: logit = log p/q + log(n/m)")]
        # V̂_m → V at rate 1/√m, with D = D* and the exact C(G) as the target.
        c = float(criterion(p, q))
        sizes = np.array(ctx.pick([64, 256, 1024, 4096], [64, 256, 1024, 4096, 16384]))
        reps = ctx.pick(300, 1000)
        rng = np.random.default_rng(ctx.seed)
        rmse = []
        standard = LOSSES["standard"]
        real, fake = standard.terms("numpy")
        for size in sizes:
            x, z = p.sample((reps * size), rng).reshape(reps, size), q.sample((reps * size), rng).reshape(reps, size)
            # V̂_m(D*) = mean log D*(x) + mean log(1 − D*(z)) = −mean ℓ_real(a*) − mean ℓ_fake(a*)
            v = (-real(standard.optimum(p.logpdf(x), q.logpdf(x))).mean(1)
                 - fake(standard.optimum(p.logpdf(z), q.logpdf(z))).mean(1))
            rmse.append(float(np.sqrt(np.mean((v - c) ** 2))))
        rmse = np.array(rmse)
        slope = float(np.polyfit(np.log(sizes), np.log(rmse), 1)[0])
        ms.append(at_most("|slope of log RMSE(V̂_m) vs log m + ½|", abs(slope + 0.5), TOLERANCES["rate_slope_atol"],
                          f"slope {slope:.3f} over m = {list(map(int, sizes))}, {reps} replicates each"))
        fig = Figure("monte-carlo-rate", "The Monte-Carlo value V̂_m converges to V(D*, G) = C(G) at rate 1/√m", (
            Panel("RMSE of V̂_m over replicates", "samples per class m", "RMSE (nats)", (
                Series("measured", short(sizes), short(rmse), "points"),
                Series("c/√m (fit through the first point)", short(sizes), short(rmse[0] * np.sqrt(sizes[0] / sizes)),
                       "dashed")), logy=True),),
            f"p_data = N(0,1), p_g = N(1, 1.5²); fitted slope {slope:.3f} (theory −½); x axis in samples (log-spaced).")
        return verdict("empirical", ms, f"prior-shifted D̂ passes Wald (χ² {r.wald.statistic:.2f} ≤ "
                       f"{r.wald.critical:.2f}); V̂_m rate slope {slope:.3f}", figures=(fig,), seed=ctx.seed)


# ----------------------------------------------------------------------------------------------------
# least-squares: the stationary optimum and the generator's criterion


def _half_triangular(p: Density, q: Density) -> float:
    """½∫(p − q)²/(p + q) by the mpmath oracle."""
    return 0.5 * mp_divergence(p, q, "triangular")


@dataclass(frozen=True)
class LeastSquaresQuadrature:
    r"""The LSGAN optimum (``claimed_params`` of the least-squares row; None: its own labels) is a
    :class:`StationaryOptimum` of −½ L_D, and the generator's criterion ½∫(p + q)(D* − c)² equals
    ½∫(p − q)²/(p + q) (closed form min(s, 1) for shifted uniforms; mpmath on ``triangular_cases``)."""

    params: dict = field(default_factory=lambda: dict(LSGAN))
    claimed_params: dict | None = None
    cases: tuple[str, ...] = ()
    triangular_cases: tuple[str, ...] = ("gauss-unequal-scale", "gauss-narrow-far")
    quick: int | None = 1

    def stationary(self) -> StationaryOptimum:
        return StationaryOptimum(LOSSES["least_squares"], self.params, claimed_params=self.claimed_params, scale=0.5,
                                 cases=self.cases)

    def generator_criterion(self, p: Density, q: Density) -> float:
        """½∫(p + q)(D − c)² at the claimed optimum D, by certified quadrature."""
        from gantheory.quadrature import integrate

        candidate, c = self.stationary().candidate, LOSSES["least_squares"].bind(self.params)["c"]

        def g_criterion(x, lp, lq):
            d = candidate(lp, lq) - c
            return 0.5 * (weighted(lp, d * d) + weighted(lq, d * d))

        return float(integrate(g_criterion, p, q))

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.densities import Uniform

        stationary = self.stationary()
        ms = stationary.measurements(ctx)
        uniform = [(f"U(0,1)|U({s},{1 + s})", self.generator_criterion(Uniform(0, 1), Uniform(s, 1 + s)),
                    min(s, 1.0)) for s in (0.25, 0.5, 2.0)]
        ms.append(IdentityOverCases("|generator criterion − ½∫(p−q)²/(p+q)|", self.generator_criterion,
                                    _half_triangular, "pairs (closed form min(s,1) for shifted uniforms; mpmath "
                                    "30 digits)", cases=self.triangular_cases, quick=self.quick
                                    ).measurement(ctx, uniform))
        return verdict("quadrature", ms, f"D* = (bp+aq)/(p+q) stationary to {fmt(ms[0].measured)}; "
                       f"G criterion = ½∫(p−q)²/(p+q) to {fmt(ms[-1].measured)}")


# ----------------------------------------------------------------------------------------------------
# The rows

CLAIMS = (
    Claim(
        id="maximum-likelihood", title="The discriminator step is maximum likelihood",
        statement="Logistic regression with m real and n fake samples has optimum D = m·p/(m·p + n·q) (m = n gives "
                  "D*); the Monte-Carlo V̂_m converges to V at rate 1/√m.",
        latex=r"\arg\max_D\ m\,\mathbb E_p \log D + n\,\mathbb E_q \log(1-D) = \frac{m p}{m p + n q},\quad "
              r"|\hat V_m - V| = O_P(m^{-1/2})",
        source=f"{GOODFELLOW}, §5; Gutmann & Hyvärinen 2010",
        derivations=("maximum-likelihood",), cases=STATIONARITY_CASES,
        quadrature=StationaryOptimum("class_weighted", UNBALANCED, label="D = mp/(mp+nq) (m:n = 1:2)"),
        empirical=MaximumLikelihoodEmpirical(),
        controls=(Control("balanced-formula", "the balanced D* asserted when m ≠ n",
                          quadrature=StationaryOptimum("class_weighted", UNBALANCED, claimed="standard",
                                                       label="D = mp/(mp+nq) (m:n = 1:2)")),
                  Control("balanced-theory", "a trained D̂ (m = n/2) tested against the balanced D*",
                          empirical=MaximumLikelihoodEmpirical("optimal"))),
    ),
    Claim(
        id="label-smoothing", title="Label smoothing moves the optimum",
        statement=f"With soft targets α (real) and β (fake), the optimal discriminator is D = (α·p + β·q)/(p + q) "
                  f"(checked at α = {ALPHA}, β = {BETA}).",
        latex=r"D^*_{\alpha,\beta}(x) = \frac{\alpha\,p_{data}(x) + \beta\,p_g(x)}{p_{data}(x) + p_g(x)}",
        source="Salimans et al. 2016, §3.4",
        derivations=("label-smoothing",), cases=(*STATIONARITY_CASES, *TRAINED_CASES),
        quadrature=StationaryOptimum("label_smoothing", SMOOTHING, cases=STATIONARITY_CASES,
                                     label=f"D = (αp+βq)/(p+q) (α={ALPHA}, β={BETA})"),
        empirical=TrainedDiscriminator("label_smoothing", SMOOTHING, "optimal", "D = (αp + βq)/(p + q)",
                                       cases=TRAINED_CASES),
        controls=(Control("beta-dropped", "D = α·p/(p + q) (the fake-label term dropped)",
                          quadrature=StationaryOptimum("label_smoothing", SMOOTHING, cases=STATIONARITY_CASES,
                                                       claimed_params={"alpha": ALPHA, "beta": 0.0},
                                                       label=f"D = (αp+βq)/(p+q) (α={ALPHA}, β={BETA})")),
                  Control("unsmoothed-theory", "the soft-label D̂ checked against the unsmoothed D* = p/(p + q)",
                          empirical=TrainedDiscriminator("label_smoothing", SMOOTHING, "p/(p+q)",
                                                         "D* = p/(p + q)", cases=TRAINED_CASES))),
    ),
    Claim(
        id="least-squares", title="Least-squares GAN",
        statement="The LSGAN discriminator optimum is D* = (b·p + a·q)/(p + q); with b − c = 1 and b − a = 2 the "
                  "generator minimises ½∫(p − q)²/(p + q).",
        latex=r"D^* = \frac{b\,p + a\,q}{p + q},\quad 2C(G) = \int \frac{(p_{data} - p_g)^2}{p_{data} + p_g}",
        source="Mao et al. 2017, Prop. 1 and Thm. 1",
        derivations=("least-squares",), cases=(*STATIONARITY_CASES, *TRAINED_CASES),
        quadrature=LeastSquaresQuadrature(cases=STATIONARITY_CASES),
        empirical=TrainedDiscriminator("least_squares", LSGAN, "optimal", "D* = (bp + aq)/(p + q)",
                                       cases=TRAINED_CASES),
        controls=(Control("labels-swapped", "D = (a·p + b·q)/(p + q) (real and fake labels swapped)",
                          quadrature=LeastSquaresQuadrature(claimed_params=LSGAN_SWAPPED, cases=STATIONARITY_CASES)),
                  Control("labels-swapped-samples", "the trained least-squares D̂ checked against (a·p + b·q)/(p + q)",
                          empirical=TrainedDiscriminator("least_squares", LSGAN, None, "(ap + bq)/(p + q)",
                                                         claimed_params=LSGAN_SWAPPED, cases=TRAINED_CASES))),
    ),
)
