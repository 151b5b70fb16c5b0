"""The empirical lens's tolerances: a view of :data:`gantheory.tolerances.TABLE` (``lens == "empirical"``).

The one table, with the reason for every size, lives in :mod:`gantheory.tolerances`.
"""

from __future__ import annotations

from gantheory.tolerances import tolerances_of

EMPIRICAL_TOLERANCES: dict[str, float] = tolerances_of("empirical")
