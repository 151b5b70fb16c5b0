r"""Claims about training dynamics: the envelope theorem, convergence in function space (Prop. 2) and
Algorithm 1 (Goodfellow et al. 2014). Mirrors :mod:`gantheory.symbolic.dynamics`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gantheory.cases import CASES, tagged
from gantheory.claims.model import Claim, Context, Control, NotApplicable
from gantheory.claims.shapes import (
    Algorithm1,
    DerivativeIdentity,
    IdentityOverCases,
    case_pairs,
    curve_panel,
    empirical,
    gaussian,
)
from gantheory.losses import GOODFELLOW
from gantheory.numerics import LOG4
from gantheory.results import (
    Figure,
    LensResult,
    at_least,
    at_most,
    compare,
    fmt,
    verdict,
)
from gantheory.tolerances import TOLERANCES

if TYPE_CHECKING:
    from gantheory.densities import Density



# ----------------------------------------------------------------------------------------------------
# envelope (Danskin)


@dataclass(frozen=True)
class EnvelopeQuadrature:
    r"""d/dθ C(G_θ) = ∂_θ V(D_frozen, G_θ) at θ₀ for loc and scale of the Gaussian generator p_g = N(θ₀) of each
    case against its p_data, both by Richardson differences of certified integrals; ``frozen`` is ``optimal``
    (D*_{θ₀}, the theorem) or ``half`` (an untrained D = ½, the control)."""

    frozen: str = "optimal"
    cases: tuple[str, ...] = ("gauss-unequal-scale", "gauss-envelope-narrow")
    quick: int | None = 1

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.densities import Normal
        from gantheory.quadrature import (
            criterion,
            optimal_discriminator,
            value_function,
        )

        rows = []  # (label, θ ↦ V(D_frozen, G_θ), θ₀ = 0 as an offset, θ ↦ C(G_θ)): both sides by Richardson
        for case in ctx.take(self.cases, self.quick):
            p, (loc0, scale0) = CASES[case].p, gaussian(CASES[case].q)
            dstar = optimal_discriminator(p, Normal(loc0, scale0))
            logit = dstar.logit if self.frozen == "optimal" else (lambda x: 0.0 * np.asarray(x))  # D = ½
            for i, name in enumerate(("loc", "scale")):
                def shifted(t, i=i, loc0=loc0, scale0=scale0):
                    return (loc0 + t, scale0) if i == 0 else (loc0, scale0 + t)

                rows.append((f"∂/∂{name} at N({loc0}, {scale0})",
                             lambda t, shifted=shifted, logit=logit, p=p: float(
                                 value_function(logit, p, Normal(*shifted(t)), logits=True)),
                             0.0,
                             lambda t, shifted=shifted, p=p: float(criterion(p, Normal(*shifted(t))))))
        ms = [DerivativeIdentity("|∂_θ V(D*_θ₀, G_θ) − d/dθ C(G_θ)|",
                                 "derivatives (Richardson differences of certified integrals)").measurement(rows)]
        return verdict("quadrature", ms, f"Danskin: |Δ| {fmt(ms[0].measured)} over {len(rows)} derivatives")


@dataclass(frozen=True)
class EnvelopeEmpirical:
    """``gantheory.empirical.envelope_check`` (score-identity partial by scipy.integrate.quad) at each case's
    θ₀ = (loc, scale) of p_g, against its p_data."""

    cases: tuple[str, ...] = ("gauss-unequal-scale", "gauss-fgan-near", "gauss-envelope-left")
    quick: int | None = 1

    def __call__(self, ctx: Context) -> LensResult:
        emp = empirical()
        rows = [emp.envelope_check(gaussian(CASES[name].q), p_data=CASES[name].p)
                for name in ctx.take(self.cases, self.quick)]
        worst = max(rows, key=lambda r: r.abs_error)
        ms = [at_most("|d/dθ C − ∂_θ V(D* frozen)| (gantheory.empirical.envelope_check)", worst.abs_error,
                      worst.tolerance, f"worst at θ₀ = {worst.theta0}; partial by scipy.integrate.quad score identity")]
        return verdict("empirical", ms, f"envelope_check |Δ| {fmt(worst.abs_error)} ≤ {fmt(worst.tolerance)} "
                       f"at {len(rows)} θ₀")


# ----------------------------------------------------------------------------------------------------
# function-space-convergence (Prop. 2)


PATH = "function-space-path"  # p_data (a two-mode mixture) and the start q₀ = Laplace(3, 1.5)


@dataclass(frozen=True)
class FunctionSpaceQuadrature:
    r"""Along q_t = (1 − t)·Laplace(3, 1.5) + t·p_target, C(q_t) decreases, is convex, and ends at −log 4;
    p_target is p_data with its first mode moved by ``target_shift`` (0: the claim; ≠ 0: the control)."""

    target_shift: float = 0.0
    cases: tuple[str, ...] = (PATH,)

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.densities import Mixture, Normal
        from gantheory.quadrature import criterion

        p, q0 = CASES[self.cases[0]]
        first, *rest = p.components
        toward = p if self.target_shift == 0.0 else Mixture(
            [Normal(float(first.loc) + self.target_shift, float(first.scale)), *rest], weights=p.weights)
        ts = np.linspace(0.0, 1.0, ctx.pick(11, 41))
        values = []
        for t in ts:
            q = toward if t == 1.0 else (q0 if t == 0.0 else Mixture([q0, toward], weights=[1 - t, t]))
            values.append(float(criterion(p, q)))
        values = np.array(values)
        d1 = np.diff(values)
        d2 = np.diff(values, 2)
        ms = [
            at_most("|C(p_g = p_data) + log 4|", abs(values[-1] + LOG4), TOLERANCES["quadrature_atol"],
                    "end of the path (reference −log 4)"),
            at_most("max increase of C along q_t = (1−t)q₀ + t·p_data", float(d1.max()), TOLERANCES["quadrature_atol"],
                    f"{ts.size} points: C decreases monotonically"),
            at_least("min second difference (convexity of C in p_g)", float(d2.min()), -TOLERANCES["quadrature_atol"],
                     "C(G) = −log 4 + 2·JSD is convex in p_g"),
        ]
        fig = Figure("function-space-path", "Prop. 2: C is convex along p_g → p_data and ends at −log 4", (
            curve_panel("q_t = (1 − t)·Laplace(3, 1.5) + t·p_data", ts, [("C(q_t)", values, "line")], xlabel="t",
                        ylabel="C(G) (nats)", hlines=((-LOG4, "−log 4"),)),), "Certified quadrature at each t.")
        return verdict("quadrature", ms, f"C decreasing & convex along the path, ends at −log 4 to "
                       f"{fmt(ms[0].measured)}", figures=(fig,))


@dataclass(frozen=True)
class FunctionSpaceEmpirical:
    """Entropic mirror descent of p_g on a grid with the exact D* each step
    (``gantheory.empirical.function_space_descent``): C monotone to −log 4 and q_T → p_data in L1."""

    cases: tuple[str, ...] = (PATH,)

    def __call__(self, ctx: Context) -> LensResult:
        emp = empirical()
        r = emp.function_space_descent(CASES[self.cases[0]].p, steps=ctx.pick(200, 1000), grid_points=ctx.pick(401, 1601))
        ms = [
            at_least("C(q_t) non-increasing at every step", 1.0 if r.monotone else 0.0, 1.0, "monotone flag"),
            at_most("C(q_T) + log 4 = 2·JSD(p, q_T)", r.final_gap, TOLERANCES["function_space_gap_atol"],
                    f"after {r.steps} mirror steps, η = {r.step_size}"),
            at_most("‖q_T − p‖₁", float(r.l1[-1]), TOLERANCES["function_space_l1_atol"],
                    "total variation ×2 on the grid"),
        ]
        steps = np.arange(r.criterion.size)
        fig = Figure("function-space-descent", "Prop. 2 in function space: exact D* each step, mirror descent on p_g", (
            curve_panel("C(q_t) with D = D*_q at each step", steps, [("C(q_t)", r.criterion, "line")], xlabel="step t",
                        ylabel="C(G) (nats)", hlines=((-LOG4, "−log 4"),)),
            # the floor keeps a zero distance plottable on the log axis
            curve_panel("‖q_t − p_data‖₁", steps, [("L1 distance", np.maximum(r.l1, 1e-300), "line")], xlabel="step t",
                        ylabel="‖q_t − p‖₁", logy=True)),
            f"{r.p_data.size}-cell grid, entropic mirror descent along ∂V/∂q = log(1 − D*).")
        return verdict("empirical", ms, f"C monotone to −log 4 (gap {fmt(r.final_gap)}), ‖q−p‖₁ {fmt(r.l1[-1])}",
                       figures=(fig,))


# ----------------------------------------------------------------------------------------------------
# algorithm-1: the fixed point


# where D* is compared with ½: each target's bulk
_FIXED_POINT_WINDOWS = {"fixed-point-mixture": (-5, 5), "fixed-point-laplace": (-6, 6),
                        "fixed-point-beta": (0.01, 0.99), "fixed-point-student-t": (-10, 10)}


def _minus_log4(p: Density, q: Density) -> float:
    """C at p_g = p_data: −log 4 (Goodfellow et al. 2014, Thm. 1)."""
    return -LOG4


@dataclass(frozen=True)
class FixedPoint:
    r"""At p_g = p_data, D* ≡ ½ and C = −log 4 for the p_data of each case (four non-Gaussian targets);
    ``shift`` ≠ 0 perturbs p_g to 0.9·p_data + 0.1·N(shift, 1) (the control)."""

    shift: float = 0.0
    cases: tuple[str, ...] = tuple(tagged("fixed-point"))

    def generator(self, p: Density) -> Density:
        """p_g: p_data itself, or 0.9·p_data + 0.1·N(shift, 1) for the control."""
        from gantheory.densities import Mixture, Normal

        return p if self.shift == 0.0 else Mixture([p, Normal(self.shift, 1.0)], weights=[0.9, 0.1])

    def criterion(self, p: Density, q: Density) -> float:
        """C(G) at p_g = :meth:`generator` of the case's p_data, by certified quadrature."""
        from gantheory.quadrature import criterion

        return float(criterion(p, self.generator(p)))

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.quadrature import optimal_discriminator

        d_rows = []
        for name, p, _ in case_pairs(self.cases):
            lo, hi = _FIXED_POINT_WINDOWS[name]
            x = np.linspace(lo, hi, 401)
            d = optimal_discriminator(p, self.generator(p))(x)
            k = int(np.argmax(np.abs(d - 0.5)))
            d_rows.append((f"{name} at x = {x[k]:.3g}", float(d[k]), 0.5))
        ms = [compare("max |D*(x) − ½| at p_g = p_data", d_rows, TOLERANCES["pointwise_atol"], "densities"),
              IdentityOverCases("|C(p_data) + log 4|", self.criterion, _minus_log4, "densities (reference −log 4)",
                                cases=self.cases).measurement(ctx)]
        return verdict("quadrature", ms, f"fixed point: D* ≡ ½ and C = −log 4 to {fmt(ms[1].measured)} "
                       f"for {len(self.cases)} targets")


# ----------------------------------------------------------------------------------------------------
# The rows

CLAIMS = (
    Claim(
        id="envelope", title="The envelope (Danskin) theorem for C(G)",
        statement="d/dθ C(G_θ) = ∂_θ V(D*_{θ₀}, G_θ) at θ₀: the discriminator's dependence on θ contributes nothing.",
        latex=r"\frac{d}{d\theta} \max_D V(D, G_\theta)\Big|_{\theta_0} = "
              r"\partial_\theta V(D^*_{\theta_0}, G_\theta)\Big|_{\theta_0}",
        source=f"Danskin 1967; used in {GOODFELLOW}, Prop. 2 (proof)",
        derivations=("envelope",),
        cases=("gauss-unequal-scale", "gauss-envelope-narrow", "gauss-fgan-near", "gauss-envelope-left"),
        quadrature=EnvelopeQuadrature(),
        empirical=EnvelopeEmpirical(),
        controls=(Control("frozen-D=1/2", "the gradient taken with an untrained D = ½ frozen instead of D*",
                          quadrature=EnvelopeQuadrature(frozen="half")),),
    ),
    Claim(
        id="function-space-convergence", title="Convergence in function space",
        statement="If D reaches D*_G at each step and p_g follows the gradient of V(D*_G, p_g), then C decreases to "
                  "−log 4 and p_g → p_data (C is convex in p_g).",
        latex=r"p_g^{t+1} = p_g^t - \eta\,\partial_{p_g} V(D^*_{G_t}, p_g) \ \Rightarrow\ p_g^t \to p_{data},\ "
              r"C(G_t) \downarrow -\log 4",
        source=f"{GOODFELLOW}, Prop. 2",
        derivations=("function-space-convergence",), cases=(PATH,),
        quadrature=FunctionSpaceQuadrature(),
        empirical=FunctionSpaceEmpirical(),
        controls=(Control("wrong-target", "a path ending at a shifted mixture, claimed to reach −log 4",
                          quadrature=FunctionSpaceQuadrature(target_shift=0.5)),),
    ),
    Claim(
        id="algorithm-1", title="Algorithm 1 converges to p_data",
        statement="Minibatch training (k D-steps per G-step) drives p_g to p_data (JSD → 0) and D̂ to ½ everywhere; "
                  "p_g = p_data is a fixed point with D* ≡ ½ and C = −log 4.",
        latex=r"p_g^t \to p_{data},\quad \hat D_t \to \tfrac12,\quad C(G_t) \to -\log 4",
        source=f"{GOODFELLOW}, Algorithm 1 and Fig. 1",
        cases=("identical-normal", *tagged("fixed-point")),
        symbolic=NotApplicable("a statement about a training algorithm's dynamics, not an identity"),
        quadrature=FixedPoint(),
        empirical=Algorithm1(),
        controls=(Control("perturbed-fixed-point", "p_g = 0.9·p_data + 0.1·N(3, 1) claimed to be the fixed point",
                          quadrature=FixedPoint(shift=3.0)),
                  Control("wrong-target", "the trained generator compared with N(0.5, 1) instead of p_data",
                          empirical=Algorithm1(target_shift=0.5))),
    ),
)
