r"""Two-player games with an exact (sympy) field: the Dirac-GAN and the bilinear game V(x, y) = xy.

Both expose the same API (the contract of issue 17)::

    g.jacobian()            # at the equilibrium: .exact (sympy Matrix) and .value (numpy)
    g.eigenvalues()         # of the continuous-time field at the equilibrium (complex numpy array)
    g.spectral_radius(scheme, h, h_d=None, beta=0.0)   # of the linearised discrete map
    g.max_stable_step(scheme)                          # sup of h with spectral radius < 1 (inf / 0 when none)
    g.simulate(theta0, psi0, steps, h, scheme, h_d=None, beta=0.0)   # the nonlinear trajectory

References: Mescheder, Geiger & Nowozin 2018 ("Which training methods for GANs do actually converge?",
§2–4); Goodfellow 2016 (NIPS tutorial, exercise 7.2, V(x, y) = xy).

>>> g = DiracGAN(loss="standard", regularizer="r1", gamma=0.5)
>>> g.eigenvalues().round(6)                            # −γ/2 ± i·sqrt(f′(0)² − γ²/4), f′(0) = ½
array([-0.25+0.433013j, -0.25-0.433013j])
>>> round(g.max_stable_step(scheme="simultaneous"), 9)  # γ / f′(0)²
2.0
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from gantheory.dynamics import schemes
from gantheory.dynamics.fields import DIRAC_LOSSES, EPS, PSI, REGULARIZERS, THETA, dirac_field, resolve
from gantheory.errors import GanTheoryError

__all__ = ["BilinearGame", "DiracGAN", "Game", "Jacobian", "Trajectory"]


@dataclass(frozen=True)
class Jacobian:
    """The field's Jacobian at the equilibrium: ``exact`` (sympy Matrix) and ``value`` (float64 numpy)."""

    exact: Any
    value: np.ndarray


@dataclass(frozen=True)
class Trajectory:
    """A simulated trajectory: times ``t`` (k·h), the iterates ``theta`` and ``psi`` (generator,
    discriminator) and how it was run. A run that diverged stops at its last finite state: ``diverged`` is
    True and ``steps_requested`` exceeds the ``len(t) − 1`` steps kept; no value is ever NaN or inf."""

    t: np.ndarray
    theta: np.ndarray
    psi: np.ndarray
    scheme: str
    h: float
    h_d: float
    beta: float
    diverged: bool = False
    steps_requested: int = 0

    @property
    def radius(self) -> np.ndarray:
        """Distance to the equilibrium (0, 0): sqrt(θ² + ψ²)."""
        return np.hypot(self.theta, self.psi)

    def rate(self, start: int | None = None) -> float:
        r"""The measured per-step growth factor exp((log r_K − log r_s)/(K − s)), s = ``start`` (default K/2);
        ``inf`` when the run diverged.

        Raises:
            GanTheoryError: fewer than one step to measure over (K − s < 1).
        """
        if self.diverged:
            return float("inf")
        r = self.radius
        k = r.size - 1
        s = k // 2 if start is None else int(start)
        if not 0 <= s < k:
            raise GanTheoryError(f"rate needs 0 ≤ start < {k} (the trajectory's steps), got start={start!r}")
        if not (np.isfinite(r[-1]) and r[-1] > 0 and r[s] > 0):
            return float("inf") if not np.isfinite(r[-1]) else 0.0
        return float(np.exp((np.log(r[-1]) - np.log(r[s])) / (k - s)))


class Game:
    """A game in (θ, ψ) with an exact field (:meth:`field_exprs`) and its equilibrium at the origin."""

    symbols = (THETA, PSI)
    generator = (0,)
    discriminator = (1,)

    def _build_field(self) -> tuple[sp.Expr, sp.Expr]:
        raise NotImplementedError

    @functools.cached_property
    def _exprs(self) -> tuple[sp.Expr, sp.Expr]:
        return tuple(self._build_field())

    def field_exprs(self) -> tuple[sp.Expr, sp.Expr]:
        """(v_θ, v_ψ) as sympy expressions in θ, ψ."""
        return self._exprs

    @functools.cached_property
    def _numeric_field(self):
        fn = sp.lambdify(self.symbols, sp.Matrix(self.field_exprs()), modules="numpy")
        return lambda x: np.asarray(fn(x[0], x[1]), dtype=np.float64).ravel()

    def field(self, x: np.ndarray) -> np.ndarray:
        """v(x) as numpy, x = (θ, ψ)."""
        return self._numeric_field(np.asarray(x, dtype=np.float64))

    def _exact_jacobian(self) -> sp.Matrix:
        jac = sp.Matrix(self.field_exprs()).jacobian(list(self.symbols))
        return sp.simplify(jac.subs({s: 0 for s in self.symbols}))

    @functools.cached_property
    def _jacobian(self) -> Jacobian:
        exact = self._exact_jacobian()
        if exact.free_symbols or exact.has(sp.DiracDelta, sp.zoo, sp.nan, sp.oo):
            raise GanTheoryError(f"{self!r}: the field is not differentiable at the equilibrium (Jacobian {exact})")
        return Jacobian(exact, np.array(exact.evalf(30), dtype=np.float64))

    def jacobian(self) -> Jacobian:
        """The Jacobian of the field at the equilibrium, exact (sympy) and as numpy.

        Raises:
            GanTheoryError: the field is not differentiable there (WGAN-GP with target g₀ ≠ 0).
        """
        return self._jacobian

    def eigenvalues(self) -> np.ndarray:
        """Eigenvalues of the continuous-time field's Jacobian at the equilibrium (complex, sorted by
        decreasing imaginary part)."""
        ev = np.linalg.eigvals(self.jacobian().value).astype(complex)
        return ev[np.lexsort((ev.real, -ev.imag))]

    def exact_eigenvalues(self) -> list[sp.Expr]:
        """The eigenvalues of :meth:`jacobian`'s exact matrix (sympy, with multiplicity)."""
        return [ev for ev, m in self.jacobian().exact.eigenvals().items() for _ in range(m)]

    def spectral_radius(self, scheme: str = "simultaneous", h: float = 0.1, h_d: float | None = None,
                        beta: float = 0.0, *, n_d: int = 1) -> float:
        """ρ of the scheme's linearised map at the equilibrium (see :mod:`gantheory.dynamics.schemes`)."""
        return schemes.spectral_radius(self.jacobian().value, scheme, h, h_d=h_d, beta=beta, n_d=n_d,
                                       generator=self.generator, discriminator=self.discriminator)

    def max_stable_step(self, scheme: str = "simultaneous", *, ratio: float = 1.0, beta: float = 0.0,
                        n_d: int = 1) -> float:
        """sup{h : ρ < 1} with h_d = ratio·h (0.0 when none, inf when every step on the grid is stable)."""
        return schemes.max_stable_step(self.jacobian().value, scheme, ratio=ratio, beta=beta, n_d=n_d,
                                       generator=self.generator, discriminator=self.discriminator)

    def simulate(self, theta0: float, psi0: float, steps: int, h: float, scheme: str = "simultaneous",
                 h_d: float | None = None, beta: float = 0.0, *, n_d: int = 1, linearised: bool = False) -> Trajectory:
        """The nonlinear trajectory from (θ₀, ψ₀): ``steps`` steps of size h (``continuous``: the ODE
        sampled every h); ``linearised``: the same scheme on the linear field v(x) = J·x (the prediction).
        A diverging run stops at its last finite state (``Trajectory.diverged``).

        Raises:
            GanTheoryError: θ₀ or ψ₀ not finite, h or h_d not positive and finite, β outside (−1, 1), steps
                not a non-negative integer, an unknown scheme.
        """
        for name, value in (("theta0", theta0), ("psi0", psi0)):
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                    or not np.isfinite(value):
                raise GanTheoryError(f"{name} (initial {'generator' if name == 'theta0' else 'discriminator'} "
                                     f"parameter) must be a finite real number, got {value!r}")
        if linearised:
            jac = self.jacobian().value

            def field(x):
                return jac @ x
        else:
            field = self.field
        xs = schemes.run_scheme(field, np.array([theta0, psi0], dtype=np.float64), steps, h, scheme=scheme,
                                h_d=h_d, beta=beta, n_d=n_d, generator=self.generator,
                                discriminator=self.discriminator)
        return Trajectory(h * np.arange(xs.shape[0]), xs[:, 0], xs[:, 1], scheme, float(h),
                          float(h if h_d is None else h_d), float(beta), diverged=xs.shape[0] < int(steps) + 1,
                          steps_requested=int(steps))


class DiracGAN(Game):
    r"""The Dirac-GAN of Mescheder et al. 2018 (§2.2) for a ``loss`` of
    :data:`~gantheory.dynamics.fields.DIRAC_LOSSES` and a ``regularizer`` of
    :data:`~gantheory.dynamics.fields.REGULARIZERS` with weight ``gamma``; ``target`` is WGAN-GP's g₀,
    ``sigma`` the instance noise's scale, ``loss_params`` overrides the ``LOSSES`` row's parameters.

    Field (see :mod:`gantheory.dynamics.fields`): v = (−∂_θ ℓ_G(ψθ), ∂_ψ V), V = −ℓ_fake(ψθ) − ℓ_real(0) − R.
    Closed forms at the equilibrium (f′(0) = ½ cross-entropy, 1 WGAN/hinge):

    - none: λ = ±i f′(0);   R1/R2: λ = −γ/2 ± sqrt(γ²/4 − f′(0)²);
    - instance noise: λ = σ²f″(0) ± sqrt(σ⁴f″(0)² − f′(0)²) (f″(0) = −¼ cross-entropy, 0 WGAN);
    - consensus and SGA: λ = −γ f′(0)² ± i f′(0);   NK: λ = −γf′(0)²/2 ± sqrt(γ²f′(0)⁴/4 − f′(0)²).

    Raises:
        GanTheoryError: an unknown loss or regulariser, γ or σ not finite, σ ≤ 0.
    """

    def __init__(self, loss: str = "standard", regularizer: str | None = None, gamma: float = 0.0, *,
                 target: float = 1.0, sigma: float = 1.0, loss_params: Mapping[str, float] | None = None,
                 quadrature_nodes: int = 48) -> None:
        resolve(loss, DIRAC_LOSSES, "Dirac-GAN loss")
        resolve(regularizer, REGULARIZERS, "regularizer")
        for name, value in (("gamma", gamma), ("target", target), ("sigma", sigma)):
            if not np.isfinite(value):
                raise GanTheoryError(f"{name} must be finite, got {value!r}")
        if sigma <= 0:
            raise GanTheoryError(f"sigma (instance noise scale) must be positive, got {sigma!r}")
        self.loss, self.regularizer, self.gamma = loss, regularizer, float(gamma)
        self.target, self.sigma, self.loss_params = float(target), float(sigma), dict(loss_params or {})
        self.quadrature_nodes = int(quadrature_nodes)

    def __repr__(self) -> str:
        extra = {"wgan_gp": f", target={self.target:g}", "instance_noise": f", sigma={self.sigma:g}"}
        return (f"DiracGAN(loss={self.loss!r}, regularizer={self.regularizer!r}, gamma={self.gamma:g}"
                f"{extra.get(self.regularizer, '')})")

    def _build_field(self) -> tuple[sp.Expr, sp.Expr]:
        # with ε for instance noise: the field at one noise draw
        return dirac_field(self.loss, self.regularizer, self.gamma, target=self.target, sigma=self.sigma,
                           loss_params=self.loss_params)

    @functools.cached_property
    def _numeric_field(self):
        if self.regularizer != "instance_noise":
            return Game._numeric_field.func(self)
        # E_ε over N(0, σ²) by Gauss–Hermite (probabilists'): exact for polynomials of degree < 2·nodes
        nodes, weights = np.polynomial.hermite_e.hermegauss(self.quadrature_nodes)
        eps, w = self.sigma * nodes, weights / weights.sum()
        fns = [sp.lambdify((THETA, PSI, EPS), e, modules="numpy") for e in self.field_exprs()]

        def field(x):
            return np.array([np.sum(w * np.broadcast_to(np.asarray(fn(x[0], x[1], eps), dtype=np.float64),
                                                        eps.shape)) for fn in fns])

        return field

    def _exact_jacobian(self) -> sp.Matrix:
        if self.regularizer == "wgan_gp" and self.target != 0:
            raise GanTheoryError(f"{self!r}: (|ψ| − g₀)² with g₀ ≠ 0 is not differentiable at ψ = 0, and the "
                                 "origin is not a stationary point of the regularised field (Mescheder et al. 2018, §3.3)")
        jac = sp.Matrix(self.field_exprs()).jacobian([THETA, PSI]).subs({THETA: 0, PSI: 0})
        if self.regularizer == "instance_noise":
            # at θ = ψ = 0 each entry is a polynomial in ε: E ε^k = σ^k (k − 1)!! for even k, 0 for odd k
            s = sp.nsimplify(self.sigma)

            def expect(e):
                poly = sp.Poly(sp.expand(e), EPS)
                return sum(c * (s**k * sp.factorial2(k - 1) if k % 2 == 0 else 0)
                           for (k,), c in poly.terms())

            jac = jac.applyfunc(expect)
        return sp.simplify(jac)


class BilinearGame(Game):
    r"""V(x, y) = x·y, x the minimising player (generator, θ), y the maximising one (ψ): v = (−y, x).

    J = [[0, −1], [1, 0]], λ = ±i; the flow conserves x² + y² (circles); simultaneous GD grows the radius
    by sqrt(1 + h²) per step (Goodfellow 2016, exercise 7.2); extragradient contracts it by
    sqrt(1 − h² + h⁴) (0 < h < 1); optimistic GD has ρ = sqrt((1 + sqrt(1 − 4h²))/2) for h ≤ ½.
    """

    def _build_field(self) -> tuple[sp.Expr, sp.Expr]:
        value = THETA * PSI
        return -sp.diff(value, THETA), sp.diff(value, PSI)

    def __repr__(self) -> str:
        return "BilinearGame()"
