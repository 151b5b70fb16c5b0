"""One table of tolerances, each with the reason it has its size.

Cite a key of :data:`TOLERANCES` instead of writing an epsilon inline. Each entry of :data:`TABLE` says
which lens it belongs to: ``numeric`` (deterministic: quadrature, closed forms, symbolic), ``claims``
(the claim checks' own comparisons), ``empirical`` (statistical: a level, a sample-size rule or a
model-class allowance) or ``audit`` (the loss audit's fits and the testing kit's loss checker). ``TOLERANCES`` is the plain ``name -> value`` view every lens reads; this module
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
    "derivation_refute_atol": _t(1e-6, "numeric",
        "derivation checker: two sides of a written step evaluated by certified quadrature (each to 1e-10) "
        "must differ by more than this (plus their certified errors) to refute the step"),
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
    # ---- loss audit and testing kit (gantheory/loss_audit/, gantheory/testing/assertions.py) -------------
    "audit_fit_atol": _t(1e-6, "audit",
        "a family / generator / signature fit holds: the optimum is solved to ~1e-12, so an exact pointwise "
        "identity shows residuals at rounding level, while the nearest wrong family misses by > 1e-3"),
    "audit_identity_rtol": _t(1e-6, "audit",
        "value at the optimum: relative residual of the affine fit on the divergence that counts as an "
        "identity (quadrature ~1e-10, the spline of m(t) ~1e-8; a wrong divergence misses by > 1e-2)"),
    "audit_display_atol": _t(1e-6, "audit",
        "the value statement omits a unit scale and a zero constant within this (the identity's resolution)"),
    "audit_plateau_rtol": _t(1e-12, "audit",
        "the grid minimum of t l_r + (1 - t) l_f is at an end of the logit grid (a* = +-inf) when the end "
        "value is within this relative distance: a few ulps of float64 sums"),
    "audit_plateau_atol": _t(1e-13, "audit",
        "... plus this absolute floor, for minima at 0 (a relative test alone is empty there)"),
    "audit_flat_half_rtol": _t(1e-9, "audit",
        "at t = 1/2 the optimal logits are those within this (relative) of the minimum: a flat set (hinge) "
        "rather than rounding noise around one point"),
    "audit_diverging_slope": _t(1e-6, "audit",
        "the objective still falls by more than this per unit logit at the grid's end: unbounded below "
        "(a linear critic falls by |2t - 1| >= 0.02 on the grid of t)"),
    "audit_vmap_rtol": _t(1e-12, "audit",
        "a vmapped loss must reproduce a plain loop of calls to this (rtol and atol): the same float64 "
        "operations, so only summation order differs"),
    "audit_separability_rtol": _t(1e-8, "audit",
        "L(r, f) - l_r(r) - l_f(f), relative to the terms' size, above this: the loss couples real and fake "
        "logits (rounding of a separable float64 loss is ~1e-15)"),
    "audit_per_sample_atol": _t(1e-8, "audit",
        "a batch of distinct logits against the mean of constant batches: above this the loss is no "
        "average of per-sample terms"),
    "audit_batch_weight_rtol": _t(1e-9, "audit",
        "the fake/real term weight ratio at several batch sizes: a spread above this means one term is "
        "summed and the other averaged (the ratios differ by factors of 2)"),
    "audit_clamp_rtol": _t(1e-6, "audit",
        "nn.BCELoss's -100 log clamp: the term's height at |a| = 1e4 equals s (100 - log 2) to this "
        "(relative to 100 s); an unclamped term is infinite there"),
    "audit_dtype_rounding": _t(1024.0, "audit",
        "multiples of the loss's own machine epsilon its rounding may reach in the audit's differences of "
        "sums (a float32 loss, e.g. labels made with torch.ones(N), has eps 1.2e-7): every structural and fit "
        "tolerance is at least this many eps of the dtype the loss computes in (1.2e-4 in float32; the "
        "nearest wrong family still misses by > 1e-3)"),
    "audit_generator_fit_rtol": _t(1e-4, "audit",
        "a generator kind fits its row to this (relative to the range of l_g on [-8, 8]): an eps <= 1e-7 "
        "inside log D (harmless: it changes l_g by eps/sigma(a) <= 3e-4 at a = -8) still fits, an eps of "
        "1e-3 (which flattens the gradient below logit -7) does not and is caught by the saturation check"),
    "audit_saturation_ratio": _t(1e-3, "audit",
        "a generator loss saturates when |dl_g/da| at output -20 (on the fake side) is below this fraction "
        "of its largest value on [-4, 4]: the minimax loss has 2e-9, an eps of 1e-3 inside log D 4e-6, "
        "the non-saturating loss 1"),
    "audit_min_target_gap": _t(0.3, "audit",
        "smoothed targets alpha (real) and beta (fake) must differ by at least this: D* = beta + (alpha - beta)t "
        "ranges over [beta, alpha], so the ranking signal D gives G is scaled by alpha - beta. The published "
        "recipes keep it >= 0.4 (one-sided 0.9 of Salimans et al. 2016: 0.9; ganhacks soft labels, real in "
        "[0.7, 1.2] and fake in [0, 0.3]: >= 0.4; TF-GAN's label_smoothing=0.25: 0.75); labels 0.6/0.4 (0.2) "
        "halve the weakest of them and are a degenerate game (issue 12). Random label flips average to 1/2 each "
        "(within ~0.1 over 16 seeded draws), far below it"),
    "audit_pairing_atol": _t(1e-6, "audit",
        "LSGAN targets (a, b, c), fitted to 6 digits, satisfy b - c = 1 and b - a = 2 (or c = b) to this"),
    "audit_fixed_point_rtol": _t(1e-7, "audit",
        "fixed point p_g = p_data: the supporting-line slopes left and right of u = 1 may cross by this "
        "(relative): the optimum a*(t) is bisected to ~1e-12 and g is differenced, which amplifies it"),
    "audit_rational_tol": _t(1e-9, "audit",
        "the certificate turns fitted parameters (reported to 9 digits) into rationals within this, so "
        "sympy proves identities exactly"),
    "audit_certificate_scale_tol": _t(1e-30, "audit",
        "a term's scale, a ratio of 50-digit derivatives, is made rational within this"),
    "audit_certificate_zero_atol": _t(1e-40, "audit",
        "the difference of the traced and the textbook expression vanishes when its 50-digit values at the "
        "probe logits are below this (any real difference is > 1e-20)"),
    "audit_certificate_constant_atol": _t(1e-12, "audit",
        "a traced loss equals the textbook form (rather than up to a constant) when the constant, evaluated "
        "to 30 digits, is below this"),
    "testing_quadrature_rtol": _t(1e-10, "audit",
        "the testing kit integrates the loss at its optimum with quadrature_atol and this relative tolerance, "
        "the accuracy quadrature certifies against its references"),
    "testing_loss_atol": _t(1e-9, "audit",
        "check_loss_against_theory default, on the implied optimal output and the value at the optimum, "
        "relative to 1 + |theory|: what the computation certifies. The solver locates a* to <= 3e-10 where "
        "|log p/q| <= 15 (bisection to 2 ulps; slope rounding ~1e-16 over the curvature "
        "sigma(t)sigma(-t) >= 3e-7) and quadrature certifies values to 1e-10 (testing_quadrature_rtol); "
        "measured <= 2e-13 on the case registry. D = p/(p + 1.000001 q) or C(G) + 1e-6 is 1000x beyond it"),
    "testing_tie_atol": _t(1e-9, "audit",
        "the failure message shows the worst point; deviations within this of the worst are ties, and the "
        "one nearest x = 0 is shown"),
    "testing_ratio_atol": _t(1e-6, "audit",
        "a value off by a ratio within this of a multiple of 1/4 is reported as a rescaled textbook loss"),
    # ---- training-step audit (gantheory/step_audit/, issue 15) --------------------------------------
    "step_audit_grad_rtol": _t(1e-4, "audit",
        "the gradient an optimiser applies must equal the sum of a trailing run of the call's recorded backward "
        "passes to this (relative; atol 1e-6 times the scale): float32 sums in another order differ by ~1e-7, a "
        "gradient left from an earlier call by O(1)"),
    "step_audit_term_residual": _t(0.05, "audit",
        "relative residual of D's per-sample output derivatives against the declared row's l'_real, l'_fake "
        "(one scale per class): float32 rounding gives ~1e-6, a different game (swapped labels) ~0.8"),
    "step_audit_weight_rtol": _t(0.01, "audit",
        "the real/fake term weights in D's gradient must have ratio 1 to this: float32 gives ~1e-6, a term "
        "backpropagated twice gives 2"),
    # ---- game dynamics (issue 17) -------------------------------------------------------------------
    "dynamics_unit_circle_atol": _t(1e-9, "numeric",
        "a linearised step is stable when its spectral radius is below 1 minus this: eigenvalues of a 4x4 "
        "float64 matrix carry ~1e-15 rounding, so a map on the unit circle (alternating GD on a bilinear "
        "game) is never mistaken for a contraction"),
    "dynamics_eigen_atol": _t(1e-12, "numeric",
        "closed-form eigenvalues / spectral radii / stability bounds against numpy eig and bisection of "
        "2x2 or 4x4 float64 problems (rounding ~1e-15, bisection to machine precision)"),
    "dynamics_bound_rtol": _t(1e-7, "numeric",
        "the bisected stable step against its closed form, relative: at gamma = 2 f'(0) the Jacobian has a double "
        "(defective) eigenvalue, which eig resolves only to ~sqrt(eps) = 1.5e-8; elsewhere agreement is ~1e-15"),
    "dynamics_rate_rtol": _t(2e-3, "claims",
        "the nonlinear simulation's measured per-step rate exp(mean dlog r over the second half) against the "
        "linear prediction (the linearised map iterated from the same start, or rho where the map is normal), "
        "started at r0 = 1e-3: nonlinear terms are O(r0^2) = 1e-6 relative per step"),
    "dynamics_orbit_band": _t(0.5, "claims",
        "a bounded orbit (alternating GD, continuous time) keeps its radius within a factor 1 +- this of r0; "
        "a spiral that converges or diverges leaves the band after the run's steps"),
    "spectrum_rtol": _t(1e-6, "claims",
        "game_spectrum's Arnoldi / dense torch.func eigenvalues against an exact Jacobian: float64 "
        "Jacobian-vector products and ARPACK's default tolerance"),
    "critic_slope_atol": _t(0.25, "empirical",
        "a WGAN-GP critic (gamma = 10, MLP 32x32 tanh, 512 samples per side, 300 Adam steps, seeded) has ||f'| - 1| "
        "within this where |F_p - F_q| > 0.1; measured 0.16-0.19 over seeds 0-3 on N(0,1)|N(2,1). The penalised "
        "optimum itself is not slope 1 (pointwise f' = 1 + (F_p - F_q)/(2 gamma rho_interp) where interpolates "
        "are rare), hence the allowance; a weight-clipped critic (c = 0.01) has |f'| ~ 1e-3"),
    # ---- runs (gantheory.runs: a training run's discriminator values against theory) -----------------
    "runs_rounding_rtol": _t(1e-12, "empirical",
        "a held-out loss is compared with the equilibrium value (relative to 1 + |value|): a D that is exactly "
        "constant has zero variance, and only the rounding of a mean of n equal terms separates them"),
    "runs_logged_rtol": _t(1e-4, "empirical",
        "a logged D loss against the convention's loss recomputed from the same outputs (relative to "
        "1 + |logged|): float32 training code rounds a batch mean to ~1e-7 relative, and a real "
        "difference (smoothing, a penalty, another reduction) is ≥ 1e-3"),
    "runs_smoothing_gain": _t(1e-2, "empirical",
        "label smoothing is claimed only when its fit (residual = (1 − α)·mean a_real − β·mean a_fake) leaves at "
        "most this fraction of the squared residual spread a constant offset leaves (and the constant offset "
        "itself does not fit): an exact smoothing fit leaves only float rounding (~1e-12 relative), while a "
        "constant offset (a folded penalty, float32 rounding) fitted by the smoothing design leaves ≥ 10% of "
        "its spread whenever the mean real logit varies across updates"),
}

TOLERANCES: dict[str, float] = {name: t.value for name, t in TABLE.items()}


def tolerances_of(lens: str) -> dict[str, float]:
    """``name -> value`` of the tolerances that belong to ``lens`` (``numeric``, ``claims``, ``empirical``, ``audit``)."""
    return {name: t.value for name, t in TABLE.items() if t.lens == lens}
