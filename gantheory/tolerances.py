"""One table of tolerances, each with the reason it has its size.

Cite a key of :data:`TOLERANCES` instead of writing an epsilon inline. Each entry of :data:`TABLE` says
which lens it belongs to: ``numeric`` (deterministic: quadrature, closed forms, symbolic), ``claims``
(the claim checks' own comparisons) or ``empirical`` (statistical: a level, a sample-size rule or a
model-class allowance). ``TOLERANCES`` is the plain ``name -> value`` view every lens reads; this module
imports nothing (the CLI reads it without loading torch).

>>> TOLERANCES["quadrature_atol"]
1e-10
>>> TABLE["alpha"].lens
'empirical'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TABLE", "TOLERANCES", "Tolerance", "tolerances_of"]


@dataclass(frozen=True)
class Tolerance:
    """A tolerance: its ``value``, the ``lens`` it belongs to and the ``reason`` for its size."""

    value: float
    lens: str
    reason: str


def _t(value: float, lens: str, reason: str) -> Tolerance:
    return Tolerance(float(value), lens, reason)


TABLE: dict[str, Tolerance] = {
    # ---- numeric lenses (quadrature, closed forms, symbolic) --------------------------------------
    "quadrature_atol": _t(1e-10, "numeric",
        "quadrature must agree with an independent reference (closed form / mpmath >= 30 digits)"),
    "criterion_identity_atol": _t(1e-12, "numeric",
        "C(G) computed via D* and via -log 4 + 2 JSD share nodes: only rounding separates them"),
    "mass_atol": _t(1e-11, "numeric",
        "a density must integrate to 1 on the quadrature grid; more missing mass means missed modes"),
    "weights_sum_atol": _t(1e-12, "numeric",
        "weights of a mixture / probabilities of a pmf must sum to one to this (no silent renormalising)"),
    "symbolic_numeric_rtol": _t(1e-25, "numeric",
        "symbolic steps checked numerically are compared at 30 digits; agreement to 1e-25 passes"),
    # ---- claim checks -----------------------------------------------------------------------------
    "pointwise_atol": _t(1e-12, "claims",
        "pointwise formulas (D*, densities) against scipy.stats evaluations: a few ulps of values <= 1"),
    "derivative_atol": _t(1e-6, "claims",
        "a derivative of a certified integral by Richardson-extrapolated central differences at h = 1e-3: "
        "truncation ~h^4 and rounding ~quadrature_atol / h = 1e-7, so 1e-6 leaves a 10x margin"),
    "mc_alpha": _t(1e-3, "claims",
        "Monte-Carlo checks are tested at this level (so a correct theory fails 1 run in 1000)"),
    "rate_slope_atol": _t(0.1, "claims",
        "the fitted slope of log RMSE(V_m) against log m must be within this of -1/2"),
    "saturation_ratio_max": _t(1e-2, "empirical",
        "saturation: minimax / non-saturating generator gradient at a poor start must be below this"),
    # ---- empirical lens (statistical) ---------------------------------------------------------------
    "alpha": _t(0.01, "empirical",
        "level of the calibrated Wald/Scheffe check of a well-specified logistic D against a theory's D"),
    "calibration_pvalue_min": _t(1e-3, "empirical",
        "the calibration run (R replicates, Binomial(R, alpha) rejections under H0) is declared broken when "
        "the two-sided binomial p-value falls below this: a correct implementation fails 1 run in 1000"),
    "power_min": _t(0.95, "empirical",
        "power against a wrong theory must be about 1: at the default n = 4096 per class the log-2 intercept "
        "shift of p/(p+2q) is ~20 standard errors, so anything under 0.95 is a real defect"),
    "mlp_band_factor": _t(2.0, "empirical",
        "MLP check: sup |D - D*| over the 98%-mass region must lie within this multiple of the widest Scheffe "
        "half-width (probability scale) of the well-specified degree-k logistic MLE at the same sample size. "
        "An MLP has no asymptotically normal MLE (non-identifiable weights), so no exact band exists; a sieve "
        "estimate has the same n^{-1/2} order with a larger effective dimension, plus approximation and "
        "optimisation error, hence a factor 2 (measured at n = 1024, width 16, 600 Adam steps: sup error "
        "0.06-0.20 against a half-width 0.154; at n = 4096: 0.061 against 0.080). Honest but weak: it cannot "
        "separate D* from p/(p+2q) reliably below n ~ 10^4"),
    "float32_eps": _t(1.1920928955078125e-07, "empirical",
        "float32 on a GPU: Newton stops at a gradient of order N * eps32 ~ 1e-3 in the pooled loss, i.e. a "
        "parameter error ~ H^{-1} N eps32 / n; its variance is added to the statistical covariance"),
    "gan_final_jsd": _t(1e-3, "empirical",
        "Algorithm 1 with an affine generator on a Gaussian target must end within this JSD (nats)"),
    "gan_half_atol": _t(0.05, "empirical",
        "... and with D within this of 1/2 on the 98% support (the residual is SGD noise of D's fit at "
        "minibatch m: logit SE ~ 1/sqrt(m) ~ 0.06 for m = 256, and sigmoid' = 1/4, times ~2 for the band)"),
    "envelope_atol": _t(1e-6, "empirical",
        "envelope check: central differences with Richardson extrapolation at h = 1e-3 have truncation error "
        "~h^4 C^(5) and rounding ~ quadrature_atol / h = 1e-7; 1e-6 leaves a 10x margin"),
    # ---- claim checks: literals the claims used to write inline (gantheory/claims/, issue 10) ------
    "strict_minimum_margin": _t(1e-6, "claims",
        "global-optimum: C(G) + log 4 at generators N(mu, 1), mu != 0 on a grid of step 0.1 must exceed this; "
        "the smallest, 2 JSD at mu = 0.1, is ~6e-4, while quadrature noise is ~quadrature_atol"),
    "moment_atol": _t(1e-8, "claims",
        "change-of-variables: integral of x^2 p_g against E_z[G(z)^2] (5, e^2, (e^2 - 1)/2); the exp and sinh "
        "generators have heavy tails, so this is about rtol 1e-9 of e^2"),
    "logit_derivative_atol": _t(1e-9, "claims",
        "saturation: central difference (h = 1e-5) of log(1 - sigma(a)) at a = -10 against -sigma(a) in mpmath; "
        "truncation ~h^2 |sigma''(a)| / 6 ~ 1e-15, rounding ~ eps / h ~ 1e-11"),
    "bce_rtol": _t(1e-12, "claims",
        "bce-is-value: the trainer's BCE of sampled logits against -V-hat in mpmath, relative to max(1, |loss|): "
        "both are sums of the same softplus terms, so only rounding separates them"),
    "function_space_gap_atol": _t(1e-8, "claims",
        "function-space-convergence: C(q_T) + log 4 = 2 JSD(p, q_T) after the mirror-descent steps "
        "(the gap decays geometrically)"),
    "function_space_l1_atol": _t(1e-4, "claims",
        "function-space-convergence: ||q_T - p||_1 on the grid after the mirror-descent steps (Pinsker: "
        "L1 <= sqrt(2 KL), so a divergence gap of ~1e-8 allows ~1e-4)"),
    # ---- empirical internals: convergence and accuracy tolerances of gantheory/empirical/ ----------
    "newton_step_rtol": _t(1e-14, "empirical",
        "population Newton (statistics.population_parameter / population_minimiser) stops once the largest "
        "step is below this times 1 + |theta|: Newton converges quadratically, so the next step is at "
        "rounding (~50 eps of float64); the 60-iteration cap stops a stall"),
    "newton_gtol_float64": _t(1e-10, "empirical",
        "batched Newton MLE (batched.newton_logistic) stops once every replicate's sup-norm gradient is "
        "below this in float64: theta-hat is then within ~H^-1 gtol of the MLE, five orders below the "
        "standard error at n = 4096"),
    "newton_gtol_float32": _t(1e-5, "empirical",
        "... and in float32, whose summation rounding floors the gradient near 1e-7 (n + m) / n sqrt(N); "
        "the float32_eps covariance term accounts for the rest"),
    "envelope_quad_epsabs": _t(1e-13, "empirical",
        "envelope check: scipy quad's absolute target for the partial derivatives of C at theta0, far below "
        "the Richardson difference's error (~1e-7), so envelope_atol measures the finite difference alone"),
    "envelope_quad_epsrel": _t(1e-12, "empirical",
        "... and its relative target (the partials are O(1))"),
}

TOLERANCES: dict[str, float] = {name: t.value for name, t in TABLE.items()}


def tolerances_of(lens: str) -> dict[str, float]:
    """``name -> value`` of the tolerances that belong to ``lens`` (``numeric``, ``claims``, ``empirical``)."""
    return {name: t.value for name, t in TABLE.items() if t.lens == lens}
