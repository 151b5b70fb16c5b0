"""Named density pairs with their exact Jensen–Shannon divergence — the ``gan_pair`` fixture's cases.

A view of the case registry :data:`gantheory.cases.CASES`: every case tagged ``gan_pair``, under its
kit name (``Case.aliases[0]``). Each value keeps the registry's provenance (a closed form, or the mpmath
oracle at 45 digits, re-derived digit by digit by ``tests/test_cases.py``). The value of the GAN
criterion follows from Theorem 1 of Goodfellow et al. (2014): C(G) = −log 4 + 2·JSD(p_data‖p_g).

>>> sorted(GAN_PAIRS)
['bimodal', 'discrete', 'disjoint_uniform', 'heavy_tailed', 'identical', 'nested_uniform', 'shifted_normal']
>>> p_data, p_g = GAN_PAIRS["shifted_normal"]
>>> round(GAN_PAIRS["shifted_normal"].js_divergence, 15)
0.111421482184736
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gantheory.cases import tagged

if TYPE_CHECKING:
    from gantheory.densities import Density

__all__ = ["GAN_PAIRS", "GanPair"]


@dataclass(frozen=True)
class GanPair:
    """A named (p_data, p_g) pair and its exact JSD in nats (½ convention, natural log).

    ``build`` returns (p_data, p_g); ``source`` says where ``js_divergence`` came from.
    """

    name: str
    build: Callable = None  # () -> (p_data, p_g)
    js_divergence: float = math.nan
    source: str = ""

    @property
    def densities(self) -> tuple[Density, Density]:
        return self.build()

    @property
    def p_data(self) -> Density:
        return self.build()[0]

    @property
    def p_g(self) -> Density:
        return self.build()[1]

    @property
    def criterion(self) -> float:
        """C(G) = −log 4 + 2·JSD (Goodfellow et al. 2014, Thm. 1)."""
        from gantheory.numerics import LOG4

        return -LOG4 + 2.0 * self.js_divergence

    def __iter__(self) -> Iterator[Density]:  # p_data, p_g = gan_pair
        return iter(self.build())

    def __repr__(self) -> str:
        p, q = self.build()
        return f"GanPair({self.name!r}: {p!r} vs {q!r}, JSD={self.js_divergence!r})"


def _view(case) -> GanPair:
    return GanPair(case.aliases[0], lambda: (case.p, case.q), case.expected["js"], case.source["js"])


GAN_PAIRS: dict[str, GanPair] = {pair.name: pair for pair in map(_view, tagged("gan_pair").values())}
