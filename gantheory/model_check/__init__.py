"""Check the user's own discriminator and GAN against theory on known densities (1-D and 2-D).

:func:`check_discriminator` trains the user's ``nn.Module`` with a ``LOSSES`` row and compares it with the
optimum that loss implies (sup error against the statistically derived tolerance, plus a warning when the
architecture cannot represent the optimum); :func:`check_gan` runs Algorithm 1 with the user's D and G and
compares the trajectory with the exact C(G_t) where G's density is known.
"""

from __future__ import annotations

from gantheory.model_check.discriminator import DiscriminatorCheck, check_discriminator
from gantheory.model_check.gan import GanCheck, check_gan, generator_density

__all__ = ["DiscriminatorCheck", "GanCheck", "check_discriminator", "check_gan", "generator_density"]
