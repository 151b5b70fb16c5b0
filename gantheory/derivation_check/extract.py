"""Math out of a document: display and inline math with the line/column of every character.

Recognised (in Markdown, LaTeX or HTML files of any extension): ``$$…$$``, ``\\[…\\]``, ``\\(…\\)``,
``$…$`` and the environments ``equation``, ``align``, ``aligned``, ``eqnarray``, ``gather``, ``multline``,
``split`` (starred or not), also inside HTML tags. Fenced code blocks are skipped. Markdown escapes are
undone when a block shows them (``\\_``, ``\\*``, a doubled backslash before a command, ``\\\\\\\\`` as a row
break). Rows of a multi-line block are split at top-level ``\\\\``; ``&`` is dropped; a row that starts
with a relation continues the chain of the row above (``&= …``), a row that starts with ``+``/``-``
— or follows a row that ends with an operator or a relation (``… dx + \\\\ &\\qquad \\int …``) —
continues its expression, any other row starts a new chain. The document's own commands
(``\\newcommand``, ``\\def``, ``\\DeclareMathOperator``) are expanded inside math.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = ["MathChain", "extract", "macros", "math_blocks"]

_ENVS = ("equation", "align", "aligned", "alignat", "eqnarray", "gather", "gathered", "multline", "split",
         "flalign", "displaymath", "math", "array")
_REL_START = re.compile(r"\s*(=|<|>|\\le(q|qslant)?\b|\\ge(q|qslant)?\b|\\neq?\b|\\approx\b|\\to\b|"
                        r"\\(long)?rightarrow\b|\\Rightarrow\b|\\implies\b|\\iff\b|\\triangleq\b|:=|"
                        r"\\coloneqq\b|\\overset|\\stackrel|\\xrightarrow|\\equiv\b|\\Longleftrightarrow\b|"
                        r"\\Leftrightarrow\b|\\propto\b|\\simeq\b|\\leqslant\b|\\geqslant\b)")
_CONT_START = re.compile(r"\s*(\+|-(?!>)|\\cdot\b|\\times\b)")
#: a row that ends with an operator or a relation is not finished: the next row continues it (`… dx + \\`)
_OPEN_END = re.compile(r"(\+|-|\\cdot|\\times|\\pm|=|\\le(q|qslant)?|\\ge(q|qslant)?|<|>)\s*$")
#: layout at the start or end of a row, which says nothing about how the row relates to its neighbours
_LEAD_LAYOUT = re.compile(r"^(?:\s|\\q?quad\b|\\hspace\*?\{[^{}]*\}|\\[,;:! ]|\\phantom\{[^{}]*\})*")
_TRAIL_LAYOUT = re.compile(r"(?:\s|\\q?quad\b|\\[,;:! ]|\\(?:nonumber|notag)\b|\\(?:label|tag\*?)\{[^{}]*\})*$")


@dataclass(frozen=True)
class MathChain:
    """One chain of relations as written: ``text`` with ``positions[i]`` = (line, column) of ``text[i]``
    (1-based). ``display`` is False for inline ``$…$`` math."""

    text: str
    positions: tuple[tuple[int, int], ...]
    display: bool = True
    start: int = 0  # offset in the document of the chain's first character (the prose around it is read by .prose)
    #: only in a document with its own macros: each character's source span (an expansion's characters span the
    #: macro as written), so a step's sides can be quoted as written
    source: tuple[tuple[int, int], ...] = ()

    def as_written(self, document: str, start: int, end: int) -> str:
        """``self.text[start:end]`` as the document writes it (macros unexpanded), stripped."""
        text = self.text[start:end]
        if not self.source or not text.strip():
            return text.strip()
        a = start + len(text) - len(text.lstrip())
        b = end - (len(text) - len(text.rstrip()))
        return document[self.source[a][0]:self.source[b - 1][1]].strip()

    def position(self, offset: int) -> tuple[int, int]:
        if not self.positions:
            return (1, 1)
        return self.positions[min(max(offset, 0), len(self.positions) - 1)]


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


class _Pos:
    def __init__(self, text: str) -> None:
        self.starts = _line_starts(text)

    def __call__(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return (lo + 1, offset - self.starts[lo] + 1)


def _code_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in re.finditer(r"^(```|~~~).*?^\1[^\n]*$", text, flags=re.M | re.S):
        spans.append((m.start(), m.end()))
    return spans


def _blocks(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, display) of the math content of every block, in document order."""
    code = _code_spans(text)
    out: list[tuple[int, int, bool]] = []
    i, n = 0, len(text)
    env_open = re.compile(r"\\begin\{(" + "|".join(_ENVS) + r")(\*?)\}")
    while i < n:
        if any(a <= i < b for a, b in code):
            i = next(b for a, b in code if a <= i < b)
            continue
        ch = text[i]
        if text.startswith("\\\\[", i) or text.startswith("\\\\(", i):  # Markdown-escaped \[ \(
            close = "\\\\]" if text[i + 2] == "[" else "\\\\)"
            j = text.find(close, i + 3)
            if j < 0:
                i += 3
                continue
            out.append((i + 3, j, text[i + 2] == "["))
            i = j + 3
            continue
        if text.startswith("\\[", i) or text.startswith("\\(", i):
            close = "\\]" if text[i + 1] == "[" else "\\)"
            j = text.find(close, i + 2)
            if j < 0:
                i += 2
                continue
            out.append((i + 2, j, text[i + 1] == "["))
            i = j + 2
            continue
        m = env_open.match(text, i)
        if m:
            end_tag = f"\\end{{{m.group(1)}{m.group(2)}}}"
            j = text.find(end_tag, m.end())
            if j < 0:
                i = m.end()
                continue
            out.append((m.end(), j, True))
            i = j + len(end_tag)
            continue
        if text.startswith("$$", i):
            j = text.find("$$", i + 2)
            if j < 0:
                i += 2
                continue
            out.append((i + 2, j, True))
            i = j + 2
            continue
        if ch == "$" and (i == 0 or text[i - 1] != "\\"):
            j = i + 1
            while j < n and not (text[j] == "$" and text[j - 1] != "\\"):
                if text[j] == "\n" and j + 1 < n and text[j + 1] == "\n":
                    break
                j += 1
            if j < n and text[j] == "$":
                out.append((i + 1, j, False))
                i = j + 1
                continue
            i += 1
            continue
        i += 1
    return out


def math_blocks(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, display) of the math content of every block of ``text``, in document order."""
    return _blocks(text)


def _escaped(body: str) -> bool:
    return "\\_" in body or "\\\\\\\\" in body or bool(re.search(r"\\\\(?:mathbb|frac|log|int|sum|left|right|begin)", body))


def _unescape(chars: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Undo Markdown escapes on (char, offset) pairs."""
    out: list[tuple[str, int]] = []
    i = 0
    s = "".join(c for c, _ in chars)
    while i < len(chars):
        if s.startswith("\\\\\\\\", i):
            out += chars[i:i + 2]
            i += 4
            continue
        if s.startswith("\\\\", i) and i + 2 < len(s) and (s[i + 2].isalpha() or s[i + 2] in "{},;!|[]() "):
            out.append(chars[i])
            i += 2
            continue
        if s.startswith("\\_", i) or s.startswith("\\*", i):
            out.append(chars[i + 1])
            i += 2
            continue
        out.append(chars[i])
        i += 1
    return out


def _escaped_at(s: str, i: int) -> bool:
    """Whether ``s[i]`` is escaped: an odd run of backslashes before it (``\\&`` is an ampersand, ``\\\\&``
    a row break followed by an alignment mark)."""
    k = i
    while k > 0 and s[k - 1] == "\\":
        k -= 1
    return (i - k) % 2 == 1


def _split_rows(chars: list[tuple[str, int]]) -> list[list[tuple[str, int]]]:
    rows: list[list[tuple[str, int]]] = [[]]
    depth = 0
    i = 0
    s = "".join(c for c, _ in chars)
    while i < len(chars):
        c = s[i]
        if c == "{" and (i == 0 or s[i - 1] != "\\"):
            depth += 1
        elif c == "}" and (i == 0 or s[i - 1] != "\\"):
            depth -= 1
        if depth <= 0 and s.startswith("\\\\", i):
            rows.append([])
            i += 2
            # optional spacing argument of a row break: \\[2pt]
            m = re.match(r"\s*\[[^\]]*?(pt|em|ex|mm|cm)\]", s[i:])
            if m:
                i += m.end()
            continue
        if c == "&" and depth <= 0 and not _escaped_at(s, i) and not re.match(r"&(lt|gt|amp|nbsp);", s[i:i + 6]):
            i += 1
            continue
        rows[-1].append(chars[i])
        i += 1
    return rows


_MACRO_DEF = re.compile(r"\\(?:(?:re)?newcommand|providecommand|DeclareMathOperator)\*?\s*\{?\s*\\([A-Za-z]+)\s*\}?"
                        r"\s*(?:\[(\d)\])?\s*\{|\\def\s*\\([A-Za-z]+)\s*((?:#\d)*)\s*\{")


def _braced(text: str, i: int) -> tuple[str, int] | None:
    """The content of the brace group whose ``{`` is at ``text[i - 1]``, and the offset after its ``}``."""
    depth = 1
    for k in range(i, len(text)):
        if text[k] == "{" and text[k - 1] != "\\":
            depth += 1
        elif text[k] == "}" and text[k - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[i:k], k + 1
    return None


def macros(text: str) -> dict[str, tuple[int, str]]:
    """The document's own commands: ``\\newcommand{\\x}{\\mathbf{x}}``, ``\\newcommand{\\KL}[2]{…#1…#2}``,
    ``\\def\\E{\\mathbb{E}}``, ``\\DeclareMathOperator{\\JSD}{JSD}`` → {name: (number of arguments, body)}."""
    out: dict[str, tuple[int, str]] = {}
    for m in _MACRO_DEF.finditer(text):
        got = _braced(text, m.end())
        if got is None:
            continue
        body = got[0]
        if m.group(1):
            nargs = int(m.group(2) or 0)
            if m.group(0).lstrip("\\").startswith("DeclareMathOperator"):
                body = "\\operatorname{" + body + "}"
            out[m.group(1)] = (nargs, body)
        else:
            out[m.group(3)] = (len(m.group(4)) // 2, body)
    return out


_MACRO_ENDS: dict[int, int] = {}  # during one extract(): source offset of an expanded macro → its end


def _expand(chars: list[tuple[str, int]], defs: dict[str, tuple[int, str]]) -> list[tuple[str, int]]:
    """Macros replaced by their bodies (arguments substituted); every character of an expansion is placed at
    the macro's own position. Nested macros expand too (a bounded number of rounds)."""
    if not defs:
        return chars
    pattern = re.compile(r"\\(" + "|".join(sorted(map(re.escape, defs), key=len, reverse=True)) + r")(?![A-Za-z])")
    for _ in range(8):
        s = "".join(c for c, _ in chars)
        m = pattern.search(s)
        if m is None:
            return chars
        out: list[tuple[str, int]] = []
        last = 0
        while m is not None:
            nargs, body = defs[m.group(1)]
            end = m.end()
            args = []
            for _k in range(nargs):
                j = end
                while j < len(s) and s[j] == " ":
                    j += 1
                if j < len(s) and s[j] == "{":
                    got = _braced(s, j + 1)
                    if got is None:
                        break
                    args.append(got[0])
                    end = got[1]
                elif j < len(s):
                    args.append(s[j])
                    end = j + 1
            text = body
            for k, a in enumerate(args, 1):
                text = text.replace(f"#{k}", a)
            at = chars[m.start()][1]
            _MACRO_ENDS[at] = chars[end - 1][1] + 1 if end - 1 < len(chars) else at + 1
            out += chars[last:m.start()] + [(c, at) for c in text]
            last = end
            m = pattern.search(s, end)
        chars = out + chars[last:]
    return chars


_INNER_ENV = re.compile(r"\\(begin|end)\{(" + "|".join(_ENVS) + r")\*?\}(\{[^}]*\})?")


def extract(text: str) -> list[MathChain]:
    """Every chain of math in ``text`` with positions (see the module docstring)."""
    pos = _Pos(text)
    chains: list[MathChain] = []
    current: list[tuple[str, int]] = []
    inline: list[MathChain] = []
    defs = macros(text)
    _MACRO_ENDS.clear()
    for start, end, display in _blocks(text):
        body = text[start:end]
        chars = [(c, start + k) for k, c in enumerate(body)]
        if _escaped(body):
            chars = _unescape(chars)
        chars = _expand(chars, defs)
        s = "".join(c for c, _ in chars)
        # drop inner \begin{aligned} … markers (the rows are split below)
        keep = [True] * len(chars)
        for m in _INNER_ENV.finditer(s):
            for k in range(m.start(), m.end()):
                keep[k] = False
        chars = [c for c, k in zip(chars, keep, strict=True) if k]
        if not display:
            # an inline formula is a chain of its own (a pending display chain may continue after it)
            row = [c for r in _split_rows(chars) for c in r]
            if "".join(c for c, _ in row).strip():
                inline.append(_chain(row, pos, False))
            continue
        first_row = True
        open_end = False  # the previous row of this block ended with an operator or a relation
        for row in _split_rows(chars):
            row_text = "".join(c for c, _ in row)
            if not row_text.strip():
                continue
            lead = _LEAD_LAYOUT.match(row_text).end()
            body = row_text[lead:]
            continues = _REL_START.match(body) or (not first_row and (_CONT_START.match(body) or open_end))
            first_row = False
            trimmed = _TRAIL_LAYOUT.sub("", body)
            open_end = bool(_OPEN_END.search(trimmed))
            if current and continues:
                # leading layout of a continuation row (`&\qquad \int …`) is dropped: it is no side remark
                current += [(" ", row[0][1]), *row[lead:]]
                continue
            if current:
                chains.append(_chain(current, pos, True))
            current = list(row)
    if current:
        chains.append(_chain(current, pos, True))
    return sorted(chains + inline, key=lambda c: c.positions[0] if c.positions else (0, 0))


def _chain(chars: list[tuple[str, int]], pos: _Pos, display: bool) -> MathChain:
    s = "".join(c for c, _ in chars)
    # HTML entities inside math (&lt; &gt; &amp;) are decoded; positions follow the entity's first char
    out_c: list[str] = []
    out_p: list[tuple[int, int]] = []
    i = 0
    while i < len(s):
        m = re.match(r"&(lt|gt|amp|nbsp|le|ge);", s[i:])
        if m:
            out_c.append(html.unescape(m.group(0)).replace("\xa0", " "))
            out_p.append(pos(chars[i][1]))
            i += m.end()
            continue
        out_c.append(s[i])
        out_p.append(pos(chars[i][1]))
        i += 1
    source: tuple[tuple[int, int], ...] = ()
    if _MACRO_ENDS:
        src = []
        i = 0
        while i < len(s):
            m = re.match(r"&(lt|gt|amp|nbsp|le|ge);", s[i:])
            off = chars[i][1]
            src.append((off, _MACRO_ENDS.get(off, off + (m.end() if m else 1))))
            i += m.end() if m else 1
        source = tuple(src)
    return MathChain("".join(out_c), tuple(out_p), display, chars[0][1] if chars else 0, source)
