r"""Claims about derivations as people write them: the derivation checker reads a written derivation.

The claim ``written-derivation`` runs :func:`gantheory.check_derivation` on :data:`WRITTEN_THEOREM_1`, a
derivation of Proposition 1 and Theorem 1 written the way lecture notes write it (an ``align`` chain,
``$$`` lines, inline math, ``\triangleq``, ``\operatorname*{arg\,max}``, ``\mathbb{E}_{x\sim p_{data}}``).
Its symbolic lens passes when no step is refuted or ill-formed. Its negative controls are the same text
with one mistake each, made by :mod:`gantheory.derivation_check.mutations` (a flipped sign, a dropped
factor 2, p_data and p_g swapped, ``\log 2`` for ``\log 4``, the JSD without its ½, ``dz`` for ``dx``,
``\log(1 - D)`` read as ``\log 1 - \log D``, ``\min`` for ``\max``): a control is refuted only when the
checker names the mutated step as the first wrong one — a false alarm earlier in the text, or a mistake
missed, leaves it standing.
"""

from __future__ import annotations

from dataclasses import dataclass

from gantheory.claims.model import Claim, Context, Control, NotApplicable
from gantheory.results import LensResult, Measurement

__all__ = ["CLAIMS", "WRITTEN_THEOREM_1", "WrittenDerivation", "WrittenMistake"]

#: Proposition 1 and Theorem 1 of Goodfellow et al. (2014) as a reader would write them up (Markdown).
WRITTEN_THEOREM_1 = r"""# Proposition 1 and Theorem 1, written out

We take natural logarithms and $\mathrm{JSD}(p\|q) \triangleq \frac{1}{2}\int p(x)\log\frac{2p(x)}{p(x)+q(x)}\,dx + \frac{1}{2}\int q(x)\log\frac{2q(x)}{p(x)+q(x)}\,dx$.
For a fixed generator the value function is
\begin{align}
V(G, D) &= \mathbb{E}_{x \sim p_{data}}\left[\log D(x)\right] + \mathbb{E}_{z \sim p_z}\left[\log\left(1 - D(G(z))\right)\right] \\
&= \int p_{data}(x) \log D(x) \, dx + \int p_g(x) \log\left(1 - D(x)\right) dx \\
&= \int \left[ p_{data}(x) \log D(x) + p_g(x) \log\left(1 - D(x)\right) \right] dx
\end{align}
and the integrand is maximised pointwise:

$$D^*_G(x) = \operatorname*{arg\,max}_{y \in (0,1)} \left[ p_{data}(x) \log y + p_g(x) \log(1 - y) \right] = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}$$

Write $C(G) \triangleq \max_D V(G, D)$. Plugging in the maximiser,

$$C(G) = \max_D V(G, D)$$

$$= \int p_{data}(x)\log\frac{p_{data}(x)}{p_{data}(x)+p_g(x)} + p_g(x)\log\frac{p_g(x)}{p_{data}(x)+p_g(x)}\,dx$$

$$= \int p_{data}(x)\log\frac{2\,p_{data}(x)}{p_{data}(x)+p_g(x)}\,dx + \int p_g(x)\log\frac{2\,p_g(x)}{p_{data}(x)+p_g(x)}\,dx - \log 4$$

$$= 2\,\mathrm{JSD}(p_{data}\|p_g) - \log 4$$
"""

#: The mistakes the controls plant, one per kind (the first variant of that kind the generator makes).
CONTROL_KINDS = ("sign_flip", "drop_factor", "swap_densities", "wrong_constant", "jsd_without_half",
                 "wrong_integration_variable", "lookalike_integrand", "min_max")


def _lens(report, *, control: str = "") -> LensResult:
    data = report.to_dict()
    counts = data["counts"]
    wrong = counts["refuted"] + counts["ill_formed"]
    first = data["first_wrong"]
    step = data["steps"][first] if first is not None else None
    where = (f"first wrong step {first + 1} (line {step['line']}, {step['verdict']}): "
             f"{step['reason'] or step['rule']}" if step else "no wrong step")
    summary = (f"{len(data['steps'])} steps: {counts['verified']} verified, {wrong} wrong, "
               f"{counts['unchecked']} unchecked, {counts['unparsed']} unparsed; {where}")
    status = "fail" if wrong else "pass"
    measurement = Measurement("wrong steps", float(wrong), 0.0, wrong == 0,
                              detail="refuted or ill-formed steps of the written derivation"
                              + (f" with the planted mistake {control}" if control else ""))
    return LensResult("symbolic", status, summary=summary, measurements=(measurement,),
                      details={"check": data})


@dataclass(frozen=True)
class WrittenDerivation:
    """Symbolic lens: the derivation checker on a written derivation (pass: no step refuted/ill-formed)."""

    text: str = WRITTEN_THEOREM_1

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.derivation_check import check_derivation

        return _lens(check_derivation(self.text))


@dataclass(frozen=True)
class WrittenMistake:
    """Negative control: the written derivation with one planted mistake of ``kind``. It comes back
    ``fail`` (refuted) only when the checker's first wrong step is the mutated step."""

    kind: str
    text: str = WRITTEN_THEOREM_1

    def __call__(self, ctx: Context) -> LensResult:
        from gantheory.derivation_check import check_derivation
        from gantheory.derivation_check.mutations import localised, mutate

        mutation = next((m for m in mutate(self.text, kinds=(self.kind,)) if m.kind == self.kind), None)
        if mutation is None:
            return LensResult("symbolic", "error", summary=f"no {self.kind} mutation applies to the text")
        report = check_derivation(mutation.text)
        result = _lens(report, control=f"{self.kind} at line {mutation.line}: {mutation.original!r} → "
                                       f"{mutation.replacement!r}")
        if result.status == "fail" and not localised(mutation, report):
            # A wrong step was found, but not the planted one: that is a false alarm, not a refutation.
            return LensResult("symbolic", "pass", summary=f"mistake not located (planted at step {mutation.step + 1}, "
                                                          f"line {mutation.line}); {result.summary}",
                              measurements=result.measurements, details=result.details)
        return result


CLAIMS = (
    Claim(
        id="written-derivation", title="A written derivation of Theorem 1, checked line by line",
        statement="The derivation checker reads Proposition 1 and Theorem 1 as a reader writes them up in "
                  "Markdown/LaTeX and verifies every step, each with its rule.",
        latex=r"C(G) = \max_D V(G, D) = 2\,\mathrm{JSD}(p_{data}\|p_g) - \log 4",
        source="Goodfellow et al. 2014, Prop. 1 and Thm. 1 (as written in lecture notes)",
        symbolic=WrittenDerivation(),
        quadrature=NotApplicable("the checker's own refutations use certified quadrature; the claim is about the "
                                 "written text"),
        empirical=NotApplicable("a written derivation has no sampled counterpart"),
        controls=tuple(Control(f"written:{kind}", f"the written derivation with one {kind.replace('_', ' ')} "
                               "mistake", symbolic=WrittenMistake(kind)) for kind in CONTROL_KINDS),
    ),
)
