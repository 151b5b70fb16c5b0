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
                                                    "divergence": True, "order": None, "bind": {}, "prove": False})]
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


# ----------------------------------------------------------------------------------------------------
# Resume re-validates what it keeps (issue 14)


def _stored(path):
    return json.loads((path / "report.json").read_text())


def _forge(path, edit):
    doc = _stored(path)
    edit(doc)
    (path / "report.json").write_text(json.dumps(doc))


def _resume(tmp_path, *argv):
    return main(["run", *argv, "--jobs", "1", "--resume", str(tmp_path), "--format", "json"])


def _measurement_12345(doc):
    m = doc["claims"][0]["lenses"][1]["measurements"][0]
    m.update(measured=12345.0, passed=True)  # against a tolerance of 1e-10


def _empirical_pass(doc):
    doc["claims"][0]["lenses"][2].update(status="pass", summary="forged")  # the toy claim has no empirical lens


def _failed_but_pass(doc):
    doc["claims"][0]["lenses"][1]["measurements"][0]["passed"] = False  # a failed measurement under a pass


def _other_fingerprint(doc):
    doc["claims"][0]["fingerprint"] = "sha256:" + "0" * 64


def _no_fingerprint(doc):
    del doc["claims"][0]["fingerprint"]


def _tolerance_forged_too(doc):
    # Review finding 4: measured and tolerance edited together stay self-consistent (12345 ≤ 1e9).
    for lens in doc["claims"][0]["lenses"]:
        for m in lens["measurements"]:
            if m["relation"] == "≤":
                m.update(measured=12345.0, tolerance=1e9)


@pytest.mark.parametrize("forgery, reason", [
    (_tolerance_forged_too, "edited results"),
    (_measurement_12345, "measured 12345.0 ≤ tolerance 1e-10 is False"),
    (_empirical_pass, "no empirical lens"),
    (_failed_but_pass, "with a failed measurement"),
    (_other_fingerprint, "fingerprint differs"),
    (_no_fingerprint, "no fingerprint"),
])
def test_resume_reruns_entries_that_do_not_revalidate(capsys, tmp_path, light_claims, forgery, reason):
    assert main(["run", "toy-a", "--jobs", "1", "--out", str(tmp_path), "--format", "json"]) == 0
    _forge(tmp_path, forgery)
    capsys.readouterr()
    assert _resume(tmp_path) == 0
    assert light_claims == ["toy-a", "toy-a"]  # run again, not kept
    err = capsys.readouterr().err
    doc = _stored(tmp_path)
    assert reason in doc["resume"]["rerun"]["toy-a"] and reason in err
    assert doc["claims"][0]["lenses"][1]["measurements"][0]["measured"] == 1e-13
    assert doc["claims"][0]["lenses"][2]["status"] == "skipped"


def test_resume_keeps_an_untouched_entry_and_says_so(tmp_path, light_claims):
    assert main(["run", "toy-a", "--jobs", "1", "--out", str(tmp_path), "--format", "json"]) == 0
    assert _stored(tmp_path)["claims"][0]["fingerprint"].startswith("sha256:")
    assert _resume(tmp_path) == 0
    assert light_claims == ["toy-a"]
    assert _stored(tmp_path)["resume"] == {"from": str(tmp_path), "kept": ["toy-a"], "rerun": {}}


def test_fingerprint_covers_profile_seed_device_versions_and_code():
    from gantheory.runner import claim_fingerprint

    claim = CLAIMS["jsd-bounds"]
    base = {"profile": "quick", "seed": 0, "device": "auto", "versions": {"numpy": "2.0"}}
    fp = claim_fingerprint(claim, **base)
    assert fp == claim_fingerprint(claim, **base)  # stable (no memory addresses)
    for change in ({"profile": "full"}, {"seed": 1}, {"device": "cpu"}, {"versions": {"numpy": "2.1"}}):
        assert claim_fingerprint(claim, **{**base, **change}) != fp, change
    other = CLAIMS["global-optimum"]
    assert claim_fingerprint(other, **base) != fp


@pytest.mark.parametrize("option, value", [("--profile", "full"), ("--seed", "99"), ("--device", "cpu")])
def test_resume_with_other_profile_or_seed_is_refused(capsys, tmp_path, light_claims, option, value):
    assert main(["run", "toy-a", "--jobs", "1", "--out", str(tmp_path), "--format", "json"]) == 0
    before = (tmp_path / "report.json").read_text()
    capsys.readouterr()
    assert _resume(tmp_path, option, value) == 2
    err = capsys.readouterr().err
    assert f"not {option} {value}" in err and "--out DIR" in err
    assert light_claims == ["toy-a"] and (tmp_path / "report.json").read_text() == before


def test_resume_without_options_takes_the_stored_profile_and_seed(tmp_path, light_claims):
    assert main(["run", "toy-a", "--seed", "7", "--jobs", "1", "--out", str(tmp_path), "--format", "json"]) == 0
    assert _resume(tmp_path, "toy-b") == 0
    doc = _stored(tmp_path)
    assert doc["seed"] == 7 and doc["profile"] == "quick" and light_claims == ["toy-a", "toy-b"]


def test_resume_with_some_ids_keeps_every_finished_claim(tmp_path, light_claims, monkeypatch):
    monkeypatch.setitem(CLAIMS, "toy-c", _light("toy-c", counter=light_claims))
    assert main(["run", "toy-a", "toy-b", "--jobs", "1", "--out", str(tmp_path), "--format", "json"]) == 0
    assert _resume(tmp_path, "toy-c") == 0
    doc = _stored(tmp_path)
    assert [c["id"] for c in doc["claims"]] == ["toy-c", "toy-a", "toy-b"]  # nothing finished is dropped
    assert light_claims == ["toy-a", "toy-b", "toy-c"]
    assert doc["resume"]["kept"] == ["toy-a", "toy-b"]


@pytest.mark.parametrize("content, problem", [
    ("[]", "is a JSON list, not an object"),
    ('{"schema": "gantheory.report/1", "claims": {}}', "'claims' is a JSON dict, expected a list"),
    ('{"schema": "gantheory.report/1", "claims": [{"status": "pass", "lenses": []}]}', "claims[0] has no string 'id'"),
    ('{"schema": "gantheory.report/1", "claims": [3]}', "claims[0] is a JSON int"),
    ('{"schema": "other/2", "claims": []}', "schema is 'other/2'"),
    ('{"schema": "gantheory.report/1", "claims": [{"id": "toy-a", "status": "pass", "lenses": {}}]}',
     "no list of lens objects"),
    ("{not json", "cannot read"),
])
def test_malformed_report_is_a_usage_error_naming_file_and_problem(capsys, tmp_path, content, problem):
    (tmp_path / "report.json").write_text(content)
    assert main(["run", "--resume", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "report.json") in err and problem in err and "Traceback" not in err


@pytest.mark.parametrize("field, value, problem", [
    ("seed", "x", "'seed' is 'x'"),
    ("seed", 1.5, "'seed' is 1.5"),
    ("seed", -1, "'seed' is -1"),
    ("seed", True, "'seed' is True"),
    ("profile", "ultra", "'profile' is 'ultra'"),
    ("device", "tpu", "'device' is 'tpu'"),
])
def test_malformed_run_options_in_report_are_a_usage_error(capsys, tmp_path, light_claims, field, value, problem):
    # Review finding 7: "seed": "x" was a traceback (exit 3); "seed": 1.5 was accepted and written back.
    assert main(["run", "toy-a", "--jobs", "1", "--out", str(tmp_path), "--format", "json"]) == 0
    _forge(tmp_path, lambda doc: doc.update({field: value}))
    before = (tmp_path / "report.json").read_text()
    capsys.readouterr()
    assert main(["run", "--resume", str(tmp_path), "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "report.json") in err and problem in err and "Traceback" not in err
    assert light_claims == ["toy-a"] and (tmp_path / "report.json").read_text() == before


def test_the_report_skeleton_is_written_before_the_first_claim(tmp_path, monkeypatch):
    seen = []

    def check(ctx):
        seen.append(_stored(tmp_path))
        return LensResult("quadrature", "pass", summary="ok")

    monkeypatch.setitem(CLAIMS, "toy-1", Claim("toy-1", "toy-1", "s", "x", "t", {"quadrature": check}))
    assert main(["run", "toy-1", "--seed", "3", "--jobs", "1", "--out", str(tmp_path), "--format", "json"]) == 0
    (skeleton,) = seen
    assert skeleton["claims"] == [] and skeleton["planned"] == ["toy-1"] and skeleton["seed"] == 3


def _children(pid):
    import os

    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry))
    return out


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_leaves_no_orphan_workers_and_a_resumable_report(tmp_path):
    """A real `python -m verify` with two workers, killed with SIGKILL mid-run: within a few seconds no
    worker is left, and the report skeleton written before the first claim can be resumed."""
    import os
    import signal
    import subprocess
    import time

    from gantheory.cli import _load_resume
    from gantheory.runner import WATCHDOG_SECONDS

    proc = subprocess.Popen([sys.executable, "-m", "verify", "run", "algorithm-1", "optimal-discriminator",
                             "--jobs", "2", "--out", str(tmp_path), "--format", "json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        workers = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.1)
            workers = _children(proc.pid)
            assert proc.poll() is None, "the run ended before its workers were seen"
        assert len(workers) == 2
        time.sleep(1.0)  # the workers have started their claims
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10 * WATCHDOG_SECONDS + 3
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for w in left:  # never leave them behind, even when the test fails
        os.kill(w, signal.SIGKILL)
    assert not left, f"orphaned workers {left} still alive after the parent's SIGKILL"
    doc = _load_resume(tmp_path)
    assert doc["planned"] == ["algorithm-1", "optimal-discriminator"] and doc["claims"] == []


_TIMING = {"created", "wall_seconds", "seconds", "command"}


def _numbers(doc, path=""):
    """Every leaf of the document but the clocks, with its path (floats compared by their exact bits)."""
    if isinstance(doc, dict):
        return [x for k, v in doc.items() if k not in _TIMING for x in _numbers(v, f"{path}/{k}")]
    if isinstance(doc, list):
        return [x for i, v in enumerate(doc) for x in _numbers(v, f"{path}[{i}]")]
    return [(path, float(doc).hex() if isinstance(doc, float) else doc)]


@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(), reason="needs fork")
def test_same_seed_gives_the_same_json_in_process_and_in_workers(capsys, tmp_path):
    """The whole JSON of a small real run (the least-squares empirical lens, whose θ̂ once varied in its last
    bits, and a quadrature claim), once in this process and once in two workers: identical but for clocks."""
    docs = []
    for jobs in ("1", "2"):
        out = tmp_path / jobs
        assert main(["run", "least-squares", "jsd-bounds", "--seed", "5", "--jobs", jobs, "--out", str(out),
                     "--format", "json", "--device", "cpu"]) == 0
        capsys.readouterr()
        docs.append(_stored(out))
    first, second = (_numbers(d) for d in docs)
    assert len(first) == len(second) and len(first) > 500
    differ = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    assert not differ, differ[:5]


def test_selftest_includes_near_miss_controls_with_their_margins(capsys, tmp_path):
    """Small errors, not only gross ones: D = p/(p + 1.000001·q) and C(G) + 1e-9 must be refuted, and the
    report says by how many tolerances each control missed (the smallest margin included)."""
    code = main(["selftest", "optimal-discriminator", "global-optimum", "--lens", "quadrature", "--jobs", "1",
                 "--format", "json", "--out", str(tmp_path)])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    near = {c["name"]: c for c in doc["negative_controls"] if c["name"].startswith("near-miss")}
    assert set(near) == {"near-miss D=p/(p+1.000001q)", "near-miss C+1e-9"}
    assert all(c["refuted"] for c in near.values())
    assert near["near-miss C+1e-9"]["margin_ratio"] == pytest.approx(10.0, rel=0.05)  # 1e-9 against 1e-10
    assert near["near-miss D=p/(p+1.000001q)"]["margin_ratio"] > 1e3
    st = doc["selftest"]
    assert st["near_misses"] == 2 and st["smallest_margin"]["control"] == "near-miss C+1e-9"
    assert "margin (× tolerance)" in (tmp_path / "selftest.html").read_text()


def test_margin_ratio_of_failed_measurements():
    from gantheory.report.document import margin_ratio, margin_text

    ms = [{"measured": 1e-9, "tolerance": 1e-10, "relation": "≤", "passed": False},
          {"measured": 0.5, "tolerance": 0.95, "relation": "≥", "passed": False},
          {"measured": 1e-20, "tolerance": 1e-10, "relation": "≤", "passed": True}]
    assert margin_ratio(ms) == pytest.approx(10.0)
    assert margin_ratio(ms[1:]) == pytest.approx(1.9)
    assert margin_ratio(ms[2:]) is None and margin_text(None) == "—" and margin_text(10.0) == "10×"


def test_missing_optional_extra_is_exit_2_with_the_install_hint(capsys, monkeypatch, tmp_path):
    """A missing extra is the user's environment, not an internal error: exit 2 with what to install, no
    traceback (it was exit 3 before)."""
    monkeypatch.setitem(sys.modules, "tbparse", None)
    (tmp_path / "events.out.tfevents.1").write_bytes(b"")
    code = main(["runs", str(tmp_path / "events.out.tfevents.1"), "--d-tag", "loss/d"])
    err = capsys.readouterr().err
    assert code == 2
    assert "gantheory[runs]" in err and "Traceback" not in err


def test_dependency_error_from_any_subcommand_is_exit_2(capsys, monkeypatch):
    from gantheory import cli
    from gantheory.errors import DependencyError

    def boom(args):
        raise DependencyError("needs the optional extra: pip install 'gantheory[dask]'")

    monkeypatch.setitem(cli._COMMANDS, "list", boom)
    assert main(["list"]) == 2
    err = capsys.readouterr().err
    assert "gantheory[dask]" in err and "internal error" not in err


def test_device_cuda_without_cuda_is_refused_before_any_claim_runs(capsys, tmp_path, light_claims, monkeypatch):
    """Review 4 #8: `run … --device cuda` without CUDA ran the other lenses first, then exited 3."""
    import gantheory.empirical._device as device
    from gantheory.runner import device_problem

    monkeypatch.setattr(device, "cuda_available", lambda: False)
    for command in (["run", "toy-a", "--out", str(tmp_path / "r")], ["selftest", "toy-a"]):
        assert main([*command, "--device", "cuda", "--jobs", "1", "--format", "json"]) == 2
        err = capsys.readouterr().err
        assert "--device cuda" in err and "CUDA is not available" in err
    assert light_claims == [] and not (tmp_path / "r").exists()
    assert device_problem("cpu") is None and device_problem("auto") is None
    monkeypatch.setattr(device, "cuda_available", lambda: True)  # control: where CUDA exists it is accepted
    assert device_problem("cuda") is None
