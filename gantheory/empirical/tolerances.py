"""Tolerances of the empirical lens, each with the reason for its size.

These complement :data:`gantheory.tolerances.TOLERANCES` (the deterministic lenses); the numbers here
are *statistical*: a level, a sample-size rule, or a model-class allowance.
"""

from __future__ import annotations

EMPIRICAL_TOLERANCES: dict[str, float] = {
    # Level of the calibrated Wald/Scheffé check of a well-specified logistic D̂ against a theory's D.
    "alpha": 0.01,
    # The calibration run (R replicates, Binomial(R, alpha) rejections under H0) is declared broken
    # when the two-sided binomial p-value falls below this: a correct implementation fails 1 run in 1000.
    "calibration_pvalue_min": 1e-3,
    # Power against a wrong theory must be "about 1": at the default n = 4096 per class the log-2
    # intercept shift of p/(p+2q) is ~20 standard errors, so anything under 0.95 is a real defect.
    "power_min": 0.95,
    # MLP check: sup |D̂ - D*| over the 98%-mass region must lie within this multiple of the widest
    # Scheffé half-width (probability scale) of the well-specified degree-k logistic MLE at the same
    # sample size. An MLP has no asymptotically normal MLE (non-identifiable weights), so no exact band
    # exists; a sieve estimate has the same n^{-1/2} order with a larger effective dimension, plus
    # approximation and optimisation error, hence a factor 2 (measured at n = 1024, width 16, 600 Adam
    # steps: sup error 0.06-0.20 against a half-width 0.154; at n = 4096: 0.061 against 0.080). This is
    # an honest but weak check: it cannot separate D* from p/(p+2q) reliably below n ~ 10^4.
    "mlp_band_factor": 2.0,
    # float32 on a GPU: Newton stops at a gradient of order N * eps32 ~ 1e-3 in the pooled loss, i.e.
    # a parameter error ~ H^{-1} N eps32 / n; its variance is added to the statistical covariance.
    "float32_eps": 1.1920928955078125e-07,
    # Algorithm 1 with an affine generator on a Gaussian target must end within this JSD (nats).
    "gan_final_jsd": 1e-3,
    # ... and with D̂ within this of 1/2 on the 98% support (the residual is SGD noise of D̂'s fit at
    # minibatch m: logit SE ~ 1/sqrt(m) ~ 0.06 for m = 256, and sigmoid' = 1/4, times ~2 for the band).
    "gan_half_atol": 0.05,
    # Saturation: minimax generator gradient / non-saturating one, at a poor start, must be below this.
    "saturation_ratio_max": 1e-2,
    # Envelope check: central differences with Richardson extrapolation at h = 1e-3 have truncation
    # error ~h^4 C^(5) and rounding ~ quadrature_atol / h = 1e-7; 1e-6 leaves a 10x margin.
    "envelope_atol": 1e-6,
}
