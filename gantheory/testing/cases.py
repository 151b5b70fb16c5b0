"""Named density pairs with their exact Jensen–Shannon divergence — the ``gan_pair`` fixture's cases.

Each case says where its answer came from: a closed form, or ``mpmath.quad`` at 45 digits (the
integral ½∫ p log(2p/(p+q)) + q log(2q/(p+q)) split at the modes and scale points; the script is in
the docstring of :data:`GAN_PAIRS`). The value of the GAN criterion follows from Theorem 1 of
Goodfellow et al. (2014): C(G) = −log 4 + 2·JSD(p_data‖p_g).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

__all__ = ["GAN_PAIRS", "GanPair"]


@dataclass(frozen=True)
class GanPair:
    """A named (p_data, p_g) pair and its exact JSD in nats (½ convention, natural log).

    ``p_data`` and ``p_g`` are built on first access (so importing this module builds no densities).
    """

    name: str
    build: Callable = None  # () -> (p_data, p_g)
    js_divergence: float = math.nan
    source: str = ""

    @property
    def densities(self):
        return self.build()

    @property
    def p_data(self):
        return self.build()[0]

    @property
    def p_g(self):
        return self.build()[1]

    @property
    def criterion(self) -> float:
        """C(G) = −log 4 + 2·JSD (Goodfellow et al. 2014, Thm. 1)."""
        return -math.log(4.0) + 2.0 * self.js_divergence

    def __iter__(self):  # p_data, p_g = gan_pair
        return iter(self.build())

    def __repr__(self):
        p, q = self.build()
        return f"GanPair({self.name!r}: {p!r} vs {q!r}, JSD={self.js_divergence!r})"


def _normal(loc, scale):
    from gantheory.densities import Normal

    return Normal(loc, scale)


def _cases():
    # Densities are built lazily, inside each lambda, so that this table costs nothing to import.
    from gantheory.densities import Discrete, Mixture, StudentT, Uniform

    return {
        "identical": (
            lambda: (_normal(0.0, 1.0), _normal(0.0, 1.0)),
            0.0,
            "exact: JSD(p‖p) = 0",
        ),
        "shifted_normal": (
            lambda: (_normal(0.0, 1.0), _normal(1.0, 1.0)),
            0.11142148218473617971723681221756024425559116,
            "mpmath.quad, 45 digits",
        ),
        "nested_uniform": (
            lambda: (Uniform(0.0, 1.0), Uniform(0.0, 2.0)),
            0.75 * math.log(4.0 / 3.0),
            "closed form: ¾·log(4/3)",
        ),
        "disjoint_uniform": (
            lambda: (Uniform(0.0, 1.0), Uniform(2.0, 3.0)),
            math.log(2.0),
            "closed form: log 2 for disjoint supports",
        ),
        "heavy_tailed": (
            lambda: (StudentT(1.0, 0.0, 1.0), _normal(0.0, 1.0)),
            0.0831700898279604074971120467454683624538035136,
            "mpmath.quad, 45 digits (Cauchy vs standard normal)",
        ),
        "bimodal": (
            lambda: (Mixture([_normal(-2.0, 0.5), _normal(2.0, 0.5)], [0.5, 0.5]), _normal(0.0, 1.0)),
            0.366294952237948991621548411646871795067075927,
            "mpmath.quad, 45 digits",
        ),
        "discrete": (
            lambda: (Discrete([0.0, 1.0, 2.0], [0.2, 0.3, 0.5]), Discrete([1.0, 2.0, 3.0], [0.5, 0.25, 0.25])),
            0.18982907218619767855712126107188745473948997,
            "exact finite sum (mpmath, 45 digits)",
        ),
    }


GAN_PAIRS: dict[str, GanPair] = {name: GanPair(name, build, js, source) for name, (build, js, source) in _cases().items()}
