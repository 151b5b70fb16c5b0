"""Benchmark: the derivation checker on the corpus (tests/derivations/correct) and its faulty variants.

Prints the figures of issue 11: false alarms on the correct set (goal 0), the share of steps left
unchecked/unparsed on the correct set (goal ≤ 10%), exact first-wrong-step localisation on the faulty set
made by :mod:`gantheory.derivation_check.mutations` (goal ≥ 95%; per kind too), and the time to check a
50-step document (goal ≤ 5 s on 2 cores), cold and again with the checker's caches warm — the warm run is
the baseline measured in the same process, so the ratio says what the caches buy.

    python benchmarks/derivations.py                # everything (the faulty set takes minutes)
    python benchmarks/derivations.py --sample 5     # every 5th faulty variant
    python benchmarks/derivations.py --json out.json  # also write every verdict
"""

from __future__ import annotations

import argparse
import collections
import json
import platform
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "derivations" / "correct"


def correct_set(check_derivation, docs):
    rows = []
    for doc in docs:
        start = time.perf_counter()
        report = check_derivation(doc.text)
        rows.append({"name": doc.name, "style": doc.style, "seconds": time.perf_counter() - start,
                     "first_wrong": report.first_wrong, "counts": report.counts,
                     "wrong": [s.to_dict() for s in report.steps if s.wrong]})
    return rows


def faulty_set(check_derivation, localised, mutations):
    rows = []
    for m in mutations:
        start = time.perf_counter()
        try:
            report = check_derivation(m.text)
            data = report.to_dict()
            hit, first = localised(m, data), data["first_wrong"]
            flagged = data["steps"][first] if first is not None else None
            same_index = first == m.step
        except Exception as exc:  # a crash is a miss, and is shown
            hit, first, flagged, same_index = False, None, {"error": repr(exc)}, False
        rows.append({"name": m.name, "kind": m.kind, "step": m.step, "line": m.line, "rhs": m.rhs, "localised": hit,
                     "detected": first is not None, "same_index": same_index, "flagged": flagged,
                     "seconds": time.perf_counter() - start})
    return rows


def fifty_step_document(docs, steps=50):
    """Correct documents joined until they hold ``steps`` steps or more, counted as the mutation generator
    counts them (text, step count), in the corpus's name order."""
    from gantheory.derivation_check.mutations import steps_of

    text, n = "", 0
    for doc in docs:
        text += "\n\n" + doc.text
        n = len(steps_of(text))
        if n >= steps:
            break
    return text, n


def _clear_caches() -> None:
    import sys

    for name, module in list(sys.modules.items()):
        if name.startswith("gantheory.derivation_check") and module is not None:
            for obj in vars(module).values():
                if callable(getattr(obj, "cache_clear", None)):
                    obj.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=1, help="measure every N-th faulty variant (default: all)")
    parser.add_argument("--json", type=Path, help="write every verdict to this file")
    args = parser.parse_args()

    from gantheory.derivation_check import check as check_module
    from gantheory.derivation_check.mutations import corpus_mutations, load_corpus, localised

    check_derivation = check_module.check_derivation
    docs = load_corpus(CORPUS)
    print(f"python {platform.python_version()} on {platform.machine()}; corpus: {len(docs)} correct documents")

    start = time.perf_counter()
    good = correct_set(check_derivation, docs)
    counts = collections.Counter()
    for row in good:
        counts.update(row["counts"])
    steps = sum(counts.values())
    alarms = [r for r in good if r["first_wrong"] is not None]
    print(f"\ncorrect set ({time.perf_counter() - start:.1f} s): {steps} steps; "
          + ", ".join(f"{counts[k]} {k}" for k in ("verified", "refuted", "ill_formed", "unchecked", "unparsed")))
    print(f"  false alarms: {len(alarms)} of {len(good)} documents, "
          f"{counts['refuted'] + counts['ill_formed']} steps (goal 0)")
    for r in alarms:
        for s in r["wrong"]:
            print(f"    {r['name']} line {s['line']}: {s['verdict']} — {s['reason'][:110]}")
    left = counts["unchecked"] + counts["unparsed"]
    print(f"  unchecked + unparsed: {left}/{steps} = {100 * left / max(steps, 1):.1f}% (goal ≤ 10%)")

    mutations = corpus_mutations(CORPUS)[:: max(args.sample, 1)]
    start = time.perf_counter()
    bad = faulty_set(check_derivation, localised, mutations)
    hit = sum(r["localised"] for r in bad)
    print(f"\nfaulty set ({time.perf_counter() - start:.1f} s): {len(bad)} variants"
          + (f" (every {args.sample}th of {len(corpus_mutations(CORPUS))})" if args.sample > 1 else ""))
    print(f"  first wrong step localised exactly: {hit}/{len(bad)} = {100 * hit / max(len(bad), 1):.1f}% (goal ≥ 95%)")
    print(f"  some step flagged: {sum(r['detected'] for r in bad)}/{len(bad)}; "
          f"same step index as the generator: {sum(r['same_index'] for r in bad)}/{len(bad)}")
    by_kind = collections.defaultdict(list)
    for r in bad:
        by_kind[r["kind"]].append(r["localised"])
    for kind, hits in sorted(by_kind.items()):
        print(f"    {kind:28} {sum(hits):4}/{len(hits):<4} {100 * sum(hits) / len(hits):5.1f}%")

    text, n = fifty_step_document(docs)
    _clear_caches()  # a cold run: the checker's functools caches emptied
    start = time.perf_counter()
    check_derivation(text)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    check_derivation(text)
    warm = time.perf_counter() - start
    print(f"\n{n}-step document: {cold:.2f} s first run, {warm:.2f} s again (caches warm); "
          f"ratio {cold / max(warm, 1e-9):.1f}x; goal ≤ 5 s")
    slowest = sorted(good, key=lambda r: -r["seconds"])[:3]
    print("  slowest correct documents: " + ", ".join(f"{r['name']} {r['seconds']:.1f} s" for r in slowest))

    if args.json:
        args.json.write_text(json.dumps({"correct": good, "faulty": bad}, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
