"""The testing kit itself: strategies, profiles, the pytest plugin and the loss checker."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import find, given, settings

from gantheory import GanTheoryError, Normal
from gantheory.testing import GAN_PAIRS
from gantheory.testing.assertions import check_loss_against_theory
from gantheory.testing.strategies import densities, density_pairs, discriminators, logits

pytest_plugins = ("pytester",)


# ---- strategies -------------------------------------------------------------------------------------


def test_densities_shrink_to_a_standard_normal():
    assert find(densities(), lambda d: True) == Normal(0.0, 1.0)


def test_pairs_shrink_to_identical_standard_normals():
    p, q = find(density_pairs(), lambda pr: True)
    assert p == Normal(0.0, 1.0) and q == Normal(0.0, 1.0)


@given(logits())
def test_logits_are_never_nan_unless_asked(a):
    assert not math.isnan(a)


def test_logits_can_include_nan_and_infinities():
    assert math.isnan(find(logits(allow_nan=True), math.isnan))
    assert find(logits(), lambda a: a == math.inf) == math.inf
    arr = find(logits(shape=3), lambda a: np.isinf(a).any())
    assert arr.shape == (3,)


@given(discriminators(), logits(allow_infinity=False, shape=5))
def test_discriminators_output_probabilities(d, x):
    out = d(x)
    assert out.shape == x.shape and np.all((out >= 0) & (out <= 1))
    assert not np.isnan(d.logit(x)).any()


@pytest.mark.parametrize("kwargs", [{"families": ["gaussian"]}, {"kinds": ["far"]}, {"max_components": 1}])
def test_strategy_arguments_are_validated(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        (density_pairs if "kinds" in kwargs else densities)(**kwargs)


# ---- plugin -----------------------------------------------------------------------------------------


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


# ---- the loss checker -------------------------------------------------------------------------------

torch = pytest.importorskip("torch")
F = torch.nn.functional


def bce_d(real, fake):
    return -(F.logsigmoid(real).mean() + F.logsigmoid(-fake).mean())


def bce_cat(real, fake):
    return F.binary_cross_entropy_with_logits(torch.cat([real, fake]), torch.cat([torch.ones_like(real), torch.zeros_like(fake)]))


def swapped_d(real, fake):
    return -(F.logsigmoid(-real).mean() + F.logsigmoid(fake).mean())


def ns_g(fake):
    return -F.logsigmoid(fake).mean()


def minimax_g(real, fake):
    return F.logsigmoid(real).mean() + F.logsigmoid(-fake).mean()


@pytest.mark.parametrize("case", ["shifted_normal", "heavy_tailed", "disjoint_uniform", "discrete"])
def test_textbook_losses_match_on_named_pairs(case):
    p, q = GAN_PAIRS[case]
    r = check_loss_against_theory(bce_d, p, q, g_loss=ns_g)
    assert r.ok, r.message
    assert r.loss_value == pytest.approx(-GAN_PAIRS[case].criterion, abs=1e-6)
    r = check_loss_against_theory(None, p, q, g_loss=minimax_g, generator="minimax")
    assert r.ok and r.generator_value == pytest.approx(GAN_PAIRS[case].criterion, abs=1e-6), r.message


def test_swapped_labels_are_reported_with_a_counterexample():
    p, q = GAN_PAIRS["shifted_normal"]
    r = check_loss_against_theory(swapped_d, p, q)
    assert not r.ok
    assert "implies the wrong optimal discriminator" in r.message and "Normal(loc=1.0" in r.message
    assert r.implied_logit == pytest.approx(-r.theory_logit, abs=1e-6)


def test_rescaled_loss_gets_a_hint_and_value_scale_fixes_it():
    p, q = GAN_PAIRS["shifted_normal"]
    r = check_loss_against_theory(bce_cat, p, q)
    assert not r.ok and "value_scale=0.5" in r.message
    assert check_loss_against_theory(bce_cat, p, q, value_scale=0.5).ok


@pytest.mark.parametrize("kwargs, name", [
    ({"generator": "non-saturating"}, "generator"), ({"value_scale": -1.0}, "value_scale"),
])
def test_loss_checker_arguments_are_validated(kwargs, name):
    with pytest.raises(GanTheoryError, match=name):
        check_loss_against_theory(bce_d, Normal(0, 1), Normal(1, 1), **kwargs)


def test_non_scalar_loss_is_a_clear_error():
    with pytest.raises(GanTheoryError, match="scalar"):
        check_loss_against_theory(lambda r, f: r - f, Normal(0, 1), Normal(1, 1))
