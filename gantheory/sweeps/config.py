"""Read a sweep specification file (TOML) into a task name, its specs and options.

::

    task = "dirac_gan"
    pack_size = 256                      # optional
    [grid]                               # or [[grid]] several times: the union of the grids
    loss = "standard"
    regularizer = ["r1", "null"]         # TOML has no null: the string "null" stands for None
    gamma = [0.25, 0.5, 1.0]
    lr = {geomspace = [0.01, 10.0, 16]}  # also {linspace = [a, b, n]} and {range = n}
    seed = {range = 4}

TOML is read by ``tomllib`` (Python ≥ 3.11) or the ``tomli`` package on 3.10.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from gantheory.errors import DependencyError, GanTheoryError
from gantheory.sweeps.spec import grid

__all__ = ["SweepFile", "load_sweep_file"]


@dataclass(frozen=True)
class SweepFile:
    """A parsed sweep file: ``task``, the ``specs`` of its grids, and ``pack_size`` (None: the default)."""

    task: str
    specs: tuple[dict, ...]
    pack_size: int | None


def _toml():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib
        except ImportError as exc:
            raise DependencyError("reading a sweep file on Python 3.10 needs tomli: pip install tomli") from exc
    return tomllib


def _axis(name: str, value: Any) -> Any:
    import numpy as np

    if isinstance(value, dict):
        if len(value) != 1:
            raise GanTheoryError(f"grid axis {name!r}: a table must have one key (geomspace, linspace or range)")
        (kind, args), = value.items()
        if kind == "range":
            return list(range(*(args if isinstance(args, list) else [args])))
        if kind in ("geomspace", "linspace") and isinstance(args, list) and len(args) == 3:
            return getattr(np, kind)(float(args[0]), float(args[1]), int(args[2])).tolist()
        raise GanTheoryError(f"grid axis {name!r}: unknown table {value!r} (geomspace = [a, b, n], "
                             "linspace = [a, b, n], range = n)")
    if isinstance(value, list):
        return [None if v == "null" else v for v in value]
    return None if value == "null" else value


def load_sweep_file(path: str | os.PathLike) -> SweepFile:
    """Parse ``path``.

    Raises:
        GanTheoryError: a file that cannot be read (naming it), a missing ``task`` or ``grid``, or a malformed
            axis (naming it).
    """
    tomllib = _toml()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise GanTheoryError(f"{path}: not valid TOML ({exc})") from exc
    except OSError as exc:  # missing, a folder, unreadable: a usage error naming the file
        raise GanTheoryError(f"cannot read the sweep file {path}: {exc.strerror or exc}") from None
    if "task" not in data or "grid" not in data:
        raise GanTheoryError(f"{path}: a sweep file needs `task = \"...\"` and a [grid] table")
    grids = data["grid"] if isinstance(data["grid"], list) else [data["grid"]]
    specs: list[dict] = []
    for g in grids:
        specs.extend(grid(**{name: _axis(name, value) for name, value in g.items()}))
    pack_size = data.get("pack_size")
    return SweepFile(str(data["task"]), tuple(specs), None if pack_size is None else int(pack_size))
