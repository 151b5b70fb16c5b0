"""Sweeps at scale: many trainings against theory, packed into batched computations and mapped over workers.

>>> from gantheory.sweeps import grid, sweep
>>> specs = grid(loss="standard", regularizer="r1", gamma=[0.5, 1.0], lr=[0.5, 4.0], seed=range(2), steps=50)
>>> records = sweep("dirac_gan", specs, workers=1)    # int | map-like callable | concurrent.futures.Executor
>>> [r["status"] for r in records if r["spec"]["gamma"] == 1.0]   # h_max(γ = 1) = 4: lr = 4 is not stable
['ok', 'ok', 'diverged', 'diverged']

See :mod:`gantheory.sweeps.sweep` (parallelism, packing, records, resume), :mod:`gantheory.sweeps.tasks`
(``TASKS``) and :mod:`gantheory.sweeps.spec` (canonical specs, stable seeds). Importing this package
imports neither torch nor numpy; a task imports what it needs when it runs.
"""

from __future__ import annotations

from gantheory.sweeps.spec import canonical, canonical_json, grid, spec_key, spec_seed
from gantheory.sweeps.sweep import DEFAULT_PACK_SIZE, SweepWarning, dask_executor, prepare, ray_map, read_records, sweep
from gantheory.sweeps.tasks import TASKS, Task, resolve_task

__all__ = ["DEFAULT_PACK_SIZE", "TASKS", "SweepWarning", "Task", "canonical", "canonical_json", "dask_executor", "grid", "prepare", "ray_map",
           "read_records", "resolve_task", "spec_key", "spec_seed", "sweep"]
