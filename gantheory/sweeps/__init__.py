"""Sweeps at scale: many trainings against theory, packed into batched computations and mapped over workers.

>>> from gantheory.sweeps import grid, sweep          # doctest: +SKIP
>>> specs = grid(loss="standard", regularizer="r1", gamma=[0.5, 1.0], lr=[0.5, 4.0], seed=range(2))
>>> records = sweep("dirac_gan", specs, workers=1)    # int | map-like callable | concurrent.futures.Executor

See :mod:`gantheory.sweeps.sweep` (parallelism, packing, records, resume), :mod:`gantheory.sweeps.tasks`
(``TASKS``) and :mod:`gantheory.sweeps.spec` (canonical specs, stable seeds). Importing this package
imports neither torch nor numpy; a task imports what it needs when it runs.
"""

from __future__ import annotations

from gantheory.sweeps.spec import canonical, canonical_json, grid, spec_key, spec_seed
from gantheory.sweeps.sweep import DEFAULT_PACK_SIZE, dask_executor, prepare, ray_map, read_records, sweep
from gantheory.sweeps.tasks import TASKS, Task, resolve_task

__all__ = ["DEFAULT_PACK_SIZE", "TASKS", "Task", "canonical", "canonical_json", "dask_executor", "grid", "prepare", "ray_map",
           "read_records", "resolve_task", "spec_key", "spec_seed", "sweep"]
