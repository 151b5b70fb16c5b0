"""A torch view of a :class:`gantheory.densities.Density`: ``log_prob`` and ``sample`` on a device.

Each family's log density is re-implemented in torch (so it runs on the GPU and is differentiable):

.. math::

    \\log \\mathcal N(x;\\mu,\\sigma) = -\\tfrac12 z^2 - \\log\\sigma - \\tfrac12\\log 2\\pi,\\quad z=(x-\\mu)/\\sigma

    \\log \\mathrm{Laplace}(x;\\mu,b) = -|x-\\mu|/b - \\log 2b, \\qquad
    \\log \\mathrm{Beta}(x;a,b) = (a-1)\\log x + (b-1)\\log(1-x) - \\log B(a,b)

    \\log t_\\nu(x;\\mu,s) = \\log\\Gamma(\\tfrac{\\nu+1}2) - \\log\\Gamma(\\tfrac\\nu2) - \\tfrac12\\log(\\nu\\pi) - \\log s
        - \\tfrac{\\nu+1}2 \\log(1 + z^2/\\nu)

    \\log \\sum_k w_k p_k(x) = \\operatorname{logsumexp}_k(\\log w_k + \\log p_k(x)) \\quad\\text{(mixtures)}

    \\log p_{a+bX}(y) = \\log p_X((y-a)/b) - \\log|b| \\quad\\text{(affine push-forward)}

Outside the support the log density is ``-inf``, never NaN, matching the numpy ``logpdf``. A family
without a torch implementation falls back to the numpy ``logpdf`` — on the CPU only, since a round trip
through host memory on a GPU would be silently slow (and not differentiable).

Sampling takes an explicit :class:`torch.Generator` so runs are reproducible; families whose samplers
torch cannot drive from a generator (Student t, Beta) draw through numpy with a seed taken from it.

This module owns the torch side of every density: the per-family dispatch (``_BUILDERS``, keyed by the
``DENSITIES`` name) lives here, not in :mod:`gantheory.densities`, whose ``Density.to_torch`` only
forwards to :func:`to_torch`. A registered family is either in ``_BUILDERS`` or in
:data:`NUMPY_FALLBACKS` (tested); anything else gets the numpy fallback.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import torch

from gantheory.densities import family_of
from gantheory.empirical._device import resolve_device
from gantheory.errors import GanTheoryError

if TYPE_CHECKING:
    from gantheory.densities import Density

__all__ = ["NUMPY_FALLBACKS", "TorchDensity", "to_torch"]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


def _param(density, *names):
    for name in names:
        if hasattr(density, name):
            return getattr(density, name)
    raise AttributeError(f"{type(density).__name__} has none of the attributes {names}")


class TorchDensity:
    """Torch ``log_prob(x)`` / ``sample(n, generator)`` for a numpy-side ``Density``.

    ``log_prob`` broadcasts ``x`` against ``batch_shape`` exactly as the numpy ``logpdf`` does.

    >>> from gantheory.densities import Normal
    >>> td = to_torch(Normal(0.0, 1.0), "cpu")
    >>> float(td.log_prob(torch.tensor(0.0, dtype=torch.float64)))  # -log sqrt(2 pi)
    -0.9189385332046727
    """

    def __init__(self, density: Density, device: str | torch.device | None = None,
                 dtype: torch.dtype = torch.float64) -> None:
        self.density = density
        self.device = resolve_device(device if device is not None else "cpu")
        self.dtype = dtype
        self.batch_shape = tuple(getattr(density, "batch_shape", ()))
        self.family = type(density).__name__
        self._log_prob, self._sample = self._build(density)

    # -- helpers -----------------------------------------------------------------------------
    def _t(self, value) -> torch.Tensor:
        return torch.as_tensor(np.asarray(value, dtype=np.float64), dtype=self.dtype, device=self.device)

    def _numpy_log_prob(self, density):
        def log_prob(x: torch.Tensor) -> torch.Tensor:
            if x.device.type != "cpu":
                raise GanTheoryError(
                    f"{type(density).__name__} has no torch log_prob; the numpy fallback runs on the CPU only "
                    f"(got x on {x.device})"
                )
            out = np.asarray(density.logpdf(x.detach().cpu().numpy().astype(np.float64)), dtype=np.float64)
            return torch.as_tensor(out, dtype=x.dtype)

        return log_prob

    def _numpy_sample(self, density):
        def sample(n: int, generator: torch.Generator | None) -> torch.Tensor:
            seed = int(torch.randint(0, 2**62, (1,), generator=generator, device=generator.device if generator is not None else "cpu").item()) if generator is not None else None
            draw = np.asarray(density.sample(n, np.random.default_rng(seed)), dtype=np.float64)
            return self._t(draw)

        return sample

    def _build(self, d):
        family = type(d).__name__
        try:
            builder = _BUILDERS.get(family_of(d).name)
        except GanTheoryError:
            builder = None  # not a registered family (e.g. a from_scipy wrapper): numpy fallback
        if builder is not None:
            try:
                return builder(self, d)
            except AttributeError:
                pass  # unexpected parameterisation: fall back through numpy below
        if self.device.type != "cpu":
            raise GanTheoryError(
                f"density family {family} has no torch implementation and device={self.device} is not the CPU; "
                "its numpy fallback is CPU-only"
            )
        return self._numpy_log_prob(d), self._numpy_sample(d)

    def _shape(self, n):
        return (int(n), *self.batch_shape)

    def _uniform(self, n, generator):
        return torch.rand(self._shape(n), generator=generator, dtype=self.dtype, device=self.device)

    # -- families ----------------------------------------------------------------------------
    def _build_normal(self, d):
        loc, scale = self._t(_param(d, "loc", "mu")), self._t(_param(d, "scale", "sigma"))

        def log_prob(x):
            z = (x - loc) / scale
            return -0.5 * z * z - torch.log(scale) - _LOG_SQRT_2PI

        def sample(n, generator):
            return loc + scale * torch.randn(self._shape(n), generator=generator, dtype=self.dtype, device=self.device)

        return log_prob, sample

    def _build_uniform(self, d):
        low, high = self._t(_param(d, "low", "a")), self._t(_param(d, "high", "b"))

        def log_prob(x):
            inside = (x >= low) & (x <= high)
            value = -torch.log(high - low) + torch.zeros_like(x)
            return torch.where(inside, value, torch.full_like(value, -math.inf))

        def sample(n, generator):
            return low + (high - low) * self._uniform(n, generator)

        return log_prob, sample

    def _build_laplace(self, d):
        loc, scale = self._t(_param(d, "loc")), self._t(_param(d, "scale"))

        def log_prob(x):
            return -torch.abs(x - loc) / scale - torch.log(2.0 * scale)

        def sample(n, generator):
            # Inverse CDF: x = mu - b sign(u) log(1 - 2|u|), u ~ U(-1/2, 1/2).
            u = self._uniform(n, generator) - 0.5
            return loc - scale * torch.sign(u) * torch.log1p(-2.0 * torch.abs(u))

        return log_prob, sample

    def _build_student_t(self, d):
        df, loc, scale = self._t(_param(d, "df", "nu")), self._t(_param(d, "loc")), self._t(_param(d, "scale"))
        const = torch.lgamma(0.5 * (df + 1)) - torch.lgamma(0.5 * df) - 0.5 * torch.log(df * math.pi) - torch.log(scale)

        def log_prob(x):
            z = (x - loc) / scale
            return const - 0.5 * (df + 1) * torch.log1p(z * z / df)

        return log_prob, self._numpy_sample(d)

    def _build_beta(self, d):
        a, b = self._t(_param(d, "a", "alpha")), self._t(_param(d, "b", "beta"))
        log_beta = torch.lgamma(a) + torch.lgamma(b) - torch.lgamma(a + b)

        def log_prob(x):
            inside = (x >= 0) & (x <= 1)
            xc = x.clamp(0.0, 1.0)
            # xlogy conventions: (a-1) log x with a = 1 is 0 at x = 0, not NaN.
            value = torch.xlogy(a - 1, xc) + torch.xlogy(b - 1, 1 - xc) - log_beta
            return torch.where(inside, value, torch.full_like(value, -math.inf))

        return log_prob, self._numpy_sample(d)

    def _build_mixture(self, d):
        components = _param(d, "components")
        log_w = torch.log(self._t(_param(d, "weights")))
        if isinstance(components, (list, tuple)):
            views = [TorchDensity(c, self.device, self.dtype) for c in components]

            def component_log_prob(x):
                return torch.stack(torch.broadcast_tensors(*[v.log_prob(x) for v in views]), dim=-1)

            def component_sample(n, generator):
                return torch.stack(torch.broadcast_tensors(*[v.sample(n, generator) for v in views]), dim=-1)
        else:
            # One density whose last batch axis indexes the components.
            view = TorchDensity(components, self.device, self.dtype)

            def component_log_prob(x):
                return view.log_prob(x.unsqueeze(-1))

            def component_sample(n, generator):
                return view.sample(n, generator)

        def log_prob(x):
            # log sum_k w_k p_k(x), in log space (never exp then log).
            return torch.logsumexp(log_w + component_log_prob(x), dim=-1)

        def sample(n, generator):
            draws = component_sample(n, generator)  # (n, *batch, K)
            k = draws.shape[-1]
            probs = torch.exp(log_w).expand(*draws.shape[1:]).reshape(-1, k)
            idx = torch.multinomial(probs, int(n), replacement=True, generator=generator).T  # (n, prod(batch))
            idx = idx.reshape(*draws.shape[:-1], 1)
            return torch.gather(draws, -1, idx).squeeze(-1)

        return log_prob, sample

    def _build_pushforward(self, d):
        base, transform = _param(d, "base"), _param(d, "transform")
        if type(transform).__name__ != "Affine":
            raise AttributeError("only Affine push-forwards have a torch implementation")
        view = TorchDensity(base, self.device, self.dtype)
        loc, scale = self._t(_param(transform, "loc", "shift")), self._t(_param(transform, "scale"))

        def log_prob(x):
            return view.log_prob((x - loc) / scale) - torch.log(torch.abs(scale))

        def sample(n, generator):
            return loc + scale * view.sample(n, generator)

        return log_prob, sample

    # -- public ------------------------------------------------------------------------------
    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        """log p(x) in torch, broadcasting ``x`` against ``batch_shape``; ``-inf`` off the support."""
        x = torch.as_tensor(x, dtype=self.dtype, device=self.device)
        return self._log_prob(x)

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` draws of shape ``(n, *batch_shape)`` on the device (reproducible given ``generator``)."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise GanTheoryError(f"n must be a non-negative integer, got {n!r}")
        return self._sample(int(n), generator)

    def __repr__(self) -> str:
        return f"TorchDensity({self.family}, device={self.device}, dtype={self.dtype})"


# Builders keyed by the DENSITIES registry name (gantheory.densities.family_of(d).name), so a renamed
# class cannot silently lose its torch implementation.
_BUILDERS = {
    "normal": TorchDensity._build_normal,
    "uniform": TorchDensity._build_uniform,
    "laplace": TorchDensity._build_laplace,
    "student_t": TorchDensity._build_student_t,
    "beta": TorchDensity._build_beta,
    "mixture": TorchDensity._build_mixture,
    "pushforward": TorchDensity._build_pushforward,
}
# Registered families deliberately left to the numpy fallback (CPU only): a pmf is a table lookup with
# no density to differentiate, and its atoms are sampled on the host anyway.
NUMPY_FALLBACKS = frozenset({"discrete"})


def to_torch(density: Density, device: str | torch.device | None = None, dtype: torch.dtype | None = None) -> TorchDensity:
    """The torch view of ``density`` on ``device`` (``None`` → CPU; ``"auto"`` → CUDA when present).

    ``dtype`` defaults to float64 (the precision of the numpy side).
    """
    return TorchDensity(density, device=device, dtype=torch.float64 if dtype is None else dtype)
