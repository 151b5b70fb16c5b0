"""Canonical specs, stable keys and seeds, and the grid (gantheory/sweeps/spec.py)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

from gantheory.errors import GanTheoryError
from gantheory.sweeps import canonical_json, grid, spec_key, spec_seed

SPEC = {"task": "dirac_gan", "lr": 0.5, "gamma": 1.0, "seed": 3, "regularizer": None}


def test_key_ignores_key_order_and_numpy_types():
    shuffled = {"seed": np.int64(3), "regularizer": None, "gamma": np.float64(1.0), "lr": 0.5, "task": "dirac_gan"}
    assert spec_key(shuffled) == spec_key(SPEC)
    assert canonical_json(SPEC) == '{"gamma":1.0,"lr":0.5,"regularizer":null,"seed":3,"task":"dirac_gan"}'


def test_key_is_sha256_of_the_canonical_text_and_seed_its_first_8_bytes():
    # independent route: hashlib on the literal canonical text written out above
    text = b'{"gamma":1.0,"lr":0.5,"regularizer":null,"seed":3,"task":"dirac_gan"}'
    digest = hashlib.sha256(text).hexdigest()
    assert spec_key(SPEC) == digest
    assert spec_seed(SPEC) == int.from_bytes(bytes.fromhex(digest)[:8], "big") % 2**63


def test_a_different_spec_gets_a_different_seed():  # negative control of the identity above
    assert spec_seed({**SPEC, "seed": 4}) != spec_seed(SPEC)
    assert spec_seed({**SPEC, "lr": 0.5000000000000001}) != spec_seed(SPEC)


def _in_subprocess(code: str, hashseed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True,
                          cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__)))).stdout.strip()


def test_seed_is_the_same_in_processes_with_different_hash_salts():
    code = ("from gantheory.sweeps import spec_seed; "
            "print(spec_seed({'task': 'dirac_gan', 'lr': 0.5, 'gamma': 1.0, 'seed': 3, 'regularizer': None}), "
            "hash('dirac_gan'))")
    a, b = _in_subprocess(code, "1").split(), _in_subprocess(code, "2").split()
    assert a[0] == b[0] == str(spec_seed(SPEC))
    # negative control: Python's salted hash() differs between the two processes
    assert a[1] != b[1]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), np.float64("-inf")])
def test_non_finite_values_are_refused_naming_the_parameter(bad):
    with pytest.raises(GanTheoryError, match="'lr'"):
        spec_key({"lr": bad})


def test_non_json_values_are_refused():
    with pytest.raises(GanTheoryError, match="'lr'"):
        spec_key({"lr": object()})
    with pytest.raises(GanTheoryError, match="keys must be strings"):
        spec_key({1: 2})


def test_grid_is_the_cartesian_product_last_axis_fastest():
    specs = grid(loss="standard", lr=np.array([0.1, 0.2]), seed=range(3), regularizer=None)
    assert len(specs) == 6
    assert [(s["lr"], s["seed"]) for s in specs] == [(0.1, 0), (0.1, 1), (0.1, 2), (0.2, 0), (0.2, 1), (0.2, 2)]
    assert all(s["loss"] == "standard" and s["regularizer"] is None for s in specs)
    assert all(type(s["lr"]) is float for s in specs)


def test_grid_refuses_an_empty_axis_and_nan():
    with pytest.raises(GanTheoryError, match="'lr' is empty"):
        grid(lr=[])
    with pytest.raises(GanTheoryError, match="'gamma'"):
        grid(gamma=[1.0, float("nan")])
