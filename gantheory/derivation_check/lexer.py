"""LaTeX math → tokens for the grammar (``grammar.lark``), noise removed, offsets kept.

Every token keeps the offset of its first character in the chain's text, so an error names the line and
column of the file. The vocabulary is in :mod:`.normalise`. Post-passes: ``\\arg\\max`` → one ``ARGOP``;
``\\mathbb{E}``/``E_{x\\sim p}`` → ``EXPECT``; the differential of every ``\\int`` becomes a ``DIFF``
token (``dx``, ``\\,d\\mathbf{x}``, ``\\mathrm{d}x``); an integral written without one gets a synthetic
``DIFF`` (variable to be inferred) where its body ends: before a relation, a closing bracket, or a
``+``/``−`` that starts another integral.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gantheory.derivation_check import normalise as N

__all__ = ["LexError", "Tok", "tokenize"]


class LexError(Exception):
    """A construct the lexer does not know; ``offset`` is where it starts."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass
class Tok:
    type: str
    value: str
    offset: int


_SIMPLE = {
    "(": "LPAR", ")": "RPAR", "[": "LBRACK", "]": "RBRACK", "{": "LBRACE", "}": "RBRACE", "+": "PLUS",
    "-": "MINUS", "−": "MINUS", "*": "STAR", "/": "DIV", "^": "CARET", "_": "USCORE", "'": "PRIME",
    ",": "COMMA", ";": "SEMI", "|": "BAR", "!": "BANG", "·": "MUL", "×": "MUL", "∼": "SIM", "~": "TILDE",
    "∈": "IN", "∞": "INFTY", "∫": "INT", "∑": "SUM", "∂": "PARTIAL", "∇": "NABLA", "σ": "IDENT",
    ".": "DOT", ":": "COLON", "‖": "DBAR", "∣": "BAR", "∗": "STAR", "⋆": "STAR",
}
_CMD = {
    "frac": "FRAC", "dfrac": "FRAC", "tfrac": "FRAC", "cfrac": "FRAC", "sqrt": "SQRT", "int": "INT",
    "iint": "INT", "oint": "INT", "intop": "INT", "sum": "SUM", "prod": "PROD", "lim": "LIM",
    "partial": "PARTIAL", "nabla": "NABLA", "sim": "SIM", "in": "IN", "infty": "INFTY", "cdot": "MUL",
    "times": "MUL", "ast": "STAR", "star": "STAR", "|": "DBAR", "Vert": "DBAR", "parallel": "DBAR",
    "lVert": "DBAR", "rVert": "DBAR", "mid": "BAR", "vert": "BAR", "lvert": "BAR", "rvert": "BAR",
    "{": "LBRACE", "}": "RBRACE", "lbrace": "LBRACE", "rbrace": "RBRACE", "langle": "LPAR",
    "rangle": "RPAR", "lbrack": "LBRACK", "rbrack": "RBRACK", "dots": "DOTS", "cdots": "DOTS",
    "ldots": "DOTS", "mapsto": "MAPSTO", "pm": "PM", "arg": "ARG", "top": "IDENT", "intercal": "IDENT",
    "prime": "PRIME", "circ": "CIRC", "cdotp": "MUL", "lfloor": "LPAR", "rfloor": "RPAR",
    "lceil": "LPAR", "rceil": "RPAR", "E": "EXPECT", "Expect": "EXPECT", "EE": "EXPECT",
    "colon": "COLON", "subset": "IN", "subseteq": "IN", "geqslant": "REL", "land": "COMMA",
}

#: after these a formula is not finished: spacing there (`+ \\ &\qquad \int …`) is layout, not a side remark
_OPERAND_WANTED = ("REL", "SPLIT", "PLUS", "MINUS", "MUL", "STAR", "DIV", "LPAR", "LBRACK", "LBRACE", "PM")

_CMD_RE = re.compile(r"\\([a-zA-Z]+\*?|.)")
_WORD_RE = re.compile(r"[a-zA-Z]+")
_NUM_RE = re.compile(r"\d+(\.\d+)?|\.\d+")


def _group(text: str, i: int) -> tuple[str, int] | None:
    """The brace group starting at ``text[i]`` (after spaces): (content, end offset) or None."""
    j = i
    while j < len(text) and text[j] == " ":
        j += 1
    if j >= len(text) or text[j] != "{":
        return None
    depth = 0
    for k in range(j, len(text)):
        if text[k] == "{" and (k == 0 or text[k - 1] != "\\"):
            depth += 1
        elif text[k] == "}" and text[k - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[j + 1:k], k + 1
    return None


def _arg(text: str, i: int) -> tuple[str, int, int]:
    """A macro argument at ``i``: a brace group or a single token. (content, content offset, end)."""
    j = i
    while j < len(text) and text[j] == " ":
        j += 1
    g = _group(text, j)
    if g is not None:
        return g[0], j + 1, g[1]
    m = _CMD_RE.match(text, j)
    if m:
        return m.group(0), j, m.end()
    return text[j:j + 1], j, j + 1


def _plain(content: str) -> str:
    """Text of a \\text{…}-like argument with inner macros removed (``arg\\,max`` → ``argmax``)."""
    content = re.sub(r"\\[,;:! ]", "", content)
    content = re.sub(r"\\(text|mathrm|mathbf|mathit|operatorname)\s*\{([^{}]*)\}", r"\2", content)
    return content.strip()


def tokenize(text: str) -> list[Tok]:
    """Tokens of one chain of math (relations included). Raises :class:`LexError`."""
    toks = _raw(text, 0, len(text), script=False)
    toks = _merge(toks)
    toks = _differentials(toks)
    return toks


def _raw(text: str, start: int, end: int, *, script: bool) -> list[Tok]:
    toks: list[Tok] = []
    i = start
    depth_script: list[bool] = []  # per open brace: is it a sub/superscript group
    while i < end:
        ch = text[i]
        in_script = script or (depth_script and depth_script[-1])
        if ch.isspace() or ch == "&":
            i += 1
            continue
        if ch == "\\":
            m = _CMD_RE.match(text, i)
            if not m:
                raise LexError("a lone backslash", i)
            name = m.group(1)
            after = m.end()
            if name == "\\":  # a stray row break inside a chain
                i = after
                continue
            if name in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr") and \
                    re.match(r"\s*(\||\\vert\b|\\lvert\b|\\rvert\b)", text[after:end]):
                m2 = re.match(r"\s*(\||\\vert\b|\\lvert\b|\\rvert\b)", text[after:end])
                toks.append(Tok("ABSL" if name.startswith("left") or name.endswith("l") else "ABSR", "|", i))
                i = after + m2.end()
                continue
            if name in ("lvert", "rvert"):
                toks.append(Tok("ABSL" if name == "lvert" else "ABSR", "|", i))
                i = after
                continue
            if name in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "middle") and \
                    text.startswith(".", after):
                i = after + 1  # \right. (Goodfellow's `\left\| … \right.`): an invisible delimiter
                continue
            if name in N.DROP:
                i = after
                continue
            if name in N.DROP_WITH_ARG:
                content, _, after = _arg(text, after)
                if name in ("hspace", "vspace") and content.startswith("*"):
                    pass
                i = after
                continue
            if name in ("quad", "qquad", "forall", "text_prose", "where"):
                if not in_script and not depth_script and toks and toks[-1].type not in _OPERAND_WANTED:
                    toks.append(Tok("SPLIT", name, i))  # a side remark starts a new formula
                i = after
                continue
            if name in ("text", "textrm", "textit", "textbf", "mbox", "mathrm", "operatorname",
                        "operatorname*", "mathop", "mathit", "mathsf", "textsf", "emph", "mathbf",
                        "boldsymbol", "bm", "mathcal", "mathscr", "mathfrak", "mathbb", "vec", "pmb",
                        "mathtt", "mathnormal", "ensuremath"):
                content, coff, after = _arg(text, after)
                plain = _plain(content)
                if name == "mathbb" and plain == "E":
                    toks.append(Tok("EXPECT", "E", i))
                    i = after
                    continue
                if name in ("text", "textrm", "textit", "textbf", "mbox", "emph", "textsf"):
                    if not in_script and (" " in content.strip() or (len(plain) > 3 and plain not in N.WORDS
                                                                     and not plain.isupper())):
                        if depth_script or any(t.type in ("LPAR", "LBRACK") for t in toks[-1:]):
                            i = after
                            continue
                        if toks and toks[-1].type not in ("REL", "SPLIT"):
                            toks.append(Tok("SPLIT", "text", i))
                        i = after
                        continue
                if plain in ("d",) and name in ("mathrm", "text", "operatorname", "mathit"):
                    toks.append(Tok("DMARK", "d", i))
                    i = after
                    continue
                key = plain.replace(" ", "").replace("*", "")
                if key.lower() in N.ARGOPS or key.lower() in ("arg max", "arg min"):
                    toks.append(Tok("ARGOP", key.lower(), i))
                    i = after
                    continue
                if key == "E" and name in ("operatorname", "mathop", "mathrm", "mathbf", "mathcal"):
                    toks.append(Tok("EXPECT", "E", i))
                    i = after
                    continue
                inner = _raw(text, coff, coff + len(content), script=True)
                if len(inner) > 1 and all(t.type == "IDENT" and len(t.value) == 1 for t in inner) \
                        and name not in ("mathbf", "boldsymbol", "bm", "vec", "mathcal", "mathbb"):
                    # \mathrm{KL}, \text{data}: one word (its position is the command's)
                    toks.append(Tok("IDENT", "".join(t.value for t in inner), i))
                else:
                    if inner:
                        inner[0].offset = i
                    if len(inner) == 1 and inner[0].type == "IDENT" and name in ("mathcal", "mathbb",
                                                                                 "mathscr", "mathfrak"):
                        inner[0].value = f"{name[4:]}{inner[0].value}"
                    toks += inner
                i = after
                continue
            if name in N.DECORATE:
                content, coff, after = _arg(text, after)
                inner = _raw(text, coff, coff + len(content), script=True)
                if len(inner) == 1 and inner[0].type == "IDENT":
                    toks.append(Tok("IDENT", f"{inner[0].value}_{N.DECORATE[name]}", i))  # at the command
                else:
                    toks += inner
                i = after
                continue
            if name in ("overset", "stackrel"):
                over, _, after = _arg(text, after)
                base, boff, after2 = _arg(text, after)
                rel = _relation_of(base)
                if rel is None:
                    raise LexError(f"\\{name} over {base!r}", i)
                over_plain = _plain(over).replace("\\", "")
                if over_plain in ("Delta", "def", "triangle", ":", "!", "d", "D") or rel == "def":
                    rel = "def"
                toks.append(Tok("REL", rel, i))
                i = after2
                continue
            if name == "underset":
                under, uoff, after = _arg(text, after)
                base, boff, after2 = _arg(text, after)
                btoks = _merge(_raw(text, boff, boff + len(base), script=False))
                if btoks:
                    btoks[0].offset = i  # the operator is written from \underset on
                toks += btoks
                toks.append(Tok("USCORE", "_", uoff))
                toks.append(Tok("LBRACE", "{", uoff))
                toks += _raw(text, uoff, uoff + len(under), script=True)
                toks.append(Tok("RBRACE", "}", uoff + len(under)))
                i = after2
                continue
            if name in ("xrightarrow", "xlongrightarrow", "xRightarrow"):
                j = after
                while j < end and text[j] == " ":
                    j += 1
                if j < end and text[j] == "[":
                    k = text.find("]", j)
                    j = k + 1 if k > 0 else j
                _, _, after = _arg(text, j)
                toks.append(Tok("REL", "->" if name != "xRightarrow" else "=>", i))
                i = after
                continue
            if name in ("not",):
                m2 = _CMD_RE.match(text, after) if after < end and text[after] == "\\" else None
                if (m2 and m2.group(1) == "in") or text[after:after + 1] == "=":
                    toks.append(Tok("REL", "!=", i))
                    i = m2.end() if m2 else after + 1
                    continue
                i = after
                continue
            if name in N.RELATIONS:
                toks.append(Tok("REL", N.RELATIONS[name], i))
                i = after
                continue
            if name in N.GREEK:
                toks.append(Tok("IDENT", name, i))
                i = after
                continue
            if name in N.BIGOPS:
                toks.append(Tok("BIGOP", name, i))
                i = after
                continue
            if name in N.ARGOPS:
                toks.append(Tok("ARGOP", name, i))
                i = after
                continue
            if name in N.FUNCS:
                toks.append(Tok("FUNC", name, i))
                i = after
                continue
            if name in _CMD:
                toks.append(Tok(_CMD[name], name, i))
                i = after
                continue
            if name in ("begin", "end"):
                _, _, after = _arg(text, after)
                i = after
                continue
            raise LexError(f"unknown command \\{name}", i)
        if ch == "{":
            prev = toks[-1].type if toks else ""
            depth_script.append(prev in ("USCORE", "CARET"))
            toks.append(Tok("LBRACE", "{", i))
            i += 1
            continue
        if ch == "}":
            if depth_script:
                depth_script.pop()
            toks.append(Tok("RBRACE", "}", i))
            i += 1
            continue
        if text.startswith(":=", i) or text.startswith("=:", i):
            toks.append(Tok("REL", "def", i))
            i += 2
            continue
        if text.startswith("<=", i) or text.startswith(">=", i):
            toks.append(Tok("REL", text[i:i + 2], i))
            i += 2
            continue
        if text.startswith("||", i):
            toks.append(Tok("DBAR", "||", i))
            i += 2
            continue
        if text.startswith("->", i):
            toks.append(Tok("REL", "->", i))
            i += 2
            continue
        if ch in "=<>" or ch in "≤≥≠≈→⇒⇔≜≔":
            toks.append(Tok("REL", N.RELATIONS[ch], i))
            i += 1
            continue
        m = _NUM_RE.match(text, i)
        if m and not (ch == "." and not (i + 1 < end and text[i + 1].isdigit())):
            prev = toks[-1] if toks else None
            if prev is not None and prev.type in ("FRAC", "SQRT"):
                toks.append(Tok("NUM", ch, i))  # \frac12: one digit per argument
                i += 1
                continue
            if prev is not None and prev.type in ("USCORE", "CARET"):
                toks.append(Tok("NUM", ch, i))  # x_12 is x_{1}2 in TeX
                i += 1
                continue
            toks.append(Tok("NUM", m.group(0), i))
            i = m.end()
            continue
        m = _WORD_RE.match(text, i)
        if m:
            word = m.group(0)
            prev = toks[-1].type if toks else ""
            if prev in ("USCORE", "CARET"):
                toks.append(Tok("IDENT", word[0], i))  # p_data is p_{d}ata in TeX
                i += 1
                continue
            if word == "arg" and re.match(r"\s*\\(max|min|sup|inf)(?![A-Za-z])", text[m.end():end]):
                toks.append(Tok("ARG", word, i))  # arg \max written without its backslash: one operator
                i = m.end()
                continue
            if in_script or word in N.WORDS or _known_prefix(word):
                if word in ("log", "ln", "exp", "lg", "softplus", "sigmoid", "tanh", "relu", "sgn"):
                    toks.append(Tok("FUNC", word, i))
                elif word in ("max", "min", "sup", "inf"):
                    toks.append(Tok("BIGOP", word, i))
                elif word in ("argmax", "argmin"):
                    toks.append(Tok("ARGOP", word, i))
                elif word == "lim":
                    toks.append(Tok("LIM", word, i))
                else:
                    toks.append(Tok("IDENT", word, i))
                i = m.end()
                continue
            for k, letter in enumerate(word):
                toks.append(Tok("IDENT", letter, i + k))
            i = m.end()
            continue
        if ch in _SIMPLE:
            toks.append(Tok(_SIMPLE[ch], ch, i))
            i += 1
            continue
        if ch.isalpha():  # a unicode letter: a name
            toks.append(Tok("IDENT", ch, i))
            i += 1
            continue
        raise LexError(f"unexpected character {ch!r}", i)
    return toks


def _known_prefix(word: str) -> bool:
    return word in ("pdata", "pg", "pz")


def _relation_of(base: str) -> str | None:
    base = base.strip()
    if base in N.RELATIONS:
        return N.RELATIONS[base]
    m = _CMD_RE.fullmatch(base)
    if m and m.group(1) in N.RELATIONS:
        return N.RELATIONS[m.group(1)]
    return None


def _merge(toks: list[Tok]) -> list[Tok]:
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        # \arg\max → ARGOP
        if t.type == "ARG" and i + 1 < len(toks) and toks[i + 1].type == "BIGOP":
            out.append(Tok("ARGOP", "arg" + toks[i + 1].value, t.offset))
            i += 2
            continue
        # \max_{D: \|D\|_L \le 1}, \sup_{\|f\|_L \le K}: a constrained class of functions → {D \in Class}
        if t.type == "BIGOP" and i + 2 < len(toks) and toks[i + 1].type == "USCORE" and toks[i + 2].type == "LBRACE":
            constrained = _constraint_script(toks, i + 2)
            if constrained is not None:
                out.append(t)
                out.extend(constrained[0])
                i = constrained[1]
                continue
        # E_{x \sim p} written with a plain E (or \mathbf{E}, \mathcal{E}: same IDENT) → EXPECT
        if t.type == "IDENT" and t.value in ("E", "bbE", "calE") and i + 1 < len(toks) \
                and toks[i + 1].type == "USCORE":
            depth, k, has_sim = 0, i + 2, False
            while k < len(toks):
                if toks[k].type == "LBRACE":
                    depth += 1
                elif toks[k].type == "RBRACE":
                    depth -= 1
                elif toks[k].type == "SIM":
                    has_sim = True
                if depth <= 0:
                    break
                k += 1
            if has_sim or t.value != "E":
                out.append(Tok("EXPECT", "E", t.offset))
                i += 1
                continue
        if t.type == "IDENT" and t.value == "bbE":
            out.append(Tok("EXPECT", "E", t.offset))
            i += 1
            continue
        # E[...] and E(...) with a plain E: an expectation
        if t.type == "IDENT" and t.value == "E" and i + 1 < len(toks) and toks[i + 1].type == "LBRACK":
            out.append(Tok("EXPECT", "E", t.offset))
            i += 1
            continue
        # x \sim p at the top level is a declaration, not a relation: keep SIM for subscripts
        if t.type == "TILDE":
            i += 1
            continue
        # f(ε)\Big|_{ε=0}: an evaluation bar
        if t.type in ("BAR", "ABSR") and i + 1 < len(toks) and toks[i + 1].type == "USCORE" and (
                out and out[-1].type in ("RPAR", "RBRACK", "RBRACE", "IDENT", "NUM")):
            out.append(Tok("EVALBAR", "|", t.offset))
            i += 1
            continue
        if t.type == "BAR" and i + 1 < len(toks) and toks[i + 1].type == "BAR":
            out.append(Tok("DBAR", "||", t.offset))
            i += 2
            continue
        if t.type == "STAR" and out and out[-1].type == "CARET":
            out.append(Tok("IDENT", "*", t.offset))
            i += 1
            continue
        # D^{*}_{G}, D^{\\ast}: a braced star is the same optimum mark as D^*
        if t.type == "LBRACE" and out and out[-1].type == "CARET" and i + 2 < len(toks) \
                and toks[i + 1].type == "STAR" and toks[i + 2].type == "RBRACE":
            out.append(Tok("IDENT", "*", toks[i + 1].offset))
            i += 3
            continue
        out.append(t)
        i += 1
    return out


def _brace_end(toks: list[Tok], start: int) -> int:
    """The index of the RBRACE that closes the LBRACE at ``start`` (``len(toks)`` if it is never closed)."""
    depth, k = 0, start
    while k < len(toks):
        if toks[k].type == "LBRACE":
            depth += 1
        elif toks[k].type == "RBRACE":
            depth -= 1
            if depth == 0:
                break
        k += 1
    return k


def _constraint_script(toks: list[Tok], start: int) -> tuple[list[Tok], int] | None:
    """The subscript ``{D: \\|D\\|_L \\le 1}`` (or ``{\\|f\\|_L \\le 1}``) of a max/sup, starting at its
    brace: the tokens ``_{D \\in Class}`` with one name for the whole constraint, and the index after it;
    None for any other subscript. The class's name is the constraint as written, so two constraints are
    the same class only when they are written alike."""
    k = _brace_end(toks, start)
    inner = toks[start + 1:k]
    if k >= len(toks) or not any(u.type in ("COLON", "DBAR") for u in inner):
        return None
    idents = [u for u in inner if u.type == "IDENT"]
    if not idents:
        return None
    var = idents[0]
    if not any(u.type == "DBAR" for u in inner) and any(u.type == "REL" and u.value in ("->", "→") for u in inner):
        # T : \mathcal{X} \to \mathbb{R}: the map's type, no constraint — all (measurable) functions
        return [toks[start - 1], toks[start], Tok("IDENT", var.value, var.offset), toks[k]], k + 1
    label = "".join(re.sub(r"[^A-Za-z0-9]", "", u.value) or u.type[:1] for u in inner
                    if u.type not in ("LBRACE", "RBRACE", "COLON") and not (u.type == "IDENT" and u.value == var.value))
    return [toks[start - 1], toks[start], Tok("IDENT", var.value, var.offset), Tok("IN", "\\in", var.offset),
            Tok("IDENT", "Class" + label, var.offset), toks[k]], k + 1


_OPEN = ("LPAR", "LBRACK", "LBRACE")
_CLOSE = ("RPAR", "RBRACK", "RBRACE")


def _differentials(toks: list[Tok]) -> list[Tok]:
    """Give every INT its DIFF token (see the module docstring)."""
    toks = list(toks)
    i = 0
    while i < len(toks):
        if toks[i].type != "INT":
            i += 1
            continue
        # skip the limits: _x ^y, _{...} ^{...}
        k = i + 1
        while k < len(toks) and toks[k].type in ("USCORE", "CARET"):
            k += 1
            if k < len(toks) and toks[k].type == "LBRACE":
                k = _brace_end(toks, k)
            k += 1
        depth = 0
        found = None
        end = len(toks)
        nested = 0
        j = k
        while j < len(toks):
            t = toks[j]
            if t.type in _OPEN:
                depth += 1
            elif t.type in _CLOSE:
                depth -= 1
                if depth < 0:
                    end = j
                    break
            elif depth == 0 and t.type == "INT":
                nested += 1
            elif depth == 0 and t.type == "DIFF":
                if nested:
                    nested -= 1
            elif depth == 0 and t.type == "REL":
                end = j
                break
            elif depth == 0 and t.type in ("PLUS", "MINUS") and j + 1 < len(toks) and toks[j + 1].type == "INT" \
                    and not nested:
                # a candidate end for a missing differential; keep looking for an explicit one first
                if found is None and not _has_diff_before(toks, j + 1):
                    end = j
                    break
            if depth == 0 and _is_diff(toks, j):
                if nested:
                    nested -= 1
                else:
                    found = j
                    break
            j += 1
        if found is not None:
            var = toks[found + 1]
            size = 2
            if toks[found].type == "DMARK" or toks[found].value == "d":
                pass
            # d x^{(i)}, d\theta_d: the variable keeps its subscript
            toks[found:found + size] = [Tok("DIFF", var.value, toks[found].offset)]
        else:
            toks.insert(end, Tok("DIFF", "", toks[end - 1].offset + 1 if end else 0))
        i += 1
    return toks


def _has_diff_before(toks: list[Tok], start: int) -> bool:
    """Whether an explicit differential closes the integral that precedes ``start`` (look-ahead)."""
    return False


def _is_diff(toks: list[Tok], j: int) -> bool:
    t = toks[j]
    if t.type == "DMARK":
        return j + 1 < len(toks) and toks[j + 1].type == "IDENT"
    if t.type == "IDENT" and t.value == "d" and j + 1 < len(toks) and toks[j + 1].type == "IDENT":
        prev = toks[j - 1].type if j else ""
        if prev in ("USCORE", "CARET"):
            return False
        nxt = toks[j + 2].type if j + 2 < len(toks) else "END"
        return nxt in ("END", "REL", "RPAR", "RBRACK", "RBRACE", "PLUS", "MINUS", "COMMA", "DOT", "DIFF",
                       "USCORE", "IDENT", "DMARK", "INT", "FUNC", "EXPECT", "CARET") and not (
            nxt == "IDENT" and toks[j + 2].value not in ("d",) and False)
    return False
