"""The package surface: the DENSITIES registry, family_of, and the light `import gantheory`."""

import subprocess
import sys
import types

import pytest

import gantheory
import gantheory.densities as densities
from gantheory.densities import DENSITIES, Density, DensityFamily, family_of, from_scipy
from gantheory.errors import GanTheoryError


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


def test_every_registered_family_is_exported_and_keyed_by_its_name():
    for name, row in DENSITIES.items():
        assert isinstance(row, DensityFamily)
        assert row.name == name
        assert issubclass(row.cls, Density)
        assert getattr(densities, row.cls.__name__) is row.cls
        assert row.cls.__name__ in densities.__all__
        assert row.examples, f"{name} has no example"
        assert all(type(e) is row.cls for e in row.examples)


def test_densities_all_resolves():
    for name in densities.__all__:
        assert getattr(densities, name) is not None


def test_registry_is_read_only():
    with pytest.raises(TypeError):
        DENSITIES["normal"] = DENSITIES["laplace"]


def test_family_of_finds_the_row_or_names_the_parameter():
    for row in DENSITIES.values():
        for example in row.examples:
            assert family_of(example) is row
    from scipy import stats

    with pytest.raises(GanTheoryError, match="'density'"):
        family_of(from_scipy(stats.gamma(2.0)))
