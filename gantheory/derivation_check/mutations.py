r"""Faulty variants of a correct derivation, each with the step it breaks.

The derivation checker is measured on derivations that are known to be wrong at one known step. This
module makes them from correct documents by editing the *text*, one edit per variant, so the variant is
written exactly as a person would have written the mistake (Markdown escapes, ``align`` rows, inline
``$…$`` and all). Every variant records the kind of mistake, the 0-based index of the step it breaks
(relations counted in document order, as the checker counts them), the line and column of the edit, and
the broken step's right-hand side after the edit, so a report can be scored without trusting its own
step numbering (:func:`localised`).

The kinds (:data:`KINDS`) are the mistakes found in real write-ups:

============================  ======================================================================
``sign_flip``                 one ``+`` becomes ``-`` or one ``-`` becomes ``+``
``drop_factor``               a factor ``2`` or ``\frac{1}{2}`` is dropped
``swap_densities``            one occurrence of p_data becomes p_g (or p becomes q), or the reverse
``wrong_constant``            ``\log 4`` written for ``\log 2`` or the reverse
``min_max``                   ``\max`` for ``\min`` (``\sup``/``\inf``, ``\arg\max``/``\arg\min``)
``argmax_negative``           the objective under an argmax scaled by a negative number
``wrong_integration_variable``  ``dz`` for ``dx`` (the integral is over a variable the integrand lacks)
``wrong_density_under_E``     the density under an expectation's subscript swapped
``lookalike_integrand``       ``\log(1 - D)`` read as ``\log 1 - \log D``; σ applied to ``-t`` for ``t``
``derivative_mismatch``       the right side of a derivative step is not the derivative (a squared
                              denominator, a squared σ)
``contradict_definition``     a quantity defined earlier restated with another value
``jsd_without_half``          ``2\,\mathrm{JSD}`` written as ``\mathrm{JSD}`` (the JSD taken without ½)
============================  ======================================================================

Only steps that assert something are edited: never a definition (``\triangleq``, ``:=``, ``\coloneqq``,
``\overset{\Delta}{=}``, or ``name = …`` where the name is new), never an inequality, implication or
``\approx`` (an edit can leave an inequality true), and never inside a subscript or superscript. The
edits are chosen so that the edited step is false for generic densities; :func:`mutate` is deterministic
(same text, same variants, same order).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gantheory.derivation_check.extract import MathChain, extract
from gantheory.errors import GanTheoryError

__all__ = [
    "KINDS", "CorpusDocument", "Mutation", "Site", "corpus_mutations", "load_corpus", "localised", "mutate", "steps_of",
]

KINDS = (
    "contradict_definition",
    "jsd_without_half",
    "sign_flip",
    "drop_factor",
    "swap_densities",
    "wrong_constant",
    "min_max",
    "argmax_negative",
    "wrong_integration_variable",
    "wrong_density_under_E",
    "lookalike_integrand",
    "derivative_mismatch",
)

# Relations at brace depth 0, longest first (``\le`` must not eat ``\left``).
_RELATION = re.compile(
    r"\\overset\{[^{}]*\}\{=\}|\\stackrel\{[^{}]*\}\{=\}|\\xrightarrow(?:\[[^\]]*\])?\{[^{}]*\}|"
    r"\\triangleq(?![a-zA-Z])|\\coloneqq(?![a-zA-Z])|:=|\\Longleftrightarrow(?![a-zA-Z])|"
    r"\\Leftrightarrow(?![a-zA-Z])|\\iff(?![a-zA-Z])|\\implies(?![a-zA-Z])|\\Rightarrow(?![a-zA-Z])|"
    r"\\longrightarrow(?![a-zA-Z])|\\rightarrow(?![a-zA-Z])|\\to(?![a-zA-Z])|\\approx(?![a-zA-Z])|"
    r"\\equiv(?![a-zA-Z])|\\leqslant(?![a-zA-Z])|\\geqslant(?![a-zA-Z])|\\leq?(?![a-zA-Z])|"
    r"\\geq?(?![a-zA-Z])|\\neq?(?![a-zA-Z])|=|<|>"
)
_DEFINING = re.compile(r"^(\\triangleq|\\coloneqq|:=|\\overset|\\stackrel|\\equiv)")
_DERIVATIVE = re.compile(r"\\frac\{(d|\\partial)|\\nabla|\\partial|(\\[a-zA-Z]+|[A-Za-z])'+\(")
_JUDGED = re.compile(r"^(=|\\xrightarrow|\\to|\\rightarrow|\\longrightarrow)")
# A name being introduced: an optional integer factor or a game prefix (\min_G \max_D), a letter or a
# command, sub/superscripts, an optional argument list.
_SCRIPT = r"(?:[_^](?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|\\[a-zA-Z]+|[A-Za-z0-9*]))"
_NAME = re.compile(
    r"^\s*(?:\d+\s*)?(?:\\(?:min|max|sup|inf)\s*" + _SCRIPT + r"?\s*)*"
    r"(?P<head>(?:\\(?:mathrm|operatorname|text|mathbf)\{[A-Za-z]+\}|\\[a-zA-Z]+|[A-Za-z]+)" + _SCRIPT + r"*)"
    r"\s*(?P<args>\((?:[^()]|\([^()]*\))*\))?\s*$"
)


@dataclass(frozen=True)
class Site:
    """One step of a document as the mutation generator sees it: the chain it is in, the offsets of its
    right-hand side in the chain's text, and whether it may be edited."""

    index: int
    chain: MathChain
    lhs: tuple[int, int]
    rhs: tuple[int, int]
    relation: str
    editable: bool
    head: str  # the name on the left when the step's left side is a name, else ""

    @property
    def rhs_text(self) -> str:
        return self.chain.text[self.rhs[0]:self.rhs[1]]

    @property
    def lhs_text(self) -> str:
        return self.chain.text[self.lhs[0]:self.lhs[1]]


@dataclass(frozen=True)
class Mutation:
    """One faulty variant of a correct document.

    Attributes:
        source: name of the correct document.
        kind: one of :data:`KINDS`.
        step: 0-based index of the step the edit breaks (the expected first wrong step).
        line, column: 1-based place of the edit in the file.
        original, replacement: the LaTeX replaced and what replaced it (as extracted, escapes undone).
        rhs: the broken step's right-hand side after the edit (as extracted).
        text: the whole faulty document.
    """

    source: str
    kind: str
    step: int
    line: int
    column: int
    original: str
    replacement: str
    rhs: str
    text: str

    @property
    def name(self) -> str:
        return f"{self.source}:{self.kind}:{self.line}:{self.column}"


@dataclass(frozen=True)
class CorpusDocument:
    """A correct document of the corpus and its ground truth (the ``<file>.truth.json`` beside it)."""

    path: Path
    style: str
    covers: tuple[str, ...]
    skip_lines: tuple[int, ...] = ()
    not_faulty: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.name

    def mutations(self) -> tuple[Mutation, ...]:
        """Every faulty variant of this document, less the edits its sidecar lists as not faulty."""
        drop = {f"{self.name}:{key}" for key in self.not_faulty}
        return tuple(m for m in mutate(self.text, source=self.name, skip_lines=self.skip_lines) if m.name not in drop)

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def load_corpus(directory: str | Path) -> tuple[CorpusDocument, ...]:
    """The correct documents under ``directory`` (every file with a ``.truth.json`` sidecar whose
    ``correct`` is true), sorted by name."""
    root = Path(directory)
    if not root.is_dir():
        raise GanTheoryError(f"directory: no corpus at {root}")
    out = []
    for truth in sorted(root.glob("*.truth.json")):
        meta = json.loads(truth.read_text(encoding="utf-8"))
        doc = truth.with_name(truth.name[: -len(".truth.json")])
        if not doc.is_file():
            raise GanTheoryError(f"directory: {truth.name} describes a missing file {doc.name}")
        if meta.get("correct") is not True:
            continue
        out.append(CorpusDocument(doc, meta["style"], tuple(meta["covers"]), tuple(meta.get("skip_lines", ())),
                                  tuple(meta.get("not_faulty", {}))))
    return tuple(out)


def corpus_mutations(directory: str | Path, *, per_source_kind: int = 8) -> tuple[Mutation, ...]:
    """The faulty set: for each correct document of ``directory`` and each kind, at most
    ``per_source_kind`` variants, spread evenly over the document (so no kind or document dominates)."""
    if per_source_kind < 1:
        raise GanTheoryError(f"per_source_kind must be at least 1, got {per_source_kind}")
    out: list[Mutation] = []
    for doc in load_corpus(directory):
        by_kind: dict[str, list[Mutation]] = {}
        for m in doc.mutations():
            by_kind.setdefault(m.kind, []).append(m)
        for kind in KINDS:
            found = by_kind.get(kind, [])
            if len(found) > per_source_kind:
                step = len(found) / per_source_kind
                found = [found[int(i * step)] for i in range(per_source_kind)]
            out.extend(found)
    return tuple(out)


def _scan_depth0(text: str, escaped: str, match_at: Callable[[int], int | None]) -> None:
    """Walk ``text`` once, tracking brace/parenthesis depth; at depth 0 ``match_at(i)`` may consume a token
    (it returns the index after it) or decline (None). A backslash before a character of ``escaped`` is a
    literal, not a bracket. The one scanner behind :func:`_relations` and :func:`_formulas`."""
    depth = 0
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in escaped:
            i += 2
            continue
        if c in "{(":
            depth += 1
        elif c in "})":
            depth = max(depth - 1, 0)
        elif depth == 0:
            end = match_at(i)
            if end is not None:
                i = end
                continue
        i += 1


def _relations(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) of every relation at brace/parenthesis depth 0."""
    out = []

    def relation(i: int) -> int | None:
        m = _RELATION.match(text, i)
        if not m:
            return None
        out.append((m.start(), m.end(), m.group(0)))
        return m.end()

    _scan_depth0(text, "{}()[]|,;!: ", relation)
    return out


def steps_of(text: str) -> list[Site]:
    """The steps of a document in order: each relation between consecutive expressions of a formula.

    A chain splits into formulas at an implication (``\\Rightarrow``, ``\\implies``, ``\\iff``: it joins two
    statements and is no step itself) and at a side remark (``\\quad``, ``\\qquad``, ``\\text{…}`` at depth 0
    that does not follow a relation), the conventions of the checker.
    """
    sites: list[Site] = []
    named: set[str] = set()
    for chain in extract(text):
        for lo, hi in _formulas(chain.text):
            rels = _relations(chain.text[lo:hi])
            bounds = [lo] + [lo + x for s, e, _ in rels for x in (s, e)] + [hi]
            for k, (_, _, token) in enumerate(rels):
                lhs = (bounds[2 * k], bounds[2 * k + 1])
                rhs = (bounds[2 * k + 2], bounds[2 * k + 3])
                lhs_text = chain.text[lhs[0]:lhs[1]]
                m = _NAME.match(_strip(lhs_text))
                head = _norm(m.group("head")) if m else ""
                new_name = bool(head) and head not in named
                defining = bool(_DEFINING.match(token)) or (k == 0 and token == "=" and new_name)
                # "t \to -\infty", "m = n", "p_g(x) \to 0": a hypothesis about a variable, not a result
                bare = bool(m) and m.group("args") is None and len(head) == 1
                hypothesis = k == 0 and (new_name or (head in named and bare))
                editable = not defining and not hypothesis and bool(_JUDGED.match(token))
                if defining and head:
                    named.add(head)
                restated = head if (head in named and not defining) else ""
                sites.append(Site(len(sites), chain, lhs, rhs, token, editable, restated))
    return sites


_SPLIT = re.compile(r"\\(?:Rightarrow|implies|iff|Leftrightarrow|Longleftrightarrow|Longrightarrow)(?![a-zA-Z])")
_REMARK = re.compile(r"\\q?quad(?![a-zA-Z])|\\text\{")


def _formulas(text: str) -> list[tuple[int, int]]:
    """(start, end) of the formulas of a chain's text (see :func:`steps_of`)."""
    cuts: list[tuple[int, int]] = []

    def cut(i: int) -> int | None:
        m = _SPLIT.match(text, i)
        if m:
            cuts.append((m.start(), m.end()))
            return m.end()
        m = _REMARK.match(text, i)
        if not m or _after_relation(text[:i]):
            return None
        end = m.end()
        if m.group(0).startswith("\\text"):
            close = _matching(text, end - 1)
            end = len(text) if close is None else close + 1
        while True:  # a run of spacing and words: "\qquad\text{and}\qquad"
            nxt = _REMARK.match(text, end) or re.compile(r"\s+|,").match(text, end)
            if not nxt or nxt.end() == end:
                break
            end = nxt.end()
            if nxt.group(0).startswith("\\text"):
                close = _matching(text, end - 1)
                end = len(text) if close is None else close + 1
        cuts.append((m.start(), end))
        return end

    _scan_depth0(text, "{}()", cut)
    out, lo = [], 0
    for a, b in cuts:
        out.append((lo, a))
        lo = b
    out.append((lo, len(text)))
    return [(a, b) for a, b in out if text[a:b].strip()]


def _after_relation(before: str) -> bool:
    rels = _relations(before)
    return bool(rels) and not before[rels[-1][1]:].strip(" ,\\")


def _strip(latex: str) -> str:
    latex = re.sub(r"\\(label|tag|eqref)\{[^{}]*\}|\\nonumber|\\notag|\\[,;!]|\\q?quad|&", " ", latex)
    return latex.strip().rstrip(".,;").strip()


def _norm(latex: str) -> str:
    return re.sub(r"\s+|\\[,;!]|\\q?quad|\\(?:left|right|big|Big|bigg|Bigg)(?![a-zA-Z])|&|\\nonumber", "",
                  latex).rstrip(".,;")


# --- the edits --------------------------------------------------------------------------------------
# Each rule yields (start, end, replacement) in the right-hand side's text; the start and end must not
# fall inside a subscript or superscript (checked by the caller).

_Edit = tuple[int, int, str]
_DATA = (r"p_\{data\}|p_\{\\text\{data\}\}|p_\\text\{data\}|p_\{\\mathrm\{data\}\}|p_\{\\rm data\}|p_d(?![a-zA-Z])|"
         r"(?<![\\a-zA-Z])pdata(?![a-zA-Z])")
_GEN = r"p_g(?![a-zA-Z])|p_\{g\}|(?<![\\a-zA-Z])pg(?![a-zA-Z])"
_PLAIN_P = r"(?<![\\a-zA-Z_^{])p(?![a-zA-Z_])"
_PLAIN_Q = r"(?<![\\a-zA-Z_^{])q(?![a-zA-Z_])"


def _sign_flip(rhs: str, site: Site) -> Iterator[_Edit]:
    for m in re.finditer(r"(?<![{(\[^_=,])\s*([+-])\s*(?![>\\]infty|\\infty)", rhs):
        start = m.start(1)
        before = rhs[:start].rstrip()
        if not before or before.endswith(("(", "{", "[", "\\left(", "\\left[", "\\big(", "\\Big(", "^", "_")):
            continue  # a unary minus at the start of a group: flipping it is a different kind of edit
        yield start, start + 1, "-" if m.group(1) == "+" else "+"
    lead = re.match(r"\s*-\s*", rhs)
    if lead:
        yield lead.start(), lead.end(), " "


def _drop_factor(rhs: str, site: Site) -> Iterator[_Edit]:
    for m in re.finditer(r"\\[td]?frac\{1\}\{2\}|\\tfrac12|\\frac12", rhs):
        yield m.start(), m.end(), ""
    for m in re.finditer(r"(?<![\w^_.\\])2\s*(?:\\,|\\cdot|\\;)?\s*(?=[\\a-zA-Z(])", rhs):
        if re.match(r"\\(log|ln|infty)", rhs[m.end():]) and not re.match(r"2\s*\\log\s*2", rhs[m.start():]):
            continue  # "2 \log p" is fine to drop too, but "2 \log 2" is the only log case we keep
        if re.search(r"(\\log|\\ln)\s*$", rhs[:m.start()]):
            continue  # the 2 of "\log 2" is a constant, not a factor
        yield m.start(), m.end(), ""


def _swap_densities(rhs: str, site: Site) -> Iterator[_Edit]:
    pairs = ((_DATA, "p_g"), (_GEN, "p_{data}"), (_PLAIN_P, "q"), (_PLAIN_Q, "p"))
    for pattern, other in pairs:
        for m in re.finditer(pattern, rhs):
            if _in_expectation_subscript(rhs, m.start()):
                continue
            yield m.start(), m.end(), _other_density(m.group(0), rhs, other)


def _other_density(token: str, rhs: str, default: str) -> str:
    """The other density, spelled as the document spells its densities (pdata/pg, p_d/p_g, p_{data}/p_g)."""
    if token in ("pdata", "pg"):
        return "pg" if token == "pdata" else "pdata"
    if default == "p_{data}" and re.search(r"p_d(?![a-zA-Z])", rhs):
        return "p_d"
    return default


def _wrong_constant(rhs: str, site: Site) -> Iterator[_Edit]:
    for m in re.finditer(r"(\\log|\\ln)\s*([24])(?![0-9])", rhs):
        yield m.start(2), m.end(2), "2" if m.group(2) == "4" else "4"


def _min_max(rhs: str, site: Site) -> Iterator[_Edit]:
    swap = {"max": "min", "min": "max", "sup": "inf", "inf": "sup"}
    for m in re.finditer(r"\\(max|min|sup|inf)(?![a-zA-Z])|arg\\,(max|min)", rhs):
        word = m.group(1) or m.group(2)
        start = m.start(1) if m.group(1) else m.start(2)
        yield start, start + 3, swap[word]


def _argmax_negative(rhs: str, site: Site) -> Iterator[_Edit]:
    for m in re.finditer(r"(\\arg\s*\\max|\\operatorname\*?\{arg\\,?max\}|\\mathrm\{argmax\})\s*"
                         r"(_(?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|[A-Za-z]))?\s*", rhs):
        if rhs[m.end():].strip():
            yield m.end(), m.end(), "-"


def _wrong_integration_variable(rhs: str, site: Site) -> Iterator[_Edit]:
    if "\\int" not in rhs:
        return
    for m in re.finditer(r"(?<![a-zA-Z\\])(?:\\mathrm\{d\}|d)\s*(\\mathbf\{[xz]\}|[xz])(?![a-zA-Z])", rhs):
        var = m.group(1)
        other = var.replace("x", "\0").replace("z", "x").replace("\0", "z")
        yield m.start(1), m.end(1), other


def _wrong_density_under_E(rhs: str, site: Site) -> Iterator[_Edit]:
    for m in re.finditer(r"\\sim\s*(" + _DATA + "|" + _GEN + r"|p_z|p_\{\\mathbf\{z\}\}|P|Q)(?![a-zA-Z])", rhs):
        if not _in_expectation_subscript(rhs, m.start(1)):
            continue
        d = m.group(1)
        if re.fullmatch(_DATA, d):
            other = _other_density(d, rhs, "p_g")
        elif re.fullmatch(_GEN, d):
            other = _other_density(d, rhs, "p_{data}")
        elif d in ("P", "Q"):
            other = "Q" if d == "P" else "P"
        else:  # the noise density: the generator's density is the wrong one under z
            other = "p_{data}"
        yield m.start(1), m.end(1), other


def _lookalike_integrand(rhs: str, site: Site) -> Iterator[_Edit]:
    for m in re.finditer(r"(\\log|\\ln)\s*(\\left\(|\\big\(|\\Big\(|\()\s*1\s*-\s*", rhs):
        close = _matching(rhs, m.end(2) - 1)
        if close is None:
            continue
        inner = rhs[m.end():close]
        inner = re.sub(r"\\(right|big|Big)$", "", inner.rstrip()).strip()
        end = close + 1
        yield m.start(), end, f"\\left({m.group(1)} 1 - {m.group(1)} {inner}\\right)"
    for m in re.finditer(r"\\sigma\s*\(\s*(-?)\s*t\s*\)", rhs):
        yield m.start(), m.end(), "\\sigma(t)" if m.group(1) else "\\sigma(-t)"


def _derivative_mismatch(rhs: str, site: Site) -> Iterator[_Edit]:
    if not _DERIVATIVE.match(_strip(site.lhs_text)):
        return
    for m in re.finditer(r"\\frac\{", rhs):
        num_end = _matching(rhs, m.end() - 1)
        if num_end is None or num_end + 1 >= len(rhs) or rhs[num_end + 1] != "{":
            continue
        den_end = _matching(rhs, num_end + 1)
        if den_end is None:
            continue
        den = rhs[num_end + 2:den_end]
        if "^" in den:
            continue
        new_den = den + "^2" if re.fullmatch(r"[A-Za-z]", den.strip()) else f"({den})^2"
        yield num_end + 2, den_end, new_den
        return
    for m in re.finditer(r"\\sigma\s*\(\s*t\s*\)", rhs):
        yield m.start(), m.end(), "\\sigma(t)^2"
        return


def _jsd_without_half(rhs: str, site: Site) -> Iterator[_Edit]:
    for m in re.finditer(r"(?<![\w{])2\s*(?:\\,|\\cdot|\\;)?\s*(?=JSD|\\mathrm\{JSD\}|\\operatorname\{JS\}|"
                         r"\\operatorname\{JSD\}|\\mathrm\{JS\})", rhs):
        yield m.start(), m.end(), ""


def _contradict_definition(rhs: str, site: Site) -> Iterator[_Edit]:
    if not site.head:
        return
    for rule in (_min_max, _swap_densities, _drop_factor, _wrong_constant, _sign_flip):
        for edit in rule(rhs, site):
            yield edit
            return


_RULES: dict[str, Callable[[str, Site], Iterator[_Edit]]] = {
    "contradict_definition": _contradict_definition,
    "jsd_without_half": _jsd_without_half,
    "sign_flip": _sign_flip,
    "drop_factor": _drop_factor,
    "swap_densities": _swap_densities,
    "wrong_constant": _wrong_constant,
    "min_max": _min_max,
    "argmax_negative": _argmax_negative,
    "wrong_integration_variable": _wrong_integration_variable,
    "wrong_density_under_E": _wrong_density_under_E,
    "lookalike_integrand": _lookalike_integrand,
    "derivative_mismatch": _derivative_mismatch,
}
assert tuple(_RULES) == KINDS


def _matching(text: str, open_at: int) -> int | None:
    pairs = {"(": ")", "{": "}", "[": "]"}
    opener = text[open_at]
    closer = pairs[opener]
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == opener and (i == 0 or text[i - 1] != "\\" or opener == "("):
            depth += 1
        elif text[i] == closer and (i == 0 or text[i - 1] != "\\" or closer == ")"):
            depth -= 1
            if depth == 0:
                return i
    return None


def _in_script(text: str, offset: int) -> bool:
    """Whether ``offset`` is inside a ``_{…}``/``^{…}`` group."""
    depth_stack: list[bool] = []
    i = 0
    while i < offset:
        c = text[i]
        if c == "{" and (i == 0 or text[i - 1] != "\\"):
            depth_stack.append(i > 0 and text[i - 1] in "_^")
        elif c == "}" and (i == 0 or text[i - 1] != "\\") and depth_stack:
            depth_stack.pop()
        i += 1
    return any(depth_stack)


def _in_expectation_subscript(text: str, offset: int) -> bool:
    """Whether ``offset`` is in the subscript of an expectation (``\\mathbb{E}_{x\\sim p}``)."""
    depth_stack: list[int] = []
    for i in range(offset):
        c = text[i]
        if c == "{" and (i == 0 or text[i - 1] != "\\"):
            depth_stack.append(i)
        elif c == "}" and (i == 0 or text[i - 1] != "\\") and depth_stack:
            depth_stack.pop()
    for start in depth_stack:
        if start > 0 and text[start - 1] == "_" and re.search(r"(\\mathbb\s*\{?E\}?|\\operatorname\{E\}|"
                                                              r"\\mathop\{\\mathbb\{E\}\})\s*$", text[:start - 1]):
            return True
    return False


def _doc_offsets(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def mutate(text: str, *, source: str = "document", skip_lines: tuple[int, ...] = (),
           kinds: tuple[str, ...] = KINDS) -> tuple[Mutation, ...]:
    """Every faulty variant of ``text`` that the rules of ``kinds`` make, in a fixed order.

    One edit per variant, in an editable step's right-hand side (see the module docstring); identical
    faulty texts are kept once (under the first kind in :data:`KINDS` order). ``skip_lines`` are lines
    whose steps are never edited (steps whose truth rests on prose the checker cannot read).
    """
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise GanTheoryError(f"kinds: unknown mutation kind(s) {unknown}; known: {KINDS}")
    starts = _doc_offsets(text)
    escaped = "\\_" in text
    seen: set[str] = set()
    out: list[Mutation] = []
    for site in steps_of(text):
        if not site.editable:
            continue
        chain = site.chain
        rhs = site.rhs_text
        for kind in KINDS:
            if kind not in kinds:
                continue
            for start, end, new in _RULES[kind](rhs, site):
                a, b = site.rhs[0] + start, site.rhs[0] + end
                if _in_script(chain.text, a) and kind not in ("wrong_density_under_E",):
                    continue
                line, col = chain.position(a)
                if line in skip_lines:
                    continue
                doc_a = starts[line - 1] + col - 1
                if a == b:
                    doc_b = doc_a
                else:
                    bl, bc = chain.position(b - 1)
                    doc_b = starts[bl - 1] + bc  # just after the edit's last character
                if doc_b < doc_a or "\n" in text[doc_a:doc_b] or _unescape(text[doc_a:doc_b]) != chain.text[a:b]:
                    continue  # an edit spans exactly the text it replaces, on one line
                written = new.replace("_", "\\_").replace("*", "\\*") if escaped else new
                faulty = text[:doc_a] + written + text[doc_b:]
                if faulty in seen or faulty == text:
                    continue
                seen.add(faulty)
                new_rhs = rhs[:start] + new + rhs[end:]
                out.append(Mutation(source, kind, site.index, line, col, chain.text[a:b], new, _strip(new_rhs),
                                    faulty))
    return tuple(out)


def localised(mutation: Mutation, report: object) -> bool:
    """Whether ``report`` (a :class:`~gantheory.derivation_check.model.DerivationReport` or its
    ``to_dict()``) names the broken step as its first wrong step.

    The step is recognised by its content, not by its number: the first wrong step's right-hand side
    must be the edited right-hand side (spaces, ``\\,``, ``\\left``/``\\right``, ``&`` and trailing
    punctuation ignored), so a report that numbers steps differently is scored fairly.
    """
    data = report.to_dict() if hasattr(report, "to_dict") else report
    first = data["first_wrong"]  # type: ignore[index]
    if first is None:
        return False
    step = next(s for s in data["steps"] if s["index"] == first)  # type: ignore[index]
    got, want = _norm(_unescape(step["rhs"])), _norm(mutation.rhs)
    return bool(got) and (got == want or (step["line"] == mutation.line and (want in got or got in want)))


def _unescape(latex: str) -> str:
    return latex.replace("\\_", "_").replace("\\*", "*")
