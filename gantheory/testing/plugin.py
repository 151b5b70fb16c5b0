"""The gantheory pytest plugin (entry point ``pytest11: gantheory``), active wherever gantheory is installed.

Loading it imports only the standard library and pytest (hypothesis and torch load when a test needs
them), and it changes nothing for test suites that do not use it:

Options:
    ``--gantheory-profile {dev,ci,thorough}`` (or ``GANTHEORY_HYPOTHESIS_PROFILE``): load a hypothesis
    profile (see :mod:`gantheory.testing._profiles`). With ``CI`` set and no choice, ``ci`` — which keeps
    hypothesis's own derandomised ``ci`` settings — is used.
    ``--gantheory-device {auto,cpu,cuda}`` (or ``GANTHEORY_DEVICE``): the device ``gantheory_device`` yields.
    ``--gantheory-skip-empirical`` (or ``GANTHEORY_SKIP_EMPIRICAL=1``): skip ``@pytest.mark.empirical`` tests.

Fixtures:
    ``gan_pair`` — parametrised over :data:`gantheory.testing.cases.GAN_PAIRS` (named (p_data, p_g)
    pairs with their exact JSD); narrow it with
    ``@pytest.mark.parametrize("gan_pair", ["disjoint_uniform"], indirect=True)``.
    ``gantheory_device`` — ``"cpu"`` or ``"cuda"`` (skips the test when CUDA is asked for but absent,
    or when torch is not installed).

Markers:
    ``empirical`` — trains PyTorch models: skipped with a clear reason when torch is not installed.
"""

from __future__ import annotations

import importlib.util
import os
import sys

import pytest

from gantheory.testing import _profiles
from gantheory.testing.cases import GAN_PAIRS, GanPair

_DEVICES = ("auto", "cpu", "cuda")
_TRUE = ("1", "true", "yes", "on")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gantheory", "gantheory: GAN theory checks")
    group.addoption(
        "--gantheory-profile",
        choices=tuple(_profiles.PROFILES),
        default=None,
        help=f"hypothesis profile to load (default: ${_profiles.ENV_VAR}, else 'ci' when CI is set, else unchanged)",
    )
    group.addoption(
        "--gantheory-device",
        choices=_DEVICES,
        default=None,
        help="device for the gantheory_device fixture (default: $GANTHEORY_DEVICE or 'auto')",
    )
    group.addoption(
        "--gantheory-skip-empirical",
        action="store_true",
        default=False,
        help="skip tests marked 'empirical' (also GANTHEORY_SKIP_EMPIRICAL=1)",
    )


@pytest.hookimpl(tryfirst=True)  # before hypothesis's plugin, which may load a profile by name
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "empirical: trains PyTorch models (skipped when torch is not installed)")
    try:
        name = _profiles.select_profile(config.getoption("--gantheory-profile"))
    except ValueError as exc:  # a bad GANTHEORY_HYPOTHESIS_PROFILE
        raise pytest.UsageError(str(exc)) from None
    asked_hypothesis = config.getoption("--hypothesis-profile", None) in _profiles.PROFILES
    if name is not None or asked_hypothesis or "hypothesis" in sys.modules:
        _profiles.register_profiles()
    if name is not None:
        from hypothesis import settings

        settings.load_profile(name)
    config.stash[_PROFILE_KEY] = name


_PROFILE_KEY = pytest.StashKey[object]()


def pytest_report_header(config: pytest.Config) -> str | None:
    name = config.stash.get(_PROFILE_KEY, None)
    if name is None:
        return None
    from hypothesis import settings

    return f"gantheory: hypothesis profile {name!r} (max_examples={settings.default.max_examples})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_all = config.getoption("--gantheory-skip-empirical") or os.environ.get(
        "GANTHEORY_SKIP_EMPIRICAL", ""
    ).lower() in _TRUE
    marked = [item for item in items if item.get_closest_marker("empirical") is not None]
    if not marked:
        return
    if skip_all:
        reason = "empirical test skipped (--gantheory-skip-empirical / GANTHEORY_SKIP_EMPIRICAL)"
    elif importlib.util.find_spec("torch") is None:  # finds torch without importing it
        reason = "empirical test needs PyTorch: pip install torch"
    else:
        return
    for item in marked:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(params=list(GAN_PAIRS), ids=list(GAN_PAIRS))
def gan_pair(request: pytest.FixtureRequest) -> GanPair:
    """A named (p_data, p_g) pair with its exact JSD: ``p_data, p_g = gan_pair``; ``gan_pair.js_divergence``,
    ``gan_pair.criterion`` (= −log 4 + 2·JSD), ``gan_pair.source`` (where the number came from)."""
    name = request.param
    if name not in GAN_PAIRS:
        import difflib

        near = difflib.get_close_matches(str(name), GAN_PAIRS, n=3, cutoff=0.4)
        hint = f"; did you mean {', '.join(map(repr, near))}?" if near else ""
        raise pytest.UsageError(f"gan_pair: unknown case {name!r}{hint} (known: {', '.join(GAN_PAIRS)})")
    return GAN_PAIRS[name]


@pytest.fixture(scope="session")
def gantheory_device(request: pytest.FixtureRequest) -> str:
    """``"cpu"`` or ``"cuda"``: ``--gantheory-device`` / ``GANTHEORY_DEVICE`` (``auto`` picks CUDA when
    torch sees one). Skips the test when torch is missing or CUDA is requested but unavailable."""
    choice = request.config.getoption("--gantheory-device") or os.environ.get("GANTHEORY_DEVICE", "auto")
    choice = choice.strip().lower()
    if choice not in _DEVICES:
        raise pytest.UsageError(f"GANTHEORY_DEVICE={choice!r} is not one of {', '.join(_DEVICES)}")
    if choice == "cpu":
        return "cpu"
    if importlib.util.find_spec("torch") is None:
        pytest.skip("gantheory_device needs PyTorch: pip install torch")
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if choice == "cuda":
        pytest.skip("gantheory_device: CUDA requested but torch.cuda.is_available() is False")
    return "cpu"
