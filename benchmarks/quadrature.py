"""Benchmark: JSD of random Gaussian-mixture pairs, batched engine vs a Python loop of scipy quad; then
every named pair of the case registry (:data:`gantheory.cases.CASES`) against its stored exact value.

Same process, same pairs, arms interleaved round by round (engine block, then a sample of its pairs by the
naive and the robust quad loop), so load changes hit every arm alike; ratios are formed pair by pair within
a round and their medians reported, with the load average, nodes per pair, ns per node and the per-node
floor (a fused log-space pass over the same number of nodes) measured in the same run, and each arm's
accuracy against the reference (max error, pairs wrong by > 1e-8). The reference is QUADPACK's qagp (scipy.integrate.quad with every
component's mean ± k·scale passed as `points`, finite limits, epsabs=1e-14) — a different rule and
splitting than gantheory's G7-K15 grid — itself spot-checked against the mpmath oracle (45 digits).

    python benchmarks/quadrature.py            # 5 interleaved rounds: 2,000 pairs batched, then 20 of them by each quad loop
    python benchmarks/quadrature.py --rounds 9 --pairs 5000 --quad-pairs 40 --oracle 10
    python benchmarks/quadrature.py --cases-only  # the registry's named pairs: time per pair, error vs exact
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
import warnings

import numpy as np
from scipy import integrate

from gantheory import Mixture, Normal, js_divergence
from gantheory.cases import CASES
from gantheory.numerics import LOG2


def random_pairs(n, k, rng):
    def batch():
        locs = rng.uniform(-10, 10, size=(k, n))
        scales = np.exp(rng.uniform(np.log(0.01), np.log(3.0), size=(k, n)))
        w = rng.dirichlet(np.ones(k), size=n)
        return Mixture([Normal(locs[i], scales[i]) for i in range(k)], w), (locs, scales, w)

    return batch(), batch()


def _scalar_logpdf(locs, scales, weights):
    """A fast pure-Python log-density (math module, log-sum-exp), so quad is not slowed by numpy overhead."""
    terms = [(float(m), float(s), math.log(w) - math.log(s) - 0.5 * math.log(2 * math.pi))
             for m, s, w in zip(locs, scales, weights, strict=True) if w > 0]

    def lp(x):
        vals = [c - 0.5 * ((x - m) / s) ** 2 for m, s, c in terms]
        top = max(vals)
        return top + math.log(sum(math.exp(v - top) for v in vals))

    return lp


def jsd_integrand(lp_fn, lq_fn):
    def f(x):
        lp, lq = lp_fn(x), lq_fn(x)
        m = np.logaddexp(lp, lq) - LOG2
        return 0.5 * (math.exp(lp) * (lp - m) + math.exp(lq) * (lq - m))

    return f


def naive_quad(lp, lq):
    return integrate.quad(jsd_integrand(lp, lq), -np.inf, np.inf, epsabs=1e-13, limit=200)[0]


def reference_quad(lp, lq, params_p, params_q):
    locs = np.concatenate([params_p[0], params_q[0]])
    scales = np.concatenate([params_p[1], params_q[1]])
    pts = np.unique(np.concatenate([locs + k * scales for k in (-8, -4, -2, -1, 0, 1, 2, 4, 8)]))
    lo, hi = (locs - 40 * scales).min(), (locs + 40 * scales).max()
    pts = pts[(pts > lo) & (pts < hi)]
    return integrate.quad(jsd_integrand(lp, lq), lo, hi, points=pts, epsabs=1e-14, epsrel=1e-14, limit=2000)[0]


def cases_table(repeats=3):
    """Every registry pair with a JSD: gantheory's certified value (best of ``repeats`` timings) against the
    stored exact value, and scipy's quad over (−∞, ∞) on the same pair for comparison."""
    print(f"{'case':<28} {'gantheory ms':>12} {'|error|':>9} {'quad ms':>9} {'quad |error|':>12}")
    for name, case in CASES.items():
        if "js" not in case.expected:
            continue
        exact = case.expected["js"]
        best = math.inf
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(repeats):
                t0 = time.perf_counter()
                value = float(js_divergence(case.p, case.q))
                best = min(best, time.perf_counter() - t0)
        quad = "—"
        if not (case.p.is_discrete or case.q.is_discrete):
            lp = lambda x, d=case.p: float(d.logpdf(np.float64(x)))  # noqa: E731
            lq = lambda x, d=case.q: float(d.logpdf(np.float64(x)))  # noqa: E731
            t0 = time.perf_counter()
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                naive = naive_quad(lp, lq)
            quad = f"{1e3 * (time.perf_counter() - t0):9.1f} {abs(naive - exact):12.1e}"
        print(f"{name:<28} {1e3 * best:12.1f} {abs(value - exact):9.1e} {quad}")


def _count_nodes(pb, qb):
    """Integrand evaluations per pair of the engine on this batch (a counting wrapper of the JSD row)."""
    from gantheory.divergences import DIVERGENCES
    from gantheory.quadrature import integrate

    seen = [0]
    row = DIVERGENCES["js"]

    def counting(x, lp, lq):
        seen[0] += int(np.size(lp))
        return row.integrand(x, lp, lq)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        integrate(counting, pb, qb, kink=row.kink, kernel_bound=row.kernel_bound, name="js")  # as js_divergence does
    return seen[0] / pb.batch_shape[0]


def _floor_ns_per_node(pb, qb, nodes_per_pair, rng):
    """The per-node floor: one fused log-space pass (both mixtures' log-densities and the JSD kernel) over
    as many nodes as the engine used, with no grid logic, no error estimate and no refinement."""
    from gantheory.numerics import exp
    from gantheory.quadrature import _js_from_densities

    n = max(1, round(nodes_per_pair))
    x = rng.uniform(-12.0, 12.0, size=(n, pb.batch_shape[0]))

    def core(lp, lq):  # the cheapest JSD kernel the engine has (exponentials shared, as its mass check does)
        return _js_from_densities(lp, lq, exp(lp), exp(lq))

    best = math.inf
    for _ in range(3):
        t0 = time.perf_counter()
        chunk = max(1, 250_000 // n)
        for i in range(0, pb.batch_shape[0], chunk):
            xs = x[:, i:i + chunk]
            lp, lq = pb[i:i + chunk].logpdf(xs), qb[i:i + chunk].logpdf(xs)
            core(lp, lq).sum()
        best = min(best, time.perf_counter() - t0)
    return 1e9 * best / x.size


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=2000, help="pairs per engine block (timed batched)")
    ap.add_argument("--components", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds: engine block, then quad pairs of it")
    ap.add_argument("--quad-pairs", type=int, default=20, help="pairs per round timed with each quad loop")
    ap.add_argument("--oracle", type=int, default=3, help="pairs whose reference is also checked by the mpmath oracle")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cases-only", action="store_true", help="only the registry's named pairs")
    args = ap.parse_args(argv)
    if args.cases_only:
        cases_table()
        return
    rng = np.random.default_rng(args.seed)
    load0 = os.getloadavg()
    # Arms interleaved round by round (A B C A B C …) so a change of load hits every arm alike; each ratio is
    # formed within a round (per pair: the quad pair's time over the engine's per-pair time of the same
    # round's block), and the medians over pairs are reported.
    ratios_naive, ratios_robust, t_engine, nodes, err_b, err_n = [], [], [], [], [], []
    warned = 0
    for _ in range(args.rounds):
        (pb, par_p), (qb, par_q) = random_pairs(args.pairs, args.components, rng)
        t0 = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            batched = np.asarray(js_divergence(pb, qb))
        per_pair = (time.perf_counter() - t0) / args.pairs
        warned += len(caught)
        t_engine.append(per_pair)
        nodes.append(_count_nodes(pb[: min(args.pairs, 500)], qb[: min(args.pairs, 500)]))
        for i in rng.choice(args.pairs, size=min(args.quad_pairs, args.pairs), replace=False):
            lp = _scalar_logpdf(par_p[0][:, i], par_p[1][:, i], par_p[2][i])
            lq = _scalar_logpdf(par_q[0][:, i], par_q[1][:, i], par_q[2][i])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # quad's IntegrationWarnings: counted as wrong answers below
                t0 = time.perf_counter()
                naive = naive_quad(lp, lq)
                t_n = time.perf_counter() - t0
                t0 = time.perf_counter()
                ref = reference_quad(lp, lq, (par_p[0][:, i], par_p[1][:, i]), (par_q[0][:, i], par_q[1][:, i]))
                t_r = time.perf_counter() - t0
            ratios_naive.append(t_n / per_pair)
            ratios_robust.append(t_r / per_pair)
            err_b.append(abs(batched[i] - ref))
            err_n.append(abs(naive - ref))
    load1 = os.getloadavg()
    oracle_gap = 0.0
    if args.oracle:
        from gantheory.oracle import reference_value

        (pb, par_p), (qb, par_q) = random_pairs(args.oracle, args.components, rng)
        for i in range(args.oracle):
            lp = _scalar_logpdf(par_p[0][:, i], par_p[1][:, i], par_p[2][i])
            lq = _scalar_logpdf(par_q[0][:, i], par_q[1][:, i], par_q[2][i])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ref = reference_quad(lp, lq, (par_p[0][:, i], par_p[1][:, i]), (par_q[0][:, i], par_q[1][:, i]))
            oracle_gap = max(oracle_gap, abs(float(reference_value(pb[i], qb[i], "js", dps=30)) - ref))
    (pb, _), (qb, _) = random_pairs(min(args.pairs, 2000), args.components, rng)
    npp = float(np.median(nodes))
    floor = _floor_ns_per_node(pb, qb, npp, rng)
    engine_pp = float(np.median(t_engine))
    ns_node = 1e9 * engine_pp / npp
    err_b, err_n = np.array(err_b), np.array(err_n)
    print(f"machine: {platform.processor() or platform.machine()}, load {load0[0]:.1f} -> {load1[0]:.1f} (1-min avg), "
          f"{args.rounds} interleaved rounds x {args.pairs} pairs of {args.components}-component Gaussian mixtures")
    print(f"engine      : {1e6 * engine_pp:8.1f} us/pair (median of rounds; spread {1e6 * min(t_engine):.1f}-{1e6 * max(t_engine):.1f}),"
          f" {npp:.0f} nodes/pair, {ns_node:.0f} ns/node; fused floor {floor:.0f} ns/node -> {ns_node / floor:.2f}x the floor;"
          f" max err {err_b.max():.1e}, wrong(>1e-8) {int((err_b > 1e-8).sum())}/{err_b.size}, warnings {warned}")
    print(f"naive quad  : median ratio {np.median(ratios_naive):7.1f}x (IQR {np.percentile(ratios_naive, 25):.1f}-{np.percentile(ratios_naive, 75):.1f}),"
          f" max err {err_n.max():.1e}, wrong(>1e-8) {int((err_n > 1e-8).sum())}/{err_n.size}")
    print(f"robust quad : median ratio {np.median(ratios_robust):7.1f}x (IQR {np.percentile(ratios_robust, 25):.1f}-{np.percentile(ratios_robust, 75):.1f}),"
          f" the reference itself (finite range, every component's mean ± k·scale as points, epsabs 1e-14);"
          f" vs mpmath oracle on {args.oracle} pairs: max |diff| {oracle_gap:.1e}")


if __name__ == "__main__":
    main()
