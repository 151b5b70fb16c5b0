"""The grammar's precedence conventions P1–P10 (written in gantheory/derivation_check/grammar.lark), each
pinned here by the sympy expression the reading produces, with a reading it must *not* produce."""

from __future__ import annotations

import pytest
import sympy as sp

from gantheory.derivation_check.context import Context
from gantheory.derivation_check.lexer import tokenize
from gantheory.derivation_check.parser import Declaration, ParseError, parse_expression, split_chain
from gantheory.derivation_check.symbols import density, variable
from gantheory.derivation_check.translate import Translator

a, b, c, x, y, m = (variable(n) for n in "abcxym")


def read(latex: str) -> sp.Expr:
    return Translator(Context()).run(parse_expression(tuple(tokenize(latex))))


def same(e1: sp.Expr, e2: sp.Expr) -> bool:
    return sp.simplify(e1 - e2) == 0


@pytest.mark.parametrize(("latex", "meant", "not_meant"), [
    # P1: a leading minus negates the whole product
    (r"-a b + c", -a * b + c, -(a * b + c)),
    # P2: one left-associative level for juxtaposition, \cdot and /
    (r"a / b c", a / b * c, a / (b * c)),
    (r"a \cdot b / c", a * b / c, a / (b * c)),
    # P3: ^ binds tighter than juxtaposition and applies to the postfix before it
    (r"a b^2", a * b ** 2, (a * b) ** 2),
    # P5: a function name without parentheses takes the next factor only
    (r"\log 2 x", sp.log(2) * x, sp.log(2 * x)),
    (r"\log \frac{a}{b}", sp.log(a / b), sp.log(a) / b),
    # P9: \frac12 reads one digit per argument
    (r"\frac12 a", a / 2, 12 * a),
])
def test_precedence(latex, meant, not_meant):
    got = read(latex)
    assert same(got, meant)
    assert not same(got, not_meant)  # negative control: the other reading differs


def test_p3_power_of_a_call_and_one_call_per_name():
    D = sp.Function("D")
    assert same(read(r"D(x)^2"), D(x) ** 2)
    p = density("p_data")
    got = read(r"p_{data}(x)(D(x) - b)^2")
    assert same(got, p(x) * (D(x) - b) ** 2)
    assert not same(got, (p(x) * (D(x) - b)) ** 2)


def test_p4_calls_of_functions_and_products_of_variables():
    assert same(read(r"x(1 - x)"), x * (1 - x))
    assert read(r"p_{\text{data}}(x)") == density("p_data")(x)
    assert read(r"pdata(x)") == density("p_data")(x)
    assert read(r"p_\text{data}(\mathbf{x})") == density("p_data")(x)
    assert same(read(r"(a + b)(a - b)"), a ** 2 - b ** 2)


def test_p6_big_operators_extend_over_terms_that_use_their_variable():
    i = sp.Symbol("i", integer=True, positive=True)
    got = read(r"\sum_{i=1}^m a_i + b_i")
    A, B = sp.IndexedBase("a"), sp.IndexedBase("b")
    assert got == sp.Sum(A[i] + B[i], (i, 1, m))
    # a term without i stays outside
    got = read(r"\sum_{i=1}^m a_i + c")
    assert got == sp.Sum(A[i], (i, 1, m)) + c


def test_p7_expectation_takes_the_bracket():
    got = read(r"\mathbb{E}_{x \sim p_{data}}[x] c")
    p = density("p_data")
    assert got == sp.Integral(p(x) * x, x) * c  # structurally: c stays outside the binder
    assert not isinstance(got, sp.Integral)


def test_p8_integral_takes_everything_up_to_its_differential():
    f = read(r"\int p_g(x) + p_{data}(x) \, dx")
    assert f == sp.Integral(density("p_g")(x) + density("p_data")(x), x)
    # a missing differential: the body ends before a + that starts another integral
    g = read(r"\int p_g(x) \log D(x) + \int p_{data}(x)")
    assert isinstance(g, sp.Add) and len(g.args) == 2


def test_p10_sample_index_is_not_a_power():
    got = read(r"x^{(i)}")
    assert isinstance(got, sp.Indexed)
    assert not isinstance(got, sp.Pow)


def test_notation_variants_read_the_same():
    base = read(r"\mathbb{E}_{x\sim p_{data}}\left[\log D(x)\right]")
    for variant in (r"\mathbb E_{x \sim p_\text{data}} \big[ \log D(x) \big]",
                    r"\mathbb{E}_{x\sim pdata}[\ln D(x)]",
                    r"\mathbb{E} _{x\sim p_{\mathrm{data}}}\Big[\log D(x)\Big]",
                    r"\int p_{data}(x) \log D(x) \,\mathrm{d}x",
                    r"\int_x p_{data}(x) \log D(x) dx"):
        assert read(variant) == base, variant
    assert read(r"\log_2 x") == sp.log(x) / sp.log(2)  # a written base is honoured; \log alone is natural


def test_split_chain_and_declarations():
    pieces = split_chain(r"a = b \le c \quad \text{for all } x")
    assert [p.relation for p in pieces] == ["", "=", "<=", "split"]  # the remark starts a new formula
    with pytest.raises(Declaration):
        split_chain(r"y \in (0, 1)")
    with pytest.raises(ParseError) as err:
        parse_expression(tuple(tokenize(r"a + (b")))
    assert err.value.offset >= 0


def test_p11_evaluation_bar_applies_to_the_product_before_it():
    got = read(r"\frac{d}{dy}\left(y^2 + a y\right)\Big|_{y = 1}")
    assert same(got, 2 + a)
    assert not same(got, 2 * y + a)  # the bar is applied, not dropped


@pytest.mark.parametrize("latex, sides", [
    (r"\int p(x)\ln 2\,dx = \ln 2", [r"\int p(x)\ln 2\,dx", r"\ln 2"]),
    (r"1 - \pi = \frac{n}{m+n}.", [r"1 - \pi", r"\frac{n}{m+n}"]),
    (r"\int h\,d\mathbf{x} \, = \int g\,\mathrm{d}x \nonumber", [r"\int h\,d\mathbf{x}", r"\int g\,\mathrm{d}x"]),
])
def test_a_side_spans_its_written_text(latex, sides):
    """Regression: a side's span ended at its last token's offset plus the token value's length, which cut
    ``\\,dx`` to ``\\,d`` (the DIFF token's value is ``x``) and ``\\pi`` to ``\\p``."""
    assert [latex[p.start:p.end] for p in split_chain(latex)] == sides


def test_arg_written_without_backslash_is_the_arg_max_operator():
    """Regression: ``arg \\max_D`` (``arg`` without its backslash, as some blogs write it) was read as the
    product a·r·g times a max."""
    types = [t.type for t in tokenize(r"D^* = arg \max_D V(D, G)")]
    assert "ARGOP" in types and types.count("IDENT") == 6  # D, *, D, V, D, G: no a, r, g


def test_a_word_arg_before_other_text_stays_letters():
    # Negative control: "arg" not followed by \max/\min is not an operator.
    assert "ARGOP" not in [t.type for t in tokenize(r"arg(z) = \max_y y")]


# --- review 4: formulas that were dropped silently, and spellings that were unparsed -------------------------

def test_a_range_after_a_relation_is_a_remark_not_a_declaration():
    """`D^*(x) = p_r/(p_r + p_g) \\in [0, 1]` (Lilian Weng's post) relates; the `\\in [0, 1]` tail is a remark on
    the last side. A statement that starts with its variable (`y \\in (0, 1)`) still declares."""
    text = r"D^*(x) = \frac{p_{r}(x)}{p_{r}(x) + p_g(x)} \in [0, 1]"
    pieces = split_chain(text)
    assert [p.relation for p in pieces] == ["", "="]
    assert text[pieces[1].start:pieces[1].end].strip() == r"\frac{p_{r}(x)}{p_{r}(x) + p_g(x)}"
    with pytest.raises(Declaration):
        split_chain(r"y \in (0, 1)")


def test_an_unclosed_bracket_keeps_the_sides_before_it():
    """Weng's typo `[\\log(1 - D(x)]`: the statement is still split at its relations (the broken side alone is
    reported unparsed); before, the whole aligned block vanished."""
    text = r"L(D, G) = \mathbb{E}_{x \sim p_r}[\log D(x)] = \mathbb{E}_{x \sim p_g}[\log(1 - D(x)]"
    pieces = split_chain(text)
    assert [p.relation for p in pieces] == ["", "=", "="]
    parse_expression(pieces[1].toks)
    with pytest.raises(ParseError):
        parse_expression(pieces[2].toks)


@pytest.mark.parametrize("text", [r"D^∗(x) = \frac{1}{2}", r"D^{*}(x) = \frac{1}{2}", r"D^*(x) = \frac{1}{2}"])
def test_the_unicode_asterisk_is_the_optimum_mark(text):
    """`D^∗` (U+2217, pasted from PDFs) names the same optimum as `D^*`."""
    assert [t.value for t in tokenize(text)][:3] == ["D", "^", "*"]


def test_right_dot_is_an_invisible_delimiter():
    """Goodfellow's `KL\\left(p \\left\\| \\frac{p + q}{2} \\right.\\right)`."""
    text = r"KL\left(p_{data} \left\| \frac{p_{data} + p_g}{2} \right.\right)"
    assert "DOT" not in [t.type for t in tokenize(text)]
    parse_expression(tuple(tokenize(text)))
