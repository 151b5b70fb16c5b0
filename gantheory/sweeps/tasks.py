r"""The sweep tasks: pure functions of a JSON spec (and its seed) returning a JSON outcome.

Each :class:`Task` row has its defaults (every key a spec may set), ``run`` for one spec and, where specs
can share one batched computation, ``run_pack`` for a list of them with ``pack_key`` naming the fields
that must agree inside a pack (architecture, dtype, device, step count); per-model values (learning rate,
γ, seed) become arrays. An outcome is ``{"status": "ok" | "diverged" | "unsupported", "result": {...}, "failure": None |
{"step": k, "reason": ...}}``: a diverged model is a record, never a crashed pack.

- ``dirac_gan`` — the Dirac-GAN of Mescheder et al. 2018 (§2.2) trained by a scheme of
  :mod:`gantheory.dynamics.schemes` from a point at distance ``init_scale`` from the equilibrium (its angle
  drawn from the seed); ``run`` iterates :meth:`DiracGAN.simulate` (the dynamics module's own field),
  ``run_pack`` iterates the same :func:`~gantheory.dynamics.schemes.step` on a ``(2, K)`` state with the
  field lambdified once with γ symbolic. The record carries the prediction beside the measurement:
  ``predicted_max_stable_step`` (:meth:`DiracGAN.max_stable_step`) and ``predicted_stable``.
- ``train_discriminator`` — a ``width × depth`` tanh MLP discriminator (:class:`BatchedMLP`, trained by
  :func:`fit_mlp_adam` on the pooled BCE, the batched trainer of :mod:`gantheory.empirical.batched`) on n
  draws of p = N(0, 1) against n of q = N(``loc``, 1); the theory is Prop. 1 of Goodfellow et al. 2014,
  logit* = log p/q = μ²/2 − μx, and the record holds ``logit_sup_error`` on [−2, 2 + μ]. Packed: K models
  with per-model learning rates, data and initialisations in one ``baddbmm`` computation.
- ``gaussian_gan`` — the Gaussian GAN of :func:`~gantheory.dynamics.spectrum.gaussian_reference_jacobian`
  (data N(0, 1), G(z) = μ + s z, quadratic logistic D, standard loss, R1 weight γ) trained by population
  gradients (16 Gauss–Hermite nodes) with ``k`` D-steps per G-step from a seeded point at distance
  ``init_scale`` from the equilibrium. Packed: per-model learning rate, γ, seed and ``k`` (a mask over the
  D-steps). For k = 1 (simultaneous GD) the record carries the predicted η_max of the exact Jacobian.
- ``mlp_gan`` — the small MLP GAN of the ``game-spectrum`` claim (affine G, 1 → ``width`` → 1 tanh D with
  its output layer zero, N(0, 1) data on 16 Gauss–Hermite nodes, R1 weight γ) trained by simultaneous GD
  from a 1e-3 perturbation of the equilibrium; the prediction is ``game_spectrum``'s ``max_stable_lr``,
  the measurement the field-norm ratio ‖v(x_K)‖/‖v(x_0)‖.
- ``train_gan`` — :func:`gantheory.empirical.train_gan` (Algorithm 1) on ``target`` (``normal``:
  N(0, 1); ``mixture2``: ½N(−2, ½²) + ½N(2, ½²)); the record holds the final JSD (affine G). ``loss`` is
  named as in ``dirac_gan`` (``standard``: cross-entropy with the minimax generator; ``non_saturating``;
  the generator kind ``minimax`` also works); ``regularizer`` ``"r1"`` adds γ/2·E_p‖∇ₓD‖² (``gamma``) to
  D's loss. A loss or regulariser of the Dirac-GAN the trainer does not play (``hinge``, ``wgan``,
  ``least_squares``; ``r2``, ``wgan_gp``, …) is a record with status ``"unsupported"`` and the reason.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gantheory.errors import GanTheoryError

__all__ = ["TASKS", "Task", "resolve_task"]

Outcome = dict[str, Any]


def _always(spec: dict) -> bool:
    """Every spec of a packable task can join a pack."""
    return True


def _no_check(spec: dict) -> None:
    """A task without per-spec checks: its run raises for a bad spec (recorded as that spec's error)."""


def _number(spec: Mapping[str, Any], name: str) -> float | None:
    v = spec.get(name)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        return None
    return float(v)


def _require(spec: Mapping[str, Any], *, positive: Sequence[str] = (), positive_int: Sequence[str] = (),
             nonnegative_int: Sequence[str] = (), finite: Sequence[str] = ()) -> None:
    """Per-model checks of one spec, before it joins a pack (a pack would fail for all its members).

    Raises:
        GanTheoryError: naming the first parameter out of its domain and its value.
    """
    for name in positive:
        v = _number(spec, name)
        if v is None or not v > 0:
            raise GanTheoryError(f"parameter {name!r} must be a positive finite number, got {spec.get(name)!r}")
    for name, low, what in [(n, 1, "a positive integer") for n in positive_int] + \
                           [(n, 0, "a non-negative integer") for n in nonnegative_int]:
        v = _number(spec, name)
        if v is None or not v.is_integer() or v < low:
            raise GanTheoryError(f"parameter {name!r} must be {what}, got {spec.get(name)!r}")
    for name in finite:
        if _number(spec, name) is None:
            raise GanTheoryError(f"parameter {name!r} must be a finite number, got {spec.get(name)!r}")


@dataclass(frozen=True)
class Task:
    """A sweep task: ``run(spec, seed) -> outcome``; optional ``run_pack(specs, seeds) -> outcomes``."""

    name: str
    description: str
    defaults: Mapping[str, Any]
    run: Callable[[dict, int], Outcome]
    run_pack: Callable[[list[dict], list[int]], list[Outcome]] | None = None
    pack_key: tuple[str, ...] = ()
    packable: Callable[[dict], bool] = _always
    validate: Callable[[dict], None] = _no_check  # raises GanTheoryError for a bad spec, before packing

    def complete(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        """The spec with the task's defaults filled in.

        Raises:
            GanTheoryError: a parameter the task does not know (naming the nearest ones).
        """
        unknown = [k for k in spec if k not in self.defaults]
        if unknown:
            close = difflib.get_close_matches(unknown[0], list(self.defaults), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise GanTheoryError(f"task {self.name!r} has no parameter {unknown[0]!r}{hint} "
                                 f"(known: {', '.join(self.defaults)})")
        return {**self.defaults, **spec}


def _outcome(result: dict, fail_step: int | None, reason: str = "") -> Outcome:
    if fail_step is None:
        return {"status": "ok", "result": result, "failure": None}
    return {"status": "diverged", "result": result, "failure": {"step": int(fail_step), "reason": reason}}


def _finite_or_none(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


# ---------------------------------------------------------------------------------------------- dirac_gan

@functools.lru_cache(maxsize=4096)
def _dirac_prediction(loss: str, regularizer: str | None, gamma: float, scheme: str) -> tuple[float | None, str | None]:
    """(η_max, None), or (None, why) when the linearisation has no prediction (e.g. WGAN-GP with g₀ ≠ 0)."""
    from gantheory.dynamics import DiracGAN

    try:
        return float(DiracGAN(loss=loss, regularizer=regularizer, gamma=gamma).max_stable_step(scheme=scheme)), None
    except GanTheoryError as exc:  # the simulation is still recorded; the prediction is null with its reason
        return None, str(exc)


def _dirac_start(spec: dict, seed: int) -> tuple[float, float]:
    import numpy as np

    angle = np.random.default_rng(seed).uniform(0.0, 2 * np.pi)
    r = float(spec["init_scale"])
    if not (math.isfinite(r) and r > 0):
        raise GanTheoryError(f"init_scale must be a positive finite number, got {r!r}")
    return r * math.cos(angle), r * math.sin(angle)


def _dirac_result(spec: dict, theta0: float, psi0: float, theta: float, psi: float) -> dict:
    h_max, why = _dirac_prediction(spec["loss"], spec["regularizer"], float(spec["gamma"]), spec["scheme"])
    r0, r = math.hypot(theta0, psi0), math.hypot(theta, psi)
    out = {"theta0": theta0, "psi0": psi0, "final_distance": _finite_or_none(r),
           "distance_ratio": _finite_or_none(r / r0),
           "predicted_max_stable_step": None if h_max is None else _finite_or_none(h_max),
           "predicted_stable": None if h_max is None else bool(float(spec["lr"]) < h_max)}
    if why is not None:
        out["prediction_reason"] = why
    return out


def _dirac_run(spec: dict, seed: int) -> Outcome:
    from gantheory.dynamics import DiracGAN

    theta0, psi0 = _dirac_start(spec, seed)
    game = DiracGAN(loss=spec["loss"], regularizer=spec["regularizer"], gamma=float(spec["gamma"]))
    traj = game.simulate(theta0, psi0, int(spec["steps"]), float(spec["lr"]), scheme=spec["scheme"])
    # simulate() stops a diverging run at its last finite state (step len(t) − 1); the next step is the
    # first non-finite one, as the packed path records it.
    if traj.diverged:
        return _outcome(_dirac_result(spec, theta0, psi0, math.inf, math.inf), len(traj.t), "non-finite iterate")
    return _outcome(_dirac_result(spec, theta0, psi0, float(traj.theta[-1]), float(traj.psi[-1])), None)


@functools.lru_cache(maxsize=64)
def _dirac_vector_field(loss: str, regularizer: str | None) -> Callable:
    import numpy as np
    import sympy as sp

    from gantheory.dynamics.fields import PSI, THETA, dirac_field

    gamma = sp.Symbol("gamma", real=True)
    fns = [sp.lambdify((THETA, PSI, gamma), e, modules="numpy") for e in dirac_field(loss, regularizer, gamma)]

    def vector_field(x: Any, gammas: Any) -> Any:
        return np.stack([np.broadcast_to(np.asarray(fn(x[0], x[1], gammas), dtype=np.float64), x[0].shape)
                         for fn in fns])

    return vector_field


def _dirac_packable(spec: dict) -> bool:
    """The discrete schemes with a closed-form field (instance noise averages over ε by quadrature)."""
    return spec["scheme"] in ("simultaneous", "alternating", "extragradient", "optimistic") \
        and spec["regularizer"] != "instance_noise"


def _dirac_pack(specs: list[dict], seeds: list[int]) -> list[Outcome]:
    import numpy as np

    from gantheory.dynamics.schemes import step

    first = specs[0]
    field_fn = _dirac_vector_field(first["loss"], first["regularizer"])
    starts = np.array([_dirac_start(s, seed) for s, seed in zip(specs, seeds, strict=True)]).T  # (2, K)
    lr = np.array([float(s["lr"]) for s in specs])
    gammas = np.array([float(s["gamma"]) for s in specs])
    if not (np.all(np.isfinite(lr)) and np.all(lr > 0)):
        raise GanTheoryError("lr must be a positive finite number in every spec")
    x, prev = starts.copy(), starts.copy()
    fail = np.full(lr.size, -1)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(int(first["steps"])):
            new, new_prev = step(lambda v: field_fn(v, gammas), x, prev, scheme=first["scheme"], h=lr, h_d=lr,
                                 beta=0.0, n_d=1, generator=(0,), discriminator=(1,))
            bad = ~np.all(np.isfinite(new), axis=0) & (fail < 0)
            fail[bad] = k + 1
            alive = fail < 0
            x = np.where(alive, new, x)
            prev = np.where(alive, new_prev, prev)
    out = []
    for j, spec in enumerate(specs):
        theta, psi = (math.inf, math.inf) if fail[j] >= 0 else (float(x[0, j]), float(x[1, j]))
        result = _dirac_result(spec, float(starts[0, j]), float(starts[1, j]), theta, psi)
        out.append(_outcome(result, int(fail[j]) if fail[j] >= 0 else None, "non-finite iterate"))
    return out


# ------------------------------------------------------------------------------------- train_discriminator

def _disc_data(specs: Sequence[dict], seeds: Sequence[int], torch, dtype, device):
    import numpy as np

    n = int(specs[0]["n_samples"])
    real, fake = [], []
    for spec, seed in zip(specs, seeds, strict=True):
        rng = np.random.default_rng(seed)
        real.append(rng.standard_normal(n))
        fake.append(float(spec["loc"]) + rng.standard_normal(n))
    as_t = lambda a: torch.as_tensor(np.stack(a), dtype=dtype, device=device)  # noqa: E731
    return as_t(real), as_t(fake)


# The pooled BCE of the constant discriminator (logit 0) with m = n is 2·log 2 = log 4, and training only
# lowers it; a final loss above twice that is a run that left the basin (e.g. lr = 1e8): "diverged".
DISC_DIVERGED_LOSS = 2 * math.log(4.0)


def _disc_pack(specs: list[dict], seeds: list[int]) -> list[Outcome]:
    import numpy as np
    import torch

    from gantheory.empirical._device import cpu_threads, resolve_device, resolve_dtype
    from gantheory.empirical.batched import BatchedMLP, fit_mlp_adam

    first = specs[0]
    device = resolve_device(first["device"])
    dtype = resolve_dtype(first["dtype"], device)
    if int(first["n_samples"]) < 1 or int(first["steps"]) < 1:
        raise GanTheoryError("n_samples and steps must be positive integers")
    with cpu_threads(device):
        x_real, x_fake = _disc_data(specs, seeds, torch, dtype, device)
        # the init seed is a second stream of the spec's seed, so data and weights are independent
        model = BatchedMLP.init([(s + 1) % (2**63) for s in seeds], width=int(first["width"]),
                                depth=int(first["depth"]), device=device, dtype=dtype)
        fit = fit_mlp_adam(model, x_real, x_fake, steps=int(first["steps"]),
                           lr=[float(s["lr"]) for s in specs])
        locs = np.array([float(s["loc"]) for s in specs])
        u = np.linspace(0.0, 1.0, 101)
        xs = -2.0 + u[None, :] * (4.0 + np.maximum(locs, 0.0)[:, None])  # [K, 101] on [−2, 2 + μ⁺]
        logits = BatchedMLP.forward(fit.params, torch.as_tensor(xs, dtype=dtype, device=device))
        logits = logits.detach().cpu().to(torch.float64).numpy()
    # Prop. 1 with m = n: logit* = log p/q = −x²/2 + (x − μ)²/2 = μ²/2 − μx
    truth = locs[:, None] ** 2 / 2 - locs[:, None] * xs
    err = np.max(np.abs(logits - truth), axis=-1)
    loss, failed = fit.loss.detach().cpu().numpy(), fit.failed.cpu().numpy()
    step = fit.failed_step.cpu().numpy()
    out = []
    for j in range(len(specs)):
        result = {"final_loss": _finite_or_none(float(loss[j])) if not failed[j] else None,
                  "logit_sup_error": _finite_or_none(float(err[j])) if not failed[j] else None}
        if failed[j]:
            out.append(_outcome(result, int(step[j]), "non-finite loss or parameter"))
        elif not math.isfinite(float(loss[j])) or float(loss[j]) > DISC_DIVERGED_LOSS:
            out.append(_outcome(result, int(first["steps"]), f"final loss {float(loss[j]):.6g} above "
                                f"{DISC_DIVERGED_LOSS:.6g} (twice log 4, the loss of the constant discriminator)"))
        else:
            out.append(_outcome(result, None))
    return out


def _disc_run(spec: dict, seed: int) -> Outcome:
    return _disc_pack([spec], [seed])[0]


# ------------------------------------------------------------------------------------------- gaussian_gan

@functools.lru_cache(maxsize=4096)
def _gaussian_prediction(gamma: float) -> float:
    import numpy as np

    from gantheory.dynamics.spectrum import gaussian_reference_jacobian, stable_step

    return stable_step(np.linalg.eigvals(gaussian_reference_jacobian(gamma)))[0]


def _gaussian_pack(specs: list[dict], seeds: list[int]) -> list[Outcome]:
    r"""K Gaussian GANs by population gradients, per-model lr, γ, seed and k (a mask over D-steps).

    Game: data N(0, 1), G(z) = μ + s·z, D's logit f(x) = a + b x + c x², standard (minimax) loss,
    V = E_p log σ(f) + E_z log σ(−f(G(z))) − γ/2·E_p (∂ₓf)², expectations on 16 Gauss–Hermite nodes
    (exact for the polynomial parts). One iteration: G's gradient at the current (G, D), then k_j ascent
    steps of D_j at fixed G (a step j ≥ k_j is masked out), then G's step: for k = 1 this is simultaneous GD,
    whose linearisation :func:`~gantheory.dynamics.spectrum.gaussian_reference_jacobian` predicts.
    """
    import numpy as np
    import torch
    import torch.nn.functional as F

    from gantheory.dynamics.spectrum import quadrature_nodes
    from gantheory.empirical._device import cpu_threads, resolve_device, resolve_dtype

    first = specs[0]
    device = resolve_device(first["device"])
    dtype = resolve_dtype(first["dtype"], device)
    ks = [int(s["k"]) for s in specs]
    if min(ks) < 1 or int(first["steps"]) < 1:
        raise GanTheoryError("k and steps must be positive integers")
    nodes, w = quadrature_nodes(16)
    t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64), dtype=dtype, device=device)  # noqa: E731
    x, wx = t(nodes), t(w)
    lr, gamma, k = t([float(s["lr"]) for s in specs]), t([float(s["gamma"]) for s in specs]), t(ks)
    # the start: the equilibrium (μ, s, a, b, c) = (0, 1, 0, 0, 0) moved by init_scale in a seeded direction
    starts = []
    for spec, seed in zip(specs, seeds, strict=True):
        u = np.random.default_rng(seed).standard_normal(5)
        starts.append(np.array([0.0, 1.0, 0.0, 0.0, 0.0]) + float(spec["init_scale"]) * u / np.linalg.norm(u))
    state = t(np.stack(starts))  # [K, 5]
    eq = t([0.0, 1.0, 0.0, 0.0, 0.0])

    def value(gen, disc):  # [K] value of each model's game
        fake = gen[:, :1] + gen[:, 1:2] * x  # [K, 16]
        f_real = disc[:, :1] + disc[:, 1:2] * x + disc[:, 2:3] * x**2
        f_fake = disc[:, :1] + disc[:, 1:2] * fake + disc[:, 2:3] * fake**2
        slope = disc[:, 1:2] + 2 * disc[:, 2:3] * x  # ∂ₓf on the real nodes (R1)
        # log σ(f) = −softplus(−f); log σ(−f) = −softplus(f)
        return ((-F.softplus(-f_real) - F.softplus(f_fake) - gamma[:, None] / 2 * slope**2) * wx).sum(-1)

    def grads(gen, disc, wrt):
        gen, disc = gen.detach().requires_grad_(wrt == "g"), disc.detach().requires_grad_(wrt == "d")
        (g,) = torch.autograd.grad(value(gen, disc).sum(), gen if wrt == "g" else disc)
        return g

    fail = torch.full((len(specs),), -1, dtype=torch.long, device=device)
    with cpu_threads(device):
        gen, disc = state[:, :2].clone(), state[:, 2:].clone()
        for it in range(int(first["steps"])):
            g_grad = grads(gen, disc, "g")  # the generator minimises V (minimax)
            new_disc = disc
            for j in range(max(ks)):
                step = torch.where((j < k)[:, None], lr[:, None] * grads(gen, new_disc, "d"), torch.zeros_like(disc))
                new_disc = new_disc + step
            new_gen = gen - lr[:, None] * g_grad
            bad = ~(torch.isfinite(new_gen).all(-1) & torch.isfinite(new_disc).all(-1)) & (fail < 0)
            fail = torch.where(bad, torch.full_like(fail, it + 1), fail)
            alive = (fail < 0)[:, None]
            gen, disc = torch.where(alive, new_gen, gen), torch.where(alive, new_disc, disc)
        final = torch.cat([gen, disc], -1)
        ratio = (torch.linalg.vector_norm(final - eq, dim=-1) / torch.linalg.vector_norm(state - eq, dim=-1))
    ratio, fail = ratio.cpu().numpy(), fail.cpu().numpy()
    out = []
    for j, spec in enumerate(specs):
        bound = _gaussian_prediction(float(spec["gamma"])) if ks[j] == 1 else None
        result = {"distance_ratio": None if fail[j] >= 0 else _finite_or_none(float(ratio[j])),
                  "predicted_max_stable_step": None if bound is None else _finite_or_none(bound),
                  "predicted_stable": None if bound is None else bool(float(spec["lr"]) < bound)}
        out.append(_outcome(result, int(fail[j]) if fail[j] >= 0 else None, "non-finite parameter"))
    return out


def _gaussian_run(spec: dict, seed: int) -> Outcome:
    return _gaussian_pack([spec], [seed])[0]


# ------------------------------------------------------------------------------------------------ mlp_gan

@functools.lru_cache(maxsize=256)
def _mlp_gan_setup(width: int, gamma: float):
    from gantheory.dynamics.spectrum import game_spectrum, quadrature_nodes, simultaneous_field, torch_models

    d, g = torch_models("mlp", seed=0, width=width)
    nodes, w = quadrature_nodes(16)
    s = game_spectrum(d, g, nodes, latent=nodes, data_weights=w, latent_weights=w, regularizer="r1", gamma=gamma)
    field_fn, x_star, _ = simultaneous_field(d, g, nodes, nodes, regularizer="r1", gamma=gamma, data_weights=w,
                                             latent_weights=w)
    return float(s.max_stable_lr), field_fn, x_star


def _mlp_gan_run(spec: dict, seed: int) -> Outcome:
    import numpy as np
    import torch

    from gantheory.empirical._device import cpu_threads

    eta_max, field_fn, x_star = _mlp_gan_setup(int(spec["width"]), float(spec["gamma"]))
    rng = np.random.default_rng(seed)
    x = x_star + torch.as_tensor(float(spec["perturbation"]) * rng.standard_normal(x_star.numel()))
    lr = float(spec["lr"])
    fail = None
    with cpu_threads(torch.device("cpu")):
        v0 = float(torch.linalg.vector_norm(field_fn(x)))
        ratio, peak = 1.0, 1.0
        for k in range(int(spec["steps"])):
            x = x + lr * field_fn(x)
            ratio = float(torch.linalg.vector_norm(field_fn(x))) / v0
            if not math.isfinite(ratio) or ratio > 1e12:  # diverged: stop before overflow
                fail = k + 1
                break
            peak = max(peak, ratio)
    result = {"field_norm_ratio": None if fail is not None else ratio, "peak_field_norm_ratio": _finite_or_none(peak),
              "predicted_max_stable_step": _finite_or_none(eta_max), "predicted_stable": bool(lr < eta_max)}
    return _outcome(result, fail, "field norm grew beyond 1e12 or became non-finite")


# ---------------------------------------------------------------------------------------------- train_gan

def _target(name: str):
    from gantheory.densities import Mixture, Normal

    targets = {"normal": lambda: Normal(0.0, 1.0),
               "mixture2": lambda: Mixture([Normal(-2.0, 0.5), Normal(2.0, 0.5)], weights=[0.5, 0.5])}
    if name not in targets:
        raise GanTheoryError(f"unknown target {name!r} (known: {', '.join(targets)})")
    return targets[name]()


# A train_gan ``loss`` is named as in dirac_gan (the rows of DIRAC_LOSSES: a LOSSES row for D with a
# GENERATORS row for G) or by the generator kind alone; Algorithm 1 plays the standard (cross-entropy) game.
_TRAIN_GAN_LOSSES = {"standard": "minimax", "minimax": "minimax", "non_saturating": "non_saturating"}
_TRAIN_GAN_REGULARIZERS = (None, "r1")


def _unsupported(reason: str) -> Outcome:
    return {"status": "unsupported", "result": None, "failure": {"step": None, "reason": reason}}


def _train_gan_run(spec: dict, seed: int) -> Outcome:
    from gantheory.dynamics.fields import DIRAC_LOSSES, REGULARIZERS
    from gantheory.empirical import train_gan

    loss, reg = spec["loss"], spec["regularizer"]
    if loss not in _TRAIN_GAN_LOSSES:
        if loss in DIRAC_LOSSES:
            return _unsupported(f"loss {loss!r}: train_gan (Algorithm 1) trains the standard cross-entropy "
                                f"discriminator only (supported: {', '.join(_TRAIN_GAN_LOSSES)})")
        raise GanTheoryError(f"unknown loss {loss!r} for train_gan (known: {', '.join(_TRAIN_GAN_LOSSES)})")
    if reg not in _TRAIN_GAN_REGULARIZERS:
        if reg in REGULARIZERS:
            return _unsupported(f"regularizer {reg!r}: train_gan supports {', '.join(map(str, _TRAIN_GAN_REGULARIZERS))}")
        raise GanTheoryError(f"unknown regularizer {reg!r} (known: {', '.join(map(str, REGULARIZERS))})")
    gamma = float(spec["gamma"])
    traj = train_gan(_target(spec["target"]), loss=_TRAIN_GAN_LOSSES[loss], k=int(spec["k"]),
                     steps=int(spec["steps"]), batch_size=int(spec["batch_size"]), optimizer=spec["optimizer"],
                     lr=float(spec["lr"]), lr_schedule=spec["lr_schedule"], seed=seed % (2**31),
                     device=spec["device"], r1_gamma=gamma if reg == "r1" else 0.0)
    result = {"final_jsd": traj.final_jsd if traj.final_jsd is None else float(traj.final_jsd)}
    return _outcome(result, int(traj.failed_step) if traj.failed else None,
                    "non-finite loss or degenerate generator")


# Per-spec checks of the values that vary inside a pack (a bad one would fail the whole pack) and of the
# sizes; names of losses, schemes, devices are checked by the run itself (they are pack keys: a bad one
# fails only the specs that share it).
def _dirac_check(spec: dict) -> None:
    _require(spec, positive=("lr", "init_scale"), nonnegative_int=("steps",), finite=("gamma",))


def _disc_check(spec: dict) -> None:
    _require(spec, positive=("lr",), positive_int=("n_samples", "width", "depth", "steps"), finite=("loc",))


def _gaussian_check(spec: dict) -> None:
    _require(spec, positive=("lr", "init_scale"), positive_int=("k", "steps"), finite=("gamma",))


def _mlp_gan_check(spec: dict) -> None:
    _require(spec, positive=("lr", "perturbation"), positive_int=("width",), nonnegative_int=("steps",),
             finite=("gamma",))


def _train_gan_check(spec: dict) -> None:
    _require(spec, positive=("lr",), positive_int=("k", "steps", "batch_size"), finite=("gamma",))


TASKS: dict[str, Task] = {t.name: t for t in (
    Task("dirac_gan", "the Dirac-GAN trained by a discrete scheme; final distance to the equilibrium and the "
         "predicted stable step", {"loss": "standard", "regularizer": None, "gamma": 0.0, "lr": 0.1,
                                   "steps": 200, "scheme": "simultaneous", "init_scale": 0.5, "seed": 0},
         _dirac_run, _dirac_pack, ("loss", "regularizer", "scheme", "steps"),
         packable=_dirac_packable, validate=_dirac_check),
    Task("train_discriminator", "a tanh MLP discriminator (batched Adam, BCE) on N(0,1) vs N(loc,1); sup error "
         "of its logit against log p/q", {"loc": 1.0, "n_samples": 256, "width": 16, "depth": 1, "steps": 200,
                                          "lr": 1e-2, "dtype": "float64", "device": "cpu", "seed": 0},
         _disc_run, _disc_pack, ("n_samples", "width", "depth", "steps", "dtype", "device"), validate=_disc_check),
    Task("gaussian_gan", "the Gaussian GAN (affine G, quadratic logistic D, R1) by population gradients with k "
         "D-steps; distance to the equilibrium and, for k = 1, the predicted stable step",
         {"gamma": 0.5, "lr": 0.1, "k": 1, "steps": 200, "init_scale": 0.05, "dtype": "float64", "device": "cpu",
          "seed": 0}, _gaussian_run, _gaussian_pack, ("steps", "dtype", "device"), validate=_gaussian_check),
    Task("mlp_gan", "the small MLP GAN (affine G, 1-width-1 tanh D, R1) by simultaneous GD; field-norm ratio and "
         "the predicted stable learning rate", {"width": 8, "gamma": 0.5, "lr": 0.1, "steps": 100,
                                                 "perturbation": 1e-3, "seed": 0},
         _mlp_gan_run, validate=_mlp_gan_check),
    Task("train_gan", "Algorithm 1 (train_gan) on a 1-D target; final JSD", {
        "target": "normal", "loss": "non_saturating", "regularizer": None, "gamma": 0.0, "k": 1, "steps": 200, "batch_size": 64, "optimizer": "adam",
        "lr": 1e-2, "lr_schedule": "linear", "device": "cpu", "seed": 0}, _train_gan_run, validate=_train_gan_check),
)}


def resolve_task(name: str) -> Task:
    """``TASKS[name]``; an unknown name raises naming the nearest ones."""
    if name in TASKS:
        return TASKS[name]
    close = difflib.get_close_matches(str(name), list(TASKS), n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise GanTheoryError(f"unknown sweep task {name!r}{hint} (known: {', '.join(TASKS)})")
