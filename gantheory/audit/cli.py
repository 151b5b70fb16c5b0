"""``python -m verify audit MODULE:D_LOSS [MODULE:G_LOSS] [--format text|json|md|html] [--probabilities]``.

Exit codes: 0 — the losses implement a recognised game consistently; 1 — a finding of severity
``error`` (e.g. swapped labels); 2 — usage error (bad arguments, unimportable module or function).
``MODULE`` is a dotted module name on ``sys.path`` or a path to a ``.py`` file.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys

FORMATS = ("text", "json", "md", "html")


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m verify audit",
                description="Audit a GAN loss: implied optimal discriminator, divergence, generator "
                            "consistency, numerics. Functions take torch tensors of discriminator "
                            "logits (real, fake) -> scalar; g_loss(fake) -> scalar.")
    p.add_argument("d_loss", help="MODULE:FUNCTION of the discriminator loss d_loss(real, fake)")
    p.add_argument("g_loss", nargs="?", help="MODULE:FUNCTION of the generator loss g_loss(fake)")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--probabilities", action="store_true",
                   help="the functions take probabilities D(x) in (0, 1), not logits")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--no-symbolic", action="store_true", help="skip the sympy certificate")
    p.add_argument("--no-divergence", action="store_true", help="skip the quadrature of the value")
    return p


def load_function(spec: str):
    """Resolve ``MODULE:NAME`` (module dotted name or .py path); raise _UsageError with a reason."""
    if ":" not in spec:
        raise _UsageError(f"{spec!r} is not MODULE:FUNCTION")
    module_name, _, attr = spec.rpartition(":")
    try:
        if module_name.endswith(".py") or os.sep in module_name:
            path = os.path.abspath(module_name)
            if not os.path.exists(path):
                raise _UsageError(f"no such file: {module_name}")
            name = os.path.splitext(os.path.basename(path))[0]
            mod_spec = importlib.util.spec_from_file_location(f"_gantheory_audit_{name}", path)
            module = importlib.util.module_from_spec(mod_spec)
            mod_spec.loader.exec_module(module)
        else:
            if os.getcwd() not in sys.path and "" not in sys.path:
                sys.path.insert(0, os.getcwd())
            module = importlib.import_module(module_name)
    except _UsageError:
        raise
    except Exception as exc:
        raise _UsageError(f"cannot import module {module_name!r}: {type(exc).__name__}: {exc}") from exc
    try:
        fn = getattr(module, attr)
    except AttributeError:
        import difflib

        close = difflib.get_close_matches(attr, [n for n in dir(module) if not n.startswith("_")], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise _UsageError(f"module {module_name!r} has no attribute {attr!r}{hint}") from None
    if not callable(fn):
        raise _UsageError(f"{spec} is not callable")
    return fn


def audit_main(argv=None, *, stdout=None, stderr=None) -> int:
    """Run the audit CLI; returns the exit code (0 consistent, 1 error finding, 2 usage error)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
        d_loss = load_function(args.d_loss)
        g_loss = load_function(args.g_loss) if args.g_loss else None
    except _UsageError as exc:
        print(f"audit: error: {exc}", file=stderr)
        return 2
    from gantheory.audit._core import audit
    from gantheory.errors import GanTheoryError

    try:
        report = audit(d_loss, g_loss, inputs="probabilities" if args.probabilities else "logits",
                       batch_size=args.batch_size, symbolic=not args.no_symbolic,
                       divergence=not args.no_divergence)
    except GanTheoryError as exc:
        print(f"audit: error: {exc}", file=stderr)
        return 2
    render = {"text": report.to_text, "json": report.to_json, "md": report.to_markdown,
              "html": lambda: report.to_html(full_page=True)}[args.format]
    print(render(), file=stdout)
    return report.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(audit_main())
