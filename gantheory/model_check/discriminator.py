r"""Check the user's own discriminator against the optimum its loss implies, on known densities (d = 1 or 2).

``check_discriminator(make_D, p_data, p_g, loss=...)`` trains ``make_D()`` (any ``nn.Module`` mapping
``(n, d)`` to ``(n, 1)`` or ``(n,)``) with the loss row's per-sample terms on n real and n fake draws
(Adam, full batch), then compares its output with the row's optimum a*(x) = ``LOSSES[loss].optimum(log p,
log q)`` on a grid of the region holding 98% of ½(p + q):

.. math:: \text{sup\_error} = \sup_{x \in R_{98}} |o(\hat a(x)) - o(a^*(x))|,\quad o = \sigma \text{ (logit rows) or the identity}.

The tolerance is the empirical lens's MLP tolerance, ``mlp_band_factor`` × the widest Scheffé half-width of
the well-specified quadratic-logit estimator at the same sample size (:mod:`gantheory.model_check.statistics`;
a statistical scale, derived — not tuned). A second copy of the architecture trained on the *population*
objective (quadrature nodes instead of samples) measures what the architecture and optimiser can reach with
infinite data: when that alone misses the tolerance the result warns ``cannot_represent``.

Modes: D is trained in training mode (as a training loop runs it: Dropout active, BatchNorm normalising
with the batch's statistics and updating its running ones) and compared with a*(x) in evaluation mode, the
way a trained network is used and evaluated (Dropout off, BatchNorm with its running statistics); only then
is D a function of x, which is what the optimum a*(x) is. :func:`module_mode` sets a mode for a block and
restores every submodule's previous flag afterwards.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from gantheory.empirical import statistics as st
from gantheory.empirical._device import cpu_threads
from gantheory.errors import GanTheoryError
from gantheory.loss_audit.results import Finding
from gantheory.losses import LOSSES, resolve_loss
from gantheory.model_check import statistics as mst
from gantheory.tolerances import TOLERANCES

__all__ = ["DiscriminatorCheck", "check_discriminator", "evaluation_region", "module_mode", "population_nodes"]


@dataclass(frozen=True)
class DiscriminatorCheck:
    """``passed`` iff ``sup_error ≤ tolerance`` (and training stayed finite). ``representation_error`` is the
    population-trained copy's sup error; ``findings`` hold warnings (``cannot_represent``, …) and, whenever the
    check fails, an error saying why (``sup_error_above_tolerance``: architecture or sample; ``diverged``)."""

    passed: bool
    sup_error: float
    tolerance: float
    representation_error: float | None
    loss: str
    dim: int
    n_samples: int
    steps: int
    half_width: float
    findings: tuple[Finding, ...]
    seconds: float
    final_loss: float | None

    def to_dict(self) -> dict:
        return {"passed": self.passed, "sup_error": self.sup_error, "tolerance": self.tolerance,
                "representation_error": self.representation_error, "loss": self.loss, "dim": self.dim,
                "n_samples": self.n_samples, "steps": self.steps, "half_width": self.half_width,
                "findings": [f.to_dict() for f in self.findings], "final_loss": self.final_loss}


def _dim(density: Any) -> int:
    return int(getattr(density, "dim", 1))


def _logpdf(density: Any, x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        out = np.asarray(density.logpdf(x[:, 0] if _dim(density) == 1 else x), dtype=np.float64)
    return np.where(np.isnan(out), -np.inf, out)


def population_nodes(p_data: Any, p_g: Any) -> tuple[np.ndarray, np.ndarray]:
    """Quadrature nodes ``(N, d)`` and weights: 1-D Gauss–Legendre split at the densities' breakpoints
    (:func:`gantheory.empirical.statistics.quadrature_nodes`), 2-D the tensor rule of
    :func:`gantheory.multivariate.tensor_nodes` (nodes carrying no mass of either density dropped)."""
    if _dim(p_data) == 1:
        x, w = st.quadrature_nodes(p_data, p_g)
        return x[:, None], w
    from gantheory.multivariate import tensor_nodes

    x, w = tensor_nodes(p_data, p_g, order=8)
    mass = w * (np.exp(_logpdf(p_data, x)) + np.exp(_logpdf(p_g, x)))
    keep = mass > 1e-14 * mass.max()
    return x[keep], w[keep]


def evaluation_region(p_data: Any, p_g: Any, points: int = 801) -> np.ndarray:
    """Grid points ``(N, d)`` of the region holding 98% of ½(p + q): 1-D the central interval
    (:func:`gantheory.empirical.statistics.mass_region`); 2-D the highest-density region of ½(p + q) at 98%
    mass (its density threshold read from quadrature nodes), sampled on a 201 × 201 grid."""
    if _dim(p_data) == 1:
        lo, hi = st.mass_region(p_data, p_g)
        return np.linspace(lo, hi, points)[:, None]
    x, w = population_nodes(p_data, p_g)
    dens = 0.5 * (np.exp(_logpdf(p_data, x)) + np.exp(_logpdf(p_g, x)))
    order = np.argsort(-dens)
    cum = np.cumsum((w * dens)[order])
    threshold = dens[order][np.searchsorted(cum, 0.98 * cum[-1])]
    lo, hi = x.min(axis=0), x.max(axis=0)
    g = np.stack(np.meshgrid(np.linspace(lo[0], hi[0], 201), np.linspace(lo[1], hi[1], 201), indexing="ij"), -1).reshape(-1, 2)
    gd = 0.5 * (np.exp(_logpdf(p_data, g)) + np.exp(_logpdf(p_g, g)))
    return g[gd >= threshold]


@contextlib.contextmanager
def module_mode(*modules: torch.nn.Module, training: bool) -> Iterator[None]:
    """Put ``modules`` in training (``training=True``) or evaluation mode for the block, then give every
    submodule back the ``training`` flag it had (a user's module may mix modes, e.g. a frozen BatchNorm)."""
    saved = [(m, m.training) for module in modules for m in module.modules()]
    try:
        for module in modules:
            module.train(training)
        yield
    finally:
        for m, flag in saved:
            m.training = flag


def _output(model: torch.nn.Module, x: torch.Tensor, probability: bool) -> torch.Tensor:
    out = model(x).reshape(-1)
    if probability:
        # a model that returns D = σ(a): its logit, log D − log(1 − D), clamped away from 0 and 1
        d = out.clamp(1e-7, 1 - 1e-7)
        return torch.log(d) - torch.log1p(-d)
    return out


def _train(model: torch.nn.Module, row_name: str, params: Mapping[str, float], x_real: torch.Tensor,
           x_fake: torch.Tensor, w_real: torch.Tensor | None, w_fake: torch.Tensor | None, steps: int, lr: float,
           probability: bool, user_loss: Callable | None = None) -> float | None:
    real, fake = LOSSES[row_name].terms("torch", **params)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    value = None
    with module_mode(model, training=True):
        for _ in range(steps):
            opt.zero_grad()
            # one forward pass over real and fake together: a batch-coupled layer (BatchNorm) then normalises
            # both classes by the same statistics, so D is one function of x, the one its running
            # statistics (evaluation mode) converge to; per-class passes would train two different functions
            a = _output(model, torch.cat([x_real, x_fake]), probability)
            a_r, a_f = a[: x_real.shape[0]], a[x_real.shape[0]:]
            if w_real is None and user_loss is not None:
                loss = user_loss(a_r, a_f)
            elif w_real is None:
                loss = real(a_r).mean() + fake(a_f).mean()
            else:  # the population objective ∫ p ℓ_r + q ℓ_f on quadrature nodes
                loss = (w_real * real(a_r)).sum() + (w_fake * fake(a_f)).sum()
            if not torch.isfinite(loss):
                return None
            loss.backward()
            opt.step()
            value = float(loss.detach())
    return value


def _model(make_D: Callable[[], Any], seed: int, dim: int | None = None, name: str = "make_D") -> torch.nn.Module:
    """``make_D()`` (or the factory called ``name``), checked: a zero-argument factory returning an
    ``nn.Module`` that maps ``(n, dim)`` to ``(n, 1)`` or ``(n,)`` — anything else is a
    :class:`GanTheoryError` naming it. The shape probe leaves the module's state (BatchNorm statistics) as
    it was."""
    if isinstance(make_D, torch.nn.Module):
        raise GanTheoryError(f"parameter {name!r} must be a zero-argument factory of your module (e.g. "
                             f"{name}=lambda: {type(make_D).__name__}(...)), not the module itself: the check trains "
                             "fresh copies of it")
    if not callable(make_D):
        raise GanTheoryError(f"parameter {name!r} must be a zero-argument factory of an nn.Module, got "
                             f"{type(make_D).__name__}")
    torch.manual_seed(seed)
    try:
        model = make_D()
    except TypeError as exc:
        raise GanTheoryError(f"parameter {name!r} must be callable with no arguments: {name}() raised "
                             f"TypeError: {exc}") from exc
    if not isinstance(model, torch.nn.Module):
        raise GanTheoryError(f"parameter {name!r} must return a torch.nn.Module, got {type(model).__name__}")
    if not any(True for _ in model.parameters()):
        raise GanTheoryError(f"parameter {name!r}: the module {name}() returns has no parameters to train")
    if dim is not None:
        dtype = next(model.parameters()).dtype
        state = {k: v.clone() for k, v in model.state_dict().items()}
        try:
            with torch.no_grad(), module_mode(model, training=False):  # no BatchNorm update, no dropout draw
                out = model(torch.zeros(3, dim, dtype=dtype))
            model.load_state_dict(state)
        except (RuntimeError, TypeError, ValueError) as exc:
            raise GanTheoryError(f"parameter {name!r}: the module {name}() returns cannot take a batch of shape "
                                 f"(n, {dim}) (the densities' dimension): {type(exc).__name__}: {exc}") from exc
        shape = tuple(getattr(out, "shape", ()))
        if not isinstance(out, torch.Tensor) or shape not in ((3, 1), (3,)):
            raise GanTheoryError(f"parameter {name!r}: the module {name}() returns maps a batch (3, {dim}) to "
                                 f"{shape if isinstance(out, torch.Tensor) else type(out).__name__}; expected one "
                                 "output per sample, shape (n, 1) or (n,)")
    return model


def _identify(loss: Callable) -> tuple[str, dict[str, float], Finding]:
    """The LOSSES row and parameters of the user's loss callable, read by the loss audit."""
    from gantheory.loss_audit import audit

    report = audit(loss, divergence=False, symbolic=False)
    family, fitted = report.discriminator.family, dict(report.discriminator.params or {})
    if report.discriminator.convention == "real_low":
        # The audit names the game and, separately, which side the loss scores high; the registry
        # writes the real-low cross-entropy game as its own row.
        if family != "standard":
            raise GanTheoryError(f"parameter 'loss': the loss audit reads your loss as {family!r} scoring real "
                                 "samples low; only the cross-entropy game has a real-low row ('swapped')")
        family = "swapped"
    if family not in LOSSES or fitted.get("unbounded") or family in ("hinge", "wasserstein"):
        raise GanTheoryError(f"parameter 'loss': the loss audit reads your loss as {family!r}, which has no "
                             "finite, differentiable optimum to compare with; see gantheory.audit(loss)")
    params = {k: float(v) for k, v in fitted.items() if k in LOSSES[family].params and v is not None}
    shown = ", ".join(f"{k} = {v:g}" for k, v in params.items())
    return family, params, Finding("info", f"the loss audit reads your loss as the {family!r} row"
                                   + (f" ({shown})" if shown else "") + "; D is trained with your loss itself",
                                   "loss_identified")


def _why_not_reached(sup: float, tolerance: float, representation_error: float | None, n: int, n_params: int,
                     k: int) -> str:
    """The message of a failed check: which part of the error the population-trained copy explains."""
    head = f"D is {sup:.3g} from the optimum its loss implies, above the tolerance {tolerance:.3g}"
    if representation_error is None:
        return (head + ": run with representation=True to tell an architecture that cannot represent the optimum "
                "from a sample too small for it")
    if representation_error > tolerance:
        return (head + f": even trained on the exact population objective it stays {representation_error:.3g} away "
                "(cannot_represent): a wider or deeper D, or more steps")
    return (head + f", while the same architecture trained on the exact population objective (same steps) reaches "
            f"{representation_error:.3g}: the gap is sampling error. A {n_params}-parameter D fitted to {n} draws per "
            f"class varies more than the tolerance, which is the statistical scale of a {k}-parameter quadratic-logit "
            "estimator; more draws (n_samples), a smaller D, or fewer steps (less overfitting) narrow it")


def check_discriminator(make_D: Callable[[], Any], p_data: Any, p_g: Any, loss: str | Callable = "standard", *,
                        loss_params: Mapping[str, float] | None = None, n_samples: int = 2048, steps: int = 600,
                        lr: float = 1e-2, seed: int = 0, output: str = "logit", representation: bool = True,
                        alpha: float = TOLERANCES["alpha"]) -> DiscriminatorCheck:
    r"""Train the user's discriminator ``make_D()`` with ``loss`` on (p_data, p_g) and compare it with the optimum.

    Args:
        make_D: zero-argument factory of the user's ``nn.Module`` (input ``(n, d)``, d = 1 or 2; output a logit
            for the cross-entropy rows, the raw output for least squares; ``output="probability"`` if it ends
            in a sigmoid).
        p_data, p_g: 1-D :mod:`gantheory.densities` or 2-D :mod:`gantheory.multivariate` densities.
        loss: a differentiable :data:`gantheory.losses.LOSSES` row (``standard``, ``label_smoothing``,
            ``class_weighted``, ``least_squares``, ``swapped``), ``loss_params`` its parameters; or the user's
            own ``loss(real_outputs, fake_outputs) -> scalar``: :func:`gantheory.audit` identifies its row and
            parameters, and D is trained with the callable itself.
        n_samples: draws per class; ``steps``/``lr``: full-batch Adam; ``seed``: torch and data seed.

    Returns:
        :class:`DiscriminatorCheck` with ``passed``, ``sup_error``, ``tolerance`` (module docstring).

    Reference: Goodfellow et al. 2014, Prop. 1 (for ``standard``); each row's own reference otherwise.

    >>> from torch import nn
    >>> from gantheory.densities import Normal
    >>> make_D = lambda: nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1))
    >>> r = check_discriminator(make_D, Normal(0, 1), Normal(1, 1.5), steps=300, representation=False)
    >>> r.passed, r.sup_error <= r.tolerance
    (True, True)
    """
    start = time.perf_counter()
    findings: list[Finding] = []
    user_loss = None
    if callable(loss):
        user_loss = loss
        name, fitted, note = _identify(loss)
        findings.append(note)
        row = LOSSES[name]
        params = row.bind({**fitted, **dict(loss_params or {})})
    else:
        row = resolve_loss(loss)
        params = row.bind(dict(loss_params or {}))
    mst._check_row(row)
    if output not in ("logit", "probability"):
        raise GanTheoryError(f"parameter 'output' must be 'logit' or 'probability', got {output!r}")
    if output == "probability" and row.output != "logit":
        raise GanTheoryError(f"parameter 'output': loss {row.name!r} trains a raw output, not a probability")
    dim = _dim(p_data)
    if dim not in (1, 2) or _dim(p_g) != dim:
        raise GanTheoryError(f"parameters 'p_data', 'p_g' must both be 1-D or both 2-D, got {dim} and {_dim(p_g)}")
    for name, value, low in (("n_samples", n_samples, 2), ("steps", steps, 1)):
        if int(value) != value or value < low:
            raise GanTheoryError(f"parameter {name!r} must be an integer >= {low}, got {value!r}")
    probability = output == "probability"
    rng = np.random.default_rng(seed)
    xr = np.asarray(p_data.sample(int(n_samples), rng), dtype=np.float64).reshape(int(n_samples), dim)
    xf = np.asarray(p_g.sample(int(n_samples), rng), dtype=np.float64).reshape(int(n_samples), dim)
    grid = evaluation_region(p_data, p_g)
    lp, lq = _logpdf(p_data, grid), _logpdf(p_g, grid)
    out_scale = mst.output_scale(row)
    target = out_scale(row.optimum(lp, lq, **params))
    with cpu_threads(torch.device("cpu")):
        model = _model(make_D, seed, dim)
        dtype = next(model.parameters()).dtype
        final = _train(model, row.name, params, torch.as_tensor(xr, dtype=dtype), torch.as_tensor(xf, dtype=dtype),
                       None, None, int(steps), lr, probability, user_loss)
        with torch.no_grad(), module_mode(model, training=False):
            est = _output(model, torch.as_tensor(grid, dtype=dtype), probability).double().numpy()
            probe = model(torch.as_tensor(grid * 10.0, dtype=dtype)).double().numpy()
        if not probability and row.output == "logit" and np.all((probe >= 0) & (probe <= 1)):
            findings.append(Finding("warning", "output_in_unit_interval: the model's outputs all lie in [0, 1], even "
                                    "far from the data: it looks like it ends in a sigmoid; pass output='probability' "
                                    "(the loss expects a logit)", "output_in_unit_interval"))
        # reference family and its band at the same sample size
        nodes, weights = population_nodes(p_data, p_g)
        center, scale = nodes.mean(axis=0), nodes.std(axis=0)
        phi = mst.quadratic_features(nodes, center, scale)
        wp, wq = weights * np.exp(_logpdf(p_data, nodes)), weights * np.exp(_logpdf(p_g, nodes))
        band = mst.band(row, params, phi, wp, wq, mst.quadratic_features(grid, center, scale), int(n_samples),
                        int(n_samples), alpha)
        tolerance = TOLERANCES["mlp_band_factor"] * band.half_width
        representation_error = None
        if representation:
            pop = _model(make_D, seed + 1, dim)
            keep = (wp + wq) > 0
            tn = torch.as_tensor(nodes[keep], dtype=dtype)
            _train(pop, row.name, params, tn, tn, torch.as_tensor(wp[keep], dtype=dtype),
                   torch.as_tensor(wq[keep], dtype=dtype), int(steps), lr, probability)
            with torch.no_grad(), module_mode(pop, training=False):
                pop_est = _output(pop, torch.as_tensor(grid, dtype=dtype), probability).double().numpy()
            representation_error = float(np.max(np.abs(out_scale(pop_est) - target)))
            if representation_error > tolerance:
                findings.append(Finding(
                    "warning", f"even trained on the exact population objective (quadrature, no sampling noise) with "
                    f"the same optimiser budget, this architecture stays {representation_error:.3g} from the optimum "
                    f"(tolerance {tolerance:.3g}): it cannot represent the optimum well enough (or needs more steps)",
                    "cannot_represent"))
    finite = final is not None and bool(np.all(np.isfinite(est)))
    sup = float(np.max(np.abs(out_scale(est) - target))) if finite else float("inf")
    if not finite:
        findings.append(Finding("error", "training diverged: the loss or the output became non-finite", "diverged"))
    elif sup > tolerance:
        findings.append(Finding("error", _why_not_reached(sup, float(tolerance), representation_error, int(n_samples),
                                                          sum(p.numel() for p in model.parameters()), phi.shape[1]),
                                "sup_error_above_tolerance"))
    return DiscriminatorCheck(bool(finite and sup <= tolerance), sup, float(tolerance), representation_error, row.name,
                              dim, int(n_samples), int(steps), float(band.half_width), tuple(findings),
                              time.perf_counter() - start, final)
