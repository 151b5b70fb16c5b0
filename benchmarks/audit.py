"""Loss audit: CLI wall time against the same-run floor, and the real-code corpus figures (issue 12).

    python benchmarks/audit.py            # CLI timings (best of 3) + corpus right/wrong/crash
    python benchmarks/audit.py --no-corpus

The floor is measured in the same run: ``python -c pass`` and ``python -c "import torch"`` (the audit
cannot start faster than torch imports). The CLI audit is a textbook cross-entropy loss with its
generator, once fast (``--no-symbolic --no-divergence``: no sympy, no scipy) and once with the defaults
(sympy certificate and quadrature of the value). The corpus is :mod:`gantheory.loss_audit.corpus_real`:
every port and slip audited (fast) and compared with its ground truth.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOSS_MODULE = '''import torch.nn.functional as F


def d_loss(real, fake):
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def g_loss(fake):
    return F.softplus(-fake).mean()
'''


def _best_of(cmd: list[str], cwd: str, env: dict, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t0)
    return best


def cli_timings() -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "bench_loss.py").write_text(LOSS_MODULE)
        py = sys.executable
        audit = [py, "-m", "verify", "audit", "bench_loss:d_loss", "bench_loss:g_loss"]
        return {"python -c pass": _best_of([py, "-c", "pass"], tmp, env),
                "import torch (floor)": _best_of([py, "-c", "import torch"], tmp, env),
                "audit --no-symbolic --no-divergence": _best_of([*audit, "--no-symbolic", "--no-divergence"], tmp, env),
                "audit (defaults: certificate + value)": _best_of(audit, tmp, env)}


def corpus_figures() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from gantheory.loss_audit.corpus_real import PORTS, SLIPS, evaluate

    lines = []
    for group, entries in (("ports", PORTS), ("slips", SLIPS)):
        counts = {"right": 0, "wrong": 0, "crash": 0}
        ok_slips = 0
        times = []
        for port in entries.values():
            t0 = time.perf_counter()
            outcome = evaluate(port, slip=group == "slips")
            times.append(time.perf_counter() - t0)
            counts[outcome.status] += 1
            if group == "slips" and outcome.got.get("verdict", "").startswith("OK"):
                ok_slips += 1
            if outcome.status != "right":
                lines.append(f"  {group}:{port.name}: {outcome.status} ({outcome.detail})")
        repos = len({p.repository for p in entries.values()})
        times.sort()
        lines.insert(0, f"{group}: {len(entries)} entries from {repos} sources — right {counts['right']}, wrong "
                        f"{counts['wrong']}, crash {counts['crash']}"
                        + (f", passing as OK {ok_slips}" if group == "slips" else "")
                        + f"; audit time median {times[len(times) // 2]:.2f} s, max {times[-1]:.1f} s")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-corpus", action="store_true")
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores")
    t = cli_timings()
    floor = t["import torch (floor)"]
    for name, seconds in t.items():
        print(f"{name:40s} {seconds:6.2f} s   ratio to import torch {seconds / floor:5.2f}")
    print(f"audit beyond the torch floor: fast {t['audit --no-symbolic --no-divergence'] - floor:.2f} s, "
          f"defaults {t['audit (defaults: certificate + value)'] - floor:.2f} s")
    if not args.no_corpus:
        for line in corpus_figures():
            print(line)


if __name__ == "__main__":
    main()
