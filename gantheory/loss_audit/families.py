r"""Which game is it? The measured optimum and pointwise terms matched to the rows of ``LOSSES``.

The implied optimum a*(t), t = p/(p+q) (:mod:`gantheory.loss_audit.optimum`), is matched against the
optimal outputs of the rows of :data:`gantheory.losses.LOSSES` by iterating the rows (:func:`fit_row`):
each row's :class:`~gantheory.losses.Linearisation` names the space where its optimum is affine in its
coordinates, so its parameters are one linear least-squares solve; a row without one is fitted
numerically. A fit holds when the row's own optimum at the fitted parameters reproduces a*(t) to
:data:`FIT_ATOL`. Parameter-free rows are tried first, then the registry's order; the first match wins.
Today's rows give

=================  ====================================  ==========================================
family             implied optimum                        parameters (the rows' spellings)
=================  ====================================  ==========================================
standard           σ(a*) = p/(p+q)                        —
swapped            σ(a*) = q/(p+q)                        —
label_smoothing    σ(a*) = (α p + β q)/(p+q)              ``alpha``, ``beta``
class_weighted     σ(a*) = w_r p/(w_r p + w_f q)          ``weight_real`` (= 1), ``weight_fake``
least_squares      a* = (b p + a q)/(p+q)                  ``a``, ``b``
hinge              a* = m·sign(p − q)                      ``margin``
=================  ====================================  ==========================================

The row ``linear`` (a* = ±∞·sign(p − q)) is reported as the family ``hinge`` with ``margin = None``
and ``unbounded = True``: an unconstrained WGAN critic is the hinge game without its margin. Families'
references and the findings the audit reports about each family (:meth:`~gantheory.losses.Loss.audit_note`)
come from the rows. The pointwise *signatures* (a loss's terms up to positive scales and a constant) are
those of the rows with a :class:`~gantheory.losses.TermSignature` plus :data:`SLIPS`, the catalogue of
known implementation slips, which is audit knowledge and lives only here. Generator kinds are the rows
of :data:`gantheory.losses.GENERATORS`, each matched by a linear fit on its own basis. ``FAMILIES``,
``GENERATOR_KINDS`` and ``SIGNATURES`` are read from the registries on access, so a row added later is
listed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gantheory.loss_audit.optimum import ImpliedOptimum, PointwiseLoss, Terms
from gantheory.losses import GENERATORS, LOSSES, Linearisation, Loss, TermSignature
from gantheory.numerics import sigmoid, softplus
from gantheory.tolerances import TOLERANCES

# Fits of exact pointwise identities (the reason for its size is in gantheory.tolerances).
FIT_ATOL = TOLERANCES["audit_fit_atol"]

# The row of an unconstrained linear critic (its optimum is ±∞·sign(p − q), matched without a fit).
UNBOUNDED_ROW = UNBOUNDED_FAMILY = "wasserstein"
CONVENTIONS = ("real_high", "real_low")


def families() -> tuple[str, ...]:
    """The audit's family names: each row's :attr:`~gantheory.losses.Loss.audit_family` (mirror rows, whose
    game is another row's with real scored low, and the relativistic variants collapse), ``unrecognised``."""
    names: list[str] = []
    for row in LOSSES.values():
        if not row.mirror_of and row.audit_family not in names:
            names.append(row.audit_family)
    return (*names, "unrecognised")


def generator_kinds() -> tuple[str, ...]:
    """The audit's generator kinds: the rows of :data:`GENERATORS`, then ``other``."""
    return (*tuple(GENERATORS), "other")


def __getattr__(name: str):
    # FAMILIES, GENERATOR_KINDS, SIGNATURES: views of the registries, read when asked for
    views = {"FAMILIES": families, "GENERATOR_KINDS": generator_kinds, "SIGNATURES": signatures}
    if name in views:
        return views[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def row_of(family: str, params: dict) -> Loss | None:
    """The row of :data:`LOSSES` an audit family with ``params`` stands for (None when unrecognised); the
    relativistic family's row is chosen by ``params["variant"]``."""
    if family == "relativistic":
        return LOSSES.get(f"relativistic_{params.get('variant', 'standard')}")
    return LOSSES.get(family)


def reference(family: str) -> str:
    """The reference of an audit family, from its row of :data:`LOSSES` ('' when unrecognised)."""
    row = row_of(family, {})
    return row.reference if row is not None else ""


@dataclass(frozen=True)
class FamilyFit:
    """A family matched to a measured optimum: its reported parameters, the fit's residual, the identity,
    and the convention (``real_high``: a* increases with p/(p+q); ``real_low``: real samples scored low)."""

    family: str
    params: dict = field(default_factory=dict)
    residual: float = 0.0
    evidence: str = ""
    convention: str = "real_high"


def _clean(x: float, digits: int = 9) -> float:
    return float(round(x, digits)) + 0.0


# A row without a linearisation is fitted numerically from its defaults and from these multiples of
# them (a parameter whose default is 0 starts at these values instead): enough for the one- and
# two-parameter optimum families a loss has.
_STARTS = (1.0, 0.5, 2.0, -1.0)


def _precedence() -> list[str]:
    """The rows a finite optimum is matched against: parameter-free rows first (standard wins over label
    smoothing with α = 1, β = 0), then the parametrised ones, each group in registry order."""
    names = [name for name, row in LOSSES.items() if name != UNBOUNDED_ROW and not row.mirror_of
             and row.coupling == "separable" and row.domain == (-math.inf, math.inf)]
    return sorted(names, key=lambda name: bool(LOSSES[name].params))


def _numerical_coordinates(row, space, y, t, lt, l1t) -> dict[str, float]:
    """The row's parameters minimising max |space(row.optimum) − y|, by least squares from a few starts."""
    from scipy.optimize import least_squares

    names = list(row.params)

    def residual(x):
        r = space(row.optimum(lt, l1t, **dict(zip(names, x, strict=True))), t) - y
        return np.where(np.isfinite(r), r, 1e6)

    best = None
    for k in _STARTS:
        x0 = np.array([float(row.params[n]) * k if row.params[n] else k for n in names])
        # solver settings at float64 resolution (run to convergence; FIT_ATOL then judges the fit)
        sol = least_squares(residual, x0, xtol=1e-15, ftol=1e-15, gtol=1e-15)
        err = float(np.max(np.abs(sol.fun)))
        if best is None or err < best[0]:
            best = (err, sol.x)
        if err < FIT_ATOL:
            break
    return dict(zip(names, (float(v) for v in best[1]), strict=True))


def fit_row(name: str, t: np.ndarray, a_star: np.ndarray, atol: float = FIT_ATOL) -> FamilyFit | None:
    """Fit the row ``name`` of :data:`LOSSES` to a finite measured optimum a*(t); None when it does not hold.

    The coordinates come from the row's :class:`~gantheory.losses.Linearisation` (one linear solve in
    its space) or, for a row without one, from a numerical fit of its optimum; either way the fit is
    accepted only if the row's own optimum at those parameters reproduces a*(t) to :data:`FIT_ATOL` in
    the row's space. Parameters are reported rounded to 9 digits.
    """
    row = LOSSES[name]
    lin = row.linearisation or Linearisation()
    lt, l1t = np.log(t), np.log1p(-t)
    y = lin.space(a_star, t)
    if lin.coordinates:
        theta, *_ = np.linalg.lstsq(lin.design(t), y, rcond=None)
        coords = dict(zip(lin.coordinates, (float(v) for v in theta), strict=True))
    elif row.params:
        coords = _numerical_coordinates(row, lin.space, y, t, lt, l1t)
    else:
        coords = {}
    if not all(math.isfinite(v) for v in coords.values()) or not lin.admissible(coords):
        return None
    try:
        params = dict(lin.to_params(coords))
    except (OverflowError, ZeroDivisionError, ValueError):  # coordinates far outside the row's game
        return None
    try:
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            residual = float(np.max(np.abs(lin.space(row.optimum(lt, l1t, **params), t) - y)))
    except (OverflowError, ZeroDivisionError, ValueError):  # parameters outside the row's game
        return None
    if not residual < atol:  # NaN fails too
        return None
    digits = 9 if atol <= FIT_ATOL else 5  # a float32 loss's parameters are known to ~5 digits
    reported = {k: _clean(v, digits) for k, v in {**params, **coords}.items()}
    if name == "class_weighted":  # the contract's one number: the fake term's weight relative to the real term's
        reported["weight"] = _clean(params["weight_fake"] / params["weight_real"], digits)
    if lin.evidence:
        evidence = lin.evidence.format(**reported)
    else:
        values = ", ".join(f"{k} = {v:.6g}" for k, v in reported.items())
        evidence = f"{row.optimum_formula}" + (f" with {values}" if values else "")
    return FamilyFit(name, reported, residual, evidence)


def convention_of(opt: ImpliedOptimum) -> str:
    """``real_high`` when the optimum increases with t = p/(p+q) (real samples scored high), else ``real_low``."""
    a = opt.a_star
    ok = ~np.isnan(a)
    if not ok.any():
        return "real_high"
    lo, hi = a[ok][0], a[ok][-1]
    return "real_low" if hi < lo else "real_high"


def fit_family(opt: ImpliedOptimum, unbounded_below: bool, atol: float = FIT_ATOL) -> FamilyFit:
    """Match the measured a*(t) against the rows of :data:`LOSSES` (see :func:`fit_row`): parameter-free rows,
    then the same mirrored (a* ↦ −a*: the game with real samples scored low), then parametrised rows and
    their mirrors; the first match wins. An infinite optimum is compared with the Wasserstein critic's
    ±∞·sign(p − q) (either sign). Rows on a restricted domain (energies) are fitted by the caller."""
    t, a = opt.t, opt.a_star
    if np.all(np.isfinite(a)):
        names = _precedence()
        free = [n for n in names if not LOSSES[n].params]
        with_params = [n for n in names if LOSSES[n].params]
        order = ([(n, 1.0) for n in free] + [(n, -1.0) for n in free] + [(n, 1.0) for n in with_params]
                 + [(n, -1.0) for n in with_params])
        for name, sign in order:
            fit = fit_row(name, t, sign * a, atol)
            if fit is not None:
                row = LOSSES[name]
                convention = "real_high" if sign > 0 else "real_low"
                if name == "least_squares" and fit.params["b"] < fit.params["a"]:
                    convention = "real_low"
                if name == "label_smoothing" and fit.params["alpha"] < fit.params["beta"]:
                    convention = "real_low"
                evidence = fit.evidence if sign > 0 else f"−a* satisfies {fit.evidence} (real samples scored low)"
                return FamilyFit(row.audit_family, fit.params, fit.residual, evidence, convention)
        return FamilyFit("unrecognised", {}, math.inf, "a*(t) matches no known family", convention_of(opt))
    decided = t != 0.5  # p = q leaves the sign undetermined
    unbounded = LOSSES[UNBOUNDED_ROW].optimum(np.log(t), np.log1p(-t))
    for sign, convention in ((1.0, "real_high"), (-1.0, "real_low")):
        if np.array_equal(a[decided], sign * unbounded[decided]):
            if unbounded_below:
                return FamilyFit(UNBOUNDED_FAMILY, {}, 0.0,
                                 ("a* = ±∞·sign(p − q)" if sign > 0 else "a* = ∓∞·sign(p − q) (real scored low)")
                                 + ": an unconstrained linear critic", convention)
            return FamilyFit("unrecognised", {}, math.inf,
                             "a* = ±∞·sign(p − q) with a bounded loss: the optimum is a hard 0/1 decision", convention)
    return FamilyFit("unrecognised", {}, math.inf, "a*(t) is unbounded for some t", convention_of(opt))


# -- pointwise signatures: the rows' terms and the known slips -------------------------------------
def _ones(a: np.ndarray) -> np.ndarray:
    return np.ones_like(a)


def _scales(theta_real: np.ndarray, theta_fake: np.ndarray) -> tuple[float, float, dict]:
    """A fixed form's scales: the coefficients of ℓ(a) in the fits on (ℓ(a), 1); no parameters."""
    return float(theta_real[0]), float(theta_fake[0]), {}


@dataclass(frozen=True)
class Signature:
    """One pointwise form: each term as s·ℓ(a) + k, a linear fit on ``real_basis(a)`` / ``fake_basis(a)``;
    ``read(θ_real, θ_fake) -> (s_real, s_fake, params)``; a diagnosis ``code`` (None for a correct game)."""

    name: str
    real_basis: Callable
    fake_basis: Callable
    code: str | None
    description: str
    read: Callable = _scales


def _form(name: str, real: Callable, fake: Callable, code: str | None, description: str) -> Signature:
    """The signature of terms fixed up to scale: the columns (ℓ(a), 1)."""
    return Signature(name, lambda a: (real(a), _ones(a)), lambda a: (fake(a), _ones(a)), code, description)


def _row_signature(name: str) -> Signature:
    row = LOSSES[name]
    sig = row.signature or TermSignature()
    note = row.audit_note(dict(row.params))
    code = note.code if note.severity == "error" else None  # a row that is itself a slip (swapped labels)
    description = sig.description or row.formula
    if sig.basis is None:
        real, fake = row.terms("numpy")  # the row's default parameters: hinge margin 1
        return _form(name, real, fake, code, description)
    return Signature(name, sig.basis, sig.basis, code, description, sig.read)


# Known implementation slips (audit knowledge, not games): each is matched like a row's terms.
SLIPS = (
    _form("log_sigmoid_one_minus", lambda a: softplus(-a), lambda a: softplus(a - 1.0),
          "log_sigmoid_one_minus", "fake term is −log σ(1 − a) instead of −log(1 − σ(a))"),
    _form("double_sigmoid", lambda a: softplus(-sigmoid(a)), lambda a: softplus(sigmoid(a)), "double_sigmoid",
          "a sigmoid is applied twice: −log σ(σ(a)) and −log(1 − σ(σ(a)))"),
    _form("sign_flip", lambda a: -softplus(-a), lambda a: -softplus(a), "sign_flip",
          "the loss is the negated cross-entropy: D maximises its own error"),
    _form("missing_log", lambda a: -sigmoid(a), lambda a: sigmoid(a), "missing_log",
          "−D(x) + D(G(z)) with D = σ(a): the log is missing"),
)


def signatures() -> dict[str, Signature]:
    """The forms a loss's terms are matched against, in order: the rows with a ``signature`` whose terms are
    fixed up to scale (registry order), the slips, then the rows whose terms carry free parameters (their
    basis also spans the fixed forms' limits, so they come last). Label smoothing and class weighting have
    no signature: their optimum identifies them. Each form is matched on |a| ≤ 8, where every correct
    float64 implementation is exact."""
    rows = [name for name, row in LOSSES.items() if row.signature is not None and row.coupling == "separable"]
    fixed = [name for name in rows if LOSSES[name].signature.basis is None]
    free = [name for name in rows if LOSSES[name].signature.basis is not None]
    return {**{name: _row_signature(name) for name in fixed}, **{s.name: s for s in SLIPS},
            **{name: _row_signature(name) for name in free}}


@dataclass(frozen=True)
class SignatureMatch:
    name: str
    code: str | None
    description: str
    scale_real: float
    scale_fake: float
    residual: float
    params: dict = field(default_factory=dict)


def _relative_fit(y: np.ndarray, columns: tuple) -> tuple[np.ndarray, float]:
    """θ of the least-squares fit y ≈ Σ θ_k·columns_k and its max residual relative to the range of y."""
    A = np.stack([np.broadcast_to(np.asarray(c, dtype=np.float64), y.shape) for c in columns], axis=1)
    theta, *_ = np.linalg.lstsq(A, y, rcond=None)
    scale = max(np.ptp(y), 1e-300)  # a floor against division by zero, not a tolerance
    return theta, float(np.max(np.abs(A @ theta - y)) / scale)


def match_signature(terms: Terms, atol: float = FIT_ATOL) -> SignatureMatch | None:
    """The catalogued pointwise form (up to positive scales and a constant) the terms follow, if any."""
    a = np.linspace(-8.0, 8.0, 161)
    lr, lf = terms.both(a)
    if not (np.all(np.isfinite(lr)) and np.all(np.isfinite(lf))):
        return None
    for sig in signatures().values():
        th_r, rr = _relative_fit(lr, sig.real_basis(a))
        th_f, rf = _relative_fit(lf, sig.fake_basis(a))
        sr, sf, params = sig.read(th_r, th_f)
        if sr > 0 and sf > 0 and max(rr, rf) < atol:
            return SignatureMatch(sig.name, sig.code, sig.description, sr, sf, max(rr, rf), dict(params))
    return None


# -- generator ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GeneratorFit:
    kind: str
    params: dict
    description: str
    saturation_gradient: float
    residual: float


def _describe(kind: str) -> str:
    row = GENERATORS[kind]
    return f"{row.formula} ({row.reference})"


def classify_generator(term: Callable, atol: float = FIT_ATOL) -> GeneratorFit:
    """Match ℓ_g(a) against the rows of ``GENERATORS`` as s·ℓ(a; params) + k with s > 0 (any constant k).

    Each row is one linear least-squares fit on its :meth:`~gantheory.losses.GeneratorLoss.basis`
    (ℓ(a) and 1; (a², a, 1) for least squares, whose target ``c`` is free), accepted when the residual
    is below :data:`FIT_ATOL` relative to the range of ℓ_g. Parameter-free rows are tried first (a row
    with free parameters can contain them in the limit: s·(a − c)² → a linear term as c → ∞), then
    registry order.
    """
    a = np.linspace(-8.0, 8.0, 161)
    lg = term(a)
    _, g_sat = term(np.array([-20.0]), grad=True)
    g_sat = float(g_sat[0])
    if np.all(np.isfinite(lg)):
        for kind in sorted(GENERATORS, key=lambda k: GENERATORS[k].fit_basis is not None):
            row = GENERATORS[kind]
            design = np.stack(row.basis(a), axis=1)
            theta, *_ = np.linalg.lstsq(design, lg, rcond=None)
            r = float(np.max(np.abs(design @ theta - lg)) / max(np.ptp(lg), 1e-300))  # floor: no division by 0
            params = row.coefficients(theta)
            if params["scale"] > 0 and r < atol:
                return GeneratorFit(kind, {k: _clean(v, 9) for k, v in params.items()}, _describe(kind), g_sat, r)
    return GeneratorFit("other", {}, "matches no catalogued generator loss", g_sat, math.inf)


def fixed_point_check(term: Callable, opt_full: ImpliedOptimum) -> tuple[bool | None, str]:
    """Is p_g = p_data a minimiser of the generator's objective facing the optimal discriminator?

    With D at its optimum a*(t), the generator minimises
    :math:`J(q) = \\int q\\, g(p/q)\\,dx` with :math:`g(u) = \\ell_g(a^*(u/(1+u)))`. Since
    :math:`\\int q\\,(p/q - 1) = 0`, q = p is a global minimiser for every p exactly when g lies above
    a line through (1, g(1)): :math:`\\max_{u<1} S(u) \\le \\min_{u>1} S(u)` with
    :math:`S(u) = (g(u) - g(1))/(u - 1)` (Jensen; necessity by two-point q). At t = ½ the optimal D
    may be a set (hinge); g(1) is then the generator's best value on that set.
    """
    t, a = opt_full.t, opt_full.a_star
    if not np.all(np.isfinite(a)):
        return None, ("the optimal discriminator is unbounded, so the pointwise game has no fixed "
                      "point; it needs a constrained critic (e.g. Lipschitz, Arjovsky et al. 2017)")
    g = term(a)
    lo, hi = opt_full.flat_half
    g1 = float(np.min(term(np.linspace(lo, hi, 41)))) if hi > lo else float(term(np.array([lo]))[0])
    u = t / (1 - t)
    s = (g - g1) / (u - 1)
    left, right = float(np.max(s[t < 0.5])), float(np.min(s[t > 0.5]))
    tol = TOLERANCES["audit_fixed_point_rtol"] * (1 + max(abs(left), abs(right)))
    if left <= right + tol:
        return True, (f"g(u) = ℓ_g(a*(u/(1+u))) lies above a line through u = 1 "
                      f"(slopes {left:.4g} ≤ {right:.4g}), so p_g = p_data minimises the generator's "
                      f"objective against the optimal discriminator")
    return False, (f"no supporting line at u = 1 (max slope left {left:.4g} > min slope right "
                   f"{right:.4g}): against the optimal discriminator the generator can lower its "
                   f"loss by moving away from p_data")


# -- rows the optimum on the whole line cannot identify -----------------------------------------------
def relativistic_rows() -> list[str]:
    """The rows of :data:`LOSSES` whose terms act on relativistic differences, in registry order."""
    return [name for name, row in LOSSES.items() if row.coupling == "relativistic"]


def _relativistic_structures(real: Callable, fake: Callable, r: np.ndarray, f: np.ndarray) -> dict[str, float]:
    """The loss of a relativistic row on one pair of batches, in its two structures: ``paired``
    (d_i = r_i − f_i) and ``average`` (d = r_i − mean f for the real term, f_j − mean r for the fake term)."""
    paired = float(np.mean(real(r - f)) + np.mean(fake(f - r)))
    average = float(np.mean(real(r - np.mean(f))) + np.mean(fake(f - np.mean(r))))
    return {"paired": paired, "average": average}


def _batch_values(pl: PointwiseLoss, n_batches: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The user's loss on ``n_batches`` seeded random pairs of batches (real ~ N(0, 1.5²), fake ~ N(0.3, 1.5²)):
    (real batches, fake batches, the loss values, their range floored away from 0)."""
    import torch

    rng = np.random.default_rng(seed)
    n = max(pl.batch_size, 2)
    rs, fs = rng.normal(0.0, 1.5, (n_batches, n)), rng.normal(0.3, 1.5, (n_batches, n))
    y = np.array([float(pl.call(torch.as_tensor(r, dtype=pl.dtype), torch.as_tensor(f, dtype=pl.dtype)))
                  for r, f in zip(rs, fs, strict=True)])
    return rs, fs, y, max(float(np.ptp(y)), 1e-300)  # floor: no division by zero


def _affine_fit(x: np.ndarray, y: np.ndarray, spread: float) -> tuple[float, float]:
    """y ≈ s·x + k by least squares: (s, the largest residual relative to ``spread``)."""
    design = np.stack([x, np.ones_like(x)], axis=1)
    theta, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(theta[0]), float(np.max(np.abs(design @ theta - y))) / spread


def fit_relativistic(pl: PointwiseLoss, atol: float, n_batches: int = 8, seed: int = 0) -> FamilyFit | None:
    """Match a non-separable loss against the relativistic rows (Jolicoeur-Martineau 2018).

    A relativistic loss depends on constant batches only through a − b (shift invariance, checked first);
    then its values on ``n_batches`` random pairs of distinct batches are fitted as s·L_row + k (s > 0) for
    each row in its paired and its averaged structure. The first fit within ``atol`` (relative to the
    values' range) wins; its variant is the row's (``standard`` for RSGAN, ``average``, ``hinge``,
    ``least_squares`` for the RaGAN forms).
    """
    a = np.array([-1.3, 0.4, 2.2, -0.5])
    b = np.array([0.7, -1.1, 0.3, 1.9])
    base = pl.evaluate([a, b])
    shifted = pl.evaluate([a + 1.7, b + 1.7])
    scale = max(float(np.ptp(base)), 1e-12)  # floor: a flat loss must not make the test relative to 0
    if not np.all(np.abs(shifted - base) <= atol * (1 + scale)):
        return None
    rs, fs, y, spread = _batch_values(pl, n_batches, seed)
    for name in relativistic_rows():
        real, fake = LOSSES[name].terms("numpy")
        for structure in ("paired", "average"):
            x = np.array([_relativistic_structures(real, fake, r, f)[structure] for r, f in zip(rs, fs, strict=True)])
            slope, resid = _affine_fit(x, y, spread)
            if slope > 0 and resid < atol:
                variant = name.removeprefix("relativistic_")
                return FamilyFit("relativistic", {"variant": variant}, resid,
                                 f"{LOSSES[name].formula} ({structure} differences), scale {slope:.6g}")
    return None


def softmax_rows() -> list[str]:
    """The rows of :data:`LOSSES` played through one softmax over the whole batch (Lin 2017)."""
    return [name for name, row in LOSSES.items() if row.coupling == "softmax"]


def _softmax_loss(r: np.ndarray, f: np.ndarray) -> float:
    """Softmax GAN's L_D on one pair of batches: mean(r) + log Σ_{r ∪ f} e^{−a} (energies: real scored low)."""
    from scipy.special import logsumexp

    return float(np.mean(r) + logsumexp(-np.concatenate([r, f])))


def fit_softmax(pl: PointwiseLoss, atol: float, n_batches: int = 8, seed: int = 1) -> FamilyFit | None:
    """Match a non-separable loss against Softmax GAN (Lin 2017): its values on ``n_batches`` random pairs of
    batches fitted as s·L(±r, ±f) + k with s > 0 — the energy form (real scored low, ``real_low``) and the
    same with the outputs negated (a logit scoring real high, ``real_high``). None when neither fits."""
    rows = softmax_rows()
    if not rows:
        return None
    rs, fs, y, spread = _batch_values(pl, n_batches, seed)
    for sign, convention in ((1.0, "real_low"), (-1.0, "real_high")):
        x = np.array([_softmax_loss(sign * r, sign * f) for r, f in zip(rs, fs, strict=True)])
        slope, resid = _affine_fit(x, y, spread)
        if slope > 0 and resid < atol:
            return FamilyFit("softmax", {}, resid, f"{LOSSES[rows[0]].formula}"
                             f"{' on negated outputs' if sign < 0 else ''}, scale {slope:.6g}", convention)
    return None


def domain_rows() -> list[str]:
    """Separable rows played on a restricted range of outputs (EBGAN's energies E ≥ 0)."""
    return [name for name, row in LOSSES.items() if row.coupling == "separable" and row.domain != (-math.inf, math.inf)]


def fit_on_domains(terms: Terms, t: np.ndarray, atol: float) -> tuple[FamilyFit, Terms, ImpliedOptimum] | None:
    """Fit the rows of :func:`domain_rows` with the optimum solved on each row's domain (grid widened as
    needed); the first match with its terms and optimum, or None."""
    import dataclasses

    from gantheory.loss_audit.optimum import solve_adaptive

    for name in domain_rows():
        row = LOSSES[name]
        bounded = dataclasses.replace(terms, lower=float(row.domain[0]))
        bounded, opt = solve_adaptive(bounded, t)
        if not np.all(np.isfinite(opt.a_star)):
            continue
        fit = fit_row(name, t, opt.a_star, atol)
        if fit is not None:
            return (FamilyFit(row.audit_family, fit.params, fit.residual, fit.evidence, convention_of(opt)),
                    bounded, opt)
    return None


def linear_terms(terms: Terms) -> bool:
    """Both terms are affine in the output on |a| ≤ 8 (a Wasserstein critic, either sign)."""
    a = np.linspace(-8.0, 8.0, 161)
    lr, lf = terms.both(a)
    if not (np.all(np.isfinite(lr)) and np.all(np.isfinite(lf))):
        return False
    return all(_relative_fit(y, (a, np.ones_like(a)))[1] < FIT_ATOL * 100 for y in (lr, lf))
