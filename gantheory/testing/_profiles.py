"""Hypothesis profiles ``dev``, ``ci`` and ``thorough`` — a table of plain settings, no hypothesis import.

========  ============  ==========================================================================
profile   max_examples  use
========  ============  ==========================================================================
dev       10            editing locally: a smoke test of every property in seconds
ci        50            every push; extends hypothesis's own ``ci`` profile, so it stays derandomised
                        (same examples every run), with no database and no deadline
thorough  1000          nightly or before a release (about 20x the ``ci`` cost)
========  ============  ==========================================================================

Selection, first match wins: ``--gantheory-profile NAME`` (pytest option), then
``GANTHEORY_HYPOTHESIS_PROFILE=NAME``, then — when hypothesis detects a CI (``CI`` is set) — ``ci``.
Otherwise hypothesis keeps whatever profile is active (its ``default``), so installing gantheory
never changes the behaviour of other projects' test suites. hypothesis's own ``--hypothesis-profile``
also accepts these names.
"""

from __future__ import annotations

import os

__all__ = ["ENV_VAR", "PROFILES", "register_profiles", "select_profile"]

ENV_VAR = "GANTHEORY_HYPOTHESIS_PROFILE"

# name -> keyword arguments for hypothesis.settings (HealthCheck names as strings, resolved on use).
PROFILES: dict[str, dict] = {
    "dev": {"max_examples": 10, "deadline": None, "suppress_health_check": ("too_slow",)},
    "ci": {"max_examples": 50},  # on top of hypothesis's built-in "ci": derandomize, no db, no deadline
    "thorough": {"max_examples": 1000, "deadline": None, "suppress_health_check": ("too_slow", "data_too_large")},
}

_hypothesis_ci = None  # hypothesis's own "ci" profile, kept as the parent of ours


def register_profiles() -> None:
    """Register the three profiles with hypothesis (idempotent; imports hypothesis).

    If the active profile is one of ours (e.g. hypothesis auto-loaded ``ci`` because ``CI`` is set),
    re-registering makes our version active at once.
    """
    global _hypothesis_ci
    from hypothesis import HealthCheck, settings

    if _hypothesis_ci is None:
        _hypothesis_ci = settings.get_profile("ci")
    for name, kwargs in PROFILES.items():
        kwargs = dict(kwargs)
        if "suppress_health_check" in kwargs:
            kwargs["suppress_health_check"] = [HealthCheck[h] for h in kwargs["suppress_health_check"]]
        parent = _hypothesis_ci if name == "ci" else None
        settings.register_profile(name, parent, **kwargs)


def select_profile(option: str | None = None, environ=None) -> str | None:
    """The profile to load, or ``None`` to leave hypothesis's choice alone.

    Raises:
        ValueError: an unknown name (the message names its source and lists the valid ones).
    """
    environ = os.environ if environ is None else environ
    for source, name in (("--gantheory-profile", option), (ENV_VAR, environ.get(ENV_VAR))):
        if name:
            if name not in PROFILES:
                raise ValueError(f"{source}={name!r} is not a gantheory profile; choose one of {', '.join(PROFILES)}")
            return name
    if _in_ci(environ):
        return "ci"
    return None


def _in_ci(environ) -> bool:
    """Whether hypothesis considers this a CI run (it then loads its ``ci`` profile on import).

    Uses hypothesis's own rule when hypothesis is already imported; otherwise the ``CI`` variable,
    which avoids importing hypothesis in sessions that never use it.
    """
    import sys

    if environ is os.environ and "hypothesis" in sys.modules:
        try:
            from hypothesis._settings import is_in_ci  # private, but exactly hypothesis's rule
        except ImportError:  # pragma: no cover - a hypothesis without it
            return "CI" in environ
        return bool(is_in_ci())
    return "CI" in environ
