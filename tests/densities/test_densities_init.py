"""The densities package surface: the DENSITIES registry and family_of."""


import pytest

import gantheory.densities as densities
from gantheory.densities import DENSITIES, Density, DensityFamily, family_of, from_scipy
from gantheory.errors import GanTheoryError


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
