"""``python -m verify`` / ``gantheory``: run the claim registry and write proof-check reports.

This is the only module with I/O: argument parsing, the progress bar (stderr), report files and exit
codes. The mathematics lives in :mod:`gantheory.claims`, the rendering in :mod:`gantheory.report`.

Usage::

    python -m verify                         # every claim, quick profile (same options as `run`)
    python -m verify list                    # the claims
    python -m verify run ID... [--profile quick|full] [--device auto|cpu|cuda] [--seed N]
                               [--out DIR] [--format text|json|md|html] [--resume DIR] [--jobs N]
    python -m verify selftest [ID...]        # every negative control must be refuted
    python -m verify audit MODULE:D_LOSS [MODULE:G_LOSS] [--format text|json|md|html] [--probabilities]
                                             # which game does this loss code play? (gantheory.audit)
    python -m verify check FILE... [--format text|json|md|html] [--out DIR]
                                             # the first wrong step of written derivations

One parser (:func:`build_parser`) holds every subcommand; every usage error goes through
:class:`UsageError` (or a :class:`~gantheory.errors.GanTheoryError` from bad input) to exit code 2.

Exit codes: 0 every claim holds (audit: a recognised game, used consistently; check: no step refuted or
ill-formed); 1 some claim refuted (or, for selftest, some control not refuted; for audit, a finding of
severity ``error``; for check, a refuted or ill-formed step); 2 usage error
(unknown claim ids and function names get the nearest names); 3 internal error (a lens could not run).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as _dt
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from gantheory.results import LENSES

EXIT_OK, EXIT_REFUTED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
FORMATS = ("text", "json", "md", "html")
_PACKAGES = ("numpy", "scipy", "sympy", "mpmath", "torch", "matplotlib", "rich", "gantheory")


class UsageError(Exception):
    """Bad command-line input (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")


def _add_run_options(p: argparse.ArgumentParser, *, ids_help: str) -> None:
    p.add_argument("ids", nargs="*", metavar="ID", help=ids_help)
    p.add_argument("--profile", choices=("quick", "full"), default="quick",
                   help="quick: CI-sized checks (≤ 60 s on 2 cores); full: heavier settings (≤ 15 min on CPU)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto", help="torch device for empirical lenses")
    p.add_argument("--seed", type=int, default=0, help="base seed of every random draw (default 0)")
    p.add_argument("--out", metavar="DIR", help="report folder (default reports/<timestamp>/)")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="what to print on stdout (json prints only the JSON document)")
    p.add_argument("--jobs", type=int, default=0, metavar="N",
                   help="claims run in N worker processes (default: min(2, CPUs); 1 = in this process)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m verify", description="Check the theory of GANs three ways and write a report.",
                     epilog="With no subcommand, runs every claim (the options of `run` apply).")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    run = sub.add_parser("run", help="run claims (all when no ID is given)")
    _add_run_options(run, ids_help="claim ids (default: all; see `list`)")
    run.add_argument("--resume", metavar="DIR",
                     help="continue the run in DIR, skipping claims already finished there (errored ones run again)")
    lst = sub.add_parser("list", help="list the claims")
    lst.add_argument("--format", choices=FORMATS, default="text")
    st = sub.add_parser("selftest", help="run every negative control; passes only if each is refuted")
    _add_run_options(st, ids_help="restrict to these claims' controls (default: all)")
    st.add_argument("--lens", choices=LENSES, action="append",
                    help="only controls of this lens (repeatable)")
    aud = sub.add_parser("audit", help="audit a GAN loss: implied optimal discriminator, divergence, generator "
                                        "consistency, numerics (gantheory.audit)",
                         description="Audit a GAN loss. Functions take torch tensors of discriminator logits: "
                                     "d_loss(real, fake) -> scalar; g_loss(fake) -> scalar.")
    aud.add_argument("d_loss", help="MODULE:FUNCTION of the discriminator loss d_loss(real, fake)")
    aud.add_argument("g_loss", nargs="?", help="MODULE:FUNCTION of the generator loss g_loss(fake)")
    aud.add_argument("--format", choices=FORMATS, default="text")
    aud.add_argument("--probabilities", action="store_true",
                     help="the functions take probabilities D(x) in (0, 1), not logits")
    aud.add_argument("--batch-size", type=int, default=8)
    aud.add_argument("--no-symbolic", action="store_true", help="skip the sympy certificate")
    aud.add_argument("--no-divergence", action="store_true", help="skip the quadrature of the value")
    chk = sub.add_parser("check", help="find the first wrong step of written derivations (Markdown/LaTeX)",
                         description="Check every step of GAN derivations written in Markdown or LaTeX: each "
                                     "relation is verified (with its rule), refuted (with a counterexample), "
                                     "ill-formed, unchecked or unparsed (gantheory.check_derivation).")
    chk.add_argument("files", nargs="+", metavar="FILE", help="Markdown, LaTeX or text files (any extension)")
    chk.add_argument("--format", choices=FORMATS, default="text",
                     help="what to print on stdout (json prints only the gantheory.check/1 document)")
    chk.add_argument("--out", metavar="DIR", help="also write check.json, check.md and check.html there")
    return parser


# ----------------------------------------------------------------------------------------------------
# Environment (versions, git) — recorded in every report


def _versions() -> dict:
    from importlib import metadata

    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _git() -> dict:
    root = Path(__file__).resolve().parent.parent
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5)
        if rev.returncode != 0:
            return {"revision": None}
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True,
                               text=True, timeout=5)
        return {"revision": rev.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"revision": None}


def _tolerances() -> dict:
    """The tolerances in force, grouped as the report has always shown them (numeric lenses, claim checks,
    empirical lens), then the loss audit's and testing kit's; every value and its reason live in
    :mod:`gantheory.tolerances`."""
    from gantheory.tolerances import tolerances_of

    return {"gantheory.tolerances": tolerances_of("numeric"), "gantheory.claims": tolerances_of("claims"),
            "gantheory.empirical": tolerances_of("empirical"), "gantheory.loss_audit": tolerances_of("audit")}


def _meta(ctx, started: float, lenses: list[dict]) -> dict:
    """Run metadata; ``lenses`` are the lens dicts of the run (their details name the torch device used)."""
    resolved = sorted({lens.get("details", {}).get("device") for lens in lenses if lens.get("details", {}).get("device")})
    from gantheory.claims import PROFILE_NOTES

    return {"created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), "profile": ctx.profile,
            "profile_note": PROFILE_NOTES[ctx.profile],
            "seed": ctx.seed, "device": {"requested": ctx.device,
                                         "resolved": ", ".join(resolved) if resolved else "no empirical lens ran"},
            "versions": _versions(), "git": _git(), "tolerances": _tolerances(),
            "wall_seconds": round(time.perf_counter() - started, 2), "command": "python -m verify " + " ".join(sys.argv[1:])}


# ----------------------------------------------------------------------------------------------------
# Running claims, in this process or in workers


def _work_claim(claim_id: str, ctx, draw: bool = False):
    """Run one claim; with ``draw`` also render its figures (so SVG drawing runs in parallel too)."""
    from gantheory import report
    from gantheory.claims import CLAIMS, run_claim

    result = run_claim(CLAIMS[claim_id], ctx)
    entry, figures = report.claim_entry(CLAIMS[claim_id], result)
    return result.status, entry, figures, (report.render_figures(figures) if draw else {})


def _work_control(claim_id: str, name: str, ctx):
    from gantheory.claims import CLAIMS, run_control

    claim = CLAIMS[claim_id]
    return run_control(claim, next(c for c in claim.controls if c.name == name), ctx)


def _init_worker():
    # Two workers on two cores: keep torch/BLAS to one thread each instead of oversubscribing.
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = "1"


def _jobs(requested: int, n_tasks: int) -> int:
    if requested and requested > 0:
        return min(requested, max(1, n_tasks))
    return max(1, min(2, os.cpu_count() or 1, n_tasks))


def _execute(tasks, jobs: int, on_done):
    """Run ``tasks`` [(key, fn, args)], calling ``on_done(key, result)`` as each finishes."""
    if jobs <= 1:
        if "torch" not in sys.modules:
            # torch's multi-threaded kernels on tiny tensors (log_sigmoid of 256 numbers) stall for ~20 ms
            # per call when the cores are busy; the checks here are small, so one thread is faster.
            os.environ.setdefault("OMP_NUM_THREADS", "1")
        for key, fn, args in tasks:
            on_done(key, fn(*args))
        return
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker) as pool:
        futures = {pool.submit(fn, *args): key for key, fn, args in tasks}
        try:
            for fut in cf.as_completed(futures):
                on_done(futures[fut], fut.result())
        except BaseException:
            for f in futures:
                f.cancel()
            raise


# Rough quick-profile cost of each claim (seconds), so the longest start first when run in parallel.
_COST = {"algorithm-1": 30, "optimal-discriminator": 20, "f-divergence-bounds": 18, "non-saturating-objective": 6}


def _progress(total: int, description: str):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.fields[last]}"), console=console, transient=False,
                    disable=not console.is_terminal), total


def _write_json(path: Path, doc: dict) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False))
    os.replace(tmp, path)  # atomic: an interrupted run never leaves half a report


def _out_dir(args) -> Path:
    if getattr(args, "resume", None):
        return Path(args.resume)
    if args.out:
        return Path(args.out)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("reports") / stamp


def _load_resume(out: Path) -> dict:
    path = out / "report.json"
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise UsageError(f"--resume {out}: cannot read {path} ({exc})") from exc
    if doc.get("schema") != "gantheory.report/1":
        raise UsageError(f"--resume {out}: {path} is not a gantheory.report/1 document")
    return doc


def _print(doc: dict, fmt: str, out_dir: Path | None, html: str | None = None) -> None:
    from gantheory import report

    if fmt == "json":
        sys.stdout.write(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    elif fmt == "md":
        sys.stdout.write(report.to_markdown(doc) + "\n")
    elif fmt == "html":
        sys.stdout.write((html or report.to_html(doc)) + "\n")
    else:
        report.render_text(doc)
    if out_dir is not None and fmt != "json":
        print(f"report written to {out_dir}/ (report.json, report.md, report.html)", file=sys.stderr)


def _exit_code(statuses) -> int:
    """The exit code of the claims' statuses, by the one precedence rule :func:`gantheory.results.claim_status`."""
    from gantheory.results import claim_status

    return {"fail": EXIT_REFUTED, "error": EXIT_INTERNAL}.get(claim_status(list(statuses)), EXIT_OK)


def cmd_run(args: argparse.Namespace) -> int:
    from gantheory import report
    from gantheory.claims import CLAIMS, Context, resolve_claims

    started = time.perf_counter()
    ctx = Context(profile=args.profile, seed=args.seed, device=args.device)
    claims = resolve_claims(args.ids or list(CLAIMS))
    out = _out_dir(args)
    done: dict[str, tuple[dict, list]] = {}
    if getattr(args, "resume", None):
        previous = _load_resume(out)
        figs = previous.get("figures", [])
        for entry in previous.get("claims", []):
            if entry.get("status") != "error":  # a lens that could not run gets another chance
                done[entry["id"]] = (entry, [f for f in figs if f.get("claim") == entry["id"]])
    out.mkdir(parents=True, exist_ok=True)
    order = [c.id for c in claims]
    todo = sorted((c for c in claims if c.id not in done), key=lambda c: -_COST.get(c.id, 3))

    def document():
        entries = [done[i] for i in order if i in done]
        claims_doc = [e for e, _ in entries]
        lenses = [lens for c in claims_doc for lens in c["lenses"]]
        return report.make_document(claims_doc, [f for _, fs in entries for f in fs], _meta(ctx, started, lenses))

    progress, total = _progress(len(todo), "verifying")
    with progress:
        task = progress.add_task("verifying", total=total, last="")

        def on_done(claim_id, outcome):
            status, entry, figures, drawn = outcome
            done[claim_id] = (entry, figures)
            svgs.update(drawn)
            _write_json(out / "report.json", document())
            progress.update(task, advance=1, last=f"{claim_id}: {status}")

        jobs = _jobs(args.jobs, len(todo))
        svgs: dict[str, str] = {}
        try:
            _execute([(c.id, _work_claim, (c.id, ctx, jobs > 1)) for c in todo], jobs, on_done)
        except KeyboardInterrupt:
            print(f"interrupted: finished claims are in {out}/report.json; continue with --resume {out}",
                  file=sys.stderr)
            return EXIT_INTERNAL
    doc = document()
    _write_json(out / "report.json", doc)
    (out / "report.md").write_text(report.to_markdown(doc))
    html = report.to_html(doc, svgs)
    (out / "report.html").write_text(html)
    _print(doc, args.format, out, html)
    return _exit_code(c["status"] for c in doc["claims"])


def cmd_selftest(args: argparse.Namespace) -> int:
    from gantheory import report
    from gantheory.claims import CLAIMS, Context, LensResult, resolve_claims, run_control, symbolic_controls

    started = time.perf_counter()
    ctx = Context(profile=args.profile, seed=args.seed, device=args.device)
    claims = resolve_claims(args.ids or list(CLAIMS))
    wanted = {c.id for c in claims}
    lenses = set(args.lens or LENSES)
    tasks = [((c.id, ctl.name), _work_control, (c.id, ctl.name, ctx)) for c in claims for ctl in c.controls
             if ctl.lens in lenses]
    entries: dict = {}

    if "symbolic" in lenses:
        try:
            for claim_id, ctl in symbolic_controls():
                if claim_id in wanted or (claim_id == "symbolic" and not args.ids):
                    entries[(claim_id, ctl.name)] = report.control_entry(run_control(CLAIMS.get(claim_id) or _stub(claim_id), ctl, ctx))
        except ImportError as exc:
            from gantheory.claims import ControlResult

            err = LensResult("symbolic", "error", summary="symbolic controls unavailable", error=str(exc))
            entries[("symbolic", "NEGATIVE_CONTROLS")] = report.control_entry(
                ControlResult("symbolic", "NEGATIVE_CONTROLS", "gantheory.symbolic.NEGATIVE_CONTROLS", "symbolic", False, err))

    progress, total = _progress(len(tasks), "negative controls")
    with progress:
        task = progress.add_task("negative controls", total=total, last="")

        def on_done(key, result):
            entries[key] = report.control_entry(result)
            progress.update(task, advance=1, last=f"{key[0]}/{key[1]}: {'refuted' if result.refuted else 'NOT refuted'}")

        _execute(sorted(tasks, key=lambda t: -_COST.get(t[0][0], 3)), _jobs(args.jobs, len(tasks)), on_done)
    order = [c.id for c in claims] + ["symbolic"]
    keys = sorted(entries, key=lambda k: (order.index(k[0]) if k[0] in order else len(order), k[1]))
    controls = [entries[k][0] for k in keys]
    figures = [f for k in keys for f in entries[k][1]]
    doc = report.make_document([], figures, _meta(ctx, started, [c["result"] for c in controls]), controls=controls)
    doc["status"] = "pass" if doc["selftest"]["passed"] else ("fail" if controls else "skipped")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        _write_json(out / "selftest.json", doc)
        (out / "selftest.html").write_text(report.to_html(doc))
    _print(doc, args.format, None)
    if not controls:
        return EXIT_USAGE
    if all(c["refuted"] for c in controls):
        return EXIT_OK
    if any(c["result"]["status"] == "error" for c in controls if not c["refuted"]) and not any(
            c["result"]["status"] == "pass" for c in controls):
        return EXIT_INTERNAL
    return EXIT_REFUTED


def _stub(claim_id):
    from gantheory.claims import Claim

    return Claim(claim_id, claim_id, "", "", "", {})


def cmd_list(args: argparse.Namespace) -> int:
    from gantheory.claims import CLAIMS, LENSES, NotApplicable

    rows = [{"id": c.id, "title": c.title, "source": c.source, "statement": c.statement,
             "lenses": [n for n in LENSES if not isinstance(c.lenses.get(n, NotApplicable("")), NotApplicable)],
             "controls": [k.name for k in c.controls]} for c in CLAIMS.values()]
    if args.format == "json":
        sys.stdout.write(json.dumps({"schema": "gantheory.claims/1", "claims": rows}, indent=1, ensure_ascii=False) + "\n")
        return EXIT_OK
    if args.format == "md":
        lines = ["| id | source | lenses | statement |", "|---|---|---|---|"]
        lines += [f"| {r['id']} | {r['source']} | {', '.join(r['lenses'])} | {r['statement']} |" for r in rows]
        sys.stdout.write("\n".join(lines) + "\n")
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} claims", show_lines=True)
    for col in ("id", "source", "lenses", "statement"):
        table.add_column(col, no_wrap=col == "id")
    from rich.markup import escape

    for r in rows:
        table.add_row(escape(r["id"]), escape(r["source"]), ", ".join(r["lenses"]), escape(r["statement"]))
    Console(file=sys.stdout, width=None if sys.stdout.isatty() else 160).print(table)
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    """Audit ``args.d_loss`` (and ``args.g_loss``); exit 0 for a consistent game, 1 for an error finding."""
    try:
        from gantheory.loss_audit import audit
        from gantheory.loss_audit.loading import load_function
    except ImportError as exc:  # torch or sympy missing
        print(f"python -m verify audit: the loss audit is not available ({exc})", file=sys.stderr)
        return EXIT_INTERNAL
    d_loss = load_function(args.d_loss)
    g_loss = load_function(args.g_loss) if args.g_loss else None
    report = audit(d_loss, g_loss, inputs="probabilities" if args.probabilities else "logits",
                   batch_size=args.batch_size, symbolic=not args.no_symbolic, divergence=not args.no_divergence)
    if args.format == "html":
        print(report.to_html(full_page=True), file=sys.stdout)
    else:
        print(getattr(report, {"text": "to_text", "json": "to_json", "md": "to_markdown"}[args.format])(), file=sys.stdout)
    return report.exit_code


def cmd_check(args: argparse.Namespace) -> int:
    """Check written derivations; exit 0 when no step is refuted or ill-formed, 1 otherwise."""
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise UsageError(f"python -m verify check: no such file: {', '.join(missing)}")
    try:
        from gantheory.derivation_check import check_documents
        from gantheory.report.check import render
    except ImportError as exc:  # sympy or lark missing
        print(f"python -m verify check: the derivation checker is not available ({exc})", file=sys.stderr)
        return EXIT_INTERNAL
    report = check_documents([Path(f) for f in args.files])
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for fmt, name in (("json", "check.json"), ("md", "check.md"), ("html", "check.html")):
            (out / name).write_text(render(report, fmt), encoding="utf-8")
    print(render(report, args.format), file=sys.stdout)
    return EXIT_OK if report.ok else EXIT_REFUTED


# The subcommands of the one parser (a new one, e.g. `check`, is a parser entry and a line here).
_COMMANDS = {"run": cmd_run, "list": cmd_list, "selftest": cmd_selftest, "audit": cmd_audit, "check": cmd_check}
SUBCOMMANDS = tuple(_COMMANDS)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m verify``; returns the exit code (0 hold, 1 refuted, 2 usage, 3 internal)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help")):
        argv = ["run", *argv]
    from gantheory.errors import GanTheoryError

    try:
        args = build_parser().parse_args(argv)
        return _COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"{exc}\n(run 'python -m verify --help' for usage)", file=sys.stderr)
        return EXIT_USAGE
    except GanTheoryError as exc:
        print(f"python -m verify: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except Exception as exc:
        import traceback

        traceback.print_exc()
        print(f"python -m verify: internal error: {exc}", file=sys.stderr)
        return EXIT_INTERNAL


def console_main() -> None:
    """The ``gantheory`` console script."""
    sys.exit(main())
