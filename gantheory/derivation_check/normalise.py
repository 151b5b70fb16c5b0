"""LaTeX noise and vocabulary: the tables the lexer reads (one place for every spelling).

Dropped (no meaning for the mathematics): spacing ``\\, \\; \\! \\: \\quad``-less spacing, ``\\hspace{…}``,
sizing ``\\left \\right \\big \\Big \\bigg …``, ``\\displaystyle``, ``\\limits``, ``\\label{…}``,
``\\tag{…}``, ``\\nonumber``, ``\\eqref{…}``. Unwrapped (the content is kept): font and operator
wrappers ``\\mathbf \\boldsymbol \\mathrm \\operatorname \\text …``. ``\\quad``, ``\\qquad``, a
``\\text{…}`` holding prose, ``\\forall`` and ``\\text{where}``-like words end the formula (what follows is a
side remark, not part of the chain).
"""

from __future__ import annotations

__all__ = [
    "ARGOPS", "BIGOPS", "DROP", "DROP_WITH_ARG", "FUNCS", "GREEK", "RELATIONS", "TRUNCATE", "UNWRAP",
    "WORDS",
]

DROP = frozenset({
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
    "Biggl", "Biggr", "middle", "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits",
    "nonumber", "notag", "hfill", ",", ";", "!", ":", " ", ">", "thinspace", "medspace", "thickspace",
    "negthinspace", "enspace", "relax", "mathstrut", "strut", "allowbreak", "nobreak", "cr",
})
DROP_WITH_ARG = frozenset({"hspace", "vspace", "label", "tag", "eqref", "ref", "phantom", "hphantom",
                           "vphantom", "color", "textcolor*", "kern", "mkern"})
TRUNCATE = frozenset({"quad", "qquad", "forall", "text_prose", "mbox_prose", "iff_text", "where",
                      "because", "since", "therefore", "hence"})
UNWRAP = frozenset({"mathbf", "boldsymbol", "bm", "mathrm", "mathit", "mathsf", "mathtt", "mathcal",
                    "mathscr", "mathfrak", "mathbb", "operatorname", "operatorname*", "mathop", "text",
                    "textrm", "textit", "textbf", "textsf", "mbox", "emph", "mathnormal", "rm", "bf",
                    "it", "cal", "pmb", "vec", "mathring", "ensuremath"})
#: decorations that make a different symbol: \hat{x} is the symbol ``x_hat``
DECORATE = {"hat": "hat", "widehat": "hat", "tilde": "tilde", "widetilde": "tilde", "bar": "bar",
            "overline": "bar", "dot": "dot", "ddot": "ddot", "check": "check", "breve": "breve"}

GREEK = frozenset({
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "varpi", "rho", "varrho", "sigma", "varsigma",
    "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi",
    "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega", "ell",
})

#: relation spellings → the reported relation (see model.RELATIONS)
RELATIONS = {
    "=": "=", "<": "<", ">": ">", "le": "<=", "leq": "<=", "leqslant": "<=", "ge": ">=", "geq": ">=",
    "geqslant": ">=", "neq": "!=", "ne": "!=", "approx": "approx", "simeq": "approx", "to": "->",
    "rightarrow": "->", "longrightarrow": "->", "xrightarrow": "->", "Rightarrow": "=>", "implies": "=>",
    "Longrightarrow": "=>", "iff": "<=>", "Leftrightarrow": "<=>", "Longleftrightarrow": "<=>",
    "triangleq": "def", "coloneqq": "def", "eqqcolon": "def", "equiv": "def", "doteq": "def",
    ":=": "def", "=:": "def", "propto": "propto", "≤": "<=", "≥": ">=", "≠": "!=", "≈": "approx",
    "→": "->", "⇒": "=>", "⇔": "<=>", "≜": "def", "≔": "def", "<=": "<=", ">=": ">=",
}

#: big operators binding a variable written as a subscript
BIGOPS = frozenset({"max", "min", "sup", "inf"})
ARGOPS = frozenset({"argmax", "argmin", "argsup", "arginf"})
#: named functions applied without parentheses to the next factor
FUNCS = frozenset({"log", "ln", "lg", "exp", "tanh", "sin", "cos", "det", "softplus", "sigmoid", "relu",
                   "sgn", "sign", "tr"})

#: multi-letter words read as one name (anywhere); other letter runs outside sub/superscripts are
#: products of single letters, as LaTeX typesets them
WORDS = frozenset({
    "pdata", "pg", "pz", "pd", "pr", "pmodel", "data", "model", "real", "fake", "gen", "KL", "JSD", "JS",
    "TV", "DKL", "DJS", "KLD", "softplus", "sigmoid", "relu", "log", "ln", "exp", "argmax", "argmin",
    "max", "min", "sup", "inf", "lim", "tanh", "Pr", "Var", "Cov", "sgn", "sign", "const", "opt",
    "true", "emp", "tr", "det", "GAN", "LSGAN", "WGAN", "BCE", "NS",
})
