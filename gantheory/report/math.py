r"""LaTeX → typeset math for the reports, offline: MathML from the pure-Python ``latex2mathml`` package.

Browsers render MathML natively (Chromium since 109, Firefox, Safari), so an HTML report stays one
self-contained file with no script and no font to embed. ``latex2mathml`` reads standard LaTeX; the
notation of GAN write-ups needs a little help first (:func:`prepare`), each fix checked by eye in headless
Chromium:

- ``\operatorname*{arg\,max}``, ``\arg\max``, ``\operatorname{JS}`` and words such as ``JSD``, ``KL`` and
  ``data`` in ``p_{data}`` are set upright (``latex2mathml`` drops the star and italicises letters);
- ``\xrightarrow{m\to\infty}`` becomes ``\overset{m\to\infty}{\longrightarrow}`` (its own rendering
  overlaps the next symbol);
- ``\label``/``\tag``/``\nonumber``/``&`` are dropped and Markdown escapes (``\_``, ``\*``) undone;
- ``\sim`` is an operator (``∼``, not the identifier ``~``) and ``\log``/``\ln``/``\max`` … get the thin
  space after them that TeX gives an operator name.

When ``latex2mathml`` is missing or fails on a formula, :func:`to_mathml` returns the LaTeX in a ``<code>``
element (never raises), so a report always renders. :func:`to_markdown_math` wraps LaTeX for Markdown
(``$…$``, which GitHub, GitLab, Jupyter and MkDocs render).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

__all__ = ["available", "prepare", "to_markdown_math", "to_mathml"]

_WORDS = r"JSD|JS|KL|TV|ELBO|data|real|fake|model|Pearson|LS"
_OPERATOR_NAMES = r"log|ln|lg|exp|max|min|sup|inf|lim|arg"


def available() -> bool:
    """Whether ``latex2mathml`` is installed (else formulas are shown as LaTeX code)."""
    try:
        import latex2mathml.converter  # noqa: F401
    except ImportError:
        return False
    return True


def prepare(latex: str) -> str:
    """The LaTeX of one formula, rewritten so that ``latex2mathml`` typesets it well (see module doc)."""
    s = latex.replace("\\_", "_").replace("\\*", "*")
    s = re.sub(r"\\(label|tag\*?|eqref|ref)\{[^{}]*\}|\\nonumber|\\notag", "", s)
    s = re.sub(r"(?<!\\)&", "", s)
    s = re.sub(r"\\\\\s*$", "", s.strip())
    s = re.sub(r"\\operatorname\*?\{arg\\?,?\s*(max|min)\}", r"\\mathrm{arg\\,\1}", s)
    s = re.sub(r"\\arg\s*\\(max|min)(?![a-zA-Z])", r"\\mathrm{arg\\,\1}", s)
    s = re.sub(r"\\operatorname\*?\{([^{}]*)\}", r"\\mathrm{\1}", s)
    s = re.sub(r"\\xrightarrow\{([^{}]*)\}", r"\\overset{\1}{\\longrightarrow}", s)
    s = re.sub(r"\\stackrel\{([^{}]*)\}\{([^{}]*)\}", r"\\overset{\1}{\2}", s)
    s = re.sub(r"\\(?:coloneqq)(?![a-zA-Z])", "\u2254", s)
    s = re.sub(r"(?<![\\a-zA-Z])(" + _WORDS + r")(?![a-zA-Z])", _upright, s)
    s = re.sub(r"\\mathbb\s+([A-Za-z])", r"\\mathbb{\1}", s)
    return s


def _upright(m: re.Match) -> str:
    if re.search(r"\\(mathrm|text|operatorname|mathit|mathbf|textrm)\s*\{$", m.string[:m.start()]):
        return m.group(0)
    return f"\\mathrm{{{m.group(1)}}}"


@lru_cache(maxsize=4096)
def to_mathml(latex: str, *, display: bool = False) -> str:
    """MathML for one formula (``display`` for a block), or the LaTeX as ``<code>`` if it cannot be typeset.

    >>> "<math" in to_mathml(r"D^*_G(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}") or not available()
    True
    """
    if not latex.strip():
        return ""
    try:
        from latex2mathml.converter import convert
    except ImportError:
        return f"<code>{escape(latex)}</code>"
    try:
        out = convert(prepare(latex), display="block" if display else "inline")
    except Exception:  # latex2mathml raises its own error types for unknown commands and bad braces
        return f"<code>{escape(latex)}</code>"
    out = out.replace("<mi>&#x0007E;</mi>", "<mo>&#x0223C;</mo>").replace("<mi>\u2254</mi>", "<mo>\u2254</mo>")
    out = re.sub(r"(<mi>(?:" + _OPERATOR_NAMES + r")</mi>)(?!<mo[^>]*>&#x00028;)", r'\1<mspace width="0.167em"/>', out)
    # Keep the source for copy and paste (MathML annotation, ignored by the renderer).
    return out.replace("</math>", f'<annotation encoding="application/x-tex">{escape(latex)}</annotation></math>', 1) \
        if "<semantics>" in out else out


def to_markdown_math(latex: str, *, display: bool = False) -> str:
    """LaTeX wrapped for Markdown math (``$…$`` inline, ``$$…$$`` display), escapes undone, one line."""
    s = re.sub(r"\\(label|tag\*?)\{[^{}]*\}|\\nonumber|\\notag", "", latex.replace("\\_", "_").replace("\\*", "*"))
    s = " ".join(s.split())
    if not s:
        return ""
    return f"$${s}$$" if display else f"${s}$"
