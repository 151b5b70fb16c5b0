r"""Check the user's own GAN (D and G) in a short run against the exact C(G_t) where G's density is known.

Algorithm 1 of Goodfellow et al. (2014) with the user's modules: ``d_steps`` D steps on the loss row's terms,
then one G step on a generator loss of the row (:data:`gantheory.losses.GENERATORS`). At ``snapshots``
points the generator's density is formed exactly, so C(G_t) = −log 4 + 2·JSD(p_data, p_g,t) (Thm. 1) is a
certified integral, not an estimate:

* d = 1, latent dimension 1, G strictly monotone on z ∈ [−9, 9] — the change of variables
  log p_g(x) = log φ(G⁻¹(x)) − log|G'(G⁻¹(x))| (:class:`gantheory.densities.Pushforward` with G' by autograd,
  G⁻¹ by interpolation refined by Newton), then :func:`gantheory.quadrature.criterion`;
* d = 2 and an affine G(z) = Wz + b (checked on probe points) — p_g = N(b, WWᵀ), then
  :func:`gantheory.multivariate.criterion_2d`;
* otherwise the density is not available and the trajectory carries ``None`` (an info finding says why).

D and G train in training mode; D is compared with D* and G's density formed in evaluation mode (Dropout
off, BatchNorm with its running statistics: the networks as a user evaluates them), and each D step passes
the real and generated batch through D together, so a BatchNorm layer normalises both classes alike.

``passed``: the final JSD is within ``gan_final_jsd`` and D is within ``gan_half_atol`` of D*_{G_T} on the
98%-mass region (``sup_error``/``tolerance``, the tolerances Algorithm 1's own check uses).
"""

from __future__ import annotations

import copy
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from gantheory.errors import GanTheoryError, QuadratureWarning
from gantheory.loss_audit.results import Finding
from gantheory.losses import GENERATORS, LOSSES, resolve_loss
from gantheory.model_check import statistics as mst
from gantheory.model_check.discriminator import _dim, _logpdf, _model, _output, evaluation_region, module_mode
from gantheory.numerics import LOG4
from gantheory.tolerances import TOLERANCES

__all__ = ["GanCheck", "check_gan", "generator_density"]


@dataclass(frozen=True)
class GanCheck:
    """The run's trajectory (``at``: step indices; ``jsd``, ``criterion``: exact values or None) and verdict."""

    passed: bool
    sup_error: float | None
    tolerance: float
    final_jsd: float | None
    jsd_tolerance: float
    at: tuple[int, ...]
    jsd: tuple[float | None, ...]
    criterion: tuple[float | None, ...]
    certified: tuple[bool, ...]
    loss: str
    generator_loss: str
    findings: tuple[Finding, ...]
    seconds: float

    def to_dict(self) -> dict:
        return {"passed": self.passed, "sup_error": self.sup_error, "tolerance": self.tolerance,
                "final_jsd": self.final_jsd, "jsd_tolerance": self.jsd_tolerance, "at": list(self.at),
                "jsd": list(self.jsd), "criterion": list(self.criterion), "certified": list(self.certified),
                "loss": self.loss, "generator_loss": self.generator_loss,
                "findings": [f.to_dict() for f in self.findings]}


def generator_density(G: torch.nn.Module, latent_dim: int, dim: int) -> tuple[Any | None, str]:
    """The exact density of G(z), z ~ N(0, I), where the module docstring says it is known; else (None, why)."""
    g = copy.deepcopy(G).double().eval()
    if dim == 1 and latent_dim == 1:
        from gantheory.densities import Monotone, Normal, Pushforward

        def forward(z):
            with torch.no_grad():
                zz = torch.as_tensor(np.asarray(z, dtype=np.float64)).reshape(-1, 1)
                return g(zz).reshape(np.shape(z)).numpy()

        def derivative(z):
            zz = torch.as_tensor(np.asarray(z, dtype=np.float64)).reshape(-1, 1).clone().requires_grad_(True)
            (d,) = torch.autograd.grad(g(zz).sum(), zz)
            return d.reshape(np.shape(z)).numpy()

        gz = np.linspace(-9.0, 9.0, 4001)
        gx = forward(gz)
        steps = np.diff(gx)
        if not (np.all(steps > 0) or np.all(steps < 0)):
            return None, "G is not strictly monotone on z ∈ [−9, 9]: its density is a sum over branches"
        order = np.argsort(gx)
        xs, zs = gx[order], gz[order]

        def inverse(x):
            x = np.asarray(x, dtype=np.float64)
            inside = (x >= xs[0]) & (x <= xs[-1])
            z = np.interp(x, xs, zs)
            for _ in range(3):  # Newton on G(z) = x from the interpolated start
                fz, dz = forward(z), derivative(z)
                z = np.where(dz != 0, z - (fz - x) / np.where(dz != 0, dz, 1.0), z)
            return np.where(inside, np.clip(z, -9.0, 9.0), np.nan)

        def log_abs_det(z):
            with np.errstate(divide="ignore"):
                return np.log(np.abs(derivative(z)))

        return Pushforward(Normal(0.0, 1.0), Monotone(forward, inverse, log_abs_det, name="user G")), ""
    if dim == 2:
        from gantheory.multivariate import MultivariateNormal

        with torch.no_grad():
            b = g(torch.zeros(1, latent_dim, dtype=torch.float64)).reshape(-1).numpy()
            eye = torch.eye(latent_dim, dtype=torch.float64)
            w = (g(eye).numpy() - b).T  # (2, latent_dim)
            probe = torch.randn(16, latent_dim, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
            affine = np.allclose(g(probe).numpy(), probe.numpy() @ w.T + b, rtol=1e-9, atol=1e-9)
        if not affine:
            return None, "G is not affine: the density of a nonlinear 2-D generator is not available in closed form"
        cov = w @ w.T
        if np.linalg.matrix_rank(cov) < 2:
            return None, "G's image is degenerate (rank < 2): p_g has no density on R²"
        return MultivariateNormal(b, cov), ""
    return None, f"no exact density for a generator with latent dimension {latent_dim} into R^{dim}"


def _exact(p_data: Any, p_g: Any, dim: int) -> tuple[float, float, bool]:
    """(JSD, C(G), certified) of the pair, by 1-D or 2-D quadrature."""
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always", QuadratureWarning)
        if dim == 1:
            from gantheory.quadrature import js_divergence

            r = js_divergence(p_data, p_g)
        else:
            from gantheory.multivariate import js_divergence_2d

            r = js_divergence_2d(p_data, p_g)
    js = float(r.value)
    return js, -LOG4 + 2 * js, bool(np.all(r.certified))


def check_gan(make_D: Callable[[], Any], make_G: Callable[[], Any], p_data: Any, *, loss: str = "standard",
              loss_params: Mapping[str, float] | None = None, generator_loss: str | None = None, latent_dim: int = 1,
              steps: int = 1500, batch_size: int = 256, d_steps: int = 1, lr_d: float = 2e-2, lr_g: float = 1e-2,
              snapshots: int = 5, seed: int = 0) -> GanCheck:
    r"""Train the user's ``make_D()`` and ``make_G()`` for ``steps`` generator steps and compare with theory.

    Args:
        make_D, make_G: zero-argument factories of the user's modules (G maps ``(n, latent_dim)`` to ``(n, d)``).
        p_data: a 1-D or 2-D density; ``loss`` a differentiable :data:`LOSSES` row; ``generator_loss`` a key of
            :data:`GENERATORS` belonging to it (default: the row's non-saturating one, else its first).
        steps, batch_size, d_steps, lr_d, lr_g: Adam(β₁ = ½) on both, step sizes decaying linearly to 0;
            ``snapshots`` exact evaluations along the run.

    Returns:
        :class:`GanCheck` with ``passed``, ``sup_error``, ``tolerance`` and the exact JSD/C(G_t) trajectory.

    Reference: Goodfellow et al. 2014, Algorithm 1 and Thm. 1.
    """
    start = time.perf_counter()
    row = resolve_loss(loss)
    params = row.bind(dict(loss_params or {}))
    mst._check_row(row)
    if generator_loss is None:
        generator_loss = "non_saturating" if "non_saturating" in row.generators else row.generators[0]
    if generator_loss not in GENERATORS:
        raise GanTheoryError(f"parameter 'generator_loss' must be one of {sorted(GENERATORS)}, got {generator_loss!r}")
    dim = _dim(p_data)
    for name, value, low in (("steps", steps, 1), ("batch_size", batch_size, 2), ("d_steps", d_steps, 1),
                             ("snapshots", snapshots, 1), ("latent_dim", latent_dim, 1)):
        if int(value) != value or value < low:
            raise GanTheoryError(f"parameter {name!r} must be an integer >= {low}, got {value!r}")
    rng = np.random.default_rng(seed)
    D, G = _model(make_D, seed), _model(make_G, seed + 1, name="make_G")
    dtype = next(D.parameters()).dtype
    real_term, fake_term = LOSSES[row.name].terms("torch", **params)
    gen = GENERATORS[generator_loss]
    gen_params = {"c": params["c"]} if generator_loss == "least_squares" and "c" in params else {}
    # the recipe of gantheory.empirical.train_gan: Adam(β₁ = ½), D twice G's step size (two time scales,
    # Heusel et al. 2017), both decaying linearly to 0 so the last iterates settle
    opt_d = torch.optim.Adam(D.parameters(), lr=lr_d, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(G.parameters(), lr=lr_g, betas=(0.5, 0.999))
    decay = lambda t: 1.0 - t / (int(steps) + 1)  # noqa: E731
    schedules = [torch.optim.lr_scheduler.LambdaLR(o, decay) for o in (opt_d, opt_g)]
    at = sorted({round(t) for t in np.linspace(0, steps, snapshots + 1)[1:]} | {0})
    findings: list[Finding] = []
    jsd, crit, cert = [], [], []
    sup_error = None
    why = ""
    torch.manual_seed(seed)

    def snapshot() -> None:
        nonlocal sup_error, why
        p_g, why = generator_density(G, latent_dim, dim)
        if p_g is None:
            jsd.append(None)
            crit.append(None)
            cert.append(False)
            sup_error = None
            return
        js, c, ok = _exact(p_data, p_g, dim)
        jsd.append(js)
        crit.append(c)
        cert.append(ok)
        grid = evaluation_region(p_data, p_g)
        target = mst.output_scale(row)(row.optimum(_logpdf(p_data, grid), _logpdf(p_g, grid), **params))
        with torch.no_grad(), module_mode(D, training=False):  # D as a trained network is evaluated
            est = _output(D, torch.as_tensor(grid, dtype=dtype), False).double().numpy()
        sup_error = float(np.max(np.abs(mst.output_scale(row)(est) - target)))

    from gantheory.empirical._device import cpu_threads

    with cpu_threads(torch.device("cpu")), module_mode(D, G, training=True):
        snapshot()
        for t in range(1, int(steps) + 1):
            for _ in range(int(d_steps)):
                x = torch.as_tensor(np.asarray(p_data.sample(int(batch_size), rng)).reshape(int(batch_size), dim),
                                    dtype=dtype)
                with torch.no_grad():
                    fake = G(torch.randn(int(batch_size), latent_dim, dtype=dtype)).reshape(int(batch_size), dim)
                opt_d.zero_grad()
                a = D(torch.cat([x, fake])).reshape(-1)  # one pass: BatchNorm sees both classes (discriminator.py)
                (real_term(a[: int(batch_size)]).mean() + fake_term(a[int(batch_size):]).mean()).backward()
                opt_d.step()
            opt_g.zero_grad()
            a = D(G(torch.randn(int(batch_size), latent_dim, dtype=dtype)).reshape(int(batch_size), dim)).reshape(-1)
            gen(a, "torch", **gen_params).mean().backward()
            opt_g.step()
            for sch in schedules:
                sch.step()
            if t in at:
                snapshot()
    if why:
        findings.append(Finding("info", f"generator density not available: {why}", "generator_density_unknown"))
    final = jsd[-1]
    tol = TOLERANCES["gan_half_atol"]
    passed = bool(final is not None and final <= TOLERANCES["gan_final_jsd"] and sup_error is not None
                  and sup_error <= tol)
    return GanCheck(passed, sup_error, float(tol), final, float(TOLERANCES["gan_final_jsd"]), tuple(at), tuple(jsd),
                    tuple(crit), tuple(cert), row.name, generator_loss, tuple(findings), time.perf_counter() - start)
