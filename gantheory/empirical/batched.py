"""Batched discriminator families and their trainers: K independent models in one computation.

Both families output a *logit* ``f(x)`` and ``D(x) = sigmoid(f(x))``. The training loss is the pooled
binary cross-entropy with labels 1 (real, n samples) and 0 (fake, m samples), normalised by n:

.. math::

    L(\\theta) = -\\frac1n\\Big[\\sum_{i=1}^n \\log\\sigma(f_\\theta(x_i))
                 + \\sum_{j=1}^m \\log\\sigma(-f_\\theta(z_j))\\Big]
               \\;\\overset{m=n}{=}\\; -\\hat V(D_\\theta, G),

using ``log(1 - sigmoid(f)) = log_sigmoid(-f)`` (no clipped probabilities). Its population maximiser is
``f* = log(n p / (m q))``: Prop. 1 of Goodfellow et al. (2014) when m = n, shifted by ``log(n/m)`` otherwise.

* ``logistic`` — ``f_θ(x) = θ·φ(x)`` with polynomial features ``φ(x) = (1, u, …, u^k)``, ``u = (x-c)/s``.
  Degree 2 is well-specified for any pair of Gaussians (``log p/q`` is quadratic). Fitted by damped
  Newton–Raphson, which reaches the MLE to rounding — the calibrated test needs the MLE itself.
* ``mlp`` — ``width × depth`` tanh network, weights ``[K, in, out]`` applied with ``torch.baddbmm``,
  trained by a batched Adam (Kingma & Ba 2015) whose state is elementwise, so replicates never interact.

Two variants of the loss change the optimum (and are trained by the same machinery; their per-sample terms
are the rows ``label_smoothing`` and ``least_squares`` of :data:`gantheory.losses.LOSSES`):

* ``soft_bce`` — label smoothing (Salimans et al. 2016, §3.4): soft targets α for real and β for fake,
  ``-[α log σ(f) + (1-α) log σ(-f)]`` per real sample and the same with β per fake sample; its population
  optimum is ``σ(f*) = (n α p + m β q)/(n p + m q)``. Still convex in θ for the polynomial logit, so the
  same Newton iteration reaches the minimiser (which exists for targets strictly inside (0, 1)).
* ``least_squares`` — LSGAN (Mao et al. 2017): an unconstrained output ``f`` with
  ``½ Σ_real (f - b)² + ½ Σ_fake (f - a)²`` (divided by n), optimum ``f* = (n b p + m a q)/(n p + m q)``;
  for the polynomial output this is ordinary least squares, solved exactly (``torch.linalg.lstsq``).

Divergence (a non-finite loss or parameter) freezes that replicate at its last finite state and records
the step and last finite loss; the others continue.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from gantheory.empirical.objectives import LOSS_NAMES, training_loss
from gantheory.errors import GanTheoryError
from gantheory.tolerances import TOLERANCES

__all__ = [
    "ACTIVATIONS",
    "LOSS_NAMES",
    "BatchedFit",
    "BatchedMLP",
    "bce_loss",
    "fit_least_squares",
    "fit_logistic_newton",
    "fit_mlp_adam",
    "least_squares_loss",
    "polynomial_features",
    "soft_bce_loss",
]



def polynomial_features(x: torch.Tensor, degree: int, center: float, scale: float) -> torch.Tensor:
    """``φ(x) = (1, u, u², …, u^degree)`` with ``u = (x - center)/scale``; shape ``(*x.shape, degree+1)``.

    Standardising to the 98%-mass region keeps the Newton system well conditioned.
    """
    u = (x - center) / scale
    return torch.stack([u**j for j in range(degree + 1)], dim=-1)


def bce_loss(logit_real: torch.Tensor, logit_fake: torch.Tensor) -> torch.Tensor:
    """Pooled BCE-with-logits (labels 1 real / 0 fake) summed and divided by n real; shape ``[K]``.

    ``LOSSES["standard"]``: ``−log σ(f) = softplus(−f)`` per real and ``−log σ(−f) = softplus(f)`` per fake
    sample; with m = n this is exactly ``-V̂``.
    """
    return training_loss("standard").torch_loss()(logit_real, logit_fake)


def soft_bce_loss(logit_real: torch.Tensor, logit_fake: torch.Tensor, alpha: float, beta: float) -> torch.Tensor:
    """Pooled BCE-with-logits against soft targets α (real) and β (fake), divided by n real; shape ``[K]``.

    ``LOSSES["label_smoothing"]``: ``−[y log σ(f) + (1-y) log σ(-f)] = softplus(f) − y f`` per sample with
    y = α (real), β (fake); (α, β) = (1, 0) is :func:`bce_loss`.
    """
    return training_loss("label_smoothing", targets=(alpha, beta)).torch_loss()(logit_real, logit_fake)


def least_squares_loss(out_real: torch.Tensor, out_fake: torch.Tensor, a: float, b: float) -> torch.Tensor:
    """LSGAN discriminator loss ``(1/n)[Σ_real ½(f - b)² + Σ_fake ½(f - a)²]``; ``½E_p(D-b)² + ½E_q(D-a)²`` at m = n.

    ``LOSSES["least_squares"]`` with Mao et al.'s ½ (:mod:`gantheory.empirical.objectives`).
    """
    return training_loss("least_squares", lsgan=(a, b)).torch_loss()(out_real, out_fake)


@dataclass(frozen=True)
class BatchedFit:
    """Parameters and bookkeeping of K fits (tensors on the training device).

    ``failed[k]`` is True when replicate k diverged; ``failed_step[k]`` is the step (−1 otherwise) and
    ``last_finite_loss[k]`` the last finite training loss it reached — meaningful only where
    ``finite_loss[k]`` is True (a replicate whose very first loss is non-finite has none; its entries
    of ``loss`` and ``last_finite_loss`` are then 0, never NaN).
    """

    params: tuple
    loss: torch.Tensor
    failed: torch.Tensor
    failed_step: torch.Tensor
    last_finite_loss: torch.Tensor
    steps: int
    grad_norm: torch.Tensor
    separated: torch.Tensor | None = None
    finite_loss: torch.Tensor | None = None


def _as_lr(lr, k: int, device, dtype) -> torch.Tensor:
    value = torch.as_tensor(np.asarray(lr, dtype=np.float64), dtype=dtype, device=device)
    if value.ndim == 0:
        value = value.expand(k)
    if value.shape != (k,):
        raise GanTheoryError(f"lr must be a scalar or have one entry per replicate ({k}), got shape {tuple(value.shape)}")
    if not bool(torch.all(value > 0)):
        raise GanTheoryError("lr must be positive")
    return value


# Backtracking ladder for Newton: the best of these step fractions is taken per replicate. t = 0 keeps
# the iterate, so the loss never increases (the log-likelihood is concave, so 1 is taken near the MLE).
_NEWTON_LADDER = (1.0, 0.5, 0.25, 0.125, 1.0 / 16, 1.0 / 64, 1.0 / 256, 0.0)


def fit_logistic_newton(phi_real: torch.Tensor, phi_fake: torch.Tensor, *, steps: int = 30,
                        gtol: float | None = None, targets: tuple[float, float] = (1.0, 0.0)) -> BatchedFit:
    """Batched Newton–Raphson for K logistic regressions: ``θ ← θ - t H⁻¹ ∇L``.

    Args:
        phi_real: features of the real samples, ``[K, n, d]``.
        phi_fake: features of the fake samples, ``[K, m, d]``.
        steps: at most this many Newton iterations (quadratic convergence: ~8 reach rounding from 0).
        gtol: stop once every replicate's ``‖∇L‖_∞`` is below this: θ̂ is then within ~H⁻¹·gtol of the
            MLE. Default ``TOLERANCES["newton_gtol_float64"]`` (1e-10: five orders below the standard
            error at n = 4096) and ``TOLERANCES["newton_gtol_float32"]`` (1e-5: float32 summation
            rounding floors the gradient near 1e-7·(n+m)/n·√N).
        targets: (α, β), the labels of real and fake samples; (1, 0) is the plain MLE, soft targets
            give label smoothing (``y`` below is α or β).

    ``∇L = X^T(σ(Xθ) - y)/n`` and ``H = X^T W X / n`` with ``W = σ(1-σ)``. The full step (t = 1) is
    taken when it lowers the loss; otherwise t is the best of a halving ladder (t = 0 included), so the
    iteration is monotone. A singular Hessian (separable data: the MLE does not exist) or a non-finite
    loss marks the replicate failed and freezes it.
    """
    k, n, d = phi_real.shape
    if gtol is None:
        gtol = TOLERANCES["newton_gtol_float64" if phi_real.dtype == torch.float64 else "newton_gtol_float32"]
    x = torch.cat([phi_real, phi_fake], dim=1)
    alpha, beta = (float(t) for t in targets)
    hard = (alpha, beta) == (1.0, 0.0)
    y = torch.cat([phi_real.new_full((k, n), alpha), phi_fake.new_full((k, phi_fake.shape[1]), beta)], dim=1)
    theta = x.new_zeros(k, d)
    ladder = x.new_tensor(_NEWTON_LADDER[1:])  # t = 1 is tried first, below

    # LOSSES["label_smoothing"]'s per-sample term in closed form, BCE(f, y) = softplus(f) − y f, whose
    # gradient X^T(σ(Xθ) − y)/n and Hessian X^T W X/n the Newton step below uses.
    def loss_of(th):  # th [..., K, d] -> [..., K]
        logits = torch.matmul(x, th.unsqueeze(-1)).squeeze(-1)
        value = (F.softplus(logits) - y * logits).sum(-1) / n
        return torch.where(torch.isfinite(value), value, torch.full_like(value, math.inf))

    loss = loss_of(theta)
    failed = torch.zeros(k, dtype=torch.bool, device=x.device)
    failed_step = torch.full((k,), -1, dtype=torch.long, device=x.device)
    last = loss.clone()
    grad_norm = torch.full_like(loss, math.inf)
    done = 0
    for step in range(steps):
        done = step
        logits = torch.matmul(x, theta.unsqueeze(-1)).squeeze(-1)
        prob = torch.sigmoid(logits)
        grad = torch.matmul(x.transpose(1, 2), (prob - y).unsqueeze(-1)).squeeze(-1) / n
        grad_norm = torch.where(failed, grad_norm, grad.abs().amax(-1))
        if bool(torch.all(failed | (grad_norm < gtol))):
            break
        hess = torch.matmul(x.transpose(1, 2), x * (prob * (1 - prob)).unsqueeze(-1)) / n
        delta, info = torch.linalg.solve_ex(hess, grad.unsqueeze(-1))
        delta = delta.squeeze(-1)
        new_theta = theta - delta
        new_loss = loss_of(new_theta)
        # Near the MLE the loss is flat to rounding; compare with a rounding allowance.
        worse = ~(new_loss <= loss + 64 * torch.finfo(x.dtype).eps * loss.abs().clamp_min(1.0))
        if bool(torch.any(worse & ~failed)):
            idx = torch.nonzero(worse, as_tuple=True)[0]
            cand = theta[idx].unsqueeze(0) - ladder.view(-1, 1, 1) * delta[idx].unsqueeze(0)  # [C, k', d]
            logits_c = torch.matmul(x[idx].unsqueeze(0), cand.unsqueeze(-1)).squeeze(-1)
            cand_loss = (F.softplus(logits_c) - y[idx] * logits_c).sum(-1) / n
            cand_loss = torch.where(torch.isfinite(cand_loss), cand_loss, torch.full_like(cand_loss, math.inf))
            best = torch.argmin(cand_loss, dim=0)
            sub = torch.arange(idx.numel(), device=x.device)
            new_theta[idx] = cand[best, sub]
            new_loss[idx] = cand_loss[best, sub]
        bad = (info != 0) | ~torch.isfinite(new_loss) | ~torch.isfinite(new_theta).all(-1) | ~torch.isfinite(grad).all(-1)
        newly = bad & ~failed
        failed_step = torch.where(newly, torch.full_like(failed_step, step), failed_step)
        failed = failed | bad
        theta = torch.where(failed.unsqueeze(-1), theta, new_theta)
        loss = torch.where(failed, loss, new_loss)
        last = torch.where(torch.isfinite(loss), loss, last)
        done = step + 1
    # Complete separation (every real logit > 0, every fake < 0): the likelihood has no maximiser,
    # θ̂ only grows with the iterations; such a fit is reported failed, never compared.
    # Soft targets strictly inside (0, 1) make every sample's term coercive, so a minimiser exists.
    logits = torch.matmul(x, theta.unsqueeze(-1)).squeeze(-1)
    separated = ((logits[:, :n] > 0).all(-1) & (logits[:, n:] < 0).all(-1)) & ~failed
    if not hard:
        separated = torch.zeros_like(separated)
    failed_step = torch.where(separated, torch.full_like(failed_step, done), failed_step)
    failed = failed | separated
    # The loss at θ = 0 is (n + m) log 2 / n, finite, so every replicate has a finite loss.
    return BatchedFit((theta,), loss, failed, failed_step, last, done, grad_norm, separated,
                      torch.ones_like(failed))


def fit_least_squares(phi_real: torch.Tensor, phi_fake: torch.Tensor, *, lsgan: tuple[float, float] = (-1.0, 1.0)) -> BatchedFit:
    """K least-squares fits of an unconstrained linear-in-features output to the LSGAN labels (a fake, b real).

    ``θ̂ = argmin_θ (1/n)[Σ_real ½(θ·φ - b)² + Σ_fake ½(θ·φ - a)²]`` — ordinary least squares, solved
    exactly by ``torch.linalg.lstsq`` (QR: better conditioned than the normal equations for high-degree
    polynomial features). A rank-deficient design or non-finite solution marks the replicate failed.
    """
    a, b = (float(v) for v in lsgan)
    k, n, d = phi_real.shape
    x = torch.cat([phi_real, phi_fake], dim=1)
    y = torch.cat([phi_real.new_full((k, n), b), phi_fake.new_full((k, phi_fake.shape[1]), a)], dim=1)
    # CPU: gelsd (SVD), not torch's default gelsy, whose column pivoting varied with the heap: the same data
    # gave up to 10 different θ̂ in one process (last bits), so equal seeds gave unequal reports.
    driver = "gelsd" if x.device.type == "cpu" else None
    theta = torch.linalg.lstsq(x, y.unsqueeze(-1), driver=driver).solution.squeeze(-1)
    resid = torch.matmul(x, theta.unsqueeze(-1)).squeeze(-1) - y
    loss = 0.5 * (resid**2).sum(-1) / n
    grad = torch.matmul(x.transpose(1, 2), resid.unsqueeze(-1)).squeeze(-1) / n
    failed = ~torch.isfinite(loss) | ~torch.isfinite(theta).all(-1)
    if x.device.type == "cpu":  # CUDA's gels assumes full rank; on the CPU check the numerical rank
        rank = torch.linalg.matrix_rank(x)
        failed = failed | (rank < d)
    theta = torch.where(failed.unsqueeze(-1), torch.zeros_like(theta), theta)
    zero = torch.zeros_like(loss)
    loss = torch.where(failed, zero, loss)
    return BatchedFit((theta,), loss, failed, torch.where(failed, 0, -1).to(torch.long), loss.clone(), 1,
                      torch.where(failed, zero, grad.abs().amax(-1)), torch.zeros_like(failed), ~failed)


ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu, "silu": F.silu}


class BatchedMLP:
    """K independent MLPs ``R → R``; parameters ``W_l [K, in, out]``, ``b_l [K, 1, out]``.

    Hidden activation from :data:`ACTIVATIONS` (tanh by default: smooth, like the logits it fits;
    float64 tanh is ~50x slower than ReLU on CPUs, which matters for large ensembles).

    Initialisation follows torch's ``nn.Linear`` default, ``U(-1/√in, 1/√in)``, drawn per replicate from
    its own seeded generator, so replicate k does not depend on the other seeds.
    """

    def __init__(self, params: Iterable[torch.Tensor], activation: str = "tanh") -> None:
        self.params = tuple(params)
        self.activation = activation

    @classmethod
    def init(cls, seeds: Iterable[int], *, width: int, depth: int, device: str | torch.device,
             dtype: torch.dtype, activation: str = "tanh") -> BatchedMLP:
        sizes = [1] + [width] * depth + [1]
        per_layer = [[] for _ in range(2 * (len(sizes) - 1))]
        for seed in seeds:
            gen = torch.Generator(device="cpu")
            gen.manual_seed(int(seed) % (2**63))
            for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
                bound = 1.0 / math.sqrt(fan_in)
                w = (torch.rand(fan_in, fan_out, generator=gen, dtype=torch.float64) * 2 - 1) * bound
                b = (torch.rand(1, fan_out, generator=gen, dtype=torch.float64) * 2 - 1) * bound
                per_layer[2 * layer].append(w)
                per_layer[2 * layer + 1].append(b)
        params = [torch.stack(p).to(device=device, dtype=dtype) for p in per_layer]
        return cls(params, activation)

    @staticmethod
    def forward(params: Sequence[torch.Tensor], x: torch.Tensor, activation: str = "tanh") -> torch.Tensor:
        """Logits ``[K, B]`` for inputs ``x [K, B]`` (already standardised)."""
        act = ACTIVATIONS[activation]
        h = x.unsqueeze(-1)
        n_layers = len(params) // 2
        for layer in range(n_layers):
            w, b = params[2 * layer], params[2 * layer + 1]
            h = torch.baddbmm(b, h, w)
            if layer < n_layers - 1:
                h = act(h)
        return h.squeeze(-1)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward(self.params, x, self.activation)


def fit_mlp_adam(
    model: BatchedMLP,
    x_real: torch.Tensor,
    x_fake: torch.Tensor,
    *,
    steps: int,
    lr: float | Sequence[float] | torch.Tensor = 1e-2,
    batch_size: int | None = None,
    schedule_seed: int = 0,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = bce_loss,
) -> BatchedFit:
    """Minimise the pooled loss of each of K MLPs with a batched Adam (full batch, or minibatches).

    ``loss_fn(out_real [K, n], out_fake [K, m]) -> [K]`` is :func:`bce_loss` by default (or a
    ``functools.partial`` of :func:`soft_bce_loss` / :func:`least_squares_loss`).

    Adam's moments are elementwise and the loss is a sum of per-replicate terms, so the update of
    replicate k depends on replicate k only. Minibatch indices are drawn from a generator seeded by
    ``schedule_seed`` and shared by all replicates: the *positions* are common, the data are independent,
    so the replicates stay independent.
    """
    params = [p.clone().requires_grad_(True) for p in model.params]
    k, n = x_real.shape
    m = x_fake.shape[1]
    device, dtype = x_real.device, x_real.dtype
    lr = _as_lr(lr, k, device, dtype)
    m1 = [torch.zeros_like(p) for p in params]
    m2 = [torch.zeros_like(p) for p in params]
    failed = torch.zeros(k, dtype=torch.bool, device=device)
    failed_step = torch.full((k,), -1, dtype=torch.long, device=device)
    # 0 until a finite loss is seen (``seen``): a sentinel that is never NaN, masked by ``finite_loss``.
    last = torch.zeros((k,), dtype=dtype, device=device)
    loss = last.clone()
    seen = torch.zeros(k, dtype=torch.bool, device=device)
    grad_norm = torch.zeros(k, dtype=dtype, device=device)
    gen = torch.Generator(device=device)
    gen.manual_seed(int(schedule_seed))
    b1, b2 = betas
    for step in range(steps):
        if batch_size is None or batch_size >= max(n, m):
            xr, xf = x_real, x_fake
        else:
            ir = torch.randint(0, n, (batch_size,), generator=gen, device=device)
            if_ = torch.randint(0, m, (max(1, batch_size * m // n),), generator=gen, device=device)
            xr, xf = x_real[:, ir], x_fake[:, if_]
        lr_ = loss_fn(BatchedMLP.forward(params, xr, model.activation), BatchedMLP.forward(params, xf, model.activation))
        grads = torch.autograd.grad(lr_.sum(), params)
        with torch.no_grad():
            finite = torch.isfinite(lr_)
            for g in grads:
                finite &= torch.isfinite(g).flatten(1).all(-1)
            newly = ~finite & ~failed
            failed_step = torch.where(newly, torch.full_like(failed_step, step), failed_step)
            failed |= ~finite
            active = ~failed
            loss = torch.where(active, lr_.detach(), loss)
            last = torch.where(active, lr_.detach(), last)
            seen |= active
            sq = torch.zeros_like(grad_norm)
            t = step + 1
            proposals = []
            for p, g, a, v in zip(params, grads, m1, m2, strict=False):
                mask = active.view(-1, *([1] * (p.ndim - 1)))
                g = torch.where(mask, g, torch.zeros_like(g))
                sq += g.flatten(1).pow(2).sum(-1)
                a.mul_(b1).add_(g, alpha=1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                update = (a / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + eps)
                proposals.append(p - lr.view(-1, *([1] * (p.ndim - 1))) * update)
            # A replicate whose update is non-finite fails here and is frozen at its last finite state.
            finite_new = torch.ones_like(active)
            for new in proposals:
                finite_new &= torch.isfinite(new).flatten(1).all(-1)
            newly = active & ~finite_new
            failed_step = torch.where(newly, torch.full_like(failed_step, step), failed_step)
            failed |= newly
            active = ~failed
            for p, new in zip(params, proposals, strict=False):
                p.copy_(torch.where(active.view(-1, *([1] * (p.ndim - 1))), new, p))
            grad_norm = torch.where(active, sq.sqrt(), grad_norm)
    final = tuple(p.detach() for p in params)
    return BatchedFit(final, loss, failed, failed_step, last, steps, grad_norm, None, seen)
