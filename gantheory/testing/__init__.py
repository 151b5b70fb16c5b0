"""Testing kit: hypothesis strategies, a loss checker and the pytest plugin users install.

Installing gantheory registers the pytest plugin :mod:`gantheory.testing.plugin` (entry point
``pytest11``), which gives every test session the fixtures ``gan_pair`` and ``gantheory_device``, the
``empirical`` marker and the hypothesis profiles ``dev``, ``ci`` and ``thorough`` (``--gantheory-profile``
or ``GANTHEORY_HYPOTHESIS_PROFILE``).

The names below load on first use, so ``import gantheory.testing`` imports neither hypothesis nor torch:

- :mod:`gantheory.testing.strategies` — ``densities()``, ``density_pairs()``, ``discriminators()``, ``logits()``;
- :func:`assert_loss_matches_theory`, :func:`check_loss_against_theory` — check a user's GAN losses
  against Goodfellow et al. (2014), with the loss audit's engine (:data:`GENERATOR_LOSSES`: the
  generator kinds they know, a view of :data:`gantheory.losses.GENERATORS`);
- :data:`GAN_PAIRS` — named density pairs with their exact Jensen–Shannon divergence;
- :data:`PROFILES` — the hypothesis profile table.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "GAN_PAIRS": "gantheory.testing.cases:GAN_PAIRS",
    "GENERATOR_LOSSES": "gantheory.testing.assertions:GENERATOR_LOSSES",
    "GanPair": "gantheory.testing.cases:GanPair",
    "LossCheck": "gantheory.testing.assertions:LossCheck",
    "PROFILES": "gantheory.testing._profiles:PROFILES",
    "assert_loss_matches_theory": "gantheory.testing.assertions:assert_loss_matches_theory",
    "check_loss_against_theory": "gantheory.testing.assertions:check_loss_against_theory",
    "find_counterexample": "gantheory.testing.assertions:find_counterexample",
    "register_profiles": "gantheory.testing._profiles:register_profiles",
    "strategies": "gantheory.testing.strategies",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'gantheory.testing' has no attribute {name!r}")
    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    value = getattr(module, attribute) if attribute else module
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
