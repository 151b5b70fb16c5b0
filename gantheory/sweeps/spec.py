"""Sweep specifications: canonical JSON, a stable key and seed per spec, and the Cartesian ``grid``.

A spec is a flat JSON object (str → number, string, bool or null). Its *canonical form* is
``json.dumps(spec, sort_keys=True, separators=(",", ":"), allow_nan=False)`` after numpy scalars and
arrays become Python numbers and lists; its key is the SHA-256 of that text (``hashlib``, never Python's
salted ``hash()``), and its seed is the key's first 8 bytes read as an unsigned integer modulo 2⁶³. So a
record depends on the spec only — not on the order of the sweep, the pack it was trained in, the
process or the machine.

>>> spec_key({"lr": 0.1, "seed": 0}) == spec_key({"seed": 0, "lr": 0.1})
True
>>> [s["lr"] for s in grid(lr=[0.1, 0.2], seed=range(2))]
[0.1, 0.1, 0.2, 0.2]
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from gantheory.errors import GanTheoryError

__all__ = ["canonical", "canonical_json", "grid", "spec_key", "spec_seed"]


def _plain(value: Any, name: str) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if hasattr(value, "tolist") and not isinstance(value, (list, tuple)):  # numpy scalars and arrays
        value = value.tolist()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise GanTheoryError(f"spec parameter {name!r} must be finite, got {value!r}")
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{name}[{i}]") for i, v in enumerate(value)]
    raise GanTheoryError(f"spec parameter {name!r} must be a JSON number, string, bool, null or list, "
                         f"got {type(value).__name__}")


def canonical(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The spec as plain JSON values with sorted keys (numpy scalars → Python numbers, tuples → lists).

    Raises:
        GanTheoryError: a key that is not a string, or a value that is not finite JSON (naming it).
    """
    if not isinstance(spec, Mapping):
        raise GanTheoryError(f"a spec must be a mapping of parameter names to values, got {type(spec).__name__}")
    out = {}
    for key in sorted(spec):
        if not isinstance(key, str):
            raise GanTheoryError(f"spec keys must be strings, got {key!r}")
        out[key] = _plain(spec[key], key)
    return out


def canonical_json(spec: Mapping[str, Any]) -> str:
    """The canonical text of a spec: sorted keys, no spaces, no NaN/inf."""
    return json.dumps(canonical(spec), sort_keys=True, separators=(",", ":"), allow_nan=False)


def spec_key(spec: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of :func:`canonical_json`: the spec's identity in records and for ``--resume``."""
    return hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()


def spec_seed(spec: Mapping[str, Any]) -> int:
    """The spec's random seed: the first 8 bytes of :func:`spec_key` as an integer, modulo 2⁶³."""
    return int(spec_key(spec)[:16], 16) % (2**63)


def grid(**axes: Any) -> list[dict[str, Any]]:
    """The Cartesian product of the axes, the *last* axis varying fastest (like ``itertools.product``).

    Each axis is a value or an iterable of values (strings and ``None`` count as single values); numpy
    arrays and ranges are accepted. ``grid(lr=np.geomspace(1e-3, 1, 16), seed=range(8))`` is 128 specs.

    Raises:
        GanTheoryError: an empty axis, or a value that is not finite JSON (naming the axis).
    """
    names, values = [], []
    for name, axis in axes.items():
        if axis is None or isinstance(axis, (str, bytes, int, float, bool)) or not isinstance(axis, Iterable):
            axis = [axis]
        if hasattr(axis, "tolist"):
            axis = axis.tolist()
        axis = [_plain(v, name) for v in axis]
        if not axis:
            raise GanTheoryError(f"grid axis {name!r} is empty")
        names.append(name)
        values.append(axis)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)]
