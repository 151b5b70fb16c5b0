"""What the derivation checker returns: frozen dataclasses and their JSON form.

The JSON of :class:`CheckReport` is the ``gantheory.check/1`` schema (a contract)::

    {"schema": "gantheory.check/1",
     "documents": [{"path", "first_wrong", "counts": {"verified", "refuted", "ill_formed", "unchecked",
                    "unparsed"},
                    "steps": [{"index", "line", "relation", "lhs", "rhs", "verdict", "rule", "reason",
                               "counterexample"}]}]}

Every step gets exactly one verdict from :data:`VERDICTS`. A ``refuted`` step always carries a
:class:`Counterexample` a reader can recompute; a ``verified`` step always names its rule; an
``unchecked`` step names (in ``rule``) the rule that would be needed; an ``unparsed`` step says in
``reason`` what was not understood and where (``line``/``column``).
Rendering lives in :mod:`gantheory.report.check`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

__all__ = [
    "CONVENTIONS",
    "RELATIONS",
    "SCHEMA",
    "VERDICTS",
    "CheckReport",
    "Counterexample",
    "DerivationReport",
    "StepCheck",
]

SCHEMA = "gantheory.check/1"

VERDICTS = ("verified", "refuted", "ill_formed", "unchecked", "unparsed")
#: verdicts that make a step "wrong" (the first of them is a document's ``first_wrong``)
WRONG = ("refuted", "ill_formed")

#: relations as reported (the LaTeX is normalised to these names)
RELATIONS = ("=", "<=", ">=", "<", ">", "!=", "=>", "<=>", "approx", "->", "def", "")

#: the conventions every report states
CONVENTIONS = (
    "log is the natural logarithm unless a base is written (\\log_2, \\lg = log base 2)",
    "JSD(P||Q) = 1/2 KL(P||M) + 1/2 KL(Q||M) with M = (P+Q)/2 (the 1/2 convention)",
    "x^{(i)} is the i-th sample (an index), never a power",
    "densities p, q > 0; D(x) in (0, 1); declared parameters positive",
)


@dataclass(frozen=True)
class Counterexample:
    """What a reader needs to recompute a refutation.

    ``kind`` is ``"numbers"`` (``values`` maps each symbol to the number substituted; ``lhs``/``rhs``
    are both sides evaluated there) or ``"densities"`` (``p_data``/``p_g`` name gantheory densities,
    ``D``/``G`` the discriminator/generator where one is needed, both sides by certified quadrature).
    ``plot`` (not serialised) optionally holds ``{"x": [...], "lhs": [...], "rhs": [...]}``: the two
    integrands on a grid, for the HTML report. ``undefined`` (only for ``"densities"``) names why one side
    has no value on the pair: ``{"side": "left"|"right", "x": …, "expression": …, "value": …}`` — at the
    point x (both densities positive there) the quantity under a log/square root is negative (or a
    denominator is 0); that side is then ``None`` while the other is a finite real number, which makes
    the relation false on the pair.
    """

    kind: str
    lhs: float | None
    rhs: float | None
    values: dict = field(default_factory=dict)
    p_data: str | None = None
    p_g: str | None = None
    D: str | None = None
    G: str | None = None
    method: str = ""
    plot: dict | None = field(default=None, compare=False, repr=False)
    undefined: dict | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("numbers", "densities"):
            raise ValueError(f"kind must be 'numbers' or 'densities', got {self.kind!r}")
        if self.undefined is not None:
            side = self.undefined.get("side")
            if self.kind != "densities" or side not in ("left", "right"):
                raise ValueError("undefined needs kind 'densities' and side 'left' or 'right'")
            other = self.rhs if side == "left" else self.lhs
            if (self.lhs if side == "left" else self.rhs) is not None or _num(other) is None:
                raise ValueError("with an undefined side, that side is None and the other a finite number")

    def to_dict(self) -> dict:
        out: dict = {"kind": self.kind}
        if self.kind == "numbers":
            out["values"] = {str(k): _num(v) for k, v in self.values.items()}
        else:
            out["p_data"] = self.p_data
            out["p_g"] = self.p_g
            if self.D is not None:
                out["D"] = self.D
            if self.G is not None:
                out["G"] = self.G
            if self.values:
                out["values"] = {str(k): _num(v) for k, v in self.values.items()}
            if self.undefined is not None:
                out["undefined"] = {"side": self.undefined["side"], "x": _num(self.undefined["x"]),
                                    "expression": str(self.undefined["expression"]),
                                    "value": _num(self.undefined["value"])}
        out["lhs"] = _num(self.lhs)
        out["rhs"] = _num(self.rhs)
        out["method"] = self.method or ("exact arithmetic at the values" if self.kind == "numbers"
                                        else "certified quadrature")
        return out

    def describe(self) -> str:
        """One line: 'with p_data = N(0,1), p_g = N(1,1), D = σ(1/2 − x): left side …, right side …'."""
        if self.kind == "numbers":
            where = ", ".join(f"{k} = {_short(v)}" for k, v in self.values.items())
            if not where:
                return f"exactly: left side {_short(self.lhs)}, right side {_short(self.rhs)}"
        else:
            parts = [f"p_data = {self.p_data}", f"p_g = {self.p_g}"]
            if self.D is not None:
                parts.append(f"D = {self.D}")
            if self.G is not None:
                parts.append(f"G = {self.G}")
            parts += [f"{k} = {_short(v)}" for k, v in self.values.items()]
            where = ", ".join(parts)
        if self.undefined is not None:
            u = self.undefined
            what = "is 0" if _num(u["value"]) == 0 else f"= {_short(u['value'])} < 0"
            gone = (f"undefined (at x = {_short(u['x'])}, where both densities are positive, "
                    f"{u['expression']} {what})")
            left, right = (gone, _short(self.rhs)) if u["side"] == "left" else (_short(self.lhs), gone)
            return f"with {where}: left side {left}, right side {right}"
        return f"with {where}: left side {_short(self.lhs)}, right side {_short(self.rhs)}"


@dataclass(frozen=True)
class StepCheck:
    """One relation between consecutive expressions (or one standalone display relation).

    Attributes:
        index: 0-based position in the document's list of steps.
        line: 1-based line of the file where the step's right-hand side is.
        column: 1-based column of the right-hand side (not in the JSON contract; used for unparsed).
        relation: one of :data:`RELATIONS`.
        lhs, rhs: the LaTeX as written.
        verdict: one of :data:`VERDICTS`.
        rule: the rule that verified it, or (unchecked) the rule that would be needed.
        reason: a sentence for a reader (side conditions, what was not understood, why refuted).
        counterexample: a :class:`Counterexample` for every ``refuted`` step, else None.
    """

    index: int
    line: int
    relation: str
    lhs: str
    rhs: str
    verdict: str
    rule: str = ""
    reason: str = ""
    counterexample: Counterexample | None = None
    column: int = 1

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")
        if self.verdict == "refuted" and self.counterexample is None:
            raise ValueError("a refuted step needs a counterexample")
        if self.verdict == "verified" and not self.rule:
            raise ValueError("a verified step needs its rule")

    @property
    def wrong(self) -> bool:
        return self.verdict in WRONG

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "line": self.line,
            "relation": self.relation,
            "lhs": self.lhs,
            "rhs": self.rhs,
            "verdict": self.verdict,
            "rule": self.rule,
            "reason": self.reason,
            "counterexample": None if self.counterexample is None else self.counterexample.to_dict(),
        }


@dataclass(frozen=True)
class DerivationReport:
    """The steps of one document, in order, and its first wrong step."""

    path: str
    steps: tuple[StepCheck, ...] = ()
    conventions: tuple[str, ...] = CONVENTIONS

    @property
    def first_wrong(self) -> int | None:
        """Index of the first refuted or ill_formed step, or None."""
        for step in self.steps:
            if step.wrong:
                return step.index
        return None

    @property
    def counts(self) -> dict[str, int]:
        out = {v: 0 for v in VERDICTS}
        for step in self.steps:
            out[step.verdict] += 1
        return out

    @property
    def ok(self) -> bool:
        return self.first_wrong is None

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "first_wrong": self.first_wrong,
            "counts": self.counts,
            "steps": [s.to_dict() for s in self.steps],
        }


@dataclass(frozen=True)
class CheckReport:
    """Several documents checked together (what ``python -m verify check`` renders)."""

    documents: tuple[DerivationReport, ...] = ()

    @property
    def ok(self) -> bool:
        return all(d.ok for d in self.documents)

    def to_dict(self) -> dict:
        return {"schema": SCHEMA, "documents": [d.to_dict() for d in self.documents]}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)


def _num(value: object) -> float | None:
    """JSON-safe number: finite floats, else None (no NaN ever leaks)."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return x if x == x and abs(x) != float("inf") else None


def _short(value: object) -> str:
    x = _num(value)
    if value is None:
        return "not a real number"
    if isinstance(value, float) and abs(value) == float("inf"):
        return "+∞" if value > 0 else "−∞"
    if x is None:
        return str(value)
    return f"{x:.6g}"
