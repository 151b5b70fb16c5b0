"""``audit``: which game does this GAN loss code actually play? (Collects the findings of the other
modules of :mod:`gantheory.loss_audit` into an :class:`~gantheory.loss_audit.results.AuditReport`.)"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Mapping

import numpy as np
import torch

from gantheory.errors import GanTheoryError
from gantheory.loss_audit import families, probes
from gantheory.loss_audit.calling import STOCHASTIC_BATCH, CallError, adapt
from gantheory.loss_audit.optimum import T_GRID, PointwiseLoss, Terms, solve_adaptive
from gantheory.loss_audit.results import AuditReport, DiscriminatorAudit, Finding, GeneratorAudit
from gantheory.numerics import LOG2
from gantheory.tolerances import TOLERANCES


def audit(d_loss: Callable, g_loss: Callable | None = None, *, inputs: str | None = None, batch_size: int = 8,
          divergence: bool = True, symbolic: bool = True, seed: int = 0, order: str | None = None,
          bind: Mapping[str, float] | None = None, prove: bool = False) -> AuditReport:
    """Audit a GAN discriminator loss (and generator loss): implied D*, divergence, convention, pairing.

    The discriminator loss is treated pointwise. At a point with data density p and generator
    density q it is minimised by the output

    .. math::

        a^*\\Big(\\frac{p}{p+q}\\Big) = \\arg\\min_a\\; p\\,\\ell_{\\text{real}}(a) + q\\,\\ell_{\\text{fake}}(a),

    which is measured for many t = p/(p+q) and matched to the rows of :data:`gantheory.losses.LOSSES`:
    p/(p+q) (standard, Goodfellow et al. 2014), (αp + βq)/(p+q) (label smoothing, Salimans et al. 2016),
    w_r p/(w_r p + w_f q) (class weighting), (bp + aq)/(p+q) on the raw output (least squares, Mao et
    al. 2017), ±margin·sign(p − q) (hinge, Lim & Ye 2017), ±∞·sign(p − q) (Wasserstein critic, Arjovsky
    et al. 2017), (2t − 1)/(2εt) (drift, Karras et al. 2018), 0 / m on energies ≥ 0 (EBGAN, Zhao et al.
    2017) — each also mirrored (``convention`` ``real_low``: real samples scored low). A loss coupling
    real and fake outputs is matched against the relativistic rows (Jolicoeur-Martineau 2018). The value
    at the optimum is integrated on Gaussian pairs and identified as an affine map of a divergence; the
    generator loss is classified, checked per sample and for saturation (from its gradient), and judged
    *together with* the discriminator (``pairing``): p_g = p_data must be its fixed point against the
    optimal D, or — for unbounded critics — it must push its samples where D scores real data.

    Calling convention (:mod:`gantheory.loss_audit.calling`): ``d_loss(real, fake) -> scalar`` on
    batches of discriminator outputs (logits, or probabilities — detected, or forced with
    ``inputs``), ``g_loss(fake)`` or ``g_loss(real, fake)``. ``(fake, real)`` order is read from the
    parameter names (or ``order``); ``bind`` binds keyword arguments; tuple returns are summed; (N, 1)
    and patch outputs, CUDA-only ``get_device`` code, float32 code and random label noise are handled.

    Args:
        d_loss: the discriminator loss (function, ``functools.partial``, module).
        g_loss: the generator loss, or None to audit the discriminator only.
        inputs: ``"logits"``, ``"probabilities"``, or None to detect.
        batch_size: batch size used to evaluate the losses (at least 2).
        divergence: integrate the value at the optimum (needs :mod:`gantheory.quadrature`).
        symbolic: attempt the certificate (``torch.fx`` trace against the row's textbook form), checked at
            50 digits with mpmath (:mod:`.certificate`).
        prove: establish the certificate with ``sympy.simplify`` instead (imports sympy; slower).
        seed: seed for the random separability check.
        order: ``"real,fake"`` or ``"fake,real"``: the argument order (default: from parameter names).
        bind: keyword arguments bound to the losses that accept them (``{"margin": 80}``).

    Returns:
        AuditReport: ``.discriminator.family``/``.params``/``.convention``, ``.generator.kind``,
        ``.pairing``, ``.findings``, ``.verdict``, ``.exit_code``, ``.to_dict()``.

    Raises:
        GanTheoryError: ``inputs`` is not recognised, or a loss cannot be called as given
            (:class:`~gantheory.loss_audit.calling.CallError`, naming the option that fixes it).

    Example:
        >>> import torch.nn.functional as F
        >>> def d_loss(real, fake):
        ...     return F.softplus(-real).mean() + F.softplus(fake).mean()
        >>> audit(d_loss, divergence=False, symbolic=False).discriminator.family
        'standard'
    """
    if inputs is not None and inputs not in ("logits", "probabilities"):
        raise GanTheoryError(f"parameter 'inputs' must be 'logits', 'probabilities' or None, got {inputs!r}")
    # The audit evaluates thousands of tiny tensors: intra-op threads only add synchronisation
    # (6x slower on 2 busy cores), so run single-threaded and restore the caller's setting.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            return _audit(d_loss, g_loss, inputs=inputs, batch_size=max(int(batch_size), 2), divergence=divergence,
                          symbolic=symbolic, seed=seed, order=order, bind=dict(bind or {}), prove=prove)
    finally:
        torch.set_num_threads(previous)


def _split_bindings(bind: dict, fns: list) -> list[dict]:
    """Each function's share of ``bind`` (the names it accepts); a name no function accepts raises."""
    import inspect

    shares, used = [], set()
    for fn in fns:
        if fn is None:
            shares.append({})
            continue
        try:
            params = inspect.signature(fn).parameters
        except (TypeError, ValueError):
            params = {}
        anything = any(p.kind == p.VAR_KEYWORD for p in params.values())
        share = {k: v for k, v in bind.items() if k in params or anything}
        used |= set(share)
        shares.append(share)
    unknown = sorted(set(bind) - used)
    if unknown:
        raise CallError(f"no loss has the parameter(s) {unknown} given with --arg", "--arg")
    return shares


def _tol(key: str, eps: float) -> float:
    """A tolerance of the table, widened to the rounding of the dtype the loss computes in."""
    return max(TOLERANCES[key], TOLERANCES["audit_dtype_rounding"] * eps)


def _audit(d_loss, g_loss, *, inputs, batch_size, divergence, symbolic, seed, order, bind, prove) -> AuditReport:
    findings: list[Finding] = []
    d_bind, g_bind = _split_bindings(bind, [d_loss, g_loss])
    conv = adapt(d_loss, role="d_loss", inputs=inputs, order=order, bind=d_bind, batch_size=batch_size)
    findings += [Finding("info", n.message, n.code) for n in conv.notes]
    eps = conv.eps
    # a stochastic loss is averaged over N_DRAWS seeded calls of STOCHASTIC_BATCH samples each
    pl = PointwiseLoss(conv, n_args=2, batch_size=STOCHASTIC_BATCH if conv.stochastic else batch_size, name="d_loss",
                       dtype=conv.dtype)
    base = float(pl.evaluate([np.zeros(1), np.zeros(1)])[0])
    if not math.isfinite(base):
        probed = np.array([0.0, 1.0, -1.0, 3.0, -3.0])
        values = np.asarray(pl.evaluate([probed, probed[::-1].copy()]), dtype=float)
        if np.isnan(values).all():  # NaN wherever it is called: its arithmetic, not how it is called
            raise CallError("d_loss is NaN at every probed pair of outputs (real, fake in 0, ±1, ±3): check its "
                            "arithmetic for a NaN constant, 0/0, inf − inf or the log of a negative number")
        raise CallError(f"d_loss is not finite at outputs 0 (value {base})", "--probabilities")
    terms = Terms(pl, base)
    rng = np.random.default_rng(seed)
    fit_atol = _tol("audit_fit_atol", eps)

    defect = probes.separability_defect(terms, rng)
    # the terms' size at a moderate logit (floored: a zero term must not make the test relative to 0)
    scale = max(abs(terms.real(np.array([4.0]))[0]), abs(terms.fake(np.array([4.0]))[0]), 1e-12)
    separable = defect <= _tol("audit_separability_rtol", eps) * (1 + scale)

    opt = None
    value = None
    signature = None
    convention = "real_high"
    if not separable:
        coupled_atol = max(fit_atol, _tol("audit_separability_rtol", eps))
        rel = families.fit_relativistic(pl, coupled_atol)
        rel = rel if rel is not None else families.fit_softmax(pl, coupled_atol)
        if rel is not None and rel.family == "softmax":
            fit, convention = rel, rel.convention
            note = families.row_of("softmax", {}).audit_note({})
            findings.append(Finding(note.severity, note.message({}), note.code))
        elif rel is not None:
            fit = rel
            row = families.row_of("relativistic", rel.params)
            note = row.audit_note(rel.params)
            findings.append(Finding(note.severity, note.message(rel.params), note.code))
        else:
            fit = families.FamilyFit("unrecognised", {}, math.inf, "not separable")
            findings.append(Finding("error", "the loss couples real and fake outputs (L(r, f) is not "
                                    f"ℓ_r(r) + ℓ_f(f); defect {defect:.3g}) and is no relativistic or softmax loss either: its "
                                    "optimum is not a pointwise function of p/(p+q)", "not_separable"))
        family, params = fit.family, dict(fit.params)
    else:
        if not conv.stochastic:  # fresh label draws per batch size would look like batch dependence
            findings += _structure_findings(terms, pl, eps)
        if not conv.stochastic and not any(f.code == "batch_size_dependent" for f in findings) and not any(
                f.code == "not_per_sample" for f in findings):
            terms = dataclasses.replace(terms, per_sample=True)
        unused = _unused_input(terms)
        if unused:
            fit = families.FamilyFit("unrecognised", {}, math.inf, f"the {unused} outputs do not enter the loss")
            findings.append(Finding("error", f"the {unused} outputs do not enter the loss (its {unused} term is "
                                    f"constant): e.g. the {unused} term computed on the "
                                    f"{'real' if unused == 'fake' else 'fake'} outputs; the game is degenerate",
                                    "input_unused"))
            terms, opt = solve_adaptive(terms, T_GRID)
        else:
            terms, opt = solve_adaptive(terms, T_GRID)
            unbounded_below = bool(np.any(opt.value == -np.inf))
            fit = families.fit_family(opt, unbounded_below, fit_atol)
            if fit.family == families.UNBOUNDED_FAMILY and not families.linear_terms(terms):
                fit = families.FamilyFit("unrecognised", {}, math.inf, "a* = ±∞·sign(p − q), but the terms are not "
                                         "linear: no Wasserstein critic", fit.convention)
            if fit.family == "unrecognised":
                on_domain = families.fit_on_domains(terms, T_GRID, fit_atol)
                if on_domain is not None:
                    fit, terms, opt = on_domain
            signature = families.match_signature(terms, fit_atol)
        family, params = fit.family, dict(fit.params)
        convention = fit.convention
        if signature is not None and signature.name == family:
            params.update(signature.params)  # the row's term parameters read exactly from its terms (LSGAN's targets)
        if not unused:
            findings += _family_findings(family, params, fit, signature, opt)
        if family != "unrecognised" and convention == "real_low":
            findings.append(Finding("info", "convention real_low: this discriminator scores real samples low and "
                                    "fakes high (original WGAN, keras-io's 1 = fake); consistent as long as the "
                                    "generator pushes its samples low as well", "real_low"))

        if divergence and not unused:
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
    codes = {f.code for f in findings}
    if symbolic and separable and "not_per_sample" in codes:
        cert = _not_per_sample_cert("d_loss")
    elif symbolic and separable:
        try:
            from gantheory.loss_audit.certificate import certify_discriminator
            # a critic scoring real low is certified against the convention's mirror, the terms at −a; a row
            # whose fitted targets already read the loss as written (label smoothing α = 0) against the row
            c = certify_discriminator(conv, "logits", family, params, prove=prove,
                                      mirror=convention == "real_low" and family != "energy")
            if convention == "real_low" and family != "energy" and c.status == "not_equivalent":
                direct = certify_discriminator(conv, "logits", family, params, prove=prove)
                c = direct if direct.status not in ("not_equivalent", "untraced") else c
            cert = _cert_dict(c)
            if c.status == "not_equivalent" and family != "unrecognised":
                findings.append(Finding("warning", f"the traced expression is not the textbook "
                                        f"{c.textbook}: {c.detail}", "symbolic_mismatch"))
        except ImportError as exc:
            findings.append(Finding("info", f"certificate not attempted: {exc}", "skipped"))
        except Exception as exc:  # a certificate is evidence, never a reason to fail the audit
            cert = {"status": "untraced", "detail": f"{type(exc).__name__}: {exc}"}

    extreme = probes.robustness_probes(terms.loss)
    findings += _probe_findings(extreme, "d_loss", signature, terms)

    curve = ({"t": [float(x) for x in opt.t], "a_star": [float(x) for x in opt.a_star]} if opt is not None
             else {"t": [], "a_star": []})
    d_audit = DiscriminatorAudit(family, params, fit.evidence, signature.name if signature else None,
                                 curve, value, cert, convention)

    g_audit = None
    pairing = "unknown"
    if g_loss is not None:
        g_audit, g_findings, g_probes, pairing = _audit_generator(
            g_loss, conv, batch_size, terms, opt, family, params, convention, symbolic, separable, order, g_bind,
            prove)
        findings += g_findings
        extreme = extreme + g_probes
    rank = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: rank[f.severity])
    return AuditReport(d_audit, g_audit, tuple(findings), _verdict(d_audit, g_audit, findings),
                       conv.inputs, tuple(extreme), pairing)


def _not_per_sample_cert(role: str) -> dict:
    """The certificate, not attempted: it reads the loss on one-element batches, where a function of the batch
    mean, (mean(a) − 1)², cannot be told from the per-sample mean((a − 1)²) that it is not."""
    from gantheory.loss_audit.certificate import Certificate

    return _cert_dict(Certificate("untraced", "", "", None, (), "", detail=(
        f"not attempted: {role} is not an average of per-sample terms, and the certificate reads the loss on "
        "one-element batches, where it would pass for its per-sample form")))


def _structure_findings(terms: Terms, pl: PointwiseLoss, eps: float) -> list[Finding]:
    """Batch-size dependence, per-sample averaging, and the weighting under unequal batch sizes."""
    out = []
    ratios = probes.batch_weighting(terms)
    finite_ratios = [r for r in ratios.values() if math.isfinite(r)]
    if finite_ratios and np.ptp(finite_ratios) > _tol("audit_batch_weight_rtol", eps) * max(abs(x) for x in finite_ratios):
        out.append(Finding("warning", "the weight of the fake term relative to the real term depends on the batch "
                           "size (" + ", ".join(f"B={n}: {r:.4g}" for n, r in ratios.items()) +
                           "): one term is summed and the other averaged", "batch_size_dependent"))
    elif probes.per_sample_defect(terms) > _tol("audit_per_sample_atol", eps):
        out.append(Finding("warning", "the loss is not an average of per-sample terms (a batch of distinct outputs "
                           "differs from the mean of constant batches: e.g. a function of the batch mean)",
                           "not_per_sample"))
    ratio = probes.unequal_batch_weight(pl)
    if ratio is None:
        out.append(Finding("info", "the loss needs equal real and fake batch sizes (it pairs real and fake "
                           "samples)", "equal_batches_only"))
    elif abs(ratio - 1.0) > _tol("audit_batch_weight_rtol", eps):
        out.append(Finding("warning", f"with unequal batch sizes (3 real, 9 fake) the fake term weighs {ratio:.4g}× "
                           "what it weighs with equal sizes: one loss over the concatenated batch, "
                           "(Σ_r + Σ_f)/(n_r + n_f), is class weighting n_f : n_r whenever n_r ≠ n_f; average "
                           "each term over its own batch", "unequal_batch_weighting"))
    return out


def _unused_input(terms: Terms) -> str | None:
    """"real" or "fake" when that argument does not change the loss at all (on the grid), else None."""
    lr, lf = terms.on_grid
    for name, values in (("fake", lf), ("real", lr)):
        finite = values[np.isfinite(values)]
        if finite.size and np.ptp(finite) == 0.0:
            return name
    return None


def _family_findings(family, params, fit, signature, opt):
    """The finding of the matched row (:meth:`~gantheory.losses.Loss.audit_note`) and the degenerate games
    inside a family (the optimum must increase with p/(p+q) on the row's own scale; smoothing targets on
    their own side of ½), or an error naming the catalogued slip the terms follow, or "unrecognised"."""
    row = families.row_of(family, params)
    if row is not None:
        note = row.audit_note(params)
        out = [Finding(note.severity, note.message(params), note.code)]
        if family == "label_smoothing":
            al, be = params["alpha"], params["beta"]
            if not (be < 0.5 < al and al - be >= TOLERANCES["audit_min_target_gap"]):
                why = ("on the wrong side" if not be < 0.5 < al else "too close together")
                out.append(Finding("error", f"smoothed targets {why}: real target α = {al:g}, fake target "
                                   f"β = {be:g} (need β < ½ < α, at least {TOLERANCES['audit_min_target_gap']:g} "
                                   "apart): "
                                   + ("real data is labelled less real than fakes" if al <= be else
                                      "a target was typed on the wrong term" if not be < 0.5 < al else
                                      "the targets hardly differ, so D* = β + (α − β)·p/(p+q) barely ranks samples "
                                      "(random label flips average to ½)")
                                   + f"; D* = ({al:g}·p + {be:g}·q)/(p+q) does not separate real from fake",
                                   "degenerate_targets"))
        if opt is not None and np.all(np.isfinite(opt.a_star)):
            steps = np.diff(opt.a_star)
            if np.any(steps > 0) and np.any(steps < 0) and np.ptp(opt.a_star) > 0:
                out.append(Finding("error", "the optimum is not monotone in p/(p+q): D does not rank samples by how "
                                   "likely they are real", "non_monotone"))
        return out
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
            p = by.get((term, x, str(terms.loss.dtype).replace("torch.", "")))
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


def _audit_generator(g_loss, d_conv, batch_size, terms, opt, family, params, convention, symbolic, separable,
                     order, g_bind, prove=False):
    from gantheory.loss_audit.optimum import generator_term

    findings = []
    conv = adapt(g_loss, role="g_loss", inputs=d_conv.inputs, order=order, bind=g_bind, batch_size=batch_size)
    findings += [Finding("info", n.message, n.code) for n in conv.notes if n.code != "probabilities_detected"]
    if conv.n_args == 2 and family == "relativistic":
        return _audit_relativistic_generator(conv, batch_size, family, findings)
    if conv.n_args == 2 and family == "softmax":
        lin = _audit_softmax_generator(conv, batch_size, convention, findings)
        if lin is not None:
            return lin
    if conv.n_args == 2:  # g(real, fake) with a critic that is not relativistic: the real batch held at 0
        findings.append(Finding("info", "the generator loss takes the real outputs too; they are held at 0 (the "
                                "discriminator is not relativistic)", "generator_real_held"))
        two = conv

        def conv(fake):
            return two(torch.zeros_like(fake), fake)

        conv.eps, conv.dtype = two.eps, two.dtype
    term = generator_term(conv, inputs="logits", batch_size=batch_size, dtype=conv.dtype)
    mirrored = convention == "real_low" and family != "energy"
    if mirrored:  # a critic scoring real low: the generator's kind is read on −a (softplus(a) is non-saturating)
        def kind_term(a, grad=False):
            res = term(-np.asarray(a, dtype=np.float64), grad=grad)
            return (res[0], -res[1]) if grad else res
    else:
        kind_term = term
    gfit = families.classify_generator(kind_term, _tol("audit_generator_fit_rtol", conv.eps))
    if mirrored and gfit.kind == "other":  # a real-high form against a real-low critic: its kind as written
        direct = families.classify_generator(term, _tol("audit_generator_fit_rtol", conv.eps))
        if direct.kind != "other":
            gfit, mirrored = direct, False
    if mirrored and gfit.kind != "other":
        gfit = dataclasses.replace(gfit, description=gfit.description + "; mirrored (read on −a) for a critic that "
                                   "scores real samples low")
    row = families.row_of(family, params)
    # ½a² is the boundary-seeking loss on a logit and LSGAN's c = 0 on a raw output: the game decides
    if gfit.kind == "boundary_seeking" and row is not None and row.output == "raw":
        gfit = dataclasses.replace(gfit, kind="least_squares", params={"c": 0.0, "scale": gfit.params.get("scale", 1.0)},
                                   description=families._describe("least_squares"))
    # +E D(G(z)) matches EBGAN's energy row; on a critic's scores (not energies) it is the mirrored hinge
    if gfit.kind == "energy" and family != "energy":
        gfit = dataclasses.replace(gfit, kind="hinge", description=families._describe("hinge"))
    if probes.generator_per_sample_defect(term.loss) > _tol("audit_per_sample_atol", conv.eps):
        findings.append(Finding("warning", "the generator loss is not an average of per-sample terms (e.g. a top-k "
                                "selection or a function of the batch mean): the audit's per-sample reading of it "
                                "is the constant-batch one", "generator_not_per_sample"))
    saturation = _saturation(term, convention)
    if saturation is not None:
        findings.append(saturation)
    if gfit.kind == "other":
        findings.append(Finding("warning", "generator loss matches none of " + ", ".join(families.GENERATOR_KINDS[:-1]),
                                "generator_unrecognised"))
    pairing, fixed, reason = "unknown", None, "the discriminator's game is not recognised"
    if row is not None and separable:
        finite = opt is not None and np.all(np.isfinite(opt.a_star))
        if finite:
            fixed, reason = families.fixed_point_check(term, opt)
        else:
            reason = ("the optimal discriminator is unbounded: judged by direction (the generator must push its "
                      "samples where the critic scores real data)")
        if fixed is None:
            fixed = _direction_consistent(term, convention)
            reason += ("; it does" if fixed else "; it pushes them where the critic scores fakes")
        pairing = "consistent" if fixed else "inconsistent"
    elif row is not None:  # relativistic critic with a one-argument generator: judged by direction
        fixed = _direction_consistent(term, convention)
        pairing = "consistent" if fixed else "inconsistent"
        reason = "relativistic critic: judged by the direction the generator pushes its samples"
    if pairing == "inconsistent":
        findings.append(Finding("error", "generator and discriminator are inconsistent: the generator loss pushes "
                                "its samples toward where this discriminator scores fakes (discriminator convention "
                                f"{convention}); fix the generator's sign or target — the discriminator is a "
                                f"recognised {family.replace('_', ' ')} game. {reason}", "generator_moves_away"))
    pair_note = _pairing_note(family, params, gfit)
    if pair_note:
        findings.append(pair_note)
    cert = None
    if symbolic and any(f.code == "generator_not_per_sample" for f in findings):
        cert = _not_per_sample_cert("g_loss")
    elif symbolic:
        try:
            from gantheory.loss_audit.certificate import certify_generator
            g_cert = certify_generator(conv, "logits", gfit.kind, gfit.params, prove=prove,
                                       mirror=mirrored and gfit.kind != "other")
            if mirrored and gfit.kind != "other" and g_cert.status == "not_equivalent":
                direct = certify_generator(conv, "logits", gfit.kind, gfit.params, prove=prove)
                g_cert = direct if direct.status not in ("not_equivalent", "untraced") else g_cert
            cert = _cert_dict(g_cert)
        except ImportError:
            cert = None
        except Exception as exc:  # a certificate is evidence, never a reason to fail the audit
            cert = {"status": "untraced", "detail": f"{type(exc).__name__}: {exc}"}
    extreme = probes.robustness_probes(term.loss)
    findings += _probe_findings(extreme, "g_loss", None, None)
    _, g_sat = term(np.array([-20.0 if convention == "real_high" else 20.0]), grad=True)
    return (GeneratorAudit(gfit.kind, gfit.params, gfit.description, float(g_sat[0]), fixed, reason, cert),
            findings, extreme, pairing)


def _audit_relativistic_generator(conv, batch_size, family, findings):
    """A generator loss g(real, fake): relativistic; consistent when it falls as the fake outputs rise
    above the real ones (constant batches: a function of b − a)."""
    pl = PointwiseLoss(conv, n_args=2, batch_size=batch_size, name="g_loss", dtype=conv.dtype)
    # does it push fake outputs above real ones? g(real = 0, fake = b) falls from b = −½ to b = ½
    values = pl.evaluate([np.zeros(2), np.array([-0.5, 0.5])])
    falling = bool(values[1] < values[0])
    pairing = "consistent" if falling else "inconsistent"
    if family not in ("relativistic", "unrecognised") and falling:
        findings.append(Finding("info", "a relativistic generator with a non-relativistic discriminator",
                                "mixed_relativistic"))
    if not falling:
        findings.append(Finding("error", "the relativistic generator loss does not fall as fake outputs rise above "
                                "real ones: it trains the generator away from the data", "generator_moves_away"))
    reason = ("g(real, fake) falls as C(fake) rises above C(real)" if falling else
              "g(real, fake) rises as C(fake) rises above C(real)")
    return (GeneratorAudit("relativistic", {}, families._describe("relativistic"), math.nan, falling, reason, None),
            findings, [], pairing)


def _audit_softmax_generator(conv, batch_size, convention, findings):
    """Softmax GAN's generator (Lin 2017, §2): targets 1/(2n) on every sample of the batch, i.e.
    L_G = mean_{real ∪ fake} D + log Σ_{real ∪ fake} e^{−D} (energies; negated outputs for real_high). Fitted as
    s·L_G + k on random batches: s > 0 is consistent (fakes pulled to the real samples' level, where the batch's
    softmax is uniform), s < 0 inconsistent; None when it is not that form (then read per sample)."""
    from scipy.special import logsumexp

    pl = PointwiseLoss(conv, n_args=2, batch_size=batch_size, name="g_loss", dtype=conv.dtype)
    rng = np.random.default_rng(2)
    n = max(batch_size, 2)
    rs, fs = rng.normal(0.0, 1.5, (8, n)), rng.normal(0.3, 1.5, (8, n))
    sign = 1.0 if convention == "real_low" else -1.0
    y = np.array([float(pl.call(torch.as_tensor(r, dtype=pl.dtype), torch.as_tensor(f, dtype=pl.dtype)))
                  for r, f in zip(rs, fs, strict=True)])
    x = np.array([float(np.mean(sign * np.concatenate([r, f])) + logsumexp(-sign * np.concatenate([r, f])))
                  for r, f in zip(rs, fs, strict=True)])
    design = np.stack([x, np.ones_like(x)], axis=1)
    theta, *_ = np.linalg.lstsq(design, y, rcond=None)
    atol = max(_tol("audit_fit_atol", conv.eps), _tol("audit_separability_rtol", conv.eps))
    if not float(np.max(np.abs(design @ theta - y))) <= atol * max(float(np.ptp(y)), 1e-12):
        return None
    consistent = bool(theta[0] > 0)
    if not consistent:
        findings.append(Finding("error", "the softmax GAN generator loss has the wrong sign: it pushes the batch's "
                                "softmax away from uniform, i.e. fakes away from the real samples", "generator_moves_away"))
    reason = ("Lin 2017's L_G (targets 1/(2n) on real and fake) is minimised when real and fake samples score "
              "alike, at p_g = p_data" if consistent else "the negated softmax generator loss")
    description = ("Softmax GAN generator: mean D over real ∪ fake + log Σ e^{−D} (Lin 2017, arXiv:1704.06191, §2)")
    return (GeneratorAudit("other", {}, description, math.nan, consistent, reason, None), findings, [],
            "consistent" if consistent else "inconsistent")


def _direction_consistent(term, convention: str) -> bool:
    """Does ℓ_g push outputs toward the real side (up for real_high)? Its mean slope on [−4, 4]."""
    a = np.linspace(-4.0, 4.0, 17)
    _, g = term(a, grad=True)
    slope = float(np.mean(g))
    return slope < 0 if convention == "real_high" else slope > 0


def _saturation(term, convention: str) -> Finding | None:
    """A saturation warning from the gradient: |ℓ_g'| far on the fake side against its largest value near 0."""
    far = -20.0 if convention == "real_high" else 20.0
    _, g_far = term(np.array([far]), grad=True)
    _, g_near = term(np.linspace(-4.0, 4.0, 17), grad=True)
    ref = float(np.max(np.abs(g_near)))
    gf = abs(float(g_far[0]))
    if ref > 0 and math.isfinite(gf) and gf < TOLERANCES["audit_saturation_ratio"] * ref:
        return Finding("warning", f"the generator loss saturates: its gradient at output {far:+g} (samples D calls "
                       f"fake with confidence) is {gf:.2g}, against {ref:.2g} near 0; use the non-saturating "
                       "−log D(G(z)) (Goodfellow et al. 2014, §3) or drop the ε that flattens the log",
                       "saturating_generator")
    return None


def _pairing_note(family, params, gfit):
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
            "counterexample_logit": c.counterexample, "detail": c.detail, "route": c.route}


def _verdict(d: DiscriminatorAudit, g: GeneratorAudit | None, findings) -> str:
    errors = [f for f in findings if f.severity == "error"]
    warns = [f for f in findings if f.severity == "warning"]
    head = errors[0] if errors else (warns[0] if warns else None)
    gpart = f" with a {g.kind.replace('_', '-')} generator" if g else ""
    if head is None:
        name = d.family.replace("_", " ")
        if d.family == "relativistic":
            name = f"relativistic ({d.params.get('variant', '')})"
        row = families.row_of(d.family, d.params)
        ref = row.reference if row is not None else ""
        article = "an" if name[:1] in "aeiou" else "a"
        return f"OK: {article} {name} GAN{gpart}" + (f" ({ref}); nothing to change." if ref else
                                                ". nothing to change.")
    prefix = "FIX" if head.severity == "error" else "CHECK"
    more = len(errors) + len(warns) - 1
    return f"{prefix}: {head.message}" + (f" (+{more} more finding{'s' * (more > 1)})" if more else "")
