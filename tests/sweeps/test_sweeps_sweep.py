"""sweep(): workers, packing, seeding independent of order/packing/process, JSONL records and resume."""

from __future__ import annotations

import concurrent.futures
import json
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gantheory.errors import GanTheoryError
from gantheory.sweeps import SweepWarning, grid, read_records, sweep

# Tiny trainings: the machine is shared. Both packable tasks, CPU float64.
DIRAC = grid(regularizer="r1", gamma=[0.5, 2.0], lr=[0.3, 1.5, 6.0], steps=40, seed=range(2))
DISC = grid(lr=[0.01, 0.05], steps=15, n_samples=16, width=3, seed=range(2))

# Packed vs one-by-one: the same arithmetic per model, but numpy's vectorised loops (SIMD exp/log) and
# batched matmuls may round differently from the scalar/K=1 path: a few ulps per step, amplified at most
# by the contraction/expansion over 40 steps. 1e-9 relative is far below any effect the sweep measures.
PACKED_RTOL = 1e-9


def _numbers(rec):
    return np.array([np.nan if v is None else v for v in rec["result"].values() if not isinstance(v, bool)], float)


def _close(a, b, rtol=PACKED_RTOL):
    if [r["key"] for r in a] != [r["key"] for r in b] or [r["status"] for r in a] != [r["status"] for r in b]:
        return False
    return all(np.allclose(_numbers(x), _numbers(y), rtol=rtol, atol=1e-300, equal_nan=True) for x, y in zip(a, b, strict=True))


def test_process_pool_records_are_bitwise_identical_to_serial():
    # one pool (spawned processes cost seconds here); the torch task, the one with thread pools and
    # batched matmuls; the numpy task goes through processes in the Dask test (marked slow)
    serial = sweep("train_discriminator", DISC, workers=1, pack_size=2)
    pooled = sweep("train_discriminator", DISC, workers=2, pack_size=2)
    assert json.dumps(serial, sort_keys=True) == json.dumps(pooled, sort_keys=True)


@pytest.mark.parametrize(("task", "specs"), [("dirac_gan", DIRAC), ("train_discriminator", DISC)])
def test_packed_records_match_one_by_one_within_tolerance(task, specs):
    one = sweep(task, specs, pack=False)
    packed = sweep(task, specs, pack=True)
    assert _close(one, packed)
    # negative control: records of other specs (a shifted learning rate) are rejected by the same check
    shifted = sweep(task, [{**s, "lr": s["lr"] * 1.01} for s in specs], pack=True)
    for r, s in zip(shifted, packed, strict=True):
        r["key"] = s["key"]
    assert not _close(shifted, packed)


def test_records_do_not_depend_on_order_or_pack_size():
    reference = sweep("dirac_gan", DIRAC, pack_size=64)
    shuffled = list(DIRAC)
    random.Random(0).shuffle(shuffled)
    by_key = {r["key"]: r for r in sweep("dirac_gan", shuffled, pack_size=64)}
    assert [by_key[r["key"]] for r in reference] == reference  # same packs: bitwise
    assert _close(reference, sweep("dirac_gan", DIRAC, pack_size=3))  # other packs: within the tolerance
    assert [r["seed"] for r in sweep("dirac_gan", DIRAC, pack=False)] == [r["seed"] for r in reference]


class _Counting:
    """A map-like callable that counts the models it ran."""

    def __init__(self) -> None:
        self.models = 0

    def __call__(self, fn, items):
        items = list(items)
        self.models += sum(len(unit[2]) for unit in items)
        return map(fn, items)


def test_map_like_callable_and_executor_give_the_serial_records():
    serial = sweep("dirac_gan", DIRAC)
    counting = _Counting()
    assert sweep("dirac_gan", DIRAC, counting) == serial and counting.models == len(DIRAC)
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        assert sweep("dirac_gan", DIRAC, ex) == serial


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "4"])
def test_bad_workers_are_refused(bad):
    with pytest.raises(GanTheoryError, match="workers"):
        sweep("dirac_gan", DIRAC[:1], bad)


def test_resume_skips_recorded_specs(tmp_path):
    path = tmp_path / "records.jsonl"
    fresh = sweep("dirac_gan", DIRAC)
    sweep("dirac_gan", DIRAC[:5], records=path)
    with path.open("a") as fh:
        fh.write('{"task": "dirac_gan", "key": "trunc')  # an interrupted write
    counting = _Counting()
    with pytest.warns(SweepWarning, match="torn"):
        resumed = sweep("dirac_gan", DIRAC, counting, records=path, resume=True)
    assert counting.models == len(DIRAC) - 5
    assert resumed == fresh
    assert len(read_records(path)) == len(DIRAC)
    # the torn line is gone, not kept in the middle of the file: every line is a record
    lines = path.read_text().splitlines()
    assert len(lines) == len(DIRAC) and all(json.loads(line)["key"] for line in lines)
    # negative control: without resume every spec runs again
    again = _Counting()
    sweep("dirac_gan", DIRAC, again, records=tmp_path / "other.jsonl")
    assert again.models == len(DIRAC)


def test_resume_needs_a_records_file():
    with pytest.raises(GanTheoryError, match="records="):
        sweep("dirac_gan", DIRAC, resume=True)


def test_progress_reports_models_done():
    calls = []
    sweep("dirac_gan", DIRAC, pack_size=5, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, len(DIRAC)) and calls[-1] == (len(DIRAC), len(DIRAC))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_duplicate_specs_run_once_and_are_counted():
    with pytest.warns(SweepWarning, match=f"3 duplicate spec\\(s\\) of {len(DIRAC) + 3}"):
        assert len(sweep("dirac_gan", DIRAC + DIRAC[:3])) == len(DIRAC)


def test_distinct_specs_give_no_duplicate_warning(recwarn):
    # negative control of the count: no duplicates, no warning
    sweep("dirac_gan", DIRAC[:3])
    assert not [w for w in recwarn if issubclass(w.category, SweepWarning)]


def test_a_records_file_with_records_is_refused_without_resume(tmp_path):
    path = tmp_path / "records.jsonl"
    sweep("dirac_gan", DIRAC[:3], records=path)
    with pytest.raises(GanTheoryError, match="resume"):
        sweep("dirac_gan", DIRAC[:3], records=path)
    assert len(path.read_text().splitlines()) == 3  # nothing piled up
    path.write_text("")  # an empty file holds no records: accepted
    sweep("dirac_gan", DIRAC[:3], records=path)
    assert len(path.read_text().splitlines()) == 3


def test_unreachable_dask_scheduler_is_a_clear_error_soon():
    pytest.importorskip("distributed")
    from gantheory.sweeps import dask_executor

    with pytest.raises(GanTheoryError, match=r"tcp://127\.0\.0\.1:1"):
        dask_executor("tcp://127.0.0.1:1", timeout=0.5)


@pytest.mark.slow
def test_dask_local_cluster_returns_the_serial_records():
    distributed = pytest.importorskip("distributed")
    serial = sweep("dirac_gan", DIRAC, pack_size=4)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        assert sweep("dirac_gan", DIRAC, client.get_executor(), pack_size=4) == serial


@pytest.mark.slow
def test_ray_pool_returns_the_serial_records():
    ray = pytest.importorskip("ray")
    from gantheory.sweeps import ray_map

    serial = sweep("dirac_gan", DIRAC, pack_size=4)
    try:
        assert sweep("dirac_gan", DIRAC, ray_map(None, processes=2), pack_size=4) == serial
    finally:
        ray.shutdown()


_REFERENCE = {r["key"]: r for r in sweep("dirac_gan", DIRAC, pack=False)}


@settings(deadline=None)
@given(order=st.permutations(range(len(DIRAC))), size=st.integers(1, len(DIRAC)), pack_size=st.integers(1, 16))
def test_any_subset_order_and_pack_size_gives_the_same_records(order, size, pack_size):
    subset = [DIRAC[i] for i in order[:size]]
    records = sweep("dirac_gan", subset, pack_size=pack_size)
    assert [r["spec"] for r in records] == [{**r["spec"], **s} for r, s in zip(records, subset, strict=True)]
    assert _close(records, [_REFERENCE[r["key"]] for r in records])
    assert all(r["seed"] == _REFERENCE[r["key"]]["seed"] for r in records)


def test_int_workers_size_the_local_pool(monkeypatch):
    from gantheory.sweeps.sweep import _mapper

    monkeypatch.setattr("os.cpu_count", lambda: 5)
    for workers, expected in ((3, 3), (-1, 5)):
        mapper, close = _mapper(workers)  # no process starts before the first submit
        assert isinstance(mapper.__self__, concurrent.futures.ProcessPoolExecutor)
        assert mapper.__self__._max_workers == expected
        close()
    assert _mapper(1)[0] is map


@pytest.mark.parametrize(("task", "good", "bad", "name"), [
    ("dirac_gan", DIRAC, {"regularizer": "r1", "gamma": 0.5, "lr": -1.0, "steps": 40}, "lr"),
    ("train_discriminator", DISC, {"lr": 0.0, "steps": 15, "n_samples": 16, "width": 3}, "lr"),
    ("gaussian_gan", grid(gamma=[0.5, 1.0], lr=[0.05, 0.1], steps=10), {"gamma": 0.5, "lr": 0.1, "steps": 10, "k": 0},
     "k")])
def test_a_bad_spec_does_not_poison_the_specs_packed_with_it(task, good, bad, name):
    """Review r4 finding 6: one spec with lr = −1 made every spec of its pack an error ("lr must be … positive
    in every spec"), so a record depended on its neighbours. Each spec is now checked alone before packing:
    the valid specs' records are those of a sweep without the bad one (packed the same way), and the bad
    spec — still refused (negative control) — is its own error naming its parameter."""
    alone = sweep(task, good)
    mixed = sweep(task, [*good, bad])
    assert mixed[:-1] == alone and all(r["status"] != "error" for r in alone)
    assert mixed[-1]["status"] == "error" and f"parameter {name!r}" in mixed[-1]["failure"]["reason"]


def test_a_pack_that_raises_is_run_again_one_spec_at_a_time(monkeypatch):
    """The general mechanism behind the check: whatever a pack raises for (here the per-spec check is
    switched off, so lr = −1 reaches the packed Dirac-GAN), only the specs that fail alone are errors; the
    others get the one-by-one records (pack=False), within the packing tolerance of the packed ones."""
    import dataclasses

    from gantheory.sweeps import tasks

    monkeypatch.setitem(tasks.TASKS, "dirac_gan", dataclasses.replace(tasks.TASKS["dirac_gan"],
                                                                      validate=tasks._no_check))
    bad = {"regularizer": "r1", "gamma": 0.5, "lr": -1.0, "steps": 40}
    recs = sweep("dirac_gan", [*DIRAC, bad])
    assert [r["status"] for r in recs[:-1]] == [r["status"] for r in sweep("dirac_gan", DIRAC)]
    assert recs[:-1] == sweep("dirac_gan", DIRAC, pack=False)
    assert _close(recs[:-1], sweep("dirac_gan", DIRAC))
    assert recs[-1]["status"] == "error" and "positive" in recs[-1]["failure"]["reason"]


def test_resume_runs_error_records_again(tmp_path):
    """Review r4 finding 6: after the spec file was fixed, --resume skipped a spec recorded as error for good
    (the error came back as its record). An error is no result: resume runs it again and replaces its line;
    results (ok, diverged) are still skipped, and a spec still bad stays one error line (negative control)."""
    path = tmp_path / "records.jsonl"
    fresh = sweep("dirac_gan", DIRAC)
    sweep("dirac_gan", DIRAC, records=path)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    lines[2] = {**lines[2], "status": "error", "result": None,
                "failure": {"step": None, "reason": "GanTheoryError: lr must be a positive finite number in every spec"}}
    path.write_text("".join(json.dumps(rec) + "\n" for rec in lines))
    counting = _Counting()
    with pytest.warns(SweepWarning, match="1 spec.*errors run again"):
        resumed = sweep("dirac_gan", DIRAC, counting, records=path, resume=True)
    assert counting.models == 1 and resumed == fresh
    on_disk = read_records(path)
    assert len(on_disk) == len(DIRAC) and {r["key"] for r in on_disk} == {r["key"] for r in fresh}
    assert all(r["status"] != "error" for r in on_disk)
    bad = {"regularizer": "r1", "gamma": 0.5, "lr": -1.0, "steps": 40}
    sweep("dirac_gan", [*DIRAC, bad], records=path, resume=True)
    again = _Counting()
    with pytest.warns(SweepWarning, match="1 spec"):
        out = sweep("dirac_gan", [*DIRAC, bad], again, records=path, resume=True)
    assert out[-1]["status"] == "error" and len(read_records(path)) == len(DIRAC) + 1
    # a result beside a stale error line of the same spec is that spec's record: nothing runs again
    with path.open("a") as fh:
        fh.write(json.dumps({**read_records(path)[0], "status": "error", "result": None}) + "\n")
    third = _Counting()
    assert sweep("dirac_gan", DIRAC, third, records=path, resume=True) == fresh and third.models == 0
