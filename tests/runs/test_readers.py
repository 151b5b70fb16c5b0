"""Log readers on files the tests write themselves, with more than 10,000 points per tag (TensorBoard's
EventAccumulator would keep only 10,000 of them by default)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gantheory.errors import GanTheoryError
from gantheory.runs import read_log

N = 12_000
pd = pytest.importorskip("pandas")


def _values(n=N, seed=0):
    rng = np.random.default_rng(seed)
    return 1.2 + 0.1 * rng.standard_normal(n), 0.8 + 0.1 * rng.standard_normal(n)


def test_tensorboard_reads_every_point(tmp_path):
    pytest.importorskip("tbparse")
    tb = pytest.importorskip("torch.utils.tensorboard")
    d, g = _values()
    w = tb.SummaryWriter(str(tmp_path))
    for i in range(N):
        w.add_scalar("loss/d", d[i], i)
        w.add_scalar("loss/g", g[i], i)
    w.close()
    series = read_log(tmp_path, ["loss/d", "loss/g"])
    assert len(series["loss/d"]) == N and len(series["loss/g"]) == N
    np.testing.assert_allclose(series["loss/d"].values, d, rtol=1e-6)  # float32 in the event file
    assert series["loss/d"].steps[-1] == N - 1 and series["loss/d"].source == "tensorboard"


def test_lightning_metrics_csv_sparse_rows(tmp_path):
    d, g = _values()
    rows = []
    for i in range(N):  # Lightning writes one row per logging call: the other columns empty
        rows.append({"epoch": i // 1000, "step": i, "d_loss_step": d[i], "g_loss_step": None, "val_acc": None})
        rows.append({"epoch": i // 1000, "step": i, "d_loss_step": None, "g_loss_step": g[i], "val_acc": None})
    rows.append({"epoch": 11, "step": N, "d_loss_step": None, "g_loss_step": None, "val_acc": 0.5})
    pd.DataFrame(rows).to_csv(tmp_path / "metrics.csv", index=False)
    s = read_log(tmp_path / "metrics.csv", ["d_loss_step", "g_loss_step"])
    assert len(s["d_loss_step"]) == N and len(s["g_loss_step"]) == N
    np.testing.assert_array_equal(s["d_loss_step"].steps, np.arange(N))
    np.testing.assert_allclose(s["g_loss_step"].values, g, rtol=1e-12)


def test_keras_csvlogger_and_plain_csv(tmp_path):
    d, g = _values()
    pd.DataFrame({"epoch": np.arange(N), "d_loss": d, "g_loss": g}).to_csv(tmp_path / "training.log.csv", index=False)
    s = read_log(tmp_path / "training.log.csv", ["d_loss"])
    assert len(s["d_loss"]) == N and s["d_loss"].steps[5] == 5
    pd.DataFrame({"a": d, "b": g}).to_csv(tmp_path / "plain.csv", index=False)
    plain = read_log(tmp_path / "plain.csv")
    assert set(plain) == {"a", "b"} and plain["b"].steps[-1] == N - 1


def test_wandb_parquet_and_scan_history_json(tmp_path):
    pytest.importorskip("pyarrow")
    d, g = _values()
    df = pd.DataFrame({"_step": np.arange(N), "_runtime": np.arange(N) * 0.1, "D/loss": d, "G/loss": g})
    df.to_parquet(tmp_path / "history.parquet")
    s = read_log(tmp_path / "history.parquet", ["D/loss", "G/loss"])
    assert len(s["D/loss"]) == N and s["D/loss"].source == "wandb"
    rows = [{"_step": int(i), "D/loss": float(d[i])} for i in range(N)]
    (tmp_path / "scan.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    (tmp_path / "scan.json").write_text(json.dumps(rows))
    for name in ("scan.jsonl", "scan.json"):
        got = read_log(tmp_path / name, ["D/loss"])["D/loss"]
        assert len(got) == N
        np.testing.assert_allclose(got.values, d, rtol=1e-15)


def test_errors_name_the_parameter(tmp_path):
    pd.DataFrame({"step": [0, 1], "d_loss": [1.0, 2.0]}).to_csv(tmp_path / "m.csv", index=False)
    with pytest.raises(GanTheoryError, match="did you mean d_loss"):
        read_log(tmp_path / "m.csv", ["d_los"])
    with pytest.raises(GanTheoryError, match="does not exist"):
        read_log(tmp_path / "none.csv")
    (tmp_path / "x.txt").write_text("")
    with pytest.raises(GanTheoryError, match="format"):
        read_log(tmp_path / "x.txt")


def test_missing_dependency_is_a_dependency_error(tmp_path, monkeypatch):
    import sys

    from gantheory.errors import DependencyError

    monkeypatch.setitem(sys.modules, "tbparse", None)
    (tmp_path / "events.out.tfevents.1").write_bytes(b"")
    with pytest.raises(DependencyError, match=r"gantheory\[runs\]"):
        read_log(tmp_path / "events.out.tfevents.1")


def test_tensorboard_runs_in_subfolders_stay_apart(tmp_path):
    pytest.importorskip("tbparse")
    tb = pytest.importorskip("torch.utils.tensorboard")
    for run, level in (("run_a", 1.0), ("run_b", 2.0)):
        w = tb.SummaryWriter(str(tmp_path / run))
        for i in range(50):
            w.add_scalar("d_loss", level, i)
        w.close()
    s = read_log(tmp_path)
    assert set(s) == {"run_a/d_loss", "run_b/d_loss"} and s["run_b/d_loss"].values.mean() == 2.0


def test_tensorboard_csv_export(tmp_path):
    """Review finding 5: TensorBoard's "download CSV" (Wall time,Step,Value) keeps its steps (not the row
    index), `Wall time` is no tag, the tag is the file stem, and one requested tag reads the Value column.
    Step columns match case-insensitively (negative control: a plain CSV without a step column still gets
    the row index)."""
    d, _ = _values()
    steps = 10 * np.arange(N)
    pd.DataFrame({"Wall time": 1.6e9 + np.arange(N), "Step": steps, "Value": d}).to_csv(tmp_path / "d_loss.csv",
                                                                                      index=False)
    s = read_log(tmp_path / "d_loss.csv")
    assert list(s) == ["d_loss"] and np.array_equal(s["d_loss"].steps, steps) and np.allclose(s["d_loss"].values, d)
    mine = read_log(tmp_path / "d_loss.csv", ["loss/discriminator"])["loss/discriminator"]
    assert np.array_equal(mine.steps, steps)
    pd.DataFrame({"Global_Step": steps, "d": d}).to_csv(tmp_path / "upper.csv", index=False)
    assert np.array_equal(read_log(tmp_path / "upper.csv")["d"].steps, steps)
    pd.DataFrame({"d": d}).to_csv(tmp_path / "plain.csv", index=False)
    assert read_log(tmp_path / "plain.csv")["d"].steps[-1] == N - 1


def test_empty_and_headless_files_raise(tmp_path):
    """Review finding 9: an empty file or a header without rows is a GanTheoryError, not a pandas error."""
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(GanTheoryError, match=r"'path'.*empty"):
        read_log(tmp_path / "empty.csv")
    (tmp_path / "header.csv").write_text("step,d_loss\n")
    with pytest.raises(GanTheoryError, match=r"'path'.*no numeric scalar tag"):
        read_log(tmp_path / "header.csv")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(GanTheoryError, match="'path'"):
        read_log(tmp_path / "bad.json")


def test_written_nan_and_inf_are_kept_absent_cells_are_not(tmp_path):
    """Review r4 finding 5: a diverged run logs nan/inf; the readers dropped them with the empty cells of
    Lightning's sparse rows, so the run looked healthy. A written NaN/±inf is a point, an absent cell
    (empty, NA, null, a missing key) is none — in CSV, W&B JSON lines and W&B parquet."""
    (tmp_path / "m.csv").write_text("step,d_loss,g_loss\n0,1.2,\n0,,0.8\n1,nan,\n1,,inf\n2,NA,-inf\n3,NaN,\n")
    s = read_log(tmp_path / "m.csv", ["d_loss", "g_loss"])
    assert s["d_loss"].steps.tolist() == [0, 1, 3] and s["d_loss"].values[0] == 1.2
    assert np.isnan(s["d_loss"].values[1:]).all()
    assert s["g_loss"].steps.tolist() == [0, 1, 2] and s["g_loss"].values.tolist() == [0.8, np.inf, -np.inf]
    rows = ['{"_step": 0, "d": 1.0}', '{"_step": 1, "g": 0.5}', '{"_step": 2, "d": null, "g": 0.6}',
            '{"_step": 3, "d": NaN, "g": Infinity}']
    (tmp_path / "h.jsonl").write_text("\n".join(rows))
    w = read_log(tmp_path / "h.jsonl")
    assert w["d"].steps.tolist() == [0, 3] and np.isnan(w["d"].values[1])
    assert w["g"].steps.tolist() == [1, 2, 3] and w["g"].values[-1] == np.inf
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"_step": [0, 1, 2, 3], "d": pa.array([1.0, None, float("nan"), 2.0])}),
                   tmp_path / "h.parquet")
    p = read_log(tmp_path / "h.parquet")["d"]
    assert p.steps.tolist() == [0, 2, 3] and np.isnan(p.values[1])
    # negative control: a finite sparse log reads no NaN at all
    (tmp_path / "ok.csv").write_text("step,d_loss,g_loss\n0,1.2,\n0,,0.8\n1,1.1,\n")
    ok = read_log(tmp_path / "ok.csv")
    assert np.isfinite(ok["d_loss"].values).all() and ok["d_loss"].steps.tolist() == [0, 1] and len(ok["g_loss"]) == 1


def test_folder_of_tensorboard_csv_exports(tmp_path):
    """Review r4 finding 9: TensorBoard's "download CSV" writes one file per tag (run-.-tag-Loss_D.csv); a
    folder of them was refused ("folder without TensorBoard event files"), so D and G could not both be
    given. Now each file is its tag (the export writes "/" as "_", so Loss/D reads Loss_D); several runs
    are kept apart. Negative controls: an unknown tag and a folder without logs are still refused."""
    from pathlib import Path

    folder = Path(__file__).parent / "logs" / "tbexport"
    s = read_log(folder, ["Loss_D", "Loss_G"])
    assert len(s["Loss_D"]) == len(s["Loss_G"]) > 10 and s["Loss_D"].steps[1] == 100
    assert s["Loss_D"].values[0] == pytest.approx(1.30671821220562) and s["Loss_G"].values[0] == pytest.approx(0.80865037)
    slash = read_log(folder, ["Loss/D", "Loss/G"])
    np.testing.assert_array_equal(slash["Loss/D"].values, s["Loss_D"].values)
    with pytest.raises(GanTheoryError, match="did you mean"):
        read_log(folder, ["Loss_X"])
    for run in ("a", "b"):
        pd.DataFrame({"Wall time": [0.0, 1.0], "Step": [0, 1], "Value": [1.0, 2.0] if run == "a" else [3.0, 4.0]}).to_csv(
            tmp_path / f"run-{run}-tag-d_loss.csv", index=False)
    pd.DataFrame({"step": [0, 1], "acc": [0.5, 0.6]}).to_csv(tmp_path / "metrics.csv", index=False)
    runs = read_log(tmp_path)
    assert set(runs) == {"a/d_loss", "b/d_loss", "metrics/acc"} and runs["b/d_loss"].values.tolist() == [3.0, 4.0]
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("x")
    with pytest.raises(GanTheoryError, match="folder without"):
        read_log(tmp_path / "empty")
