r"""Game dynamics: does gradient training reach the equilibrium the theory promises?

- :class:`DiracGAN` and :class:`BilinearGame` (:mod:`~gantheory.dynamics.games`): exact (sympy) fields,
  Jacobians and spectra at the equilibrium, spectral radii of the update schemes, stability bounds and
  nonlinear simulations; losses and regularisers in :mod:`~gantheory.dynamics.fields`
  (``DIRAC_LOSSES``, ``REGULARIZERS``), schemes in :mod:`~gantheory.dynamics.schemes` (``SCHEMES``).
- :func:`game_spectrum` (:mod:`~gantheory.dynamics.spectrum`): the top eigenvalues of *your* GAN's
  simultaneous-gradient Jacobian by ``torch.func`` Jacobian-vector products and Arnoldi.
- :mod:`~gantheory.dynamics.wgan`: W₁ in one dimension, the optimal critic, Kantorovich–Rubinstein
  duality, and the vanishing minimax gradient with disjoint supports (Arjovsky & Bottou 2017).

References: Mescheder, Geiger & Nowozin 2018; Mescheder, Nowozin & Geiger 2017; Nagarajan & Kolter 2017;
Balduzzi et al. 2018; Daskalakis et al. 2018; Gidel et al. 2019; Heusel et al. 2017; Arjovsky, Chintala &
Bottou 2017; Gulrajani et al. 2017; Goodfellow 2016 (tutorial, exercise 7.2).

Importing this package imports numpy and sympy (not torch; :func:`game_spectrum` imports it when called).
"""

from __future__ import annotations

from gantheory.dynamics.fields import DIRAC_LOSSES, REGULARIZERS
from gantheory.dynamics.games import BilinearGame, DiracGAN, Jacobian, Trajectory
from gantheory.dynamics.schemes import SCHEMES

__all__ = ["DIRAC_LOSSES", "REGULARIZERS", "SCHEMES", "BilinearGame", "DiracGAN", "GameSpectrum", "Jacobian",
           "Trajectory", "game_spectrum"]


def __getattr__(name: str):
    if name in ("game_spectrum", "GameSpectrum"):
        from gantheory.dynamics import spectrum

        return getattr(spectrum, name)
    raise AttributeError(f"module 'gantheory.dynamics' has no attribute {name!r}")
