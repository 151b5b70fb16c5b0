"""The command line, through main(argv): exit codes, JSON on stdout, forced failures, selftest, resume."""

from __future__ import annotations

import itertools
import json
import sys
import types

import pytest

from gantheory.claims import CLAIMS, Claim, LensResult, Measurement, NotApplicable
from gantheory.cli import main
from gantheory.results import STATUSES, claim_status


def _light(claim_id, status="pass", counter=None, error=None):
    """A cheap claim whose quadrature lens returns ``status`` (and counts its runs)."""

    def check(ctx):
        if counter is not None:
            counter.append(claim_id)
        if error:
            raise ImportError(error)
        ok = status == "pass"
        return LensResult("quadrature", status, summary="toy",
                          measurements=(Measurement("|Δ|", 1e-13 if ok else 0.5, 1e-10, ok),))

    return Claim(claim_id, claim_id, "toy", "x", "tests", {"quadrature": check, "symbolic": NotApplicable("toy")})


@pytest.fixture
def light_claims(monkeypatch):
    runs: list[str] = []
    for cid in ("toy-a", "toy-b"):
        monkeypatch.setitem(CLAIMS, cid, _light(cid, counter=runs))
    return runs


def test_help_and_usage_errors(capsys):
    assert main(["--help"]) == 0
    assert main(["run", "--profile", "huge"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_unknown_claim_exits_2_and_suggests(capsys, tmp_path):
    assert main(["run", "global-optimun", "--out", str(tmp_path)]) == 2
    assert "did you mean global-optimum" in capsys.readouterr().err


def test_list(capsys):
    assert main(["list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in listed["claims"]] == list(CLAIMS)
    assert main(["list"]) == 0
    assert "optimal-discriminator" in capsys.readouterr().out


def test_run_json_prints_only_json_and_writes_reports(capsys, tmp_path, light_claims):
    code = main(["run", "toy-a", "toy-b", "--format", "json", "--jobs", "1", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    doc = json.loads(captured.out)  # nothing but JSON on stdout
    assert code == 0
    assert doc["schema"] == "gantheory.report/1" and doc["status"] == "pass"
    assert [c["id"] for c in doc["claims"]] == ["toy-a", "toy-b"]
    for c in doc["claims"]:
        assert c["status"] in {"pass", "fail", "error", "skipped"}
        assert {lens["lens"] for lens in c["lenses"]} == {"symbolic", "quadrature", "empirical"}
    for key in ("versions", "git", "tolerances", "seeds", "device", "profile", "seed"):
        assert key in doc
    assert json.loads((tmp_path / "report.json").read_text())["claims"] == doc["claims"]
    assert (tmp_path / "report.md").exists() and (tmp_path / "report.html").exists()


def test_forced_failure_exits_1_and_names_lens_and_margin(capsys, tmp_path, monkeypatch):
    wrong = CLAIMS["jsd-bounds"].as_control("sqrt-JSD")
    light = Claim("wrong-jsd", wrong.title, wrong.statement, wrong.latex, wrong.source, wrong.lenses)
    monkeypatch.setitem(CLAIMS, "wrong-jsd", light)
    code = main(["run", "wrong-jsd", "--format", "json", "--jobs", "1", "--out", str(tmp_path)])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    (claim,) = doc["claims"]
    assert claim["status"] == "fail"
    (failing,) = [lens for lens in claim["lenses"] if lens["status"] == "fail"]
    assert failing["lens"] == "quadrature"
    assert "exceeds" in failing["margin"] and "× the tolerance" in failing["margin"]


def test_text_output_names_failing_lens(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(CLAIMS, "toy-bad", _light("toy-bad", status="fail"))
    assert main(["run", "toy-bad", "--jobs", "1", "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL toy-bad / quadrature" in out and "exceeds" in out


@pytest.mark.parametrize("statuses", [s for n in range(4) for s in itertools.product(STATUSES, repeat=n)])
def test_exit_code_follows_the_one_status_rule(statuses):
    """The exit code is claim_status's verdict (fail > error > pass), never a second precedence rule."""
    from gantheory.cli import _exit_code

    expected = {"fail": 1, "error": 3}.get(claim_status(statuses), 0)
    assert _exit_code(iter(statuses)) == expected
    assert _exit_code(statuses) == (1 if "fail" in statuses else 3 if "error" in statuses else 0)


def test_report_tolerances_are_grouped_by_lens():
    from gantheory.cli import _tolerances
    from gantheory.tolerances import TOLERANCES

    groups = _tolerances()
    merged = {k: v for group in groups.values() for k, v in group.items()}
    assert merged == TOLERANCES and sum(map(len, groups.values())) == len(TOLERANCES)
    assert "audit_fit_atol" in groups["gantheory.loss_audit"] and "quadrature_atol" in groups["gantheory.tolerances"]


def test_lens_that_cannot_run_exits_3(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(CLAIMS, "toy-err", _light("toy-err", error="No module named 'missing_lens'"))
    assert main(["run", "toy-err", "--format", "json", "--jobs", "1", "--out", str(tmp_path)]) == 3
    doc = json.loads(capsys.readouterr().out)
    lens = doc["claims"][0]["lenses"][1]
    assert lens["status"] == "error" and "missing_lens" in lens["error"]


def test_resume_skips_finished_claims(capsys, tmp_path, light_claims):
    assert main(["run", "toy-a", "--jobs", "1", "--out", str(tmp_path), "--format", "json"]) == 0
    assert light_claims == ["toy-a"]
    assert json.loads((tmp_path / "report.json").read_text())["claims"][0]["id"] == "toy-a"
    assert main(["run", "toy-a", "toy-b", "--jobs", "1", "--resume", str(tmp_path), "--format", "json"]) == 0
    assert light_claims == ["toy-a", "toy-b"]  # toy-a was not run again
    doc = json.loads((tmp_path / "report.json").read_text())
    assert [c["id"] for c in doc["claims"]] == ["toy-a", "toy-b"]


def test_resume_of_missing_folder_is_a_usage_error(capsys, tmp_path):
    assert main(["run", "--resume", str(tmp_path / "nowhere")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_report_is_rewritten_after_each_claim(tmp_path, monkeypatch):
    seen = []

    def check(ctx):
        path = tmp_path / "report.json"
        seen.append([c["id"] for c in json.loads(path.read_text())["claims"]] if path.exists() else [])
        return LensResult("quadrature", "pass", summary="ok")

    for cid in ("toy-1", "toy-2", "toy-3"):
        monkeypatch.setitem(CLAIMS, cid, Claim(cid, cid, "s", "x", "t", {"quadrature": check}))
    assert main(["run", "toy-1", "toy-2", "toy-3", "--jobs", "1", "--out", str(tmp_path), "--format", "json"]) == 0
    assert seen == [[], ["toy-1"], ["toy-1", "toy-2"]]


def test_selftest_refutes_every_control(capsys, tmp_path):
    code = main(["selftest", "jsd-bounds", "global-optimum", "least-squares", "--lens", "quadrature", "--jobs", "1",
                 "--format", "json", "--out", str(tmp_path)])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0, [c for c in doc["negative_controls"] if not c["refuted"]]
    assert doc["selftest"]["passed"] and doc["selftest"]["controls"] >= 3
    assert (tmp_path / "selftest.json").exists()


def test_selftest_fails_when_a_control_is_not_refuted(capsys, monkeypatch):
    good = CLAIMS["jsd-bounds"]
    from gantheory.claims import NegativeControl

    fake = Claim("toy-control", "t", "s", "x", "t", good.lenses,
                 (NegativeControl("not-wrong", "the correct formula posing as a control", "quadrature",
                                  good.lenses["quadrature"]),))
    monkeypatch.setitem(CLAIMS, "toy-control", fake)
    assert main(["selftest", "toy-control", "--lens", "quadrature", "--jobs", "1", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["negative_controls"][0]["refuted"] is False


def test_audit_subcommand_parses_and_dispatches(monkeypatch, capsys):
    """`audit` is a subcommand of the one parser: its options reach gantheory.audit, its exit code is the report's."""
    calls = []

    class Report:
        exit_code = 1

        def to_text(self):
            return "fake report"

    fake = types.ModuleType("gantheory.loss_audit")  # stands in for the real package (which loads torch)
    fake.__path__ = []
    fake.audit = lambda d, g, **kw: calls.append((d, g, kw)) or Report()
    loading = types.ModuleType("gantheory.loss_audit.loading")
    loading.load_function = lambda spec: f"loaded {spec}"
    monkeypatch.setitem(sys.modules, "gantheory.loss_audit", fake)
    monkeypatch.setitem(sys.modules, "gantheory.loss_audit.loading", loading)
    assert main(["audit", "m:d", "m:g", "--probabilities", "--no-symbolic", "--batch-size", "4"]) == 1
    assert calls == [("loaded m:d", "loaded m:g", {"inputs": "probabilities", "batch_size": 4, "symbolic": False,
                                                    "divergence": True, "order": None, "bind": {}})]
    assert capsys.readouterr().out.strip() == "fake report"
    assert main(["audit", "m:d", "--batch-size", "many"]) == 2  # one usage-error path for every subcommand
    assert "invalid int value" in capsys.readouterr().err


def _audit_cli(capsys, *argv):
    code = main(["audit", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_audit_cli_exit_codes(capsys):
    pytest.importorskip("torch")
    mod = "gantheory.loss_audit.corpus"
    assert _audit_cli(capsys, f"{mod}:d_softplus", f"{mod}:g_non_saturating", "--no-divergence", "--no-symbolic")[0] == 0
    assert _audit_cli(capsys, f"{mod}:d_sign_flip", "--no-divergence", "--no-symbolic")[0] == 1
    code, _, err = _audit_cli(capsys, "no_such_module_xyz:f")
    assert code == 2 and "cannot import module" in err
    code, _, err = _audit_cli(capsys, f"{mod}:d_sofplus")
    assert code == 2 and "d_softplus" in err  # nearest names suggested
    assert _audit_cli(capsys, f"{mod}:d_softplus", "--format", "yaml")[0] == 2
    assert _audit_cli(capsys, "not-a-spec")[0] == 2


def test_audit_cli_json_and_probabilities(capsys):
    pytest.importorskip("torch")
    code, out, _ = _audit_cli(capsys, "gantheory.loss_audit.corpus:d_log_probabilities", "--probabilities",
                              "--format", "json", "--no-symbolic")
    d = json.loads(out)
    assert code == 0 and d["discriminator"]["family"] == "standard" and d["generator"]["kind"] is None


def test_audit_cli_loads_file_path(capsys, tmp_path):
    pytest.importorskip("torch")
    path = tmp_path / "my_losses.py"
    path.write_text("import torch.nn.functional as F\n"
                    "def d(real, fake):\n    return F.relu(1 - real).mean() + F.relu(1 + fake).mean()\n")
    code, out, _ = _audit_cli(capsys, f"{path}:d", "--format", "md", "--no-divergence", "--no-symbolic")
    assert code == 0 and "`hinge`" in out


def test_audit_cli_html_page(capsys):
    pytest.importorskip("torch")
    code, out, _ = _audit_cli(capsys, "gantheory.loss_audit.corpus:d_hinge", "--format", "html", "--no-divergence",
                              "--no-symbolic")
    assert code == 0 and out.startswith("<!DOCTYPE html>") and "<svg" in out


def test_no_subcommand_means_run(capsys, tmp_path, light_claims):
    assert main(["toy-a", "--jobs", "1", "--out", str(tmp_path), "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# gantheory proof-check report") and "toy-a" in out


def test_html_format_prints_the_page(capsys, tmp_path, light_claims):
    assert main(["run", "toy-b", "--jobs", "1", "--out", str(tmp_path), "--format", "html"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!doctype html>") and out.strip() == (tmp_path / "report.html").read_text().strip()


@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(), reason="needs fork")
def test_parallel_workers_give_the_same_document(capsys, tmp_path, light_claims):
    assert main(["run", "toy-a", "toy-b", "--jobs", "2", "--out", str(tmp_path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in doc["claims"]] == ["toy-a", "toy-b"]  # the requested order, not finishing order
    assert {c["status"] for c in doc["claims"]} == {"pass"}


def test_selftest_text_lists_controls(capsys):
    assert main(["selftest", "jsd-bounds", "--lens", "quadrature", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "refuted" in out and "selftest PASS: 1/1" in out


def test_resume_reruns_claims_that_errored(capsys, tmp_path, monkeypatch):
    runs: list[str] = []
    monkeypatch.setitem(CLAIMS, "toy-e", _light("toy-e", counter=runs, error="No module named 'later'"))
    assert main(["run", "toy-e", "--jobs", "1", "--out", str(tmp_path), "--format", "json"]) == 3
    monkeypatch.setitem(CLAIMS, "toy-e", _light("toy-e", counter=runs))  # the lens module has landed
    assert main(["run", "toy-e", "--jobs", "1", "--resume", str(tmp_path), "--format", "json"]) == 0
    assert runs == ["toy-e", "toy-e"]
