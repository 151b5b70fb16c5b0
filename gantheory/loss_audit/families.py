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
from scipy.special import expit

from gantheory.loss_audit.optimum import ImpliedOptimum, Terms
from gantheory.losses import GENERATORS, LOSSES, Linearisation, Loss, TermSignature
from gantheory.numerics import softplus
from gantheory.tolerances import TOLERANCES

# Fits of exact pointwise identities (the reason for its size is in gantheory.tolerances).
FIT_ATOL = TOLERANCES["audit_fit_atol"]

# The row an unconstrained linear critic belongs to, and the audit family it is reported under.
UNBOUNDED_ROW, UNBOUNDED_FAMILY = "linear", "hinge"


def families() -> tuple[str, ...]:
    """The audit's family names: the rows of :data:`LOSSES` (``linear`` reported as ``hinge``), ``unrecognised``."""
    return (*tuple(name for name in LOSSES if name != UNBOUNDED_ROW), "unrecognised")


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
    """The row of :data:`LOSSES` an audit family with ``params`` stands for (None when unrecognised): the
    family's own, or ``linear`` for the unbounded hinge."""
    if family == UNBOUNDED_FAMILY and params.get("unbounded"):
        return LOSSES[UNBOUNDED_ROW]
    return LOSSES.get(family)


def reference(family: str) -> str:
    """The reference of an audit family, from its row of :data:`LOSSES` ('' when unrecognised)."""
    row = LOSSES.get(family)
    return row.reference if row is not None else ""


@dataclass(frozen=True)
class FamilyFit:
    """A family matched to a measured optimum: its reported parameters, the fit's residual, the identity."""

    family: str
    params: dict = field(default_factory=dict)
    residual: float = 0.0
    evidence: str = ""


def _clean(x: float, digits: int = 9) -> float:
    return float(round(x, digits)) + 0.0


# A row without a linearisation is fitted numerically from its defaults and from these multiples of
# them (a parameter whose default is 0 starts at these values instead): enough for the one- and
# two-parameter optimum families a loss has.
_STARTS = (1.0, 0.5, 2.0, -1.0)


def _precedence() -> list[str]:
    """The rows a finite optimum is matched against: parameter-free rows first (standard wins over label
    smoothing with α = 1, β = 0), then the parametrised ones, each group in registry order."""
    names = [name for name in LOSSES if name != UNBOUNDED_ROW]
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


def fit_row(name: str, t: np.ndarray, a_star: np.ndarray) -> FamilyFit | None:
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
    if not lin.admissible(coords):
        return None
    params = dict(lin.to_params(coords))
    with np.errstate(invalid="ignore", over="ignore"):
        residual = float(np.max(np.abs(lin.space(row.optimum(lt, l1t, **params), t) - y)))
    if not residual < FIT_ATOL:  # NaN fails too
        return None
    reported = {k: _clean(v) for k, v in {**params, **coords}.items()}
    if name == UNBOUNDED_FAMILY:
        reported["unbounded"] = False
    if lin.evidence:
        evidence = lin.evidence.format(**reported)
    else:
        values = ", ".join(f"{k} = {v:.6g}" for k, v in reported.items())
        evidence = f"{row.optimum_formula}" + (f" with {values}" if values else "")
    return FamilyFit(name, reported, residual, evidence)


def fit_family(opt: ImpliedOptimum, unbounded_below: bool) -> FamilyFit:
    """Match the measured a*(t) against the rows of :data:`LOSSES` (see :func:`fit_row`; parameter-free rows
    first, then registry order; the first match wins). An infinite optimum is compared with the row
    ``linear``'s ±∞·sign(p − q)."""
    t, a = opt.t, opt.a_star
    if np.all(np.isfinite(a)):
        for name in _precedence():
            fit = fit_row(name, t, a)
            if fit is not None:
                return fit
        return FamilyFit("unrecognised", {}, math.inf, "a*(t) matches no known family")
    decided = t != 0.5  # p = q leaves the sign undetermined
    unbounded = LOSSES[UNBOUNDED_ROW].optimum(np.log(t), np.log1p(-t))
    if np.array_equal(a[decided], unbounded[decided]):
        if unbounded_below:
            return FamilyFit(UNBOUNDED_FAMILY, {"margin": None, "unbounded": True}, 0.0,
                             "a* = ±∞·sign(p − q): an unconstrained linear critic (WGAN-like)")
        return FamilyFit("unrecognised", {}, math.inf,
                         "a* = ±∞·sign(p − q) with a bounded loss: the optimum is a hard 0/1 decision")
    if np.array_equal(a[decided], -unbounded[decided]):
        return FamilyFit("unrecognised", {}, math.inf,
                         "a* = ∓∞·sign(p − q): the optimum calls real samples fake, without bound")
    return FamilyFit("unrecognised", {}, math.inf, "a*(t) is unbounded for some t")


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
    _form("double_sigmoid", lambda a: softplus(-expit(a)), lambda a: softplus(expit(a)), "double_sigmoid",
          "a sigmoid is applied twice: −log σ(σ(a)) and −log(1 − σ(σ(a)))"),
    _form("sign_flip", lambda a: -softplus(-a), lambda a: -softplus(a), "sign_flip",
          "the loss is the negated cross-entropy: D maximises its own error"),
    _form("missing_log", lambda a: -expit(a), lambda a: expit(a), "missing_log",
          "−D(x) + D(G(z)) with D = σ(a): the log is missing"),
)


def signatures() -> dict[str, Signature]:
    """The forms a loss's terms are matched against, in order: the rows with a ``signature`` whose terms are
    fixed up to scale (registry order), the slips, then the rows whose terms carry free parameters (their
    basis also spans the fixed forms' limits, so they come last). Label smoothing and class weighting have
    no signature: their optimum identifies them. Each form is matched on |a| ≤ 8, where every correct
    float64 implementation is exact."""
    rows = [name for name, row in LOSSES.items() if row.signature is not None]
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


def match_signature(terms: Terms) -> SignatureMatch | None:
    """The catalogued pointwise form (up to positive scales and a constant) the terms follow, if any."""
    a = np.linspace(-8.0, 8.0, 161)
    lr, lf = terms.both(a)
    if not (np.all(np.isfinite(lr)) and np.all(np.isfinite(lf))):
        return None
    for sig in signatures().values():
        th_r, rr = _relative_fit(lr, sig.real_basis(a))
        th_f, rf = _relative_fit(lf, sig.fake_basis(a))
        sr, sf, params = sig.read(th_r, th_f)
        if sr > 0 and sf > 0 and max(rr, rf) < FIT_ATOL:
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


def classify_generator(term: Callable) -> GeneratorFit:
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
            if params["scale"] > 0 and r < FIT_ATOL:
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
