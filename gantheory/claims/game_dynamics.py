r"""Claims about game dynamics: does gradient training reach the equilibrium? (issue 17)

Each closed form of :mod:`gantheory.dynamics.theory` is checked three ways: the **symbolic** lens takes the
sympy eigenvalues of the exact Jacobian of :mod:`gantheory.dynamics` (and the exact linearised maps); the
**quadrature** lens (here: deterministic numerics) takes numpy eigenvalues, spectral radii and the
bisected stability bound; the **empirical** lens runs the nonlinear simulation near the equilibrium and
measures its per-step rate, which must match the linear prediction. Controls feed each lens a wrong
statement (R1 with γ < 0 claimed to converge, two time-scales claimed to converge, WGAN-GP with g₀ ≠ 0
claimed to converge, …), which it must refute.

Conventions: the Dirac-GAN of :mod:`gantheory.dynamics.fields` (data δ₀, generator δ_θ, D_ψ(x) = ψx);
f′(0), f″(0) from :data:`gantheory.dynamics.theory.F_PRIME`/``F_SECOND`` (the papers' values).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from gantheory.claims.model import Claim, Context, Control, NotApplicable
from gantheory.claims.shapes import curve_panel, short
from gantheory.results import Figure, LensResult, Measurement, Panel, Series, at_least, at_most, fmt, verdict
from gantheory.tolerances import TOLERANCES

MESCHEDER = "Mescheder, Geiger & Nowozin 2018"
ZERO_SUM = ("standard", "non_saturating", "wgan", "hinge")
R0 = 1e-3  # start of the rate measurements: nonlinear terms O(R0²)


@functools.lru_cache(maxsize=64)
def _dirac(loss: str, regularizer: str | None = None, gamma: float = 0.0, sigma: float = 1.0, target: float = 1.0):
    from gantheory.dynamics import DiracGAN

    return DiracGAN(loss, regularizer, gamma, sigma=sigma, target=target)


@functools.lru_cache(maxsize=1)
def _bilinear():
    from gantheory.dynamics import BilinearGame

    return BilinearGame()


def _a(loss: str, exact: bool = False):
    from gantheory.dynamics.theory import F_PRIME

    if exact:
        import sympy as sp

        return sp.nsimplify(F_PRIME[loss])
    return F_PRIME[loss]


def _same(got, expected) -> bool:
    """Two lists of sympy numbers are equal as multisets (each difference simplifies to 0)."""
    import sympy as sp

    rest = list(got)
    for e in expected:
        for i, g in enumerate(rest):
            if sp.simplify(sp.expand_complex(g - e)) == 0:
                del rest[i]
                break
        else:
            return False
    return not rest


def _facts(name: str, facts: list[tuple[str, bool]], what: str) -> Measurement:
    bad = [label for label, ok in facts if not ok]
    detail = f"{len(facts)} {what}" + (f"; failed: {', '.join(bad[:4])}" if bad else "")
    return at_most(name, len(bad), 0, detail)


def _complex_rows(pairs):
    """compare()-style rows (label, |got − expected|, 0) for complex numbers."""
    return [(label, abs(complex(g) - complex(e)), 0.0) for label, g, e in pairs]


def _worst(name: str, rows, tol: float, what: str) -> Measurement:
    errs = [float(e) for _, e, _ in rows]
    k = int(np.argmax(errs))
    return at_most(name, errs[k], tol, f"over {len(rows)} {what}; worst {rows[k][0]}")


def _rel_rows(name: str, rows, tol: float, what: str) -> Measurement:
    """max |measured/expected − 1| over (label, measured, expected) rows."""
    errs = [(label, abs(m / e - 1.0) if np.isfinite(m) else np.inf, 0.0) for label, m, e in rows]
    return _worst(name, errs, tol, what)


def _rate_row(label: str, game, steps: int, h: float, scheme: str = "simultaneous", r0: float = R0, **kw):
    """(label, measured rate of the nonlinear simulation, rate of the linearised map from the same start over
    the same steps): both over the second half, so a non-normal map's transient cancels (→ ρ as steps → ∞)."""
    return (label, game.simulate(r0, 0.0, steps, h, scheme, **kw).rate(),
            game.simulate(r0, 0.0, steps, h, scheme, linearised=True, **kw).rate())


def _sorted(ev) -> np.ndarray:
    ev = np.asarray(ev, dtype=complex)
    return ev[np.lexsort((ev.real, -ev.imag))]


def _phase_panel(title: str, trajectories) -> Panel:
    return Panel(title, "θ (generator)", "ψ (discriminator)",
                 tuple(Series(label, short(tr.theta, 400), short(tr.psi, 400), "line") for label, tr in trajectories),
                 hlines=((0.0, ""),), vlines=((0.0, ""),))


# ----------------------------------------------------------------------------------------------------
# dirac-unregularised


@dataclass(frozen=True)
class UnregularisedNumeric:
    """numpy ρ of simultaneous GD = sqrt(1 + h²a²) and of alternating GD = 1 (h·a < 2); the bisected
    stability bound is 0 for simultaneous, alternating and continuous time. ``converges`` (the control)
    claims a positive stable step instead."""

    converges: bool = False

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.dynamics.theory import rho_simultaneous_unregularised

        sim, alt, bounds = [], [], []
        for loss in ZERO_SUM:
            g, a = _dirac(loss), _a(loss)
            for h in (0.05, 0.1, 0.5, 1.0):
                sim.append((f"{loss}, h = {h}", g.spectral_radius("simultaneous", h),
                            rho_simultaneous_unregularised(a, h)))
                alt.append((f"{loss}, h = {h}", g.spectral_radius("alternating", h), 1.0))
            for scheme in ("simultaneous", "alternating", "continuous"):
                bounds.append((f"{loss}, {scheme}", g.max_stable_step(scheme)))
        ms = [_worst("|ρ_sim − sqrt(1 + h²f′(0)²)|", [(lbl, abs(x - y), 0) for lbl, x, y in sim],
                     TOLERANCES["dynamics_eigen_atol"], "(loss, h)"),
              _worst("|ρ_alt − 1|", [(lbl, abs(x - y), 0) for lbl, x, y in alt], TOLERANCES["dynamics_unit_circle_atol"],
                     "(loss, h): alternating GD stays on the unit circle")]
        largest = max(bounds, key=lambda r: r[1])
        if self.converges:
            ms.append(at_least("largest stable step (claimed > 0)", largest[1], 1e-4, f"bisection; at {largest[0]}"))
        else:
            ms.append(at_most("largest stable step (no scheme converges)", largest[1], 0.0,
                              f"bisection over h ∈ [1e-4, 100] for {len(bounds)} (loss, scheme)"))
        return verdict("quadrature", ms, f"ρ_sim = sqrt(1 + h²f′²) to {fmt(ms[0].measured)}, ρ_alt = 1 to "
                       f"{fmt(ms[1].measured)}, no stable step")


@dataclass(frozen=True)
class UnregularisedSimulation:
    """The nonlinear Dirac-GAN from r₀ = 1e-3: continuous time conserves r (to the integrator's 1e-9);
    simultaneous GD grows r by the predicted factor per step; alternating GD keeps r within the orbit band.
    ``converges`` (the control) claims simultaneous GD shrinks r below r₀/2 in 2000 steps."""

    converges: bool = False

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.dynamics.theory import rho_simultaneous_unregularised

        steps, h = ctx.pick(1000, 4000), 0.1
        cons, rates, band = [], [], []
        for loss in ("standard", "wgan"):
            g = _dirac(loss)
            c = g.simulate(R0, 0.0, 200, 0.25, "continuous")
            cons.append((loss, abs(c.radius[-1] / R0 - 1.0), 0.0))
            s = g.simulate(R0, 0.0, 1000, h, "simultaneous")  # r grows ≤ 150× (WGAN's field is linear): still linear
            rates.append((loss, s.rate(0), rho_simultaneous_unregularised(_a(loss), h)))
            alt = g.simulate(R0, 0.0, steps, h, "alternating")
            band.append((loss, float(np.max(np.abs(alt.radius / R0 - 1.0))), 0.0))
        ms = [_worst("|r(T)/r₀ − 1| in continuous time (T = 50)", cons, 1e-8, "losses (DOP853, rtol 1e-11)"),
              _rel_rows("|measured/predicted − 1| of the simultaneous growth per step", rates,
                        TOLERANCES["dynamics_rate_rtol"], f"losses (1000 steps, h = {h})"),
              _worst("max |r_k/r₀ − 1| of alternating GD", band, TOLERANCES["dynamics_orbit_band"],
                     f"losses ({steps} steps, h = {h}): a bounded orbit")]
        if self.converges:
            ms.append(at_most("r_T/r₀ of simultaneous GD (claimed to converge: ≤ ½)",
                              min(r[1] for r in rates) ** 1000, 0.5, "1000 steps"))
        g0, g1 = _dirac("standard"), _dirac("standard", "r1", 0.5)
        x0 = (1.0, 1.0)
        panels = tuple(_phase_panel(f"{scheme} (h = 0.5)" if scheme != "continuous" else "continuous time", (
            ("no regulariser", g0.simulate(*x0, 150, 0.5, scheme)), ("R1, γ = 0.5", g1.simulate(*x0, 150, 0.5, scheme))))
            for scheme in ("continuous", "simultaneous", "alternating"))
        fig = Figure("dirac-phase-portraits", "Dirac-GAN (standard loss): trajectories from (θ, ψ) = (1, 1), with "
                     "and without R1", panels, "150 steps of h = 0.5 (continuous time: the flow sampled every 0.5).")
        return verdict("empirical", ms, f"r conserved to {fmt(ms[0].measured)}, growth per step matches "
                       f"sqrt(1 + h²f′²) to {fmt(ms[1].measured)}, alternating orbit within "
                       f"{fmt(ms[2].measured)} of r₀", figures=(fig,))


# ----------------------------------------------------------------------------------------------------
# dirac-gradient-penalty


PENALTY_GAMMAS = (0.25, 0.5, 1.0, 2.0, 3.0)


@dataclass(frozen=True)
class PenaltyNumeric:
    """numpy eigenvalues against the closed form; the bisected sup{h : ρ(I + hJ) < 1} against h_max(γ);
    the minimiser of ρ(h) (scipy bounded Brent) and ρ there against (h*, ρ*); every Re λ < 0. ``sign``
    = −1 (the control) uses −γ."""

    sign: float = 1.0

    def __call__(self, ctx: Context) -> LensResult:
        from scipy.optimize import minimize_scalar

        from gantheory.dynamics.theory import eigenvalues, penalty_optimal_step, penalty_stable_step

        eig, bound, opt, rho, re = [], [], [], [], []
        for loss in ("standard", "wgan"):
            a = _a(loss)
            for gamma in PENALTY_GAMMAS:
                gam = self.sign * gamma
                g = _dirac(loss, "r1", gam)
                lbl = f"{loss}, γ = {gam}"
                eig += list(zip([lbl] * 2, _sorted(g.eigenvalues()), _sorted(eigenvalues("r1", a, gamma=gam)),
                                strict=True))
                re.append((lbl, float(np.max(g.eigenvalues().real))))
                h_max = g.max_stable_step("simultaneous")
                bound.append((lbl, h_max, penalty_stable_step(a, gam) if gam > 0 else 0.0))
                if gam > 0:
                    h_star, rho_star = penalty_optimal_step(a, gam)
                    res = minimize_scalar(lambda h, g=g: g.spectral_radius("simultaneous", h), bounds=(1e-6, h_max),
                                          method="bounded", options={"xatol": 1e-10})
                    opt.append((lbl, float(res.x), h_star))
                    rho.append((lbl, float(res.fun), rho_star))
        worst_re = max(re, key=lambda r: r[1])
        ms = [_worst("|λ_numpy − λ_closed form|", _complex_rows(eig), TOLERANCES["dynamics_eigen_atol"], "eigenvalues"),
              at_most("max Re λ (convergence in continuous time needs < 0)", worst_re[1], -1e-3,
                      f"worst at {worst_re[0]}"),
              _rel_rows("|h_max(bisection)/h_max(closed form) − 1|", [r for r in bound if r[2] > 0] or
                        [("none", np.inf, 1.0)], TOLERANCES["dynamics_bound_rtol"], "(loss, γ)")]
        if opt:
            ms += [_rel_rows("|h*(Brent)/h*(closed form) − 1|", opt, 1e-4, "(loss, γ): ρ is flat at its minimum"),
                   _worst("|ρ(h*) − ρ*(closed form)|", [(lbl, abs(x - y), 0) for lbl, x, y in rho],
                          TOLERANCES["dynamics_bound_rtol"], "(loss, γ)")]
        figs = ()
        if self.sign > 0:
            g_lo, g_hi = _dirac("standard", "r1", 0.5), _dirac("standard", "r1", 2.0)
            hs = np.linspace(0.01, 2.6, 260)
            panel = curve_panel("ρ(I + hJ) of simultaneous GD, standard loss", hs, [
                ("R1, γ = 0.5", [g_lo.spectral_radius("simultaneous", h) for h in hs], "line"),
                ("R1, γ = 2", [g_hi.spectral_radius("simultaneous", h) for h in hs], "line"),
                ("no regulariser", [_dirac("standard").spectral_radius("simultaneous", h) for h in hs], "dashed")],
                xlabel="step size h", ylabel="spectral radius ρ", hlines=((1.0, "ρ = 1"),))
            panel = Panel(panel.title, panel.xlabel, panel.ylabel, panel.series, panel.hlines, False,
                          ((penalty_stable_step(0.5, 0.5), "h_max(½)"), (penalty_stable_step(0.5, 2.0), "h_max(2)")))
            gammas = np.linspace(0.02, 3.0, 60)
            locus = np.array([eigenvalues("r1", 0.5, gamma=gm) for gm in gammas])
            root = Panel("eigenvalues of J as γ grows (R1, standard loss)", "Re λ", "Im λ", (
                Series("λ₊(γ)", short(locus[:, 0].real), short(locus[:, 0].imag), "points"),
                Series("λ₋(γ)", short(locus[:, 1].real), short(locus[:, 1].imag), "points")),
                hlines=((0.0, ""),), vlines=((0.0, "Re λ = 0"),))
            figs = (Figure("dirac-r1-stability", "R1: spectral radius against h with the predicted bound, and the "
                           "eigenvalues against γ", (panel, root), "Dashed vertical lines: the closed-form h_max."),)
        return verdict("quadrature", ms, f"h_max = γ/f′² (γ < 2f′) matched by bisection to {fmt(ms[2].measured)}; "
                       f"λ to {fmt(ms[0].measured)}", figures=figs)


@dataclass(frozen=True)
class PenaltySimulation:
    """The nonlinear Dirac-GAN with R1 (``sign``·γ): the measured per-step rate of simultaneous GD at h* and
    at h_max/2, and of the continuous flow, match the linearised map's (iterated from the same start, → ρ);
    a step 10 % above h_max leaves the neighbourhood of the equilibrium (r grows ×10).
    The control (``sign`` = −1) claims r_T/r₀ ≤ 1e-2 in continuous time."""

    sign: float = 1.0

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.dynamics.theory import penalty_optimal_step, penalty_stable_step

        rates, above, finals = [], [], []
        steps = ctx.pick(200, 600)
        for gamma in (0.5, 1.5):
            gam = self.sign * gamma
            g = _dirac("standard", "r1", gam)
            if gam > 0:
                h_star, _ = penalty_optimal_step(0.5, gam)
                h_max = penalty_stable_step(0.5, gam)
                for h in (h_star, 0.5 * h_max):
                    rates.append(_rate_row(f"γ = {gam}, h = {h:.3g}", g, steps, h))
                above.append((f"γ = {gam}", float(np.max(g.simulate(R0, 0.0, steps, 1.1 * h_max).radius)) / R0))
            rates.append(_rate_row(f"γ = {gam}, continuous", g, 100, 0.2, "continuous"))
            finals.append((f"γ = {gam}", g.simulate(R0, 0.0, 400, 0.2, "continuous").radius[-1] / R0))
        ms = [_rel_rows("|measured/predicted − 1| of the per-step rate", rates, TOLERANCES["dynamics_rate_rtol"],
                        "(γ, h): nonlinear simulation against ρ of the linearisation")]
        if above:
            ms.append(at_least("min over γ of max_k r_k/r₀ at 1.1·h_max (leaves the neighbourhood)",
                               min(r[1] for r in above), 10.0, f"{len(above)} values of γ (nonlinearity then bounds it)"))
        ms.append(at_most("max r_T/r₀ in continuous time (T = 80)", max(r[1] for r in finals), 1e-2,
                          "the flow converges for γ > 0"))
        return verdict("empirical", ms, f"measured rates match the linearisation to {fmt(ms[0].measured)}; 1.1·h_max leaves the neighbourhood")


# ----------------------------------------------------------------------------------------------------
# dirac-wgan-gp-instance-noise


NOISE_CASES = (("standard", 0.5), ("standard", 1.0), ("standard", 2.0), ("wgan", 1.0))


@dataclass(frozen=True)
class NoiseSymbolic:
    """Exact instance-noise eigenvalues σ²f″(0) ± sqrt(σ⁴f″(0)² − f′(0)²); WGAN-GP with g₀ = 0 has exactly
    R1's Jacobian; with g₀ = 1 the field is not differentiable at the equilibrium (jacobian() refuses).
    ``f_second`` overrides f″(0) of the cross-entropy loss (the control: 0, as if noise did not damp)."""

    f_second: float | None = None

    def __call__(self, ctx: Context) -> LensResult:
        import sympy as sp

        from gantheory.dynamics.theory import F_SECOND, eigenvalues
        from gantheory.errors import GanTheoryError

        facts = []
        for loss, sigma in NOISE_CASES:
            b = F_SECOND[loss] if (self.f_second is None or loss == "wgan") else self.f_second
            g = _dirac(loss, "instance_noise", sigma=sigma)
            facts.append((f"{loss} σ = {sigma}", _same(g.exact_eigenvalues(), eigenvalues(
                "instance_noise", _a(loss, exact=True), b=sp.nsimplify(b), sigma=sp.nsimplify(sigma)))))
        for loss in ("standard", "wgan"):
            facts.append((f"{loss}: J(WGAN-GP, g₀ = 0) = J(R1)", _dirac(loss, "wgan_gp", 1.0, target=0.0).jacobian().exact
                          == _dirac(loss, "r1", 1.0).jacobian().exact))
            try:
                _dirac(loss, "wgan_gp", 1.0, target=1.0).jacobian()
                refused = False
            except GanTheoryError:
                refused = True
            facts.append((f"{loss}: WGAN-GP g₀ = 1 not differentiable at 0", refused))
        ms = [_facts("exact statements that fail", facts, "statements")]
        return verdict("symbolic", ms, "instance noise: λ = σ²f″ ± sqrt(σ⁴f″² − f′²); WGAN-GP(g₀ = 0) ≡ R1; "
                       "g₀ ≠ 0 not differentiable")


@dataclass(frozen=True)
class NoiseNumeric:
    """numpy eigenvalues of instance noise against the closed form; Re λ < 0 for the cross-entropy loss and
    = 0 for WGAN (f″ = 0: noise does not damp a linear critic). ``wgan_converges`` (the control) claims
    Re λ < 0 for WGAN too."""

    wgan_converges: bool = False

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.dynamics.theory import F_SECOND, eigenvalues

        rows, re = [], {}
        for loss, sigma in NOISE_CASES:
            g = _dirac(loss, "instance_noise", sigma=sigma)
            rows += list(zip([f"{loss} σ = {sigma}"] * 2, _sorted(g.eigenvalues()), _sorted(
                eigenvalues("instance_noise", _a(loss), b=F_SECOND[loss], sigma=sigma)), strict=True))
            re.setdefault(loss, []).append(float(np.max(g.eigenvalues().real)))
        ms = [_worst("|λ_numpy − λ_closed form|", _complex_rows(rows), TOLERANCES["dynamics_eigen_atol"], "eigenvalues"),
              at_most("max Re λ, cross-entropy with noise", max(re["standard"]), -1e-3, "converges")]
        if self.wgan_converges:
            ms.append(at_most("max Re λ, WGAN with noise (claimed < 0)", max(re["wgan"]), -1e-3, "σ = 1"))
        else:
            ms.append(at_most("|max Re λ|, WGAN with noise (= 0: no damping)", abs(max(re["wgan"])),
                              TOLERANCES["dynamics_eigen_atol"], "σ = 1"))
        return verdict("quadrature", ms, "instance noise damps the cross-entropy game, not WGAN")


@dataclass(frozen=True)
class NoiseSimulation:
    """Simultaneous GD (h = 0.05, 4000 steps from r₀ = 1e-3): WGAN-GP with g₀ = 1 (WGAN and cross-entropy
    losses) never returns near the equilibrium (min r over the second half ≥ 0.5), with g₀ = 0 it converges;
    instance noise (cross-entropy, σ = 1, Gauss–Hermite expectation) converges at the predicted rate.
    ``gp_converges`` (the control) claims WGAN-GP with g₀ = 1 ends within 1e-2 of the equilibrium."""

    gp_converges: bool = False

    def __call__(self, ctx: Context) -> LensResult:
        steps, h = ctx.pick(2000, 8000), 0.05
        far, trs = [], []
        for loss in ("wgan", "standard"):
            tr = _dirac(loss, "wgan_gp", 1.0, target=1.0).simulate(R0, 0.0, steps, h)
            far.append((loss, float(tr.radius[steps // 2:].min())))
            trs.append((f"WGAN-GP g₀ = 1 ({loss})", tr))
        zero = _dirac("wgan", "wgan_gp", 1.0, target=0.0).simulate(R0, 0.0, steps, h)
        noise = _dirac("standard", "instance_noise", sigma=1.0)
        # 200 steps: r stays above 1e-12, where the Gauss–Hermite average's cancellation (~1e-17) is negligible
        ms = [_rel_rows("|measured/predicted − 1|, instance noise", [_rate_row("σ = 1, h = 0.5", noise, 200, 0.5)],
                        TOLERANCES["dynamics_rate_rtol"], "rate"),
              at_most("r_T/r₀, WGAN-GP g₀ = 0", zero.radius[-1] / R0, 1e-3, "converges like R1")]
        if self.gp_converges:
            ms.append(at_most("r_T, WGAN-GP g₀ = 1 (claimed to converge)", max(r for _, r in far), 1e-2, "end point"))
        else:
            ms.append(at_least("min r over the second half, WGAN-GP g₀ = 1", min(r for _, r in far), 0.5,
                               "; ".join(f"{lbl}: {fmt(r)}" for lbl, r in far)))
        big = [(lbl, _dirac(*spec).simulate(0.5, 0.5, 1500, 0.05)) for lbl, spec in (
            ("WGAN-GP g₀ = 1 (WGAN)", ("wgan", "wgan_gp", 1.0, 1.0, 1.0)),
            ("WGAN-GP g₀ = 0 (WGAN)", ("wgan", "wgan_gp", 1.0, 1.0, 0.0)),
            ("instance noise σ = 1 (standard)", ("standard", "instance_noise", 0.0, 1.0, 1.0)))]
        fig = Figure("dirac-wgan-gp", "WGAN-GP with g₀ = 1 circles away from the equilibrium; g₀ = 0 and instance "
                     "noise converge", (_phase_panel("simultaneous GD, h = 0.05, from (0.5, 0.5)", big),),
                     "1500 steps each.")
        return verdict("empirical", ms, f"WGAN-GP(g₀ = 1) stays ≥ {fmt(min(r for _, r in far))} from the equilibrium; "
                       "g₀ = 0 and instance noise converge", figures=(fig,))


# ----------------------------------------------------------------------------------------------------
# consensus, Nagarajan–Kolter, SGA


CNS_GAMMAS = (0.5, 1.0, 3.0)


@dataclass(frozen=True)
class ConsensusSymbolic:
    """Exact eigenvalues of consensus, SGA and NK against their closed forms; at linear order consensus and
    SGA have the same Jacobian (J − γJᵀJ = J + γJ² when J is antisymmetric) and NK(γ) has R1(γf′²)'s
    spectrum. ``equate`` = ``consensus-nk`` (the control) claims consensus and NK have the same spectrum."""

    equate: str = ""

    def __call__(self, ctx: Context) -> LensResult:
        import sympy as sp

        from gantheory.dynamics.theory import eigenvalues

        facts = []
        for loss in ("standard", "wgan"):
            a = _a(loss, exact=True)
            for gamma in ctx.take(CNS_GAMMAS, 2):
                gm = sp.nsimplify(gamma)
                for reg in ("consensus", "sga", "nk"):
                    facts.append((f"{loss} {reg} γ = {gamma}", _same(_dirac(loss, reg, gamma).exact_eigenvalues(),
                                                                     eigenvalues(reg, a, gamma=gm))))
                facts.append((f"{loss} γ = {gamma}: J(consensus) = J(SGA)",
                              _dirac(loss, "consensus", gamma).jacobian().exact == _dirac(loss, "sga", gamma).jacobian().exact))
                facts.append((f"{loss} γ = {gamma}: spec NK(γ) = spec R1(γf′²)", _same(
                    _dirac(loss, "nk", gamma).exact_eigenvalues(),
                    _dirac(loss, "r1", float(gamma * _a(loss) ** 2)).exact_eigenvalues())))
                if self.equate == "consensus-nk":
                    facts.append((f"{loss} γ = {gamma}: spec consensus = spec NK", _same(
                        _dirac(loss, "consensus", gamma).exact_eigenvalues(), _dirac(loss, "nk", gamma).exact_eigenvalues())))
        ms = [_facts("exact statements that fail", facts, "statements")]
        return verdict("symbolic", ms, "consensus/SGA: λ = −γf′² ± i f′ (same J at linear order); NK(γ) ≡ R1(γf′²)")


@dataclass(frozen=True)
class ConsensusNumeric:
    """numpy eigenvalues of consensus, SGA and NK against the closed forms, and the bisected stable step of
    simultaneous GD against min 2|Re λ|/|λ|² of the closed-form eigenvalues. ``gamma_sign`` = −1 (the
    control) flips γ and claims convergence (max Re λ < 0)."""

    gamma_sign: float = 1.0

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.dynamics.spectrum import stable_step
        from gantheory.dynamics.theory import eigenvalues

        rows, bounds, re = [], [], []
        for loss in ("standard", "wgan"):
            for gamma in CNS_GAMMAS:
                gm = self.gamma_sign * gamma
                for reg in ("consensus", "sga", "nk"):
                    g, closed = _dirac(loss, reg, gm), eigenvalues(reg, _a(loss), gamma=gm)
                    lbl = f"{loss} {reg} γ = {gm}"
                    rows += list(zip([lbl] * 2, _sorted(g.eigenvalues()), _sorted(closed), strict=True))
                    re.append((lbl, float(np.max(g.eigenvalues().real))))
                    if gm > 0:
                        bounds.append((lbl, g.max_stable_step("simultaneous"), stable_step(np.array(closed))[0]))
        worst = max(re, key=lambda r: r[1])
        ms = [_worst("|λ_numpy − λ_closed form|", _complex_rows(rows), TOLERANCES["dynamics_eigen_atol"], "eigenvalues"),
              at_most("max Re λ", worst[1], -1e-3, f"worst at {worst[0]}")]
        if bounds:
            ms.append(_rel_rows("|h_max(bisection)/min 2|Re λ|/|λ|² − 1|", bounds, TOLERANCES["dynamics_bound_rtol"],
                                "(loss, regulariser, γ)"))
        figs = ()
        if self.gamma_sign > 0:
            series = []
            for lbl, spec in (("none", ("standard",)), ("R1 γ = 1", ("standard", "r1", 1.0)),
                              ("consensus γ = 1", ("standard", "consensus", 1.0)), ("SGA γ = 1", ("standard", "sga", 1.0)),
                              ("NK γ = 1", ("standard", "nk", 1.0)),
                              ("instance noise σ = 1", ("standard", "instance_noise", 0.0, 1.0))):
                ev = _dirac(*spec).eigenvalues()
                series.append(Series(lbl, tuple(float(v) for v in ev.real), tuple(float(v) for v in ev.imag), "points"))
            figs = (Figure("dirac-eigenvalues", "Eigenvalues of the Dirac-GAN's Jacobian (standard loss) per regulariser",
                           (Panel("λ in the complex plane", "Re λ", "Im λ", tuple(series), hlines=((0.0, ""),),
                                  vlines=((0.0, "Re λ = 0"),)),), "Consensus and SGA coincide at linear order."),)
        return verdict("quadrature", ms, f"λ to {fmt(ms[0].measured)}; every Re λ < 0", figures=figs)


@dataclass(frozen=True)
class RegularisedSimulation:
    """The nonlinear Dirac-GAN (standard loss, γ = 1) with consensus, SGA and NK: the measured per-step rate
    of simultaneous GD (h = 0.5) matches ρ of the linearisation. ``claimed`` replaces the prediction by the
    unregularised sqrt(1 + h²f′²) (the control)."""

    claimed: str = "linearisation"

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.dynamics.theory import rho_simultaneous_unregularised

        rows = []
        for reg in ("consensus", "sga", "nk"):
            g = _dirac("standard", reg, 1.0)
            lbl, measured, predicted = _rate_row(reg, g, ctx.pick(200, 600), 0.5)
            rows.append((lbl, measured, predicted if self.claimed == "linearisation"
                         else rho_simultaneous_unregularised(0.5, 0.5)))
        ms = [_rel_rows("|measured/predicted − 1|", rows, TOLERANCES["dynamics_rate_rtol"], "regularisers")]
        return verdict("empirical", ms, f"measured rates match ρ to {fmt(ms[0].measured)}")


# ----------------------------------------------------------------------------------------------------
# update-schemes


BILINEAR_H = (0.05, 0.1, 0.2, 0.3, 0.5)
TTUR_RATIOS = (0.1, 0.5, 2.0, 10.0)


@dataclass(frozen=True)
class SchemesSymbolic:
    """With h symbolic: extragradient on V = xy has λ(M) = 1 − h² ± ih, |λ|² = 1 − h² + h⁴; μ = (1 + 2ih +
    sqrt(1 − 4h²))/2 is an eigenvalue of optimistic GD's companion matrix with |μ|² = (1 + sqrt(1 − 4h²))/2
    (0 < h ≤ ½); two time-scales on the unregularised Dirac-GAN give |λ(I + diag(h, h_d)J)|² = 1 + h·h_d·f′²
    > 1. ``ttur_factor`` (the control: −1) claims 1 − h·h_d·f′² instead."""

    ttur_factor: float = 1.0

    def __call__(self, ctx: Context) -> LensResult:
        import sympy as sp

        h, hd = sp.symbols("h h_d", positive=True)
        j = _bilinear().jacobian().exact
        eye = sp.eye(2)
        facts = []
        eg = eye + h * j + h**2 * j * j
        facts.append(("EG: λ = 1 − h² ± ih", _same(list(eg.eigenvals()), [1 - h**2 + sp.I * h, 1 - h**2 - sp.I * h])))
        facts.append(("EG: |λ|² = 1 − h² + h⁴", all(sp.simplify(sp.expand_complex(ev * sp.conjugate(ev))
                                                               - (1 - h**2 + h**4)) == 0 for ev in eg.eigenvals())))
        ogd = sp.BlockMatrix([[eye + 2 * h * j, -h * j], [eye, sp.zeros(2)]]).as_explicit()
        mu = (1 + 2 * sp.I * h + sp.sqrt(1 - 4 * h**2)) / 2
        facts.append(("OGD: det(μI − M) = 0", sp.simplify(sp.expand((mu * sp.eye(4) - ogd).det())) == 0))
        # for 0 < h ≤ ½ write s = sqrt(1 − 4h²) ≥ 0: μ = (1 + s)/2 + ih, |μ|² = (1 + s)²/4 + h², h² = (1 − s²)/4
        s = sp.Symbol("s", nonnegative=True)
        mod2 = ((1 + s) / 2) ** 2 + h**2
        facts.append(("OGD: |μ|² = (1 + sqrt(1 − 4h²))/2 for h ≤ ½",
                      sp.simplify(mod2.subs(h**2, (1 - s**2) / 4) - (1 + s) / 2) == 0))
        for loss in ("standard", "wgan"):
            a = _a(loss, exact=True)
            m = eye + sp.diag(h, hd) * _dirac(loss).jacobian().exact
            facts.append((f"TTUR {loss}: |λ|² = 1 + {self.ttur_factor:g}·h·h_d·f′²", all(
                sp.simplify(sp.expand_complex(ev * sp.conjugate(ev)) - (1 + sp.nsimplify(self.ttur_factor) * h * hd * a**2))
                == 0 for ev in m.eigenvals())))
        ms = [_facts("exact statements that fail", facts, "statements about the linearised maps")]
        return verdict("symbolic", ms, "EG ρ² = 1 − h² + h⁴, OGD ρ² = (1 + sqrt(1 − 4h²))/2, TTUR ρ² = 1 + h·h_d·f′²")


@dataclass(frozen=True)
class SchemesNumeric:
    """numpy ρ of the linearised maps: on V = xy simultaneous/extragradient/optimistic against the closed
    forms; heavy-ball momentum β ∈ [−0.9, 0.9] never makes simultaneous GD converge, makes alternating GD
    converge for some β < 0, leaves it on the unit circle at β = 0 and diverging for β > 0; two time-scales
    (h_d/h ∈ {0.1, 0.5, 2, 10}) never make the unregularised Dirac-GAN converge. ``claim`` names the
    control: ``ttur-converges`` or ``simultaneous-momentum-converges``."""

    claim: str = ""

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.dynamics.theory import rho_bilinear, rho_simultaneous_unregularised

        b = _bilinear()
        # optimistic at h = ½ has a double (defective) eigenvalue, which numpy resolves only to ~sqrt(eps)
        rows = [(f"{s}, h = {h}", b.spectral_radius(s, h), rho_bilinear(s, h))
                for s in ("simultaneous", "extragradient", "optimistic") for h in BILINEAR_H
                if not (s == "optimistic" and h == 0.5)]
        hs, betas = np.geomspace(0.01, 1.5, 25), np.linspace(-0.9, 0.9, 19)
        sim = np.array([[b.spectral_radius("simultaneous", h, beta=be) for be in betas] for h in hs])
        alt = np.array([[b.spectral_radius("alternating", h, beta=be) for be in betas] for h in hs])
        small = hs < 1.9  # alternating GD stays on the circle while h² < 4
        neg, zero, pos = betas < -1e-12, np.abs(betas) < 1e-12, betas > 1e-12
        ttur = [(f"{loss}, h_d/h = {r}", _dirac(loss).spectral_radius("simultaneous", 0.1, 0.1 * r),
                 rho_simultaneous_unregularised(_a(loss), 0.1, 0.1 * r)) for loss in ("standard", "wgan") for r in TTUR_RATIOS]
        ttur_alt = [_dirac("standard").spectral_radius("alternating", 0.1, 0.1 * r) for r in TTUR_RATIOS]
        ms = [_worst("|ρ_numpy − ρ_closed form| on V = xy", [(lbl, abs(x - y), 0) for lbl, x, y in rows],
                     TOLERANCES["dynamics_eigen_atol"], "(scheme, h)"),
              _worst("|ρ_TTUR − sqrt(1 + h·h_d·f′²)|", [(lbl, abs(x - y), 0) for lbl, x, y in ttur],
                     TOLERANCES["dynamics_eigen_atol"], "(loss, ratio)"),
              at_most("|ρ_alt − 1| at β = 0", float(np.max(np.abs(alt[:, zero][small] - 1))),
                      TOLERANCES["dynamics_unit_circle_atol"], "h on the grid"),
              at_most("min ρ_alt over β < 0 (negative momentum converges)", float(alt[:, neg].min()), 0.99,
                      f"{hs.size}×{int(neg.sum())} grid"),
              at_least("min ρ_alt over β > 0", float(alt[:, pos].min()), 1.0, "positive momentum diverges")]
        if self.claim == "simultaneous-momentum-converges":
            ms.append(at_most("min ρ_sim over (h, β) (claimed < 1)", float(sim.min()), 1 - TOLERANCES["dynamics_unit_circle_atol"],
                              f"{sim.size} (h, β)"))
        else:
            ms.append(at_least("min ρ_sim over (h, β) (momentum never rescues simultaneous GD)", float(sim.min()), 1.0,
                               f"{sim.size} (h, β) with h ∈ [0.01, 1.5], β ∈ [−0.9, 0.9]"))
        if self.claim == "ttur-converges":
            ms.append(at_most("min ρ_TTUR (claimed < 1)", min(min(r[1] for r in ttur), min(ttur_alt)),
                              1 - TOLERANCES["dynamics_unit_circle_atol"], "simultaneous and alternating"))
        else:
            ms.append(at_least("min ρ_TTUR, simultaneous and alternating (two time-scales alone never converge)",
                               min(min(r[1] for r in ttur), min(ttur_alt)), 1 - TOLERANCES["dynamics_unit_circle_atol"],
                               f"ratios {TTUR_RATIOS}"))
        hgrid = np.linspace(0.01, 1.2, 200)
        fig = Figure("bilinear-schemes", "V = xy: spectral radius of each scheme against h", (
            curve_panel("ρ of the linearised map", hgrid, [
                (s, [b.spectral_radius(s, h) for h in hgrid], "line") for s in
                ("simultaneous", "extragradient", "optimistic")] + [
                ("alternating, β = −0.3", [b.spectral_radius("alternating", h, beta=-0.3) for h in hgrid], "dashed"),
                ("alternating, β = 0", [b.spectral_radius("alternating", h) for h in hgrid], "dotted")],
                xlabel="step size h", ylabel="spectral radius ρ", hlines=((1.0, "ρ = 1"),)),),
            "Extragradient and optimistic GD contract where simultaneous GD spirals out; negative momentum "
            "helps alternating updates.")
        return verdict("quadrature", ms, f"closed forms to {fmt(ms[0].measured)}; momentum and TTUR grids as claimed",
                       figures=(fig,))


@dataclass(frozen=True)
class SchemesSimulation:
    """Simulated rates on V = xy (simultaneous, extragradient, optimistic at h = 0.3; alternating with
    β = −0.3 at h = 0.5) and on the Dirac-GAN with two time-scales (h = 0.1, h_d = 1) match ρ.
    ``claimed_rho`` (the control) replaces the TTUR prediction by a converging 0.99."""

    claimed_rho: float | None = None

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.dynamics.theory import rho_bilinear, rho_simultaneous_unregularised

        b = _bilinear()
        steps = 400  # both profiles: a diverging run must stay near the equilibrium (r ≤ 1e-2) to be linear
        rows = [(s, b.simulate(R0, 0.0, steps, 0.3, s).rate(), rho_bilinear(s, 0.3))
                for s in ("simultaneous", "extragradient", "optimistic")]
        rows.append(_rate_row("alternating β = −0.3", b, steps, 0.5, "alternating", beta=-0.3))
        # ρ = 1.0124: from r₀ = 1e-6 the radius stays below 2e-4 over 400 steps
        ttur = _dirac("standard").simulate(1e-6, 0.0, steps, 0.1, "simultaneous", h_d=1.0).rate()
        rows.append(("TTUR Dirac (h = 0.1, h_d = 1)", ttur, self.claimed_rho or rho_simultaneous_unregularised(0.5, 0.1, 1.0)))
        ms = [_rel_rows("|measured/predicted − 1|", rows, TOLERANCES["dynamics_rate_rtol"], "schemes")]
        return verdict("empirical", ms, f"measured rates match the linearised maps to {fmt(ms[0].measured)}")


# ----------------------------------------------------------------------------------------------------
# tutorial exercise 7.2


@dataclass(frozen=True)
class TutorialSymbolic:
    """x(t) = x₀cos t − y₀sin t, y(t) = x₀sin t + y₀cos t solves ẋ = −∂V/∂x = −y, ẏ = ∂V/∂y = x (V = xy)
    and keeps x² + y² = x₀² + y₀²; one simultaneous step multiplies x² + y² by exactly 1 + h² (``factor``
    (the control: 1 − h²) otherwise)."""

    factor_sign: int = 1

    def __call__(self, ctx: Context) -> LensResult:
        import sympy as sp

        t, h, x0, y0 = sp.symbols("t h x0 y0", real=True)
        x = x0 * sp.cos(t) - y0 * sp.sin(t)
        y = x0 * sp.sin(t) + y0 * sp.cos(t)
        vx, vy = _bilinear().field_exprs()
        from gantheory.dynamics.fields import PSI, THETA

        sub = {THETA: x, PSI: y}
        x1, y1 = x0 + h * vx.subs({THETA: x0, PSI: y0}), y0 + h * vy.subs({THETA: x0, PSI: y0})
        facts = [("ẋ = v_x", sp.simplify(sp.diff(x, t) - vx.subs(sub)) == 0),
                 ("ẏ = v_y", sp.simplify(sp.diff(y, t) - vy.subs(sub)) == 0),
                 ("x² + y² conserved", sp.simplify(x**2 + y**2 - x0**2 - y0**2) == 0),
                 ("one step: r² → (1 ± h²) r²", sp.simplify(x1**2 + y1**2 - (1 + self.factor_sign * h**2) * (x0**2 + y0**2)) == 0)]
        return verdict("symbolic", [_facts("exact statements that fail", facts, "statements")],
                       "circles in continuous time; r grows by sqrt(1 + h²) per simultaneous step")


@dataclass(frozen=True)
class TutorialNumeric:
    """numpy ρ(I + hJ) on V = xy against sqrt(1 + h²) (``factor_sign`` = −1, the control: sqrt(1 − h²))."""

    factor_sign: int = 1

    def __call__(self, ctx: Context) -> LensResult:
        rows = [(f"h = {h}", _bilinear().spectral_radius("simultaneous", h), (1 + self.factor_sign * h * h) ** 0.5)
                for h in BILINEAR_H]
        ms = [_worst("|ρ − sqrt(1 + h²)|", [(lbl, abs(x - y), 0) for lbl, x, y in rows],
                     TOLERANCES["dynamics_eigen_atol"], "h")]
        return verdict("quadrature", ms, f"ρ = sqrt(1 + h²) to {fmt(ms[0].measured)}")


@dataclass(frozen=True)
class TutorialSimulation:
    """The simulated flow from (1, 0) matches (cos t, sin t) to 1e-8 over t ∈ [0, 20]; simultaneous GD
    (h = 0.1, 200 steps) has r_k = (1 + h²)^{k/2} to 1e-12 relative (the field is linear)."""

    factor_sign: int = 1

    def __call__(self, ctx: Context) -> LensResult:
        b = _bilinear()
        c = b.simulate(1.0, 0.0, 200, 0.1, "continuous")
        err = float(np.max(np.hypot(c.theta - np.cos(c.t), c.psi - np.sin(c.t))))
        s = b.simulate(1.0, 0.0, 200, 0.1, "simultaneous")
        k = np.arange(s.radius.size)
        pred = (1 + self.factor_sign * 0.01) ** (k / 2)
        ms = [at_most("max |x(t) − (cos t, sin t)|", err, 1e-8, "DOP853, rtol 1e-11"),
              at_most("max |r_k/(1 + h²)^{k/2} − 1|", float(np.max(np.abs(s.radius / pred - 1))), 1e-12, "200 steps")]
        fig = Figure("tutorial-xy", "Goodfellow (2016), exercise 7.2: V = xy", (
            _phase_panel("from (1, 0)", (("continuous time (circle)", c), ("simultaneous GD, h = 0.1", s))),),
            "Simultaneous steps spiral out by sqrt(1 + h²) per step.")
        return verdict("empirical", ms, f"flow on the circle to {fmt(err)}; discrete radius factor exact",
                       figures=(fig,))


# ----------------------------------------------------------------------------------------------------
# wgan-1d and disjoint supports


W1_PAIRS = ((0.0, 1.0, 0.5, 2.0), (0.0, 1.0, 2.0, 1.0), (-1.0, 0.5, 1.0, 1.5))


@dataclass(frozen=True)
class W1Quadrature:
    """W₁ = ∫|F_p − F_q| by adaptive quadrature against the closed form (``closed_forms.w1_normal``; a
    shifted uniform: the shift); KR duality: ∫f*(p − q) for the piecewise-linear f* (slope ±1) equals W₁,
    and a suboptimal 1-Lipschitz critic (f = −x, on pairs whose CDFs cross) falls short by > 1e-3.
    ``absolute`` = False (the control) drops the absolute value: ∫(F_p − F_q) claimed to be W₁."""

    absolute: bool = True

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.closed_forms import w1_normal
        from gantheory.densities import Normal, Uniform
        from gantheory.dynamics.wgan import IntegralResult, _integrate, _points, crossings, kr_dual, w1

        rows, dual, gap = [], [], []
        pairs = [(f"N({a}, {s})|N({b}, {t})", Normal(a, s), Normal(b, t), float(w1_normal(a, s, b, t)))
                 for a, s, b, t in W1_PAIRS] + [("U(0, 1)|U(2, 3)", Uniform(0, 1), Uniform(2, 3), 2.0)]
        for lbl, p, q, ref in pairs:
            if self.absolute:
                val = w1(p, q)
            else:
                val = _integrate(lambda x, p=p, q=q: float(p.cdf(x)) - float(q.cdf(x)),
                                 np.concatenate([_points(p, q), crossings(p, q)]))
                val = IntegralResult(abs(val.value), val.error)
            rows.append((lbl, val.value, ref))
            dual.append((lbl, kr_dual(p, q).value, ref))
            if crossings(p, q).size:
                gap.append((lbl, ref - kr_dual(p, q, lambda x: -np.asarray(x)).value))
        ms = [_worst("|W₁(quadrature) − W₁(closed form)|", [(lbl, abs(x - y), 0) for lbl, x, y in rows],
                     TOLERANCES["quadrature_atol"], "pairs"),
              _worst("|E_p f* − E_q f* − W₁| (duality at the optimal critic)", [(lbl, abs(x - y), 0) for lbl, x, y in dual],
                     TOLERANCES["quadrature_atol"], "pairs"),
              at_least("W₁ − (E_p f − E_q f) for f = −x (suboptimal)", min(g for _, g in gap), 1e-3, "pairs whose CDFs cross")]
        p, q = Normal(0.0, 1.0), Normal(0.5, 2.0)
        from gantheory.dynamics.wgan import optimal_critic

        xs = np.linspace(-6, 7, 300)
        fig = Figure("wgan-critic", "W₁ in 1-D: the optimal critic has slope ±1 where F_p ≠ F_q", (
            curve_panel("p = N(0, 1), q = N(0.5, 2)", xs, [("F_p − F_q", p.cdf(xs) - q.cdf(xs), "line"),
                                                             ("f*(x)", optimal_critic(p, q)(xs), "line")],
                        xlabel="x", ylabel="value"),), "f* changes slope where the CDFs cross.")
        return verdict("quadrature", ms, f"W₁ to {fmt(ms[0].measured)}, duality tight to {fmt(ms[1].measured)}",
                       figures=(fig,))


@dataclass(frozen=True)
class CriticTraining:
    """An MLP critic trained with WGAN-GP (γ = 10) on 512 samples per side (quick; 2048 full) of N(0, 1) | N(2, 1) has ||f′| − 1|
    within ``critic_slope_atol`` where |F_p − F_q| > 0.1, of the sign of the optimal critic; a weight-clipped
    critic (c = 0.01) has max |f′| < 0.1 there. ``clipped_approaches`` (the control) claims the clipped
    critic's slope is within the tolerance of 1 too."""

    clipped_approaches: bool = False

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.densities import Normal
        from gantheory.dynamics.wgan import train_critic

        p, q = Normal(0.0, 1.0), Normal(2.0, 1.0)
        steps, n = ctx.pick(300, 1500), ctx.pick(512, 2048)
        gp = train_critic(p, q, constraint="gp", steps=steps, n_samples=n, seed=ctx.seed)
        clip = train_critic(p, q, constraint="clip", steps=ctx.pick(100, 1000), n_samples=n, seed=ctx.seed)
        region = np.abs(p.cdf(gp.x) - q.cdf(gp.x)) > 0.1
        sign = np.sign(q.cdf(gp.x) - p.cdf(gp.x))  # f*′ = sign(F_q − F_p)
        ms = [at_most("max ||f′_GP| − 1| where |F_p − F_q| > 0.1", float(np.max(np.abs(np.abs(gp.slope[region]) - 1))),
                      TOLERANCES["critic_slope_atol"], f"{steps} Adam steps, n = {n}"),
              at_least("min f′_GP·sign(f*′) (the optimal critic's direction)", float(np.min(gp.slope[region] * sign[region])),
                       0.0, "")]
        clip_dev = float(np.max(np.abs(np.abs(clip.slope[region]) - 1)))
        if self.clipped_approaches:
            ms.append(at_most("max ||f′_clip| − 1| (claimed to approach 1)", clip_dev, TOLERANCES["critic_slope_atol"], ""))
        else:
            ms.append(at_most("max |f′_clip| (weight clipping, c = 0.01)", float(np.max(np.abs(clip.slope[region]))), 0.1,
                              "clipping bounds the slope far below 1"))
        fig = Figure("wgan-trained-critics", "Trained critics' slopes on N(0, 1) | N(2, 1)", (
            curve_panel("f′(x)", gp.x, [("WGAN-GP", gp.slope, "line"), ("weight clipping", clip.slope, "line"),
                                         ("optimal f*′", sign, "dashed")], xlabel="x", ylabel="slope"),),
            "The optimal critic has slope −1 (p on the left).")
        return verdict("empirical", ms, f"WGAN-GP slope within {fmt(ms[0].measured)} of 1; clipped critic far below",
                       seed=ctx.seed, figures=(fig,))


GAP = 0.5
T_GRID = (1.0, 5.0, 10.0, 20.0, 40.0)


@dataclass(frozen=True)
class DisjointSymbolic:
    r"""∫_θ^{θ+1} t·σ(t(c − x)) dx = softplus(t(c − θ)) − softplus(t(c − θ − 1)) (sympy: the derivative of the
    right side in θ equals the integrand's boundary terms), and at c − θ = −½ its limit as t → ∞ is 0 while
    the non-saturating gradient's t − (…) tends to ∞. ``non_saturating_vanishes`` (the control) claims the
    non-saturating limit is 0 as well."""

    non_saturating_vanishes: bool = False

    def __call__(self, ctx: Context) -> LensResult:
        import sympy as sp

        from gantheory.symbolic.symbols import sigmoid, softplus

        t = sp.Symbol("t", positive=True)
        x = sp.Symbol("x", real=True)
        anti = -softplus(t * (GAP + 1 - x))  # d/dx: t·σ(t(c − x)), c = 1 + gap (softplus′ = σ)
        facts = [("antiderivative", sp.simplify(sp.diff(anti, x) - t * sigmoid(t * (1 + GAP - x))) == 0)]
        minimax = softplus(-GAP * t) - softplus(-(GAP + 1) * t)
        facts.append(("minimax gradient → 0", sp.limit(minimax, t, sp.oo) == 0))
        expected = 0 if self.non_saturating_vanishes else sp.oo
        facts.append((f"non-saturating gradient → {expected}", sp.limit(t - minimax, t, sp.oo) == expected))
        return verdict("symbolic", [_facts("exact statements that fail", facts, "statements")],
                       "the minimax generator's gradient vanishes as D → D*; the non-saturating one does not")


@dataclass(frozen=True)
class DisjointQuadrature:
    """p = U(0, 1), q_θ = U(2, 3): JSD = log 2 (certified quadrature); the minimax generator's gradient
    ∂_θ E_q log(1 − D_t) by scipy quad of t·σ(t(c − x)) over q's support matches the closed form and falls
    below 1e-8 at t = 40 as sup|D_t − D*| → 0, while dW₁/dθ = 1 (central differences of quadrature W₁).
    ``generator`` = ``non_saturating`` (the control) claims that gradient vanishes too."""

    generator: str = "minimax"

    def __call__(self, ctx: Context) -> LensResult:
        from scipy.integrate import quad

        from gantheory.densities import Uniform
        from gantheory.dynamics.wgan import gradient_vanishing, w1
        from gantheory.numerics import LOG2, sigmoid
        from gantheory.quadrature import js_divergence

        theta = 1 + 2 * GAP
        p, q = Uniform(0.0, 1.0), Uniform(theta, theta + 1)
        jsd = js_divergence(p, q)
        closed = gradient_vanishing(np.array(T_GRID), GAP)
        key = "minimax" if self.generator == "minimax" else "non_saturating"
        rows = []
        for i, t in enumerate(T_GRID):
            def integrand(x, t=t):
                s = float(sigmoid(t * (1 + GAP - x)))
                return t * s if key == "minimax" else t * (1 - s)

            rows.append((f"t = {t}", quad(integrand, theta, theta + 1, epsabs=1e-15, epsrel=1e-13)[0], closed[key][i]))
        dw = (w1(p, Uniform(theta + 1e-3, theta + 1 + 1e-3)).value - w1(p, Uniform(theta - 1e-3, theta + 1 - 1e-3)).value) / 2e-3
        ms = [at_most("|JSD − log 2| (disjoint supports)", abs(jsd.value - LOG2), TOLERANCES["quadrature_atol"], "certified"),
              _worst("|gradient(quad) − closed form|", [(lbl, abs(x - y), 0) for lbl, x, y in rows], 1e-10, "t"),
              at_most(f"|∂_θ generator loss| at t = {T_GRID[-1]} ({key})", rows[-1][1], 1e-8,
                      f"sup|D_t − D*| = {fmt(closed['sup_error'][-1])}"),
              at_most("|dW₁/dθ − 1|", abs(dw - 1.0), 1e-8, "central difference, step 1e-3")]
        fig = Figure("disjoint-support-gradients", "Arjovsky & Bottou (2017), Thm. 2.4: p = U(0, 1), q = U(2, 3)", (
            curve_panel("generator gradient as D_t → D*", np.array(T_GRID),
                        [("minimax |∂_θ E log(1 − D_t)|", closed["minimax"], "line"),
                         ("non-saturating |∂_θ E −log D_t|", closed["non_saturating"], "line"),
                         ("sup |D_t − D*|", closed["sup_error"], "dashed")],
                        xlabel="sharpness t of D_t(x) = σ(t(c − x))", ylabel="magnitude", logy=True, hlines=((1.0, "dW₁/dθ = 1"),)),),
            "JSD is log 2 for every θ with disjoint supports; W₁ keeps a unit gradient.")
        return verdict("quadrature", ms, f"JSD = log 2, minimax gradient {fmt(rows[-1][1])} at t = 40, dW₁/dθ = 1",
                       figures=(fig,))


# ----------------------------------------------------------------------------------------------------
# game-spectrum


@dataclass(frozen=True)
class SpectrumNumeric:
    """``game_spectrum`` on torch models whose Jacobian is known: the Dirac-GAN (standard loss, none and R1
    γ = ½: ±i/2 and the R1 closed form) and the Gaussian game (N(0, 1) data on 16 Gauss–Hermite nodes,
    G(z) = μ + sz, D = a + bx + cx², R1 γ ∈ {0, ½}) against the hand-derived moment Jacobian, by the dense
    (torch.func.jacfwd) and Arnoldi (JVP + ARPACK) routes; the predicted η_max against
    min 2|Re λ|/|λ|² of the exact eigenvalues. ``gamma_offset`` (the control) compares with the exact
    Jacobian at γ + ½."""

    gamma_offset: float = 0.0

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.dynamics.spectrum import (
            game_spectrum,
            gaussian_reference_jacobian,
            quadrature_nodes,
            stable_step,
            torch_models,
        )
        from gantheory.dynamics.theory import eigenvalues

        rows, lrs = [], []

        def match(label, got, exact):
            for e in exact:
                rows.append((label, float(np.min(np.abs(np.asarray(got) - e)) / max(1.0, abs(e))), 0.0))

        d, g = torch_models("dirac")
        for reg, gamma in ((None, 0.0), ("r1", 0.5)):
            s = game_spectrum(d, g, np.zeros(1), latent=np.zeros(1), regularizer=reg, gamma=gamma)
            exact = eigenvalues(reg or "none", 0.5, gamma=gamma + self.gamma_offset)
            match(f"Dirac {reg or 'none'}", s.eigenvalues, exact)
        d, g = torch_models("gaussian")
        nodes, w = quadrature_nodes(16)
        for gamma in (0.0, 0.5):
            exact = np.linalg.eigvals(gaussian_reference_jacobian(gamma + self.gamma_offset))
            for dense_max, k in ((2048, 5), (0, 3)):
                s = game_spectrum(d, g, nodes, latent=nodes, data_weights=w, latent_weights=w, regularizer="r1",
                                  gamma=gamma, dense_max=dense_max, k=k)
                top = exact[np.argsort(-np.abs(exact))][:k]
                match(f"Gaussian γ = {gamma} ({s.method})", s.eigenvalues, top)
                if s.method == "dense":
                    lrs.append((f"γ = {gamma}", s.max_stable_lr, stable_step(exact)[0]))
        ms = [_worst("max |λ(game_spectrum) − λ(exact)|/max(1, |λ|)", rows, TOLERANCES["spectrum_rtol"], "eigenvalues"),
              _rel_rows("|η_max(game_spectrum)/η_max(exact) − 1|", lrs, TOLERANCES["spectrum_rtol"], "γ")]
        gammas = np.linspace(0.0, 3.0, ctx.pick(13, 31))
        spectra = [game_spectrum(d, g, nodes, latent=nodes, data_weights=w, latent_weights=w, regularizer="r1", gamma=gm)
                   for gm in gammas]
        fig = Figure("game-spectrum-gamma", "Gaussian GAN (affine G, quadratic logistic D): the predicted largest "
                     "stable learning rate against the R1 weight", (
                         curve_panel("η_max = min 2|Re λ|/|λ|² (game_spectrum)", gammas, [
                             ("game_spectrum", [sp.max_stable_lr for sp in spectra], "points"),
                             ("exact Jacobian", [stable_step(np.linalg.eigvals(gaussian_reference_jacobian(gm)))[0]
                                                 for gm in gammas], "line")], xlabel="R1 weight γ", ylabel="η_max"),),
                     "Dense torch.func Jacobians against the hand-derived moment Jacobian.")
        return verdict("quadrature", ms, f"eigenvalues to {fmt(ms[0].measured)} (dense and Arnoldi)", figures=(fig,))


@dataclass(frozen=True)
class SpectrumTraining:
    """A small MLP GAN (G(z) = μ + sz; D a 1 → 8 → 1 tanh MLP with its output layer zero, so D ≡ 0; data
    N(0, 1) on 16 Gauss–Hermite nodes; R1 γ = ½) trained by simultaneous GD in torch from a 1e-3
    perturbation of the checkpoint: at ``below``·η_max the field norm ‖v‖ falls below a tenth of its start
    in 100 steps; at ``above``·η_max it first grows at least ×5 (the linearisation is unstable; the
    nonlinearity may then carry the iterate along the manifold of equilibria — D's hidden weights are free
    while its output layer is 0 — which is why ‖v‖ and not the distance to one point is measured). η_max
    comes from ``game_spectrum`` (its zero eigenvalues, the free directions, are left out). The control
    claims ``above``·η_max converges too."""

    below: float = 0.8
    above: float = 1.2
    above_converges: bool = False

    def __call__(self, ctx: Context) -> LensResult:
        import torch

        from gantheory.dynamics.spectrum import game_spectrum, quadrature_nodes, simultaneous_field, torch_models
        from gantheory.empirical._device import cpu_threads

        d, g = torch_models("mlp", seed=ctx.seed)
        nodes, w = quadrature_nodes(16)
        s = game_spectrum(d, g, nodes, latent=nodes, data_weights=w, latent_weights=w, regularizer="r1", gamma=0.5)
        field, x_star, _ = simultaneous_field(d, g, nodes, nodes, regularizer="r1", gamma=0.5, data_weights=w,
                                              latent_weights=w)
        rng = np.random.default_rng(ctx.seed)
        start = x_star + torch.as_tensor(1e-3 * rng.standard_normal(x_star.numel()))
        steps = ctx.pick(100, 400)
        curves = {}
        with cpu_threads(torch.device("cpu")):  # 16-node batches: one thread is 20× faster than two busy ones
            v0 = float(torch.linalg.vector_norm(field(start)))
            for factor in (self.below, self.above):
                x, norms = start.clone(), []
                lr = factor * s.max_stable_lr
                for _ in range(steps):
                    x = x + lr * field(x)
                    norms.append(float(torch.linalg.vector_norm(field(x))) / v0)
                    if not np.isfinite(norms[-1]) or norms[-1] > 1e6:  # diverged: stop before overflow
                        break
                curves[factor] = np.array(norms)
        ms = [at_most(f"‖v‖/‖v₀‖ after {steps} steps at {self.below}·η_max", curves[self.below][-1], 0.1,
                      f"η_max = {fmt(s.max_stable_lr)} ({s.n_parameters} parameters, {s.n_zero} zero eigenvalues)")]
        if self.above_converges:
            ms.append(at_most(f"max ‖v‖/‖v₀‖ at {self.above}·η_max (claimed to converge: ≤ 1)",
                              float(np.max(curves[self.above])), 1.0, ""))
        else:
            ms.append(at_least(f"max ‖v‖/‖v₀‖ at {self.above}·η_max (unstable)", float(np.max(curves[self.above])), 5.0, ""))
        fig = Figure("game-spectrum-lr", "A small MLP GAN (affine G, 1-8-1 tanh D, R1 γ = ½): learning rates around "
                     "the predicted bound", (Panel("‖v(x_k)‖ / ‖v(x₀)‖", "step k", "field norm ratio", tuple(
                         Series(f"η = {f}·η_max", short(np.arange(1, curves[f].size + 1)), short(curves[f]), "line")
                         for f in (self.below, self.above)), logy=True),),
                     f"η_max = {fmt(s.max_stable_lr)} from game_spectrum (rotation {fmt(s.rotation)}).")
        return verdict("empirical", ms, f"below the bound ‖v‖ ×{fmt(curves[self.below][-1])}, above ×"
                       f"{fmt(float(np.max(curves[self.above])))} at its peak", seed=ctx.seed, figures=(fig,))


# ----------------------------------------------------------------------------------------------------
# The rows

_CLAIMS = [
    Claim(
        id="dirac-unregularised", title="The unregularised Dirac-GAN does not converge",
        statement="At the Dirac-GAN's equilibrium the Jacobian has eigenvalues ±i·f′(0); continuous time conserves "
                  "θ² + ψ²; simultaneous GD spirals out by sqrt(1 + h²f′(0)²) per step; alternating GD with a small "
                  "step stays on a bounded orbit; no scheme converges.",
        latex=r"\lambda = \pm i f'(0),\quad \rho(I + hJ) = \sqrt{1 + h^2 f'(0)^2}",
        source=f"{MESCHEDER}, Lemmas 2.2–2.4", derivations=("dirac-unregularised",),
        quadrature=UnregularisedNumeric(), empirical=UnregularisedSimulation(),
        controls=(Control("converges", "a positive stable step claimed for the unregularised game",
                          quadrature=UnregularisedNumeric(converges=True)),
                  Control("simultaneous-converges", "simultaneous GD claimed to shrink r",
                          empirical=UnregularisedSimulation(converges=True))),
    ),
    Claim(
        id="dirac-gradient-penalty", title="R1/R2 make the Dirac-GAN converge; the stable and optimal steps",
        statement="With R1 or R2 of weight γ > 0 the eigenvalues are −γ/2 ± sqrt(γ²/4 − f′(0)²) (Re < 0: convergence "
                  "in continuous time); simultaneous GD is stable for h < γ/f′(0)² (γ < 2f′(0)) or "
                  "2/(γ/2 + sqrt(γ²/4 − f′(0)²)), fastest at h* = γ/(2f′(0)²) (resp. 2/γ).",
        latex=r"\lambda = -\tfrac{\gamma}{2} \pm \sqrt{\tfrac{\gamma^2}{4} - f'(0)^2},\quad h_{max} = \gamma / f'(0)^2",
        source=f"{MESCHEDER}, Thm. 4.1 and §4.1", derivations=("dirac-gradient-penalty",),
        quadrature=PenaltyNumeric(), empirical=PenaltySimulation(),
        controls=(Control("r1-negative-gamma-numeric", "R1 with γ < 0 claimed to converge (numpy)",
                          quadrature=PenaltyNumeric(sign=-1.0)),
                  Control("r1-negative-gamma-simulated", "R1 with γ < 0 claimed to converge (simulation)",
                          empirical=PenaltySimulation(sign=-1.0))),
    ),
    Claim(
        id="dirac-wgan-gp-instance-noise", title="WGAN-GP with g₀ ≠ 0 does not converge; instance noise does",
        statement="WGAN-GP's penalty (|ψ| − g₀)² with g₀ ≠ 0 makes the equilibrium non-stationary and training "
                  "does not return to it; with g₀ = 0 it is R1. Instance noise σ gives eigenvalues "
                  "σ²f″(0) ± sqrt(σ⁴f″(0)² − f′(0)²): convergence for the cross-entropy games, none for WGAN.",
        latex=r"\lambda = \sigma^2 f''(0) \pm \sqrt{\sigma^4 f''(0)^2 - f'(0)^2}",
        source=f"{MESCHEDER}, §3.3–3.4 (Lemma 3.3); Gulrajani et al. 2017; Sønderby et al. 2017",
        symbolic=NoiseSymbolic(), quadrature=NoiseNumeric(), empirical=NoiseSimulation(),
        controls=(Control("wgan-gp-target-1-converges", "WGAN-GP with g₀ = 1 claimed to converge",
                          empirical=NoiseSimulation(gp_converges=True)),
                  Control("noise-helps-wgan", "instance noise claimed to make WGAN converge",
                          quadrature=NoiseNumeric(wgan_converges=True)),
                  Control("noise-no-damping", "f″(0) = 0 claimed for the cross-entropy game",
                          symbolic=NoiseSymbolic(f_second=0.0))),
    ),
    Claim(
        id="consensus-nk-sga", title="Consensus optimisation, Nagarajan–Kolter and SGA: spectra and equivalences",
        statement="Consensus and SGA give λ = −γf′(0)² ± i f′(0) and share their Jacobian at linear order when J "
                  "is antisymmetric (J − γJᵀJ = J + γJ²); Nagarajan–Kolter gives −γf′²/2 ± sqrt(γ²f′⁴/4 − f′²), the "
                  "R1 spectrum at weight γf′(0)²; all converge for γ > 0.",
        latex=r"\lambda_{CO} = \lambda_{SGA} = -\gamma f'^2 \pm i f',\quad \lambda_{NK}(\gamma) = \lambda_{R1}(\gamma f'^2)",
        source="Mescheder, Nowozin & Geiger 2017; Nagarajan & Kolter 2017; Balduzzi et al. 2018",
        symbolic=ConsensusSymbolic(), quadrature=ConsensusNumeric(), empirical=RegularisedSimulation(),
        controls=(Control("consensus-equals-nk", "consensus and NK claimed to have the same spectrum",
                          symbolic=ConsensusSymbolic(equate="consensus-nk")),
                  Control("negative-gamma", "consensus/SGA/NK with γ < 0 claimed to converge",
                          quadrature=ConsensusNumeric(gamma_sign=-1.0)),
                  Control("unregularised-rate", "the regularised games claimed to grow like the unregularised one",
                          empirical=RegularisedSimulation(claimed="unregularised"))),
    ),
    Claim(
        id="update-schemes", title="Update schemes: extragradient, optimistic GD, negative momentum, two time-scales",
        statement="On V = xy extragradient (ρ = sqrt(1 − h² + h⁴)) and optimistic GD (ρ = sqrt((1 + sqrt(1 − 4h²))/2), "
                  "h ≤ ½) converge where simultaneous GD (sqrt(1 + h²)) does not; negative momentum converges only with "
                  "alternating updates; two step sizes alone do not make the unregularised Dirac-GAN converge "
                  "(ρ = sqrt(1 + h·h_d·f′(0)²)).",
        latex=r"\rho_{EG} = \sqrt{1 - h^2 + h^4},\ \rho_{OGD} = \sqrt{\tfrac{1 + \sqrt{1 - 4h^2}}{2}},\ "
              r"\rho_{TTUR} = \sqrt{1 + h h_d f'(0)^2}",
        source="Korpelevich 1976; Daskalakis et al. 2018; Gidel et al. 2019; Heusel et al. 2017; "
               f"{MESCHEDER}, §2",
        symbolic=SchemesSymbolic(), quadrature=SchemesNumeric(), empirical=SchemesSimulation(),
        controls=(Control("ttur-converges", "two time-scales claimed to make the unregularised game converge",
                          quadrature=SchemesNumeric(claim="ttur-converges")),
                  Control("simultaneous-momentum", "momentum claimed to rescue simultaneous GD on V = xy",
                          quadrature=SchemesNumeric(claim="simultaneous-momentum-converges")),
                  Control("ttur-shrinks", "ρ² = 1 − h·h_d·f′² claimed for two time-scales",
                          symbolic=SchemesSymbolic(ttur_factor=-1.0)),
                  Control("ttur-rate-0.99", "the two-time-scale Dirac-GAN claimed to contract by 0.99 per step",
                          empirical=SchemesSimulation(claimed_rho=0.99))),
    ),
    Claim(
        id="tutorial-xy", title="Tutorial exercise 7.2: V(x, y) = xy",
        statement="Simultaneous gradient dynamics on V = xy orbit on circles in continuous time; each discrete "
                  "simultaneous step multiplies the radius by sqrt(1 + h²), so the iterates spiral out.",
        latex=r"x^2 + y^2 = \mathrm{const},\quad r_{k+1} = \sqrt{1 + h^2}\, r_k",
        source="Goodfellow 2016 (NIPS tutorial), exercise 7.2 and its solution",
        symbolic=TutorialSymbolic(), quadrature=TutorialNumeric(), empirical=TutorialSimulation(),
        controls=(Control("spirals-in", "the discrete step claimed to shrink r² by 1 − h²",
                          symbolic=TutorialSymbolic(factor_sign=-1)),
                  Control("spirals-in-numeric", "ρ = sqrt(1 − h²) claimed", quadrature=TutorialNumeric(factor_sign=-1)),
                  Control("spirals-in-simulated", "r_k = (1 − h²)^{k/2} claimed",
                          empirical=TutorialSimulation(factor_sign=-1))),
    ),
    Claim(
        id="wgan-1d", title="WGAN in one dimension: W₁, the optimal critic, GP against clipping",
        statement="In 1-D W₁(p, q) = ∫|F_p − F_q| dx; Kantorovich–Rubinstein duality is tight at the critic of slope "
                  "±1 (sign(F_q − F_p)); a WGAN-GP critic trained on samples approaches that slope, a weight-clipped "
                  "critic does not.",
        latex=r"W_1 = \int |F_p - F_q|\,dx = \sup_{\|f\|_L \le 1} E_p f - E_q f,\quad f^{*\prime} = \mathrm{sign}(F_q - F_p)",
        source="Arjovsky, Chintala & Bottou 2017; Gulrajani et al. 2017; Villani 2009, Remark 2.19",
        symbolic=NotApplicable("W₁'s closed forms are checked by quadrature against closed_forms.w1_normal"),
        quadrature=W1Quadrature(), empirical=CriticTraining(),
        controls=(Control("signed-area", "∫(F_p − F_q) dx (no absolute value) claimed to be W₁",
                          quadrature=W1Quadrature(absolute=False)),
                  Control("clipping-approaches", "a weight-clipped critic claimed to reach slope 1",
                          empirical=CriticTraining(clipped_approaches=True))),
    ),
    Claim(
        id="disjoint-support-gradient", title="Disjoint supports: JSD = log 2 and the minimax gradient vanishes",
        statement="With disjoint supports JSD = log 2 for every generator, and the minimax generator's gradient "
                  "∂_θ E_q log(1 − D) tends to 0 as D → D*, while W₁ keeps a unit gradient.",
        latex=r"\|D - D^*\| \to 0 \Rightarrow \nabla_\theta E_{z} \log(1 - D(g_\theta(z))) \to 0,\quad \frac{dW_1}{d\theta} = 1",
        source="Arjovsky & Bottou 2017, Thm. 2.4; Arjovsky, Chintala & Bottou 2017",
        symbolic=DisjointSymbolic(), quadrature=DisjointQuadrature(),
        empirical=NotApplicable("the statement is about exact expectations; the quadrature lens integrates them"),
        controls=(Control("non-saturating-vanishes", "the non-saturating generator's gradient claimed to vanish too",
                          quadrature=DisjointQuadrature(generator="non_saturating")),
                  Control("non-saturating-limit-0", "the non-saturating gradient's limit claimed to be 0",
                          symbolic=DisjointSymbolic(non_saturating_vanishes=True))),
    ),
    Claim(
        id="game-spectrum", title="The spectrum of your GAN predicts its largest stable learning rate",
        statement="game_spectrum's eigenvalues of the simultaneous-gradient Jacobian (torch.func JVPs, Arnoldi or "
                  "dense) match the exact Jacobian on the Dirac-GAN and on a Gaussian GAN; on a small MLP GAN, "
                  "simultaneous GD below the predicted η_max = min 2|Re λ|/|λ|² converges and above it is unstable.",
        latex=r"\eta_{max} = \min_\lambda 2|\mathrm{Re}\,\lambda| / |\lambda|^2",
        source="Mescheder, Nowozin & Geiger 2017, §3–4",
        symbolic=NotApplicable("the exact Jacobians it is compared with are the Dirac-GAN's sympy ones and a moment "
                               "computation (quadrature lens)"),
        quadrature=SpectrumNumeric(), empirical=SpectrumTraining(),
        controls=(Control("wrong-gamma", "the spectrum compared with the exact Jacobian at γ + ½",
                          quadrature=SpectrumNumeric(gamma_offset=0.5)),
                  Control("above-bound-converges", "a learning rate 1.2·η_max claimed to converge",
                          empirical=SpectrumTraining(above_converges=True))),
    ),
]

CLAIMS = tuple(_CLAIMS)
