"""Sweep files (TOML) and the `sweep` subcommand."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gantheory.cli import main
from gantheory.errors import GanTheoryError
from gantheory.sweeps.config import load_sweep_file

FILE = """
task = "dirac_gan"
pack_size = 3
[grid]
regularizer = ["r1", "null"]
gamma = 1.0
lr = {geomspace = [0.1, 10.0, 3]}
steps = 20
seed = {range = 2}
"""


def test_sweep_file_axes(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(FILE)
    f = load_sweep_file(path)
    assert f.task == "dirac_gan" and f.pack_size == 3 and len(f.specs) == 12
    assert {s["regularizer"] for s in f.specs} == {"r1", None}
    assert sorted({s["lr"] for s in f.specs}) == pytest.approx([0.1, 1.0, 10.0], rel=1e-15)
    assert {s["seed"] for s in f.specs} == {0, 1}


@pytest.mark.parametrize(("text", "match"), [("task = 'dirac_gan'", r"\[grid\]"),
                                             ("task = 'x'\n[grid]\nlr = {logspace = [1, 2, 3]}", "'lr'"),
                                             ("task = [", "not valid TOML")])
def test_malformed_sweep_files_are_refused(tmp_path, text, match):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(GanTheoryError, match=match):
        load_sweep_file(path)


def test_cli_sweep_writes_records_and_report_and_resumes(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(FILE)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "12 records" in captured.out and "ETA" in captured.err and "ETA" not in captured.out
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert len(records) == 12 and {r["status"] for r in records} <= {"ok", "diverged"}
    html = (out / "report.html").read_text()
    assert "<svg" in html and "predicted boundary" in html
    assert main(["sweep", str(path), "--resume", str(out)]) == 0
    assert len((out / "records.jsonl").read_text().splitlines()) == 12  # nothing ran twice


def test_cli_sweep_usage_errors(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(FILE.replace("dirac_gan", "dirac_gn"))
    assert main(["sweep", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "did you mean dirac_gan" in capsys.readouterr().err
    assert main(["sweep", str(path), "--workers", "2", "--dask", "local"]) == 2  # one back-end at a time


def test_importing_sweeps_is_light():
    code = ("import sys, gantheory.sweeps; print(any(m in sys.modules for m in ('torch', 'numpy', 'sympy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_cli_refuses_an_output_folder_with_records_and_a_missing_file(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(FILE)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["sweep", str(path), "--out", str(out)]) == 2  # a second run does not pile records up
    assert "--resume" in capsys.readouterr().err
    assert len((out / "records.jsonl").read_text().splitlines()) == 12
    missing = tmp_path / "missing.toml"
    assert main(["sweep", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "missing.toml" in err and "internal error" not in err and "Traceback" not in err


def test_cli_resume_truncates_a_torn_line_and_says_so(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(FILE)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out)]) == 0
    records = out / "records.jsonl"
    lines = records.read_text().splitlines()
    records.write_text("\n".join(lines[:7]) + "\n" + lines[7][:20])  # interrupted while writing the 8th
    capsys.readouterr()
    assert main(["sweep", str(path), "--resume", str(out)]) == 0
    assert "torn" in capsys.readouterr().err
    assert [json.loads(line)["key"] for line in records.read_text().splitlines()][:7] == \
        [json.loads(line)["key"] for line in lines[:7]]
    assert len(records.read_text().splitlines()) == 12


NEG = """
task = "dirac_gan"
[grid]
loss = "standard"
regularizer = "r1"
gamma = [-0.5, 0.0, 1.0]
lr = [0.1, -1.0, 0.0]
steps = 50
seed = [0]
"""
FIXED = NEG.replace("gamma = [-0.5, 0.0, 1.0]", "gamma = [1.0]").replace("lr = [0.1, -1.0, 0.0]", "lr = [0.1]")


def test_cli_sweep_bad_specs_are_their_own_errors_and_resume_reruns_errors(tmp_path, capsys):
    """Review r4 finding 6 (its sweep_neg.toml / sweep_neg_fixed.toml): the six specs with lr ≤ 0 are errors
    (exit 1) and the three with lr = 0.1 are results; a records file where the valid spec was recorded as an
    error (as the old packing left it) is run again by --resume with the fixed file: exit 0, one line per
    spec. Negative control: resuming the bad file again re-runs its errors, which stay errors: exit 1."""
    neg, fixed, out = tmp_path / "neg.toml", tmp_path / "fixed.toml", tmp_path / "out"
    neg.write_text(NEG)
    fixed.write_text(FIXED)
    assert main(["sweep", str(neg), "--out", str(out)]) == 1
    recs = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert sorted(r["status"] for r in recs) == ["error"] * 6 + ["ok"] * 3
    assert all("'lr'" in r["failure"]["reason"] for r in recs if r["status"] == "error")
    # the old poisoning, as the reviewer's file had it: the valid spec's line is an error
    poisoned = [{**r, "status": "error", "result": None} if r["spec"]["lr"] == 0.1 and r["spec"]["gamma"] == 1.0
                else r for r in recs]
    (out / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in poisoned))
    capsys.readouterr()
    assert main(["sweep", str(fixed), "--resume", str(out)]) == 0
    captured = capsys.readouterr()
    assert "1 records (ok 1)" in captured.out and "run again" in captured.err
    assert len((out / "records.jsonl").read_text().splitlines()) == 9
    assert main(["sweep", str(neg), "--resume", str(out)]) == 1
    assert len((out / "records.jsonl").read_text().splitlines()) == 9
