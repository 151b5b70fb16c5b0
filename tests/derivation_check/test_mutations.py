"""The mutation generator: how many faulty variants, of which kinds, and whether each records its step.

The corpus figures (false alarms, localisation) are in ``test_corpus.py``; this file checks the faulty
set itself, without the checker: that it is large enough, deterministic, covers every kind the issue
lists, edits one place inside math, and that the step it records is the step its edit breaks.
"""

from __future__ import annotations

import collections
import difflib
from pathlib import Path

import pytest
import sympy as sp

from gantheory.derivation_check.mutations import (
    KINDS,
    corpus_mutations,
    load_corpus,
    localised,
    mutate,
    steps_of,
)
from gantheory.errors import GanTheoryError

CORPUS = Path(__file__).resolve().parents[1] / "derivations" / "correct"


@pytest.fixture(scope="module")
def faulty():
    return corpus_mutations(CORPUS)


def test_corpus_has_twelve_documents_in_four_styles():
    docs = load_corpus(CORPUS)
    assert len(docs) >= 12
    styles = collections.Counter(d.style for d in docs)
    assert {"align", "dollar-lines", "prose-inline", "jekyll"} <= set(styles), styles
    covered = {c for d in docs for c in d.covers}
    needed = {"prop1", "thm1-kl", "thm1-direct", "lotus", "mle-equal", "mle-unequal", "label-smoothing", "lsgan",
              "fgan-bound", "nonsaturating-gradient", "prop2-envelope"}
    assert needed <= covered, needed - covered


def test_at_least_300_variants_of_every_kind(faulty):
    assert len(faulty) >= 300
    kinds = collections.Counter(m.kind for m in faulty)
    assert set(kinds) == set(KINDS), set(KINDS) - set(kinds)
    names = [m.name for m in faulty]
    assert len(names) == len(set(names))
    assert len({m.text for m in faulty}) == len(faulty)


def test_generator_is_deterministic(faulty):
    assert corpus_mutations(CORPUS) == faulty


def test_each_variant_edits_one_line_at_its_recorded_place(faulty):
    sources = {d.name: d.text for d in load_corpus(CORPUS)}
    for m in faulty:
        before, after = sources[m.source].splitlines(), m.text.splitlines()
        assert len(before) == len(after), m.name
        changed = [i + 1 for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        assert changed == [m.line], (m.name, changed)
        opcodes = [op for op in difflib.SequenceMatcher(None, before[m.line - 1], after[m.line - 1]).get_opcodes()
                   if op[0] != "equal"]
        assert opcodes and opcodes[0][1] >= m.column - 1 - 2, m.name


def test_recorded_step_is_the_edited_step(faulty):
    """Re-reading the faulty text finds the same steps, and the recorded one carries the edited rhs."""
    originals = {d.name: steps_of(d.text) for d in load_corpus(CORPUS)}
    for m in faulty:
        steps = steps_of(m.text)
        assert len(steps) == len(originals[m.source]), m.name
        site = steps[m.step]
        assert site.editable, m.name
        assert _squash(site.rhs_text) == _squash(m.rhs), m.name
        assert _squash(originals[m.source][m.step].rhs_text) != _squash(m.rhs), m.name


def _squash(latex: str) -> str:
    from gantheory.derivation_check.mutations import _norm, _strip
    return _norm(_strip(latex))


def test_definitions_inequalities_and_subscripts_are_never_edited():
    # Negative controls: a definition, an inequality and an implication offer no editable step.
    assert mutate(r"$$f(y) \triangleq a \log y + b \log(1 - y)$$") == ()
    assert mutate(r"$$D_{KL}(P\|Q) \ge 0 + 0$$") == ()
    assert mutate(r"$$V(G, D) = \int p_{data}(x) \log D(x)\, dx + 1$$") == ()  # a name's first use defines it
    # ... while the same right side restated is edited, and never inside the sum's subscript.
    text = "$$V(G, D) = \\int p_{data}(x) \\log D(x)\\, dx$$\n$$V(G, D) = \\frac{1}{m}\\sum_{i=1}^m \\log D(x^{(i)}) + 2 c$$"
    out = mutate(text)
    assert out and all(m.line == 2 and m.step == 1 for m in out)
    assert all("i=1" in m.rhs for m in out)


def test_markdown_escapes_are_kept_in_the_faulty_text():
    text = "$$\n\\begin{aligned}\nV(G) &= a\n\\end{aligned}\n$$\n\n$$V(G) = \\int p\\_{data}(x)\\, dx + 1$$\n"
    out = {m.kind: m for m in mutate(text)}
    assert "p\\_g(x)" in out["contradict_definition"].text
    assert "p_g" not in out["contradict_definition"].text.replace("p\\_g", "")


def test_a_derivative_mismatch_is_really_wrong():
    """The generator's derivative edit on Prop. 1's f: sympy says the edited right side is not f'."""
    doc = next(d for d in load_corpus(CORPUS) if d.name == "prop1_align.md")
    edits = [m for m in doc.mutations() if m.kind == "derivative_mismatch"]
    assert edits and edits[0].rhs.replace(" ", "") == r"\frac{a}{y^2}-\frac{b}{1-y}"
    a, b, y = sp.symbols("a b y", positive=True)
    f = a * sp.log(y) + b * sp.log(1 - y)
    assert sp.simplify(sp.diff(f, y) - (a / y - b / (1 - y))) == 0  # the original step holds
    assert sp.simplify(sp.diff(f, y) - (a / y**2 - b / (1 - y))) != 0  # the edited one does not


def test_localised_matches_by_content_not_number(faulty):
    m = next(x for x in faulty if x.kind == "sign_flip")
    step = {"index": 7, "line": m.line, "rhs": m.rhs, "verdict": "refuted"}
    other = {"index": 3, "line": m.line - 1, "rhs": "x + y", "verdict": "refuted"}
    assert localised(m, {"first_wrong": 7, "steps": [other, step]})
    assert not localised(m, {"first_wrong": 3, "steps": [other, step]})  # an earlier false alarm
    assert not localised(m, {"first_wrong": None, "steps": [other, step]})  # the mistake missed


def test_bad_arguments_name_the_parameter(tmp_path):
    with pytest.raises(GanTheoryError, match="kinds"):
        mutate("$$a = b$$", kinds=("typo",))
    with pytest.raises(GanTheoryError, match="directory"):
        load_corpus(tmp_path / "missing")
    with pytest.raises(GanTheoryError, match="per_source_kind"):
        corpus_mutations(CORPUS, per_source_kind=0)


def test_edits_that_leave_a_step_true_are_listed_and_left_out():
    """The sidecars name, with the reason, the few edits that keep the step true (checked by hand): the
    generator makes them, the faulty set does not count them."""
    docs = {d.name: d for d in load_corpus(CORPUS)}
    names = {m.name for m in corpus_mutations(CORPUS, per_source_kind=10_000)}
    for doc in docs.values():
        for key in doc.not_faulty:
            made = {m.name for m in mutate(doc.text, source=doc.name, skip_lines=doc.skip_lines)}
            assert f"{doc.name}:{key}" in made, key  # the entry still names a real edit
            assert f"{doc.name}:{key}" not in names
    assert "lsgan.tex:swap_densities:25:29" not in names  # (2 p_d − (p_d + p_g))² = (2 p_g − (p_d + p_g))²
