"""``audit``: which game does this GAN loss code actually play? (Collects the findings of the other
modules of :mod:`gantheory.loss_audit` into an :class:`~gantheory.loss_audit.results.AuditReport`.)"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable

import numpy as np
import torch

from gantheory.loss_audit import families, probes
from gantheory.loss_audit.optimum import T_GRID, discriminator_terms, generator_term, solve_optimum
from gantheory.loss_audit.results import AuditReport, DiscriminatorAudit, Finding, GeneratorAudit
from gantheory.numerics import LOG2
from gantheory.tolerances import TOLERANCES


def audit(d_loss: Callable, g_loss: Callable | None = None, *, inputs: str = "logits", batch_size: int = 8,
          divergence: bool = True, symbolic: bool = True, seed: int = 0) -> AuditReport:
    """Audit a GAN discriminator loss (and generator loss): implied D*, divergence, consistency.

    The discriminator loss is treated pointwise. At a point with data density p and generator
    density q it is minimised by the logit

    .. math::

        a^*\\Big(\\frac{p}{p+q}\\Big) = \\arg\\min_a\\; p\\,\\ell_{\\text{real}}(a) + q\\,\\ell_{\\text{fake}}(a),

    which is measured for many p/(p+q) and matched to the known families: p/(p+q) (standard,
    Goodfellow et al. 2014), (αp + βq)/(p+q) (label smoothing, Salimans et al. 2016), w_r p/(w_r p +
    w_f q) (class weighting), (bp + aq)/(p+q) on the raw output (least squares, Mao et al. 2017),
    ±margin·sign(p − q) (hinge, Lim & Ye 2017; unbounded: WGAN-like), q/(p+q) (swapped labels).
    The value at the optimum is then integrated on Gaussian pairs and identified as an affine map of
    JSD, total variation, triangular discrimination or squared Hellinger distance; the generator loss
    is classified (minimax, non-saturating, least squares, hinge) and checked for a fixed point at
    p_g = p_data against that optimum; extreme logits probe the numerics; a sympy certificate
    compares the traced code with the textbook formula.

    Calling convention: ``d_loss(real, fake) -> scalar`` where ``real`` and ``fake`` are 1-D torch
    tensors holding the discriminator's outputs for a batch of real and of generated samples —
    **logits** (pre-sigmoid scores) by default, or **probabilities** D(x) ∈ (0, 1) with
    ``inputs="probabilities"``; ``g_loss(fake) -> scalar`` likewise. Both are minimised.

    Args:
        d_loss: the discriminator loss.
        g_loss: the generator loss, or None to audit the discriminator only.
        inputs: ``"logits"`` or ``"probabilities"``.
        batch_size: batch size used to evaluate the losses (matters only for losses that mix ``sum``
            and ``mean``, which are reported).
        divergence: integrate the value at the optimum (needs :mod:`gantheory.quadrature`).
        symbolic: attempt the sympy certificate (``torch.fx`` trace).
        seed: seed for the random separability check.

    Returns:
        AuditReport: ``.discriminator.family``, ``.generator.kind``, ``.findings``, ``.verdict``,
        ``.exit_code``, ``.to_dict()``, ``.to_markdown()``, ``.to_html()``.

    Raises:
        GanTheoryError: ``inputs`` is not recognised, a loss is not callable, or a loss does not return
            a finite scalar at logits 0.

    Example:
        >>> import torch.nn.functional as F
        >>> def d_loss(real, fake):
        ...     return F.softplus(-real).mean() + F.softplus(fake).mean()
        >>> audit(d_loss, divergence=False, symbolic=False).discriminator.family
        'standard'
    """
    # The audit evaluates thousands of tiny tensors: intra-op threads only add synchronisation
    # (6x slower on 2 busy cores), so run single-threaded and restore the caller's setting.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _audit(d_loss, g_loss, inputs=inputs, batch_size=batch_size, divergence=divergence,
                      symbolic=symbolic, seed=seed)
    finally:
        torch.set_num_threads(previous)


def _audit(d_loss, g_loss, *, inputs, batch_size, divergence, symbolic, seed) -> AuditReport:
    findings: list[Finding] = []
    terms = discriminator_terms(d_loss, inputs=inputs, batch_size=batch_size)
    rng = np.random.default_rng(seed)

    defect = probes.separability_defect(terms, rng)
    # the terms' size at a moderate logit (floored: a zero term must not make the test relative to 0)
    scale = max(abs(terms.real(np.array([4.0]))[0]), abs(terms.fake(np.array([4.0]))[0]), 1e-12)
    separable = defect <= TOLERANCES["audit_separability_rtol"] * (1 + scale)
    if not separable:
        findings.append(Finding("error", "the loss couples real and fake logits (L(r, f) is not "
                                f"ℓ_r(r) + ℓ_f(f); defect {defect:.3g}): e.g. a relativistic loss — "
                                "its optimum is not a pointwise function of p/(p+q)", "not_separable"))
    ratios = probes.batch_weighting(terms)
    finite_ratios = [r for r in ratios.values() if math.isfinite(r)]
    if finite_ratios and np.ptp(finite_ratios) > TOLERANCES["audit_batch_weight_rtol"] * max(abs(x) for x in finite_ratios):
        findings.append(Finding("warning", "the weight of the fake term relative to the real term "
                                "depends on the batch size (" + ", ".join(
                                    f"B={n}: {r:.4g}" for n, r in ratios.items()) +
                                "): one term is summed and the other averaged", "batch_size_dependent"))
    batch_independent = not any(f.code == "batch_size_dependent" for f in findings)
    if separable and probes.per_sample_defect(terms) > TOLERANCES["audit_per_sample_atol"]:
        findings.append(Finding("warning", "the loss is not an average of per-sample terms (a batch "
                                "of distinct logits differs from the mean of constant batches)",
                                "not_per_sample"))
    elif separable and batch_independent:
        terms = dataclasses.replace(terms, per_sample=True)

    opt = solve_optimum(terms, T_GRID)
    unbounded_below = bool(np.any(opt.value == -np.inf))
    fit = families.fit_family(opt, unbounded_below) if separable else families.FamilyFit(
        "unrecognised", {}, math.inf, "not separable")
    signature = families.match_signature(terms) if separable else None
    family, params = fit.family, dict(fit.params)
    if signature is not None and signature.name == family:
        params.update(signature.params)  # the row's term parameters read exactly from its terms (LSGAN's targets)
    findings += _family_findings(family, params, fit, signature)

    value = None
    if divergence and separable:
        try:
            from gantheory.loss_audit.value import identify_value
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ident = identify_value(terms)
            value = {"statement": ident.statement, "divergence": ident.divergence,
                     "slope": ident.slope, "intercept": ident.intercept,
                     "relative_residual": ident.residual, "values_on_pairs": list(ident.values)}
            findings.append(Finding("info", ident.statement, "value_at_optimum"))
        except ImportError as exc:
            findings.append(Finding("info", f"value at the optimum not computed: {exc}", "skipped"))

    cert = None
    if symbolic:
        from gantheory.loss_audit.certificate import certify_discriminator
        c = certify_discriminator(d_loss, inputs, family, params)
        cert = _cert_dict(c)
        if c.status == "not_equivalent" and family != "unrecognised":
            findings.append(Finding("warning", f"the traced expression is not the textbook "
                                    f"{c.textbook}: {c.detail}", "symbolic_mismatch"))

    extreme = probes.robustness_probes(terms.loss)
    findings += _probe_findings(extreme, "d_loss", signature, terms)

    curve = {"t": [float(x) for x in opt.t], "a_star": [float(x) for x in opt.a_star]}
    d_audit = DiscriminatorAudit(family, params, fit.evidence, signature.name if signature else None,
                                 curve, value, cert)

    g_audit = None
    if g_loss is not None:
        g_audit, g_findings, g_probes = _audit_generator(g_loss, inputs, batch_size, terms, opt,
                                                         family, params, symbolic, separable)
        findings += g_findings
        extreme = extreme + g_probes
    order = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: order[f.severity])
    return AuditReport(d_audit, g_audit, tuple(findings), _verdict(d_audit, g_audit, findings),
                       inputs, tuple(extreme))


def _family_findings(family, params, fit, signature):
    """The finding of the matched row (:meth:`~gantheory.losses.Loss.audit_note`), or an error naming the
    catalogued slip the terms follow, or "unrecognised game"."""
    row = families.row_of(family, params)
    if row is not None:
        note = row.audit_note(params)
        return [Finding(note.severity, note.message(params), note.code)]
    if signature is not None and signature.code is not None:
        return [Finding("error", f"{signature.description}; the implied optimum matches no GAN family "
                        f"({fit.evidence})", signature.code)]
    return [Finding("error", f"unrecognised game: {fit.evidence}", "unrecognised")]


def _probe_findings(measured, name, signature, terms):
    out = []
    by = {(p.term, p.logit, p.dtype): p for p in measured}
    moderate = [p for p in measured if abs(p.logit) == 20.0 and not (math.isfinite(p.value)
                                                                   and math.isfinite(p.gradient))]
    if moderate:
        where = ", ".join(sorted({f"{p.term} at {p.logit:+g} ({p.dtype})" for p in moderate}))
        out.append(Finding("warning", f"{name} is not finite (loss or gradient) at moderate logits: "
                           f"{where}; compute log σ(a) as −softplus(−a) (F.logsigmoid) and "
                           f"log(1 − σ(a)) as −softplus(a), or use BCEWithLogitsLoss", "overflow"))
    extreme = [p for p in measured if abs(p.logit) == 1e4 and not (math.isfinite(p.value)
                                                                 and math.isfinite(p.gradient))]
    if extreme:
        where = ", ".join(sorted({f"{p.term} at {p.logit:+g} ({p.dtype})" for p in extreme}))
        out.append(Finding("warning", f"{name} is not finite at extreme logits: {where}",
                           "overflow_extreme"))
    nan_inf = [p for p in measured if math.isinf(p.logit) and math.isnan(p.value)]
    if nan_inf:
        where = ", ".join(sorted({f"{p.term} at {p.logit:+g} ({p.dtype})" for p in nan_inf}))
        # Infinite logits only come from an already diverged network: worth knowing, not fixing.
        out.append(Finding("info", f"{name} returns NaN for infinite logits: {where}", "nan_at_inf"))
    # The −100 clamp of F.binary_cross_entropy: ℓ plateaus at 100·s above its value at 0.
    if signature is not None and signature.name == "standard" and terms is not None:
        clamped = []
        for term, x, s in (("real", -1e4, signature.scale_real), ("fake", 1e4, signature.scale_fake)):
            p = by.get((term, x, "float64"))
            if p is not None and math.isfinite(p.value):
                height = p.value - terms.base
                if (abs(height - s * (100.0 - LOG2)) < TOLERANCES["audit_clamp_rtol"] * s * 100
                        and p.gradient == 0.0):
                    clamped.append(term)
        if clamped:
            out.append(Finding("warning", "log is clamped at −100 (nn.BCELoss / F.binary_cross_entropy "
                               "on sigmoid outputs): the " + " and ".join(clamped) + " term saturates "
                               "at 100 with zero gradient once σ rounds to 0 or 1 (|logit| ≳ 17 in "
                               "float32, ≳ 37 in float64), hiding log(0); use BCEWithLogitsLoss",
                               "log_clamp"))
    return out


def _audit_generator(g_loss, inputs, batch_size, terms, opt, family, params, symbolic, separable):
    findings = []
    term = generator_term(g_loss, inputs=inputs, batch_size=batch_size)
    gfit = families.classify_generator(term)
    fixed, reason = (None, "the discriminator loss is not separable") if not separable else \
        families.fixed_point_check(term, solve_optimum(terms, T_GRID))
    if gfit.kind == "minimax":
        findings.append(Finding("warning", f"minimax generator loss log(1 − D(G(z))) saturates: its "
                                f"gradient at logit −20 is {gfit.saturation_gradient:.2g} (→ 0 as "
                                "D(G(z)) → 0); use the non-saturating −log D(G(z)) "
                                "(Goodfellow et al. 2014, §3)", "saturating_generator"))
    elif gfit.kind == "other":
        findings.append(Finding("warning", "generator loss matches none of minimax, non-saturating, "
                                "least squares, hinge", "generator_unrecognised"))
    if fixed is False:
        findings.append(Finding("error", f"generator and discriminator are inconsistent: {reason}",
                                "generator_moves_away"))
    elif fixed is None and families.row_of(family, params) is not None:  # a recognised game, unbounded optimum
        findings.append(Finding("info", reason, "fixed_point_unassessed"))
    pairing = _pairing(family, params, gfit)
    if pairing:
        findings.append(pairing)
    cert = None
    if symbolic:
        from gantheory.loss_audit.certificate import certify_generator
        cert = _cert_dict(certify_generator(g_loss, inputs, gfit.kind, gfit.params))
    extreme = probes.robustness_probes(term.loss)
    findings += _probe_findings(extreme, "g_loss", None, None)
    return (GeneratorAudit(gfit.kind, gfit.params, gfit.description, gfit.saturation_gradient, fixed,
                           reason, cert), findings, extreme)


def _pairing(family, params, gfit):
    """The row's note about this generator kind (LSGAN's (a, b, c) codings), if one applies."""
    row = families.row_of(family, params)
    if row is None:
        return None
    both = {**params, **gfit.params}
    for note in row.pairings:
        if note.generator == gfit.kind and note.when(both):
            return Finding(note.severity, note.message(both), note.code)
    return None


def _cert_dict(c):
    return {"status": c.status, "textbook": c.textbook, "expression": c.expression,
            "constant": c.constant, "scales": list(c.scales), "method": c.method,
            "counterexample_logit": c.counterexample, "detail": c.detail}


def _verdict(d: DiscriminatorAudit, g: GeneratorAudit | None, findings) -> str:
    errors = [f for f in findings if f.severity == "error"]
    warns = [f for f in findings if f.severity == "warning"]
    head = errors[0] if errors else (warns[0] if warns else None)
    gpart = f" with a {g.kind.replace('_', '-')} generator" if g else ""
    if head is None:
        name = d.family.replace("_", " ")
        ref = families.reference(d.family)
        return f"OK: a {name} GAN{gpart}" + (f" ({ref}); nothing to change." if ref else
                                                ". nothing to change.")
    prefix = "FIX" if head.severity == "error" else "CHECK"
    more = len(errors) + len(warns) - 1
    return f"{prefix}: {head.message}" + (f" (+{more} more finding{'s' * (more > 1)})" if more else "")
