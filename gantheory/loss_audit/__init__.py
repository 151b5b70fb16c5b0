"""Loss audit: which game does a GAN's loss code actually play?

:func:`audit` measures the optimal discriminator implied by a discriminator loss, the divergence its
optimum value is an affine map of, the kind of generator loss and whether p_g = p_data is its fixed
point, the numerics at extreme logits, and a certificate against the textbook formula. Families,
generator kinds, their parameters, textbook forms and references are the rows of
:data:`gantheory.losses.LOSSES` and :data:`gantheory.losses.GENERATORS`. This package imports torch;
``import gantheory`` does not.

Modules (data flows down the list):

- :mod:`.optimum` — a user's torch loss as pointwise terms and its implied optimum a*(p/(p+q)) (the
  engine the testing kit's :func:`gantheory.testing.check_loss_against_theory` uses as well);
- :mod:`.probes` — structure (separable, per-sample, batch-size free) and numerics at extreme logits;
- :mod:`.families` — a*(t) and the terms matched to the rows, and the catalogue of known slips;
- :mod:`.value` — min_D L_D on Gaussian cases regressed on the divergence table;
- :mod:`.tracing` — the loss's ``torch.fx`` graph evaluated on scalars (mpmath, sympy, text);
- :mod:`.certificate` — the traced loss against the row's terms: checked at 50 digits, or proved by sympy;
- :mod:`.diagnosis` — :func:`audit`, collecting the findings into an :class:`AuditReport`
  (:mod:`.results`; rendered by :mod:`gantheory.report.audit`);
- :mod:`.corpus` — correct and buggy losses with their expected diagnosis;
- :mod:`.loading` — ``MODULE:FUNCTION`` specs for ``python -m verify audit`` (:mod:`gantheory.cli`).

Why the package is ``gantheory.loss_audit`` and not ``gantheory.audit``: users call the *function*
``gantheory.audit(d_loss)``. Python binds an imported submodule as an attribute of its parent package,
so a package named ``gantheory.audit`` would replace that function with a module as soon as anything
imported ``gantheory.audit.<submodule>`` (which is why the package used to make itself callable). With
distinct names, ``gantheory.audit`` is always the function (resolved lazily by ``gantheory.__init__``),
whatever is imported first, and the package is ``gantheory.loss_audit``.
"""

from __future__ import annotations

from gantheory.loss_audit import families as _families
from gantheory.loss_audit.diagnosis import audit
from gantheory.loss_audit.results import (
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


def __getattr__(name: str):
    # FAMILIES and GENERATOR_KINDS are views of LOSSES / GENERATORS, read on access (a row added later is listed)
    if name in ("FAMILIES", "GENERATOR_KINDS"):
        return getattr(_families, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
