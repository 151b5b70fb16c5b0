"""Audit a user's whole GAN training step on instrumented 1-D models over known densities.

:func:`audit_step` runs ``train_step(D, G, opt_D, opt_G, real_batch)`` and reports, as findings like the
loss audit's (``severity``, ``code``, ``message``), which parameters each backward pass reaches and with
which sign, whether D's step ascends V and G's step descends its loss at the current D, gradient
accumulation across steps, and (optionally) whether repeated D steps with G frozen reach the D* of the
loss's own family. :data:`CORPUS` holds training-step bugs ported from public repositories, each with its
correct counterpart and the codes it must raise.
"""

from __future__ import annotations

from gantheory.step_audit.audit import RELATIVISTIC, DStarCheck, StepAuditReport, audit_step
from gantheory.step_audit.corpus import CORPUS, CorpusEntry

__all__ = ["CORPUS", "RELATIVISTIC", "CorpusEntry", "DStarCheck", "StepAuditReport", "audit_step"]
