"""Monitor: the summary contract, honest bounds (calibrated against quadrature truth), windows, outputs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gantheory.densities import Normal
from gantheory.errors import GanTheoryError
from gantheory.quadrature import js_divergence
from gantheory.runs import Monitor
from gantheory.runs.calibration import calibrate_monitor

P, Q = Normal(0.0, 1.0), Normal(1.0, 1.0)


def _run(mon, steps=5, n=500, seed=0, shrink=1.0):
    rng = np.random.default_rng(seed)
    for t in range(steps):
        x, z = P.sample(n, rng), Q.sample(n, rng)
        mon.update(t, shrink * (P.logpdf(x) - Q.logpdf(x)), shrink * (P.logpdf(z) - Q.logpdf(z)))
    return mon


def test_summary_contract():
    s = _run(Monitor(loss="standard", alpha=0.05)).summary()
    assert {"divergence", "estimate", "lower_bound", "equilibrium", "alarms"} <= set(s)
    assert s["divergence"] == "jsd" and isinstance(s["estimate"], float) and isinstance(s["lower_bound"], float)
    assert s["equilibrium"] == pytest.approx(np.log(4.0))
    assert all(set(a) == {"code", "message"} for a in s["alarms"])
    json.dumps(s, allow_nan=False)  # no NaN leaks


def test_empty_monitor_summary_has_no_numbers():
    s = Monitor().summary()
    assert s["estimate"] is None and s["lower_bound"] is None and s["alarms"] == []


def test_bound_below_truth_and_tight_with_the_optimal_d():
    """Optimal D, 5 × 500 samples a side: the bound sits below JSD = 0.1114 (quadrature) and within 0.03 of it
    (the gap is z·se/2 ≈ 0.01 plus the estimate's own noise, se/2 ≈ 0.006; 0.03 leaves a 3-se margin)."""
    truth = float(js_divergence(P, Q).value)
    s = _run(Monitor()).summary()
    assert s["lower_bound"] <= truth < s["lower_bound"] + 0.03


def test_calibration_small():
    """200 seeds × 5 updates, optimal D (bound tight): violations consistent with α = 0.05 (binomial
    p-value > 0.001); the Hoeffding bound is conservative (0 violations). Negative control: a 'bound' at
    level α = 0.45 must violate far more often than 5% (the test can fail)."""
    r = calibrate_monitor(seeds=200, steps=5, n=300)
    assert r.p_value_update > 1e-3 and r.p_value_run > 1e-3
    assert calibrate_monitor(seeds=100, steps=5, n=300, method="hoeffding").violations_update == 0
    bad = calibrate_monitor(seeds=100, steps=5, n=300, alpha=0.45)
    assert bad.violations_update / bad.trials_update > 0.25


def test_suboptimal_d_loosens_but_stays_valid():
    tight = _run(Monitor()).summary()["lower_bound"]
    loose = _run(Monitor(), shrink=0.3).summary()["lower_bound"]
    assert 0 <= loose < tight <= float(js_divergence(P, Q).value)


def test_windows_bound_the_average():
    mon = _run(Monitor(), steps=10)
    rows = mon.bounds(window=4)
    assert [b.updates for b in rows] == [4, 4, 2]
    assert all(b.loss_low < b.loss < b.loss_high for b in rows)
    assert len(mon.bounds()) == 10


def test_fixed_heldout_is_more_conservative():
    fresh = _run(Monitor(heldout="fresh"), steps=10).summary()["lower_bound"]
    fixed = _run(Monitor(heldout="fixed"), steps=10).summary()["lower_bound"]
    assert fixed < fresh


def test_bad_input_names_the_parameter():
    mon = Monitor()
    with pytest.raises(GanTheoryError, match="real_logits"):
        mon.update(0, [0.0, np.nan], [0.0, 1.0])
    with pytest.raises(GanTheoryError, match="fake_logits"):
        mon.update(0, [0.0, 1.0], [1.0])
    for kw, name in (({"alpha": 0.0}, "alpha"), ({"method": "x"}, "method"), ({"heldout": "x"}, "heldout"),
                     ({"loss": "standrd"}, "standard")):
        with pytest.raises(GanTheoryError, match=name):
            Monitor(**kw)
    with pytest.raises(GanTheoryError, match="window"):
        mon.bounds(window=0)
    if "energy" in __import__("gantheory.losses", fromlist=["LOSSES"]).LOSSES:  # energies live on [0, ∞)
        with pytest.raises(GanTheoryError, match="real_logits"):
            Monitor("energy").update(0, [-1.0, 0.5], [0.2, 0.3])


def test_torch_tensors_are_accepted():
    torch = pytest.importorskip("torch")
    mon = Monitor()
    mon.update(0, torch.tensor([1.0, 2.0, 0.5], requires_grad=True), torch.tensor([-1.0, -0.5, 0.1]))
    assert mon.summary()["updates"] == 1


def test_outputs(tmp_path):
    mon = _run(Monitor())
    frame = mon.to_frame()
    assert list(frame["step_start"]) == [0, 1, 2, 3, 4] and "lower_bound" in frame
    paths = mon.write(tmp_path)
    assert json.loads(paths["json"].read_text())["divergence"] == "jsd"
    assert paths["png"].stat().st_size > 1000 and paths["csv"].read_text().startswith("step_start")


def test_audited_losses():
    """(d_loss, g_loss) classified by the audit: BCE over the pooled batch is the standard game at scale ½."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional

    def d_loss(r, f):
        return F.binary_cross_entropy_with_logits(torch.cat([r, f]), torch.cat([torch.ones_like(r), torch.zeros_like(f)]))

    def g_loss(f):
        return F.binary_cross_entropy_with_logits(f, torch.ones_like(f))

    mon = Monitor(loss=(d_loss, g_loss))
    assert mon.convention.name == "standard" and mon.convention.generator == "non_saturating"
    assert mon.convention.user_scale == pytest.approx(0.5, abs=1e-9)
    rng = np.random.default_rng(0)
    r, f = rng.normal(1, 1, 64), rng.normal(-1, 1, 64)
    logged = float(d_loss(torch.as_tensor(r), torch.as_tensor(f)))
    mon.update(0, r, f, logged=logged)
    mon.update(1, r + 0.1, f, logged=float(d_loss(torch.as_tensor(r + 0.1), torch.as_tensor(f))))
    assert not any(a.code in ("logged_mismatch", "label_smoothing") for a in mon.alarms())


def test_c2st_pools_only_independent_decisions():
    """Fresh held-out samples: every update pooled; a fixed held-out set: the last update only."""
    fresh, fixed = _run(Monitor(), steps=4), _run(Monitor(heldout="fixed"), steps=4)
    assert fresh.c2st().n == 4 * 1000 and fixed.c2st().n == 1000 and fixed.c2st(last=4).n == 4 * 1000


def test_bad_input_raises_naming_the_parameter():
    """Review finding 8: an unknown generator (with the nearest names), a non-integer step, non-numeric or
    2-D logits raise GanTheoryError naming the parameter; (n, 1) logits and integral steps are accepted."""
    with pytest.raises(GanTheoryError, match=r"'generator'.*non_saturating"):
        Monitor(generator="non_saturated")
    with pytest.raises(GanTheoryError, match="'generator'"):
        Monitor(generator="foo")
    mon = Monitor()
    r, f = np.linspace(-1, 2, 10), np.linspace(-2, 1, 10)
    for step in (None, "a", 1.5, True):
        with pytest.raises(GanTheoryError, match="'step'"):
            mon.update(step, r, f)
    with pytest.raises(GanTheoryError, match=r"'real_logits'.*1-D or \(n, 1\)"):
        mon.update(0, np.zeros((100, 2)), f)
    with pytest.raises(GanTheoryError, match="'fake_logits'"):
        mon.update(0, r, ["a", "b"])
    with pytest.raises(GanTheoryError, match="'logged'"):
        mon.update(0, r, f, logged="x")
    mon.update(np.int64(3), r.reshape(-1, 1), f)
    mon.update(4.0, r, f)
    assert mon.summary()["steps"] == [3, 4]


def _logged_run(offset_fn, steps=20, n=200, seed=1, drift=0.0):
    """The standard loss of drifting logits, logged as offset_fn(L, mean real logit, r, f)."""
    from gantheory.losses import LOSSES

    real, fake = LOSSES["standard"].terms("numpy")
    rng = np.random.default_rng(seed)
    mon = Monitor()
    for t in range(steps):
        r, f = rng.normal(0.8 + drift * t, 1, n), rng.normal(-0.8, 1, n)
        L = float(real(r).mean() + fake(f).mean())
        mon.update(t, r, f, logged=offset_fn(L, r, f))
    return [a.code for a in mon.alarms()]


def test_label_smoothing_alarm_needs_more_than_a_constant_offset():
    """Review finding 10: logged = L + 1e-3 (a constant offset) is no label smoothing (it was reported as
    α = 0.999 "exactly"); float32 rounding is nothing at all; real one-sided smoothing α = 0.9 still fires."""
    from gantheory.losses import LOSSES

    sr, sf = LOSSES["label_smoothing"].terms("numpy", alpha=0.9, beta=0.0)
    # a few updates with a steady mean real logit (the reviewer's case: α = 0.998–0.999 "exactly"), and a
    # longer run with the mean real logit steady or drifting over training
    for steps, drift in ((1, 0.0), (2, 0.0), (5, 0.0), (20, 0.0), (20, 0.1)):
        codes = _logged_run(lambda L, r, f: L + 1e-3, steps=steps, drift=drift)
        assert "label_smoothing" not in codes and "regulariser_folded" in codes, (steps, drift)
        codes = _logged_run(lambda L, r, f: float(np.float32(L)), steps=steps, drift=drift)
        assert not {"label_smoothing", "regulariser_folded", "logged_mismatch"} & set(codes)
        if steps >= 2:  # one logged value cannot tell smoothing from a constant offset
            smoothed = _logged_run(lambda L, r, f: float(sr(r).mean() + sf(f).mean()), steps=steps, drift=drift)
            assert "label_smoothing" in smoothed, (steps, drift)
