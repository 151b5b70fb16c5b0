"""Loss audit: which game does a GAN's loss code actually play?

:func:`audit` measures the optimal discriminator implied by a discriminator loss, the divergence its
optimum value is an affine map of, the kind of generator loss and whether p_g = p_data is its fixed
point, the numerics at extreme logits, and a sympy certificate against the textbook formula
(Goodfellow et al. 2014; Salimans et al. 2016; Mao et al. 2017; Lim & Ye 2017). This package imports
torch; ``import gantheory`` does not (``gantheory.audit`` resolves here lazily).

:data:`CORPUS` (in :mod:`gantheory.audit.corpus`) holds correct and buggy loss implementations with
their expected diagnosis; ``python -m verify audit MODULE:D_LOSS [MODULE:G_LOSS]`` runs
:func:`gantheory.audit.cli.audit_main`.
"""

from gantheory.audit._core import audit
from gantheory.audit._report import (
    FAMILIES,
    GENERATOR_KINDS,
    AuditReport,
    DiscriminatorAudit,
    Finding,
    GeneratorAudit,
)

__all__ = [
    "FAMILIES",
    "GENERATOR_KINDS",
    "AuditReport",
    "DiscriminatorAudit",
    "Finding",
    "GeneratorAudit",
    "audit",
]


def _make_callable() -> None:
    # Importing a submodule (``gantheory.audit.corpus``) binds the *package* to ``gantheory.audit``,
    # shadowing the lazily resolved function; a callable package keeps ``gantheory.audit(...)`` working
    # whichever happens first.
    import sys
    import types

    class _CallableModule(types.ModuleType):
        def __call__(self, *args, **kwargs):
            return audit(*args, **kwargs)

    sys.modules[__name__].__class__ = _CallableModule


_make_callable()
