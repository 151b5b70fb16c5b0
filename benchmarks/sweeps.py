"""Benchmark: sweeps packed into batched computations vs one by one; serial vs process pool vs Dask vs Ray.

Ratios are measured in one run (same process, same load). Accuracy (bitwise identity of serial and
pooled records, packed within PACKED_RTOL of one by one) is asserted in tests/sweeps/; this script also
checks that every back-end returned the serial records and says so.

- Packing: ``train_discriminator`` (width-8 tanh MLP, 64 samples per side, 50 Adam steps),
  ``gaussian_gan`` (affine G, quadratic D, R1, 100 iterations, k ∈ {1, 3} mixed in a pack by masks) and
  ``dirac_gan`` (R1, simultaneous GD, 200 steps) at N = 10², 10³, 10⁴ models. The packed arm runs all N
  (one pack of N, and packs of the CPU default 256); the one-by-one arm runs ``min(N, --one-by-one)``
  models and is reported per model (its cost per model does not depend on N), so the speed-up is
  (one-by-one seconds per model) / (packed seconds per model).
- Back-ends: the same ``train_discriminator`` sweep (``--backend-models`` models, packs of 64) serially, on a local
  process pool of 2, on ``distributed.LocalCluster(n_workers=2, processes=True)`` and on a local Ray
  ``Pool(2)`` when those are installed (start-up time counted separately).

    python benchmarks/sweeps.py                 # the full run (a few minutes on a busy 2-core machine)
    python benchmarks/sweeps.py --quick         # 10² and 10³ only
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from gantheory.sweeps import grid, sweep


def _specs(task: str, n: int) -> list[dict]:
    seeds = range(int(np.ceil(n / 16)))
    if task == "train_discriminator":
        specs = grid(lr=np.geomspace(1e-3, 1e-1, 16), steps=50, n_samples=64, width=8, seed=seeds)
    elif task == "gaussian_gan":
        specs = grid(gamma=np.linspace(0.1, 2.0, 4), lr=np.geomspace(0.05, 2.0, 2), k=[1, 3], steps=100, seed=seeds)
    else:
        specs = grid(regularizer="r1", gamma=np.linspace(0.1, 4.0, 4), lr=np.geomspace(0.05, 20, 4), steps=200,
                     seed=seeds)
    return specs[:n]


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def packing(sizes: list[int], one_by_one: int) -> None:
    print(f"{'task':<20}{'N':>7}{'1-by-1 s/model':>16}{'packed(N) s/model':>19}{'ratio':>8}"
          f"{'packs of 256 s/model':>22}{'ratio':>8}")
    for task in ("dirac_gan", "gaussian_gan", "train_discriminator"):
        # warm the caches (sympy fields, predictions) outside the timings
        sweep(task, _specs(task, 16), pack=False)
        sweep(task, _specs(task, 16))
        for n in sizes:
            specs = _specs(task, n)
            m = min(n, one_by_one)
            t1, _ = _timed(lambda specs=specs, m=m, task=task: sweep(task, specs[:m], pack=False))
            tp, _ = _timed(lambda specs=specs, n=n, task=task: sweep(task, specs, pack_size=n))
            t256, _ = _timed(lambda specs=specs, task=task: sweep(task, specs, pack_size=256))
            per1, perp, per256 = t1 / m, tp / n, t256 / n
            print(f"{task:<20}{n:>7}{per1:>16.2e}{perp:>19.2e}{per1 / perp:>8.1f}{per256:>22.2e}{per1 / per256:>8.1f}",
                  flush=True)


def backends(n: int) -> None:
    task = "train_discriminator"
    specs = _specs(task, n)
    ts, serial = _timed(lambda: sweep(task, specs, pack_size=64))
    rows = [("serial", 0.0, ts, True)]
    tp, pooled = _timed(lambda: sweep(task, specs, 2, pack_size=64))
    rows.append(("process pool (2, spawn; start-up included)", 0.0, tp, pooled == serial))
    try:
        import distributed

        t0 = time.perf_counter()
        with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            start = time.perf_counter() - t0
            td, dasked = _timed(lambda: sweep(task, specs, client.get_executor(), pack_size=64))
        rows.append(("Dask LocalCluster(2 processes)", start, td, dasked == serial))
    except ImportError:
        print("Dask: not installed (pip install 'gantheory[dask]')")
    try:
        import ray

        from gantheory.sweeps import ray_map

        t0 = time.perf_counter()
        mapper = ray_map(None, processes=2)
        start = time.perf_counter() - t0
        tr, rayed = _timed(lambda: sweep(task, specs, mapper, pack_size=64))
        ray.shutdown()
        rows.append(("Ray Pool(2)", start, tr, rayed == serial))
    except ImportError:
        print("Ray: not installed (pip install 'gantheory[ray]')")
    print(f"\n{n} {task} models, packs of 64")
    print(f"{'back-end':<45}{'start-up s':>11}{'sweep s':>9}{'vs serial':>11}  records == serial")
    for name, start, t, same in rows:
        print(f"{name:<45}{start:>11.2f}{t:>9.2f}{ts / t:>11.2f}  {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--one-by-one", type=int, default=100, help="models run one by one per row")
    parser.add_argument("--backend-models", type=int, default=1024)
    args = parser.parse_args()
    print(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load": os.getloadavg(),
                      "cpus": os.cpu_count()}))
    packing([100, 1000] if args.quick else [100, 1000, 10000], args.one_by_one)
    backends(args.backend_models)


if __name__ == "__main__":
    main()
