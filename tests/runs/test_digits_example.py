"""The digits example (examples/digits_gan.py) runs end to end in a short version and writes its figure."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

pytest.importorskip("sklearn")
pytest.importorskip("torch")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "digits_gan.py"


def _load():
    spec = importlib.util.spec_from_file_location("digits_gan", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_digits_example_short_run(tmp_path):
    out = tmp_path / "digits.png"
    summary = _load().main(["--steps", "60", "--eval-every", "20", "--window", "2", "--out", str(out)])
    assert summary["divergence"] == "jsd" and summary["updates"] == 4
    assert 0.0 <= summary["lower_bound"] <= summary["estimate"] <= 0.7
    # 60 steps: D is barely trained, so its C2ST has little power yet; the test (on the last update: the
    # held-out set is fixed) and the alarms are reported
    from gantheory.runs import ALARMS

    assert summary["c2st"]["n"] == 1000 and 0.0 <= summary["c2st"]["p_value"] <= 1.0
    assert {a["code"] for a in summary["alarms"]} <= set(ALARMS)
    assert out.stat().st_size > 5000 and json.loads(out.with_suffix(".json").read_text())["updates"] == 4


def test_digits_split_is_held_out():
    train, held = _load().load_digits_split()
    assert len(train) + len(held) == 1797 and len(held) == 500
    assert float(train.min()) >= -1.0 and float(train.max()) <= 1.0
