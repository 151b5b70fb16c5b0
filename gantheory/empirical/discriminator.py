r"""Prop. 1 empirically: train D for a fixed generator and compare it with D* = p_data/(p_data + p_g).

For fixed G, Goodfellow et al. (2014, Prop. 1) show V(D, G) = E_p log D + E_q log(1 - D) is maximised by

.. math:: D^*_G(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)} = \sigma(\log p_{data}(x) - \log p_g(x)),

with maximum C(G) = V(D*, G). A discriminator trained on n real and m fake samples by pooled BCE
estimates ``σ(log p/q + log n/m)`` (the prior shift; m = n recovers D*). This module trains K such
discriminators in one batched computation and reports, per replicate: V̂ on held-out samples,
sup |D̂ - D*| on the region holding 98% of ½(p + q), V(D̂, G) by quadrature against C(G) (Prop. 1 says
V(D̂, G) ≤ C(G)), and — for the well-specified logistic family — the calibrated Wald/Scheffé check of
:mod:`gantheory.empirical.statistics`. :func:`calibrate` runs that check over R ≥ 200 replicates and
tests its false-rejection rate against α (exact binomial test) and its power against wrong theories.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import torch
from scipy import special, stats

from gantheory.empirical import statistics as st
from gantheory.empirical._device import (
    check_choice,
    check_positive_int,
    cpu_threads,
    numpy_rng,
    resolve_device,
    resolve_dtype,
)
from gantheory.empirical.batched import (
    ACTIVATIONS,
    BatchedMLP,
    fit_least_squares,
    fit_logistic_newton,
    fit_mlp_adam,
    polynomial_features,
)
from gantheory.empirical.objectives import LOSS_NAMES, TrainingLoss, training_loss
from gantheory.empirical.tolerances import EMPIRICAL_TOLERANCES
from gantheory.errors import GanTheoryError
from gantheory.losses import LOSSES

if TYPE_CHECKING:
    from gantheory.densities import Density

__all__ = [
    "FAMILIES",
    "LOSS_NAMES",
    "THEORIES",
    "CalibrationResult",
    "DiscriminatorEnsemble",
    "DiscriminatorResult",
    "calibrate",
    "train_discriminator",
    "train_discriminators",
]

FAMILIES = ("logistic", "mlp")
_GRID_POINTS = 2001


def _optimum(spec: TrainingLoss, p, q, n: int, m: int) -> Callable:
    """x ↦ the population minimiser of the pooled training loss (n real, m fake), on the output scale.

    The row's optimum at (log n·p, log m·q): BCE ``logit = log(np/(mq))``; soft BCE
    ``D = (nαp + mβq)/(np + mq)``; least squares ``f = (n b p + m a q)/(n p + m q)``. The lens trains on
    densities only (pmfs are refused), so log p − log q compares like with like.
    """
    return lambda x: spec.optimum(p.logpdf(x), q.logpdf(x), n, m)


def _prop1(spec: TrainingLoss, p, q, weight: float) -> Callable:
    """Prop. 1's D = p/(p + w·q) whatever the loss (the standard row's optimum against w·q), on the output scale
    of ``spec`` (a logit, or D itself for the raw least-squares output)."""
    standard, log_w = LOSSES["standard"], math.log(weight)

    def logit(x):
        return standard.optimum(p.logpdf(x), q.logpdf(x) + log_w)

    return (lambda x: special.expit(logit(x))) if spec.raw else logit


def _theory(build: Callable) -> Callable:
    """A theory ``build(spec, p, q, n, m) -> callable`` in its public form, which takes the trainer's loss
    spellings (or a :class:`TrainingLoss`)."""

    def theory(p, q, n, m, loss="bce", targets=(1.0, 0.0), lsgan=(-1.0, 1.0)):
        spec = loss if isinstance(loss, TrainingLoss) else training_loss(loss, targets=targets, lsgan=lsgan)
        return build(spec, p, q, n, m)

    return theory


# A theory asserts the limit of the trained discriminator's *output* (the logit for the cross-entropy
# losses, the unconstrained value for least squares). Each entry maps (p, q, n, m, loss, targets, lsgan)
# to a numpy callable. Keys are the CLI's vocabulary.
THEORIES: dict[str, Callable] = {
    # The optimum of the training loss as usually stated (balanced classes): Prop. 1's D* for BCE,
    # (αp + βq)/(p + q) with soft labels, (bp + aq)/(p + q) for least squares.
    "optimal": _theory(lambda spec, p, q, n, m: _optimum(spec, p, q, 1, 1)),
    # The same for the pooled design: the n:m prior enters as log(n/m).
    "optimal_prior_corrected": _theory(lambda spec, p, q, n, m: _optimum(spec, p, q, n, m)),
    # Prop. 1's unsmoothed D* = p/(p+q) whatever the loss (a negative control for the variants).
    "p/(p+q)": _theory(lambda spec, p, q, n, m: _prop1(spec, p, q, 1.0)),
    # A wrong theory (negative control): D = p / (p + 2q), logit = log p - log q - log 2.
    "p/(p+2q)": _theory(lambda spec, p, q, n, m: _prop1(spec, p, q, 2.0)),
    # A near miss (negative control for small errors): D = p / (p + 1.1q), logit off by log 1.1 ≈ 0.095.
    "p/(p+1.1q)": _theory(lambda spec, p, q, n, m: _prop1(spec, p, q, 1.1)),
}


def _theory_logit(theory, p, q, n, m, loss="bce", targets=(1.0, 0.0), lsgan=(-1.0, 1.0)):
    if callable(theory):
        return theory
    return THEORIES[check_choice("theory", theory, THEORIES)](p, q, n, m, loss, targets, lsgan)


@dataclass(frozen=True)
class DiscriminatorResult:
    """One trained discriminator and its comparison with the theory (all numbers in nats).

    ``discriminator(x)`` and ``logit(x)`` are numpy callables (for ``objective="least_squares"`` both
    are the unconstrained output). ``passed`` is the verdict: for the logistic family with the BCE loss
    the Wald χ² check at level ``alpha`` (which implies D̂ inside the Scheffé band); otherwise
    ``sup_error ≤ tolerance`` (see :func:`train_discriminators`); a failed (divergent) run never passes.

    Numbers that are not available are ``None``, never NaN: ``value_train`` unless the loss is BCE with
    m = n; ``value_quadrature`` and ``criterion`` for a failed run, without quadrature, or for the least-
    squares output (not a probability); ``tolerance`` for the logistic BCE check (its verdict is the Wald
    test); ``loss`` and ``last_finite_loss`` when no finite loss was ever reached.
    """

    family: str
    seed: int
    device: str
    dtype: str
    steps: int
    n_samples: int
    n_fake: int
    theory: str
    alpha: float
    params: tuple
    center: float
    scale: float
    degree: int
    activation: str
    loss: float | None
    value_train: float | None
    value_heldout: float
    sup_error: float
    region: tuple
    value_quadrature: float | None
    criterion: float | None
    band: st.ConfidenceBand | None
    wald: st.WaldTest | None
    tolerance: float | None
    passed: bool
    verdict: str
    failed: bool
    failed_step: int
    last_finite_loss: float | None
    failure: str = ""
    objective: str = "bce"
    targets: tuple = (1.0, 0.0)
    lsgan: tuple = (-1.0, 1.0)

    @property
    def training_loss(self) -> TrainingLoss:
        """The row of :data:`gantheory.losses.LOSSES` and parameters this discriminator was trained with."""
        return training_loss(self.objective, targets=self.targets, lsgan=self.lsgan)

    @property
    def theta(self) -> np.ndarray | None:
        """Logistic coefficients on the standardised features ``(1, u, …, u^k)``, else None."""
        return self.params[0] if self.family == "logistic" else None

    @property
    def logit(self) -> Callable[[np.ndarray], np.ndarray]:
        return _numpy_logit(self.family, self.params, self.center, self.scale, self.degree, self.activation)

    @property
    def discriminator(self) -> Callable[[np.ndarray], np.ndarray]:
        logit, spec = self.logit, self.training_loss
        return lambda x: spec.to_output(logit(x))

    @property
    def gap(self) -> float | None:
        """C(G) - V(D̂, G) ≥ 0 by Prop. 1 (up to quadrature error); None when either is unavailable."""
        if self.criterion is None or self.value_quadrature is None:
            return None
        return self.criterion - self.value_quadrature


def _numpy_logit(family, params, center, scale, degree, activation="tanh"):
    if family == "logistic":
        theta = np.asarray(params[0], dtype=np.float64)
        return lambda x: st.features(x, degree, center, scale) @ theta

    weights = [torch.as_tensor(p, dtype=torch.float64).unsqueeze(0) for p in params]

    def logit(x):
        x = np.asarray(x, dtype=np.float64)
        u = torch.as_tensor(((x - center) / scale).reshape(1, -1))
        with torch.no_grad():
            out = BatchedMLP.forward(weights, u, activation)
        return out.numpy().reshape(x.shape)

    return logit


@dataclass(frozen=True)
class DiscriminatorEnsemble:
    """K discriminators trained in one batched computation; arrays have leading length K.

    ``wald_statistics`` (logistic family only, else None) are the χ²_d statistics against ``theory``;
    ``result(k)`` (or ``ensemble[k]``) builds the full :class:`DiscriminatorResult` of replicate k,
    quadrature included.

    Masks, not NaN: per-replicate entries are meaningful where ``valid`` (= ``~failed``) holds; a failed
    replicate's ``wald_statistics`` entry is 0.0 (its ``passed`` is False). ``loss`` and
    ``last_finite_loss`` are meaningful where ``loss_valid`` holds (0.0 otherwise). ``tolerance`` is None
    for the logistic BCE check (its verdict is the Wald test).
    """

    family: str
    seeds: tuple
    device: str
    dtype: str
    steps: int
    n_samples: int
    n_fake: int
    degree: int
    alpha: float
    theory: str
    activation: str
    params: tuple
    centers: np.ndarray
    scales: np.ndarray
    loss: np.ndarray
    value_heldout: np.ndarray
    sup_error: np.ndarray
    failed: np.ndarray
    failed_step: np.ndarray
    last_finite_loss: np.ndarray
    wald_statistics: np.ndarray | None
    passed: np.ndarray
    tolerance: np.ndarray | None
    separated: np.ndarray
    loss_valid: np.ndarray | None = None
    objective: str = "bce"
    targets: tuple = (1.0, 0.0)
    lsgan: tuple = (-1.0, 1.0)
    _pairs: tuple = field(repr=False, default=())
    _covariances: tuple = field(repr=False, default=())
    _theta_theory: tuple = field(repr=False, default=())
    _theory: object = field(repr=False, default=None)  # the key or callable as given ("custom" is only its name)

    def __len__(self) -> int:
        return len(self.seeds)

    @property
    def training_loss(self) -> TrainingLoss:
        """The row of :data:`gantheory.losses.LOSSES` and parameters these discriminators were trained with."""
        return training_loss(self.objective, targets=self.targets, lsgan=self.lsgan)

    @property
    def valid(self) -> np.ndarray:
        """Boolean mask of the replicates that trained without failing."""
        return ~np.asarray(self.failed, dtype=bool)

    def __getitem__(self, k: int) -> DiscriminatorResult:
        return self.result(k)

    def result(self, k: int, *, quadrature: bool = True) -> DiscriminatorResult:
        p, q = self._pairs[k]
        params = tuple(np.asarray(t[k]) for t in self.params)
        logit = _numpy_logit(self.family, params, float(self.centers[k]), float(self.scales[k]), self.degree,
                             self.activation)
        region = st.mass_region(p, q)
        failed = bool(self.failed[k])
        value_q = crit = None
        spec = self.training_loss
        # V(D̂, G) needs D̂ in (0, 1): not for the unconstrained least-squares output.
        if quadrature and not spec.raw:
            from gantheory import quadrature as quad

            crit = float(quad.criterion(p, q))
            if not failed:
                value_q = float(quad.value_function(logit, p, q, logits=True))
        band = wald = None
        if self.family == "logistic" and not failed and self._covariances[k] is not None:
            grid = np.linspace(region[0], region[1], 401)
            theory_logit = _theory_logit(self.theory if self._theory is None else self._theory, p, q,
                                         self.n_samples, self.n_fake, spec)
            if not spec.raw:  # the band is drawn on the probability scale
                band = st.scheffe_band(
                    grid, params[0], self._theta_theory[k], self._covariances[k], self.alpha,
                    degree=self.degree, center=float(self.centers[k]), scale=float(self.scales[k]),
                    theory_logit=theory_logit(grid),
                )
            wald = st.wald_test(params[0], self._theta_theory[k], self._covariances[k], self.alpha)
        verdict = "failed" if failed else ("pass" if self.passed[k] else "reject")
        loss_ok = True if self.loss_valid is None else bool(self.loss_valid[k])
        loss = float(self.loss[k]) if loss_ok else None
        standard = spec.row.name == "standard"
        value_train = -loss if (loss is not None and standard and self.n_fake == self.n_samples) else None
        tol = None if self.tolerance is None else float(self.tolerance[k])
        return DiscriminatorResult(
            family=self.family, seed=int(self.seeds[k]), device=self.device, dtype=self.dtype, steps=self.steps,
            n_samples=self.n_samples, n_fake=self.n_fake, theory=str(self.theory), alpha=self.alpha,
            params=params, center=float(self.centers[k]), scale=float(self.scales[k]), degree=self.degree,
            activation=self.activation, loss=loss, value_train=value_train,
            value_heldout=float(self.value_heldout[k]), sup_error=float(self.sup_error[k]), region=region,
            value_quadrature=value_q, criterion=crit, band=band, wald=wald, tolerance=tol,
            passed=bool(self.passed[k]) and not failed, verdict=verdict, failed=failed,
            failed_step=int(self.failed_step[k]),
            last_finite_loss=float(self.last_finite_loss[k]) if loss_ok else None,
            failure=("separable samples: the logistic MLE does not exist" if self.separated[k] else
                     "non-finite loss or parameters" if failed else ""),
            objective=self.objective, targets=tuple(self.targets), lsgan=tuple(self.lsgan),
        )


def _as_pairs(p_data, p_g, k):
    ps = list(p_data) if isinstance(p_data, (list, tuple)) else [p_data] * k
    qs = list(p_g) if isinstance(p_g, (list, tuple)) else [p_g] * k
    if len(ps) != k or len(qs) != k:
        raise GanTheoryError(f"p_data/p_g sequences must have one density per seed ({k}); got {len(ps)} and {len(qs)}")
    for name, d in (("p_data", ps[0]), ("p_g", qs[0])):
        if not hasattr(d, "logpdf") or not hasattr(d, "sample"):
            raise GanTheoryError(f"{name} must be a gantheory Density, got {type(d).__name__}")
        if getattr(d, "batch_shape", ()) != ():
            raise GanTheoryError(f"{name} must be a single density (batch_shape ()); pass a list for several pairs")
        if getattr(d, "is_discrete", False):
            raise GanTheoryError(f"{name} is discrete; the empirical lens trains on densities")
    return list(zip(ps, qs, strict=False))


def _draw(p, q, n, m, n_hold, m_hold, seed):
    rng = numpy_rng(seed)
    return (np.asarray(p.sample(n, rng), dtype=np.float64), np.asarray(q.sample(m, rng), dtype=np.float64),
            np.asarray(p.sample(n_hold, rng), dtype=np.float64), np.asarray(q.sample(m_hold, rng), dtype=np.float64))


def train_discriminators(
    p_data: Density | Sequence[Density],
    p_g: Density | Sequence[Density],
    *,
    seeds: Sequence[int] | int = 8,
    family: str = "logistic",
    degree: int | None = None,
    n_samples: int = 4096,
    n_fake: int | None = None,
    n_heldout: int | None = None,
    steps: int | None = None,
    width: int = 32,
    depth: int = 2,
    activation: str = "tanh",
    lr: float | Sequence[float] = 1e-2,
    batch_size: int | None = None,
    theory: str | Callable[[np.ndarray], np.ndarray] = "optimal",
    swap_labels: bool = False,
    alpha: float = EMPIRICAL_TOLERANCES["alpha"],
    loss: str = "bce",
    targets: tuple[float, float] = (0.9, 0.1),
    lsgan: tuple[float, float] = (-1.0, 1.0),
    device: str | torch.device | None = "auto",
    dtype: torch.dtype | str | None = None,
) -> DiscriminatorEnsemble:
    r"""Train K independent discriminators (one per seed, and per pair if lists are given) in one batch.

    Replicate k draws its n real / m fake training samples and its held-out samples from
    ``numpy.random.default_rng(seeds[k])`` (and, for the MLP, its initial weights from a torch
    generator seeded ``seeds[k]``), so it is independent of the other replicates and equal (to
    rounding) to ``train_discriminator(..., seed=seeds[k])``.

    Losses (``loss``), with their population optima for n = m (:data:`THEORIES` ``"optimal"``):

    .. math::

        \text{bce}: D^* = \frac{p}{p+q},\qquad
        \text{soft\_bce}: D^*_{\alpha,\beta} = \frac{\alpha p + \beta q}{p + q},\qquad
        \text{least\_squares}: D^* = \frac{b\,p + a\,q}{p + q}.

    ``soft_bce`` is BCE against soft targets α (real) / β (fake), ``targets=(α, β)`` (Salimans et al.
    2016, §3.4); ``least_squares`` is the LSGAN loss ½E_p(D − b)² + ½E_q(D − a)² on an unconstrained
    output, ``lsgan=(a, b)`` (Mao et al. 2017, Prop. 1).

    Verdicts. *logistic + bce*: the calibrated Wald χ² test (well specified for Gaussian pairs at degree 2).
    *logistic + soft_bce / least_squares*: the optima above are not polynomial in x (a bounded sigmoid of
    log p/q), so the degree-k polynomial (default k = 6) is misspecified. The M-estimator θ̂ is then
    asymptotically normal around θ_T, the projection of the asserted optimum on the family, with the
    sandwich covariance Σ (White 1982; computed by quadrature, :func:`statistics.wald_covariance`), so with
    probability ≥ 1 − α the fitted output lies in the Scheffé band θ_T·φ ± h(x), h² = χ²_{k+1,1-α} φᵀΣφ,
    at every x. The check is on the sup norm over the 98%-mass region:

    .. math:: \sup_x |\hat D - D_T| \le \max_x \text{half-width}(x) + \sup_x |g(\theta_T\cdot\phi) - D_T|,

    the first term the widest band half-width on the output scale (g = σ or the identity), the second the
    deterministic approximation error of the family, both from quadrature (no resampling; the replicate
    spread is checked against this band in the tests: the rejection rate over R replicates stays ≤ α).
    *mlp*: ``sup_error ≤ mlp_band_factor × half-width (+ the polynomial's approximation error for the
    variants)``, the honest, looser tolerance of ``EMPIRICAL_TOLERANCES['mlp_band_factor']``.

    Args:
        p_data, p_g: densities, or sequences of K densities (different pairs in one batch).
        seeds: the replicates' seeds, or an int K meaning ``range(K)``.
        family: ``"logistic"`` (polynomial logit — or, for least squares, polynomial output — of ``degree``,
            fitted exactly: Newton to the minimiser, or least squares) or ``"mlp"`` (batched Adam).
        degree: polynomial degree (default 2 for ``bce``, 6 for the variants).
        n_samples, n_fake: n real and m fake training samples (m defaults to n).
        steps: Newton iterations (default 30) or Adam steps (default 1500).
        theory: key of :data:`THEORIES` or a numpy callable returning the asserted output (logit for the
            BCE losses, value for least squares); ``sup_error`` is measured against it.
        swap_labels: train with the labels exchanged (a negative control: D̂ → p_g/(p_data+p_g)).
        alpha: level of the calibrated check.
        loss: ``"bce"``, ``"soft_bce"`` or ``"least_squares"``, or the names of those rows of
            :data:`gantheory.losses.LOSSES` (``"standard"``, ``"label_smoothing"``); targets: (α, β) with
            0 ≤ β < α ≤ 1; lsgan: (a, b), the fake and real labels of least squares, a < b
            (:func:`gantheory.empirical.objectives.training_loss` maps these onto the rows).

    Returns:
        :class:`DiscriminatorEnsemble`.

    Raises:
        GanTheoryError: unknown family/theory/loss/device, non-positive sizes, invalid targets (the message
            names the parameter).
    """
    family = check_choice("family", family, FAMILIES)
    activation = check_choice("activation", activation, ACTIVATIONS)
    spec = training_loss(loss, targets=targets, lsgan=lsgan)
    targets = tuple(float(t) for t in targets) if spec.row.name == "label_smoothing" else (1.0, 0.0)
    lsgan = tuple(float(t) for t in lsgan)
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        seeds = tuple(range(check_positive_int("seeds", seeds)))
    seeds = tuple(int(s) for s in seeds)
    if not seeds:
        raise GanTheoryError("seeds must name at least one replicate")
    n = check_positive_int("n_samples", n_samples, 2)
    m = check_positive_int("n_fake", n if n_fake is None else n_fake, 2)
    n_hold = check_positive_int("n_heldout", n if n_heldout is None else n_heldout)
    standard = spec.row.name == "standard"
    degree = check_positive_int("degree", (2 if standard else 6) if degree is None else degree)
    width = check_positive_int("width", width)
    depth = check_positive_int("depth", depth)
    steps = check_positive_int("steps", (30 if family == "logistic" else 1500) if steps is None else steps)
    if batch_size is not None:
        batch_size = check_positive_int("batch_size", batch_size)
    if not 0 < alpha < 1:
        raise GanTheoryError(f"alpha must be in (0, 1), got {alpha!r}")
    if not callable(theory):
        check_choice("theory", theory, THEORIES)
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    k = len(seeds)
    pairs = _as_pairs(p_data, p_g, k)
    m_hold = max(1, round(n_hold * m / n))
    # Largest per-step tensor: K × (n + m) × (hidden width, or the Newton Hessian's d² terms).
    work = k * (n + m) * (width if family == "mlp" else (degree + 1) ** 2)
    with cpu_threads(dev, work):
        return _train_discriminators(pairs, seeds, family, degree, n, m, n_hold, m_hold, steps, width, depth,
                                     activation, lr, batch_size, theory, swap_labels, alpha, spec, targets,
                                     lsgan, dev, dt)


def _train_discriminators(pairs, seeds, family, degree, n, m, n_hold, m_hold, steps, width, depth, activation, lr,
                          batch_size, theory, swap_labels, alpha, spec, targets, lsgan, dev, dt):
    k = len(seeds)
    objective, least_squares, standard = spec.name, spec.raw, spec.row.name == "standard"
    # Feature frames and theory parameters are per *distinct* pair (computed once, by quadrature).
    frames, cache = [], {}
    for p, q in pairs:
        key = (id(p), id(q))
        if key not in cache:
            cache[key] = st.feature_frame(p, q)
        frames.append(cache[key])
    centers = np.array([f[0] for f in frames])
    scales = np.array([f[1] for f in frames])

    draws = [_draw(p, q, n, m, n_hold, m_hold, s) for (p, q), s in zip(pairs, seeds, strict=False)]
    as_t = lambda i: torch.as_tensor(np.stack([d[i] for d in draws]), dtype=dt, device=dev)  # noqa: E731
    x_real, x_fake, h_real, h_fake = as_t(0), as_t(1), as_t(2), as_t(3)
    c_t = torch.as_tensor(centers, dtype=dt, device=dev).unsqueeze(-1)
    s_t = torch.as_tensor(scales, dtype=dt, device=dev).unsqueeze(-1)
    u_real, u_fake = (x_real - c_t) / s_t, (x_fake - c_t) / s_t
    if swap_labels:
        u_real, u_fake = u_fake, u_real

    loss_fn = spec.torch_loss()

    if family == "logistic":
        phi_r, phi_f = polynomial_features(u_real, degree, 0.0, 1.0), polynomial_features(u_fake, degree, 0.0, 1.0)
        if least_squares:
            fit = fit_least_squares(phi_r, phi_f, lsgan=lsgan)
        else:
            fit = fit_logistic_newton(phi_r, phi_f, steps=steps, targets=spec.labels)
        theta = fit.params[0]
        logit_t = lambda u: torch.einsum("kbd,kd->kb", polynomial_features(u, degree, 0.0, 1.0), theta)  # noqa: E731
    else:
        model = BatchedMLP.init(seeds, width=width, depth=depth, device=dev, dtype=dt, activation=activation)
        fit = fit_mlp_adam(model, u_real, u_fake, steps=steps, lr=lr, batch_size=batch_size,
                           schedule_seed=seeds[0], loss_fn=loss_fn)
        logit_t = lambda u: BatchedMLP.forward(fit.params, u, activation)  # noqa: E731
    to_output = (lambda f: f) if least_squares else torch.sigmoid

    with torch.no_grad():
        lr_h, lf_h = logit_t((h_real - c_t) / s_t), logit_t((h_fake - c_t) / s_t)
        # minus the held-out loss, a mean per class: for BCE V̂ = mean log σ(f(x)) + mean log σ(−f(z))
        v_held = spec.heldout_value(lr_h, lf_h)
        region_cache: dict = {}
        regions = []
        for p, q in pairs:
            if (id(p), id(q)) not in region_cache:
                region_cache[(id(p), id(q))] = st.mass_region(p, q)
            regions.append(region_cache[(id(p), id(q))])
        grid = np.stack([np.linspace(lo, hi, _GRID_POINTS) for lo, hi in regions])
        grid_t = torch.as_tensor(grid, dtype=dt, device=dev)
        d_hat = to_output(logit_t((grid_t - c_t) / s_t)).double().cpu().numpy()

    def theory_output(p, q):
        return _theory_logit(theory, p, q, n, m, spec)

    output_scale = spec.to_output

    star_cache = {}
    sup = np.empty(k)
    for i, (p, q) in enumerate(pairs):
        key = (id(p), id(q), regions[i])
        if key not in star_cache:
            star_cache[key] = output_scale(np.asarray(theory_output(p, q)(grid[i]), dtype=np.float64))
        sup[i] = np.max(np.abs(d_hat[i] - star_cache[key]))

    failed = fit.failed.cpu().numpy()
    eps_num = EMPIRICAL_TOLERANCES["float32_eps"] if dt == torch.float32 else 0.0
    wald_family = family == "logistic"
    covs, thetas_t = [], []
    stats_ = np.zeros(k)
    tol = np.zeros(k)
    theory_cache = {}
    for i, (p, q) in enumerate(pairs):
        key = (id(p), id(q))
        if key not in theory_cache and np.all(failed[[j for j in range(k) if (id(pairs[j][0]), id(pairs[j][1])) == key]]):
            theory_cache[key] = (None, None, 0.0, 0.0)  # every replicate of this pair failed: nothing to compare
        if key not in theory_cache:
            logit_theory = theory_output(p, q)
            th = st.population_parameter(logit_theory, p, q, n=n, m=m, degree=degree, center=centers[i],
                                         scale=scales[i], loss=spec.row.name)
            # The sampling covariance is the experiment's (at θ*, the population minimiser of the training
            # loss); only the centre θ_T comes from the theory. For the well-specified BCE check the two
            # coincide under H0, and the covariance is taken at θ_T as calibrated.
            at = th if standard else st.population_minimiser(
                p, q, n=n, m=m, degree=degree, center=centers[i], scale=scales[i], loss=objective, targets=targets,
                lsgan=lsgan)
            cov, info = st.wald_covariance(at, p, q, n=n, m=m, degree=degree, center=centers[i], scale=scales[i],
                                           return_information=True, loss=objective, targets=targets, lsgan=lsgan)
            if eps_num:
                # float32: Newton stalls at |∇L| ~ eps32 (n+m)/n, so θ̂ carries H⁻¹ that, H = A/n.
                h_inv = np.linalg.inv(info / n)
                cov = cov + (eps_num * (n + m) / n) ** 2 * h_inv @ h_inv
            band_grid = np.linspace(*regions[i], 401)
            phi = st.features(band_grid, degree, centers[i], scales[i])
            half = np.sqrt(stats.chi2.ppf(1 - alpha, degree + 1) * np.einsum("ni,ij,nj->n", phi, cov, phi))
            fitted = phi @ th
            # Widest band half-width on the output scale, both sides (sigmoid is not symmetric about θ_T·φ).
            half_out = float(np.max(np.maximum(output_scale(fitted + half) - output_scale(fitted),
                                               output_scale(fitted) - output_scale(fitted - half))))
            # The family's approximation error: zero (to Newton's rounding) when well specified.
            bias = float(np.max(np.abs(output_scale(fitted) - output_scale(np.asarray(logit_theory(band_grid), dtype=np.float64)))))
            theory_cache[key] = (th, cov, half_out, bias)
        th, cov, half_out, bias = theory_cache[key]
        covs.append(cov)
        thetas_t.append(th)
        if wald_family and not failed[i]:
            stats_[i] = st.wald_test(fit.params[0][i].double().cpu().numpy(), th, cov, alpha).statistic
        if family == "mlp":
            tol[i] = EMPIRICAL_TOLERANCES["mlp_band_factor"] * half_out + (0.0 if standard else bias)
        else:
            tol[i] = half_out + bias
    if family == "logistic" and standard:
        passed = (stats_ <= stats.chi2.ppf(1 - alpha, degree + 1)) & ~failed
    else:
        passed = (sup <= tol) & ~failed

    loss_valid = fit.finite_loss.cpu().numpy() if fit.finite_loss is not None else np.ones(k, dtype=bool)
    params = tuple(t.detach().double().cpu().numpy() for t in fit.params)
    return DiscriminatorEnsemble(
        family=family, seeds=seeds, device=str(dev), dtype=str(dt).replace("torch.", ""), steps=fit.steps,
        n_samples=n, n_fake=m, degree=degree, alpha=alpha, theory=theory if isinstance(theory, str) else "custom",
        activation=activation, params=params, centers=centers, scales=scales,
        loss=np.where(loss_valid, fit.loss.double().cpu().numpy(), 0.0),
        value_heldout=v_held.double().cpu().numpy(), sup_error=sup, failed=failed,
        failed_step=fit.failed_step.cpu().numpy(),
        last_finite_loss=np.where(loss_valid, fit.last_finite_loss.double().cpu().numpy(), 0.0),
        wald_statistics=stats_ if wald_family else None, passed=passed,
        tolerance=None if (family == "logistic" and standard) else tol,
        separated=(fit.separated.cpu().numpy() if fit.separated is not None else np.zeros(k, dtype=bool)),
        loss_valid=loss_valid, objective=objective, targets=targets, lsgan=lsgan,
        _pairs=tuple(pairs), _covariances=tuple(covs), _theta_theory=tuple(thetas_t), _theory=theory,
    )


def train_discriminator(p_data: Density, p_g: Density, *, family: str = "logistic", degree: int | None = None, n_samples: int = 4096,
                        steps: int | None = None, seed: int = 0, device: str | torch.device | None = "auto",
                        dtype: torch.dtype | str | None = None,
                        alpha: float = EMPIRICAL_TOLERANCES["alpha"], **options) -> DiscriminatorResult:
    r"""Train one discriminator for fixed (p_data, p_g) and compare it with Prop. 1's D*.

    .. math:: \hat\theta = \arg\min_\theta \; -\tfrac1n\Big[\sum_i \log\sigma(f_\theta(x_i))
              + \sum_j \log\sigma(-f_\theta(z_j))\Big] \;(= -\hat V \text{ when } m = n)

    The result carries V̂ (held out), sup |D̂ − D*| on the 98%-mass region, V(D̂, G) by quadrature and
    C(G) (Prop. 1: the former never exceeds the latter), the Scheffé band / Wald test (logistic) or the
    MLP tolerance, and the failure record of a divergent run. Other keyword options are those of
    :func:`train_discriminators` (``n_fake``, ``width``, ``depth``, ``lr``, ``theory``, ``swap_labels``,
    ``loss="bce"|"soft_bce"|"least_squares"`` with ``targets=(α, β)`` / ``lsgan=(a, b)`` …).

    Reference: Goodfellow et al. (2014), Prop. 1; White (1982) for the sandwich covariance.

    >>> from gantheory.densities import Normal
    >>> r = train_discriminator(Normal(0, 1), Normal(1, 1.5), n_samples=2048, device="cpu")
    >>> r.passed, r.sup_error < 0.05, r.value_quadrature <= r.criterion + 1e-9
    (True, True, True)
    >>> s = train_discriminator(Normal(0, 1), Normal(2, 1), loss="soft_bce", targets=(0.9, 0.1), device="cpu")
    >>> s.passed, s.sup_error <= s.tolerance
    (True, True)
    """
    ensemble = train_discriminators(p_data, p_g, seeds=(int(seed),), family=family, degree=degree,
                                    n_samples=n_samples, steps=steps, alpha=alpha, device=device, dtype=dtype,
                                    **options)
    return ensemble.result(0)


@dataclass(frozen=True)
class CalibrationResult:
    """Calibration of the logistic Wald check over R independent replicates.

    Under H0 (the correct theory, m = n) the number of rejections is Binomial(R, α);
    ``binomial_pvalue`` is the exact two-sided test of that, ``ks_pvalue`` a Kolmogorov–Smirnov test of
    the statistics against χ²_dof. ``power[name]`` is the rejection rate against each wrong theory, with
    its statistics in ``power_statistics[name]`` (the HTML report histograms them with ``statistics``).
    """

    alpha: float
    replicates: int
    n_samples: int
    degree: int
    dof: int
    critical: float
    statistics: np.ndarray
    rejections: int
    rejection_rate: float
    binomial_pvalue: float
    ks_pvalue: float
    power: Mapping[str, float]
    power_statistics: Mapping[str, np.ndarray]
    failed: int
    seeds: tuple
    device: str
    dtype: str
    # The fitted θ̂ of the replicates that finished (the H0 batch) and their feature frame: what a power
    # curve against other wrong theories re-tests without training again (:mod:`gantheory.empirical.power`).
    theta_hat: np.ndarray | None = None
    center: float = math.nan
    scale: float = math.nan

    @property
    def calibrated(self) -> bool:
        return self.binomial_pvalue >= EMPIRICAL_TOLERANCES["calibration_pvalue_min"]

    @property
    def powerful(self) -> bool:
        return all(v >= EMPIRICAL_TOLERANCES["power_min"] for v in self.power.values())


def calibrate(p_data: Density, p_g: Density, *, replicates: int = 200, alpha: float = EMPIRICAL_TOLERANCES["alpha"],
              n_samples: int = 4096, degree: int = 2, prior_shift_fake: int | None = None, seed: int = 0,
              device: str | torch.device | None = "auto", dtype: torch.dtype | str | None = None) -> CalibrationResult:
    r"""Calibrate the Wald/Scheffé check: false-rejection rate vs α, and power against wrong theories.

    R replicates (seeds ``seed, …, seed+R-1``) are trained in one batch with m = n and tested against
    Prop. 1's ``D* = p/(p+q)``; the rejection count is compared with Binomial(R, α). The same fits are
    then tested against the wrong theory ``D = p/(p+2q)`` and, label-swapped (``θ̂ → -θ̂`` is the MLE with
    the labels exchanged when m = n), against D*. A second batch (seeds ``seed+R, …``) is trained with
    ``m = prior_shift_fake`` (default n/2) fake samples and tested against the *balanced* formula, which
    is wrong there by the prior shift ``log(n/m)``. Each power is the rejection rate.

    Raises:
        GanTheoryError: ``replicates`` < 2 or other invalid sizes.
    """
    r = check_positive_int("replicates", replicates, 2)
    seeds = tuple(range(seed, seed + r))
    ens = train_discriminators(p_data, p_g, seeds=seeds, family="logistic", degree=degree, n_samples=n_samples,
                               alpha=alpha, device=device, dtype=dtype)
    dof = degree + 1
    critical = float(stats.chi2.ppf(1 - alpha, dof))
    ok = ~ens.failed
    null = ens.wald_statistics[ok]
    if null.size == 0:
        raise GanTheoryError(f"calibrate: all {r} replicates failed (separable or divergent); increase n_samples")
    rejections = int(np.sum(null > critical))
    power_stats: dict[str, np.ndarray] = {}
    theta_hat = ens.params[0][ok]
    # Wrong theory p/(p+2q): same fits, different θ_T and its covariance.
    n = n_samples
    for name, th_hat, theory in (("p/(p+2q)", theta_hat, "p/(p+2q)"), ("label_swap", -theta_hat, "optimal")):
        logit_theory = _theory_logit(theory, p_data, p_g, n, n)
        th = st.population_parameter(logit_theory, p_data, p_g, n=n, m=n, degree=degree,
                                     center=ens.centers[0], scale=ens.scales[0])
        cov = st.wald_covariance(th, p_data, p_g, n=n, m=n, degree=degree, center=ens.centers[0], scale=ens.scales[0])
        diff = th_hat - th
        power_stats[name] = np.einsum("ki,ij,kj->k", diff, np.linalg.inv(cov), diff)
    m = check_positive_int("prior_shift_fake", prior_shift_fake if prior_shift_fake is not None else n_samples // 2, 2)
    if m == n:
        raise GanTheoryError("prior_shift_fake must differ from n_samples to create a prior shift")
    shifted = train_discriminators(p_data, p_g, seeds=tuple(range(seed + r, seed + 2 * r)), family="logistic",
                                   degree=degree, n_samples=n, n_fake=m, alpha=alpha, theory="optimal",
                                   device=device, dtype=dtype)
    power_stats["prior_shift"] = shifted.wald_statistics[~shifted.failed]
    if power_stats["prior_shift"].size == 0:
        raise GanTheoryError(f"calibrate: all {r} prior-shift replicates failed; increase n_samples")
    power = {name: float(np.mean(v > critical)) for name, v in power_stats.items()}
    return CalibrationResult(
        alpha=alpha, replicates=r, n_samples=n, degree=degree, dof=dof, critical=critical, statistics=null,
        rejections=rejections, rejection_rate=rejections / max(1, null.size),
        binomial_pvalue=st.binomial_test(rejections, null.size, alpha),
        ks_pvalue=float(stats.kstest(null, stats.chi2(dof).cdf).pvalue), power=power,
        power_statistics=power_stats, failed=int(np.sum(ens.failed)), seeds=seeds, device=ens.device, dtype=ens.dtype,
        theta_hat=theta_hat, center=float(ens.centers[0]), scale=float(ens.scales[0]),
    )
