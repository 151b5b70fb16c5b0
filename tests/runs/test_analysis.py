"""Logged losses against theory: equilibrium lines per convention, the batch-means bound, alarms."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gantheory.errors import GanTheoryError
from gantheory.runs import LogSeries, analyse_log


def _series(values, tag="d"):
    v = np.asarray(values, dtype=np.float64)
    return LogSeries(tag, np.arange(v.size, dtype=np.float64), v, "test")


def _noisy(level, n=2000, sd=0.05, seed=0):
    return level + sd * np.random.default_rng(seed).standard_normal(n)


@pytest.mark.parametrize(("loss", "params", "reduction", "eq"), [
    ("standard", None, "sum", 2 * math.log(2)), ("standard", None, "pooled", math.log(2)),
    ("hinge", None, "sum", 2.0), ("least_squares", {"a": 0.0, "b": 1.0}, "sum", 0.5)])
def test_equilibrium_lines(loss, params, reduction, eq):
    r = analyse_log(_series(_noisy(eq)), loss=loss, params=params, reduction=reduction)
    assert r.equilibrium_d == pytest.approx(eq)
    assert r.heuristic and "not_held_out" in [a.code for a in r.alarms]
    # at the equilibrium the bound is ~0 and there is no above-equilibrium alarm
    assert "above_equilibrium" not in [a.code for a in r.alarms] and r.summary()["lower_bound"] < 0.05


def test_generator_equilibria():
    """The 'both ≈ 0.7' folklore: pooled BCE log 2 and the non-saturating G loss log 2; minimax −log 2."""
    d, g = _series(_noisy(math.log(2))), _series(_noisy(math.log(2)), "g")
    r = analyse_log(d, g, reduction="pooled", generator="non_saturating")
    assert r.equilibrium_g == pytest.approx(math.log(2))
    assert analyse_log(d, g, reduction="pooled", generator="minimax").equilibrium_g == pytest.approx(-math.log(2))


def test_alarms_from_logs():
    codes = [a.code for a in analyse_log(_series(_noisy(1.6))).alarms]
    assert "above_equilibrium" in codes
    assert "below_minimum" in [a.code for a in analyse_log(_series(_noisy(-0.3))).alarms]
    sat = analyse_log(_series(np.abs(_noisy(0.0, sd=0.001))), generator="minimax")
    assert "vanishing_gradient" in [a.code for a in sat.alarms]
    # negative control: a value between minimum and equilibrium raises none of these
    ok = [a.code for a in analyse_log(_series(_noisy(1.0)), generator="minimax", heldout=True).alarms]
    assert ok == []


def test_label_smoothing_corrected_equilibrium():
    """One-sided α = 0.9: equilibrium 2·H(0.45) = 1.3763 nats (not log 4 = 1.3863)."""
    r = analyse_log(_series(_noisy(1.3)), loss="label_smoothing", params={"alpha": 0.9, "beta": 0.0})
    h = -(0.45 * math.log(0.45) + 0.55 * math.log(0.55))
    assert r.equilibrium_d == pytest.approx(2 * h) and r.equilibrium_d == pytest.approx(1.37628, abs=1e-5)
    assert "label_smoothing" in [a.code for a in r.alarms]
    # the generator's equilibrium moves too: −log D* with D* = 0.45 (not log 2)
    g = analyse_log(_series(_noisy(1.3)), _series(_noisy(0.8), "g"), loss="label_smoothing",
                    params={"alpha": 0.9, "beta": 0.0}, generator="non_saturating")
    assert g.equilibrium_g == pytest.approx(-math.log(0.45))


def test_heldout_batch_means_bound_is_a_lower_bound():
    """Held-out values at L = log 4 − 2·0.1 (JSD 0.1): the last window's bound is below 0.1, within 0.02."""
    r = analyse_log(_series(_noisy(math.log(4) - 0.2, n=5000)), heldout=True, window=500)
    assert r.summary()["lower_bound"] < 0.1 < r.summary()["lower_bound"] + 0.02


def test_nonfinite_values_are_a_diverged_alarm_and_bad_input_named():
    """Review r4 finding 5: non-finite logged values (D or G) are one rule here, whatever the reader: a
    ``diverged`` alarm per series naming the count and the first step; the bound and the series use the
    finite points only (no NaN in the JSON). Negative control: a finite run has no such alarm."""
    v = _noisy(1.0)
    v[5], v[7] = np.nan, np.inf
    g = _noisy(0.7)
    g[100] = -np.inf
    r = analyse_log(_series(v), _series(g, "g"), generator="non_saturating")
    div = [a for a in r.alarms if a.code == "diverged"]
    assert len(div) == 2 and "D loss 'd'" in div[0].message and "first at step 5" in div[0].message
    assert "2 of 2000" in div[0].message and "1 NaN, 1 +inf" in div[0].message
    assert "G loss 'g'" in div[1].message and "first at step 100" in div[1].message
    assert r.d_values.size == v.size - 2 and r.g_values.size == g.size - 1
    json.dumps(r.to_dict(), allow_nan=False)
    assert "diverged" not in [a.code for a in analyse_log(_series(_noisy(1.0)), _series(_noisy(0.7), "g")).alarms]
    # a run that is non-finite from the start: the alarm, no windows, no NaN anywhere
    dead = analyse_log(_series(np.full(10, np.nan)))
    assert [a.code for a in dead.alarms][:1] == ["diverged"] and dead.windows == ()
    json.dumps(dead.to_dict(), allow_nan=False)
    for kw, name in (({"reduction": "mean"}, "reduction"), ({"generator": "x"}, "generator"),
                     ({"window": 1}, "window"), ({"loss": "hnige"}, "hinge")):
        with pytest.raises(GanTheoryError, match=name):
            analyse_log(_series(_noisy(1.0)), **kw)


@pytest.mark.parametrize(("loss", "upper"), [("standard", math.log(2.0)), ("hinge", 1.0), ("least_squares", 2.0)])
def test_impossible_loss_gives_null_estimate_and_clamped_bound(loss, upper):
    """Review finding 1: d_loss = −0.5 is below every discriminator's minimum (standard 0, hinge 0, least
    squares 0): the plug-in would exceed 𝒟_max (JSD 0.943 > log 2, TV 1.25 > 1), so it is null, the bound is
    clamped to 𝒟_max, and below_minimum says why. Negative control: an attainable loss keeps a number."""
    r = analyse_log(_series(np.full(100, -0.5)), loss=loss)
    s = r.summary()
    assert s["estimate"] is None and s["lower_bound"] == pytest.approx(upper, abs=1e-12)
    assert all(w["estimate"] is None and w["lower_bound"] <= upper for w in r.windows)
    alarm = next(a for a in r.alarms if a.code == "below_minimum")
    assert "null" in alarm.message and "vanishing_gradient" not in [a.code for a in r.alarms]
    ok = analyse_log(_series(_noisy(0.5)), loss=loss).summary()
    assert isinstance(ok["estimate"], float) and 0.0 <= ok["lower_bound"] <= upper


def test_summary_reports_issue_divergence_names():
    """Review finding 3: the summary's divergence uses the issue's names ("jsd", "tv", "triangular")."""
    names = {loss: analyse_log(_series(_noisy(0.5)), loss=loss).summary()["divergence"]
             for loss in ("standard", "hinge", "least_squares")}
    assert names == {"standard": "jsd", "hinge": "tv", "least_squares": "triangular"}


def test_unknown_generator_names_nearest():
    with pytest.raises(GanTheoryError, match=r"'generator'.*non_saturating"):
        analyse_log(_series(_noisy(1.2)), generator="non_saturated")
