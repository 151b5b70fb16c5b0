r"""Check a user's GAN loss functions against the theory of its game (a row of :data:`gantheory.losses.LOSSES`).

A discriminator loss ``d_loss(real_logits, fake_logits) -> scalar`` (torch, minimised by D) that
averages (or sums) per-example terms ℓ_real(a) and ℓ_fake(a) over the outputs of real and generated
samples has, for samples from p_data and p_g, the expected value ∫ p·ℓ_real(a(x)) + q·ℓ_fake(a(x)) dx.
It is minimised pointwise: at each x the optimal output a*(x) minimises

.. math:: p(x)\,\ell_{real}(a) + q(x)\,\ell_{fake}(a),

and each row of :data:`~gantheory.losses.LOSSES` (``family=``, with its parameters as keywords) says

1. what that optimum is (``row.optimum``: for the GAN loss of Goodfellow et al. 2014, Prop. 1,
   D*(x) = p/(p + q), i.e. a*(x) = log p(x) − log q(x));
2. what the loss is at that optimum (``row.value``: for the GAN loss −C(G) = log 4 − 2·JSD(p_data‖p_g),
   Thm. 1), a divergence from :mod:`gantheory.quadrature`.

The measured side is the loss audit's engine, :mod:`gantheory.loss_audit.optimum`: a* on a logit grid
refined by a vectorised bisection on the stationarity condition p·ℓ'_real(a) + q·ℓ'_fake(a) = 0
(autograd, every point of a batch at once). :func:`check_loss_against_theory` measures both for one pair
(the expected loss by the certified quadrature engine) and returns a :class:`LossCheck`.
:func:`assert_loss_matches_theory` runs it on hypothesis-drawn pairs and fails with a shrunk, readable
counterexample.

**Tolerance.** The default ``atol`` is ``TOLERANCES["testing_loss_atol"]`` = 1e-9 (relative to
1 + |theory|): what the computation certifies — the solver locates a* to ≤ 3e-10 where |log p/q| ≤ 15
and quadrature certifies the values to 1e-10 — so a near miss such as D = p/(p + 1.000001·q) (1e-6 in the
logit) or C(G) + 1e-6 fails. Every failure message states the tolerance used; pass ``atol=`` to choose.

**Clamps.** A loss that clamps its logits (``logits.clamp(-20, 20)``, common practice) is constant beyond
the clamp, so its minimum over a flat end is anywhere past it. The checker finds the clamp (both terms
constant beyond a logit c), reports the optimum *inside* the clamp (the clamp edge where the theory's
optimum lies beyond it), compares it with the theory's optimum clipped to the clamp, and compares the
value with the theory's value at that clipped optimum — saying so in :attr:`LossCheck.notes`.

**Unbounded games and wide optima.** A game without a finite optimum (``family="wasserstein"``: the
unconstrained linear critic) is checked on its per-sample terms, up to what leaves the game unchanged (one
positive scale, a constant per term): a critic of the wrong sign or a non-linear one fails. Raw optima
beyond ±60 (ProGAN's drift, ε = 0.001) are solved on the audit's widened grids. A check that could compare
nothing fails, saying why; non-finite parameters are a :class:`~gantheory.GanTheoryError` naming them. Every
failure message names the family and the parameters used (the row's defaults included).

A generator loss ``g_loss(real_logits, fake_logits)`` (or ``g_loss(fake_logits)``) is checked at D*:
its expected value must equal the theory's — e.g. ``"non_saturating"``: E_q[−log D*] (Goodfellow et al.
2014, §3); ``"minimax"``: E_q[log(1 − D*)], or C(G) if it also carries the E_p[log D] term, which is
constant in G. The kinds are the game's rows of :data:`gantheory.losses.GENERATORS`
(:data:`GENERATOR_LOSSES` is a view of the standard game's generators). Outputs are clipped to ±30 for
this check on both sides (user and reference), so a loss written with ``log(1 - sigmoid(x))`` is not
blamed for float64 saturation.

Torch is imported only when a check runs.
"""

from __future__ import annotations

import inspect
import math
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gantheory.errors import GanTheoryError, QuadratureWarning
from gantheory.losses import GENERATORS, LOSSES
from gantheory.numerics import weighted
from gantheory.tolerances import TABLE, TOLERANCES

if TYPE_CHECKING:
    from hypothesis import strategies as st

    from gantheory.densities import Density
    from gantheory.losses import Loss

__all__ = [
    "GENERATOR_LOSSES",
    "LossCheck",
    "assert_loss_matches_theory",
    "check_loss_against_theory",
    "find_counterexample",
]

# The optimal logit is clipped to [−BRACKET, BRACKET]; beyond it the dominated density's weight is
# below e^{−30} of the other's, so clipping there changes the expected GAN loss by < 1e-11.
BRACKET = 30.0
# Points where |log p − log q| > OPTIMUM_CHECK_RANGE are not used to compare a* with the theory's:
# there p·q/(p+q)² < 3e-7 and the minimum is too flat to locate to the default tolerance in float64.
OPTIMUM_CHECK_RANGE = 15.0
# A clamp: both terms constant (to this relative difference) beyond a logit c, over at least this many
# points of the solver's logit grid.
CLAMP_RTOL = 1e-15
CLAMP_MIN_POINTS = 3
# Seconds the whole assertion may take by default (search and shrinking together).
DEFAULT_DEADLINE = 120.0

GAME = LOSSES["standard"]


# Pairs of the case registry every default search starts with: p ≠ q with overlapping supports, so each
# checked quantity differs between a correct loss and its known slips (swapped generator labels change
# E_q[−log D*] by KL(q‖p) > 0), whatever the random draws are.
WITNESS_CASES = ("shifted-normal", "narrow-bimodal-vs-standard")


def _generator_entry(kind: str, row: Loss = GAME) -> dict:
    """A generator row of a game as the checker reads it: per-example terms at the game's optimum."""
    gen = GENERATORS[kind]
    accepted = inspect.signature(gen.term).parameters

    def fake(a, **k):
        # only the game's parameters the generator term names (least squares' ``a`` is its output's name)
        return gen(a, **{n: v for n, v in k.items() if n in accepted and n not in ("a", "o")})

    entry = {"fake": fake, "formula": f"E_q[{gen.formula.split(' = ')[0].replace('G(z)', 'x')}] at D*",
             "reference": gen.reference}
    if kind == "minimax":
        # The minimax generator maximises the discriminator's loss: its E_p term is −ℓ_real, constant in G.
        entry["real"] = lambda a, **k: -row.terms("numpy", **k)[0](a)
    return entry


# Generator objectives at D = D*, as per-example terms of the fake logit a (and optionally of the real one).
GENERATOR_LOSSES: dict[str, dict] = {kind: _generator_entry(kind) for kind in GAME.generators}


@dataclass(frozen=True)
class LossCheck:
    """The outcome of checking one loss on one pair (all values in nats).

    Attributes:
        ok: every check passed.
        p_data, p_g: the pair.
        failures: human-readable lines, one per failed check (empty when ``ok``).
        worst_x: the point where the implied optimal output deviates most (NaN if none was checked).
        theory_logit: the theory's optimal output at ``worst_x`` (log p − log q for the GAN loss).
        implied_logit: the output minimising the user's loss at ``worst_x``.
        loss_value: the user's expected loss at its optimum (discriminator) — NaN if not computed.
        theory_value: the theory's value of the same quantity.
        generator_value, generator_theory_value: the same for the generator loss (NaN if none given).
        atol: the tolerance used (relative to 1 + |theory|).
        clamp: the logits (low, high) beyond which the loss was found constant (±inf: no clamp).
        notes: what the checker noticed without failing (a clamp, a skipped check, quadrature warnings).
    """

    ok: bool
    p_data: object
    p_g: object
    failures: tuple = ()
    worst_x: float = math.nan
    theory_logit: float = math.nan
    implied_logit: float = math.nan
    loss_value: float = math.nan
    theory_value: float = math.nan
    generator_value: float = math.nan
    generator_theory_value: float = math.nan
    notes: tuple = field(default=())
    atol: float = TOLERANCES["testing_loss_atol"]
    clamp: tuple = (-math.inf, math.inf)
    family: str = "standard"
    params: tuple = ()  # the game's parameters used, as (name, value) pairs (the row's defaults included)

    @property
    def message(self) -> str:
        game = f"family {self.family!r}" + (
            f" with {', '.join(f'{k}={_fmt(v)}' for k, v in self.params)}" if self.params else " (no parameters)")
        head = (f"GAN loss does not match the theory of {game} for p_data = {self.p_data!r}, "
                f"p_g = {self.p_g!r}:")
        return "\n".join([head, *("  - " + f for f in self.failures), "  " + tolerance_note(self.atol),
                          *("  note: " + n for n in self.notes)])


def tolerance_note(atol: float) -> str:
    """The sentence every failure message carries: the tolerance used and where the default comes from."""
    default = TOLERANCES["testing_loss_atol"]
    if atol == default:
        return (f"tolerance: {atol:g}·(1 + |theory|), the default: {TABLE['testing_loss_atol'].reason}; "
                "pass atol= to choose another")
    return f"tolerance: {atol:g}·(1 + |theory|), chosen by the caller (the default is {default:g})"


# ----------------------------------------------------------------------------------------------------
# The user's torch loss, through the audit's engine (cached per loss)


def _two_arg(loss: Callable, name: str) -> Callable:
    """Normalise ``loss(fake)`` to ``loss(real, fake)``."""
    if not callable(loss):
        raise GanTheoryError(f"parameter {name!r} must be callable (real_logits, fake_logits) -> scalar, got {loss!r}")
    try:
        params = [p for p in inspect.signature(loss).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
        n = len(params)
    except (TypeError, ValueError):  # builtins without a signature
        n = 2
    if n == 1:
        return lambda real, fake: loss(fake)
    return loss


@dataclass
class _Model:
    """What the checker learns about one loss function once: its per-example terms, its clamp, and the
    implied optimum at every weight already solved (so shrinking never solves a point twice)."""

    terms: Any
    clamp: tuple[float, float]
    bracket: float = 30.0  # the solver's range: BRACKET for logits, the engine's grid for raw outputs
    memo: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.terms.loss.name


# One entry per loss function (the most recent few): hypothesis calls the check for every example and
# shrink step with the same function objects.
_MODELS: OrderedDict = OrderedDict()
_MODELS_KEPT = 8
_MEMO_KEPT = 500_000  # solved points kept per loss (~40 MB)


def _pointwise(loss: Callable, name: str, lower: float = -math.inf, bracket: float = 30.0,
               scale: float = 1.0) -> _Model:
    """The loss's per-example terms (batches of one), via :mod:`gantheory.loss_audit.optimum`, cached.
    ``lower``: the least output the game allows (EBGAN's energies are ≥ 0), where the engine supports it;
    ``bracket``: the range of outputs searched, and ``scale`` the widening of the engine's grid and of that
    range together (raw outputs whose optimum lies beyond ±60)."""
    key = (id(loss), name, lower, bracket, scale)
    hit = _MODELS.get(key)
    if hit is not None and hit[0] is loss:
        _MODELS.move_to_end(key)
        return hit[1]
    try:
        import torch

        from gantheory.loss_audit.optimum import PointwiseLoss, Terms
    except ImportError as exc:  # pragma: no cover - torch is a dependency
        from gantheory.errors import DependencyError

        raise DependencyError("checking loss functions needs PyTorch: pip install torch") from exc
    label = getattr(loss, "__name__", name)
    pl = PointwiseLoss(_two_arg(loss, name), n_args=2, batch_size=1, name=label)
    pl.call(torch.zeros(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64))  # a batch gives a scalar
    base = float(pl.evaluate([np.zeros(1), np.zeros(1)])[0])
    # Every example carries its own term: one call on a batch gives every derivative.
    terms = Terms(pl, base, per_sample=True)
    if math.isfinite(lower):
        import dataclasses

        if "lower" not in {f.name for f in dataclasses.fields(Terms)}:
            raise GanTheoryError(f"this version of the loss audit's engine cannot restrict outputs to ≥ {lower:g}")
        terms = dataclasses.replace(terms, lower=lower)
    if scale != 1.0:
        import dataclasses

        terms = dataclasses.replace(terms, scale=scale)
    model = _Model(terms, _find_clamp(terms), bracket * scale)
    _MODELS[key] = (loss, model)
    while len(_MODELS) > _MODELS_KEPT:
        _MODELS.popitem(last=False)
    return model


def _constant(values: np.ndarray, end: float) -> np.ndarray:
    return np.abs(values - end) <= CLAMP_RTOL * (1.0 + abs(end))


def _find_clamp(terms) -> tuple[float, float]:
    """(c_lo, c_hi): the logits beyond which both terms are constant (a clamp), ±inf where there is none.

    Found on the solver's logit grid (both terms equal to their value at the grid's end over at least
    :data:`CLAMP_MIN_POINTS` points), then the edge located by bisection between the last point that
    differs and the first that does not.
    """
    from gantheory.loss_audit.optimum import LOGIT_GRID

    lr, lf = terms.on_grid
    full = getattr(terms, "grid", LOGIT_GRID)  # the grid on_grid was computed on
    edges = []
    for sign in (-1, 1):
        grid = full if sign > 0 else full[::-1]
        r, f = (lr, lf) if sign > 0 else (lr[::-1], lf[::-1])
        if not (np.isfinite(r[-1]) and np.isfinite(f[-1])):
            edges.append(sign * math.inf)
            continue
        flat = _constant(r, r[-1]) & _constant(f, f[-1])
        run = int(np.argmin(flat[::-1])) if not flat.all() else flat.size
        if run < CLAMP_MIN_POINTS or run == flat.size:
            edges.append(sign * math.inf)
            continue
        inside, outside = float(grid[-run - 1]), float(grid[-run])  # differs / constant
        for _ in range(64):
            mid = 0.5 * (inside + outside)
            rm, fm = terms.both(np.array([mid]))
            if _constant(rm, r[-1])[0] and _constant(fm, f[-1])[0]:
                outside = mid
            else:
                inside = mid
            if abs(outside - inside) <= 4e-16 * max(1.0, abs(outside)):
                break
        edges.append(outside)
    return edges[0], edges[1]


def _unbounded(row: Loss, kw: dict) -> bool:
    """The game has no finite optimum (WGAN's linear critic without a Lipschitz constraint)."""
    return not bool(np.all(np.isfinite(row.optimum(np.array([1.0, -1.0]), np.zeros(2), **kw))))


# Points of the output axis where an unbounded game's per-sample terms are compared with the loss's.
UNBOUNDED_PROBES = np.linspace(-10.0, 10.0, 41)


def _check_unbounded_terms(model: _Model, row: Loss, kw: dict, atol: float) -> list[str]:
    """An unbounded game (no finite optimum) is defined by its per-sample terms up to what leaves its
    minimiser and divergence unchanged: one common positive scale s and a constant per term,
    ℓ_real = s·ℓ_real^row + c_r, ℓ_fake = s·ℓ_fake^row + c_f. Fit s by least squares and compare."""
    a = UNBOUNDED_PROBES
    ur, uf = model.terms.both(a)
    tr, tf = (np.asarray(f(a), dtype=np.float64) for f in row.terms("numpy", **kw))
    if not (np.all(np.isfinite(ur)) and np.all(np.isfinite(uf))):
        return [f"{model.name} is not finite on outputs in [{a[0]:g}, {a[-1]:g}], where the {row.name!r} game's "
                f"terms ({row.optimum_formula}) are"]
    cu = np.concatenate([ur - ur.mean(), uf - uf.mean()])
    ct = np.concatenate([tr - tr.mean(), tf - tf.mean()])
    s = float(cu @ ct / (ct @ ct))
    resid = float(np.max(np.abs(cu - s * ct)))
    tol = atol * (1.0 + float(np.max(np.abs(cu))))
    if not s > 0 or abs(s) * float(np.max(np.abs(ct))) <= tol:
        flipped = float(np.max(np.abs(cu + abs(s) * ct))) <= tol
        what = ("its terms are the game's with the opposite sign: it scores real samples low (the other sign "
                "convention), so its minimiser pushes the critic the wrong way for this game"
                if flipped else "its terms do not rise and fall with the game's")
        return [f"{model.name} does not have the per-sample terms of the {row.name!r} game ({row.reference}): {what} "
                f"(fitted common scale {_fmt(s)}, which must be > 0)"]
    if not resid <= tol:
        return [f"{model.name} does not have the per-sample terms of the {row.name!r} game ({row.reference}) up to a "
                f"positive scale and constants: best scale {_fmt(s)} leaves a residual of {_fmt(resid)} on outputs "
                f"in [{a[0]:g}, {a[-1]:g}] (e.g. a non-linear critic where the game is linear)"]
    return []


def _scale(row: Loss, kw: dict, tau: np.ndarray) -> float:
    """The solver's grid scale for raw outputs: the least of the audit's widenings
    (:data:`gantheory.loss_audit.optimum.GRID_SCALES`) whose range holds the game's optimum at every probe
    point with room to spare (ProGAN's drift puts a* near −60 at t ≈ 0.47 for ε = 0.001)."""
    from gantheory.loss_audit.optimum import A_MAX, GRID_SCALES

    if row.output == "logit" or tau.size == 0:
        return 1.0
    theory = np.abs(row.optimum(tau, np.zeros_like(tau), **kw))
    theory = theory[np.isfinite(theory)]
    need = 2.0 * float(theory.max()) if theory.size else 0.0
    return next((s for s in GRID_SCALES if A_MAX * s >= need), GRID_SCALES[-1])


def _bracket(row: Loss) -> float:
    """Logits are searched on ±BRACKET (beyond it a weight is < e^-30); raw outputs on the engine's grid."""
    from gantheory.loss_audit.optimum import A_MAX

    return BRACKET if row.output == "logit" else A_MAX


def _bounds(model: _Model) -> tuple[float, float]:
    lower = getattr(model.terms, "lower", -math.inf)
    return max(-model.bracket, model.clamp[0], lower), min(model.bracket, model.clamp[1])


def _implied_logit(model: _Model, tau: np.ndarray) -> np.ndarray:
    """argmin_a σ(τ)·ℓ_real(a) + σ(−τ)·ℓ_fake(a), clipped to ±BRACKET and to the loss's clamp (a flat end
    beyond a clamp gives the clamp edge: the optimum inside the clamp); a NaN slope there is an error."""
    from gantheory.loss_audit.optimum import implied_logit
    from gantheory.numerics import sigmoid

    tau = np.asarray(tau, dtype=np.float64)
    flat = tau.ravel()
    if len(model.memo) > _MEMO_KEPT:  # a bound on memory, not on correctness: solved again when needed
        model.memo.clear()
    missing = np.array(sorted({float(t) for t in flat if float(t) not in model.memo}), dtype=np.float64)
    if missing.size:
        w = sigmoid(missing)
        a_new = np.clip(implied_logit(model.terms, w, bound=model.bracket), *_bounds(model))
        gr, gf = model.terms.derivatives(a_new)
        with np.errstate(invalid="ignore"):
            slope = w * gr + (1.0 - w) * gf
        if np.isnan(slope).any():
            i = int(np.flatnonzero(np.isnan(slope))[0])
            x = a_new[i]
            raise AssertionError(
                f"{model.name} has a NaN gradient at logit {x!r} (real and fake logits both {x!r}); "
                "write log σ(a) as logsigmoid(a) and log(1 − σ(a)) as logsigmoid(−a)"
            )
        model.memo.update(zip(missing.tolist(), a_new.tolist(), strict=True))
    return np.array([model.memo[float(t)] for t in flat], dtype=np.float64).reshape(tau.shape)


def _probe_points(p, q) -> np.ndarray:
    pts = [np.ravel(d.breakpoints()) for d in (p, q)]
    x = np.unique(np.concatenate(pts))
    x = x[np.isfinite(x)]
    mids = 0.5 * (x[1:] + x[:-1])
    return np.unique(np.concatenate([x, mids]))


def _integrate(integrand, p, q, name):
    from gantheory.quadrature import integrate

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", QuadratureWarning)
        r = integrate(integrand, p, q, atol=TOLERANCES["quadrature_atol"],
                      rtol=TOLERANCES["testing_quadrature_rtol"], name=name)
    return float(r), [str(w.message) for w in caught if issubclass(w.category, QuadratureWarning)]


def _fmt(v: float) -> str:
    # Twelve significant digits: a failure message must show differences at the checker's 1e-9 tolerance.
    return f"{v:.12g}"


def _flat(integrand):
    """An integrand of (x, lp, lq) evaluated on the raveled nodes and reshaped back."""

    def wrapped(xx, lp_, lq_):
        shape = np.shape(xx)
        lp_, lq_ = np.broadcast_to(lp_, shape).ravel(), np.broadcast_to(lq_, shape).ravel()
        return integrand(lp_, lq_).reshape(shape)

    return wrapped


def _log_ratio(lp, lq):
    """τ = log p − log q, the logit of the weight p/(p + q) every game's pointwise objective has."""
    return GAME.optimum(lp, lq)


def _resolve_family(family: str, params: dict) -> tuple[Loss, dict]:
    from gantheory.losses import resolve_loss

    if not isinstance(family, str):
        raise GanTheoryError(f"parameter 'family' must be a name in LOSSES ({', '.join(LOSSES)}), got {family!r}")
    try:
        row = resolve_loss(family)
    except GanTheoryError as exc:
        raise GanTheoryError(f"parameter 'family': {exc}") from exc
    for key, value in params.items():  # NaN/inf would make every comparison vacuous (NaN ≤ tol is False → skipped)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise GanTheoryError(f"parameter {key!r} of family {family!r} must be a finite number, got {value!r}")
    coupling = getattr(row, "coupling", "separable")
    if coupling != "separable":
        raise GanTheoryError(f"parameter 'family'={family!r}: the game is {coupling} (its real and fake outputs are "
                             "coupled), so it has no pointwise optimum for this checker; audit the loss with "
                             "gantheory.audit instead")
    return row, row.bind(params)


def _clamp_note(model: _Model) -> str:
    lo, hi = model.clamp
    where = " and ".join(s for s in ((f"≥ {_fmt(hi)}" if math.isfinite(hi) else ""),
                                     (f"≤ {_fmt(lo)}" if math.isfinite(lo) else "")) if s)
    return (f"a clamp was found: {model.name} is constant for logits {where}; its optimum inside the clamp "
            "is compared with the theory's optimum clipped to the clamp, and its value with the theory's value "
            "there")


def check_loss_against_theory(
    d_loss: Callable | None,
    p_data: Density,
    p_g: Density,
    *,
    g_loss: Callable | None = None,
    generator: str | None = None,
    value_scale: float = 1.0,
    atol: float | None = None,
    family: str = "standard",
    **params: float,
) -> LossCheck:
    r"""Check losses on one pair (p_data, p_g); returns a :class:`LossCheck` (never raises on a mismatch).

    Args:
        d_loss: ``(real_logits, fake_logits) -> scalar`` torch function minimised by the discriminator
            (1-D float64 tensors of outputs), an average or sum of per-example terms; or ``None``.
        p_data, p_g: :class:`~gantheory.Density` objects.
        g_loss: generator loss ``(real_logits, fake_logits)`` or ``(fake_logits)`` -> scalar, or ``None``.
        generator: a generator kind of the game (:data:`gantheory.losses.GENERATORS`, one of
            ``LOSSES[family].generators``); default ``"non_saturating"`` where the game has it, else its first.
        value_scale: the factor by which your loss scales the textbook one (e.g. 0.5 for
            ``BCE(cat([real, fake]), cat([1, 0]))``, which averages over 2n terms).
        atol: tolerance on optimal outputs and on loss values, relative to 1 + |theory| (default
            ``TOLERANCES["testing_loss_atol"]`` = 1e-9, what the solver and quadrature certify).
        family: the game, a key of :data:`gantheory.losses.LOSSES` (``"standard"``, ``"least_squares"``,
            ``"hinge"``, …); ``**params`` its parameters (e.g. ``alpha=0.9`` for label smoothing).
    Raises:
        GanTheoryError: bad arguments (unknown ``family``/parameter/``generator``, non-callable loss,
            non-scalar output).
    """
    try:
        import torch

        from gantheory.empirical._device import cpu_threads
    except ImportError:  # pragma: no cover - torch is a dependency
        return _check(d_loss, p_data, p_g, g_loss, generator, value_scale, atol, family, params)
    # The solver calls the user's loss on tiny batches: torch's thread pool only adds synchronisation
    # (log_sigmoid on 2 numbers took 3 ms on a busy 2-core machine, 0.02 ms single-threaded).
    with cpu_threads(torch.device("cpu")):
        return _check(d_loss, p_data, p_g, g_loss, generator, value_scale, atol, family, params)


def _check(d_loss, p_data, p_g, g_loss, generator, value_scale, atol, family, params) -> LossCheck:
    from gantheory.quadrature import optimal_discriminator

    row, kw = _resolve_family(family, params)
    if generator is None:
        generator = "non_saturating" if "non_saturating" in row.generators else (row.generators or (None,))[0]
    if g_loss is not None and generator not in row.generators:
        import difflib

        near = difflib.get_close_matches(str(generator), row.generators, n=2, cutoff=0.3)
        hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
        raise GanTheoryError(f"parameter 'generator'={generator!r} is unknown for family {row.name!r}{hint} "
                             f"(known: {', '.join(row.generators) or 'none'})")
    if generator is not None and generator not in GENERATORS:
        raise GanTheoryError(f"parameter 'generator'={generator!r} is unknown (known: {', '.join(GENERATORS)})")
    if not (isinstance(value_scale, (int, float)) and math.isfinite(value_scale) and value_scale > 0):
        raise GanTheoryError(f"parameter 'value_scale' must be a positive finite number, got {value_scale!r}")
    if atol is None:
        atol = TOLERANCES["testing_loss_atol"]
    if isinstance(atol, bool) or not isinstance(atol, (int, float)) or not (atol > 0 and math.isfinite(atol)):
        raise GanTheoryError(f"parameter 'atol' must be a positive finite number, got {atol!r}")
    atol = float(atol)
    failures, notes = [], []
    out: dict[str, Any] = {}
    model = None
    compared = False  # did any check compare the loss with the theory? (one that compared nothing must fail)
    unbounded = _unbounded(row, kw)
    if d_loss is not None:
        # 1. The implied optimal output, at probe points where both densities are positive.
        x = _probe_points(p_data, p_g)
        lp, lq = p_data.logpdf(x), p_g.logpdf(x)
        t = optimal_discriminator(p_data, p_g).logit(x)
        keep = np.isfinite(lp) & np.isfinite(lq) & np.isfinite(t) & (np.abs(t) <= OPTIMUM_CHECK_RANGE)
        lower = float(getattr(row, "domain", (-math.inf, math.inf))[0])
        model = _pointwise(d_loss, "d_loss", lower, _bracket(row), _scale(row, kw, t[keep]))
        name = model.name
        lo, hi = _bounds(model)
        if model.clamp != (-math.inf, math.inf):
            notes.append(_clamp_note(model))
        if unbounded:  # no finite optimum to compare: the per-sample terms, up to the game's affine freedom
            failures += _check_unbounded_terms(model, row, kw, atol)
            notes.append(f"the {row.name!r} game is unbounded ({row.optimum_formula}): value check skipped; its "
                         "per-sample terms were compared instead, up to one positive scale and a constant per term")
            compared, keep = True, np.zeros_like(keep)
        if keep.any() and row.output != "logit":
            # a raw output beyond the solver's range cannot be located: those points are not compared
            reach = np.abs(row.optimum(t[keep], np.zeros(int(keep.sum())), **kw)) <= model.bracket
            if not reach.all():
                notes.append(f"{int((~reach).sum())} probe point(s) where the game's optimum lies beyond the solver's "
                             f"range ±{model.bracket:g} were not compared")
            keep[np.flatnonzero(keep)[~reach]] = False
        if keep.any():
            xs, ts = x[keep], t[keep]
            # every row's optimum depends on the ratio p/q alone: a*(log p, log q) = a*(τ, 0)
            theory = np.clip(row.optimum(ts, np.zeros_like(ts), **kw), lo, hi)
            a = _implied_logit(model, ts)
            dev = np.abs(a - theory)
            dev = np.where(np.isnan(dev), np.inf, dev)
            in_set = _theory_optimum_is_a_set(row, kw, model, ts, theory, a, dev > atol * (1.0 + np.abs(theory)))
            if in_set.any():
                dev = np.where(in_set, 0.0, dev)
                notes.append(f"at {int(in_set.sum())} point(s) the theory's optimum is not unique "
                             f"({row.optimum_formula} where p = q): the loss's minimiser lies in the optimal set")
            # The worst point; among (near-)ties the one closest to 0, which reads best.
            worst = np.flatnonzero(dev >= dev.max() - TOLERANCES["testing_tie_atol"])
            i = int(worst[np.argmin(np.abs(xs[worst]))])
            out.update(worst_x=float(xs[i]), theory_logit=float(theory[i]), implied_logit=float(a[i]))
            compared = True
            if not dev[i] <= atol * (1.0 + abs(theory[i])):
                failures.append(_optimum_failure(row, kw, name, xs[i], ts[i], theory[i], a[i], dev[i]))
        elif not unbounded:
            notes.append("no point where both densities are positive (with the game's optimum in the solver's "
                         "range): optimal-logit check skipped")
    if d_loss is not None and not failures and not unbounded:
        failures_v, notes_v, out_v = _check_value(model, row, kw, p_data, p_g, value_scale, atol)
        compared = compared or "loss_value" in out_v
        failures += failures_v
        notes += notes_v
        out.update(out_v)
    if g_loss is not None:
        failures_g, notes_g, out_g = _check_generator(g_loss, generator, row, kw, p_data, p_g, atol)
        failures += failures_g
        notes += notes_g
        out.update(out_g)
    if d_loss is not None and not compared and not failures:  # a check that compared nothing must not pass
        failures.append(f"{name}: nothing could be compared with the theory of {row.name!r} on this pair "
                        f"({'; '.join(notes) or 'no probe point'}); choose pairs where it can")
    return LossCheck(not failures, p_data, p_g, tuple(failures), notes=tuple(notes), atol=atol,
                     clamp=model.clamp if model is not None else (-math.inf, math.inf), family=row.name,
                     params=tuple(sorted(kw.items())), **out)


def _theory_optimum_is_a_set(row, kw, model, tau, theory, implied, suspect) -> np.ndarray:
    """Where the row's own objective is flat around its optimum (hinge at p = q: every a in [−m, m] is
    optimal), the loss's minimiser need only lie in that set: its objective at the theory's optimum equals
    its objective at its minimiser to rounding. Returns the points accepted so (only among ``suspect``)."""
    from gantheory.numerics import sigmoid

    out = np.zeros(tau.shape, dtype=bool)
    if not suspect.any():
        return out
    i = np.flatnonzero(suspect)
    real, fake = row.terms("numpy", **kw)
    w = sigmoid(tau[i])

    def row_objective(a):
        return w * real(a) + (1.0 - w) * fake(a)

    at = row_objective(theory[i])
    scale = 1e-15 * (1.0 + np.abs(at))
    flat = (np.abs(row_objective(theory[i] - 1e-3) - at) <= scale) | (np.abs(row_objective(theory[i] + 1e-3) - at) <= scale)
    if not flat.any():
        return out
    r_t, f_t = model.terms.both(theory[i])
    r_a, f_a = model.terms.both(implied[i])
    user_t, user_a = w * r_t + (1.0 - w) * f_t, w * r_a + (1.0 - w) * f_a
    same = np.abs(user_t - user_a) <= TOLERANCES["audit_plateau_rtol"] * (1.0 + np.abs(user_a)) + TOLERANCES[
        "audit_plateau_atol"]
    out[i] = flat & same
    return out


def _check_value(model, row, kw, p_data, p_g, value_scale, atol):
    """The value at the optimum: min E[d_loss] against the row's value (its divergence law where it has one
    and there is no clamp, else the quadrature of the row's own terms at its optimum, clipped to the clamp)."""
    from gantheory.quadrature import f_divergence

    name, notes = model.name, []

    beyond = []

    def integrand(lp_, lq_):
        if row.output != "logit":  # a raw optimum the solver cannot reach makes the value unknowable here
            a_t = np.abs(row.optimum(lp_, lq_, **kw))
            mass = np.isfinite(lp_) | np.isfinite(lq_)
            if np.any(mass & (a_t > model.bracket)):
                beyond.append(float(np.max(a_t[mass])))
        a_star = _implied_logit(model, _log_ratio(lp_, lq_))
        # E_p ℓ_real(a*) + E_q ℓ_fake(a*), each term relative to its value at 0 (terms.base adds it back).
        return weighted(lp_, model.terms.real(a_star)) + weighted(lq_, model.terms.fake(a_star))

    value, warns = _integrate(_flat(integrand), p_data, p_g, f"E[{name}] at its optimum")
    if beyond:
        return [], [f"the {row.name!r} game's optimum reaches |a*| = {_fmt(max(beyond))} on this pair, beyond the "
                    f"solver's range ±{model.bracket:g}: value check skipped"], {}
    value += model.terms.base
    law, clamped = row.value, model.clamp != (-math.inf, math.inf)
    divergence = symbol = None
    if law is not None:
        from gantheory.divergences import DIVERGENCES

        divergence = float(f_divergence(p_data, p_g, law.divergence))
        symbol = DIVERGENCES[law.divergence].symbol or law.divergence
        expected = value_scale * (law.offset(kw) + law.scale(kw) * divergence)
        described = f"{law.describe(kw)} = {_fmt(expected)} ({symbol} = {_fmt(divergence)}; {row.reference})"
    if law is None or clamped:
        # the row's own per-sample terms at its optimum (clipped to the clamp), by quadrature
        lo, hi = _bounds(model)
        real, fake = row.terms("numpy", **kw)

        def at_optimum(lp_, lq_):
            a_t = np.clip(row.optimum(lp_, lq_, **kw), lo, hi)
            return weighted(lp_, real(a_t)) + weighted(lq_, fake(a_t))

        inside = value_scale * _integrate(_flat(at_optimum), p_data, p_g, f"{row.name} at its optimum")[0]
        if clamped:
            if law is not None:
                notes.append(f"inside the clamp the theory's minimum is {_fmt(inside)} nats; unclamped it is "
                             f"{law.describe(kw)} = {_fmt(expected)} (the clamp costs {_fmt(inside - expected)})")
            described = (f"the game's terms at its optimum ({row.optimum_formula}) clipped to the clamp "
                         f"[{_fmt(lo)}, {_fmt(hi)}] = {_fmt(inside)} ({row.reference})")
        else:
            described = (f"E_p ℓ_real(a*) + E_q ℓ_fake(a*) with the game's own terms at {row.optimum_formula} = "
                         f"{_fmt(inside)} ({row.reference})")
        expected = inside
    failures = []
    if not (abs(value - expected) <= atol * (1.0 + abs(expected))):
        ratio = value / expected if expected != 0 else math.nan
        hint = (f" — the ratio is {ratio:.4g}: pass value_scale={ratio:.4g} if your loss rescales the textbook one"
                if np.isfinite(ratio) and abs(ratio - round(ratio * 4) / 4) < TOLERANCES["testing_ratio_atol"]
                and ratio > 0 else "")
        failures.append(f"{name} at its optimum is {_fmt(value)} nats, but theory says min_D E[loss] = "
                        f"{described}; off by {_fmt(value - expected)}{hint}")
    return failures, notes + list(warns), {"loss_value": value, "theory_value": expected}


def _optimum_failure(row, kw, name, x, tau, theory, implied, dev) -> str:
    from gantheory.numerics import sigmoid

    if row.output == "logit":
        formula = row.optimum_formula or "D*"
        return (f"{name} implies the wrong optimal discriminator: at x = {_fmt(x)}, {formula} = "
                f"{_fmt(float(sigmoid(theory)))} (logit {_fmt(theory)}; log p − log q = {_fmt(tau)}), "
                f"but the loss is minimised at D = {_fmt(float(sigmoid(implied)))} (logit {_fmt(implied)}); "
                f"off by {_fmt(dev)} in the logit")
    return (f"{name} implies the wrong optimal output: at x = {_fmt(x)} (log p − log q = {_fmt(tau)}), "
            f"{row.optimum_formula} = {_fmt(theory)}, but the loss is minimised at {_fmt(implied)}; "
            f"off by {_fmt(dev)}")


def _check_generator(g_loss, generator, row, kw, p_data, p_g, atol):
    spec = _generator_entry(generator, row)
    gmodel = _pointwise(g_loss, "g_loss")
    gterms, gname = gmodel.terms, gmodel.name

    def optimum(lp_, lq_):  # the game's optimal output, clipped as a trained D would be
        return np.clip(row.optimum(lp_, lq_, **kw), -BRACKET, BRACKET)

    def g_integrand(lp_, lq_):
        a = optimum(lp_, lq_)
        return weighted(lp_, gterms.real(a)) + weighted(lq_, gterms.fake(a))

    def reference(with_real):
        def ref(lp_, lq_):
            a = optimum(lp_, lq_)
            v = weighted(lq_, spec["fake"](a, **kw))
            return v + weighted(lp_, spec["real"](a, **kw)) if with_real else v

        return _flat(ref)

    value, warns = _integrate(_flat(g_integrand), p_data, p_g, f"E[{gname}] at D*")
    value += gterms.base
    candidates = [(_integrate(reference(False), p_data, p_g, spec["formula"])[0], spec["formula"])]
    if "real" in spec:
        candidates.append((_integrate(reference(True), p_data, p_g, "C(G)")[0],
                           "C(G) = E_p[log D*] + E_q[log(1 − D*)]" if row.name == "standard"
                           else "E_p[−ℓ_real(a*)] + " + spec["formula"]))
    best, _ = min(candidates, key=lambda c_: abs(c_[0] - value))
    failures = []
    if not (abs(value - best) <= atol * (1.0 + abs(best))):
        expected = " or ".join(f"{lab} = {_fmt(v)}" for v, lab in candidates)
        failures.append(
            f"{gname} (declared {generator!r}) evaluated at the optimal discriminator "
            f"{row.optimum_formula or 'D*'} is {_fmt(value)} nats, but theory says {expected} "
            f"({spec['reference']}); off by {_fmt(value - best)}"
        )
    return failures, list(warns), {"generator_value": value, "generator_theory_value": best}


def assert_loss_matches_theory(
    d_loss: Callable | None,
    g_loss: Callable | None = None,
    *,
    generator: str | None = None,
    pairs: st.SearchStrategy[tuple[Density, Density]] | None = None,
    max_examples: int | None = None,
    value_scale: float = 1.0,
    atol: float | None = None,
    family: str = "standard",
    deadline: float | None = DEFAULT_DEADLINE,
    **params: float,
) -> None:
    r"""Assert that GAN losses agree with the theory of their game on hypothesis-drawn density pairs.

    For each pair (p_data, p_g) from ``pairs`` (default :func:`~gantheory.testing.strategies.density_pairs`,
    all kinds, always preceded by the registry's pairs :data:`WITNESS_CASES`, so a search whose few random
    draws all happen to be identical pairs — where a generator loss with swapped labels takes the right
    value — still meets a pair that tells them apart): the discriminator loss must be minimised at the
    game's optimum (for the GAN loss D* = p/(p + q), logit log p − log q) and its minimum must be the
    game's value there (−C(G) = log 4 − 2·JSD(p_data‖p_g), Goodfellow et al. 2014, Prop. 1 and Thm. 1);
    a generator loss must take the value of its kind at D*.

    Args:
        d_loss: ``(real_logits, fake_logits) -> scalar`` torch function (1-D float64 outputs), or ``None``.
        g_loss: generator loss ``(real_logits, fake_logits)`` or ``(fake_logits)`` -> scalar, or ``None``.
        generator: a generator kind of the game (default ``"non_saturating"`` where it has one).
        pairs: a hypothesis strategy of ``(p_data, p_g)`` tuples.
        max_examples: pairs to try (default: the active hypothesis profile's ``max_examples`` / 5, ≥ 5).
        value_scale, atol: see :func:`check_loss_against_theory` (``atol`` defaults to 1e-9, what the
            computation certifies; every failure message states the tolerance used).
        family, **params: the game, a key of :data:`gantheory.losses.LOSSES`, and its parameters
            (``family="least_squares", a=0, b=1``; ``family="label_smoothing", alpha=0.9``).
        deadline: seconds for the whole assertion (search and shrinking; ``None``: no limit). Past it, no new
            pair is checked: a failure already found is reported as shrunk so far; with none found, the
            assertion passes with a :class:`UserWarning` saying how many pairs were checked.
    Raises:
        AssertionError: with the simplest failing pair hypothesis found and what disagreed, e.g.
            ``d_loss implies the wrong optimal discriminator: at x = 0, D* = p/(p + q) = 0.5 (logit 0; …),
            but the loss is minimised at D = 0.6225 (logit 0.5)``.
        GanTheoryError: bad arguments.

    Do not call it inside a ``@given`` test (it runs its own hypothesis search).

    >>> import torch.nn.functional as F
    >>> def d_loss(real, fake):  # -E_p log D - E_q log(1 - D), in logits
    ...     return -(F.logsigmoid(real).mean() + F.logsigmoid(-fake).mean())
    >>> assert_loss_matches_theory(d_loss, max_examples=3)
    >>> def lsgan(real, fake):  # ½E_p(D − 1)² + ½E_q D², Mao et al. 2017
    ...     return 0.5 * ((real - 1) ** 2).mean() + 0.5 * (fake ** 2).mean()
    >>> assert_loss_matches_theory(lsgan, family="least_squares", a=0.0, b=1.0, value_scale=0.5, max_examples=2)
    """
    from hypothesis import HealthCheck, example, given, settings

    if d_loss is None and g_loss is None:
        raise GanTheoryError("pass at least one of 'd_loss' and 'g_loss'")
    if deadline is not None and (isinstance(deadline, bool) or not isinstance(deadline, (int, float))
                                 or not deadline > 0):
        raise GanTheoryError(f"parameter 'deadline' must be a positive number of seconds or None, got {deadline!r}")
    _resolve_family(family, params)  # bad family/parameters fail before any search
    witnesses = ()
    if pairs is None:
        from gantheory.cases import CASES
        from gantheory.testing.strategies import density_pairs

        pairs = density_pairs()
        witnesses = tuple((CASES[name].p, CASES[name].q) for name in WITNESS_CASES)
    if max_examples is None:
        max_examples = max(5, settings.default.max_examples // 5)
    if not isinstance(max_examples, int) or isinstance(max_examples, bool) or max_examples < 1:
        raise GanTheoryError(f"parameter 'max_examples' must be a positive integer, got {max_examples!r}")

    started = time.monotonic()
    # Every pair's outcome, by its repr: a pair met again (shrinking, the final replay) is never re-checked,
    # and past the deadline unseen pairs count as passing, so hypothesis stops shrinking at once while the
    # failure it has keeps failing the same way (no flaky replay).
    outcomes: dict[str, str | None] = {}
    skipped = []

    def loss_matches_theory(pair):
        __tracebackhide__ = True
        key = repr(pair)
        if key not in outcomes:
            if deadline is not None and time.monotonic() - started > deadline:
                skipped.append(key)
                return
            p_data, p_g = pair
            result = check_loss_against_theory(d_loss, p_data, p_g, g_loss=g_loss, generator=generator,
                                               value_scale=value_scale, atol=atol, family=family, **params)
            outcomes[key] = None if result.ok else result.message
        if outcomes[key] is not None:
            raise AssertionError(outcomes[key])

    test = loss_matches_theory
    for pair in reversed(witnesses):  # explicit examples run first, in the order given
        test = example(pair=pair)(test)
    run = settings(
        max_examples=max_examples, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )(given(pair=pairs)(test))
    __tracebackhide__ = True
    run()
    if skipped:
        warnings.warn(f"assert_loss_matches_theory: deadline of {deadline:g} s reached; {len(outcomes)} pairs "
                      f"checked (all agree with the theory), {len(skipped)} drawn pairs not checked; "
                      "raise 'deadline' or lower 'max_examples'", UserWarning, stacklevel=2)


def find_counterexample(strategy: st.SearchStrategy, check: Callable, *, max_examples: int = 100) -> tuple:
    """A negative control: assert that ``check`` (which raises AssertionError on a bad example) is
    *rejected* by some example of ``strategy`` within ``max_examples`` draws, and return
    ``(example, error)``.

    Use it to show that a property test has teeth: run the property against a deliberately wrong
    implementation (a D* of p/(p + 2q), a JSD without the ½) and require a counterexample. The search
    generates only (no shrinking), so it stops at the first failure.

    Raises:
        AssertionError: no counterexample was found (the property cannot tell right from wrong).
    """
    from hypothesis import HealthCheck, Phase, given, settings

    found = []

    def search(example):
        try:
            check(example)
        except AssertionError as exc:
            found.append((example, exc))
            raise

    run = settings(
        max_examples=max_examples, phases=[Phase.explicit, Phase.generate], database=None, deadline=None,
        suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
    )(given(strategy)(search))
    try:
        run()
    except AssertionError:
        pass
    if not found:
        name = getattr(check, "__name__", repr(check))
        raise AssertionError(f"negative control not rejected: {name} held on all {max_examples} examples")
    return found[0]
