"""Benchmark: CPU time of the symbolic lens, every derivation derived cold (empty caches).

Same process: a fixed sympy workload (simplifying the GAN criterion's pointwise maximum, repeated) is timed
first as the baseline, so the printed ratios compare machines and sympy versions fairly. CPU time, not wall
time: sympy is single-threaded, and CPU time does not grow when other jobs share the machine.

The budgets these numbers used to be asserted against inside the tests (moved here: a test asserts
correctness, a benchmark measures time): every derivation together under 20 s on 2 cores (measured ~9 s),
the two dynamics derivations (envelope, function-space convergence) under 3 s (measured ~1.5-2 s).

    python benchmarks/symbolic.py
"""

from __future__ import annotations

import platform
import time

import sympy as sp
from sympy.core.cache import clear_cache

import gantheory.symbolic as symbolic
from gantheory.symbolic.dynamics import envelope, function_space_convergence

BUDGETS_S = {"all derivations": 20.0, "envelope + function-space convergence": 3.0}


def _baseline(repeats: int = 20) -> float:
    """A fixed sympy workload: D* = p/(p+q) into p log D + q log(1 − D), simplified, ``repeats`` times."""
    p, q = sp.symbols("p q", positive=True)
    start = time.process_time()
    for _ in range(repeats):
        clear_cache()
        d = p / (p + q)
        sp.simplify(sp.expand_log(p * sp.log(d) + q * sp.log(1 - d), force=True))
    return time.process_time() - start


def _cold(run) -> float:
    symbolic.clear_caches()
    clear_cache()
    start = time.process_time()
    run()
    return time.process_time() - start


def main() -> None:
    baseline = _baseline()
    timings = {
        "all derivations": _cold(symbolic.derive_all),
        "envelope + function-space convergence": _cold(lambda: (envelope(), function_space_convergence())),
    }
    print(f"python {platform.python_version()}, sympy {sp.__version__}, {platform.machine()}")
    print(f"baseline (fixed sympy workload): {baseline:.3f} s CPU")
    for name, seconds in timings.items():
        print(f"{name:40s} {seconds:7.2f} s CPU = {seconds / baseline:6.1f}x baseline "
              f"(former test budget {BUDGETS_S[name]:.0f} s: {seconds / BUDGETS_S[name]:.0%} of it)")


if __name__ == "__main__":
    main()
