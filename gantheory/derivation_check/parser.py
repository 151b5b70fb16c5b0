"""One expression's tokens → a lark tree (grammar in ``grammar.lark``; its precedence conventions are
written there and pinned by tests). Relations are split off here: a chain ``a = b \\le c`` is parsed as
the expressions ``a``, ``b``, ``c`` with the relations between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedInput
from lark.lexer import Lexer

from gantheory.derivation_check.lexer import LexError, Tok, tokenize

__all__ = ["Declaration", "ParseError", "Piece", "parse_expression", "split_chain"]


class ParseError(Exception):
    """``offset`` is where the construct that was not understood starts; ``construct`` names it."""

    def __init__(self, construct: str, offset: int) -> None:
        super().__init__(construct)
        self.construct = construct
        self.offset = offset


class Declaration(ParseError):
    """The chain declares (x ∼ p, y ∈ (0, 1), y ↦ …) rather than relates: it has no steps."""


class _TokLexer(Lexer):
    def __init__(self, lexer_conf: object) -> None:
        pass

    def lex(self, data: list[Tok]):  # type: ignore[override]
        for t in data:
            yield Token(t.type, t.value, start_pos=t.offset)


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = (Path(__file__).with_name("grammar.lark")).read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer=_TokLexer, maybe_placeholders=False)


@dataclass(frozen=True)
class Piece:
    """An expression of a chain: its tokens' span in the chain text, and the relation before it."""

    relation: str
    start: int
    end: int
    toks: tuple[Tok, ...]


_OPEN = ("LPAR", "LBRACK", "LBRACE")
_CLOSE = ("RPAR", "RBRACK", "RBRACE")


def split_chain(text: str) -> list[Piece]:
    """Split a chain at its top-level relations. Raises :class:`ParseError` for unknown LaTeX."""
    try:
        toks = tokenize(text)
    except LexError as err:
        raise ParseError(str(err), err.offset) from err
    pieces: list[Piece] = []
    current: list[Tok] = []
    relation = ""
    depth = 0
    statement: list[Piece] = []
    declaration: Declaration | None = None
    remark: int | None = None  # after `a = b \in [0, 1]`: the range of the last side, a remark that is no side of its own
    toks = _split_listed_statements(toks)
    for t in [*toks, Tok("SPLIT", "", len(text))]:
        if t.type in _OPEN:
            depth += 1
        elif t.type in _CLOSE:
            depth = max(depth - 1, 0)  # a stray closing bracket must not hide the relations after it
        end = t.type == "SPLIT" and t.offset >= len(text)
        if t.type in ("IN", "SIM", "MAPSTO", "COLON") and depth == 0:
            if statement and declaration is None and remark is None:
                # D^*(x) = p/(p + q) \in [0, 1]: the statement relates; what follows \in is a remark on the
                # last side (its range), not a declaration of the whole statement
                remark = t.offset
            elif remark is None:
                # x \sim p, y \in (0, 1), y \mapsto f(y), f : X → R: a declaration, not a step
                declaration = declaration or Declaration(t.value, t.offset)
        if t.type == "SPLIT" and depth > 0 and not end:
            continue
        if remark is not None and t.type != "SPLIT":
            continue
        if t.type == "SPLIT":
            # the end of the text closes the statement even inside an unclosed bracket (a typo such as
            # `[\log(1 - D(x)]`): its sides are checked, the broken one reported unparsed
            statement.append(_piece(relation, current, text, t.offset if remark is None else remark))
            remark = None
            if declaration is None:
                pieces += statement
            elif not pieces:
                pass
            statement, current, relation = [], [], "split"
            if declaration is not None and not pieces and t.offset >= len(text):
                raise declaration
            declaration = None
            continue
        if t.type == "REL" and depth == 0:
            statement.append(_piece(relation, current, text, t.offset))
            relation, current = t.value, []
            continue
        current.append(t)
    return pieces


def _split_listed_statements(toks: list[Tok]) -> list[Tok]:
    """``\\tilde{x} = D(x), A = p_r(x), B = p_g(x)``: a top-level comma after a relation, followed by a short name
    and a relation, separates statements (Weng's labels); a comma inside a side (``f(a, b)``) never does."""
    out = list(toks)
    depth, seen_rel = 0, False
    for k, t in enumerate(toks):
        if t.type in _OPEN:
            depth += 1
        elif t.type in _CLOSE:
            depth = max(depth - 1, 0)
        elif t.type == "REL" and depth == 0:
            seen_rel = True
        elif t.type == "SPLIT":
            seen_rel = False
        elif t.type == "COMMA" and depth == 0 and seen_rel:
            ahead = toks[k + 1:k + 10]
            rel = next((n for n, u in enumerate(ahead) if u.type == "REL"), None)
            if rel and ahead[0].type == "IDENT" and all(
                    u.type in ("IDENT", "USCORE", "CARET", "LBRACE", "RBRACE", "NUM", "STAR", "PRIME")
                    for u in ahead[:rel]):
                out[k] = Tok("SPLIT", ",", t.offset)
                seen_rel = False
    return out


# Layout at the end of a side that belongs to neither side: spacing, \\label/\\tag/\\nonumber.
_TRAILING_NOISE = re.compile(r"(?:\s|\\[,;:! ]|\\q?quad\b|\\(?:nonumber|notag)\b"
                             r"|\\(?:label|tag\*?|hspace\*?)\s*\{[^{}]*\})+$")


def _piece(relation: str, toks: list[Tok], text: str, stop: int) -> Piece:
    """The side made of ``toks``; ``stop`` is the offset of the token that ends it (a relation, a split).

    The side's text runs from its first token to where the next token starts, less trailing layout and
    sentence punctuation: a token's value is not its source text (``\\,dx`` is one ``DIFF`` token whose
    value is ``x``, ``\\pi`` an ``IDENT`` ``π``), so its length cannot say where the side ends.
    """
    # trailing punctuation of a sentence: "… dx ." / "… ,"
    while toks and toks[-1].type in ("DOT", "COMMA", "SEMI"):
        stop = toks[-1].offset
        toks = toks[:-1]
    while toks and toks[0].type in ("COMMA",):
        toks = toks[1:]
    if not toks:
        return Piece(relation, 0, 0, ())
    start = toks[0].offset
    end = max(stop, start + 1)
    m = _TRAILING_NOISE.search(text, start, end)
    if m and m.start() > start:
        end = m.start()
    return Piece(relation, start, end, tuple(toks))


def parse_expression(toks: tuple[Tok, ...]) -> Tree:
    """The lark tree of one expression. Raises :class:`ParseError` naming the token not understood."""
    if not toks:
        raise ParseError("an empty side", 0)
    try:
        return _parser().parse(list(toks))  # type: ignore[arg-type]
    except UnexpectedInput as err:
        tok = getattr(err, "token", None)
        if tok is not None and getattr(tok, "type", "") == "$END":
            return_offset = toks[-1].offset
            raise ParseError("the formula ends too early (an unclosed bracket or operator)", return_offset) from err
        offset = getattr(tok, "start_pos", None)
        if offset is None:
            offset = toks[0].offset
        value = getattr(tok, "value", "?")
        raise ParseError(f"unexpected {value!r} ({getattr(tok, 'type', '?')})", int(offset)) from err
    except LarkError as err:
        raise ParseError(str(err).splitlines()[0], toks[0].offset) from err
