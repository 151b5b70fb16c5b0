"""The empirical lens: PyTorch training whose results are checked against the analytic optima.

This is the only package of gantheory that imports torch at its top. Public surface:

* :func:`train_discriminator`, :func:`train_discriminators` — Prop. 1 (D* = p/(p+q)) with a calibrated
  check for the well-specified logistic family and a stated tolerance for MLPs; K replicates batched.
  ``loss="soft_bce"`` (label smoothing, D* = (αp+βq)/(p+q)) and ``loss="least_squares"`` (LSGAN,
  D* = (bp+aq)/(p+q)) train the same families against a sup-norm tolerance derived by quadrature. The
  losses are rows of :data:`gantheory.losses.LOSSES` (``loss=`` also takes their names: ``standard``,
  ``label_smoothing``, ``least_squares``); :func:`training_loss` maps the trainer's spellings onto them.
* :func:`calibrate` — false-rejection rate vs α (binomial test) and power against wrong theories.
* :func:`train_gan` — Algorithm 1 (Goodfellow et al. 2014) with an exact C(G_t), JSD_t trajectory.
* :func:`function_space_descent` (Prop. 2) and :func:`envelope_check` (Danskin) — numpy only.
* :func:`resolve_device`, :func:`to_torch` / :class:`TorchDensity`.

Results never contain NaN: a value that is not available is ``None`` (scalars, whole arrays) or masked
(``DiscriminatorEnsemble.valid`` / ``loss_valid``, with finite fill values). On the CPU the entry points
run single-threaded for the duration of the call when their tensors are tiny (torch's thread pool made
``train_gan`` ~20x slower on a busy 2-core machine) and restore the caller's thread count afterwards;
see :func:`gantheory.empirical._device.cpu_threads`.
"""

from __future__ import annotations

try:
    import torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised only without torch
    from gantheory.errors import DependencyError

    raise DependencyError(
        "gantheory.empirical needs PyTorch: pip install torch (CPU build: "
        "pip install torch --index-url https://download.pytorch.org/whl/cpu)"
    ) from exc

from gantheory.empirical._device import resolve_device, resolve_dtype
from gantheory.empirical.discriminator import (
    FAMILIES,
    THEORIES,
    CalibrationResult,
    DiscriminatorEnsemble,
    DiscriminatorResult,
    calibrate,
    train_discriminator,
    train_discriminators,
)
from gantheory.empirical.function_space import (
    EnvelopeResult,
    FunctionSpaceResult,
    envelope_check,
    function_space_descent,
)
from gantheory.empirical.gan import (
    GENERATOR_OBJECTIVES,
    GENERATORS,
    GanSnapshot,
    GanTrajectory,
    SaturationResult,
    saturation_check,
    train_gan,
)
from gantheory.empirical.objectives import LOSS_NAMES, TrainingLoss, training_loss
from gantheory.empirical.tolerances import EMPIRICAL_TOLERANCES
from gantheory.empirical.torch_view import TorchDensity, to_torch

__all__ = [
    "EMPIRICAL_TOLERANCES",
    "FAMILIES",
    "GENERATORS",
    "GENERATOR_OBJECTIVES",
    "LOSS_NAMES",
    "THEORIES",
    "CalibrationResult",
    "DiscriminatorEnsemble",
    "DiscriminatorResult",
    "EnvelopeResult",
    "FunctionSpaceResult",
    "GanSnapshot",
    "GanTrajectory",
    "SaturationResult",
    "TorchDensity",
    "TrainingLoss",
    "calibrate",
    "envelope_check",
    "function_space_descent",
    "resolve_device",
    "resolve_dtype",
    "saturation_check",
    "to_torch",
    "train_discriminator",
    "train_discriminators",
    "train_gan",
    "training_loss",
]
