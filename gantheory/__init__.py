"""gantheory: check the theory of GANs three ways (symbolic, quadrature, empirical).

The public surface fits on one screen (``__all__``). ``import gantheory`` imports nothing heavy: numpy
and scipy load with the first density or integral, sympy with :mod:`gantheory.symbolic`, torch with
:mod:`gantheory.empirical` and :func:`audit`.
"""

from __future__ import annotations

import importlib

from gantheory.errors import DependencyError, GanTheoryError, QuadratureWarning

__version__ = "0.1.0"

# Every public name resolves on first use (name -> "module:attribute"), so `import gantheory` (and the
# pytest plugin inside it) costs almost nothing; numpy/scipy load with the first density, sympy with
# gantheory.symbolic, torch with gantheory.empirical / audit.
_LAZY = {
    **{name: f"gantheory.densities:{name}" for name in (
        "Affine", "Beta", "Density", "Discrete", "Laplace", "Mixture", "Monotone", "Normal", "Pushforward",
        "StudentT", "Uniform", "from_scipy", "from_torch")},
    **{name: f"gantheory.quadrature:{name}" for name in (
        "DIVERGENCES", "QuadratureResult", "criterion", "f_divergence", "js_divergence", "kl_divergence",
        "optimal_discriminator", "total_variation", "value_function")},
    "audit": "gantheory.loss_audit:audit",
    "audit_step": "gantheory.step_audit:audit_step",
    "check_discriminator": "gantheory.model_check:check_discriminator",
    "check_gan": "gantheory.model_check:check_gan",
    "train_discriminator": "gantheory.empirical:train_discriminator",
    "train_gan": "gantheory.empirical:train_gan",
    "CLAIMS": "gantheory.claims:CLAIMS",
    "check_derivation": "gantheory.derivation_check:check_derivation",
}

__all__ = [
    "CLAIMS",
    "DIVERGENCES",
    "Affine",
    "Beta",
    "Density",
    "DependencyError",
    "Discrete",
    "GanTheoryError",
    "Laplace",
    "Mixture",
    "Monotone",
    "Normal",
    "Pushforward",
    "QuadratureResult",
    "QuadratureWarning",
    "StudentT",
    "Uniform",
    "__version__",
    "audit",
    "audit_step",
    "check_derivation",
    "check_discriminator",
    "check_gan",
    "criterion",
    "f_divergence",
    "from_scipy",
    "from_torch",
    "js_divergence",
    "kl_divergence",
    "optimal_discriminator",
    "total_variation",
    "train_discriminator",
    "train_gan",
    "value_function",
]


def __getattr__(name: str) -> object:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'gantheory' has no attribute {name!r}")
    module_name, attribute = target.split(":")
    value = getattr(importlib.import_module(module_name), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
