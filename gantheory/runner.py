r"""The run machinery behind ``python -m verify run`` and ``selftest``: worker processes, the content
hash that ties a stored result to the run that made it, and the re-validation of a report being resumed.

Nothing here prints; :mod:`gantheory.cli` does the I/O and turns the problems found here into messages and
exit codes.

**Resume.** A report is only as good as the run that made it, so every claim entry carries a
``fingerprint``: the SHA-256 of the claim's *code version* (its row with every lens shape and parameter,
and the source of the modules its checks live in), the profile, the seed, the requested device and the
library versions. Resuming keeps an entry only when

1. the document has the shape of ``gantheory.report/1`` (else a :class:`ReportShapeError` naming the
   file and the problem — the CLI's exit 2);
2. its fingerprint equals the one this run would write (same code, profile, seed, device, libraries),
   sealed with the entry's own results (:func:`sealed_fingerprint`: an edited measurement, tolerance or
   status no longer matches);
3. its lenses are exactly the claim's registry (a lens the claim does not have, or a skipped lens the
   claim does have, is a forgery or a stale row);
4. every measurement agrees with its own tolerance (``measured ≤ tolerance`` ⇔ ``passed``) and every
   status follows from its measurements by the one status rule.

An entry that fails 2–4 is run again and the reason recorded under ``resume.rerun``.

**Workers** run claims in a :class:`concurrent.futures.ProcessPoolExecutor`; each starts a watchdog that
ends it (``os._exit``) within :data:`WATCHDOG_SECONDS` of its parent's death, so ``kill -9`` of the CLI
leaves no orphan holding hundreds of MB.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import inspect
import json
import math
import multiprocessing
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from gantheory.results import LENSES, STATUSES, claim_status

__all__ = [
    "WATCHDOG_SECONDS",
    "ReportShapeError",
    "check_document_shape",
    "claim_fingerprint",
    "entry_problems",
    "execute",
    "jobs_for",
    "pin_threads",
    "sealed_fingerprint",
]

SCHEMA = "gantheory.report/1"
# How often a worker checks that its parent is alive (seconds): the longest an orphan survives.
WATCHDOG_SECONDS = 0.5
# Rough quick-profile cost of each claim (seconds), so the longest start first when run in parallel.
COST = {"algorithm-1": 30, "optimal-discriminator": 20, "f-divergence-bounds": 18, "non-saturating-objective": 6}
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class ReportShapeError(ValueError):
    """A stored report that is not a ``gantheory.report/1`` document (the message names the problem)."""


# ----------------------------------------------------------------------------------------------------
# Content hash


def _source_digest(module_names: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(set(module_names)):
        module = sys.modules.get(name)
        try:
            source = inspect.getsource(module) if module is not None else ""
        except (OSError, TypeError):
            source = ""
        digest.update(name.encode() + b"\0" + source.encode() + b"\0")
    return digest.hexdigest()


def _modules_of(check: Any) -> set[str]:
    names = {type(check).__module__}
    if callable(check) and hasattr(check, "__module__") and not isinstance(check, type):
        names.add(getattr(check, "__module__", None) or type(check).__module__)
    return {n for n in names if n and n.startswith("gantheory")}


def claim_code_version(claim: Any) -> str:
    """SHA-256 of a claim's row (ids, cases, lens shapes and their parameters, memory addresses removed)
    and of the source of every gantheory module its checks and controls are defined in."""
    checks = [*claim.lenses.values(), *(c.check for c in claim.controls)]
    row = _ADDRESS.sub("", repr((claim.id, claim.source, claim.statement, sorted(claim.lenses.items()))))
    modules = {"gantheory.claims.model", "gantheory.results"}
    for check in checks:
        modules |= _modules_of(check)
    return hashlib.sha256(row.encode() + b"\0" + _source_digest(modules).encode()).hexdigest()


def claim_fingerprint(claim: Any, *, profile: str, seed: int, device: str, versions: Mapping[str, str]) -> str:
    """The content hash written beside each claim entry: code version, profile, seed, device, libraries.

    Two runs that would compute the same thing get the same fingerprint; change any of the five and the
    stored entry no longer belongs to the run.
    """
    payload = {"code": claim_code_version(claim), "profile": profile, "seed": int(seed), "device": device,
               "versions": dict(sorted(versions.items()))}
    return "sha256:" + hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def sealed_fingerprint(fingerprint: str, entry: Mapping[str, Any]) -> str:
    """The fingerprint written beside a finished entry: the run's :func:`claim_fingerprint` sealed with the
    entry's own results (each lens's status and every measurement's name, measured value, tolerance,
    relation and verdict).

    Why: a measurement is only re-validated against *its own* tolerance, so editing both (measured 12345,
    tolerance 1e9) would otherwise stay self-consistent. Sealed, any edited number, tolerance or verdict
    changes the fingerprint and the entry runs again. (Not a signature: someone who recomputes this hash on
    purpose can still forge; it catches edits, stale rows and tools that rewrite reports.)
    """
    lenses = entry.get("lenses", [])
    results = []
    for lens in lenses if isinstance(lenses, list) else []:
        if not isinstance(lens, Mapping):
            results.append(repr(lens))
            continue
        measurements = lens.get("measurements", [])
        rows = [[m.get(k) for k in ("name", "measured", "tolerance", "relation", "passed")]
                if isinstance(m, Mapping) else repr(m)
                for m in (measurements if isinstance(measurements, list) else [measurements])]
        results.append([lens.get("lens"), lens.get("status"), rows])
    payload = json.dumps([fingerprint, entry.get("status"), results], sort_keys=True, default=repr)
    return "sha256:" + hashlib.sha256(payload.encode()).hexdigest()


# ----------------------------------------------------------------------------------------------------
# Shape of a stored document


def check_document_shape(doc: Any) -> None:
    """Raise :class:`ReportShapeError` unless ``doc`` has the shape of a ``gantheory.report/1`` document:
    an object with that ``schema``, ``claims`` a list of objects each with a string ``id``, a ``status``
    and a list of ``lenses``, and ``figures`` a list."""
    if not isinstance(doc, dict):
        raise ReportShapeError(f"the document is a JSON {type(doc).__name__}, not an object")
    if doc.get("schema") != SCHEMA:
        raise ReportShapeError(f"schema is {doc.get('schema')!r}, expected {SCHEMA!r}")
    claims = doc.get("claims", [])
    if not isinstance(claims, list):
        raise ReportShapeError(f"'claims' is a JSON {type(claims).__name__}, expected a list")
    for i, entry in enumerate(claims):
        if not isinstance(entry, dict):
            raise ReportShapeError(f"claims[{i}] is a JSON {type(entry).__name__}, expected an object")
        if not isinstance(entry.get("id"), str):
            raise ReportShapeError(f"claims[{i}] has no string 'id'")
        if entry.get("status") not in STATUSES:
            raise ReportShapeError(f"claims[{i}] ({entry['id']}) has status {entry.get('status')!r}, "
                                   f"expected one of {STATUSES}")
        lenses = entry.get("lenses")
        if not isinstance(lenses, list) or not all(isinstance(lens, dict) for lens in lenses):
            raise ReportShapeError(f"claims[{i}] ({entry['id']}) has no list of lens objects")
    figures = doc.get("figures", [])
    if not isinstance(figures, list) or not all(isinstance(f, dict) for f in figures):
        raise ReportShapeError("'figures' is not a list of objects")
    planned = doc.get("planned", [])
    if not isinstance(planned, list) or not all(isinstance(p, str) for p in planned):
        raise ReportShapeError("'planned' is not a list of claim ids")
    # The run options resume reads back (absent ones take the CLI's defaults).
    seed = doc.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ReportShapeError(f"'seed' is {seed!r}, expected a non-negative integer")
    profile = doc.get("profile", "quick")
    if profile not in ("quick", "full"):
        raise ReportShapeError(f"'profile' is {profile!r}, expected 'quick' or 'full'")
    device = doc.get("device", "auto")
    requested = device.get("requested", "auto") if isinstance(device, dict) else device
    if requested not in ("auto", "cpu", "cuda"):
        raise ReportShapeError(f"'device' is {device!r}, expected 'auto', 'cpu' or 'cuda' "
                               f"(or an object whose 'requested' is one of them)")
    for i, entry in enumerate(claims):
        if "fingerprint" in entry and not isinstance(entry["fingerprint"], str):
            raise ReportShapeError(f"claims[{i}] ({entry['id']}) has a fingerprint that is not a string")


# ----------------------------------------------------------------------------------------------------
# Re-validation of one stored entry


def _number(v: Any) -> float:
    if v is None:
        return math.nan
    if isinstance(v, str) and v in ("inf", "-inf"):
        return float(v)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"{v!r} is not a number")
    return float(v)


def _measurement_problem(m: Any) -> str | None:
    if not isinstance(m, dict):
        return "a measurement is not an object"
    name = m.get("name", "?")
    try:
        measured, tolerance = _number(m.get("measured")), _number(m.get("tolerance"))
    except TypeError as exc:
        return f"measurement {name!r}: {exc}"
    relation = m.get("relation", "≤")
    if relation == "≤":
        holds = bool(measured <= tolerance)
    elif relation == "≥":
        holds = bool(measured >= tolerance)
    else:
        return f"measurement {name!r} has relation {relation!r}"
    if m.get("passed") is not holds:
        return (f"measurement {name!r}: measured {measured!r} {relation} tolerance {tolerance!r} is {holds}, "
                f"but the entry says passed={m.get('passed')!r}")
    return None


def entry_problems(entry: Mapping[str, Any], claim: Any, fingerprint: str) -> list[str]:
    """Why a stored claim entry cannot be kept (empty when it can): a fingerprint of another run, lenses
    other than the claim's registry, a measurement that disagrees with its own tolerance, or a status
    that does not follow from the measurements."""
    from gantheory.claims.model import NotApplicable

    problems = []
    if entry.get("fingerprint") != sealed_fingerprint(fingerprint, entry):
        problems.append("fingerprint differs (another code version, profile, seed, device or library versions, "
                        "or edited results)"
                        if entry.get("fingerprint") else "no fingerprint")
    lenses = entry.get("lenses", [])
    names = [lens.get("lens") for lens in lenses]
    if sorted(map(str, names)) != sorted(LENSES):
        problems.append(f"lenses {names} are not the registry's {list(LENSES)}")
    for lens in lenses:
        name, status = lens.get("lens"), lens.get("status")
        if status not in STATUSES:
            problems.append(f"{name} lens has status {status!r}")
            continue
        applicable = not isinstance(claim.lenses.get(name, NotApplicable("")), NotApplicable)
        if applicable and status == "skipped":
            problems.append(f"{name} lens is skipped but the claim has that lens")
        if not applicable and status != "skipped":
            problems.append(f"{name} lens says {status!r} but the claim has no {name} lens")
        measurements = lens.get("measurements", [])
        if not isinstance(measurements, list):
            problems.append(f"{name} lens: 'measurements' is not a list")
            continue
        for m in measurements:
            problem = _measurement_problem(m)
            if problem:
                problems.append(f"{name} lens: {problem}")
        if any(isinstance(m, dict) and m.get("passed") is False for m in measurements) and status != "fail":
            problems.append(f"{name} lens says {status!r} with a failed measurement")
        if status == "fail" and measurements and all(isinstance(m, dict) and m.get("passed") is True
                                                      for m in measurements) and not lens.get("derivation"):
            problems.append(f"{name} lens says 'fail' but every measurement passed")
    statuses = [lens.get("status") for lens in lenses]
    if entry.get("status") != claim_status(statuses):
        problems.append(f"claim status {entry.get('status')!r} does not follow from its lenses {statuses}")
    return problems


# ----------------------------------------------------------------------------------------------------
# Workers


def _watchdog(parent: int) -> None:
    while True:
        time.sleep(WATCHDOG_SECONDS)
        if os.getppid() != parent:  # re-parented: the CLI died (kill -9 included)
            os._exit(70)


def pin_threads() -> None:
    """One thread for torch's intra-op pool and for every BLAS/OpenMP pool, now and for libraries loaded
    later.

    Why: a reduction split over threads adds its partial sums in an order that depends on the thread
    count, and OpenBLAS keeps the count it had when numpy was first imported (before any worker could
    set ``OPENBLAS_NUM_THREADS``). Runs with 1 vs 2 threads, or in a worker vs in the CLI, differed in
    ~200 numbers of the least-squares empirical lens (≤ 4.7e-15 relative); pinned, the same seed gives
    the same bytes. It also avoids oversubscription: claims already run in parallel processes.
    """
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = "1"
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)  # not a context manager: the limit stays for the process
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


def init_worker(parent: int) -> None:
    """Worker initialiser: one BLAS/torch thread each (:func:`pin_threads`), and a watchdog that ends the
    worker when the parent process dies."""
    pin_threads()
    threading.Thread(target=_watchdog, args=(parent,), daemon=True, name="gantheory-parent-watchdog").start()


def device_problem(device: str) -> str | None:
    """Why ``--device`` cannot be used on this machine (``cuda`` without a usable CUDA device), else None —
    checked before any claim runs, so a run that cannot use its device stops at once instead of running
    the other lenses first. ``auto`` and ``cpu`` import nothing; the check itself is
    :func:`gantheory.empirical._device.resolve_device`'s, the one the empirical lenses apply."""
    if device in ("auto", "cpu"):
        return None
    from gantheory.empirical._device import resolve_device
    from gantheory.errors import GanTheoryError

    try:
        resolve_device(device)
    except GanTheoryError as exc:
        return str(exc)
    return None


def jobs_for(requested: int, n_tasks: int) -> int:
    if requested and requested > 0:
        return min(requested, max(1, n_tasks))
    return max(1, min(2, os.cpu_count() or 1, n_tasks))


def execute(tasks: list[tuple[Any, Callable, tuple]], jobs: int, on_done: Callable[[Any, Any], None]) -> None:
    """Run ``tasks`` [(key, fn, args)], calling ``on_done(key, result)`` as each finishes.

    One job runs in this process; more run in worker processes (fork where available) that die with
    this one.
    """
    if jobs <= 1:
        # One thread here too: the same numbers as in a worker (and torch's multi-threaded kernels on tiny
        # tensors stall for ~20 ms per call when the cores are busy).
        pin_threads()
        for key, fn, args in tasks:
            on_done(key, fn(*args))
        return
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=init_worker,
                                initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(fn, *args): key for key, fn, args in tasks}
        try:
            for fut in cf.as_completed(futures):
                on_done(futures[fut], fut.result())
        except BaseException:
            for f in futures:
                f.cancel()
            raise
