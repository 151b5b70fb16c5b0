r"""Instrumented 1-D models and optimisers: they run the user's training step and record what it does.

* :class:`AuditDiscriminator` — ``logit D(x) = θ·(1, u, u²)``, ``u = (x − c)/s``: a well-specified
  logistic family for two Gaussians (the standard game's optimum log p − log q is quadratic), so repeated
  D steps can reach D* exactly. Every forward records which rows are real (rows of the batch handed to the
  step), fake (rows the generator produced in this step) or other, and hooks the output's gradient, so each
  backward pass shows the per-sample derivative dL/da it sends to every output.
* :class:`AuditGenerator` — ``G(z) = w·z + b`` on ``z ~ N(0, I)``: its density N(b, ‖w‖) is known exactly.
* :class:`AuditSGD` — plain SGD (Δθ = −lr·grad) that records the gradient it applies and the parameters
  before and after each ``step()``.
* :class:`Recorder` — patches ``torch.autograd.backward`` (which ``Tensor.backward`` calls) while the step
  runs, so every backward pass is recorded with its ``gradient`` argument (``one``/``mone``) and the
  parameter hooks group the gradients by backward pass.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

__all__ = ["AuditDiscriminator", "AuditGenerator", "AuditSGD", "BackwardRecord", "ForwardRecord", "Recorder",
           "StepRecord"]

REAL, FAKE, OTHER = 1, -1, 0


@dataclass
class ForwardRecord:
    """One call of D: the origin of each row (1 real, −1 fake, 0 other), its outputs, whether its input
    was attached to G's graph, and the index of the train_step call."""

    index: int
    call: int
    origin: torch.Tensor
    inputs: torch.Tensor
    outputs: torch.Tensor
    attached: bool


@dataclass
class BackwardRecord:
    """One backward pass: its ``gradient`` argument's sign (+1 for none or ``one``, −1 for ``mone``), the
    loss tensor's id, the parameter gradients it produced per network, and the output gradients per D call."""

    index: int
    call: int
    sign: float
    tensor_id: int
    param_grads: dict[str, list[torch.Tensor | None]] = field(default_factory=dict)
    output_grads: list[tuple[int, torch.Tensor]] = field(default_factory=list)

    def reached(self, role: str) -> bool:
        return any(g is not None for g in self.param_grads.get(role, []))

    def flat(self, role: str, shapes: list[torch.Size]) -> torch.Tensor:
        grads = self.param_grads.get(role, [None] * len(shapes))
        return torch.cat([(g if g is not None else torch.zeros(s)).reshape(-1).double() for g, s in zip(grads, shapes, strict=True)])


@dataclass
class StepRecord:
    """One ``optimizer.step()``: the network (``"D"``/``"G"``), the gradient applied (flat, zeros for None),
    the parameters before and after, and how many backward passes and G calls preceded it in its call."""

    role: str
    call: int
    grad: torch.Tensor
    had_grad: bool
    before: list[torch.Tensor]
    after: list[torch.Tensor]
    n_backwards: int
    n_generator_calls: int
    snapshot: dict[str, list[torch.Tensor]] = field(default_factory=dict)


class Recorder:
    """The event log of the audited training step (see the module docstring)."""

    def __init__(self) -> None:
        self.call = -1
        self.real: torch.Tensor | None = None
        self.fakes: list[torch.Tensor] = []
        self.latents: list[torch.Tensor] = []
        self.forwards: list[ForwardRecord] = []
        self.backwards: list[BackwardRecord] = []
        self.steps: list[StepRecord] = []
        self.generator_calls = 0
        self._current: BackwardRecord | None = None
        self.shapes: dict[str, list[torch.Size]] = {}
        self.params: dict[str, list[nn.Parameter]] = {}
        self.names: dict[str, list[str]] = {}
        self.reals: list[torch.Tensor] = []
        self.fake_log: list[list[torch.Tensor]] = []
        self.latent_log: list[list[torch.Tensor]] = []

    def begin_call(self, real: torch.Tensor) -> None:
        self.call += 1
        self.real = real.detach().reshape(-1)
        self.fakes, self.latents = [], []
        self.reals.append(self.real)
        self.fake_log.append(self.fakes)
        self.latent_log.append(self.latents)

    def register(self, role: str, module: nn.Module) -> list[Any]:
        named = list(module.named_parameters())
        params = [p for _, p in named]
        self.names[role] = [f"{role}.{n}" for n, _ in named]
        self.params[role] = params
        self.shapes[role] = [p.shape for p in params]
        return [p.register_hook(self._param_hook(role, i, len(params))) for i, p in enumerate(params)]

    def _param_hook(self, role: str, i: int, n: int):
        def hook(grad: torch.Tensor) -> None:
            b = self._current
            if b is not None:
                slots = b.param_grads.setdefault(role, [None] * n)
                slots[i] = grad.detach().clone() if slots[i] is None else slots[i] + grad.detach()
        return hook

    def on_generator(self, z: torch.Tensor, out: torch.Tensor) -> None:
        self.generator_calls += 1
        self.latents.append(z.detach().clone())
        self.fakes.append(out.detach().reshape(-1).clone())

    def on_discriminator(self, x: torch.Tensor, out: torch.Tensor) -> None:
        flat = x.detach().reshape(-1)
        origin = torch.zeros(flat.shape, dtype=torch.int8)
        if self.real is not None:
            origin[torch.isin(flat, self.real)] = REAL
        if self.fakes:
            fake = torch.isin(flat, torch.cat(self.fakes)) & (origin == OTHER)
            origin[fake] = FAKE
        rec = ForwardRecord(len(self.forwards), self.call, origin, flat.clone(), out.detach().reshape(-1).clone(),
                            bool(x.requires_grad))
        self.forwards.append(rec)
        if out.requires_grad:
            out.register_hook(self._output_hook(rec.index))

    def _output_hook(self, index: int):
        def hook(grad: torch.Tensor) -> None:
            if self._current is not None:
                self._current.output_grads.append((index, grad.detach().reshape(-1).clone()))
        return hook

    def on_step(self, role: str, params: list[torch.Tensor], before: list[torch.Tensor], after: list[torch.Tensor],
                grads: list[torch.Tensor | None]) -> None:
        flat = torch.cat([(g if g is not None else torch.zeros_like(p)).reshape(-1).double()
                          for g, p in zip(grads, params, strict=True)])
        n_back = sum(1 for b in self.backwards if b.call == self.call)
        snapshot = {r: [p.detach().clone() for p in ps] for r, ps in self.params.items()}
        self.steps.append(StepRecord(role, self.call, flat, any(g is not None for g in grads), before, after, n_back,
                                     len(self.fakes), snapshot))

    @contextlib.contextmanager
    def patched_backward(self) -> Iterator[None]:
        """While active, every ``torch.autograd.backward`` (hence ``Tensor.backward``) is recorded."""
        original = torch.autograd.backward

        def backward(tensors, grad_tensors=None, *args, **kwargs):
            sign = 1.0
            if isinstance(grad_tensors, torch.Tensor) and grad_tensors.numel() == 1:
                sign = 1.0 if float(grad_tensors) >= 0 else -1.0
            tensor = tensors[0] if isinstance(tensors, (tuple, list)) else tensors
            rec = BackwardRecord(len(self.backwards), self.call, sign, id(tensor))
            self.backwards.append(rec)
            self._current = rec
            try:
                return original(tensors, grad_tensors, *args, **kwargs)
            finally:
                self._current = None

        torch.autograd.backward = backward
        try:
            yield
        finally:
            torch.autograd.backward = original


class AuditDiscriminator(nn.Module):
    """``logit D(x) = θ₀ + θ₁u + θ₂u²``, ``u = (x − center)/scale``; input ``(n, 1)`` (or ``(n,)``), output ``(n, 1)``.

    It returns a logit (a raw score): apply ``torch.sigmoid`` or use ``BCEWithLogitsLoss`` in the step.
    """

    def __init__(self, recorder: Recorder, center: float, scale: float, init: tuple[float, float, float]) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)
        with torch.no_grad():
            self.linear.bias.fill_(init[0])
            self.linear.weight.copy_(torch.tensor([[init[1], init[2]]]))
        self._recorder, self._center, self._scale = recorder, float(center), float(scale)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        u = (x.reshape(-1, 1) - self._center) / self._scale
        return torch.cat([u, u * u], dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.linear(self.features(x))
        self._recorder.on_discriminator(x, out)
        return out

    def logit(self, x: torch.Tensor, params: list[torch.Tensor]) -> torch.Tensor:
        """The logit at explicit parameters ``[weight, bias]`` (no recording): for before/after comparisons."""
        weight, bias = params
        return (self.features(x) @ weight.T + bias).reshape(-1)


class AuditGenerator(nn.Module):
    """``G(z) = w·z + b``, ``z ~ N(0, I_latent_dim)``: the density of G(z) is N(b, ‖w‖) exactly."""

    def __init__(self, recorder: Recorder, latent_dim: int, loc: float, scale: float) -> None:
        super().__init__()
        self.latent_dim = int(latent_dim)
        self.linear = nn.Linear(self.latent_dim, 1)
        with torch.no_grad():
            self.linear.weight.zero_()
            self.linear.weight[0, 0] = scale
            self.linear.bias.fill_(loc)
        self._recorder = recorder

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        out = self.linear(z.reshape(-1, self.latent_dim))
        self._recorder.on_generator(z, out)
        return out

    def output(self, z: torch.Tensor, params: list[torch.Tensor]) -> torch.Tensor:
        weight, bias = params
        return (z.reshape(-1, self.latent_dim) @ weight.T + bias).reshape(-1, 1)

    def sample_latent(self, n: int) -> torch.Tensor:
        """``n`` latent draws N(0, I) of the right shape (a convenience for adapters)."""
        return torch.randn(int(n), self.latent_dim)


class AuditSGD(torch.optim.SGD):
    """SGD without momentum that reports each step (gradient applied, parameters before/after)."""

    def __init__(self, params: Any, lr: float, role: str, recorder: Recorder) -> None:
        super().__init__(params, lr=lr)
        self.role, self._recorder = role, recorder

    @torch.no_grad()
    def step(self, closure: Any = None) -> Any:
        params = [p for group in self.param_groups for p in group["params"]]
        before = [p.detach().clone() for p in params]
        grads = [None if p.grad is None else p.grad.detach().clone() for p in params]
        out = super().step(closure)
        self._recorder.on_step(self.role, params, before, [p.detach().clone() for p in params], grads)
        return out
