r"""Vector fields of two-player games, each with its sympy form: the Dirac-GAN per loss and regulariser.

The **Dirac-GAN** (Mescheder, Geiger & Nowozin 2018, §2.2): the generator is a point mass δ_θ, the
discriminator is linear, D_ψ(x) = ψ·x (its output ``a`` is a logit for the cross-entropy games and the raw
output otherwise), the data are δ_0. In gantheory's labelling (a row of :data:`gantheory.losses.LOSSES`:
the discriminator minimises ℓ_real on data and ℓ_fake on generated samples) the discriminator maximises

.. math:: V(\theta, \psi) = -\ell_{fake}(\psi\theta) - \ell_{real}(0) - R(\theta, \psi)

and the generator minimises its own term ℓ_G(ψθ) (a row of :data:`gantheory.losses.GENERATORS`; the
minimax generator has ℓ_G = −ℓ_fake, so the game is zero-sum). Writing f(t) = −ℓ_fake(−t) this is
Mescheder's V = f(−ψθ) + f(0) with ψ → −ψ, so every spectrum is theirs. The **simultaneous gradient
field** is

.. math:: v(\theta, \psi) = \big(-\partial_\theta \ell_G(\psi\theta),\ \partial_\psi V(\theta, \psi)\big),

and (θ, ψ) = (0, 0) is its equilibrium. Unregularised, its Jacobian there is [[0, f′(0)], [−f′(0), 0]]:
eigenvalues ±i·f′(0), f′(0) = ½ for the cross-entropy games and 1 for WGAN and hinge.

Regularisers (:data:`REGULARIZERS`), with γ their weight:

- ``r1``/``r2``: γ/2·E‖∇ₓD‖² on real (R1) or generated (R2) samples; in the Dirac-GAN both are γ/2·ψ²
  (Mescheder et al. 2018, §4.1).
- ``wgan_gp``: γ/2·(|ψ| − g₀)² with its ``target`` g₀ (Gulrajani et al. 2017 use g₀ = 1); the equilibrium
  is a stationary point only for g₀ = 0 (Mescheder et al. 2018, §3.3).
- ``instance_noise``: data and samples blurred by N(0, σ²) (``sigma``), V = E_ε[−ℓ_fake(ψ(θ + ε)) −
  ℓ_real(ψε)] (Sønderby et al. 2017; Mescheder et al. 2018, §3.4); expectations by Gauss–Hermite in the
  simulation and by Gaussian moments in the exact Jacobian.
- ``consensus``: v − γ·J(x)ᵀv(x) = v − γ∇(½‖v‖²) (Mescheder, Nowozin & Geiger 2017).
- ``nk``: the generator minimises ℓ_G + γ/2·(∂_ψV)² (Nagarajan & Kolter 2017).
- ``sga``: v + γ·A(x)v(x), A = (J − Jᵀ)/2 the antisymmetric part of v's Jacobian (Balduzzi et al. 2018,
  with their ξ = −v and λ = γ).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

from gantheory.errors import GanTheoryError

__all__ = [
    "DIRAC_LOSSES",
    "EPS",
    "PSI",
    "REGULARIZERS",
    "THETA",
    "DiracLoss",
    "Regularizer",
    "dirac_field",
    "resolve",
]

THETA, PSI = sp.symbols("theta psi", real=True)  # the generator's point mass, the discriminator's slope
EPS = sp.Symbol("epsilon", real=True)  # instance noise


@dataclass(frozen=True)
class DiracLoss:
    """A Dirac-GAN loss: the ``LOSSES`` row of the discriminator and the ``GENERATORS`` row of the generator."""

    name: str
    loss: str
    generator: str
    title: str


DIRAC_LOSSES: dict[str, DiracLoss] = {d.name: d for d in (
    DiracLoss("standard", "standard", "minimax", "cross-entropy, minimax generator (Goodfellow et al. 2014)"),
    DiracLoss("non_saturating", "standard", "non_saturating", "cross-entropy, non-saturating generator"),
    DiracLoss("wgan", "wasserstein", "hinge", "WGAN: linear critic f(t) = t (Arjovsky et al. 2017)"),
    DiracLoss("hinge", "hinge", "hinge", "hinge (Lim & Ye 2017; Miyato et al. 2018)"),
    DiracLoss("least_squares", "least_squares", "least_squares", "least squares (Mao et al. 2017), (a, b, c) "
              "from LOSSES; with the default c = 0 the generator's linear term vanishes and J is nilpotent"),
)}


@dataclass(frozen=True)
class Regularizer:
    """A regulariser: its ``name``, the ``formula`` it adds (text) and its ``reference``."""

    name: str
    formula: str
    reference: str


REGULARIZERS: dict[str | None, Regularizer] = {r.name: r for r in (
    Regularizer(None, "none", "Mescheder et al. 2018, §2.2"),
    Regularizer("r1", "γ/2·E_{p_data}‖∇ₓD‖² = γ/2·ψ²", "Mescheder et al. 2018, §4.1"),
    Regularizer("r2", "γ/2·E_{p_g}‖∇ₓD‖² = γ/2·ψ²", "Mescheder et al. 2018, §4.1"),
    Regularizer("wgan_gp", "γ/2·(|ψ| − g₀)²", "Gulrajani et al. 2017; Mescheder et al. 2018, §3.3"),
    Regularizer("instance_noise", "x → x + ε, ε ~ N(0, σ²)", "Sønderby et al. 2017; Mescheder et al. 2018, §3.4"),
    Regularizer("consensus", "v − γ·Jᵀv", "Mescheder, Nowozin & Geiger 2017"),
    Regularizer("nk", "generator: ℓ_G + γ/2·(∂_ψ V)²", "Nagarajan & Kolter 2017"),
    Regularizer("sga", "v + γ·A·v, A = (J − Jᵀ)/2", "Balduzzi et al. 2018"),
)}


def resolve(name: str | None, registry: Mapping, what: str) -> object:
    """``registry[name]``; an unknown name raises naming ``what`` and the nearest valid names."""
    if name in registry:
        return registry[name]
    close = difflib.get_close_matches(str(name), [str(k) for k in registry], n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise GanTheoryError(f"unknown {what} {name!r}{hint} (known: {', '.join(str(k) for k in registry)})")


def _terms(loss: DiracLoss, params: Mapping[str, float]):
    from gantheory.losses import GENERATORS, LOSSES

    row = LOSSES[loss.loss]
    kw = {k: sp.nsimplify(v) for k, v in row.bind(params).items()}
    real, fake = row.terms("sympy", **kw)
    gen = GENERATORS[loss.generator]
    gen_kw = {"c": kw["c"]} if loss.generator == "least_squares" else {}
    return real, fake, (lambda a: gen(a, "sympy", **gen_kw))


def dirac_field(loss: str, regularizer: str | None, gamma: float, *, target: float = 1.0, sigma: float = 1.0,
                loss_params: Mapping[str, float] | None = None) -> tuple[sp.Expr, sp.Expr]:
    r"""The Dirac-GAN's simultaneous gradient field (v_θ, v_ψ) as sympy expressions in :data:`THETA`,
    :data:`PSI` (and :data:`EPS` for ``instance_noise``: the field at one noise draw; its expectation over
    ε ~ N(0, σ²) is the field).

    Raises:
        GanTheoryError: an unknown ``loss``/``regularizer`` (naming the nearest ones) or a bad parameter.
    """
    spec = resolve(loss, DIRAC_LOSSES, "Dirac-GAN loss")
    resolve(regularizer, REGULARIZERS, "regularizer")
    g = sp.nsimplify(gamma)
    real, fake, gen = _terms(spec, dict(loss_params or {}))
    th, ps = THETA, PSI
    if regularizer == "instance_noise":
        value = -fake(ps * (th + EPS)) - real(ps * EPS)
        gen_loss = gen(ps * (th + EPS))
    else:
        value = -fake(ps * th) - real(sp.Integer(0) * ps)
        gen_loss = gen(ps * th)
    if regularizer in ("r1", "r2"):
        value = value - g / 2 * ps**2
    elif regularizer == "wgan_gp":
        g0 = sp.nsimplify(target)
        # |ψ|² = ψ² keeps the g₀ = 0 penalty polynomial (differentiable at ψ = 0)
        value = value - g / 2 * (ps**2 if g0 == 0 else (sp.Abs(ps) - g0) ** 2)
    if regularizer == "nk":
        gen_loss = gen_loss + g / 2 * sp.diff(value, ps) ** 2
    v = sp.Matrix([-sp.diff(gen_loss, th), sp.diff(value, ps)])
    if regularizer in ("consensus", "sga"):
        jac = v.jacobian([th, ps])
        v = v - g * jac.T * v if regularizer == "consensus" else v + g * (jac - jac.T) / 2 * v
    return v[0], v[1]
