r"""Algorithm 1 of Goodfellow et al. (2014) with exact bookkeeping along the run.

Minibatch stochastic gradient training: for each of ``steps`` iterations, take ``k`` discriminator
steps ascending

.. math:: \hat V = \frac1m\sum_i \log D(x_i) + \frac1m\sum_i \log(1 - D(G(z_i))),

then one generator step descending either the *minimax* loss ``(1/m) Σ log(1 − D(G(z)))`` or the
*non-saturating* one ``−(1/m) Σ log D(G(z))`` (§3 of the paper: early in training, when D rejects
samples confidently, log(1 − D(G(z))) saturates and its gradient vanishes). With ``D = σ(f)``,

.. math:: \nabla_\theta \log(1-D) = -D\, f'\,\partial_\theta G, \qquad \nabla_\theta \log D = (1-D)\, f'\,\partial_\theta G,

so where D(G(z)) ≈ 0 the minimax gradient is smaller by the factor D/(1−D) ≈ D — measured by
:func:`saturation_check`.

With the affine generator ``G(z) = μ + e^{s} z`` (z ~ N(0,1)) p_g is N(μ, e^{s}) in closed form, so
the trajectory records the exact ``C(G_t) = -log 4 + 2 JSD(p_data, p_g^t)`` and ``JSD_t`` by quadrature
(:mod:`gantheory.quadrature`) at every ``record_every``-th step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from gantheory.empirical import statistics as st
from gantheory.empirical._device import (
    check_choice,
    check_positive_int,
    cpu_threads,
    resolve_device,
    resolve_dtype,
    torch_generator,
)
from gantheory.empirical.batched import polynomial_features
from gantheory.empirical.torch_view import to_torch
from gantheory.errors import GanTheoryError
from gantheory.losses import GENERATORS as _GENERATOR_TERMS
from gantheory.losses import LOSSES as _LOSS_ROWS

if TYPE_CHECKING:
    from gantheory.densities import Density

__all__ = ["GENERATORS", "GENERATOR_OBJECTIVES", "GanSnapshot", "GanTrajectory", "SaturationResult", "saturation_check", "train_gan"]

GENERATORS = ("affine", "mlp")
DISCRIMINATORS = ("logistic", "mlp")
OPTIMIZERS = ("sgd", "adam")


def _generator_loss(name: str):
    """The mean over fake samples of ``gantheory.losses.GENERATORS[name]``'s per-sample term (G descends it)."""
    term = _GENERATOR_TERMS[name]
    return lambda logit_fake: term(logit_fake, "torch").mean()


# The discriminator's game: the standard row, −V̂ = mean softplus(−f(x)) + mean softplus(f(G(z))).
_D_GAME = _LOSS_ROWS["standard"]
_D_REAL, _D_FAKE = _D_GAME.terms("torch")
# Algorithm 1's generator objectives: the standard game's rows of gantheory.losses.GENERATORS, minimax
# log(1 − D) = log σ(−f) = −softplus(f) and non-saturating −log D = −log σ(f) = softplus(−f) (Goodfellow et
# al. 2014, §3), each as the mean over a fake minibatch.
GENERATOR_OBJECTIVES = {name: _generator_loss(name) for name in _D_GAME.generators}


@dataclass(frozen=True)
class GanSnapshot:
    """(D̂, p_g) at one step, on a grid, for a Figure-1-style panel (Goodfellow et al. 2014, Fig. 1)."""

    step: int
    x: np.ndarray
    discriminator: np.ndarray
    p_data: np.ndarray
    p_g: np.ndarray
    p_g_exact: bool


@dataclass(frozen=True)
class GanTrajectory:
    """A run of Algorithm 1. Arrays indexed by generator step unless noted (nats throughout).

    ``value_hat[t]``: minibatch V̂ after the k D-steps of iteration t; ``generator_grad_norm[t]``: norm of
    the generator's loss gradient at t. ``record_steps`` index ``criterion`` (exact C(G_t)), ``jsd`` and
    ``params`` (affine: (μ, σ), every entry finite — a non-finite or degenerate (μ, σ) ends the run as a
    failure before it is recorded).

    Not available is ``None``, never NaN: ``criterion``, ``jsd``, ``params`` and ``final_jsd`` for the MLP
    generator (its p_g has no closed form); ``d_half_error`` for a failed run; ``last_finite_loss`` when
    no finite discriminator loss was reached.
    """

    generator: str
    loss: str
    k: int
    steps: int
    batch_size: int
    optimizer: str
    lr: float
    seed: int
    device: str
    dtype: str
    value_hat: np.ndarray
    generator_grad_norm: np.ndarray
    record_steps: np.ndarray
    criterion: np.ndarray | None
    jsd: np.ndarray | None
    params: np.ndarray | None
    snapshots: tuple
    final_jsd: float | None
    d_half_error: float | None
    failed: bool
    failed_step: int
    last_finite_loss: float | None


class _Logistic(torch.nn.Module):
    def __init__(self, degree, center, scale):
        super().__init__()
        self.degree, self.center, self.scale = degree, center, scale
        self.theta = torch.nn.Parameter(torch.zeros(degree + 1))

    def forward(self, x):
        return polynomial_features(x, self.degree, self.center, self.scale) @ self.theta


class _MLP(torch.nn.Module):
    def __init__(self, width, depth, center=0.0, scale=1.0):
        super().__init__()
        layers, fan_in = [], 1
        for _ in range(depth):
            layers += [torch.nn.Linear(fan_in, width), torch.nn.Tanh()]
            fan_in = width
        layers.append(torch.nn.Linear(fan_in, 1))
        self.net = torch.nn.Sequential(*layers)
        self.center, self.scale = center, scale

    def forward(self, x):
        return self.net(((x - self.center) / self.scale).unsqueeze(-1)).squeeze(-1)


class _Affine(torch.nn.Module):
    def __init__(self, loc, scale):
        super().__init__()
        self.loc = torch.nn.Parameter(torch.tensor(float(loc)))
        self.log_scale = torch.nn.Parameter(torch.tensor(math.log(float(scale))))

    def forward(self, z):
        return self.loc + torch.exp(self.log_scale) * z

    def normal(self):
        return float(self.loc.detach()), float(torch.exp(self.log_scale.detach()))


def _optimizer(name, params, lr, momentum):
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=momentum)
    return torch.optim.Adam(params, lr=lr, betas=(momentum, 0.999) if momentum else (0.5, 0.999))


def train_gan(p_data: Density, *, generator: str = "affine", loss: str = "non_saturating", k: int = 1, steps: int = 2000,
              batch_size: int = 256, optimizer: str = "adam", lr: float = 1e-2, d_lr: float | None = None,
              momentum: float = 0.5, discriminator: str = "logistic", degree: int = 2, width: int = 32,
              depth: int = 2, init: tuple[float, float] = (2.0, 0.5), lr_schedule: str = "linear", record_every: int | None = None, n_snapshots: int = 4,
              seed: int = 0, device: str | torch.device | None = "auto", dtype: torch.dtype | str | None = None,
              r1_gamma: float = 0.0,
) -> GanTrajectory:
    r"""Algorithm 1 (Goodfellow et al. 2014): k D-steps per G-step, minibatch m, SGD+momentum or Adam.

    Args:
        p_data: target density (e.g. ``Normal`` or a 2-component ``Mixture``).
        generator: ``"affine"`` (G(z) = μ + σz; exact C and JSD along the run) or ``"mlp"``.
        loss: generator loss, a key of :data:`GENERATOR_OBJECTIVES` (``"minimax"`` or ``"non_saturating"``: rows of
            :data:`gantheory.losses.GENERATORS`).
        k: discriminator steps per generator step; batch_size: m.
        optimizer: ``"sgd"`` (with ``momentum``, as in the paper) or ``"adam"`` (β₁ = ``momentum``).
        lr, d_lr: generator and discriminator step sizes (``d_lr`` defaults to ``2 lr``: D must track
            its moving optimum faster than G moves, the two-time-scale condition of Heusel et al. 2017).
        discriminator: ``"logistic"`` (degree-``degree`` polynomial logit; well specified for Gaussian
            p_data and affine G) or ``"mlp"`` (``width`` × ``depth``).
        init: affine generator's initial (μ, σ) — a poor init exhibits saturation.
        lr_schedule: ``"constant"`` or ``"linear"`` (both step sizes decay linearly to 0 over the run:
            annealing damps the oscillation of simultaneous gradient play around the equilibrium).
        record_every: quadrature bookkeeping stride (default ``steps // 100``).
        r1_gamma: weight γ of the R1 penalty γ/2·E_p‖∇ₓf‖² added to D's loss (Mescheder et al. 2018, §4.1); 0: none.

    Returns:
        :class:`GanTrajectory`; a non-finite loss stops the run and is recorded (``failed``).

    Raises:
        GanTheoryError: unknown names or invalid sizes (the message names the parameter).

    On the CPU the run is single-threaded (:func:`gantheory.empirical._device.cpu_threads`): its tensors
    hold a few thousand numbers, and torch's thread pool made it ~20x slower on a busy 2-core machine.
    """
    dev = resolve_device(device)
    with cpu_threads(dev, batch_size * (width if discriminator == "mlp" or generator == "mlp" else degree + 1)):
        return _train_gan(p_data, generator, loss, k, steps, batch_size, optimizer, lr, d_lr, momentum,
                          discriminator, degree, width, depth, init, lr_schedule, record_every, n_snapshots, seed,
                          dev, dtype, r1_gamma)


def _train_gan(p_data, generator, loss, k, steps, batch_size, optimizer, lr, d_lr, momentum, discriminator, degree,
               width, depth, init, lr_schedule, record_every, n_snapshots, seed, dev, dtype,
               r1_gamma=0.0) -> GanTrajectory:
    generator = check_choice("generator", generator, GENERATORS)
    loss_name = check_choice("loss", loss, GENERATOR_OBJECTIVES)
    optimizer = check_choice("optimizer", optimizer, OPTIMIZERS)
    discriminator = check_choice("discriminator", discriminator, DISCRIMINATORS)
    k = check_positive_int("k", k)
    steps = check_positive_int("steps", steps)
    m = check_positive_int("batch_size", batch_size, 2)
    degree = check_positive_int("degree", degree)
    record_every = check_positive_int("record_every", record_every or max(1, steps // 100))
    if not (lr > 0 and (d_lr is None or d_lr > 0)):
        raise GanTheoryError(f"lr and d_lr must be positive, got lr={lr!r}, d_lr={d_lr!r}")
    if not (math.isfinite(r1_gamma) and r1_gamma >= 0):
        raise GanTheoryError(f"r1_gamma must be a finite number >= 0, got {r1_gamma!r}")
    if getattr(p_data, "batch_shape", ()) != ():
        raise GanTheoryError("p_data must be a single density (batch_shape ())")
    dt = resolve_dtype(dtype, dev)
    torch_gen = torch_generator(seed, dev)
    center, scale = st.feature_frame(p_data, p_data)
    target = to_torch(p_data, dev, dt)

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)  # nn.Linear initialisation only; data and noise use torch_gen
        if discriminator == "logistic":
            d_net = _Logistic(degree, center, scale)
        else:
            d_net = _MLP(width, depth, center, scale)
        if generator == "affine":
            g_net = _Affine(*init)
        else:
            g_net = _MLP(width, depth)
    d_net, g_net = d_net.to(device=dev, dtype=dt), g_net.to(device=dev, dtype=dt)
    d_opt = _optimizer(optimizer, d_net.parameters(), d_lr or 2 * lr, momentum)
    g_opt = _optimizer(optimizer, g_net.parameters(), lr, momentum)
    g_loss_fn = GENERATOR_OBJECTIVES[loss_name]
    check_choice("lr_schedule", lr_schedule, ("constant", "linear"))
    schedules = []
    if lr_schedule == "linear":
        for opt in (d_opt, g_opt):
            schedules.append(torch.optim.lr_scheduler.LambdaLR(opt, lambda t: max(0.0, 1.0 - t / steps)))

    def noise(n):
        return torch.randn(n, generator=torch_gen, dtype=dt, device=dev)

    value_hat, grad_norms, rec_steps, rec_params = [], [], [], []
    snap_steps = sorted({round(s) for s in np.linspace(0, steps, max(2, n_snapshots))})
    snapshots = []
    failed, failed_step, last_finite = False, -1, None
    grid = np.linspace(*st.mass_region(p_data, p_data, 0.999), 400)

    def snapshot(step):
        with torch.no_grad():
            d_grid = torch.sigmoid(d_net(torch.as_tensor(grid, dtype=dt, device=dev))).double().cpu().numpy()
            if generator == "affine":
                loc, sc = g_net.normal()
                pg, exact = np.exp(-0.5 * ((grid - loc) / sc) ** 2) / (sc * math.sqrt(2 * math.pi)), True
            else:
                draws = g_net(noise(20000)).double().cpu().numpy()
                draws = draws[np.isfinite(draws)]
                edges = np.linspace(grid[0], grid[-1], 81)
                hist, _ = np.histogram(draws, bins=edges, density=True)
                pg, exact = np.interp(grid, 0.5 * (edges[1:] + edges[:-1]), hist), False
        if np.all(np.isfinite(d_grid)) and np.all(np.isfinite(pg)):  # a diverging run gets no snapshot here
            snapshots.append(GanSnapshot(step, grid, d_grid, np.exp(np.asarray(p_data.logpdf(grid))), pg, exact))

    def record(step):
        """Record (μ, σ) at ``step``; False (nothing recorded) when they are not a valid Normal."""
        if generator == "affine":
            loc, sc = g_net.normal()
            if not (math.isfinite(loc) and math.isfinite(sc) and sc > 0):
                return False
            rec_params.append((loc, sc))
        rec_steps.append(step)
        return True

    for t in range(steps + 1):
        if (t % record_every == 0 or t == steps) and not record(t):
            failed, failed_step = True, t
            break
        if t in snap_steps:
            snapshot(t)
        if t == steps:
            break
        for _ in range(k):
            x = target.sample(m, torch_gen)
            with torch.no_grad():
                fake = g_net(noise(m))
            if r1_gamma:
                x = x.detach().requires_grad_(True)
            lr_, lf_ = d_net(x), d_net(fake)
            # -V̂ = BCE(f(x), 1) + BCE(f(G(z)), 0)  [log(1 - σ(f)) = log σ(-f)]
            d_loss = _D_REAL(lr_).mean() + _D_FAKE(lf_).mean()
            if r1_gamma:  # R1: γ/2·E_p (∂ₓf)², differentiated through (create_graph)
                (grad_x,) = torch.autograd.grad(lr_.sum(), x, create_graph=True)
                d_loss = d_loss + r1_gamma / 2 * (grad_x**2).mean()
            if not torch.isfinite(d_loss):
                failed, failed_step = True, t
                break
            d_opt.zero_grad()
            d_loss.backward()
            d_opt.step()
            last_finite = float(d_loss.detach())
        if failed:
            break
        value_hat.append(-last_finite)
        g_loss = g_loss_fn(d_net(g_net(noise(m))))
        if not torch.isfinite(g_loss):
            failed, failed_step = True, t
            break
        g_opt.zero_grad()
        g_loss.backward()
        grad_norm = float(torch.sqrt(sum((p.grad**2).sum() for p in g_net.parameters())))
        if not math.isfinite(grad_norm):
            failed, failed_step = True, t
            break
        grad_norms.append(grad_norm)
        g_opt.step()
        for schedule in schedules:
            schedule.step()
        if generator == "affine" and not all(bool(torch.isfinite(p).all()) for p in g_net.parameters()):
            failed, failed_step = True, t
            break

    params = crit = jsd = final_jsd = None
    if generator == "affine":
        params = np.array(rec_params, dtype=np.float64).reshape(-1, 2)
        crit, jsd = _exact_curves(p_data, params)
        final_jsd = float(jsd[-1]) if jsd.size else None
    d_half = None
    if not failed:
        lo, hi = st.mass_region(p_data, p_data)
        with torch.no_grad():
            xs = torch.linspace(lo, hi, 401, dtype=dt, device=dev)
            d_half = float(torch.max(torch.abs(torch.sigmoid(d_net(xs)) - 0.5)))
    return GanTrajectory(
        generator=generator, loss=loss_name, k=k, steps=steps, batch_size=m, optimizer=optimizer, lr=float(lr),
        seed=int(seed), device=str(dev), dtype=str(dt).replace("torch.", ""), value_hat=np.array(value_hat),
        generator_grad_norm=np.array(grad_norms, dtype=np.float64), record_steps=np.array(rec_steps, dtype=np.int64),
        criterion=crit, jsd=jsd, params=params, snapshots=tuple(snapshots), final_jsd=final_jsd, d_half_error=d_half,
        failed=failed, failed_step=failed_step, last_finite_loss=last_finite,
    )


def _exact_curves(p_data, params):
    """C(G_t) and JSD(p_data, N(μ_t, σ_t)) by quadrature, batched over the recorded steps."""
    from gantheory import quadrature as quad
    from gantheory.densities import Normal

    # Every recorded (μ, σ) is finite with σ > 0 (train_gan stops before recording anything else).
    if len(params) == 0:
        return np.empty(0), np.empty(0)
    batch = Normal(params[:, 0], params[:, 1])
    crit = np.asarray(quad.criterion(p_data, batch), dtype=np.float64).reshape(-1)
    jsd = np.asarray(quad.js_divergence(p_data, batch), dtype=np.float64).reshape(-1)
    return crit, jsd


@dataclass(frozen=True)
class SaturationResult:
    """Generator gradient norms under both losses for the *same* near-optimal D and the same noise."""

    init: tuple
    minimax_grad_norm: float
    non_saturating_grad_norm: float
    ratio: float
    mean_d_fake: float


def saturation_check(p_data: Density, *, init: tuple[float, float] = (-6.0, 0.5), n_samples: int = 4096, seed: int = 0,
                     device: str | torch.device | None = "auto", dtype: torch.dtype | str | None = None) -> SaturationResult:
    r"""Measure §3's saturation: ‖∇_θ E log(1-D(G_θ z))‖ vs ‖∇_θ E log D(G_θ z)‖ at a poor start.

    D is Prop. 1's optimum for p_g = N(init), frozen: ``logit D*(x) = log p_data(x) - log p_g(x)``
    (torch views of both densities, differentiable in x). Both gradients use the same D* and the same
    ``n_samples`` noise draws; the ratio is ``E[D f' ∂G] / E[(1-D) f' ∂G]``, tiny where D(G(z)) ≈ 0.

    >>> from gantheory.densities import Normal
    >>> saturation_check(Normal(0, 1), init=(-6.0, 0.5), device="cpu").ratio < 1e-2
    True
    """

    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    check_positive_int("n_samples", n_samples)
    with cpu_threads(dev, n_samples):
        return _saturation(p_data, init, n_samples, seed, dev, dt)


def _saturation(p_data, init, n_samples, seed, dev, dt) -> SaturationResult:
    from gantheory.densities import Normal

    target, fake = to_torch(p_data, dev, dt), to_torch(Normal(*init), dev, dt)
    z = torch.randn(n_samples, generator=torch_generator(seed, dev), dtype=dt, device=dev)
    norms, mean_d = {}, 0.0
    for name, fn in GENERATOR_OBJECTIVES.items():
        g = _Affine(*init).to(device=dev, dtype=dt)
        x = g(z)
        logit = target.log_prob(x) - fake.log_prob(x)  # D* = σ(log p − log q), q frozen at init
        fn(logit).backward()
        norms[name] = float(torch.sqrt(g.loc.grad**2 + g.log_scale.grad**2))
        mean_d = float(torch.sigmoid(logit.detach()).mean())
    return SaturationResult(tuple(init), norms["minimax"], norms["non_saturating"],
                            norms["minimax"] / norms["non_saturating"], mean_d)
