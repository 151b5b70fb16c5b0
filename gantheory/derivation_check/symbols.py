"""The declared symbol table: what a name written in a derivation means.

A name is its base letter with its sub- and superscripts in a fixed order (``D^*_G`` = ``D_G^*`` =
``D^*_G``); spellings of one density map to one symbol (``p_{data}``, ``p_\\text{data}``, ``pdata``,
``p_{\\text{data}}``, ``p_d``, ``p_r`` → ``p_data``; ``p_g``, ``pg``, ``p_{model}``, ``p_\\theta`` → ``p_g``;
``p_z``, ``p_{\\mathbf z}``, ``pz`` → ``p_z``). Kinds:

- ``density``: positive, integrates to one (``p_data``, ``p_g``, ``p_z``, ``p``, ``q``, ``m`` when applied);
- ``distribution``: a capital letter standing for a density inside KL/JSD (``P`` → ``p``, ``Q`` → ``q``,
  ``P_data`` → ``p_data``, ``P_g`` → ``p_g``);
- ``discriminator``: ``D`` and its decorated forms, values in (0, 1);
- ``generator``: ``G`` (a map from noise to data space);
- ``function``: any other name applied to arguments (``f``, ``h``, ``T``, ``V``, ``C``, ``L``, ``J``);
- ``variable``: integration/sample variables ``x, y, z, t, u, s, w, v`` and bold forms;
- ``parameter``: other names (``a, b, α, m, n, λ``), positive unless declared otherwise;
- constants ``e``, ``π``, ``∞``.
"""

from __future__ import annotations

import sympy as sp

__all__ = [
    "DENSITY_ALIASES", "DISTRIBUTION_ALIASES", "VARIABLES", "canonical_density", "density", "kind_of",
    "variable",
]

DENSITY_ALIASES = {
    "p_data": "p_data", "pdata": "p_data", "p_d": "p_data", "p_r": "p_data", "p_real": "p_data",
    "p_x": "p_data", "p_true": "p_data", "p_data^*": "p_data", "p_emp": "p_data", "p_D": "p_data",
    "p_g": "p_g", "pg": "p_g", "p_model": "p_g", "p_theta": "p_g", "p_G": "p_g", "p_gen": "p_g",
    "p_fake": "p_g", "p_z": "p_z", "pz": "p_z", "p_noise": "p_z", "p": "p", "q": "q", "p_m": "p_m",
    "p_M": "p_m", "p_mix": "p_m",
}
DISTRIBUTION_ALIASES = {
    "P": "p", "Q": "q", "P_data": "p_data", "P_r": "p_data", "P_g": "p_g", "P_z": "p_z", "P_d": "p_data",
    "P_model": "p_g", "P_theta": "p_g", "P_G": "p_g", "P_x": "p_data", "p_data": "p_data", "p_g": "p_g",
    "p_z": "p_z", "p": "p", "q": "q", "pdata": "p_data", "pg": "p_g", "M": "p_m",
}
VARIABLES = frozenset({"x", "y", "z", "t", "u", "w", "v", "x_hat", "x_tilde", "z_hat", "epsilon"})
#: the density a sample variable is drawn from when a document does not say
SAMPLE_DENSITY = {"x": "p_data", "z": "p_z"}
DISCRIMINATORS = frozenset({"D", "D^*", "D_G^*", "D^*_G", "D_G", "D^*_alpha", "D_alpha^*", "D_theta",
                            "D_w", "D_phi", "D_psi", "D_theta_d"})
GENERATORS = frozenset({"G", "G_theta", "g", "G_theta_g", "G_phi"})
FUNCTIONS = frozenset({"f", "h", "T", "V", "C", "L", "J", "F", "H", "R", "U", "W", "g", "phi", "psi",
                       "ell", "K", "l", "r", "k", "S", "sigma", "f^*", "s", "Phi", "Psi", "E", "Pr", "P"})


def canonical_density(name: str) -> str | None:
    return DENSITY_ALIASES.get(name)


def kind_of(name: str) -> str:
    if name in DENSITY_ALIASES:
        return "density"
    base = name.split("_")[0].split("^")[0]
    if name in DISCRIMINATORS or base == "D":
        return "discriminator"
    if name in GENERATORS or base == "G":
        return "generator"
    if name in VARIABLES:
        return "variable"
    if name in FUNCTIONS or base in FUNCTIONS:
        return "function"
    return "parameter"


_SYMBOLS: dict[tuple[str, str], sp.Symbol] = {}


def variable(name: str) -> sp.Symbol:
    """The real sympy symbol of a variable or parameter (cached: one object per name)."""
    key = (name, "real")
    if key not in _SYMBOLS:
        _SYMBOLS[key] = sp.Symbol(name, real=True)
    return _SYMBOLS[key]


def density(name: str) -> sp.FunctionClass:
    """The undefined sympy function of a density (positive)."""
    return sp.Function(name, positive=True)
