"""The pytest plugin users install (gantheory.testing.plugin): light import, profiles, fixtures, markers."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from gantheory.testing import GAN_PAIRS

pytest_plugins = ("pytester",)


def test_plugin_import_is_light():
    """Loading the plugin imports neither torch, sympy nor hypothesis (numpy/scipy come with
    ``import gantheory``, the parent package)."""
    code = ("import sys, gantheory.testing.plugin; "
            "print(sorted(m for m in ('torch', 'sympy', 'hypothesis') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


PROFILE_PROBE = textwrap.dedent("""
    from hypothesis import settings
    def test_probe():
        s = settings.default
        print(f"PROFILE={settings.get_current_profile_name()} N={s.max_examples} DERANDOMIZE={s.derandomize}")
""")


def _run_probe(pytester, monkeypatch, *args, env=None):
    for var in ("CI", "GANTHEORY_HYPOTHESIS_PROFILE", "GITHUB_ACTIONS", "TF_BUILD", "CIRCLECI", "GITLAB_CI"):
        monkeypatch.delenv(var, raising=False)
    for k, v in (env or {}).items():
        monkeypatch.setenv(k, v)
    pytester.makepyfile(test_probe=PROFILE_PROBE)
    result = pytester.runpytest_subprocess("-s", "-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=1)
    line = next(x for x in result.outlines if "PROFILE=" in x)
    return dict(kv.split("=") for kv in line[line.index("PROFILE="):].split())


@pytest.mark.parametrize("args, env, expected", [
    ((), {}, {"PROFILE": "default", "N": "100"}),
    (("--gantheory-profile=thorough",), {}, {"PROFILE": "thorough", "N": "1000"}),
    ((), {"GANTHEORY_HYPOTHESIS_PROFILE": "dev"}, {"PROFILE": "dev", "N": "10"}),
    ((), {"CI": "true"}, {"PROFILE": "ci", "N": "50", "DERANDOMIZE": "True"}),
    (("--hypothesis-profile=thorough",), {}, {"PROFILE": "thorough", "N": "1000"}),
], ids=["untouched", "option", "env", "ci-derandomised", "hypothesis-option"])
def test_profile_selection(pytester, monkeypatch, args, env, expected):
    got = _run_probe(pytester, monkeypatch, *args, env=env)
    assert {k: got[k] for k in expected} == expected


def test_fixtures_and_markers(pytester):
    pytester.makepyfile(test_fix="""
        import pytest
        def test_pairs(gan_pair):
            p, q = gan_pair
            assert gan_pair.js_divergence >= 0
        @pytest.mark.parametrize("gan_pair", ["disjoint_uniform"], indirect=True)
        def test_one(gan_pair):
            assert gan_pair.name == "disjoint_uniform"
        def test_device(gantheory_device):
            assert gantheory_device == "cpu"
        @pytest.mark.empirical
        def test_trains():
            raise AssertionError("should have been skipped")
    """)
    result = pytester.runpytest("-p", "no:cacheprovider", "--gantheory-device=cpu", "--gantheory-skip-empirical")
    result.assert_outcomes(passed=len(GAN_PAIRS) + 2, skipped=1)
