"""`python -m verify runs PATH`: formats, files, exit codes."""

from __future__ import annotations

import json
import math

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
