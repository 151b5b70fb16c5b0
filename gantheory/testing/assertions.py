r"""Check a user's GAN loss functions against the theory of Goodfellow et al. (2014).

A discriminator loss ``d_loss(real_logits, fake_logits) -> scalar`` (torch, minimised by D) that
averages (or sums) per-example terms ℓ_real(a) and ℓ_fake(a) over the logits of real and generated
samples has, for samples from p_data and p_g, the expected value ∫ p·ℓ_real(a(x)) + q·ℓ_fake(a(x)) dx.
It is minimised pointwise: at each x the optimal logit a*(x) minimises

.. math:: p(x)\,\ell_{real}(a) + q(x)\,\ell_{fake}(a),

and the theory (Prop. 1 and Thm. 1) says that for the GAN loss ℓ_real(a) = −log σ(a),
ℓ_fake(a) = −log(1 − σ(a)):

1. the implied optimal discriminator is D*(x) = p/(p + q), i.e. a*(x) = log p(x) − log q(x);
2. the loss at that optimum is −C(G) = log 4 − 2·JSD(p_data‖p_g), JSD from :mod:`gantheory.quadrature`.

The theory side is the row ``LOSSES["standard"]`` of :mod:`gantheory.losses` (its value at the optimum)
and :func:`gantheory.quadrature.optimal_discriminator` (its logit, which puts a pmf against a pdf right:
D* = 1 or 0 at the atoms). The measured side is the loss audit's engine,
:mod:`gantheory.loss_audit.optimum`: a* on a logit grid refined by bisection on the stationarity
condition p·ℓ'_real(a) + q·ℓ'_fake(a) = 0 (autograd), each example in a batch of one.
:func:`check_loss_against_theory` measures both for one pair (the expected loss by the certified
quadrature engine) and returns a :class:`LossCheck`. :func:`assert_loss_matches_theory` runs it on
hypothesis-drawn pairs and fails with a shrunk, readable counterexample.

A generator loss ``g_loss(real_logits, fake_logits)`` (or ``g_loss(fake_logits)``) is checked at D*:
its expected value must equal the theory's — ``"non_saturating"``: E_q[−log D*] (Goodfellow et al.
2014, §3); ``"minimax"``: E_q[log(1 − D*)], or C(G) if it also carries the E_p[log D] term, which
is constant in G. Both are rows of :data:`gantheory.losses.GENERATORS` (:data:`GENERATOR_LOSSES` is a
view of the standard game's generators). Logits are clipped to ±30 for this check on both sides (user and reference), so a
loss written with ``log(1 - sigmoid(x))`` is not blamed for float64 saturation.

Torch is imported only when a check runs.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from gantheory.errors import GanTheoryError, QuadratureWarning
from gantheory.losses import GENERATORS, LOSSES
from gantheory.numerics import sigmoid, weighted
from gantheory.tolerances import TOLERANCES

if TYPE_CHECKING:
    from hypothesis import strategies as st

    from gantheory.densities import Density

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
# Points where |log p − log q| > OPTIMUM_CHECK_RANGE are not used to compare a* with log p − log q:
# there p·q/(p+q)² < 3e-7 and the minimum is too flat to locate to 1e-6 in float64.
OPTIMUM_CHECK_RANGE = 15.0

GAME = LOSSES["standard"]


# Pairs of the case registry every default search starts with: p ≠ q with overlapping supports, so each
# checked quantity differs between a correct loss and its known slips (swapped generator labels change
# E_q[−log D*] by KL(q‖p) > 0), whatever the random draws are.
WITNESS_CASES = ("shifted-normal", "narrow-bimodal-vs-standard")


def _generator_entry(kind: str) -> dict:
    """A generator row of the standard game as the checker reads it: per-example terms at D = σ(a)."""
    row = GENERATORS[kind]
    entry = {"fake": lambda a: row(a), "formula": f"E_q[{row.formula.split(' = ')[0].replace('G(z)', 'x')}] at D*",
             "reference": row.reference}
    if kind == "minimax":
        # The minimax generator maximises the discriminator's loss: its E_p term is −ℓ_real, constant in G.
        real, _ = GAME.terms("numpy")
        entry["real"] = lambda a: -real(a)
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
        worst_x: the point where the implied optimal logit deviates most (NaN if none was checked).
        theory_logit: log p − log q at ``worst_x``.
        implied_logit: the logit minimising the user's loss at ``worst_x``.
        loss_value: the user's expected loss at its optimum (discriminator) — NaN if not computed.
        theory_value: the theory's value of the same quantity.
        generator_value, generator_theory_value: the same for the generator loss (NaN if none given).
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

    @property
    def message(self) -> str:
        head = f"GAN loss does not match the theory for p_data = {self.p_data!r}, p_g = {self.p_g!r}:"
        return "\n".join([head, *("  - " + f for f in self.failures), *("  note: " + n for n in self.notes)])


# ----------------------------------------------------------------------------------------------------
# The user's torch loss, through the audit's engine


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


def _pointwise(loss: Callable, name: str):
    """The loss's per-example terms (batches of one), via :mod:`gantheory.loss_audit.optimum`."""
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
    return Terms(pl, base, per_sample=True)


def _implied_logit(terms, tau: np.ndarray) -> np.ndarray:
    """argmin_a σ(τ)·ℓ_real(a) + σ(−τ)·ℓ_fake(a), clipped to ±BRACKET; a NaN slope there is an error."""
    from gantheory.loss_audit.optimum import implied_logit

    w = sigmoid(tau)
    a = implied_logit(terms, w, bound=BRACKET)
    gr, gf = terms.derivatives(a.ravel())
    with np.errstate(invalid="ignore"):
        slope = w.ravel() * gr + (1.0 - w.ravel()) * gf
    if np.isnan(slope).any():
        i = int(np.flatnonzero(np.isnan(slope))[0])
        x = a.ravel()[i]
        raise AssertionError(
            f"{terms.loss.name} has a NaN gradient at logit {x!r} (real and fake logits both {x!r}); "
            "write log σ(a) as logsigmoid(a) and log(1 − σ(a)) as logsigmoid(−a)"
        )
    return a


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
    # Ten significant digits: a failure message must show differences at the checker's 1e-6 tolerance.
    return f"{v:.10g}"


def _flat(integrand):
    """An integrand of (x, lp, lq) evaluated on the raveled nodes and reshaped back."""

    def wrapped(xx, lp_, lq_):
        shape = np.shape(xx)
        lp_, lq_ = np.broadcast_to(lp_, shape).ravel(), np.broadcast_to(lq_, shape).ravel()
        return integrand(lp_, lq_).reshape(shape)

    return wrapped


def check_loss_against_theory(
    d_loss: Callable | None,
    p_data: Density,
    p_g: Density,
    *,
    g_loss: Callable | None = None,
    generator: str = "non_saturating",
    value_scale: float = 1.0,
    atol: float = TOLERANCES["testing_loss_atol"],
) -> LossCheck:
    r"""Check losses on one pair (p_data, p_g); returns a :class:`LossCheck` (never raises on a mismatch).

    Args:
        d_loss: ``(real_logits, fake_logits) -> scalar`` torch function minimised by the discriminator
            (1-D float64 tensors of logits), an average or sum of per-example terms; or ``None``.
        p_data, p_g: :class:`~gantheory.Density` objects.
        g_loss: generator loss ``(real_logits, fake_logits)`` or ``(fake_logits)`` -> scalar, or ``None``.
        generator: key of :data:`GENERATOR_LOSSES` — what ``g_loss`` implements.
        value_scale: the factor by which your loss scales the textbook one (e.g. 0.5 for
            ``BCE(cat([real, fake]), cat([1, 0]))``, which averages over 2n terms).
        atol: tolerance on logits and on loss values (nats).
    Raises:
        GanTheoryError: bad arguments (unknown ``generator``, non-callable loss, non-scalar output).
    """
    from gantheory.quadrature import f_divergence, optimal_discriminator

    if generator not in GENERATOR_LOSSES:
        import difflib

        near = difflib.get_close_matches(str(generator), GENERATOR_LOSSES, n=2, cutoff=0.3)
        hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
        raise GanTheoryError(f"parameter 'generator'={generator!r} is unknown{hint} (known: {', '.join(GENERATOR_LOSSES)})")
    if not (isinstance(value_scale, (int, float)) and math.isfinite(value_scale) and value_scale > 0):
        raise GanTheoryError(f"parameter 'value_scale' must be a positive finite number, got {value_scale!r}")
    failures, notes = [], []
    out = {}
    if d_loss is not None:
        terms = _pointwise(d_loss, "d_loss")
        name = terms.loss.name
        # 1. The implied optimal discriminator, at probe points where both densities are positive.
        x = _probe_points(p_data, p_g)
        lp, lq = p_data.logpdf(x), p_g.logpdf(x)
        t = optimal_discriminator(p_data, p_g).logit(x)
        keep = np.isfinite(lp) & np.isfinite(lq) & np.isfinite(t) & (np.abs(t) <= OPTIMUM_CHECK_RANGE)
        if keep.any():
            xs, ts = x[keep], t[keep]
            a = _implied_logit(terms, ts)
            dev = np.abs(a - ts)
            # The worst point; among (near-)ties the one closest to 0, which reads best.
            worst = np.flatnonzero(dev >= dev.max() - TOLERANCES["testing_tie_atol"])
            i = int(worst[np.argmin(np.abs(xs[worst]))])
            out.update(worst_x=float(xs[i]), theory_logit=float(ts[i]), implied_logit=float(a[i]))
            if dev[i] > atol * (1.0 + abs(ts[i])):
                failures.append(
                    f"{name} implies the wrong optimal discriminator: at x = {_fmt(xs[i])}, "
                    f"D*(x) = p/(p+q) = {_fmt(float(sigmoid(ts[i])))} (logit log p − log q = {_fmt(ts[i])}), "
                    f"but the loss is minimised at D = {_fmt(float(sigmoid(a[i])))} (logit {_fmt(a[i])})"
                )
        else:
            notes.append("no point where both densities are positive: optimal-logit check skipped")
    if d_loss is not None and not failures:
        # 2. The value at the optimum: min_D E[d_loss] = −C(G) = log 4 − 2·JSD (times value_scale).
        # (Skipped once the optimum is wrong: that is the clearer message, and shrinking stays fast.)
        def integrand(lp_, lq_):
            a_star = _implied_logit(terms, GAME.optimum(lp_, lq_))
            # E_p ℓ_real(a*) + E_q ℓ_fake(a*), each term relative to its value at 0 (terms.base adds it back).
            return weighted(lp_, terms.real(a_star)) + weighted(lq_, terms.fake(a_star))

        value, warns = _integrate(_flat(integrand), p_data, p_g, f"E[{name}] at its optimum")
        value += terms.base
        law = GAME.value
        divergence = float(f_divergence(p_data, p_g, law.divergence))
        expected = value_scale * (law.offset({}) + law.scale({}) * divergence)
        out.update(loss_value=value, theory_value=expected)
        if not (abs(value - expected) <= atol * (1.0 + abs(expected))):
            ratio = value / expected if expected != 0 else math.nan
            hint = (f" — the ratio is {ratio:.4g}: pass value_scale={ratio:.4g} if your loss rescales the textbook one"
                    if np.isfinite(ratio) and abs(ratio - round(ratio * 4) / 4) < TOLERANCES["testing_ratio_atol"] and ratio > 0 else "")
            from gantheory.divergences import DIVERGENCES

            symbol = DIVERGENCES[law.divergence].symbol
            failures.append(
                f"{name} at its optimum is {_fmt(value)} nats, but theory says "
                f"min_D E[loss] = −C(G) = {law.describe()} = {_fmt(expected)} ({symbol} = {_fmt(divergence)}; "
                f"{GAME.reference}){hint}"
            )
        notes.extend(warns)
    if g_loss is not None:
        spec = GENERATOR_LOSSES[generator]
        gterms = _pointwise(g_loss, "g_loss")
        gname = gterms.loss.name

        def g_integrand(lp_, lq_):
            a = np.clip(GAME.optimum(lp_, lq_), -BRACKET, BRACKET)  # the logit of D*, clipped as a trained D would be
            return weighted(lp_, gterms.real(a)) + weighted(lq_, gterms.fake(a))

        def reference(with_real):
            def ref(lp_, lq_):
                a = np.clip(GAME.optimum(lp_, lq_), -BRACKET, BRACKET)
                v = weighted(lq_, spec["fake"](a))
                return v + weighted(lp_, spec["real"](a)) if with_real else v

            return _flat(ref)

        value, warns = _integrate(_flat(g_integrand), p_data, p_g, f"E[{gname}] at D*")
        value += gterms.base
        candidates = [(_integrate(reference(False), p_data, p_g, spec["formula"])[0], spec["formula"])]
        if "real" in spec:
            candidates.append((_integrate(reference(True), p_data, p_g, "C(G)")[0], "C(G) = E_p[log D*] + E_q[log(1 − D*)]"))
        best, _ = min(candidates, key=lambda c_: abs(c_[0] - value))
        out.update(generator_value=value, generator_theory_value=best)
        if not (abs(value - best) <= atol * (1.0 + abs(best))):
            expected = " or ".join(f"{lab} = {_fmt(v)}" for v, lab in candidates)
            failures.append(
                f"{gname} (declared {generator!r}) evaluated at the optimal discriminator D* = p/(p+q) "
                f"is {_fmt(value)} nats, but theory says {expected} ({spec['reference']})"
            )
        notes.extend(warns)
    return LossCheck(not failures, p_data, p_g, tuple(failures), notes=tuple(notes), **out)


def assert_loss_matches_theory(
    d_loss: Callable | None,
    g_loss: Callable | None = None,
    *,
    generator: str = "non_saturating",
    pairs: st.SearchStrategy[tuple[Density, Density]] | None = None,
    max_examples: int | None = None,
    value_scale: float = 1.0,
    atol: float = TOLERANCES["testing_loss_atol"],
) -> None:
    r"""Assert that GAN losses agree with the theory on hypothesis-drawn density pairs.

    For each pair (p_data, p_g) from ``pairs`` (default :func:`~gantheory.testing.strategies.density_pairs`,
    all kinds, always preceded by the registry's pairs :data:`WITNESS_CASES`, so a search whose few random
    draws all happen to be identical pairs — where a generator loss with swapped labels takes the right
    value — still meets a pair that tells them apart): the discriminator loss must be minimised at D* = p/(p + q) (logit log p − log q, to
    ``atol``) and its minimum must be −C(G) = log 4 − 2·JSD(p_data‖p_g) (Goodfellow et al. 2014, Prop. 1
    and Thm. 1); a generator loss must take the value of its kind at D* (see :data:`GENERATOR_LOSSES`).

    Args:
        d_loss: ``(real_logits, fake_logits) -> scalar`` torch function (1-D float64 logits), or ``None``.
        g_loss: generator loss ``(real_logits, fake_logits)`` or ``(fake_logits)`` -> scalar, or ``None``.
        generator: ``"non_saturating"`` or ``"minimax"``.
        pairs: a hypothesis strategy of ``(p_data, p_g)`` tuples.
        max_examples: pairs to try (default: the active hypothesis profile's ``max_examples`` / 5, ≥ 5).
        value_scale, atol: see :func:`check_loss_against_theory`.
    Raises:
        AssertionError: with the simplest failing pair hypothesis found and what disagreed, e.g.
            ``d_loss implies the wrong optimal discriminator: at x = 0, D*(x) = p/(p+q) = 0.5 (logit 0),
            but the loss is minimised at D = 0.6225 (logit 0.5)``.
        GanTheoryError: bad arguments.

    Do not call it inside a ``@given`` test (it runs its own hypothesis search).

    >>> import torch.nn.functional as F
    >>> def d_loss(real, fake):  # -E_p log D - E_q log(1 - D), in logits
    ...     return -(F.logsigmoid(real).mean() + F.logsigmoid(-fake).mean())
    >>> assert_loss_matches_theory(d_loss, max_examples=3)
    """
    from hypothesis import HealthCheck, example, given, settings

    if d_loss is None and g_loss is None:
        raise GanTheoryError("pass at least one of 'd_loss' and 'g_loss'")
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

    def loss_matches_theory(pair):
        __tracebackhide__ = True
        p_data, p_g = pair
        result = check_loss_against_theory(
            d_loss, p_data, p_g, g_loss=g_loss, generator=generator, value_scale=value_scale, atol=atol
        )
        if not result.ok:
            raise AssertionError(result.message)

    test = loss_matches_theory
    for pair in reversed(witnesses):  # explicit examples run first, in the order given
        test = example(pair=pair)(test)
    run = settings(
        max_examples=max_examples, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )(given(pair=pairs)(test))
    __tracebackhide__ = True
    run()


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
