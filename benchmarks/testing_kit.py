"""How long the testing kit takes to report a failing loss (search + shrinking), against a baseline in
the same process: the same assertion with the per-loss cache off (terms, clamp and solved points rebuilt
at every example) and torch's default thread pool (issue 14: a failing loss once took minutes to shrink).

    python benchmarks/testing_kit.py [--examples 10]

Prints the seconds of each arm and their ratio; accuracy is asserted in tests/testing/, not here.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's gantheory
from gantheory.testing import assertions


def off_by_1e6(real, fake):
    """The textbook loss plus 1e-6: the optimum is right, the value at it is not (the slow path)."""
    return -(F.logsigmoid(real).mean() + F.logsigmoid(-fake).mean()) + 1e-6


def swapped(real, fake):
    return -(F.logsigmoid(-real).mean() + F.logsigmoid(fake).mean())


def timed(loss, examples: int) -> float:
    from gantheory.testing.strategies import density_pairs

    start = time.perf_counter()
    try:
        # random pairs only (no witness pairs, which are explicit examples and never shrunk)
        assertions.assert_loss_matches_theory(loss, pairs=density_pairs(), max_examples=examples, deadline=None)
    except AssertionError:
        pass
    else:
        raise SystemExit(f"{loss.__name__} was not rejected")
    return time.perf_counter() - start


@contextlib.contextmanager
def baseline():
    """The cache off (every example rebuilds the model) and torch's own thread count."""
    import gantheory.empirical._device as device

    kept, threads = assertions._MODELS_KEPT, device.cpu_threads
    assertions._MODELS_KEPT = 0
    device.cpu_threads = lambda *a, **k: contextlib.nullcontext()
    torch.set_num_threads(max(2, torch.get_num_threads()))
    try:
        yield
    finally:
        assertions._MODELS_KEPT, device.cpu_threads = kept, threads
        assertions._MODELS.clear()


def main() -> None:
    from hypothesis import settings

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=10)
    args = parser.parse_args()
    # Both arms draw and shrink the same pairs (hypothesis is randomised by default).
    settings.register_profile("benchmark", derandomize=True)
    settings.load_profile("benchmark")
    from gantheory.cases import CASES

    case = CASES["shifted-normal"]
    for loss in (swapped, off_by_1e6):  # warm-up: imports and first calls outside the timings
        assertions.check_loss_against_theory(loss, case.p, case.q)
    for loss in (swapped, off_by_1e6):
        with baseline():
            old = timed(loss, args.examples)
        assertions._MODELS.clear()
        new = timed(loss, args.examples)
        print(f"{loss.__name__:12s} now {new:7.2f} s   baseline {old:7.2f} s   ratio {old / new:5.2f}x")


if __name__ == "__main__":
    main()
