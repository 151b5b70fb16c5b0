"""`python -m verify audit` on repository-style losses: --order, --arg, and the exit codes 0/1/2/3 (an internal
failure is a message and exit 3, never a traceback)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")

from gantheory.cli import main

LOSSES = '''import torch
import torch.nn.functional as F


def hinge_dis(dis_fake, dis_real, margin=1.0):
    return F.relu(margin - dis_real).mean(), F.relu(margin + dis_fake).mean()


def hinge_gen(dis_fake):
    return -dis_fake.mean()


def ebgan_dis(dx, dgz, margin):
    return (dx + F.relu(margin - dgz)).mean()


def wgan_low(real, fake):
    return real.mean() - fake.mean()


def wgan_gen_flipped(fake):
    return -fake.mean()


def rsgan_d(real, fake):
    return F.binary_cross_entropy_with_logits(real - fake, torch.ones_like(real))


def broken(real, fake):
    raise KeyError("no such key")


def nan_everywhere(real, fake):
    return (real * 0 + float("nan")).mean()
'''


@pytest.fixture()
def module(tmp_path, monkeypatch):
    (tmp_path / "repo_losses.py").write_text(LOSSES)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return "repo_losses"


def _run(capsys, *argv):
    code = main(["audit", *argv, "--no-symbolic", "--no-divergence"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_order_and_arg(capsys, module):
    code, out, _ = _run(capsys, f"{module}:hinge_dis", f"{module}:hinge_gen", "--arg", "margin=80", "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert (doc["discriminator"]["family"], doc["discriminator"]["params"]["margin"]) == ("hinge", 80.0)
    assert (doc["discriminator"]["convention"], doc["generator"]["kind"], doc["pairing"]) == ("real_high", "hinge",
                                                                                           "consistent")
    codes = {f["code"] for f in doc["findings"]}
    assert {"argument_order", "tuple_return"} <= codes
    # negative control: forcing the wrong order flips the convention and the pairing
    code, out, _ = _run(capsys, f"{module}:hinge_dis", f"{module}:hinge_gen", "--order", "real,fake", "--format",
                        "json")
    doc = json.loads(out)
    assert (code, doc["discriminator"]["convention"], doc["pairing"]) == (1, "real_low", "inconsistent")


def test_exit_codes(capsys, module):
    assert _run(capsys, f"{module}:wgan_low")[0] == 0
    code, out, _ = _run(capsys, f"{module}:wgan_low", f"{module}:wgan_gen_flipped")
    assert code == 1 and "inconsistent" in out
    code, _, err = _run(capsys, f"{module}:ebgan_dis")
    assert code == 2 and "--arg" in err and "margin" in err
    code, _, err = _run(capsys, f"{module}:hinge_dis", "--arg", "margn=3")
    assert code == 2 and "margn" in err
    assert _run(capsys, f"{module}:ebgan_dis", "--arg", "margin=5")[0] == 0
    code, _, err = _run(capsys, f"{module}:broken")
    assert code == 2 and "KeyError" in err and "Traceback" not in err


def test_internal_error_is_exit_3_without_traceback(capsys, module, monkeypatch):
    import gantheory.loss_audit as loss_audit

    def explode(*args, **kwargs):
        raise ZeroDivisionError("a bug of the audit")

    monkeypatch.setattr(loss_audit, "audit", explode)
    code, _, err = _run(capsys, f"{module}:wgan_low")
    assert code == 3 and "internal error" in err and "Traceback" not in err


def test_relativistic_report_renders_and_a_render_failure_is_exit_3(capsys, module, monkeypatch):
    """Regression (review finding 2): ``audit rl:rsgan_d`` printed a traceback (fmt() on variant='standard')."""
    for fmt_ in ("text", "md", "html", "json"):
        code, out, err = _run(capsys, f"{module}:rsgan_d", "--format", fmt_)
        assert (code, "Traceback" in err) == (0, False) and "relativistic" in out and "standard" in out
    from gantheory.loss_audit.results import AuditReport

    def explode(self):
        raise ValueError("a bug of the renderer")

    monkeypatch.setattr(AuditReport, "to_text", explode)
    code, out, err = _run(capsys, f"{module}:rsgan_d")
    assert code == 3 and "internal error" in err and "renderer" in err and "Traceback" not in err


TEXTBOOK = '''import torch.nn.functional as F


def d_loss(real, fake):
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def g_loss(fake):
    return F.softplus(-fake).mean()
'''

_PROBE_IMPORTS = '''import sys
from gantheory.cli import main
code = main(["audit", "textbook:d_loss", "textbook:g_loss", "--format", "json"{extra}])
print("CODE", code, "SYMPY", "sympy" in sys.modules, "SCIPY", "scipy" in sys.modules)
'''


@pytest.mark.parametrize("extra, sympy_loaded", [("", False), (', "--prove"', True)], ids=["default", "prove"])
def test_default_audit_imports_neither_sympy_nor_scipy(tmp_path, extra, sympy_loaded):
    """The default CLI audit (certificate checked at 50 digits, value by quadrature) leaves sympy and scipy
    unimported, in a fresh interpreter; ``--prove`` imports sympy (the control that the probe sees it)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "textbook.py").write_text(TEXTBOOK)
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", _PROBE_IMPORTS.format(extra=extra)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, check=False)
    last = run.stdout.strip().splitlines()[-1]
    assert last == f"CODE 0 SYMPY {sympy_loaded} SCIPY False", run.stdout[-2000:] + run.stderr[-2000:]
    doc = json.loads(run.stdout[:run.stdout.rindex("CODE")])
    cert = doc["discriminator"]["certificate"]
    assert cert["status"] == "equal" and cert["route"] == ("proved" if sympy_loaded else "checked")
    assert doc["discriminator"]["value_at_optimum"]["divergence"] == "js"


def test_prove_flag_says_which_route_established_the_certificate(capsys, module):
    main(["audit", f"{module}:hinge_dis", f"{module}:hinge_gen", "--no-divergence"])
    checked = capsys.readouterr().out
    main(["audit", f"{module}:hinge_dis", f"{module}:hinge_gen", "--no-divergence", "--prove"])
    proved = capsys.readouterr().out
    assert "checked at 50 digits on 45 logits" in checked and "sympy" not in checked
    assert "by sympy simplify" in proved


def test_a_loss_nan_everywhere_is_exit_2_naming_the_nan_not_probabilities(capsys, module):
    # Regression (review r3): the hint was "see --probabilities", which cannot help a loss NaN at every logit.
    code, _, err = _run(capsys, f"{module}:nan_everywhere")
    assert code == 2 and "NaN at every probed" in err and "--probabilities" not in err, err
    code, _, err = _run(capsys, f"{module}:wgan_low", "--probabilities")  # control: finite elsewhere
    assert "NaN at every probed" not in err


def test_a_closed_pipe_is_quiet_and_keeps_the_exit_code(module, tmp_path):
    # Regression (review r3): `python -m verify audit L:d L:g | head -1` printed a BrokenPipeError traceback
    # and exited 3. The reader here closes the pipe before the audit writes.
    import os
    import pathlib
    import subprocess
    import sys

    root = pathlib.Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(tmp_path)])}
    proc = subprocess.Popen([sys.executable, "-m", "verify", "audit", f"{module}:wgan_low", f"{module}:wgan_gen_flipped",
                             "--no-symbolic", "--no-divergence"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=tmp_path, env=env)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1, err  # the audit's own exit code: an error finding
    assert "Traceback" not in err and "BrokenPipe" not in err, err
