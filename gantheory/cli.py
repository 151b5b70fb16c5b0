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
    python -m verify runs PATH --d-tag TAG [--g-tag TAG] [--loss standard] [--reduction sum|pooled]
                                             # a run's logged losses against theory (gantheory.runs)
    python -m verify check FILE... [--format text|json|md|html] [--out DIR]
                                             # the first wrong step of written derivations
    python -m verify sweep SPEC.toml [--workers N | --dask ADDRESS | --ray ADDRESS] [--out DIR | --resume DIR]
                                             # a task over a grid of specs (gantheory.sweeps)

One parser (:func:`build_parser`) holds every subcommand; every usage error goes through
:class:`UsageError` (or a :class:`~gantheory.errors.GanTheoryError` from bad input, or a
:class:`~gantheory.errors.DependencyError` naming the optional extra to install) to exit code 2.

Exit codes: 0 every claim holds (audit: a recognised game, used consistently; check: no step refuted or
ill-formed); 1 some claim refuted (or, for selftest, some control not refuted; for audit, a finding of
severity ``error``; for check, a refuted or ill-formed step; for runs, an alarm other than the
heuristic-bound note); 2 usage error
(unknown claim ids and function names get the nearest names; a missing optional extra); 3 internal error (a lens could not run).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
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
    p.add_argument("--profile", choices=("quick", "full"), default=None,
                   help="quick (default): CI-sized checks (≤ 60 s on 2 cores); full: heavier settings (≤ 15 min on "
                        "CPU); with --resume, the stored report's")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default=None,
                   help="torch device for empirical lenses (default auto; with --resume, the stored report's)")
    p.add_argument("--seed", type=int, default=None,
                   help="base seed of every random draw (default 0; with --resume, the stored report's)")
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
                     help="continue the run in DIR: finished claims that re-validate (same fingerprint, measurements "
                          "within their own tolerances, lenses as registered) are kept, the rest run; claims "
                          "named now are added, finished ones never dropped; profile/seed/device must match")
    lst = sub.add_parser("list", help="list the claims")
    lst.add_argument("--format", choices=FORMATS, default="text")
    st = sub.add_parser("selftest", help="run every negative control; passes only if each is refuted")
    _add_run_options(st, ids_help="restrict to these claims' controls (default: all)")
    st.add_argument("--lens", choices=LENSES, action="append",
                    help="only controls of this lens (repeatable)")
    aud = sub.add_parser("audit", help="audit a GAN loss: implied optimal discriminator, divergence, generator "
                                        "consistency, numerics (gantheory.audit)",
                         description="Audit a GAN loss. Functions take torch tensors of discriminator outputs: "
                                     "d_loss(real, fake) -> scalar; g_loss(fake) or g_loss(real, fake) -> scalar. "
                                     "Exit codes: 0 nothing wrong, 1 an error finding, 2 the loss cannot be "
                                     "called as given (the message names the option that fixes it), 3 internal "
                                     "error.")
    aud.add_argument("d_loss", help="MODULE:FUNCTION of the discriminator loss d_loss(real, fake)")
    aud.add_argument("g_loss", nargs="?", help="MODULE:FUNCTION of the generator loss g_loss(fake)")
    aud.add_argument("--format", choices=FORMATS, default="text")
    aud.add_argument("--probabilities", action="store_true",
                     help="the functions take probabilities D(x) in (0, 1), not logits (default: detected)")
    aud.add_argument("--batch-size", type=int, default=8)
    aud.add_argument("--no-symbolic", action="store_true", help="skip the certificate (traced loss vs textbook form)")
    aud.add_argument("--prove", action="store_true",
                     help="prove the certificate with sympy simplify (slower) instead of checking it at 50 digits")
    aud.add_argument("--no-divergence", action="store_true", help="skip the quadrature of the value")
    aud.add_argument("--order", choices=("real,fake", "fake,real"),
                     help="argument order of the losses (default: read from the parameter names)")
    aud.add_argument("--arg", action="append", default=[], metavar="NAME=VALUE",
                     help="bind a keyword argument of the losses, e.g. --arg margin=80 (repeatable)")
    _add_runs_parser(sub)
    _add_sweep_parser(sub)
    chk = sub.add_parser("check", help="find the first wrong step of written derivations (Markdown/LaTeX)",
                         description="Check every step of GAN derivations written in Markdown or LaTeX: each "
                                     "relation is verified (with its rule), refuted (with a counterexample), "
                                     "ill-formed, unchecked or unparsed (gantheory.check_derivation).")
    chk.add_argument("files", nargs="+", metavar="FILE", help="Markdown, LaTeX or text files (any extension)")
    chk.add_argument("--format", choices=FORMATS, default="text",
                     help="what to print on stdout (json prints only the gantheory.check/1 document)")
    chk.add_argument("--out", metavar="DIR", help="also write check.json, check.md and check.html there")
    return parser


def _add_runs_parser(sub) -> None:
    """The ``runs`` subcommand (issue 16): logged D/G losses against the convention's theory."""
    rp = sub.add_parser("runs", help="compare a run's logged losses with theory (TensorBoard, CSV, W&B export)",
                        description="Logged D/G losses against the convention's equilibrium, the implied divergence "
                                    "bound over steps (heuristic for training-batch losses) and alarms.")
    rp.add_argument("path", help="event file or folder, CSV (Lightning/Keras/plain) or a folder of CSVs "
                                 "(TensorBoard's per-tag 'download CSV'), W&B parquet or JSON")
    rp.add_argument("--d-tag", required=True, help="scalar tag of the discriminator loss")
    rp.add_argument("--g-tag", help="scalar tag of the generator loss")
    rp.add_argument("--loss", default="standard", help="the loss convention (a LOSSES key; default standard)")
    rp.add_argument("--d-loss", metavar="MODULE:FUNCTION",
                    help="your discriminator loss d_loss(real_logits, fake_logits): the audit classifies it and "
                         "fits its scale (overrides --loss, --param and --reduction)")
    rp.add_argument("--g-loss", metavar="MODULE:FUNCTION", help="your generator loss g_loss(fake_logits) (with --d-loss)")
    rp.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="a parameter of the convention (margin=1, alpha=0.9 …), repeatable")
    rp.add_argument("--generator", help="generator loss kind (minimax, non_saturating, least_squares, hinge)")
    rp.add_argument("--reduction", choices=("sum", "pooled"), default="sum",
                    help="sum: mean real + mean fake term; pooled: one BCE over the concatenated batch (½ of sum)")
    rp.add_argument("--heldout", action="store_true", help="the logged values are held-out losses")
    rp.add_argument("--window", type=int, help="logged steps per window (default: about 50 windows)")
    rp.add_argument("--alpha", type=float, default=0.05)
    rp.add_argument("--log-format", choices=("auto", "tensorboard", "csv", "wandb"), default="auto")
    rp.add_argument("--format", choices=FORMATS, default="text")
    rp.add_argument("--out", metavar="DIR", help="also write runs.json, runs.md, runs.html, runs.png there")


def _add_sweep_parser(sub) -> None:
    """The `sweep` subcommand (issue 18; its logic lives in gantheory.sweeps)."""
    sw = sub.add_parser("sweep", help="run a task over a grid of specs (gantheory.sweeps): JSONL records + HTML report",
                        description="Run a sweep file (TOML: task = ..., [grid] axes). Records go to DIR/records.jsonl, "
                                    "the report to DIR/report.html; progress with ETA on stderr. An output folder that "
                                    "already holds records is refused (exit 2) unless --resume DIR continues it; to "
                                    "start afresh, remove DIR/records.jsonl or pick another --out. On --resume a torn "
                                    "last line (an interrupted write) is truncated, with a note on stderr.")
    sw.add_argument("spec", metavar="SPEC.toml", help="the sweep file")
    where = sw.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=1, metavar="N",
                       help="1: serial (default); N > 1: a local process pool; -1: one process per CPU")
    where.add_argument("--dask", metavar="ADDRESS", help="a Dask scheduler address ('local': start a LocalCluster); "
                                                         "unreachable within 5 s: exit 2")
    where.add_argument("--ray", metavar="ADDRESS", help="a Ray cluster address ('local': start Ray here; 'auto')")
    out = sw.add_mutually_exclusive_group()
    out.add_argument("--out", metavar="DIR", help="output folder (default sweeps/<SPEC stem>/)")
    out.add_argument("--resume", metavar="DIR", help="continue the sweep in DIR: specs with a result (ok, diverged, "
                     "unsupported) are skipped, specs recorded as errors run again; exit 1 while errors remain")
    sw.add_argument("--no-pack", action="store_true", help="train each spec on its own (no batched packs)")


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
# Running claims, in this process or in workers (the machinery lives in gantheory.runner)


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


def _jobs(requested: int, n_tasks: int) -> int:
    from gantheory.runner import jobs_for

    return jobs_for(requested, n_tasks)


def _execute(tasks, jobs: int, on_done):
    from gantheory.runner import execute

    execute(tasks, jobs, on_done)


def _cost(claim_id: str) -> int:
    from gantheory.runner import COST

    return COST.get(claim_id, 3)


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
    """The report being resumed; a missing, unreadable or malformed one is a usage error naming the file."""
    from gantheory.runner import ReportShapeError, check_document_shape

    path = out / "report.json"
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise UsageError(f"--resume {out}: cannot read {path} ({exc})") from exc
    try:
        check_document_shape(doc)
    except ReportShapeError as exc:
        raise UsageError(f"--resume {out}: {path} is not a usable gantheory.report/1 document: {exc}") from exc
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


_RUN_DEFAULTS = {"profile": "quick", "seed": 0, "device": "auto"}


def _settle_options(args: argparse.Namespace, previous: dict | None = None) -> None:
    """Fill --profile/--seed/--device: from the report being resumed when not given, else the defaults.
    Resuming with a different value is refused: the stored numbers belong to the run that made them."""
    for name, default in _RUN_DEFAULTS.items():
        given = getattr(args, name, None)
        stored = previous.get(name) if previous else None
        if name == "device" and isinstance(stored, dict):
            stored = stored.get("requested")
        if given is None:
            setattr(args, name, stored if stored is not None else default)
        elif previous is not None and stored is not None and given != stored:
            raise UsageError(f"--resume {args.resume}: the report there was made with --{name} {stored}, not "
                             f"--{name} {given}; resume with the same --{name} (or leave it out), or start a "
                             f"new report with --out DIR")
    from gantheory.runner import device_problem

    problem = device_problem(args.device)
    if problem:
        raise UsageError(f"--device {args.device}: {problem}")


def cmd_run(args: argparse.Namespace) -> int:
    from gantheory import report
    from gantheory.claims import CLAIMS, Context, resolve_claims
    from gantheory.runner import claim_fingerprint, entry_problems, sealed_fingerprint

    started = time.perf_counter()
    resuming = getattr(args, "resume", None)
    previous = _load_resume(Path(args.resume)) if resuming else None
    _settle_options(args, previous)
    ctx = Context(profile=args.profile, seed=args.seed, device=args.device)
    versions = _versions()
    out = _out_dir(args)
    done: dict[str, tuple[dict, list]] = {}
    rerun: dict[str, str] = {}
    if previous is not None:
        # Resuming never loses a finished result: the claims asked for now, then every other claim the
        # stored report planned or finished, in its order.
        stored_ids = [e["id"] for e in previous["claims"]]
        wanted = list(args.ids) or list(previous.get("planned") or stored_ids or CLAIMS)
        ids = wanted + [i for i in [*previous.get("planned", []), *stored_ids] if i not in wanted]
        unknown = [i for i in ids if i not in CLAIMS]
        if unknown and args.ids:
            resolve_claims(args.ids)  # names the nearest valid ids
        if unknown:
            raise UsageError(f"--resume {out}: the report there has claims this version does not know: "
                             f"{', '.join(unknown)}; start a new report with --out DIR")
        claims = resolve_claims(dict.fromkeys(ids))
        figs = previous.get("figures", [])
        for entry in previous["claims"]:
            claim = CLAIMS[entry["id"]]
            if entry["status"] == "error":  # a lens that could not run gets another chance
                rerun[entry["id"]] = "a lens could not run"
                continue
            fp = claim_fingerprint(claim, profile=ctx.profile, seed=ctx.seed, device=ctx.device, versions=versions)
            problems = entry_problems(entry, claim, fp)
            if problems:
                rerun[entry["id"]] = "; ".join(problems)
                print(f"--resume: {entry['id']} runs again: {rerun[entry['id']]}", file=sys.stderr)
            else:
                done[entry["id"]] = (entry, [f for f in figs if f.get("claim") == entry["id"]])
    else:
        claims = resolve_claims(args.ids or list(CLAIMS))
    out.mkdir(parents=True, exist_ok=True)
    order = [c.id for c in claims]
    fingerprints = {c.id: claim_fingerprint(c, profile=ctx.profile, seed=ctx.seed, device=ctx.device,
                                            versions=versions) for c in claims}
    todo = sorted((c for c in claims if c.id not in done), key=lambda c: -_cost(c.id))

    def document():
        entries = [done[i] for i in order if i in done]
        claims_doc = [e for e, _ in entries]
        lenses = [lens for c in claims_doc for lens in c["lenses"]]
        doc = report.make_document(claims_doc, [f for _, fs in entries for f in fs], _meta(ctx, started, lenses))
        doc["planned"] = order
        if previous is not None:
            doc["resume"] = {"from": str(out), "kept": [i for i in order if i in done and i not in ran],
                             "rerun": rerun}
        return doc

    ran: set[str] = set()
    # The skeleton first: a run killed before its first claim can still be resumed.
    _write_json(out / "report.json", document())
    progress, total = _progress(len(todo), "verifying")
    with progress:
        task = progress.add_task("verifying", total=total, last="")

        def on_done(claim_id, outcome):
            status, entry, figures, drawn = outcome
            done[claim_id] = ({**entry, "fingerprint": sealed_fingerprint(fingerprints[claim_id], entry)}, figures)
            ran.add(claim_id)
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
    _settle_options(args)
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

        _execute(sorted(tasks, key=lambda t: -_cost(t[0][0])), _jobs(args.jobs, len(tasks)), on_done)
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


def _audit_bindings(pairs: list[str]) -> dict[str, float]:
    """``["margin=80", "reduction=sum"]`` → {"margin": 80.0, "reduction": "sum"} (numbers where they parse)."""
    from gantheory.errors import GanTheoryError

    out: dict = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise GanTheoryError(f"--arg expects NAME=VALUE, got {pair!r}")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            out[name.strip()] = {"true": True, "false": False, "none": None}.get(value.lower(), value)
    return out


def cmd_audit(args: argparse.Namespace) -> int:
    """Audit ``args.d_loss`` (and ``args.g_loss``): exit 0 nothing wrong, 1 an error finding, 2 the loss cannot
    be called as given (with the option that would fix it), 3 internal error (a message, never a traceback)."""
    try:
        from gantheory.loss_audit import audit
        from gantheory.loss_audit.loading import load_function
    except ImportError as exc:  # torch missing
        print(f"python -m verify audit: the loss audit is not available ({exc})", file=sys.stderr)
        return EXIT_INTERNAL
    import gc

    # One audit, then the process ends: what is alive now (torch's ~165k objects) is never garbage. Frozen,
    # it is not rescanned by every full collection the audit triggers (~0.1 s apiece with torch loaded).
    gc.freeze()
    from gantheory.errors import GanTheoryError

    try:
        bind = _audit_bindings(args.arg)
        d_loss = load_function(args.d_loss)
        g_loss = load_function(args.g_loss) if args.g_loss else None
        report = audit(d_loss, g_loss, inputs="probabilities" if args.probabilities else None,
                       batch_size=args.batch_size, symbolic=not args.no_symbolic,
                       divergence=not args.no_divergence, order=args.order, bind=bind, prove=args.prove)
    except GanTheoryError as exc:  # the loss cannot be called as given (CallError names the option that fixes it)
        option = getattr(exc, "option", "")
        hint = f" (see {option})" if option else ""
        print(f"python -m verify audit: {exc}{hint}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bug of the audit, not of the user's loss: say so, without a traceback
        print(f"python -m verify audit: internal error of the audit ({type(exc).__name__}: {exc}); this is not a "
              "finding about your loss — please report it", file=sys.stderr)
        return EXIT_INTERNAL
    try:  # rendering is the audit's code too: a failure here is internal (exit 3 with a message), never a traceback
        if args.format == "html":
            text = report.to_html(full_page=True)
        else:
            text = getattr(report, {"text": "to_text", "json": "to_json", "md": "to_markdown"}[args.format])()
    except Exception as exc:
        print(f"python -m verify audit: internal error of the audit's report ({type(exc).__name__}: {exc}); this is "
              "not a finding about your loss — please report it", file=sys.stderr)
        return EXIT_INTERNAL
    _emit(text)
    return report.exit_code


def _emit(text: str) -> None:
    """Print a report to stdout; a reader that leaves early (`| head -1`) ends it quietly, with the same exit
    code (the Python docs' recipe for SIGPIPE: stdout pointed at devnull so the final flush cannot fail)."""
    try:
        print(text, file=sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def cmd_runs(args: argparse.Namespace) -> int:
    """``runs PATH``: exit 0 without alarms (the heuristic note aside), 1 with an alarm, 2 usage error."""
    from gantheory.errors import DependencyError, GanTheoryError
    from gantheory.report import runs as render
    from gantheory.runs import analyse_log, read_log

    params = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--param {item!r}: expected NAME=VALUE")
        try:
            params[name.strip()] = float(value)
        except ValueError as exc:
            raise UsageError(f"--param {item!r}: {value!r} is not a number") from exc
    tags = [args.d_tag] + ([args.g_tag] if args.g_tag else [])
    try:
        series = read_log(args.path, tags, format=args.log_format)
    except (DependencyError, GanTheoryError) as exc:  # a missing extra (the message says what to install);
        # a missing/empty/unreadable file, an unknown tag (the tags found are listed)
        print(f"python -m verify runs: {exc}", file=sys.stderr)
        return EXIT_USAGE
    loss, generator, reduction, offset = args.loss, args.generator, args.reduction, 0.0
    if args.d_loss:
        from gantheory.loss_audit.loading import load_function
        from gantheory.runs import audit_losses

        audited = audit_losses(load_function(args.d_loss), load_function(args.g_loss) if args.g_loss else None)
        loss, params, reduction, offset = audited.loss, audited.params, audited.scale, audited.offset
        generator = generator or audited.generator
    result = analyse_log(series[args.d_tag], series.get(args.g_tag) if args.g_tag else None, loss=loss,
                         params=params or None, generator=generator, reduction=reduction,
                         heldout=args.heldout, window=args.window, alpha=args.alpha, offset=offset)
    doc = result.to_dict()
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        _write_json(out / "runs.json", doc)
        (out / "runs.md").write_text(render.to_markdown(doc))
        (out / "runs.html").write_text(render.to_html(doc))
        render.analysis_figure(doc).savefig(out / "runs.png", dpi=100)
    if args.format == "json":
        sys.stdout.write(json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n")
    elif args.format == "md":
        sys.stdout.write(render.to_markdown(doc))
    elif args.format == "html":
        sys.stdout.write(render.to_html(doc) + "\n")
    else:
        print(render.to_text(doc))
    return EXIT_REFUTED if any(a["code"] != "not_held_out" for a in doc["alarms"]) else EXIT_OK


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
    _emit(render(report, args.format))
    return EXIT_OK if report.ok else EXIT_REFUTED


# The subcommands of the one parser (a new one, e.g. `check`, is a parser entry and a line here).
def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a sweep file; exit 0 when every spec produced a record (diverged runs included), 1 when some errored."""
    import time
    import warnings
    from pathlib import Path

    from gantheory.report.sweeps import summary, to_html
    from gantheory.sweeps import DEFAULT_PACK_SIZE, SweepWarning, dask_executor, ray_map, sweep
    from gantheory.sweeps.config import load_sweep_file

    spec = load_sweep_file(args.spec)
    out = Path(args.resume or args.out or Path("sweeps") / Path(args.spec).stem)
    close = lambda: None  # noqa: E731
    workers = args.workers
    if args.dask:
        workers, close = dask_executor(None if args.dask == "local" else args.dask)
    elif args.ray:
        workers = ray_map(None if args.ray == "local" else args.ray)
    start = time.monotonic()

    def progress(done: int, total: int) -> None:
        elapsed = time.monotonic() - start
        eta = f"{elapsed / done * (total - done):6.1f}s" if done else "     ?"
        bar = "#" * int(30 * done / max(total, 1))
        print(f"\r[{bar:<30}] {done}/{total}  {elapsed:6.1f}s elapsed  ETA {eta}", end="", file=sys.stderr,
              flush=True)

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SweepWarning)
            records = sweep(spec.task, spec.specs, workers, records=out / "records.jsonl", resume=bool(args.resume),
                            pack=not args.no_pack, pack_size=spec.pack_size or DEFAULT_PACK_SIZE, progress=progress)
    finally:
        close()
    print(file=sys.stderr)
    for w in caught:  # duplicates merged, a torn line truncated: said on stderr, the sweep went on
        print(f"python -m verify sweep: {w.message}", file=sys.stderr)
    (out / "report.html").write_text(to_html(records, title=f"Sweep {Path(args.spec).name} ({spec.task})"),
                                     encoding="utf-8")
    counts = summary(records)
    print(f"{len(records)} records ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}) in {out}/records.jsonl; "
          f"report {out}/report.html", file=sys.stdout)
    return EXIT_REFUTED if counts.get("error") else EXIT_OK


# The subcommands of the one parser (a new one, e.g. `check`, is a parser entry and a line here).
_COMMANDS = {"run": cmd_run, "list": cmd_list, "selftest": cmd_selftest, "audit": cmd_audit, "check": cmd_check,
             "runs": cmd_runs, "sweep": cmd_sweep}
SUBCOMMANDS = tuple(_COMMANDS)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m verify``; returns the exit code (0 hold, 1 refuted, 2 usage, 3 internal)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help")):
        argv = ["run", *argv]
    from gantheory.errors import DependencyError, GanTheoryError

    try:
        args = build_parser().parse_args(argv)
        return _COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"{exc}\n(run 'python -m verify --help' for usage)", file=sys.stderr)
        return EXIT_USAGE
    except (GanTheoryError, DependencyError) as exc:  # bad input, or an optional extra to install
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
