"""The top-level package: a light `import gantheory`, a public surface that is exactly `__all__`, one
version string."""

import subprocess
import sys
import types

import gantheory


def test_import_is_light():
    """`import gantheory` must not import torch, sympy, or even numpy: everything public is lazy."""
    code = "import sys, gantheory; print(*(m in sys.modules for m in ('torch', 'sympy', 'numpy')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "False"]


def test_public_surface_is_exactly_all():
    """Everything public on the package is in __all__, and every name in __all__ resolves."""
    for name in gantheory.__all__:
        assert getattr(gantheory, name) is not None
    public = {n for n, v in vars(gantheory).items() if not n.startswith(("_", "@")) and not isinstance(v, types.ModuleType)}
    assert public - {"annotations", "importlib"} <= set(gantheory.__all__)
    assert set(dir(gantheory)) >= set(gantheory.__all__)


def test_one_version_string():
    """The packaging metadata reads gantheory.__version__ (pyproject: dynamic version)."""
    from importlib.metadata import version

    assert version("gantheory") == gantheory.__version__

