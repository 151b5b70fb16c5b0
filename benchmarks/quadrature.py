"""Benchmark: JSD of random Gaussian-mixture pairs, batched engine vs a Python loop of scipy quad; then
every named pair of the case registry (:data:`gantheory.cases.CASES`) against its stored exact value.

Same process, same pairs. Prints the speed ratio, each method's max error against a reference, and how
many pairs each got wrong by > 1e-8. The reference is QUADPACK's qagp (scipy.integrate.quad with every
component's mean ± k·scale passed as `points`, finite limits, epsabs=1e-14) — a different rule and
splitting than gantheory's G7-K15 grid — itself spot-checked against the mpmath oracle (45 digits).

    python benchmarks/quadrature.py            # 10,000 pairs batched; quad loop timed on 1,000 of them
    python benchmarks/quadrature.py --pairs 500 --quad-pairs 500 --oracle 20
    python benchmarks/quadrature.py --cases-only  # the registry's named pairs: time per pair, error vs exact
"""

from __future__ import annotations

import argparse
import math
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


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=10_000)
    ap.add_argument("--components", type=int, default=3)
    ap.add_argument("--quad-pairs", type=int, default=1000,
                    help="pairs timed with the quad loop and the reference (quad costs ~0.1 s a pair)")
    ap.add_argument("--oracle", type=int, default=10, help="pairs also checked by the mpmath oracle")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cases-only", action="store_true", help="only the registry's named pairs")
    args = ap.parse_args(argv)
    if args.cases_only:
        cases_table()
        return
    rng = np.random.default_rng(args.seed)
    (pb, par_p), (qb, par_q) = random_pairs(args.pairs, args.components, rng)

    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batched = np.asarray(js_divergence(pb, qb))
    t_batched = time.perf_counter() - t0

    sub = np.sort(rng.choice(args.pairs, size=min(args.quad_pairs, args.pairs), replace=False))
    scalar = {i: (_scalar_logpdf(par_p[0][:, i], par_p[1][:, i], par_p[2][i]),
                  _scalar_logpdf(par_q[0][:, i], par_q[1][:, i], par_q[2][i])) for i in sub}
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # quad's own IntegrationWarnings: counted as wrong answers below
        naive = np.array([naive_quad(*scalar[i]) for i in sub])
    t_naive = (time.perf_counter() - t0) * args.pairs / len(sub)  # per-pair time scaled to all pairs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = np.array([reference_quad(*scalar[i], (par_p[0][:, i], par_p[1][:, i]), (par_q[0][:, i], par_q[1][:, i]))
                        for i in sub])

    oracle_gap = 0.0
    if args.oracle:
        from gantheory.oracle import reference_value

        for j in rng.choice(len(sub), size=min(args.oracle, len(sub)), replace=False):
            i = sub[j]
            oracle_gap = max(oracle_gap, abs(float(reference_value(pb[i], qb[i], "js", dps=30)) - ref[j]))

    err_b, err_n = np.abs(batched[sub] - ref), np.abs(naive - ref)
    print(f"machine: {platform.processor() or platform.machine()}, {args.pairs} pairs of {args.components}-component Gaussian mixtures")
    print(f"reference (qagp with breakpoints) vs mpmath oracle on {args.oracle} pairs: max |diff| {oracle_gap:.1e}")
    print(f"accuracy measured on {len(sub)} pairs against the reference; batched timing over all {args.pairs} pairs")
    print(f"batched gantheory : {t_batched:8.2f} s  ({args.pairs / t_batched:9.0f} pairs/s)  max err {err_b.max():.1e}  wrong(>1e-8) {int((err_b > 1e-8).sum())}/{len(sub)}  warnings {len(caught)}")
    print(f"quad loop (naive) : {t_naive:8.2f} s  ({args.pairs / t_naive:9.0f} pairs/s, timed on {len(sub)})  max err {err_n.max():.1e}  wrong(>1e-8) {int((err_n > 1e-8).sum())}/{len(sub)}")
    print(f"speed ratio (quad loop / batched): {t_naive / t_batched:.1f}x")
    if (err_n > 1e-8).any():
        j = int(np.argmax(err_n))
        print(f"worst quad pair #{sub[j]}: quad {naive[j]:.6f} vs reference {ref[j]:.6f} (no warning raised by quad)")
    print()
    cases_table()


if __name__ == "__main__":
    main()
