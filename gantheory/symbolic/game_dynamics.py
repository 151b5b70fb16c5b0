r"""Game dynamics as step-checked derivations: the Dirac-GAN's spectrum without and with R1/R2.

``dirac-unregularised``
    Mescheder, Geiger & Nowozin 2018, Lemmas 2.2–2.3: at the equilibrium of the Dirac-GAN (gantheory's
    field, :mod:`gantheory.dynamics.fields`, standard loss) the Jacobian is [[0, a], [−a, 0]] with
    a = f′(0) = ½, its eigenvalues ±ia; the flow conserves θ² + ψ²; one simultaneous step multiplies
    the squared radius of each eigen-component by |1 + iha|² = 1 + h²a² > 1; the non-saturating, WGAN and
    hinge fields have characteristic polynomial λ² + f′(0)² too.
``dirac-gradient-penalty``
    Their Thm. 4.1 and §4.1: with R1/R2 weight γ > 0 (a symbol) the Jacobian is [[0, a], [−a, −γ]], its
    characteristic polynomial λ² + γλ + a², roots −γ/2 ± sqrt(γ²/4 − a²), both with negative real part
    (sum −γ < 0, product a² > 0); for 0 < γ < 2a one simultaneous step has |1 + hλ|² = 1 − hγ + h²a²,
    below 1 iff h < γ/a², smallest at h* = γ/(2a²). R2 and WGAN-GP with g₀ = 0 have R1's Jacobian; WGAN
    with R1 has λ² + γλ + 1.

The Jacobian entries are computed from the field (sympy derivatives at the origin) and compared with the
paper's matrix, so these derivations check the code's field against the paper, not against itself.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from gantheory.symbolic.derivation import Derivation, equal_step, sign_step

__all__ = ["dirac_gradient_penalty", "dirac_unregularised"]

MESCHEDER = "Mescheder, Geiger & Nowozin 2018"
LAM, H = sp.Symbol("lambda"), sp.Symbol("h", positive=True)


def _jacobian(vt: sp.Expr, vp: sp.Expr) -> sp.Matrix:
    from gantheory.dynamics.fields import PSI, THETA

    return sp.Matrix([vt, vp]).jacobian([THETA, PSI]).subs({THETA: 0, PSI: 0})


@cache
def dirac_unregularised(eigenvalue_scale: int = 1) -> Derivation:
    """The unregularised Dirac-GAN (standard loss): J, its eigenvalues ±i·f′(0), conservation, the
    simultaneous step's growth. ``eigenvalue_scale`` ≠ 1 claims ±i·scale·f′(0) (a negative control)."""
    from gantheory.dynamics.fields import PSI, THETA, dirac_field

    a = sp.Rational(1, 2)
    vt, vp = dirac_field("standard", None, 0.0)
    jac = _jacobian(vt, vp)
    claimed = sp.I * a * eigenvalue_scale
    steps = (
        equal_step("J₁₂ = ∂v_θ/∂ψ at 0", "v_θ = ψ·σ(ψθ) from −∂_θ of the minimax generator's loss", jac[0, 1], a),
        equal_step("J₂₁ = ∂v_ψ/∂θ at 0", "v_ψ = −θ·σ(ψθ)", jac[1, 0], -a),
        equal_step("J₁₁ = J₂₂ = 0", "no self-interaction at the equilibrium", jac[0, 0] ** 2 + jac[1, 1] ** 2, 0),
        equal_step("Characteristic polynomial", "det(λI − J)", (LAM * sp.eye(2) - jac).det(), LAM**2 + a**2),
        equal_step("Eigenvalues", "λ = ±i·f′(0) solves λ² + f′(0)² = 0", claimed**2 + a**2, 0),
        equal_step("Conservation", "d/dt (θ² + ψ²)/2 = θv_θ + ψv_ψ", THETA * vt + PSI * vp, 0),
        equal_step("One simultaneous step", "an eigen-component is multiplied by 1 + hλ, |1 + iha|²",
                   sp.expand((1 + H * sp.I * a) * (1 - H * sp.I * a)), 1 + H**2 * a**2),
        sign_step("No convergence", "|1 + hλ|² − 1 = h²f′(0)² > 0 for every h > 0", 1 + H**2 * a**2, ">", 1),
        *_other_losses(),
    )
    return Derivation("dirac-unregularised", f"{MESCHEDER}, Lemmas 2.2–2.3",
                      ("standard loss: f′(0) = ½", "h > 0"), steps, sp.Eq(LAM**2, -(a**2)))


def _other_losses() -> tuple:
    """The same spectrum for the other zero-sum losses (f′(0) = ½ non-saturating, 1 WGAN and hinge), and
    conservation for WGAN's exactly bilinear field."""
    from gantheory.dynamics.fields import PSI, THETA, dirac_field
    from gantheory.dynamics.theory import F_PRIME

    steps = []
    for loss in ("non_saturating", "wgan", "hinge"):
        a = sp.nsimplify(F_PRIME[loss])
        jac = _jacobian(*dirac_field(loss, None, 0.0))
        steps.append(equal_step(f"{loss}: characteristic polynomial", f"det(λI − J) = λ² + f′(0)², f′(0) = {a}",
                                sp.expand((LAM * sp.eye(2) - jac).det()), LAM**2 + a**2))
    vt, vp = dirac_field("wgan", None, 0.0)
    steps.append(equal_step("wgan: conservation", "θv_θ + ψv_ψ for v = (ψ, −θ)", THETA * vt + PSI * vp, 0))
    return tuple(steps)


def _penalty_variants(gamma: sp.Symbol, jac_r1: sp.Matrix) -> tuple:
    """R2 and WGAN-GP with g₀ = 0 have R1's Jacobian; WGAN's R1 Jacobian is [[0, 1], [−1, −γ]]."""
    from gantheory.dynamics.fields import dirac_field

    def gap(m):
        return sum(e**2 for e in (m - jac_r1))

    wgan = _jacobian(*dirac_field("wgan", "r1", gamma))
    return (
        equal_step("R2: the same Jacobian", "E_{p_g}‖∇ₓD‖² = ψ² as well: ‖J(R2) − J(R1)‖² = 0",
                   gap(_jacobian(*dirac_field("standard", "r2", gamma))), 0),
        equal_step("WGAN-GP with g₀ = 0: the same Jacobian", "(|ψ| − 0)² = ψ²: ‖J(GP) − J(R1)‖² = 0",
                   gap(_jacobian(*dirac_field("standard", "wgan_gp", gamma, target=0.0))), 0),
        equal_step("WGAN + R1: characteristic polynomial", "f′(0) = 1: λ² + γλ + 1",
                   sp.expand((LAM * sp.eye(2) - wgan).det()), LAM**2 + gamma * LAM + 1),
    )


@cache
def dirac_gradient_penalty(gamma_positive: bool = True) -> Derivation:
    """R1/R2 on the Dirac-GAN (standard loss) with a symbolic weight γ; ``gamma_positive=False`` declares
    γ < 0 (the negative control: the Routh–Hurwitz step must fail)."""
    from gantheory.dynamics.fields import dirac_field

    a = sp.Rational(1, 2)
    gamma = sp.Symbol("gamma", positive=True) if gamma_positive else sp.Symbol("gamma", negative=True)
    vt, vp = dirac_field("standard", "r1", gamma)
    jac = _jacobian(vt, vp)
    poly = LAM**2 + gamma * LAM + a**2
    root = -gamma / 2 + sp.sqrt(gamma**2 / 4 - a**2)
    omega2 = a**2 - gamma**2 / 4  # λ = −γ/2 ± iω for 0 < γ < 2a
    mod2 = (1 - H * gamma / 2) ** 2 + H**2 * omega2
    steps = (
        equal_step("J₂₂ = −γ", "∂_ψ of −γ/2·ψ²: E‖∇ₓD‖² = ψ² for D(x) = ψx", jac[1, 1], -gamma),
        equal_step("Characteristic polynomial", "det(λI − J)", sp.expand((LAM * sp.eye(2) - jac).det()), poly),
        equal_step("Eigenvalues", "λ± = −γ/2 ± sqrt(γ²/4 − f′(0)²)", sp.expand(poly.subs(LAM, root)), 0),
        sign_step("Routh–Hurwitz: sum of roots", "λ₊ + λ₋ = −γ < 0", -gamma, "<", 0),
        sign_step("Routh–Hurwitz: product of roots", "λ₊λ₋ = f′(0)² > 0, so both Re λ < 0", a**2, ">", 0),
        equal_step("One simultaneous step (0 < γ < 2f′(0))", "|1 + hλ|² with λ = −γ/2 + iω, ω² = f′² − γ²/4",
                   sp.expand(mod2), 1 - H * gamma + H**2 * a**2),
        equal_step("Stable iff h < γ/f′(0)²", "|1 + hλ|² − 1 = h·(h f′² − γ)", sp.expand(mod2 - 1),
                   sp.expand(H * (H * a**2 - gamma))),
        equal_step("Optimal step", "d/dh |1 + hλ|² = 0 at h* = γ/(2f′²)",
                   sp.diff(mod2, H).subs(H, gamma / (2 * a**2)), 0),
        *_penalty_variants(gamma, jac),
    )
    return Derivation("dirac-gradient-penalty", f"{MESCHEDER}, Thm. 4.1 and §4.1",
                      ("standard loss: f′(0) = ½", "γ > 0" if gamma_positive else "γ < 0", "h > 0"), steps,
                      sp.Eq(LAM, root))
