"""The terminal table (rich): one row per claim, one column per lens with its key figure."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

from gantheory.results import LENSES

STYLE = {"pass": "green", "fail": "bold red", "error": "yellow", "skipped": "dim"}
MARK = {"pass": "✓", "fail": "✗", "error": "!", "skipped": "–"}


def _lens_cell(lens):
    from rich.text import Text

    status = lens["status"]
    head = Text(f"{MARK[status]} {status}", style=STYLE[status])
    body = lens.get("summary") or ""
    if status == "skipped":
        body = lens.get("reason") or body
    elif status == "error" and not body:
        body = (lens.get("error") or "").strip().splitlines()[-1:] and lens["error"].strip().splitlines()[-1]
    if len(body) > 110:
        body = body[:107] + "…"
    return Text.assemble(head, "\n", Text(body, style="dim" if status == "skipped" else ""))


def render_text(doc: dict, console: Console | None = None) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = console or Console(file=sys.stdout, width=None if sys.stdout.isatty() else 160)
    if doc.get("negative_controls") is not None and not doc["claims"]:
        _render_controls(doc, console)
        return
    table = Table(title=f"gantheory proof-check — profile {doc.get('profile')}, seed {doc.get('seed')}, "
                        f"device {doc.get('device', {}).get('resolved')}", show_lines=True, expand=False)
    table.add_column("claim", style="bold", min_width=26, max_width=34)
    for name in LENSES:
        table.add_column(name, ratio=1)
    table.add_column("status", no_wrap=True)
    for c in doc["claims"]:
        by = {lens["lens"]: lens for lens in c["lenses"]}
        table.add_row(f"{escape(c['id'])}\n[dim]{escape(c['source'])}[/dim]", *(_lens_cell(by[n]) if n in by else "" for n in LENSES),
                      f"[{STYLE[c['status']]}]{MARK[c['status']]} {c['status']}[/]")
    console.print(table)
    problems = [(c["id"], lens) for c in doc["claims"] for lens in c["lenses"] if lens["status"] in ("fail", "error")]
    for claim_id, lens in problems:
        what = lens.get("margin") or lens.get("summary") or ""
        if lens["status"] == "error":
            what = (lens.get("error") or what).strip().splitlines()[-1]
        console.print(f"[{STYLE[lens['status']]}]{lens['status'].upper()}[/] {claim_id} / {lens['lens']}: {escape(what)}",
                      highlight=False)
    if doc.get("negative_controls") is not None:
        st = doc["selftest"]  # pragma: no cover - a document has either claims or controls
        console.print(f"negative controls refuted: {st['refuted']}/{st['controls']}", highlight=False)
        for c in doc["negative_controls"]:
            if not c["refuted"]:
                r = c["result"]
                console.print(f"[bold red]NOT REFUTED[/] {c['claim']} / {c['lens']} / {c['name']}: "
                              f"{r['status']} — {escape(r.get('summary') or r.get('error', ''))}", highlight=False)
    s = doc.get("summary", {})
    console.print(f"[{STYLE[doc['status']]}]{doc['status'].upper()}[/]: "
                  + ", ".join(f"{v} {k}" for k, v in s.items() if v) + f" in {doc.get('wall_seconds', 0):.1f} s",
                  highlight=False)


def _render_controls(doc: dict, console) -> None:
    """``selftest``: one row per negative control; each must be refuted (its check says fail)."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"negative controls — profile {doc.get('profile')}, seed {doc.get('seed')}", show_lines=False)
    from gantheory.report.document import margin_text

    for col in ("claim", "control", "lens", "verdict", "margin", "how it was refuted"):
        table.add_column(col, overflow="fold")
    for c in doc["negative_controls"]:
        r = c["result"]
        verdict = "[green]✓ refuted[/]" if c["refuted"] else f"[bold red]✗ NOT refuted ({r['status']})[/]"
        how = r.get("summary") or r.get("error", "")
        table.add_row(escape(c["claim"]), escape(c["description"]), c["lens"], verdict,
                      margin_text(c.get("margin_ratio")), escape(how[:140] + ("…" if len(how) > 140 else "")))
    console.print(table)
    st = doc["selftest"]
    style = "green" if st["passed"] else "bold red"
    console.print(f"[{style}]selftest {'PASS' if st['passed'] else 'FAIL'}[/]: {st['refuted']}/{st['controls']} negative "
                  f"controls refuted in {doc.get('wall_seconds', 0):.1f} s"
                  + (f"; {st['near_misses']} near misses; smallest margin {margin_text(st['smallest_margin']['ratio'])} "
                     f"({st['smallest_margin']['claim']} / {st['smallest_margin']['control']})"
                     if st.get("smallest_margin") else ""), highlight=False)
