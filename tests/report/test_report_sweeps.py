"""The sweep report's figures (gantheory/report/sweeps.py): theory beside the measurements."""

from __future__ import annotations

from gantheory.report.sweeps import summary, sweep_figures, to_html


def _rec(gamma, lr, ratio, h_max, status="ok", seed=0, task="dirac_gan"):
    return {"task": task, "key": f"{gamma}-{lr}-{seed}", "seed": seed, "status": status,
            "spec": {"loss": "standard", "regularizer": "r1", "scheme": "simultaneous", "gamma": gamma, "lr": lr,
                     "seed": seed},
            "result": {"distance_ratio": ratio, "predicted_max_stable_step": h_max, "predicted_stable": None if h_max is None else lr < h_max},
            "failure": None if status == "ok" else {"step": 3, "reason": "non-finite iterate"}}


RECORDS = [_rec(0.5, 1.0, 0.01, 2.0), _rec(0.5, 3.0, 5.0, 2.0), _rec(1.0, 1.0, 1e-30, 4.0),
           _rec(1.0, 8.0, None, 4.0, status="diverged")]


def test_phase_diagram_marks_outcomes_and_draws_the_predicted_boundary():
    (fig,) = sweep_figures(RECORDS)
    phase, dist, cov = fig.panels
    series = {s.label: s for s in phase.series}
    assert series["contracted"].x == (0.5, 1.0) and series["contracted"].y == (1.0, 1.0)
    assert series["grew"].x == (0.5,) and series["grew"].y == (3.0,)
    assert series["diverged (non-finite)"].y == (8.0,)
    assert series["predicted boundary h_max(γ)"].y == (2.0, 4.0)
    assert min(v for s in dist.series for v in s.y if v is not None) == 1e-12  # the display floor
    assert cov.series[0].y == (1.0, 1.0, 1.0)  # every outcome agrees with the prediction


def test_coverage_drops_when_an_outcome_contradicts_the_prediction():  # negative control
    bad = [*RECORDS, _rec(0.5, 1.0, 3.0, 2.0, seed=1)]  # predicted stable, grew
    cov = sweep_figures(bad)[0].panels[2]
    assert cov.series[0].y[0] == 2 / 3


def test_calibration_histogram_and_html():
    recs = [{"task": "train_discriminator", "key": str(i), "seed": i, "status": "ok", "spec": {"lr": 0.1},
             "result": {"logit_sup_error": 0.1 * i}, "failure": None} for i in range(10)]
    (fig,) = sweep_figures(recs)
    (hist,) = fig.panels[0].series
    assert hist.style == "hist" and sum(hist.y) == 10 and len(hist.x) == len(hist.y) + 1
    assert summary(recs + RECORDS) == {"ok": 13, "diverged": 1}
    page = to_html(RECORDS)
    assert page.count("<svg") == 1 and "non-finite iterate" in page


def test_records_without_a_prediction_draw_no_boundary_and_no_coverage():
    recs = [_rec(0.5, 1.0, 0.01, None, task="gaussian_gan"), _rec(0.5, 3.0, 5.0, None, task="gaussian_gan")]
    for r in recs:
        r["spec"] = {"gamma": 0.5, "lr": r["spec"]["lr"], "k": 3}
        r["result"]["predicted_stable"] = None
    (fig,) = sweep_figures(recs)
    assert len(fig.panels) == 2 and "k = 3" in fig.title
    assert not any("boundary" in s.label for s in fig.panels[0].series)
