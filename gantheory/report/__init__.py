"""Reports: turn claim results (data) into JSON, a terminal table, Markdown and self-contained HTML.

Nothing here computes mathematics; figures are drawn from the data series the claims recorded.

- :mod:`gantheory.report.document` — the versioned JSON document (schema ``gantheory.report/1``);
- :mod:`gantheory.report.text` — the rich terminal table;
- :mod:`gantheory.report.markdown` — ``report.md``;
- :mod:`gantheory.report.html` — ``report.html`` with inline SVG figures (works offline).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gantheory.report.document import SCHEMA, claim_entry, control_entry, make_document, overall_status
from gantheory.report.markdown import to_markdown

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "SCHEMA",
    "claim_entry",
    "control_entry",
    "make_document",
    "overall_status",
    "render_figures",
    "render_text",
    "to_html",
    "to_markdown",
]


def to_html(document: dict, svgs: dict | None = None) -> str:
    from gantheory.report.html import to_html as _to_html

    return _to_html(document, svgs)


def render_figures(figures: list[dict]) -> dict:
    """Draw figure specs to SVG strings keyed by figure id (matplotlib; slow, so the CLI does it in workers)."""
    from gantheory.report.html import render_figures as _render

    return _render(figures)


def render_text(document: dict, console: Console | None = None) -> None:
    from gantheory.report.text import render_text as _render

    _render(document, console)
