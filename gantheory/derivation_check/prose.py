"""The prose around a formula: the hypothesis a formula is stated under.

Writers state special cases in running text: "If $p_g = p_{data}$, then $C(G) = -\\log 4$", "When both are
optimal, we have $$p_g = p_r$$ and $$D^*(x) = 1/2$$ …", "For $p_g = p_{data}$, $D^*_G(x) = \\frac12$",
"at $D^*_G(x) = \\frac12$ we find …", "we must start from $C(G) = -\\log 4$". A formula after such a marker,
in the same sentence, holds under the hypothesis, not in general; the formula right after the marker is
the hypothesis itself. This module reads only the prose: it finds each block's sentence, the markers in it,
and which blocks are conditions and which are consequences. What a condition means (a substitution the
checker can apply, a fact it can verify, or an assumption it cannot use) is decided by the checker.

Markers (case-insensitive, whole words): *strong* — ``if``, ``when``, ``whenever``, ``once``, ``suppose``,
``assume``, ``provided``, ``given that``, ``start(ing) from``, ``at the optimum`` / ``at (their) optimal
values`` / ``at equilibrium`` (at the start of a clause: "the value at the optimum is" names a point), and in Chinese 如果, 假设, 假定 (若, 当, 从 right before a formula) — a
hypothesis even when prose, not a formula, states it; *weak* — ``for``, ``at``, ``given``, ``under`` —
a hypothesis only when a formula with a relation follows at once ("for $m = n$", not "for every $x$");
*goal* — ``show``, ``prove`` right before a formula: what the text sets out to prove.

A sentence ends at ``.``/``!``/``?`` followed by a space (not after "e.g.", "Eq." …), at ``;`` and
"otherwise" (the hypothesis stops there), at a heading, a list item, a LaTeX sectioning or theorem/proof
boundary, an HTML paragraph, and at a blank line followed by a capital letter. A display block that is
not closed by a full stop belongs to the sentence around it ("… and the loss function becomes: $$…$$").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Scope", "scopes"]

_STRONG = re.compile(
    r"\b(?:if|when|whenever|once|suppose|supposing|assume|assuming|provided|given\s+that|start(?:ing)?\s+from"
    r"|at\s+(?:the|its|their|an?)\s+(?:optimum|optimal\s+values?|optimal\s+points?|equilibrium|optimality|"
    r"nash\s+equilibrium|saddle\s+point)|at\s+optimality|at\s+equilibrium"
    r"|under\s+the\s+(?:assumption|hypothesis|condition))\b"
    r"|如果|假设|假定", re.I)
_STRONG_BEFORE_MATH = re.compile(r"(?:若|当|从)\s*$")
#: "at the optimum" opens a hypothesis only at the start of a clause ("At the optimum, …", ", and at the optimum")
_CLAUSE_START = re.compile(r"(?:^|[,;:(]|\b(?:and|then|so|that|we|hence|thus)\b)\s*$", re.I)
_WEAK = re.compile(r"\b(?:for|at|given|under)\b", re.I)
_GOAL = re.compile(r"\b(?:show|prove)(?:\s+that)?\b", re.I)
_MAX_BLOCKS = 40  # a "sentence" with more formulas than this is a run of displays without prose: stop there
_CONNECTOR = re.compile(r"^(?:\s|\band\b|\bor\b|\bboth\b|\beither\b|\bthat\b|和|且|与|及)*$", re.I)
_RELATION = re.compile(r"=|<|>|\\le|\\ge|\\ne|\\to\b|\\neq|\\approx|\\in\b|≤|≥|→|\\rightarrow|\\coloneqq|\\triangleq")
_ABBREV = frozenset({"e.g", "i.e", "eq", "eqs", "prop", "fig", "cf", "al", "resp", "vs", "thm", "sec", "def",
                     "lem", "cor", "approx", "w.r.t", "a.e", "i.i.d", "no", "ref", "etc", "viz"})
_DELIMITERS = re.compile(r"\$\$?|\\\[|\\\]|\\\(|\\\)|\\(?:begin|end)\{(?:equation|align|aligned|alignat|eqnarray|gather|"
                         r"gathered|multline|split|flalign|displaymath|math|array)\*?\}")
_HARD_BREAK = re.compile(r"^[ \t]*(?:#{1,6}\s|[-*+]\s|\d+\.\s|!!!)|\\(?:section|subsection|subsubsection|paragraph|"
                         r"item)\b|\\(?:begin|end)\{(?:proof|theorem|proposition|lemma|corollary|definition|remark|"
                         r"itemize|enumerate)\*?\}|</?(?:p|li|ul|ol|h[1-6]|div|br)\b[^>]*>", re.I | re.M)


@dataclass(frozen=True)
class Scope:
    """How the prose places one math block.

    ``role``: ``"claim"`` (stated as true; under the hypotheses when ``markers`` is not empty),
    ``"condition"`` (the block is itself the hypothesis of the marker before it) or ``"goal"`` (what the
    text sets out to show). ``markers``: the hypotheses in force, as written ("if", "at the optimum").
    ``conditions``: indices of the blocks stated as conditions before this one; ``earlier``: every block of
    the sentence after the first marker and before this one; ``prose_only``: a strong marker states its
    hypothesis in words, with no formula right after it.
    """

    role: str = "claim"
    markers: tuple[str, ...] = ()
    conditions: tuple[int, ...] = ()
    earlier: tuple[int, ...] = ()
    prose_only: bool = False

    @property
    def hypothetical(self) -> bool:
        return bool(self.markers)


def _clean(prose: str) -> str:
    """Math delimiters blanked (offsets kept)."""
    return _DELIMITERS.sub(lambda m: " " * len(m.group(0)), prose)


def _last_break(prose: str) -> int | None:
    """The offset in ``prose`` after its last sentence boundary, or None."""
    best = None
    for m in re.finditer(r"[.!?。！？；;](?=\s|$)|[。！？；]", prose):
        if m.group(0) == ".":
            word = re.search(r"([A-Za-z.]+)$", prose[:m.start()])
            if word and word.group(1).lower().strip(".") in _ABBREV:
                continue
        best = m.end()
    for m in re.finditer(r"\botherwise\b|\bin general\b", prose, re.I):
        best = max(best or 0, m.start())
    for m in _HARD_BREAK.finditer(prose):
        best = max(best or 0, m.end())
    for m in re.finditer(r"\n[ \t]*\n\s*(?=[A-Z#<\\*])", prose):
        best = max(best or 0, m.end())
    return best


def _ends_sentence(math: str) -> bool:
    return bool(re.search(r"\.\s*(?:\\[,;:! ]|\\q?quad|\s)*$", math))


def scopes(text: str, blocks: list[tuple[int, int, bool]]) -> list[Scope]:
    """One :class:`Scope` per block of ``blocks`` ((start, end, display) of each math content, in order)."""
    out: list[Scope] = []
    # the sentence of each block: walk back through prose and blocks to the last boundary
    for k, (start, _end, _display) in enumerate(blocks):
        items: list[tuple[str, int | str]] = []  # ("prose", text) / ("math", index), in order
        j = k
        while True:
            prev_end = blocks[j - 1][1] if j > 0 else 0
            prose = _clean(text[prev_end:start if j == k else blocks[j][0]])
            cut = _last_break(prose)
            if cut is not None:
                items.insert(0, ("prose", prose[cut:]))
                break
            items.insert(0, ("prose", prose))
            if j == 0 or k - j >= _MAX_BLOCKS or _ends_sentence(text[blocks[j - 1][0]:blocks[j - 1][1]]):
                break
            items.insert(0, ("math", j - 1))
            j -= 1
        out.append(_place(items, text, blocks))
    return out


def _place(items: list[tuple[str, int | str]], text: str, blocks: list) -> Scope:
    """Markers, conditions and the role of the block that follows ``items``."""
    markers: list[str] = []
    conditions: list[int] = []
    earlier: list[int] = []
    prose_only = False
    # state of the latest marker: its kind, and whether we are still right after it (condition position)
    pending: tuple[str, str] | None = None  # (kind, marker text) while in condition position
    cond_run: list[int] = []
    for kind, value in items:
        if kind == "prose":
            prose = str(value)
            found = _markers(prose)
            if found:
                # prose before the first marker of this piece ends a condition run
                pending = None
                kind_m, word, tail = found[-1]
                for k2, w2, _ in found[:-1]:
                    if k2 == "strong":
                        markers.append(w2)
                        prose_only = True
                pending = (kind_m, word)
                cond_run = []
                if not _CONNECTOR.match(tail):
                    if kind_m == "strong":
                        markers.append(word)
                        prose_only = True
                    pending = None
            elif pending is not None and not _CONNECTOR.match(prose):
                pending = None
            continue
        idx = int(value)
        if markers or pending is not None:
            earlier.append(idx)
        if pending is not None:
            kind_m, word = pending
            if not _RELATION.search(text[blocks[idx][0]:blocks[idx][1]]):
                # "for every $t$", "when both $G$ and $D$ are optimal": a name in the prose, not a condition;
                # a strong marker's hypothesis goes on in words
                if kind_m == "strong" and not cond_run:
                    markers.append(word)
                    prose_only = True
                elif not cond_run:
                    earlier.pop()
                pending = None
                continue
            if kind_m != "goal" and word not in markers:
                markers.append(word)
            cond_run.append(idx)
            if kind_m != "goal":
                conditions.append(idx)
    if pending is not None:
        kind_m, word = pending
        if kind_m == "goal":
            return Scope("goal", tuple(markers), tuple(conditions), tuple(earlier), prose_only)
        return Scope("condition", tuple(dict.fromkeys([*markers, word])), tuple(conditions), tuple(earlier),
                     prose_only)
    return Scope("claim", tuple(markers), tuple(conditions), tuple(earlier), prose_only)


def _markers(prose: str) -> list[tuple[str, str, str]]:
    """(kind, marker as written, prose after it) for each marker of ``prose``, in order."""
    found: list[tuple[int, int, str]] = []
    for m in _STRONG.finditer(prose):
        if m.group(0).lower().startswith("at") and not _CLAUSE_START.search(prose[:m.start()]):
            continue  # "the value at the optimum is $$V(G, D^*_G) = …$$": where, not a hypothesis
        found.append((m.start(), m.end(), "strong"))
    m = _STRONG_BEFORE_MATH.search(prose)
    if m:
        found.append((m.start(), m.end(), "strong"))
    for m in _WEAK.finditer(prose):
        if not any(a <= m.start() < b for a, b, _ in found):
            found.append((m.start(), m.end(), "weak"))
    for m in _GOAL.finditer(prose):
        found.append((m.start(), m.end(), "goal"))
    found.sort()
    return [(kind, " ".join(prose[a:b].split()), prose[b:]) for a, b, kind in found]
