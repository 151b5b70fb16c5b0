r"""The literature's closed forms for the Dirac-GAN and the bilinear game, written once (sympy in, sympy out;
``float``/``complex`` in, numbers out), so every lens compares the computed spectra with the same formulas.

Notation: a = f′(0), b = f″(0) of the loss's f(t) = −ℓ_fake(−t) (:data:`F_PRIME`, :data:`F_SECOND`: the
papers' values, not derived from :data:`gantheory.losses.LOSSES`), γ the regulariser's weight, σ the
instance noise's scale, h (h_d) the generator's (discriminator's) step size.

- none: λ = ±i·a (Mescheder et al. 2018, Lemma 2.2); simultaneous GD: ρ = sqrt(1 + h·h_d·a²) (Lemma 2.3 with
  two step sizes); alternating GD: |λ(M)| = 1 while h·h_d·a² < 4 (Lemma 2.4).
- R1/R2 (and WGAN-GP with g₀ = 0): λ = −γ/2 ± sqrt(γ²/4 − a²) (Thm. 4.1); simultaneous GD is stable for
  h < h_max = γ/a² (γ < 2a) or 2/(γ/2 + sqrt(γ²/4 − a²)) (γ ≥ 2a), fastest at h* = γ/(2a²) with
  ρ* = sqrt(1 − γ²/(4a²)) (γ < 2a) or h* = 2/γ with ρ* = 2·sqrt(γ²/4 − a²)/γ (γ ≥ 2a).
- instance noise: λ = σ²b ± sqrt(σ⁴b² − a²) (Mescheder et al. 2018, Lemma 3.3).
- consensus optimisation and SGA: λ = −γa² ± i·a; Nagarajan–Kolter: λ = −γa²/2 ± sqrt(γ²a⁴/4 − a²), the R1
  spectrum at γ_R1 = γa².
- bilinear V = xy: simultaneous ρ = sqrt(1 + h²); extragradient ρ = sqrt(1 − h² + h⁴);
  optimistic ρ = sqrt((1 + sqrt(1 − 4h²))/2) for h ≤ ½.
"""

from __future__ import annotations

from typing import Any

__all__ = ["F_PRIME", "F_SECOND", "eigenvalues", "penalty_optimal_step", "penalty_stable_step", "rho_bilinear",
           "rho_simultaneous_unregularised"]

# f = log σ for the cross-entropy games (f′(0) = ½, f″(0) = −¼); f(t) = t for WGAN and, near 0, hinge.
F_PRIME = {"standard": 0.5, "non_saturating": 0.5, "wgan": 1.0, "hinge": 1.0}
F_SECOND = {"standard": -0.25, "non_saturating": -0.25, "wgan": 0.0, "hinge": 0.0}


def _sqrt(x: Any) -> Any:
    if hasattr(x, "free_symbols") or type(x).__module__.startswith("sympy"):
        import sympy as sp

        return sp.sqrt(x)
    import cmath

    return cmath.sqrt(x)


def _i(x: Any) -> Any:
    if hasattr(x, "free_symbols"):
        import sympy as sp

        return sp.I
    return 1j


def eigenvalues(kind: str, a: Any, *, gamma: Any = 0, b: Any = 0, sigma: Any = 1) -> list:
    """The two eigenvalues at the Dirac-GAN's equilibrium for regulariser ``kind`` (``none``, ``r1``, ``r2``,
    ``wgan_gp`` (g₀ = 0), ``instance_noise``, ``consensus``, ``sga``, ``nk``)."""
    if kind == "none":
        return [_i(a) * a, -_i(a) * a]
    if kind in ("r1", "r2", "wgan_gp"):
        s = _sqrt(gamma**2 / 4 - a**2)
        return [-gamma / 2 + s, -gamma / 2 - s]
    if kind == "instance_noise":
        s = _sqrt(sigma**4 * b**2 - a**2)
        return [sigma**2 * b + s, sigma**2 * b - s]
    if kind in ("consensus", "sga"):
        return [-gamma * a**2 + _i(a) * a, -gamma * a**2 - _i(a) * a]
    if kind == "nk":
        s = _sqrt(gamma**2 * a**4 / 4 - a**2)
        return [-gamma * a**2 / 2 + s, -gamma * a**2 / 2 - s]
    raise ValueError(f"no closed form for {kind!r}")


def penalty_stable_step(a: float, gamma: float) -> float:
    """h_max of simultaneous GD with R1/R2 weight γ > 0 (see the module docstring)."""
    if gamma < 2 * a:
        return gamma / a**2
    return 2.0 / (gamma / 2 + (gamma**2 / 4 - a**2) ** 0.5)


def penalty_optimal_step(a: float, gamma: float) -> tuple[float, float]:
    """(h*, ρ*): the step minimising simultaneous GD's spectral radius with R1/R2 weight γ > 0, and ρ there."""
    if gamma < 2 * a:
        return gamma / (2 * a**2), (1 - gamma**2 / (4 * a**2)) ** 0.5
    return 2.0 / gamma, 2 * (gamma**2 / 4 - a**2) ** 0.5 / gamma


def rho_simultaneous_unregularised(a: float, h: float, h_d: float | None = None) -> float:
    """sqrt(1 + h·h_d·a²): the radius growth per simultaneous step (h_d ≠ h: two time-scales)."""
    h_d = h if h_d is None else h_d
    return (1 + h * h_d * a**2) ** 0.5


def rho_bilinear(scheme: str, h: float) -> float:
    """Spectral radius of ``simultaneous``, ``extragradient`` or ``optimistic`` (h ≤ ½) on V = xy."""
    if scheme == "simultaneous":
        return (1 + h**2) ** 0.5
    if scheme == "extragradient":
        return (1 - h**2 + h**4) ** 0.5
    if scheme == "optimistic":
        if h > 0.5:
            raise ValueError("the optimistic closed form holds for h <= 1/2")
        return ((1 + (1 - 4 * h**2) ** 0.5) / 2) ** 0.5
    raise ValueError(f"no closed form for {scheme!r}")
