r"""Loss code as found, made callable as ``d_loss(real, fake)`` / ``g_loss(fake)`` on 1-D logit batches.

Real repositories do not write losses in the audit's calling convention. :func:`adapt` inspects the
user's callable once and returns a :class:`CallingConvention` that the rest of the audit calls instead:

- **bound arguments** — ``functools.partial`` objects work as they are; ``bind={"margin": 80}`` (the
  CLI's ``--arg margin=80``) binds keyword arguments; defaulted parameters keep their defaults;
- **argument order** — ``(fake, real)`` is read from the parameter names (``fake``, ``dgz``,
  ``d_logit_fake``, ``fake_pred`` … before ``real``, ``dx``, ``d_logit_real``), or forced with
  ``order="fake,real"`` (``--order``);
- **relativistic generators** — a generator loss with two tensor parameters receives the real batch
  too (``g_loss(real, fake)``, RSGAN/RaGAN style);
- **return values** — a tuple, list or dict of losses is summed (TF-GAN's and torchgan's
  ``(loss_real, loss_fake)``), and reported;
- **shapes** — batches are passed as ``(N,)``, then ``(N, 1)``, then patch-shaped ``(N, 1, 2, 2)``,
  whichever the code accepts without a broadcasting warning;
- **batch size** — every probe uses N ≥ 2 (``squeeze`` turns a batch of one into a scalar);
- **CUDA-only code** — ``device=x.get_device()`` is −1 on the CPU; the call is retried with
  ``Tensor.get_device`` answering ``"cpu"`` for the audit's own tensors;
- **probabilities** — a loss that rejects logits (``nn.BCELoss``: "all elements should be between 0
  and 1") or is NaN on negative inputs (``log(D)``) is called on σ(a) instead, and the audit says so;
- **dtype** — the dtype the code computes in (float32 labels from ``torch.ones(N)`` make a BCE loss
  float32 even on float64 logits): the audit works in it and scales its tolerances with its ε;
- **randomness** — a loss whose value changes between two calls on the same batch (label noise redrawn
  per call) is audited in expectation: each evaluation averages ``N_DRAWS`` calls with fixed seeds.

Every decision is a :class:`Note` the audit turns into an ``info`` finding. A callable that cannot be
made to run raises :class:`CallError` (a :class:`~gantheory.errors.GanTheoryError`) whose message names
the option that would fix it (the CLI's exit code 2).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import torch

from gantheory.errors import GanTheoryError

# Averaged calls per evaluation of a stochastic loss (seeds 0 .. N_DRAWS − 1): label noise of width w
# averages to its mean up to w/√(N_DRAWS·N) per batch element, far below the families' spacing.
N_DRAWS = 64
# Batch size of each call of a stochastic loss: 64 draws × 16 samples average label noise of width w to its
# mean within ~w/(2·32); a per-call coin flip within ~1/16.
STOCHASTIC_BATCH = 16
# Input shapes tried, in order: (N,), (N, 1), a 2×2 patch per sample.
# (1, 16, 16) and (1, 30, 30): the PatchGAN maps of pix2pix/CycleGAN code that builds its targets with a fixed patch
SHAPES = ((), (1,), (1, 2, 2), (1, 16, 16), (1, 30, 30))

_FAKE_WORDS = ("fake", "gen", "dgz", "fgz", "neg", "generated", "g_z", "gz")
_REAL_WORDS = ("real", "dx", "fx", "pos", "data", "true")


class CallError(GanTheoryError):
    """The loss cannot be called as given; ``option`` names the command-line option that would fix it."""

    def __init__(self, message: str, option: str = "") -> None:
        super().__init__(message)
        self.option = option


@dataclass(frozen=True)
class Note:
    """One decision about how the loss was called (becomes an info finding with ``code``)."""

    code: str
    message: str


@dataclass
class CallingConvention:
    """How to call one user loss: ``__call__(*batches)`` takes 1-D tensors (real, fake) or (fake,)."""

    fn: Callable
    name: str
    n_args: int  # 2 for d_loss(real, fake); 1 for g_loss(fake); 2 for a relativistic g_loss(real, fake)
    swap: bool = False
    shape: tuple = ()
    cuda_patch: bool = False
    inputs: str = "logits"
    dtype: torch.dtype = torch.float64
    stochastic: bool = False
    summed: int = 0
    notes: tuple = ()

    def _raw(self, *batches: torch.Tensor):
        xs = [_shaped(b, self.shape) for b in batches]
        if self.inputs == "probabilities":
            xs = [torch.sigmoid(x) for x in xs]
        if self.swap:
            xs = xs[::-1]
        with _cpu_get_device(self.cuda_patch), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = self.fn(*xs)
        return _total(out, self.name)[0]

    def __call__(self, *batches: torch.Tensor) -> torch.Tensor:
        if not self.stochastic:
            return self._raw(*batches)
        with torch.random.fork_rng(devices=[]):
            state = np.random.get_state()
            try:
                total = 0.0
                for seed in range(N_DRAWS):
                    torch.manual_seed(seed)
                    np.random.seed(seed)
                    total = total + self._raw(*batches)
                return total / N_DRAWS
            finally:
                np.random.set_state(state)

    @property
    def eps(self) -> float:
        """Machine ε of the dtype the loss computes in (the scale of its rounding)."""
        return float(torch.finfo(self.dtype).eps)


def _shaped(batch: torch.Tensor, shape: tuple) -> torch.Tensor:
    """Each sample's output repeated over ``shape`` ((N,) → (N, 1) or an (N, 1, h, w) patch map): the
    patch mean of a patch loss is then the per-sample loss."""
    if not shape:
        return batch
    return batch.reshape(*batch.shape, *([1] * len(shape))).expand(*batch.shape, *shape)


@contextlib.contextmanager
def _cpu_get_device(active: bool):
    """``Tensor.get_device()`` answering ``"cpu"`` for CPU tensors (it is −1 there, an invalid device)."""
    if not active:
        yield
        return
    original = torch.Tensor.get_device

    def get_device(self):
        index = original(self)
        return "cpu" if index < 0 else index

    torch.Tensor.get_device = get_device
    try:
        yield
    finally:
        torch.Tensor.get_device = original


def _total(out, name: str) -> tuple[torch.Tensor, int]:
    """The scalar loss and the number of parts summed (0 when ``out`` was one tensor)."""
    parts = None
    if isinstance(out, Mapping):
        parts = [v for v in out.values() if isinstance(v, torch.Tensor)]
    elif isinstance(out, (tuple, list)):
        parts = [v for v in out if isinstance(v, torch.Tensor)]
    if parts is not None:
        if not parts:
            raise CallError(f"{name} returned a {type(out).__name__} without tensors")
        total = parts[0].reshape(-1).sum() if parts[0].numel() == 1 else parts[0]
        for p in parts[1:]:
            total = total + p
        out, n = total, len(parts)
    else:
        n = 0
    if not isinstance(out, torch.Tensor):
        raise CallError(f"{name} must return a torch tensor (or a tuple of them), got {type(out).__name__}")
    if out.numel() != 1:
        raise CallError(f"{name} must return a scalar loss, got shape {tuple(out.shape)}; reduce it with "
                        ".mean() (the audit reads per-sample losses from batch means)")
    return out.reshape(()), n


def _tensor_parameters(fn: Callable) -> list[str]:
    """Names of the parameters a caller must fill (no default, not bound), in order."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    return [p.name for p in sig.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]


def _role(name: str) -> str | None:
    low = name.lower()
    fake = any(w in low for w in _FAKE_WORDS)
    real = any(w in low for w in _REAL_WORDS)
    if fake and not real:
        return "fake"
    if real and not fake:
        return "real"
    return None


def _bind(fn: Callable, bind: Mapping[str, float] | None, name: str) -> Callable:
    if not bind:
        return fn
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        params = {}
    has_kwargs = any(p.kind == p.VAR_KEYWORD for p in params.values())
    unknown = [k for k in bind if k not in params and not has_kwargs]
    if unknown:
        import difflib

        close = {k: difflib.get_close_matches(k, list(params), n=1) for k in unknown}
        hints = "; ".join(f"{k!r}" + (f" (did you mean {c[0]!r}?)" if c else "") for k, c in close.items())
        raise CallError(f"{name} has no parameter {hints}; its parameters: {', '.join(params) or 'none'}",
                        "--arg")
    return functools.partial(fn, **dict(bind))


def parse_order(order: str | None) -> tuple[str, ...] | None:
    """``"fake,real"`` → ("fake", "real"); None stays None. Raises for anything else."""
    if order is None:
        return None
    parts = tuple(p.strip() for p in str(order).split(","))
    if sorted(parts) != ["fake", "real"]:
        raise GanTheoryError(f"parameter 'order' must be 'real,fake' or 'fake,real', got {order!r}")
    return parts


def adapt(fn: Callable, *, role: str, inputs: str | None = "logits", order: str | None = None,
          bind: Mapping[str, float] | None = None, batch_size: int = 8) -> CallingConvention:
    """Work out how to call ``fn`` (``role`` ``"d_loss"`` or ``"g_loss"``) and return the convention.

    Args:
        fn: the user's loss (a function, a ``functools.partial``, an ``nn.Module`` …).
        role: ``"d_loss"`` (two batches) or ``"g_loss"`` (one, or two for a relativistic generator).
        inputs: ``"logits"``, ``"probabilities"``, or None to detect.
        order: ``"real,fake"`` / ``"fake,real"`` to force the argument order; None reads parameter names.
        bind: keyword arguments to bind (``--arg name=value``).
        batch_size: the probe batch size (at least 2).

    Raises:
        CallError: the callable cannot be called as given (the message names the fixing option).
    """
    if not callable(fn):
        raise CallError(f"{role} must be callable, got {type(fn).__name__}")
    fn = _bind(fn, bind, role)
    notes: list[Note] = []
    params = _tensor_parameters(fn)
    wanted = 2 if role == "d_loss" else 1
    n_args = wanted
    if role == "g_loss" and len(params) >= 2 and "fake" in {_role(params[0]), _role(params[1])}:
        n_args = 2  # a relativistic generator: g_loss(real, fake) (or lightweight-gan's g(fake, real))
        notes.append(Note("relativistic_generator_call", f"g_loss takes ({params[0]}, {params[1]}): called "
                                                         "with the real batch as well (a relativistic generator)"))
    if len(params) > n_args:
        extra = ", ".join(params[n_args:])
        raise CallError(f"{role} needs values for the parameter(s) {extra}: bind them with --arg NAME=VALUE "
                        "(or pass a functools.partial)", "--arg")
    swap = False
    forced = parse_order(order)
    if n_args == 2:
        if forced is not None:
            swap = forced == ("fake", "real")
            if swap:
                notes.append(Note("argument_order", f"{role} called as ({', '.join(params[:2]) or 'fake, real'}) "
                                                    "= (fake, real), as --order says"))
        elif len(params) >= 2 and _role(params[0]) == "fake" and _role(params[1]) in ("real", None, "fake"):
            swap = True
            notes.append(Note("argument_order", f"{role}({params[0]}, {params[1]}) read as (fake, real) from its "
                                                "parameter names; use --order real,fake to override"))
    conv = CallingConvention(fn, role, n_args, swap=swap, inputs=inputs or "logits", notes=())
    _probe(conv, batch_size, detect_inputs=inputs is None, notes=notes)
    conv.notes = tuple(notes)
    return conv


def _sample_batches(conv: CallingConvention, batch_size: int, dtype=torch.float64) -> list[torch.Tensor]:
    n = max(int(batch_size), 2)
    base = torch.linspace(-2.5, 2.0, n, dtype=dtype)
    return [base + 0.37 * k for k in range(conv.n_args)]


def _try(conv: CallingConvention, batches) -> tuple[torch.Tensor | None, BaseException | None, bool]:
    """(value, error, warned): one call (seeded, so that random losses compare), recording a broadcasting
    warning."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return _try_once(conv, batches)


def _try_once(conv: CallingConvention, batches) -> tuple[torch.Tensor | None, BaseException | None, bool]:
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            xs = [_shaped(b, conv.shape) for b in batches]
            if conv.inputs == "probabilities":
                xs = [torch.sigmoid(x) for x in xs]
            if conv.swap:
                xs = xs[::-1]
            with _cpu_get_device(conv.cuda_patch):
                out = conv.fn(*xs)
            value, n = _total(out, conv.name)
        conv.summed = n
        warned = any(("size" in str(w.message) and "broadcast" in str(w.message).lower()) or
                     "target size" in str(w.message).lower() for w in caught)
        return value, None, warned
    except CallError:
        raise
    except Exception as exc:  # the user's code failed on this convention: try the next one
        return None, exc, False


def _terms_identical(conv: CallingConvention, dtype: torch.dtype, n: int) -> bool:
    """Does the loss give real and fake outputs the same term (L(a·1, 0) = L(0, a·1) for several a)?"""
    zero = torch.zeros(n, dtype=dtype)
    for a in (-2.0, 1.5, 3.0):
        x = torch.full((n,), a, dtype=dtype)
        v1, e1, _ = _try(conv, [x, zero])
        v2, e2, _ = _try(conv, [zero, x])
        if e1 is not None or e2 is not None or float(v1) != float(v2):
            return False
    return True


def _prefer_column_shape(conv: CallingConvention, batch_size: int, notes: list[Note]) -> None:
    """Code that builds (N, 1) targets also runs on (N,) outputs, silently broadcasting every output
    against every target: real and fake then get the *same* averaged target. When (N,) and (N, 1) give
    different values and only (N,) makes the two terms identical, the code meant (N, 1)."""
    dtype = torch.float64 if conv.dtype == torch.float64 else conv.dtype
    batches = _sample_batches(conv, batch_size, torch.float64)
    v0, _, _ = _try(conv, batches)
    conv.shape = (1,)
    v1, err, warned = _try(conv, batches)
    conv.shape = ()
    if err is not None or warned or v1 is None or float(v0) == float(v1):
        return
    n = max(int(batch_size), 2)
    if _terms_identical(conv, dtype, n):
        conv.shape = (1,)
        if not _terms_identical(conv, dtype, n):
            notes.append(Note("broadcast_targets", f"{conv.name} builds (N, 1) targets: on (N,) outputs it silently "
                                                   "broadcasts every output against every target, so it is called "
                                                   "on (N, 1) outputs"))
            return
        conv.shape = ()


def _probe(conv: CallingConvention, batch_size: int, *, detect_inputs: bool, notes: list[Note]) -> None:
    inputs_options = ("logits", "probabilities") if detect_inputs else (conv.inputs,)
    last_error: BaseException | None = None
    first_error: BaseException | None = None
    found = False
    # float64 first; float32 batches for code that mixes its own float32 tensors into ops that refuse
    # mixed dtypes (F.binary_cross_entropy against torch.ones(N))
    attempts = [(dtype, cuda_patch, inputs, shape) for dtype in (torch.float64, torch.float32)
                for cuda_patch in (False, True) for inputs in inputs_options for shape in SHAPES]
    for dtype, cuda_patch, inputs, shape in attempts:
        batches = _sample_batches(conv, batch_size, dtype)
        conv.cuda_patch, conv.inputs, conv.shape = cuda_patch, inputs, shape
        value, err, warned = _try(conv, batches)
        if err is not None:
            first_error = first_error or err  # the plainest attempt's error is the informative one
            last_error = err
            continue
        if warned:
            last_error = RuntimeError("the loss broadcasts its batch against targets of another shape")
            continue
        if detect_inputs and inputs == "logits" and not bool(torch.isfinite(value)):
            last_error = RuntimeError("the loss is not finite at negative logits")
            continue
        found = True
        conv.dtype = dtype  # the dtype the batches must have (float32 when float64 batches fail)
        break
    if not found:
        shown = first_error or last_error
        msg = f"{type(shown).__name__}: {shown}" if shown else "no convention worked"
        hint = ""
        if any(e is not None and "between 0 and 1" in str(e) for e in (first_error, last_error)):
            hint = "; the loss takes probabilities: use --probabilities"
        raise CallError(f"cannot call {conv.name} on batches of logits (tried shapes (N,), (N, 1) and patch maps"
                        f"{', probabilities' if detect_inputs else ''}): {msg}{hint}", "--probabilities"
                        if hint else "--order / --arg")
    if conv.n_args == 2 and conv.shape == () and conv.name == "d_loss":
        _prefer_column_shape(conv, batch_size, notes)
    if detect_inputs and conv.inputs == "logits" and conv.n_args == 2 and _clips_to_unit_interval(conv, batch_size):
        conv.inputs = "probabilities"
        notes.append(Note("probabilities_detected", f"{conv.name} is flat for every input above 1 and below 0 (it clips "
                                                    "its inputs to probabilities, like Keras' BinaryCrossentropy): "
                                                    "audited on probabilities D = σ(a) (--probabilities)"))
        return _finish_probe(conv, batch_size, detect_inputs=False, notes=notes)
    _finish_probe(conv, batch_size, detect_inputs=detect_inputs, notes=notes)


def _clips_to_unit_interval(conv: CallingConvention, batch_size: int) -> bool:
    """Is the loss constant in each argument above 1 and below 0 (inputs clipped to [ε, 1 − ε])?"""
    n = max(int(batch_size), 2)

    def at(real: float, fake: float) -> float | None:
        v, err, _ = _try(conv, [torch.full((n,), real, dtype=torch.float64), torch.full((n,), fake, dtype=torch.float64)])
        return None if err is not None else float(v)

    pairs = [(at(2.0, 0.3), at(5.0, 0.3)), (at(-1.0, 0.3), at(-4.0, 0.3)),
             (at(0.7, 2.0), at(0.7, 5.0)), (at(0.7, -1.0), at(0.7, -4.0))]
    return all(a is not None and a == b for a, b in pairs)


def _finish_probe(conv: CallingConvention, batch_size: int, *, detect_inputs: bool, notes: list[Note]) -> None:
    batches = _sample_batches(conv, batch_size, conv.dtype)
    if conv.cuda_patch:
        notes.append(Note("cuda_only", f"{conv.name} asks x.get_device(), which is −1 on the CPU; audited with "
                                       "get_device() answering 'cpu' (write device=x.device to run anywhere)"))
    if detect_inputs and conv.inputs == "probabilities":
        notes.append(Note("probabilities_detected", f"{conv.name} rejects logits (or is NaN on negative ones): "
                                                    "audited on probabilities D = σ(a) (--probabilities)"))
    if conv.shape:
        notes.append(Note("output_shape", f"{conv.name} called on outputs of shape (N, {', '.join(map(str, conv.shape))})"))
    if conv.summed:
        notes.append(Note("tuple_return", f"{conv.name} returns {conv.summed} losses; the audit sums them"))
    # dtype: the one the code computes in (a float64 call, unless only float32 batches run)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = conv._raw(*batches)
    if value.dtype != torch.float64 and value.is_floating_point():
        conv.dtype = value.dtype
        notes.append(Note("dtype", f"{conv.name} computes in {str(value.dtype).replace('torch.', '')} (e.g. "
                                   "labels made with torch.ones(N)); the audit's tolerances follow its ε = "
                                   f"{torch.finfo(value.dtype).eps:.2g}"))
    # randomness: two calls on the same batch under different seeds
    with torch.random.fork_rng(devices=[]):
        state = np.random.get_state()
        try:
            torch.manual_seed(12345)
            np.random.seed(12345)
            v1 = conv._raw(*batches)
            torch.manual_seed(54321)
            np.random.seed(54321)
            v2 = conv._raw(*batches)
        finally:
            np.random.set_state(state)
    if float(v1) != float(v2) and not (math.isnan(float(v1)) and math.isnan(float(v2))):
        conv.stochastic = True
        notes.append(Note("stochastic", f"{conv.name} is random (two calls on one batch differ: {float(v1):.6g} vs "
                                        f"{float(v2):.6g}, e.g. label noise redrawn per call): audited in expectation, "
                                        f"each value the mean of {N_DRAWS} seeded calls"))
