"""gantheory.tolerances: one table, every entry with its lens and reason, every entry used, every use known."""

import math
import re
from pathlib import Path

import pytest

import gantheory
from gantheory.empirical.tolerances import EMPIRICAL_TOLERANCES
from gantheory.tolerances import TABLE, TOLERANCES, tolerances_of

PACKAGE = Path(gantheory.__file__).parent
LENS_KINDS = ("numeric", "claims", "empirical", "audit")
_USE = re.compile(r"""(?:TOLERANCES|EMPIRICAL_TOLERANCES)\[\s*["']([A-Za-z0-9_]+)["']\s*\]""")


def _sources(include_tests=False):
    """The package's modules (and, with ``include_tests``, this suite's): where tolerances are read."""
    files = list(PACKAGE.rglob("*.py")) + (list(Path(__file__).parent.rglob("*.py")) if include_tests else [])
    return {p: p.read_text(encoding="utf-8") for p in files if p.name not in ("tolerances.py", Path(__file__).name)}


def unknown_keys(sources, table):
    """(file, key) for every TOLERANCES["key"] lookup whose key is not in ``table``."""
    return sorted((str(p), k) for p, text in sources.items() for k in _USE.findall(text) if k not in table)


def unused_keys(sources, table):
    """Keys of ``table`` that no source mentions as a string."""
    text = "\n".join(sources.values())
    return sorted(k for k in table if f'"{k}"' not in text and f"'{k}'" not in text)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_entry_has_a_lens_a_reason_and_a_size(name):
    entry = TABLE[name]
    assert entry.lens in LENS_KINDS
    assert len(entry.reason) > 20, "say why the tolerance has its size"
    assert math.isfinite(entry.value) and entry.value > 0


def test_views_agree_with_the_table():
    assert TOLERANCES == {k: t.value for k, t in TABLE.items()}
    # the historical name is a read-only view of the empirical entries (the keys it always had)
    assert dict(EMPIRICAL_TOLERANCES) == tolerances_of("empirical")
    with pytest.raises(TypeError):
        EMPIRICAL_TOLERANCES["alpha"] = 0.5  # type: ignore[index]
    assert set().union(*(tolerances_of(kind) for kind in LENS_KINDS)) == set(TABLE)


def test_every_lookup_names_a_known_key():
    assert unknown_keys(_sources(include_tests=True), TABLE) == []


def test_every_key_is_used():
    """No dead entries: each tolerance is read by the package or by the tests that hold it against a reference."""
    assert unused_keys(_sources(include_tests=True), TABLE) == []


def test_negative_controls_of_the_scanners():
    fake = {Path("x.py"): 'tol = TOLERANCES["no_such_key"]\nother = "quadrature_atol"'}
    assert unknown_keys(fake, TABLE) == [("x.py", "no_such_key")]
    assert "quadrature_atol" not in unused_keys(fake, TABLE)
    assert "mass_atol" in unused_keys(fake, TABLE)
