"""Loss audit: CLI wall time against the same-run floor, and the real-code corpus figures (issue 12).

    python benchmarks/audit.py            # CLI timings (best of 5) + corpus right/wrong/crash
    python benchmarks/audit.py --no-corpus [--repeat N]

The floor is measured in the same run: ``python -c pass`` and ``python -c "import torch"`` (the audit
cannot start faster than torch imports). The CLI audit is a textbook cross-entropy loss with its
generator: fast (``--no-symbolic --no-divergence``), with the defaults (certificate checked at 50 digits with
mpmath, quadrature of the value; neither imports sympy or scipy) and with ``--prove`` (sympy certificate).
Wall and CPU (user + system of the child) are both shown: on a shared machine CPU time is the steadier.
Children run with bytecode caching on (a private ``PYTHONPYCACHEPREFIX``; the first round fills it), as an
installed package runs.
``--baseline DIR`` also times the same audits from another checkout (e.g. ``git archive`` of an older commit),
interleaved in the same rounds. The corpus is :mod:`gantheory.loss_audit.corpus_real`: every port and slip
audited (fast) and compared with its ground truth.
"""

from __future__ import annotations

import argparse
import os
import resource
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


def _run(cmd: list[str], cwd: str, env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child: user + system) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cli_timings(repeat: int = 5, baseline: str | None = None) -> dict[str, tuple[float, float]]:
    """Best wall and best CPU time of each command over ``repeat`` interleaved rounds (a load spike then
    hits every command of its round alike, not one command's every run)."""
    with tempfile.TemporaryDirectory() as tmp:
        # bytecode cached as an installed package has it (pip compiles; an editable checkout under
        # PYTHONDONTWRITEBYTECODE recompiles every module at every start), in a private prefix
        common = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        common["PYTHONPYCACHEPREFIX"] = str(Path(tmp, "pycache"))
        env = {**common, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        base_env = {**common, "PYTHONPATH": str(baseline) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        Path(tmp, "bench_loss.py").write_text(LOSS_MODULE)
        py = sys.executable
        audit = [py, "-m", "verify", "audit", "bench_loss:d_loss", "bench_loss:g_loss"]
        commands = {"python -c pass": [py, "-c", "pass"],
                    "import torch (floor)": [py, "-c", "import torch"],
                    "audit --no-symbolic --no-divergence": [*audit, "--no-symbolic", "--no-divergence"],
                    "audit (defaults: certificate + value)": audit,
                    "audit --prove (sympy certificate)": [*audit, "--prove"]}
        envs = dict.fromkeys(commands, env)
        if baseline:
            for name in ("audit --no-symbolic --no-divergence", "audit (defaults: certificate + value)"):
                commands[f"baseline {name}"] = commands[name]
                envs[f"baseline {name}"] = base_env
        best = {name: (float("inf"), float("inf")) for name in commands}
        for _ in range(repeat):
            for name, cmd in commands.items():
                wall, cpu = _run(cmd, tmp, envs[name])
                best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
        return best


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
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds; the best of each is shown")
    parser.add_argument("--baseline", metavar="DIR", help="another checkout whose audits are timed alongside")
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores, best of {args.repeat}")
    t = cli_timings(args.repeat, args.baseline)
    print(f"load after: {os.getloadavg()[0]:.2f} (1 min)")
    floor, floor_cpu = t["import torch (floor)"]
    for name, (wall, cpu) in t.items():
        print(f"{name:49s} wall {wall:6.2f} s (ratio to import torch {wall / floor:5.2f}, +{wall - floor:5.2f} s)   "
              f"CPU {cpu:6.2f} s (ratio {cpu / floor_cpu:5.2f}, +{cpu - floor_cpu:5.2f} s)")
    if not args.no_corpus:
        for line in corpus_figures():
            print(line)


if __name__ == "__main__":
    main()
