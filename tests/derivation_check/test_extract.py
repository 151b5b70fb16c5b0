"""Math out of documents as people write them, with the line and column of every character."""

from __future__ import annotations

from pathlib import Path

import pytest

from gantheory.derivation_check.extract import extract


def texts(doc: str) -> list[str]:
    return [" ".join(c.text.split()) for c in extract(doc)]


def test_display_inline_and_environments_with_positions():
    doc = "Intro $a = b$ here.\n\n$$c = d$$\n\\begin{align}\ne &= f \\label{x} \\\\\n  &= g\n\\end{align}\n"
    chains = extract(doc)
    assert texts(doc) == ["a = b", "c = d", r"e = f \label{x} = g"]
    assert chains[0].positions[0] == (1, 8) and not chains[0].display
    assert chains[1].positions[0] == (3, 3)
    g = chains[2].text.index("g")
    assert chains[2].position(g) == (6, 6)  # the line of the row, not of the block


def test_rows_starting_with_a_relation_continue_across_blocks_and_prose():
    doc = "$$A = B$$\n\nsome prose with $x$ inline\n\n$$= C$$\n\n$$-D = E$$\n"
    assert texts(doc) == ["A = B = C", "x", "-D = E"]  # a leading minus starts a new formula


def test_markdown_escapes_and_html():
    jekyll = r"$$p\_{data}(x) = \\frac{1}{2}$$"
    assert texts(jekyll) == [r"p_{data}(x) = \frac{1}{2}"]
    html = "<ul><li>$$a &lt; b$$</li></ul>"
    assert texts(html) == ["a < b"]
    assert texts("\\\\[ a = b \\\\]") == ["a = b"]  # Markdown-escaped \[ \]


def test_code_blocks_are_skipped_and_a_lone_dollar_is_not_math():
    doc = "```\n$$a = b$$\n```\nIt costs $5 and more.\n"
    assert texts(doc) == []


def test_a_row_break_glued_to_the_alignment_mark_continues_the_chain():
    """Regression: in ``a \\\\&= b`` the ``&`` after the row break was taken for an escaped ``\\&``, so the
    row ``&= b`` began a chain of its own and its left side was empty (unparsed)."""
    from gantheory.derivation_check.extract import extract

    text = "$$\\begin{aligned}\nu &= v + v \\\\&= 2v\n\\end{aligned}$$"
    chains = extract(text)
    assert len(chains) == 1
    assert "&" not in chains[0].text and chains[0].text.count("=") == 2


def test_an_escaped_ampersand_is_kept():
    # Negative control: \& (one backslash) is text, not an alignment mark.
    from gantheory.derivation_check.extract import _escaped_at

    assert _escaped_at("a \\& b", 3) and not _escaped_at("a \\\\& b", 4)


# --- review 4 (real write-ups): a row that ends with an operator continues on the next row -------------------

REAL = Path(__file__).resolve().parents[1] / "derivations" / "real"


@pytest.mark.parametrize("name", ["continuation.md", "continuation2.md"])
def test_a_row_ending_with_an_operator_is_continued_by_the_next_row(name):
    """Lilian Weng's `… dx + \\\\ & \\int …` (and the `&\\qquad` indent): one side over two rows, not two steps."""
    from gantheory.derivation_check import check_derivation

    chains = extract((REAL / name).read_text())
    assert len(chains) == 1
    assert r"\qquad" not in chains[0].text
    steps = check_derivation(REAL / name).steps
    assert [s.verdict for s in steps] == ["verified", "verified"]
    assert steps[0].rhs.endswith("dx") and r"\int p_g(x)" in steps[0].rhs


def test_a_row_ending_with_an_operator_still_refutes_a_wrong_continuation():
    """Negative control: the joined side is checked, so a wrong second half is refuted."""
    from gantheory.derivation_check import check_derivation

    text = (REAL / "continuation2.md").read_text().replace(r"\frac{p_g(x)}{p_{data}(x) + p_g(x)} dx \\",
                                                           r"\frac{p_{data}(x)}{p_{data}(x) + p_g(x)} dx \\")
    steps = check_derivation(text).steps
    assert steps[0].verdict == "refuted"


def test_a_row_without_an_open_end_still_starts_a_new_chain():
    chains = extract("\\begin{align*}\nf(y) &= a y \\\\\ng(y) &= b y\n\\end{align*}")
    assert [c.text.strip() for c in chains] == ["f(y) = a y", "g(y) = b y"]


def test_the_documents_own_macros_are_expanded_and_sides_quoted_as_written():
    """`\\newcommand{\\x}{\\mathbf{x}}` (arXiv sources) left every formula using \\x unparsed."""
    from gantheory.derivation_check import check_derivation

    steps = check_derivation(REAL / "newcommand.tex").steps
    assert [s.verdict for s in steps] == ["verified"]
    assert steps[0].lhs == r"D^*_G(\x)" and steps[0].rhs.startswith(r"\frac{p_{data}(\x)}")
    # negative control: a wrong formula written with the same macros is refuted
    text = (REAL / "newcommand.tex").read_text() + (
        "\n\\begin{equation}\nD^*_G(\\x) = \\frac{p_g(\\x)}{p_{data}(\\x) + p_g(\\x)}\n\\end{equation}\n")
    assert [s.verdict for s in check_derivation(text).steps] == ["verified", "refuted"]


def test_macros_with_arguments_and_def():
    doc = ("\\newcommand{\\KL}[2]{\\mathrm{KL}(#1 \\| #2)}\n\\def\\half{\\frac{1}{2}}\n"
           "$$\\KL{p}{q} = \\half x$$")
    assert texts(doc) == [r"\mathrm{KL}(p \| q) = \frac{1}{2} x"]
