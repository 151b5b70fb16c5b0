"""`python -m verify runs PATH`: formats, files, exit codes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from gantheory.cli import EXIT_OK, EXIT_REFUTED, EXIT_USAGE, main

pd = pytest.importorskip("pandas")


def _csv(tmp_path, level):
    rng = np.random.default_rng(0)
    n = 3000
    pd.DataFrame({"step": np.arange(n), "d_loss": level + 0.05 * rng.standard_normal(n),
                  "g_loss": 0.7 + 0.05 * rng.standard_normal(n)}).to_csv(tmp_path / "metrics.csv", index=False)
    return str(tmp_path / "metrics.csv")


def test_runs_json_and_files(tmp_path, capsys):
    path = _csv(tmp_path, math.log(2))
    code = main(["runs", path, "--d-tag", "d_loss", "--g-tag", "g_loss", "--reduction", "pooled",
                 "--generator", "non_saturating", "--format", "json", "--out", str(tmp_path / "out")])
    doc = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK and doc["schema"] == "gantheory.runs/1"
    assert doc["equilibrium_d"] == pytest.approx(math.log(2)) and doc["heuristic"] is True
    for name in ("runs.json", "runs.md", "runs.html", "runs.png"):
        assert (tmp_path / "out" / name).stat().st_size > 100


def test_runs_alarm_exit_code_and_text(tmp_path, capsys):
    code = main(["runs", _csv(tmp_path, 1.8), "--d-tag", "d_loss"])
    out = capsys.readouterr().out
    assert code == EXIT_REFUTED and "above_equilibrium" in out


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_runs_formats(tmp_path, capsys, fmt):
    assert main(["runs", _csv(tmp_path, 1.2), "--d-tag", "d_loss", "--format", fmt]) == EXIT_OK
    assert ("# Run vs theory" if fmt == "md" else "<svg") in capsys.readouterr().out


def test_runs_usage_errors(tmp_path, capsys):
    path = _csv(tmp_path, 1.2)
    assert main(["runs", path, "--d-tag", "d_los"]) == EXIT_USAGE
    assert "did you mean d_loss" in capsys.readouterr().err
    assert main(["runs", path, "--d-tag", "d_loss", "--param", "margin"]) == EXIT_USAGE
    assert main(["runs", path]) == EXIT_USAGE


def test_runs_with_audited_loss_functions(tmp_path, capsys, monkeypatch):
    """--d-loss/--g-loss: the audit names the game (pooled BCE: standard at scale ½, equilibrium log 2)."""
    pytest.importorskip("torch")
    (tmp_path / "my_losses.py").write_text(
        "import torch\nimport torch.nn.functional as F\n"
        "def d_loss(r, f):\n"
        "    x = torch.cat([r, f]); y = torch.cat([torch.ones_like(r), torch.zeros_like(f)])\n"
        "    return F.binary_cross_entropy_with_logits(x, y)\n"
        "def g_loss(f):\n    return F.binary_cross_entropy_with_logits(f, torch.ones_like(f))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    path = _csv(tmp_path, 0.6)
    code = main(["runs", path, "--d-tag", "d_loss", "--g-tag", "g_loss", "--d-loss", "my_losses:d_loss",
                 "--g-loss", "my_losses:g_loss", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK and doc["convention"]["loss"] == "standard"
    assert doc["equilibrium_d"] == pytest.approx(math.log(2), abs=1e-9)
    assert doc["equilibrium_g"] == pytest.approx(math.log(2), abs=1e-9)  # non-saturating, found by the audit


def test_runs_input_problems_exit_2_with_a_message(tmp_path, capsys):
    """Review finding 9: missing file, empty file, unknown tag (listing the tags found): exit 2, a message,
    no traceback."""
    (tmp_path / "empty.csv").write_text("")
    path = _csv(tmp_path, 1.2)
    for argv, said in ((["runs", str(tmp_path / "empty.csv"), "--d-tag", "d"], "empty"),
                       (["runs", str(tmp_path / "nope.csv"), "--d-tag", "d"], "does not exist"),
                       (["runs", path, "--d-tag", "x"], "tags found: d_loss, g_loss")):
        assert main(argv) == EXIT_USAGE
        err = capsys.readouterr().err
        assert said in err and "Traceback" not in err


@pytest.mark.parametrize(("loss", "upper", "name"), [("standard", math.log(2), "jsd"), ("hinge", 1.0, "tv")])
def test_runs_impossible_loss_reports_null_estimate(tmp_path, capsys, loss, upper, name):
    """Review finding 1: d_loss = −0.5 (below every D's minimum): estimate null, bound ≤ 𝒟_max, alarm."""
    pd.DataFrame({"step": np.arange(100), "d_loss": np.full(100, -0.5)}).to_csv(tmp_path / "neg.csv", index=False)
    code = main(["runs", str(tmp_path / "neg.csv"), "--d-tag", "d_loss", "--loss", loss, "--format", "json"])
    s = json.loads(capsys.readouterr().out)["summary"]
    assert code == EXIT_REFUTED and s["divergence"] == name
    assert s["estimate"] is None and s["lower_bound"] == pytest.approx(upper)
    assert "below_minimum" in [a["code"] for a in s["alarms"]]


def test_runs_tensorboard_csv_export(tmp_path, capsys):
    """Review finding 5: TensorBoard's CSV export read through the CLI with the user's --d-tag."""
    rng = np.random.default_rng(0)
    pd.DataFrame({"Wall time": 1.6e9 + np.arange(200), "Step": 5 * np.arange(200),
                  "Value": 1.2 + 0.05 * rng.standard_normal(200)}).to_csv(tmp_path / "run.csv", index=False)
    assert main(["runs", str(tmp_path / "run.csv"), "--d-tag", "loss_D", "--format", "json"]) == EXIT_OK
    doc = json.loads(capsys.readouterr().out)
    assert doc["d_tag"] == "loss_D" and doc["d_loss"]["steps"][:3] == [0.0, 5.0, 10.0]


LOGS = Path(__file__).parent / "logs"  # real-shaped exports (review r4): Lightning metrics.csv, W&B scan_history


@pytest.mark.parametrize(("name", "d_tag", "g_tag", "first"), [
    ("lightning_nan.csv", "d_loss", "g_loss", 2049), ("wandb_history.jsonl", "train/d_loss", "train/g_loss", 300)])
def test_runs_nan_in_csv_and_wandb_is_reported_diverged(tmp_path, capsys, name, d_tag, g_tag, first):
    """Review r4 finding 5: a Lightning CSV and a W&B history whose losses turn NaN/inf gave no word and
    exit 0 (the readers dropped the values with the sparse rows' empty cells). Now: a ``diverged`` alarm
    (exit 1) in every format, the NaN kept out of the JSON. Negative control: the same Lightning run
    without its last two (NaN) rows exits 0 without it."""
    code = main(["runs", str(LOGS / name), "--d-tag", d_tag, "--g-tag", g_tag, "--format", "json",
                 "--out", str(tmp_path / "out")])
    doc = json.loads(capsys.readouterr().out)
    div = [a["message"] for a in doc["alarms"] if a["code"] == "diverged"]
    assert code == EXIT_REFUTED and div and f"first at step {first}" in div[0]
    for f in ("runs.md", "runs.html"):
        assert "the run diverged" in (tmp_path / "out" / f).read_text()
    assert main(["runs", str(LOGS / "lightning_metrics.csv"), "--d-tag", "d_loss", "--g-tag", "g_loss"]) == EXIT_OK
    assert "diverged" not in capsys.readouterr().out


def test_runs_md_and_html_show_the_notes(tmp_path, capsys):
    """Review r4 finding 5: runs.md and runs.html omitted ``notes`` (the text and JSON had them), e.g. the
    Lipschitz caveat of a Wasserstein critic. Negative control: a run without notes says none."""
    rng = np.random.default_rng(0)
    pd.DataFrame({"step": np.arange(300), "d_loss": -0.1 + 0.01 * rng.standard_normal(300)}).to_csv(
        tmp_path / "w.csv", index=False)
    main(["runs", str(tmp_path / "w.csv"), "--d-tag", "d_loss", "--loss", "wasserstein", "--out", str(tmp_path / "o")])
    capsys.readouterr()
    doc = json.loads((tmp_path / "o" / "runs.json").read_text())
    assert doc["notes"] and "Lipschitz" in doc["notes"][0]
    md, page = (tmp_path / "o" / "runs.md").read_text(), (tmp_path / "o" / "runs.html").read_text()
    assert "## Notes" in md and "K-Lipschitz" in md and "<h2>Notes</h2>" in page and "K-Lipschitz" in page
    main(["runs", _csv(tmp_path, 1.2), "--d-tag", "d_loss", "--format", "md"])
    out = capsys.readouterr().out
    assert "## Notes\n\nnone" in out and "Lipschitz" not in out


def test_runs_folder_of_tensorboard_csv_exports_takes_d_and_g(capsys):
    """Review r4 finding 9: `verify runs tbexport/ --d-tag Loss/D --g-tag Loss/G` (one exported CSV per tag)."""
    code = main(["runs", str(LOGS / "tbexport"), "--d-tag", "Loss/D", "--g-tag", "Loss/G", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK and doc["g_tag"] == "Loss/G" and len(doc["g_loss"]["values"]) == len(doc["d_loss"]["values"])
