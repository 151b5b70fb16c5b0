"""Resolve ``MODULE:FUNCTION`` command-line specs (``python -m verify audit mylosses:d_loss``).

``MODULE`` is a dotted module name importable from the current directory or ``sys.path``, or a path to
a ``.py`` file. Every failure raises :class:`~gantheory.errors.GanTheoryError` with the reason (the CLI
turns it into exit code 2); a missing attribute gets the nearest names (difflib).
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable

from gantheory.errors import GanTheoryError


def load_function(spec: str) -> Callable:
    """The callable named by ``MODULE:NAME``.

    Raises:
        GanTheoryError: ``spec`` has no ``:``, the file or module cannot be imported, the attribute is
            missing (nearest names suggested) or not callable.
    """
    if ":" not in spec:
        raise GanTheoryError(f"{spec!r} is not MODULE:FUNCTION")
    module_name, _, attr = spec.rpartition(":")
    try:
        if module_name.endswith(".py") or os.sep in module_name:
            path = os.path.abspath(module_name)
            if not os.path.exists(path):
                raise GanTheoryError(f"no such file: {module_name}")
            name = os.path.splitext(os.path.basename(path))[0]
            mod_spec = importlib.util.spec_from_file_location(f"_gantheory_audit_{name}", path)
            module = importlib.util.module_from_spec(mod_spec)
            mod_spec.loader.exec_module(module)
        else:
            if os.getcwd() not in sys.path and "" not in sys.path:
                sys.path.insert(0, os.getcwd())
            module = importlib.import_module(module_name)
    except GanTheoryError:
        raise
    except Exception as exc:  # the user's module failed to import: report why, as a usage error
        raise GanTheoryError(f"cannot import module {module_name!r}: {type(exc).__name__}: {exc}") from exc
    try:
        fn = getattr(module, attr)
    except AttributeError:
        close = difflib.get_close_matches(attr, [n for n in dir(module) if not n.startswith("_")], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise GanTheoryError(f"module {module_name!r} has no attribute {attr!r}{hint}") from None
    if not callable(fn):
        raise GanTheoryError(f"{spec} is not callable")
    return fn
