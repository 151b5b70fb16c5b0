"""Properties of the Monitor on arbitrary finite outputs (hypothesis, the project's randomised profile)."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gantheory.losses import LOSSES
from gantheory.runs import Monitor

ROWS = sorted(n for n, r in LOSSES.items()
              if r.value is not None and getattr(r, "coupling", "separable") == "separable")
outputs = arrays(np.float64, st.integers(2, 40), elements=st.floats(-50, 50, allow_nan=False))


@settings(deadline=None)
@given(st.sampled_from(ROWS), st.sampled_from(["clt", "hoeffding"]), outputs, outputs)
def test_bounds_are_ordered_within_range_and_finite(loss, method, real, fake):
    """Every row's terms are bounded below by the row's minimum, so 0 ≤ lower bound ≤ plug-in ≤ 𝒟_max
    (the plug-in may exceed 𝒟_max only if a term went below its minimum: never). The Hoeffding bound is
    computed on clipped outputs, so it may sit above the unclipped plug-in; it stays in range."""
    mon = Monitor(loss, method=method)
    lo, _ = getattr(LOSSES[loss], "domain", (-np.inf, np.inf))
    if lo > -np.inf:  # a game on a half-line (EBGAN energies ≥ 0)
        real, fake = lo + np.abs(real), lo + np.abs(fake)
    mon.update(0, real, fake)
    s = mon.summary()
    upper = mon.convention.divergence_upper
    assert 0.0 <= s["lower_bound"] <= s["estimate"] + 1e-12 or method == "hoeffding"
    assert 0.0 <= s["lower_bound"] <= upper + 1e-12 and 0.0 <= s["estimate"] <= upper + 1e-12
    json.dumps(s, allow_nan=False)


def test_regression_unbounded_divergence_summary_is_json():
    """Found by the randomised profile: the drift row's divergence (Neyman χ²) has no upper end, and its
    'minimum' −∞ leaked into the summary's JSON; it is now null."""
    if "drift" not in LOSSES:
        return
    mon = Monitor("drift")
    mon.update(0, np.zeros(2), np.zeros(2))
    s = mon.summary()
    assert s["convention"]["minimum"] is None
    json.dumps(s, allow_nan=False)
