r"""Independent references for the quadrature lens: the mpmath oracle at 30 digits and closed forms.

Nothing here calls :mod:`gantheory.quadrature` (a reference computed by the code under test would check
nothing). Divergences and C(G) are :func:`gantheory.oracle.reference_value` (the one mpmath route, with its
own densities and split points); the integrals that are not divergences (a derivative of the JSD, the value
of an arbitrary discriminator) are mpmath tanh–sinh at :data:`MP_DPS` digits over the oracle's densities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import mpmath

    from gantheory.densities import Density

__all__ = ["MP_DPS", "mp_density", "mp_divergence", "mp_integral", "mp_jsd_location_derivative"]

MP_DPS = 30


def mp_divergence(p: Density, q: Density, name: str) -> float:
    """∫ kernel(p, q) of the oracle's ``name`` (``js``, ``criterion``, ``triangular``, ``kl``, …) at
    :data:`MP_DPS` digits (:func:`gantheory.oracle.reference_value`)."""
    from gantheory.oracle import reference_value

    return float(reference_value(p, q, name, dps=MP_DPS))


def mp_density(density: Density) -> Callable[[mpmath.mpf], mpmath.mpf]:
    """x ↦ p(x) in mpmath from the oracle's log density, its constants formed at :data:`MP_DPS` digits."""
    import mpmath as mp

    from gantheory.oracle import mp_logpdf

    with mp.workdps(MP_DPS):
        logpdf = mp_logpdf(density)
    return lambda x: mp.exp(logpdf(x))


def mp_integral(integrand: Callable[[mpmath.mpf], mpmath.mpf], locs: Iterable[float], scales: Iterable[float]) -> float:
    """∫ integrand(x) dx over ℝ with mpmath (tanh-sinh), split every scale around each Gaussian."""
    import mpmath as mp

    pts = sorted({float(loc + k * s) for loc, s in zip(locs, scales, strict=True) for k in (-12, -6, -3, 0, 3, 6, 12)})
    with mp.workdps(MP_DPS):
        return float(mp.quad(integrand, [-mp.inf, *[mp.mpf(p) for p in pts], mp.inf]))


def mp_jsd_location_derivative(theta: float) -> float:
    r"""d/dθ JSD(N(θ, 1) ‖ N(0, 1)) = ½∫ ∂_θp_θ · log(2p_θ/(p_θ + q)) dx with ∂_θp_θ = (x − θ)p_θ (the
    other terms of the derivative integrate ∂_θp_θ against a constant and vanish), by mpmath."""
    import mpmath as mp

    from gantheory.densities import Normal

    density_p, density_q = mp_density(Normal(theta, 1.0)), mp_density(Normal(0.0, 1.0))

    def f(x):
        pp, qq = density_p(x), density_q(x)
        if pp == 0:
            return mp.mpf(0)
        return (x - theta) * pp * mp.log(2 * pp / (pp + qq)) / 2

    return mp_integral(f, (theta, 0.0), (1.0, 1.0))
