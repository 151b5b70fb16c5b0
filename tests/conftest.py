"""Project-wide test configuration.

- ``@pytest.mark.slow`` tests run only with ``--run-slow`` or ``GANTHEORY_SLOW=1``.
- ``@pytest.mark.cuda`` tests are skipped when ``torch.cuda.is_available()`` is false (torch is imported
  only when such a test is collected).
- Doctests: ``--doctest-modules`` (pyproject) runs the examples in ``gantheory/``.
- Hypothesis: the gantheory plugin (``pytest11`` entry point) registers the ``dev``/``ci``/``thorough``
  profiles. This suite defaults to ``dev`` locally; ``CI`` set selects ``ci`` (derandomised);
  ``--gantheory-profile`` or ``GANTHEORY_HYPOTHESIS_PROFILE`` override both.
"""

from __future__ import annotations

import os

import pytest

_TRUE = ("1", "true", "yes", "on")

# ``--doctest-modules`` would import every conftest.py as a module named ``conftest``; several of them
# (tests/, tests/empirical/, …) then clash. They hold fixtures, not doctests: don't collect them.
collect_ignore_glob = ["conftest.py", "*/conftest.py"]

def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", default=False,
                     help="run tests marked slow (also GANTHEORY_SLOW=1)")


def pytest_configure(config):
    # Runs after the plugin's (tryfirst) configure: it chose a profile only if one was asked for or CI is set.
    from gantheory.testing import _profiles

    asked = (config.getoption("--gantheory-profile", None) or os.environ.get(_profiles.ENV_VAR)
             or config.getoption("--hypothesis-profile", None) or _profiles._in_ci(os.environ))
    if not asked:
        _profiles.register_profiles()
        from hypothesis import settings

        settings.load_profile("dev")


def pytest_collection_modifyitems(config, items):
    run_slow = config.getoption("--run-slow") or os.environ.get("GANTHEORY_SLOW", "").lower() in _TRUE
    if not run_slow:
        skip_slow = pytest.mark.skip(reason="slow: run with --run-slow or GANTHEORY_SLOW=1")
        for item in items:
            if item.get_closest_marker("slow") is not None:
                item.add_marker(skip_slow)
    cuda_items = [item for item in items if item.get_closest_marker("cuda") is not None]
    if cuda_items:
        try:
            import torch

            available = bool(torch.cuda.is_available())
            why = "torch.cuda.is_available() is False"
        except ImportError:
            available, why = False, "torch is not installed"
        if not available:
            skip_cuda = pytest.mark.skip(reason=f"needs a CUDA GPU: {why}")
            for item in cuda_items:
                item.add_marker(skip_cuda)
