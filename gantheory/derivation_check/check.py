"""``check_derivation`` and ``check_documents``: every relation of a document gets one verdict.

Order of the checks for a step ``lhs REL rhs``: a side that cannot be read is ``unparsed`` (line, column,
construct); ``\\approx`` and ``\\propto`` are reported, not judged (``unchecked``); a definition
(``f(y) \\triangleq …``, a first ``V(G, D) = …``, ``\\min_G\\max_D V(D,G) = …``, ``D^* = \\arg\\max …``)
enters the context (``verified``, rule "definition"), unless the standard definition of the same name
contradicts it or its variables are out of scope; scope and typing problems are ``ill_formed`` (found
without evaluating); then the rules of :mod:`.rules` judge the step; a rule that is missing leaves it
``unchecked`` with the rule that would be needed. Nothing raises: an unexpected failure on one step is
reported on that step (``unchecked``, reason "internal") and checking goes on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import sympy as sp
from lark import Tree
from sympy.core.function import AppliedUndef

from gantheory.derivation_check import symbols as S
from gantheory.derivation_check.context import Context
from gantheory.derivation_check.extract import MathChain, extract, math_blocks
from gantheory.derivation_check.model import CheckReport, DerivationReport, StepCheck
from gantheory.derivation_check.parser import Declaration, ParseError, parse_expression, split_chain
from gantheory.derivation_check.prose import Scope, scopes
from gantheory.derivation_check.rules import Judgement, judge_equal, judge_inequality
from gantheory.derivation_check.translate import Translator, Unsupported, X, _kids, _name_of, _toks, tokens_of
from gantheory.errors import GanTheoryError

__all__ = ["check_derivation", "check_documents"]

_HAS_RELATION = re.compile(r"(=|<|>|&lt;|&gt;|\\le|\\ge|\\to\b|\\neq|\\ne\b|\\approx|\\triangleq|\\coloneqq|"
                           r"\\equiv|\\Rightarrow|\\implies|\\iff|\\rightarrow|\\xrightarrow|\\overset|\\stackrel|"
                           r"\\in\b|\\sim\b|≤|≥|→|≈|≜)")
_DOMAIN = re.compile(r"\\?([A-Za-z]+)\s*\\in\s*[\(\[]\s*(-?[\d.]+|-?\\infty)\s*,\s*(-?[\d.]+|\\infty)\s*[\)\]]")
_STATEMENT_BREAKS = ("=>", "<=>", "split")
_BINDER_NODES = ("bigop", "argop", "sum_op", "prod_op", "integral", "expect", "lim_op")


def _read(text_or_path: str | Path) -> tuple[str, str]:
    if isinstance(text_or_path, Path):
        path = text_or_path
    elif "\n" not in text_or_path and len(text_or_path) < 4096 and not text_or_path.lstrip().startswith(("$", "\\")) \
            and Path(text_or_path).is_file():
        path = Path(text_or_path)
    else:
        return text_or_path, "<text>"
    try:
        return path.read_text(encoding="utf-8", errors="replace"), str(path)
    except OSError as err:
        raise GanTheoryError(f"text_or_path: cannot read {str(path)!r} ({err.strerror})") from err


def check_derivation(text_or_path: str | Path) -> DerivationReport:
    """Check every step of one document (a path, or the Markdown/LaTeX text itself).

    Returns:
        :class:`DerivationReport` (frozen; ``to_dict()``), its ``first_wrong`` the index of the first
        refuted or ill_formed step.
    Raises:
        GanTheoryError: ``text_or_path`` names a file that cannot be read.

    >>> r = check_derivation(r"$$\\log(ab) = \\log a + \\log b$$")
    >>> r.steps[0].verdict
    'verified'
    """
    text, path = _read(text_or_path)
    return _Document(text, path).run()


def check_documents(paths: list[str | Path]) -> CheckReport:
    """Check several documents (the command line's entry point)."""
    return CheckReport(tuple(check_derivation(Path(p)) for p in paths))


class _Document:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.ctx = Context()
        self.steps: list[StepCheck] = []
        self.cache: dict = {}
        self.hyp: _Hypothesis | None = None
        self.differentiated: list = []  # expressions differentiated while translating the current step
        self.status: dict[int, tuple] = {}  # block index → what the block states, for the hypotheses after it

    def run(self) -> DerivationReport:
        blocks = math_blocks(self.text)
        places = scopes(self.text, blocks)
        starts = [b[0] for b in blocks]
        for chain in extract(self.text):
            if not chain.display and not _HAS_RELATION.search(chain.text):
                continue
            k = max((i for i, b in enumerate(starts) if b <= chain.start), default=None)
            scope = places[k] if k is not None else Scope()
            self.hyp = self.hypothesis(scope, chain) if (scope.hypothetical or scope.role != "claim") else None
            first = len(self.steps)
            self.remark = None
            self.chain(chain)
            if k is not None:
                made = self.steps[first:]
                if self.remark is not None:
                    self.status[k] = self.remark
                elif made and all(s.verdict == "verified" for s in made):
                    self.status[k] = ("true",)
                elif made and all(s.verdict == "unchecked" and "a variable given a value" in s.rule + s.reason
                                  for s in made):
                    self.status[k] = ("point",)
                else:
                    self.status[k] = ("assumed", chain.text.strip())
        self.hyp = None
        return DerivationReport(self.path, tuple(self.steps))

    def hypothesis(self, scope: Scope, chain: MathChain) -> _Hypothesis:
        """What the hypotheses in force mean for the checker: substitutions it applies, or assumptions it cannot."""
        subs: list[tuple] = []
        unapplied: list[str] = []
        applied = False
        for b in scope.earlier:
            st = self.status.get(b, ("assumed", ""))
            if st[0] == "sub":
                subs.append(st[1])
                applied = True
            elif st[0] in ("limit", "domain"):
                applied = True
            elif b in scope.conditions and st[0] == "assumed":
                unapplied.append(st[1])
        if scope.prose_only and not applied:
            unapplied.append("the hypothesis stated in words (" + ", ".join(repr(m) for m in scope.markers) + ")")
        return _Hypothesis(scope.role, scope.markers, tuple(subs), tuple(unapplied), chain.position(0)[0])

    # ------------------------------------------------------------------ chains
    def add(self, chain: MathChain, offset: int, relation: str, lhs: str, rhs: str, j: Judgement) -> None:
        line, column = chain.position(offset)
        self.steps.append(StepCheck(len(self.steps), line, relation, lhs, rhs, j.verdict, j.rule, j.reason,
                                    j.counterexample, column))

    def chain(self, chain: MathChain) -> None:
        self.chain_text = chain.text
        for m in _DOMAIN.finditer(chain.text):
            lo = -sp.oo if "infty" in m.group(2) else sp.Rational(m.group(2))
            hi = sp.oo if "infty" in m.group(3) else sp.Rational(m.group(3))
            self.ctx.domains[m.group(1)] = sp.Interval.open(lo, hi)
        try:
            pieces = split_chain(chain.text)
        except Declaration as decl:
            self.declare(chain.text, decl)
            self.remark = ("domain",)
            return
        except ParseError as err:
            if not _HAS_RELATION.search(chain.text):
                return
            line, column = chain.position(err.offset)
            j = Judgement("unparsed", "", f"line {line}, column {column}: {err.construct}")
            self.add(chain, err.offset, "", chain.text.strip(), "", j)
            return
        if len(pieces) < 2:
            return
        trees: list = []
        for p in pieces:
            try:
                trees.append(parse_expression(p.toks))
            except ParseError as err:
                trees.append(err)
        first_of_statement = True
        named = None
        for i in range(1, len(pieces)):
            rel = pieces[i].relation
            if rel in _STATEMENT_BREAKS:
                first_of_statement = True
                continue
            left, right = pieces[i - 1], pieces[i]
            if first_of_statement and self.domain_remark(trees[i - 1], trees[i], rel):
                self.remark = ("domain",)
                continue
            if first_of_statement and len(pieces) == 2 and self.inline_remark(trees[0], trees[1], rel, chain):
                continue
            lhs_text = chain.as_written(self.text, left.start, left.end)
            rhs_text = chain.as_written(self.text, right.start, right.end)
            if first_of_statement and i + 1 < len(pieces) and pieces[i + 1].relation == "=" and \
                    self.placeholder(trees[i - 1], trees[i], rel):
                # D^*(x) = \tilde{x}^* = \frac{A}{A+B}: the bare name only labels the value the next side gives
                named = trees[i - 1]
                self.add(chain, right.start, rel, lhs_text, rhs_text, Judgement(
                    "verified", "definition", f"{rhs_text} names {lhs_text}; the next side gives its value"))
                first_of_statement = False
                continue
            try:
                self.line = chain.position(right.start)[0]
                if named is not None:  # the value given to a labelled name defines the name
                    j = self.step(named, trees[i], rel, True, chain, left, right)
                else:
                    j = self.step(trees[i - 1], trees[i], rel, first_of_statement, chain, left, right)
            except Exception as err:
                j = Judgement("unchecked", "", f"internal: the checker failed on this step ({type(err).__name__}: "
                              f"{str(err)[:120]})")
            self.add(chain, right.start, rel, lhs_text, rhs_text, j)
            first_of_statement = False
            named = None

    def placeholder(self, lt, rt, rel: str) -> bool:
        """``NAME(args) = y^*`` where ``y^*`` is a bare name the document never defined: a label, not a value."""
        if rel not in ("=", "def") or isinstance(lt, ParseError) or isinstance(rt, ParseError):
            return False
        name, params = _head(_kids(lt)[0] if isinstance(lt, Tree) and lt.data == "start" else lt)
        rname = _bare_name(rt)
        return (name is not None and params is not None and not self.ctx.has(name) and rname is not None
                and not self.ctx.has(rname) and "*" in rname and S.kind_of(rname) in ("parameter", "variable")
                and self.definable(rel))

    def inline_remark(self, lt, rt, rel: str, chain: MathChain) -> bool:
        """In running text, ``$x = G(z)$``, ``$D = D^*$``, ``$p_g = p_{data}$``, ``$m \\ne n$``, ``$t \\to -\\infty$``
        name a substitution, a condition or a limit's direction: they set the scene and claim nothing to check."""
        if isinstance(lt, ParseError) or isinstance(rt, ParseError):
            return False
        lname, rname = _bare_name(lt), _bare_name(rt)
        if lname is None:
            return False
        kind = S.kind_of(lname)
        if rel == "->" and kind == "variable":
            try:
                self.ctx.limit = (S.variable(lname), Translator(self.ctx).run(rt))
            except Unsupported:
                pass
            self.remark = ("limit",)
            return True
        if rel == "!=" and rname is not None:
            self.remark = ("assumed", chain.text.strip())
            return True
        if rel == "=" and kind == "variable" and not self.ctx.has(lname) and _head(_kids(rt)[0] if isinstance(
                rt, Tree) and rt.data == "start" else rt)[0] is not None:
            self.remark = ("point",)
            return True  # x = G(z), t = a(G(z)): a substitution
        if rel == "=" and rname is not None and _density_name(lname) and _density_name(rname):
            self.remark = self.substitution(_density_name(lname), _density_name(rname), "density", chain)
            return True  # P_G = P_data: the same condition on the densities
        if rel == "=" and rname is not None and kind in ("discriminator", "generator", "density", "parameter") and \
                S.kind_of(rname) == kind:
            self.remark = self.substitution(lname, rname, kind, chain)
            return True  # D = D^*, p_g = p_data, m = n: a condition (applied by the hypotheses it belongs to)
        return False

    def substitution(self, lname: str, rname: str, kind: str, chain: MathChain) -> tuple:
        """``p_g = p_data``, ``m = n``, ``D = D^*`` as a substitution a hypothesis applies (its block's status)."""
        written = " ".join(chain.text.split()) + f" (line {chain.position(0)[0]})"
        if kind == "density":
            a, b = S.canonical_density(lname) or lname, S.canonical_density(rname) or rname
            if a in ("p_data", "p") and b not in ("p_data", "p"):
                a, b = b, a  # replace the model's density by the data's: the pair keeps p_data
            return ("sub", ("density", a, b, written))
        if kind == "parameter":
            return ("sub", ("parameter", lname, rname, written))
        if kind in ("discriminator", "generator") and "*" in rname and "*" not in lname:
            return ("sub", ("map", lname, rname, written))
        return ("assumed", written)

    def domain_remark(self, lt, rt, rel: str) -> bool:
        """``t < 0``, ``x > 0`` after a formula: the domain of a variable, not a claim."""
        if rel not in ("<", ">", "<=", ">=") or isinstance(lt, ParseError) or isinstance(rt, ParseError):
            return False
        name = _bare_name(lt)
        toks = [t for t in tokens_of(rt) if t.type not in ("LBRACE", "RBRACE")]
        if name is None or S.kind_of(name) not in ("variable", "parameter") or self.ctx.has(name):
            return False
        if not (len(toks) == 1 and toks[0].type == "NUM") and not (
                len(toks) == 2 and toks[0].type == "MINUS" and toks[1].type == "NUM"):
            return False
        bound = sp.Rational(toks[-1].value) * (-1 if toks[0].type == "MINUS" else 1)
        self.ctx.domains[name] = sp.Interval.open(-sp.oo, bound) if rel in ("<", "<=") else sp.Interval.open(bound, sp.oo)
        return True

    def declare(self, text: str, decl: Declaration) -> None:
        m = re.match(r"\s*\\?([A-Za-z]+)\s*\\in\s*[\(\[]\s*(-?[\d.]+|-?\\infty)\s*,\s*(-?[\d.]+|\\infty)\s*[\)\]]", text)
        if m:
            lo = -sp.oo if "infty" in m.group(2) else sp.Rational(m.group(2))
            hi = sp.oo if "infty" in m.group(3) else sp.Rational(m.group(3))
            self.ctx.domains[m.group(1)] = sp.Interval.open(lo, hi)
            return
        m = re.match(r"\s*\\?(?:mathbf\{)?([a-z])\}?(?:\^\{?\(i\)\}?)?\s*\\sim\s*(.+)$", text.strip())
        if m:
            try:
                from gantheory.derivation_check.lexer import tokenize

                toks = [t for t in tokenize(m.group(2)) if t.type not in ("COMMA", "DOT")]
                name = "".join(t.value if t.type != "USCORE" else "_" for t in toks
                               if t.type in ("IDENT", "USCORE")).replace("_data", "_data")
            except Exception:
                return
            dens = S.canonical_density(name) or S.DISTRIBUTION_ALIASES.get(name)
            if dens:
                self.ctx.samples[m.group(1)] = dens

    # ------------------------------------------------------------------ one step
    def translate(self, tree: Tree) -> tuple[sp.Expr, set[str], list[str]]:
        key = (tree, len(self.ctx.defs), len(self.ctx.conjugates), tuple(sorted(self.ctx.samples.items())))
        if key not in self.cache:
            tr = Translator(self.ctx)
            try:
                value = tr.run(tree)
                out = (value, tr.rules, tr.scope)
            except Unsupported as err:
                out = (err, tr.rules, tr.scope)
            if tr.standard_used:
                self.standard_used = True
            self.cache[key] = (*out, tuple(tr.differentiated))
        *out, differentiated = self.cache[key]
        self.differentiated += list(differentiated)
        return tuple(out)

    def domains(self, *exprs) -> dict:
        """The declared domains, narrowed to where the step's logs are defined: a variable under log(y) and
        log(1 − y) — on either side, or in a function differentiated on the way — is drawn from (0, 1), so a
        counterexample never sits where the step's own function has no value (y = 1.03 for log(1 − y))."""
        out = dict(self.ctx.domains)
        for e in [*exprs, *self.differentiated]:
            if not isinstance(e, sp.Basic):
                continue
            for f in e.atoms(sp.log):
                arg = f.args[0]
                syms = [v for v in arg.free_symbols if S.kind_of(v.name) == "variable" and v != X]
                if len(syms) != 1 or arg.has(AppliedUndef) or len(arg.free_symbols) != 1:
                    continue
                v = syms[0]
                try:
                    if sp.degree(arg, v) != 1:
                        continue
                    region = sp.solve_univariate_inequality(arg > 0, v, relational=False)
                except (sp.PolynomialError, NotImplementedError, ValueError, TypeError):
                    continue
                narrowed = out.get(v.name, sp.Interval(-sp.oo, sp.oo)).intersect(region)
                if isinstance(narrowed, sp.Interval) and narrowed.measure > 0:
                    out[v.name] = narrowed
        return out

    def step(self, lt, rt, rel: str, first: bool, chain: MathChain, left, right) -> Judgement:
        self.changed = False
        j = self.judge(lt, rt, rel, first, chain)
        return j if self.hyp is None else self.hyp.judge(j, self.changed)

    def definable(self, rel: str) -> bool | str:
        r"""Whether an equation here may define a name for the whole document. Not under p_g = p_data or m = n
        (what holds in a special case is no definition); under D = D^* alone, yes (LSGAN's "At D = D^*, 2C(G) = …"
        defines C with the optimum put in); with := always. Under a hypothesis the checker cannot apply, or as a
        hypothesis itself, only ``"formula"``: a new name given by a formula in its arguments ("When combining
        both aspects, … the loss function $$L(D, G) = …$$", "suppose $f(y) = a\log y + …$") — never a value
        ("When both are optimal, $D^*(x) = 1/2$") nor a name with a standard meaning ("start from $C(G) = -\log 4$")."""
        h = self.hyp
        if h is None or rel == "def":
            return True
        if not all(sub[0] == "map" for sub in h.subs):
            return False
        return True if h.role == "claim" and not h.unapplied else "formula"

    def apply(self, value):
        """The hypotheses' substitutions applied to a translated side."""
        if self.hyp is None or not self.hyp.subs or not isinstance(value, sp.Basic):
            return value
        out = value
        for kind, a, b, _written in self.hyp.subs:
            if kind == "density":
                out = out.replace(lambda e, a=a: isinstance(e, AppliedUndef) and S.canonical_density(e.func.__name__) == a,
                                  lambda e, b=b: S.density(b)(*e.args))
            elif kind == "parameter":
                out = out.subs(S.variable(a), S.variable(b))
            elif kind == "map":
                tr = Translator(self.ctx)
                t = sp.Dummy("t", real=True)
                try:
                    formula = self.ctx.expand(b, [t], tr) if self.ctx.has(b) else self.ctx.standard(b, [t], tr)
                except Unsupported:
                    formula = None
                if formula is None:
                    raise Unsupported(f"the hypothesis {a} = {b}: {b} is not defined")
                out = out.replace(lambda e, a=a: isinstance(e, AppliedUndef) and e.func.__name__ == a and len(e.args) == 1,
                                  lambda e, f=formula, t=t: f.subs(t, e.args[0]))
        if out != value:
            self.changed = True
        return out

    def judge(self, lt, rt, rel: str, first: bool, chain: MathChain) -> Judgement:
        self.differentiated: list = []
        for side in (lt, rt):
            if isinstance(side, ParseError):
                line, column = chain.position(side.offset)
                return Judgement("unparsed", "", f"line {line}, column {column}: {side.construct}")
        if rel in ("approx", "propto"):
            return Judgement("unchecked", "an approximation (\\approx is reported, not judged)", "")
        if rel == "!=":
            return Judgement("unchecked", "a rule for ≠ statements", "")
        definition = self.definition(lt, rt, rel, first, self.definable(rel))
        if definition is not None:
            return definition
        # a bare variable given a value ("vanishes at y = a/(a+b)", "x = G(z)") claims nothing by itself
        lname = _bare_name(lt)
        if lname is not None and S.kind_of(lname) == "variable" and not self.ctx.has(lname) and rel == "=" and first:
            return Judgement("unchecked", "the statement this value belongs to (a variable given a value)",
                             f"{lname} is a variable; the claim about this value is in the prose")
        lv, lrules, lscope = self.translate(lt)
        rv, rrules, rscope = self.translate(rt)
        try:
            lv, rv = self.apply(lv), self.apply(rv)
        except Unsupported as err:
            lv = err
        scope = lscope + rscope + _two_sides(lt, rt) + _bound_maps(lt, rt, lv, rv)
        if scope:
            return Judgement("ill_formed", "scope and typing", scope[0])
        from gantheory.derivation_check.optimise import NoMaximiser

        for bad, other, side in ((rv, lv, "right"), (lv, rv, "left")):
            if isinstance(bad, NoMaximiser) and not isinstance(other, Unsupported) and rel == "=":
                j = _argmax_counterexample(bad, other, side)
                if j is not None:
                    return j
        for v in (lv, rv):
            if isinstance(v, Unsupported):
                return Judgement("unchecked", f"a rule for {v.construct}", "")
        rules = set(lrules) | set(rrules)
        domains = self.domains(lv, rv)
        if rel in ("=", "def"):
            j = judge_equal(lv, rv, rules, domains, self.other_game())
        elif rel in ("<=", ">=", "<", ">"):
            j = judge_inequality(lv, rv, rel, rules, domains)
            if j.verdict == "unchecked":
                j = self.functional_bound(lv, rv, rel, rules, j)
        elif rel == "->":
            j = self.limit(lt, rt, lv, rv, rules)
        else:
            j = Judgement("unchecked", f"a rule for the relation {rel}", "")
        if j.verdict == "unchecked" and rel in ("=", "def", "<=", ">=", "<", ">"):
            j = self.concrete_conjugate(lv, rv, rel, j)
        std = sorted(r for r in rules if r.startswith("standard "))
        if j.verdict == "refuted" and std and not self.other_game():
            j = Judgement(j.verdict, j.rule, j.reason + "; the document does not define them, so this uses the "
                          + "; ".join(std), j.counterexample)
        if j.verdict == "refuted" and rel == "=" and _is_zero_literal(rt) and _has_unknown(lv):
            return Judgement("unchecked", "the equation's solution (an equation set to zero, e.g. a stationarity "
                             "condition, is a condition, not an identity)", "")
        if j.verdict == "refuted" and any(r.startswith("standard ") for r in rules) and self.other_game():
            return Judgement("unchecked", "the document's own definition of "
                             + ", ".join(r.split(" (")[0].replace("standard ", "") for r in sorted(rules)
                                         if r.startswith("standard ")),
                             "the step is false under the standard definition, which the document does not state: "
                             + j.reason)
        return j

    def concrete_conjugate(self, lv: sp.Expr, rv: sp.Expr, rel: str, j: Judgement) -> Judgement:
        """A step in terms of an undefined convex f (and its conjugate) must hold for every such f: refute it
        on a concrete one (a row of gantheory.divergences), both sides by certified quadrature."""
        from gantheory.derivation_check.functional import conjugate_counterexample

        try:
            found = conjugate_counterexample(lv, rv, "=" if rel == "def" else rel, self.ctx)
        except Exception:  # a concrete instance that sympy or the quadrature cannot handle refutes nothing
            found = None
        if found is None:
            return j
        cx, desc, every = found
        return Judgement("refuted", "a concrete instance of the undefined functions "
                         "(a row of gantheory.divergences for a convex f); certified quadrature",
                         f"the step must hold for every {every}; with {desc}: " + cx.describe(), cx)

    def functional_bound(self, lv: sp.Expr, rv: sp.Expr, rel: str, rules: set, j: Judgement) -> Judgement:
        """Two rules for an inequality between functionals. (1) ``A ≥ B(T)`` for every function T (T free,
        undefined) holds when ``A ≥ sup_T B(T)`` does (interchange: the pointwise sup, e.g. Fenchel–Young);
        ``A(T) ≥ B`` when ``inf_T A(T) ≥ B``. (2) A sup over a class is at most the sup over all functions:
        ``A ≥ sup_{T∈𝒯} …`` holds when it holds with the class dropped (and ``inf_{T∈𝒯} … ≥ B`` likewise)."""
        from gantheory.derivation_check.functional import free_functions, relax_classes, sup_over_free

        big, small = (lv, rv) if rel in (">=", ">") else (rv, lv)
        tried = []
        relaxed = relax_classes(big, small, Translator(self.ctx))
        if relaxed is not None:
            tried.append((relaxed[0], relaxed[1], "a sup over a class of functions is at most the sup over all "
                                                   "functions (an inf over a class at least the inf over all)"))
        free_small, free_big = free_functions(small, self.ctx), free_functions(big, self.ctx)
        if (free_small and not free_big) or (free_big and not free_small):
            tr = Translator(self.ctx)
            try:
                b2, s2 = big, small
                for name in free_small:
                    s2 = sup_over_free(s2, name, "max", tr)
                for name in free_big:
                    b2 = sup_over_free(b2, name, "min", tr)
            except Unsupported:
                pass
            else:
                names = ", ".join(free_small or free_big)
                tried.append((b2, s2, f"holds for every {names}: it holds for the {'sup' if free_small else 'inf'} "
                                      f"over {names} ({'; '.join(sorted(tr.rules))})"))
        for b2, s2, why in tried:
            j2 = judge_inequality(b2, s2, ">=" if rel in (">=", "<=") else ">", rules, self.ctx.domains)
            if j2.verdict == "verified":
                return Judgement("verified", f"{why}; {j2.rule}", j2.reason)
        return j

    def other_game(self) -> bool:
        """The document defines an objective or optimum of its own (V_LS, L, J, D^*): the standard GAN
        definitions may not be what it means by an undefined V or C."""
        return any(n.split("_")[0].split("^")[0] in ("V", "L", "J", "ell") or n == "D^*" for n in self.ctx.defs)

    def limit(self, lt, rt, lv, rv, rules) -> Judgement:
        from gantheory.derivation_check.optimise import law_of_large_numbers

        tr = Translator(self.ctx)
        out, found = lv, False
        for m_name in ("m", "n", "N", "M", "k"):
            rewritten = law_of_large_numbers(out, S.variable(m_name), tr)
            if rewritten is not None:
                out, found = rewritten, True
        if found:
            return judge_equal(out, rv, rules | tr.rules, self.ctx.domains)
        limit = getattr(self.ctx, "limit", None)
        if limit is not None and limit[0] in lv.free_symbols and not lv.has(sp.Integral):
            try:
                value = sp.limit(lv, limit[0], limit[1])
            except (NotImplementedError, ValueError, TypeError):
                value = None
            if value is not None and sp.simplify(value - rv) == 0:
                return Judgement("verified", f"limit as {limit[0]} → {limit[1]} (sympy)", "")
        if rv == 0 or rv.is_number:
            return Judgement("unchecked", "a rule for this limit", "")
        return Judgement("unchecked", "a rule for this limit (only sample means → expectations are known)", "")

    def definition(self, lt: Tree, rt: Tree, rel: str, first: bool, definable: bool = True) -> Judgement | None:
        if not first or rel not in ("=", "def"):
            return None
        written = _kids(lt)[0] if isinstance(lt, Tree) and lt.data == "start" else lt
        head = _strip_optimisation(written)
        game = head is not written and _head(head)[0] in ("V", "C")
        scale = sp.Integer(1)
        if isinstance(head, Tree) and head.data == "mul" and len(_kids(head)) == 2 and \
                isinstance(_kids(head)[0], Tree) and _kids(head)[0].data == "number":
            # 2 C(G) = …: defines C (when the standard meaning does not apply)
            scale = Translator(self.ctx).run(_kids(head)[0])
            head = _kids(head)[1]
            if _head(head)[0] in ("V", "C") and not self.other_game():
                return None
        name, params = _head(head)
        if name is None:
            return None
        kind = S.kind_of(name)
        starred = "*" in name
        if self.ctx.has(name):
            if game:
                return self.restated_game(head, rt)
            return None  # a restatement: checked against the earlier definition
        if kind in ("discriminator", "generator") and not starred:
            if _has_node(rt, "argop"):
                return Judgement("verified", "definition: names the maximiser", f"{name} is defined as the arg max")
            if params and not any(t.type == "IDENT" and t.value == name for t in tokens_of(rt)):
                return Judgement("verified", "definition", f"gives the form of {name}({', '.join(params)})")
            rname = _bare_name(rt)
            if not params and rname is not None:
                return Judgement("unchecked", "a condition (a substitution, not an identity)",
                                 f"sets {name} to {rname}")
            return None
        if name in ("p_data", "p_g", "p_z") or (S.canonical_density(name) and params):
            rname = _bare_name(rt)
            if rname is not None and (S.canonical_density(rname) or rname in S.DISTRIBUTION_ALIASES):
                return Judgement("unchecked", "a condition on the densities (not an identity)",
                                 f"states {name} = {rname}")
            return None
        if name in ("x", "z", "e") or (kind == "variable" and not params):
            return None
        if params is None or not definable:
            return None  # under a hypothesis: a claim about the special case, checked as such
        bad = [p for p in params if S.kind_of(p) == "variable" and p in _binder_names(rt)]
        if bad:
            return Judgement("ill_formed", "scope and typing",
                             f"{bad[0]} is free on the left ({name}({', '.join(params)})) and bound on the right")
        tr = Translator(self.ctx)
        if not params and len(name) == 1 and name.isupper():
            tr.distribution_var = X  # M = (P + Q)/2: a distribution, its letters stand for densities
        try:
            body = tr.run(rt)
        except Unsupported as err:
            return Judgement("verified", "definition", f"introduces {name} (its right side needs {err.construct}; "
                             "later steps that use it stay unchecked)")
        if tr.scope:
            return Judgement("ill_formed", "scope and typing", tr.scope[0])
        partner = self.ctx.conjugates.get(name)
        if partner is not None and any(a.func.__name__ == partner for a in body.atoms(sp.core.function.AppliedUndef)):
            return None  # f(u) = sup_t {t u − f^*(t)} once f^* is f's conjugate: a claim (Fenchel–Moreau), not a definition
        named = _named_conjugate(name, params, body, self.ctx, getattr(self, "chain_text", ""))
        if named is not None:
            if named.verdict == "refuted":
                return named
            self.ctx.define(name, tuple(params), body / scale, getattr(self, "line", 0))
            return named
        if any(isinstance(a, sp.core.function.AppliedUndef) and a.func.__name__ == name for a in
               body.atoms(sp.core.function.AppliedUndef)):
            return None  # f(u) = sup_t {t u − f^*(t)}: the right side is f again, an identity to check
        if definable == "formula" and params and not any(
                str(sym) in params for sym in body.free_symbols) and not body.atoms(AppliedUndef):
            return None  # a value (1/2, -log 4) for a function of its parameters under a hypothesis: a special case
        if self.hyp is not None and any(sub[0] == "map" and any(
                getattr(f.func, "__name__", "") == sub[1] for f in body.atoms(AppliedUndef)) for sub in self.hyp.subs):
            return None  # under D = D^*, a body in D states the special case: a claim
        # a name with a standard definition (V, C) is checked against it
        std_tr = Translator(self.ctx)
        try:
            std = self.ctx.standard(name, [S.variable(p) if S.kind_of(p) not in ("discriminator", "generator")
                                           else sp.Symbol(p, real=True) for p in params], std_tr)
        except Unsupported:
            std = None
        line = getattr(self, "line", 0)
        if std is not None and definable == "formula":
            return None  # C(G), V, D*_G under a hypothesis: a claim about the standard object in that case
        if std is not None and not self.other_game():
            # the step reads NAME = BODY: the left side is the name under its standard meaning, the right the body
            j = judge_equal(std * scale, body, tr.rules | std_tr.rules, self.ctx.domains)
            if j.verdict == "refuted":
                return Judgement("refuted", f"contradicts the standard definition of {name}", j.reason, j.counterexample)
        self.ctx.define(name, tuple(params), body / scale, line)
        return Judgement("verified", "definition", f"introduces {name}" + (f"({', '.join(params)})" if params else ""))


    def restated_game(self, head, rt: Tree) -> Judgement:
        """``\\min_G \\max_D V(D, G) = …`` again, once V is defined: the game stated anew, whose right side
        is V's — checked against V's earlier definition, never read as the value of the min-max."""
        tr = Translator(self.ctx)
        try:
            lv, rv = tr.run(head), tr.run(rt)
        except Unsupported as err:
            return Judgement("unchecked", f"a rule for {err.construct}", "the game is stated again")
        j = judge_equal(lv, rv, set(tr.rules), self.ctx.domains, self.other_game())
        rule = "the game stated again (the min-max prefix states it; its right side is V's definition)"
        if j.verdict == "verified":
            return Judgement("verified", f"{rule}; {j.rule}", j.reason)
        if j.verdict == "refuted":
            return Judgement("refuted", f"contradicts the earlier definition of V; {j.rule}", j.reason, j.counterexample)
        return j


_STATED_DOMAIN = r"(?<![A-Za-z\\]){t}\s*(<|>|\\le(?:q)?\b|\\ge(?:q)?\b|\\lt\b|\\gt\b)\s*(-?\d+(?:\.\d+)?)"


def _named_conjugate(name: str, params: list[str], body: sp.Expr, ctx: Context, text: str) -> Judgement | None:
    """``f^*(t) = …`` after the document wrote f out: compared with the conjugate of the row of
    gantheory.divergences whose f it is (its formula and the interval where it is finite); None when f is
    not written out or is no row's f."""
    from gantheory.derivation_check.functional import row_of
    from gantheory.derivation_check.model import Counterexample
    from gantheory.derivation_check.rules import _numeric_zero

    base = name[:-2] if name.endswith("^*") else None
    if base is None or len(params) != 1 or not ctx.has(base) or len(ctx.defs[base].params) != 1:
        return None
    row = row_of(ctx.defs[base].body, S.variable(ctx.defs[base].params[0]))
    if row is None or not row.conjugate_sympy:
        return None
    t = S.variable(params[0])
    truth = sp.sympify(row.conjugate_sympy, locals={"t": t})
    domain = sp.sympify(row.conjugate_domain)
    rule = f"the Fenchel conjugate of {base} (the '{row.name}' row of gantheory.divergences: {base}^*(t) = " \
           f"{row.conjugate_sympy} on {row.conjugate_domain})"
    ok, point, _ = _numeric_zero(sp.expand(body - truth), {t: domain})
    if ok is False:
        t0 = point[t]
        lv, rv = complex(sp.N(body.subs(t, t0))), complex(sp.N(truth.subs(t, t0)))
        if abs(lv.imag) < 1e-12 and abs(rv.imag) < 1e-12:
            cx = Counterexample("numbers", lv.real, rv.real, values={params[0]: float(t0)},
                                method=f"the stated formula and {row.conjugate_sympy} at the value")
            return Judgement("refuted", rule, f"{name} is not the conjugate of {base}: " + cx.describe(), cx)
    if ok is not True:
        return None
    m = re.search(_STATED_DOMAIN.format(t=re.escape(params[0])), text)
    if m:
        bound = sp.Rational(m.group(2))
        stated = sp.Interval.open(-sp.oo, bound) if m.group(1) in ("<", "\\le", "\\leq", "\\lt") else \
            sp.Interval.open(bound, sp.oo)
        for missing, finite in ((domain - stated, True), (stated - domain, False)):
            if missing.is_empty or missing.measure == 0:
                continue
            lo, hi = missing.inf, missing.sup
            t0 = (lo + hi) / 2 if lo.is_finite and hi.is_finite else (hi - 1 if lo == -sp.oo else lo + 1)
            t0 = sp.nsimplify(sp.Float(sp.N(t0), 6), rational=True)
            if finite:
                value = float(sp.N(truth.subs(t, t0)))
                cx = Counterexample("numbers", float("inf"), value, values={params[0]: float(t0)},
                                    method=f"sup_u {{u t − {base}(u)}} = {row.conjugate_sympy} is finite there, "
                                           f"outside the stated domain ({m.group(0)})")
            else:
                v = complex(sp.N(body.subs(t, t0)))
                real = abs(v.imag) < 1e-12
                cx = Counterexample("numbers", v.real if real else None, float("inf"), values={params[0]: float(t0)},
                                    method=f"the conjugate is +∞ there (outside {row.conjugate_domain}), inside "
                                           f"the stated domain ({m.group(0)})"
                                           + ("" if real else "; the stated formula is not a real number there"))
            return Judgement("refuted", rule, f"the domain of {name} is wrong: " + cx.describe(), cx)
    return Judgement("verified", rule, f"introduces {name}({params[0]}), the conjugate of {base}")
def _density_name(name: str) -> str | None:
    """The canonical density a name stands for (``p_G``, ``P_G``, ``P_{Data}`` → p_g, p_g, p_data), or None."""
    base, _, sub = name.partition("_")
    for cand in (name, f"{base}_{sub.lower()}" if sub else name):
        found = S.canonical_density(cand) or S.DISTRIBUTION_ALIASES.get(cand)
        if found:
            return found
    return None


def _bare_name(tree) -> str | None:
    node = _kids(tree)[0] if isinstance(tree, Tree) and tree.data == "start" else tree
    if isinstance(node, Tree) and node.data == "name":
        return _name_of(node)
    return None


def _strip_optimisation(node):
    """\\min_G \\max_D V(D, G) → V(D, G) (Goodfellow's Eq. 1 states the game and defines V); a single
    \\max_D V is a claim about V, not its definition."""
    inner = node
    ops = 0
    while isinstance(inner, Tree) and inner.data == "bigop":
        inner = _kids(inner)[-1]
        ops += 1
    if ops >= 2:
        return inner
    name, _ = _head(inner)
    # \min_D V_LS(D) = …: a name without a standard definition is being defined
    return inner if ops == 1 and name is not None and name not in ("V", "C") else node


def _head(node) -> tuple[str | None, list[str] | None]:
    if isinstance(node, Tree) and node.data == "name":
        return _name_of(node), []
    if isinstance(node, Tree) and node.data == "call":
        head, args = _kids(node)[0], _kids(node)[-1]
        if not (isinstance(head, Tree) and head.data == "name"):
            return None, None
        params = []
        for a in _kids(args):
            if not (isinstance(a, Tree) and a.data == "name"):
                return None, None
            params.append(_name_of(a))
        if any(t.type in ("DBAR", "BAR") for t in _toks(args)):
            return None, None
        if any(t.type == "SEMI" for t in _toks(args)):
            params = params[:1]
        return _name_of(head), params
    return None, None


def _has_node(tree, data: str) -> bool:
    return isinstance(tree, Tree) and any(s.data == data for s in tree.iter_subtrees())


def _binder_names(tree) -> set[str]:
    out: set[str] = set()
    if not isinstance(tree, Tree):
        return out
    for sub in tree.iter_subtrees():
        if sub.data == "call" and any(t.type == "DBAR" for t in _toks(_kids(sub)[-1])):
            # D_f(p(x) ‖ q(x)), KL(p(x) || q(x)): the x inside a divergence's arguments is a dummy
            out |= {t.value for t in tokens_of(_kids(sub)[-1]) if t.type == "IDENT" and S.kind_of(t.value) == "variable"}
        if sub.data in ("bigop", "argop", "sum_op"):
            for k in _kids(sub):
                if k.data == "opscripts":
                    for s in _kids(k):
                        if s.data == "lower":
                            toks = [t for t in tokens_of(s) if t.type == "IDENT"]
                            if toks:
                                out.add(toks[0].value)
        elif sub.data == "integral":
            diff = [t for t in _toks(sub) if t.type == "DIFF"]
            if diff and diff[0].value:
                out.add(diff[0].value)
            else:
                out |= _script_variables(sub)
        elif sub.data == "expect":
            found = False
            for k in sub.iter_subtrees():
                if k.data == "sub_sim":
                    toks = [t for t in tokens_of(_kids(k)[0]) if t.type == "IDENT"]
                    if toks:
                        out.add(toks[0].value)
                        found = True
                    break
            if not found:
                out |= _script_variables(sub) or {"x"}
    return out


def _script_variables(node: Tree) -> set[str]:
    for k in _kids(node):
        if k.data == "opscripts":
            for s in _kids(k):
                if s.data == "lower":
                    toks = [t for t in tokens_of(s) if t.type == "IDENT"]
                    if len(toks) == 1 and S.kind_of(toks[0].value) == "variable":
                        return {toks[0].value}
    return set()


def _free_variables(tree) -> set[str]:
    """Variable-kind names that occur outside every binder of their own name (a syntactic over-approximation)."""
    toks = tokens_of(tree)
    names = set()
    for k, t in enumerate(toks):
        if t.type != "IDENT" or S.kind_of(t.value) != "variable":
            continue
        nxt = [u.type for u in toks[k + 1:k + 4]]
        if nxt[:3] == ["CARET", "LBRACE", "LPAR"] or nxt[:2] == ["CARET", "LPAR"]:
            continue  # x^{(i)}: a sample, not the variable x
        if k and toks[k - 1].type in ("USCORE", "CARET"):
            continue  # p_x, D_z: part of a name
        names.add(t.value)
    return names - _binder_names(tree)


def _two_sides(lt, rt) -> list[str]:
    """A variable free on one side and bound on the other (L(w) = \\min_w …)."""
    out = []
    lb, rb = _binder_names(lt), _binder_names(rt)
    lf, rf = _free_variables(lt), _free_variables(rt)
    for v in sorted(lf & (rb - rf)):
        if v in _all_names(rt):
            out.append(f"{v} is free on the left and bound on the right")
    for v in sorted(rf & (lb - lf)):
        if v in _all_names(lt):
            out.append(f"{v} is bound on the left and free on the right")
    return out


def _top_bound(tree) -> list[str]:
    """The names bound by the optimisations a side starts with (``\\max_G V(G, D)`` → ["G"])."""
    node = _kids(tree)[0] if isinstance(tree, Tree) and tree.data == "start" else tree
    out = []
    while isinstance(node, Tree) and node.data == "bigop":
        for k in _kids(node):
            if isinstance(k, Tree) and k.data == "opscripts":
                for sub in _kids(k):
                    if isinstance(sub, Tree) and sub.data == "lower":
                        toks = [t for t in tokens_of(sub) if t.type == "IDENT"]
                        if toks:
                            out.append(toks[0].value)
        node = _kids(node)[-1]
    return out


def _bound_maps(lt, rt, lv, rv) -> list[str]:
    """A generator or discriminator bound by an optimisation on one side and free on the other:
    ``\\max_G V(G, D) = 2 JSD(p_data ‖ p_g) − log 4`` (a typo for \\max_D) has G bound on the left while the
    right side depends on G through p_g."""
    out = []
    for tree, other_tree, other, here, there in ((lt, rt, rv, "left", "right"), (rt, lt, lv, "right", "left")):
        if not isinstance(other, sp.Basic) or isinstance(tree, ParseError) or isinstance(other_tree, ParseError):
            continue
        bound = _top_bound(tree)
        if len(bound) >= 2:
            continue  # \min_G \max_D V(D, G) = E…: the game stated (Goodfellow's Eq. 1), never a scope error
        for name in bound:
            kind = S.kind_of(name)
            if kind not in ("generator", "discriminator") or "*" in name or name in _binder_names(other_tree):
                continue
            uses = sorted({str(f.func) for f in other.atoms(AppliedUndef)
                           if str(f.func) == name or (kind == "generator" and S.canonical_density(str(f.func)) == "p_g")}
                          | {str(x) for x in other.free_symbols if str(x) == name})
            if uses:
                out.append(f"{name} is bound on the {here} (an optimisation over {name}) and free on the {there} "
                           f"(through {', '.join(uses)})")
    return out


def _all_names(tree) -> set[str]:
    return {t.value for t in tokens_of(tree) if t.type == "IDENT"}


def _is_zero_literal(tree) -> bool:
    toks = [t for t in tokens_of(tree) if t.type not in ("LBRACE", "RBRACE")]
    return len(toks) == 1 and toks[0].type == "NUM" and float(toks[0].value) == 0.0


def _has_unknown(expr) -> bool:
    """The expression has a free bare symbol standing for an unknown (D, y, t, …) rather than a function."""
    if not isinstance(expr, sp.Expr):
        return False
    return any(S.kind_of(s.name) in ("variable", "discriminator") for s in expr.free_symbols)


def _argmax_counterexample(bad, other: sp.Expr, side: str) -> Judgement | None:
    """At the witness values, the other side is a number and the bad side's objective peaks at the boundary."""
    import numpy as np

    from gantheory.derivation_check.model import Counterexample

    try:
        claimed = complex(sp.N(other.subs(bad.witness)))
    except (TypeError, ValueError):
        return None
    if abs(claimed.imag) > 1e-12:
        return None
    f = sp.lambdify(bad.y, bad.objective.subs(bad.witness), "numpy")
    grid = np.linspace(1e-4, 1 - 1e-4, 9999)
    with np.errstate(all="ignore"):
        values = np.asarray(f(grid), dtype=float) * np.ones_like(grid)
    if not np.all(np.isfinite(values)):
        return None
    best = float(grid[np.argmax(values)] if bad.op == "max" else grid[np.argmin(values)])
    if abs(best - claimed.real) < 0.05:
        return None
    edge = "1" if best > 0.5 else "0"
    point = {str(k): float(v) for k, v in bad.witness.items()}
    lhs, rhs = (claimed.real, best) if side == "right" else (best, claimed.real)
    cx = Counterexample("numbers", lhs, rhs, values=point,
                        method=f"the {side} side's objective evaluated on a grid of (0, 1): it has no interior "
                               f"{bad.op}imum there and keeps "
                               f"{'increasing' if bad.op == 'max' else 'decreasing'} towards y = {edge}")
    return Judgement("refuted", "numbers", f"the {side} side's arg {bad.op} is not an interior point: "
                     + cx.describe() + f" (its objective is best near y = {edge})", cx)


@dataclass(frozen=True)
class _Hypothesis:
    """The hypotheses in force at a block (from :mod:`.prose`) as the checker can use them: ``subs``
    (kind, from, to, as written) it applies to both sides, ``unapplied`` the conditions it cannot use."""

    role: str
    markers: tuple[str, ...]
    subs: tuple[tuple[str, str, str, str], ...]
    unapplied: tuple[str, ...]
    line: int

    def judge(self, j: Judgement, changed: bool) -> Judgement:
        """A verdict reached with the hypotheses applied, restated; a refutation the hypotheses may void, withheld."""
        said = " and ".join(repr(m) for m in self.markers) or "the prose"
        if self.role in ("condition", "goal"):
            if j.verdict == "verified" or j.verdict in ("unparsed", "ill_formed"):
                return j
            what = "the hypothesis of " + said if self.role == "condition" else "what the text sets out to show"
            return Judgement("unchecked", f"nothing: this is {what} (line {self.line}), assumed here, not claimed",
                             (j.rule + ": " if j.rule else "") + (j.reason or j.verdict))
        under = "; ".join(w for *_, w in self.subs)
        if j.verdict == "verified" and changed:
            return Judgement("verified", f"{j.rule}; under the hypothesis {under}" if j.rule else
                             f"under the hypothesis {under}", j.reason)
        if j.verdict == "refuted" and self.unapplied:
            return Judgement("unchecked", f"a rule that uses the hypothesis ({said}: {self.unapplied[0]})",
                             "the step is stated under that hypothesis and is false without it: " + j.reason)
        if j.verdict == "refuted" and changed:
            cx = j.counterexample
            if cx is not None and cx.kind == "densities":
                for _kind, a, _b, _w in self.subs:
                    if _kind == "density" and a in ("p_g", "q"):
                        cx = replace(cx, p_g=cx.p_data)  # the pair obeys the hypothesis: p_g is p_data
            return Judgement("refuted", f"{j.rule}; under the hypothesis {under}",
                             (cx.describe() if cx is not None and cx is not j.counterexample else j.reason)
                             + f" (with the hypothesis {under} applied)", cx)
        return j
