"""The empirical lens's tolerances: a read-only view of the entries of :data:`gantheory.tolerances.TABLE`
whose lens is ``empirical``: the statistical tolerances of the lens and, in their own block, the
convergence tolerances of its internals (Newton stopping rules, the envelope check's quadrature).

The one table, with the lens and the reason for every size, lives in :mod:`gantheory.tolerances`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from gantheory.tolerances import tolerances_of

EMPIRICAL_TOLERANCES: Mapping[str, float] = MappingProxyType(tolerances_of("empirical"))
