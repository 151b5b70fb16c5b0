"""report.md (gantheory.report.markdown): tables with the right columns, every claim and lens."""

from __future__ import annotations

import re

from gantheory import report
from gantheory.results import LENSES


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row; ``\\|`` is an escaped pipe inside a cell."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def _table(md: str, header_start: str) -> list[list[str]]:
    lines = md.splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[i:]:
        if not line.startswith("|"):
            break
        rows.append(_cells(line))
    return rows


def test_markdown_lists_claims_lenses_and_margin(doc):
    md = report.to_markdown(doc)
    assert "| [toy](#toy) |" in md
    assert "exceeds 0.1" in md
    assert "Not applicable: not an identity" in md


def test_claims_table_has_a_column_per_lens(two_claims):
    md = report.to_markdown(two_claims)
    header, rule, *rows = _table(md, "| claim |")
    assert header == ["claim", "source", *LENSES, "status"]
    assert len(rule) == len(header)
    assert [r[0] for r in rows] == [f"[{c['id']}](#{c['id']})" for c in two_claims["claims"]]
    # the "|" inside a summary is escaped, so no row grows a column
    assert all(len(r) == len(header) for r in rows), rows
    assert any("a \\| pipe" in cell for r in rows for cell in r)


def test_measurement_tables_have_six_columns(two_claims):
    md = report.to_markdown(two_claims).splitlines()
    starts = [i for i, line in enumerate(md) if line.startswith("| check | measured |")]
    lenses = [lens for c in two_claims["claims"] for lens in c["lenses"] if lens.get("measurements")]
    assert len(starts) == len(lenses)  # one table per lens with measurements, in document order
    for i, lens in zip(starts, lenses, strict=True):
        header, rule, *rows = _table("\n".join(md[i:]), "| check |")
        assert header == ["check", "measured", "", "tolerance", "ok", "detail"] and len(rule) == 6
        assert len(rows) == len(lens["measurements"])
        for row, m in zip(rows, lens["measurements"], strict=True):
            assert len(row) == 6, row
            assert row[0] == m["name"].replace("|", "\\|")
            assert row[4] == "✓" if m["passed"] else row[4].startswith("✗")


def test_every_claim_has_a_section(two_claims):
    md = report.to_markdown(two_claims)
    for c in two_claims["claims"]:
        assert f"## {c['id']}" in md
        for lens in c["lenses"]:
            assert f"### {lens['lens']} — " in md


def test_selftest_table_lists_every_control(selftest_doc):
    md = report.to_markdown(selftest_doc)
    header, _, *rows = _table(md, "| claim | control |")
    assert header == ["claim", "control", "lens", "refuted", "margin", "how"]
    assert [r[3] for r in rows] == ["yes", "**NO**"]
