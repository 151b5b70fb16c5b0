r"""Run a task over many specs: pack, then map over workers; JSONL records; resume.

``workers`` follows scipy's convention (``scipy.optimize.differential_evolution``): an ``int`` (1: serial
in this process; n > 1: a local :class:`concurrent.futures.ProcessPoolExecutor` with n processes; −1: one
per CPU), a map-like callable ``workers(fn, iterable)``, or any :class:`concurrent.futures.Executor`
(a Dask ``Client.get_executor()`` is one). Ray has no Executor; :func:`ray_map` adapts
``ray.util.multiprocessing.Pool(...).map``. No back-end is imported unless it is used.

Specs that agree on the task's ``pack_key`` are packed into one batched computation (at most
``pack_size`` models each); the packs are formed from the specs alone (grouped, ordered by key, cut in
fixed chunks), never from the number of workers, so serial and pooled sweeps compute the same packs and
return bitwise-identical records.

A record is ``{"task", "key", "seed", "spec", "status", "result", "failure"}`` (JSON; ``status`` ``ok``,
``diverged``, ``unsupported`` or ``error``, with ``failure`` saying where and why). Each spec is checked alone
(the task's ``validate``) before packing, so a bad spec is its own ``error`` record; a pack that still raises
is run again one spec at a time, so only the failing specs are ``error`` records (their message kept), never
the valid specs packed beside them and never a crashed sweep. ``resume`` runs ``error`` records again.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from gantheory.errors import DependencyError, GanTheoryError
from gantheory.sweeps.spec import canonical, spec_key, spec_seed
from gantheory.sweeps.tasks import resolve_task

__all__ = ["DEFAULT_PACK_SIZE", "SweepWarning", "dask_executor", "prepare", "ray_map", "read_records", "sweep"]

# On CPUs packs are sized so one pack's tensors stay near the cache; a GPU would take 10⁴ per pack.
DEFAULT_PACK_SIZE = 256

MapLike = Callable[[Callable, Iterable], Iterable]


def prepare(task: str, specs: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Complete and canonicalise each spec: ``{"key", "seed", "spec"}`` rows, duplicates dropped.

    The key and seed hash the task name with the completed spec, so two tasks never share seeds.
    """
    row = resolve_task(task)
    out, seen = [], set()
    for spec in specs:
        full = canonical(row.complete(canonical(spec)))
        ident = {"task": row.name, **full}
        key = spec_key(ident)
        if key in seen:
            continue
        seen.add(key)
        out.append({"key": key, "seed": spec_seed(ident), "spec": full})
    return out


def _packs(task: str, rows: list[dict], pack: bool, pack_size: int) -> list[tuple[str, bool, list[dict]]]:
    row = resolve_task(task)
    if not pack or row.run_pack is None:
        return [(task, False, [r]) for r in sorted(rows, key=lambda r: r["key"])]
    groups: dict[str, list[dict]] = {}
    singles = []
    for r in rows:
        if row.packable(r["spec"]):
            gkey = json.dumps([r["spec"].get(k) for k in row.pack_key])
            groups.setdefault(gkey, []).append(r)
        else:
            singles.append(r)
    units = []
    for gkey in sorted(groups):
        members = sorted(groups[gkey], key=lambda r: r["key"])
        for i in range(0, len(members), pack_size):
            units.append((task, True, members[i:i + pack_size]))
    units.extend((task, False, [r]) for r in sorted(singles, key=lambda r: r["key"]))
    return units


def _error(exc: BaseException) -> dict:
    return {"status": "error", "result": None, "failure": {"step": None, "reason": f"{type(exc).__name__}: {exc}"}}


def _record(task: str, row: dict, outcome: dict) -> dict:
    return {"task": task, "key": row["key"], "seed": row["seed"], "spec": row["spec"], **outcome}


def _run_one(task: str, row: dict) -> dict:
    try:
        return resolve_task(task).run(row["spec"], row["seed"])
    except Exception as exc:  # a failing spec is recorded, the sweep goes on
        return _error(exc)


def _run_unit(unit: tuple[str, bool, list[dict]]) -> list[dict]:
    """Run one pack (or one spec) and return its records; module level so every back-end can pickle it.

    A pack that raises is run again one spec at a time, so only the specs that fail by themselves become
    ``error`` records: a record never depends on the specs packed beside it.
    """
    task, packed, rows = unit
    if not packed:
        return [_record(task, rows[0], _run_one(task, rows[0]))]
    try:
        outcomes = resolve_task(task).run_pack([r["spec"] for r in rows], [r["seed"] for r in rows])
    except Exception:  # which member failed is found by running each alone
        outcomes = [_run_one(task, r) for r in rows]
    return [_record(task, r, o) for r, o in zip(rows, outcomes, strict=True)]


def ray_map(address: str | None = None, processes: int | None = None) -> MapLike:
    """A map-like callable over a Ray cluster (``ray.util.multiprocessing.Pool``), for ``workers=``.

    ``address`` is passed to ``ray.init`` (``None`` starts a local Ray; ``"auto"`` joins a running one).

    Raises:
        DependencyError: Ray is not installed (``pip install "gantheory[ray]"``).
    """
    try:
        import ray
        from ray.util.multiprocessing import Pool
    except ImportError as exc:
        raise DependencyError('the Ray back-end needs ray: pip install "gantheory[ray]"') from exc
    if not ray.is_initialized():
        ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)
    pool = Pool(processes=processes)

    def map_like(fn: Callable, items: Iterable) -> Iterable:
        return pool.map(fn, list(items), chunksize=1)

    return map_like


def dask_executor(address: str | None = None, timeout: float = 5.0) -> tuple[concurrent.futures.Executor, Callable[[], None]]:
    """(executor, close): ``distributed.Client(address).get_executor()`` — a ``concurrent.futures.Executor``.

    ``address`` is a scheduler address (``tcp://host:8786``); ``None`` starts a ``LocalCluster``.
    ``timeout``: seconds to wait for the scheduler.

    Raises:
        DependencyError: dask.distributed is not installed (``pip install "gantheory[dask]"``).
        GanTheoryError: the scheduler at ``address`` cannot be reached within ``timeout``.
    """
    try:
        from distributed import Client
    except ImportError as exc:
        raise DependencyError('the Dask back-end needs dask.distributed: pip install "gantheory[dask]"') from exc
    if not address:
        client = Client(processes=True)
    else:
        try:
            client = Client(address, timeout=timeout)
        except (OSError, TimeoutError) as exc:  # an unreachable scheduler is an environment error, not a bug
            raise GanTheoryError(f"cannot connect to the Dask scheduler at {address} within {timeout:g} s "
                                 f"({type(exc).__name__}: {exc})") from None
    return client.get_executor(), client.close


def _mapper(workers: int | MapLike | concurrent.futures.Executor) -> tuple[MapLike, Callable[[], None]]:
    if isinstance(workers, concurrent.futures.Executor):
        return workers.map, lambda: None
    if callable(workers):
        return workers, lambda: None
    if isinstance(workers, bool) or not isinstance(workers, int) or workers == 0 or workers < -1:
        raise GanTheoryError(f"workers must be a positive int, -1, a map-like callable or an Executor, got {workers!r}")
    n = (os.cpu_count() or 1) if workers == -1 else workers
    if n == 1:
        return map, lambda: None
    import multiprocessing

    # spawn: torch's thread pools do not survive fork safely
    pool = concurrent.futures.ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"))
    return pool.map, lambda: pool.shutdown(wait=True)


def read_records(path: str | os.PathLike) -> list[dict]:
    """The records of a JSONL file (a truncated last line — an interrupted write — is skipped)."""
    out = []
    p = Path(path)
    if not p.exists():
        return out
    with p.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return out


def _keep(recs: list[dict], done: dict[str, dict], fh: Any) -> None:
    """Record ``recs`` in ``done`` and append them to the open JSONL ``fh`` (if any), flushed."""
    for rec in recs:
        done[rec["key"]] = rec
        if fh is not None:
            fh.write(json.dumps(rec, sort_keys=True, allow_nan=False) + "\n")
    if fh is not None:
        fh.flush()


def _drop_records(path: Path, keys: set[str]) -> None:
    """Rewrite ``path`` without the error records of ``keys`` (atomically: a temporary file, then a rename)."""
    kept = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                kept.append(line)
                continue
            if not (isinstance(rec, dict) and rec.get("key") in keys and rec.get("status") == "error"):
                kept.append(line)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(kept), encoding="utf-8")
    os.replace(tmp, path)


class SweepWarning(UserWarning):
    """A sweep went on but something deserves a word: duplicate specs merged, a torn record line dropped."""


def _truncate_torn_line(path: Path) -> None:
    """Cut a final line without its newline (an interrupted write) off ``path``, with a :class:`SweepWarning`."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb+") as fh:
        data = fh.read()
        if data.endswith(b"\n"):
            return
        keep = data.rfind(b"\n") + 1
        fh.truncate(keep)
    warnings.warn(f"{path}: its last line was torn (an interrupted write: {len(data) - keep} bytes without a "
                  "newline); truncated it before resuming", SweepWarning, stacklevel=3)


def sweep(task: str, specs: Iterable[Mapping[str, Any]], workers: int | MapLike | concurrent.futures.Executor = 1,
          *, records: str | os.PathLike | None = None, resume: bool = False, pack: bool = True,
          pack_size: int = DEFAULT_PACK_SIZE, progress: Callable[[int, int], None] | None = None) -> list[dict]:
    """Run ``task`` (a name in :data:`~gantheory.sweeps.tasks.TASKS`) over ``specs``; records in spec order.

    Args:
        workers: 1 (serial), n > 1 (local process pool), −1 (one process per CPU), a map-like callable
            ``workers(fn, iterable)``, or a ``concurrent.futures.Executor`` (e.g. Dask's
            ``Client.get_executor()``; Ray: :func:`ray_map`).
        records: a JSONL file; each pack's records are appended as it finishes. Without ``resume`` it must
            not hold records yet (a second run would pile duplicates up).
        resume: skip the specs whose key already has a result in ``records`` (``ok``, ``diverged``,
            ``unsupported``: those records are returned); a spec recorded as ``error`` is no result and runs
            again, its old line dropped from the file (a :class:`SweepWarning` gives the count). A torn last
            line (an interrupted write) is truncated first, with a :class:`SweepWarning`.
    Duplicate specs (same key) run once and share one record; a :class:`SweepWarning` gives their count.
        pack: group specs sharing the task's ``pack_key`` into batched computations.
        pack_size: models per pack.
        progress: called as ``progress(done, total)`` (models) after each pack; the CLI draws the bar.

    Raises:
        GanTheoryError: an unknown task or parameter, a non-finite spec value, bad ``workers``/``pack_size``,
            a ``records`` file that already holds records without ``resume``.
    """
    if isinstance(pack_size, bool) or not isinstance(pack_size, int) or pack_size < 1:
        raise GanTheoryError(f"pack_size must be a positive integer, got {pack_size!r}")
    specs = list(specs)
    rows = prepare(task, specs)
    if len(rows) < len(specs):  # identical specs share one key, seed and record: run once, said so
        warnings.warn(f"{len(specs) - len(rows)} duplicate spec(s) of {len(specs)} merged: {len(rows)} records "
                      "(identical specs have the same key and seed, so the same record)", SweepWarning, stacklevel=2)
    done: dict[str, dict] = {}
    if records is not None and not resume and Path(records).exists() and Path(records).stat().st_size > 0:
        raise GanTheoryError(f"records file {records} already holds records: pass resume=True to continue that "
                             "sweep (python -m verify sweep --resume DIR), or remove the file to start afresh")
    if resume:
        if records is None:
            raise GanTheoryError("resume=True needs records= (the JSONL file to resume from)")
        _truncate_torn_line(Path(records))
        wanted = {r["key"] for r in rows}
        for rec in read_records(records):  # a result wins over an error line of the same spec
            if rec.get("key") in wanted and (rec["key"] not in done or done[rec["key"]].get("status") == "error"):
                done[rec["key"]] = rec
        retry = {k for k, rec in done.items() if rec.get("status") == "error"}
        if retry:  # an error is no result: run those specs again, their old lines dropped from the file
            _drop_records(Path(records), retry)
            warnings.warn(f"{len(retry)} spec(s) recorded as errors run again (an error record is no result: "
                          "the spec or the environment may have been fixed since)", SweepWarning, stacklevel=2)
            done = {k: rec for k, rec in done.items() if k not in retry}
    todo = [r for r in rows if r["key"] not in done]
    # each spec is checked alone before packing: a bad one is its own error record, never its pack's
    row_task, valid, invalid = resolve_task(task), [], []
    for r in todo:
        try:
            row_task.validate(r["spec"])
            valid.append(r)
        except GanTheoryError as exc:
            invalid.append(_record(row_task.name, r, _error(exc)))
    units = _packs(task, valid, pack, pack_size)
    total, finished = len(rows), len(done)
    if progress is not None:
        progress(finished, total)
    fh = None
    if records is not None:
        Path(records).parent.mkdir(parents=True, exist_ok=True)
        fh = open(records, "a", encoding="utf-8")  # closed in finally
    mapper, close = _mapper(workers)
    try:
        if invalid:
            _keep(invalid, done, fh)
            finished += len(invalid)
            if progress is not None:
                progress(finished, total)
        results: Iterator[list[dict]] = iter(mapper(_run_unit, units))
        for recs in results:
            _keep(recs, done, fh)
            finished += len(recs)
            if progress is not None:
                progress(finished, total)
    finally:
        close()
        if fh is not None:
            fh.close()
    return [done[r["key"]] for r in rows]
