"""Shared set-up of the empirical tests: tiny torch models run single-threaded.

Each test module keeps its own ``pytest.importorskip("torch")`` (so it skips cleanly without torch);
``@pytest.mark.cuda`` tests are skipped without a GPU by ``tests/conftest.py``.
"""

from __future__ import annotations

import pytest

try:
    import torch
except ImportError:  # pragma: no cover - the test modules skip themselves
    torch = None


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    # The tensors here are small: intra-op threading costs more than it saves, and on a shared 2-core
    # runner OpenMP spin-waits thrash (measured: 1000x slower elementwise ops under load).
    if torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
