"""The empirical lens's tolerances: :data:`gantheory.tolerances.TOLERANCES`, under its historical name.

The one table, with the lens and the reason for every size, lives in :mod:`gantheory.tolerances`.
"""

from __future__ import annotations

from gantheory.tolerances import TOLERANCES

EMPIRICAL_TOLERANCES: dict[str, float] = TOLERANCES
