"""``python -m verify check``: formats and exit codes 0 (no wrong step), 1 (a refuted or ill-formed step),
2 (usage error)."""

from __future__ import annotations

import json
from pathlib import Path

from gantheory.cli import EXIT_OK, EXIT_REFUTED, EXIT_USAGE, main

GOOD = "$$\\log(ab) = \\log a + \\log b$$\n"
BAD = "$$\\log(ab) = \\log a - \\log b$$\n"


def test_exit_codes_and_json(tmp_path, capsys):
    good, bad = tmp_path / "good.md", tmp_path / "bad.tex"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    assert main(["check", str(good)]) == EXIT_OK
    capsys.readouterr()
    assert main(["check", str(good), str(bad), "--format", "json"]) == EXIT_REFUTED
    data = json.loads(capsys.readouterr().out)  # json prints only JSON
    assert [d["first_wrong"] for d in data["documents"]] == [None, 0]
    assert main(["check", str(tmp_path / "missing.md")]) == EXIT_USAGE
    assert main(["check", str(good), "--format", "pdf"]) == EXIT_USAGE


def test_out_writes_every_format(tmp_path, capsys):
    bad = tmp_path / "bad.md"
    bad.write_text(BAD, encoding="utf-8")
    out = tmp_path / "report"
    assert main(["check", str(bad), "--out", str(out)]) == EXIT_REFUTED
    assert "✗" in capsys.readouterr().out
    assert {p.name for p in out.iterdir()} == {"check.json", "check.md", "check.html"}


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path):
    """`python -m verify check … | head` printed a BrokenPipeError traceback and "internal error" (review 4)."""
    import subprocess
    import sys

    doc = tmp_path / "wrong.md"
    doc.write_text("$$\\log(ab) = \\log a - \\log b$$\n")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-m", "verify", "check", str(doc)], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the report is printed
    _, err = proc.communicate(timeout=300)
    assert b"Traceback" not in err and b"internal error" not in err, err.decode()
    assert proc.returncode == 1  # the exit code still says a step is refuted
