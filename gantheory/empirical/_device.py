"""Device, dtype and random-number plumbing shared by the empirical lens.

Threads: torch's intra-op thread pool pays a synchronisation cost on every kernel; for the tiny tensors
of these trainers (a few thousand numbers per op) that cost dominates, and on a busy 2-core machine
spinning threads compete with each other: ``train_gan`` ran ~20x slower with torch's default 2 threads
than with 1. :func:`cpu_threads` therefore runs the entry points single-threaded on the CPU for the
duration of the call when the per-op work is below :data:`TINY_WORK` elements, and restores the
caller's setting afterwards (``torch.set_num_threads`` is process-wide; do not run two such calls
concurrently from Python threads). Large batched ensembles keep the caller's thread count.

Determinism: on CPU every random draw comes from an explicit :class:`numpy.random.Generator` (data) or
:class:`torch.Generator` (initialisations, minibatch schedules) seeded by the caller, and no kernel used
here is non-deterministic on CPU, so a seed makes a CPU run bit-reproducible (tested) — for a fixed thread
count: a reduction split over threads sums in another order, so ``python -m verify`` pins every pool to one
thread (:func:`gantheory.runner.pin_threads`). torch's default CPU least-squares driver (``gelsy``) was the
exception (last bits varied with the heap); the batched fit uses ``gelsd``. On CUDA,
reductions inside ``bmm`` may be re-ordered between runs; results agree to rounding, not bitwise.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Collection, Iterator

import numpy as np
import torch

from gantheory.errors import GanTheoryError

DEVICES = ("auto", "cpu", "cuda")


def cuda_available() -> bool:
    """Whether a usable CUDA device is visible to torch."""
    return bool(torch.cuda.is_available())


def resolve_device(device: str | torch.device | None = "auto") -> torch.device:
    """Map ``"auto" | "cpu" | "cuda"`` (or ``"cuda:1"``, a :class:`torch.device`) to a device.

    ``"auto"`` (and ``None``) picks CUDA when it is available, else the CPU.

    Raises:
        GanTheoryError: for an unknown name (the message suggests the nearest valid ones) or a CUDA
            request on a machine without CUDA.

    >>> resolve_device("cpu")
    device(type='cpu')
    """
    if isinstance(device, torch.device):
        name = device.type
    elif device is None:
        name = "auto"
    elif isinstance(device, str):
        name = device.split(":")[0].strip().lower()
    else:
        raise GanTheoryError(f"device must be a string or torch.device, got {type(device).__name__}")
    if name == "auto":
        return torch.device("cuda") if cuda_available() else torch.device("cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name == "cuda":
        if not cuda_available():
            raise GanTheoryError(
                f"device={device!r} requested but CUDA is not available to torch "
                f"(torch {torch.__version__}, built with CUDA {torch.version.cuda}); use device='cpu' or 'auto'"
            )
        return torch.device(device) if isinstance(device, (str, torch.device)) else torch.device("cuda")
    near = difflib.get_close_matches(name, DEVICES, n=2, cutoff=0.3)
    hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
    raise GanTheoryError(f"device={device!r} is not one of {DEVICES}{hint}")


def resolve_dtype(dtype: torch.dtype | str | None, device: torch.device) -> torch.dtype:
    """float64 by default on every device; float32 only when asked for, and only on a GPU.

    float32 on the CPU would buy little speed and cost the tolerances, so it is refused there.
    """
    if dtype is None:
        return torch.float64
    if isinstance(dtype, str):
        table = {"float64": torch.float64, "double": torch.float64, "float32": torch.float32, "float": torch.float32}
        if dtype not in table:
            raise GanTheoryError(f"dtype={dtype!r} is not one of {sorted(table)}")
        dtype = table[dtype]
    if dtype not in (torch.float32, torch.float64):
        raise GanTheoryError(f"dtype={dtype} is not supported; use torch.float64 (or torch.float32 on CUDA)")
    if dtype == torch.float32 and device.type == "cpu":
        raise GanTheoryError("dtype=float32 is allowed on CUDA only; the CPU path is float64 throughout")
    return dtype


# Below this many elements in the largest per-step tensor, intra-op parallelism costs more than it
# saves (torch's own grain size is 32768 elements; a busy 2-core CI machine makes threads worse still).
TINY_WORK = 1 << 18


@contextlib.contextmanager
def cpu_threads(device: torch.device, work: int | None = None, *, threads: int = 1) -> Iterator[None]:
    """Run the enclosed block with ``torch.set_num_threads(threads)`` on the CPU when the model is tiny.

    ``work`` is the number of elements of the largest tensor one step touches (``None``: tiny). On CUDA,
    or when ``work >= TINY_WORK``, or when the setting is already ``threads``, nothing changes. The
    previous thread count is restored on exit, exceptions included.

    >>> before = torch.get_num_threads()
    >>> with cpu_threads(torch.device("cpu")):
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == before
    True
    """
    previous = torch.get_num_threads()
    tiny = work is None or work < TINY_WORK
    if device.type != "cpu" or not tiny or previous == threads:
        yield
        return
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def torch_generator(seed: int, device: torch.device) -> torch.Generator:
    """A :class:`torch.Generator` on ``device`` seeded with ``seed`` (never the global generator)."""
    generator = torch.Generator(device=device)
    generator.manual_seed(int(seed) % (2**63))
    return generator


def numpy_rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """``numpy.random.default_rng(seed)``; a Generator passes through unchanged."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def check_positive_int(name: str, value: int | np.integer, minimum: int = 1) -> int:
    """Validate a size parameter; the error names it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or int(value) < minimum:
        raise GanTheoryError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_choice(name: str, value: str, choices: Collection[str]) -> str:
    """Validate a name against a registry; unknown names get the nearest valid ones suggested."""
    if value in choices:
        return value
    near = difflib.get_close_matches(str(value), list(choices), n=2, cutoff=0.3)
    hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
    raise GanTheoryError(f"{name}={value!r} is not one of {sorted(choices)}{hint}")
