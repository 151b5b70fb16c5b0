"""check_discriminator on users' own modules: a capable MLP passes, a linear D is refused (negative control)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

import gantheory  # noqa: E402
from gantheory.densities import Normal  # noqa: E402
from gantheory.errors import GanTheoryError  # noqa: E402
from gantheory.multivariate import MultivariateNormal  # noqa: E402

P, Q = Normal(0.0, 1.0), Normal(1.0, 1.5)


def mlp(d: int = 1, width: int = 16):
    return lambda: nn.Sequential(nn.Linear(d, width), nn.Tanh(), nn.Linear(width, 1))


@pytest.mark.parametrize("loss", ["standard", "least_squares", "label_smoothing"])
def test_mlp_reaches_the_optimum_of_its_loss(loss):
    r = gantheory.check_discriminator(mlp(), P, Q, loss=loss, steps=300, representation=False)
    assert r.passed and r.sup_error <= r.tolerance and np.isfinite(r.tolerance)
    assert set(r.to_dict()) >= {"passed", "sup_error", "tolerance"}


def test_linear_discriminator_fails_and_is_told_why():
    """Negative control: a linear logit cannot represent the quadratic log-ratio of unequal-scale Gaussians."""
    r = gantheory.check_discriminator(lambda: nn.Linear(1, 1), P, Normal(1.0, 2.5), steps=300)
    assert not r.passed
    assert any(f.code == "cannot_represent" for f in r.findings)


def _reason(r):
    (f,) = [f for f in r.findings if f.code == "sup_error_above_tolerance"]
    assert f.severity == "error"
    return f.message


def test_a_failed_check_always_says_why():
    # Review finding 5: the README's 2-D check failed (0.434 > 0.412) with no finding at all.
    linear = gantheory.check_discriminator(lambda: nn.Linear(1, 1), P, Normal(1.0, 2.5), steps=300)
    assert not linear.passed and "cannot_represent" in _reason(linear)
    # the sampling-error branch (the README's 2-D case, too slow here: see the slow test below)
    from gantheory.model_check.discriminator import _why_not_reached

    why = _why_not_reached(0.434, 0.412, 0.21, 2048, 257, 6)
    assert "sampling error" in why and "2048 draws per class" in why and "257-parameter" in why
    flat = gantheory.check_discriminator(lambda: _Constant(), P, Q, steps=50, representation=False)
    assert not flat.passed and "representation=True" in _reason(flat)
    ok = gantheory.check_discriminator(mlp(), P, Q, steps=300, representation=False)
    assert ok.passed and not any(f.code == "sup_error_above_tolerance" for f in ok.findings)


@pytest.mark.slow
def test_readme_two_dimensional_example_says_why_when_it_fails():
    from gantheory.multivariate import ring_of_gaussians

    make_D2 = lambda: nn.Sequential(nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 1))  # noqa: E731
    r = gantheory.check_discriminator(make_D2, ring_of_gaussians(scale=0.2),
                                      MultivariateNormal([0, 0], [[1.5, 0], [0, 1.5]]))
    # measured: sup 0.434 > tolerance 0.412, the population-trained copy reaches 0.210: sampling error
    assert not r.passed and r.representation_error <= r.tolerance and "sampling error" in _reason(r)


def test_probability_output_is_handled_and_detected():
    make = lambda: nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1), nn.Sigmoid())  # noqa: E731
    r = gantheory.check_discriminator(make, P, Q, steps=300, output="probability", representation=False)
    assert r.passed
    wrong = gantheory.check_discriminator(make, P, Q, steps=50, representation=False)
    assert any(f.code == "output_in_unit_interval" for f in wrong.findings)


def test_two_dimensional_gaussians():
    p = MultivariateNormal([0.0, 0.0], [[1.0, 0.3], [0.3, 0.8]])
    q = MultivariateNormal([1.0, -0.5], [[1.5, 0.0], [0.0, 0.6]])
    r = gantheory.check_discriminator(mlp(2, 16), p, q, steps=250, representation=False)
    assert r.dim == 2 and r.passed
    # negative control: a D that ignores its input stays far from D*
    flat = gantheory.check_discriminator(lambda: _Constant(), p, q, steps=50, representation=False)
    assert not flat.passed


class _Constant(nn.Module):
    def __init__(self):
        super().__init__()
        self.b = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return self.b.expand(x.shape[0], 1)


@pytest.mark.parametrize("kwargs, parameter", [({"loss": "hinge"}, "loss"), ({"output": "odds"}, "output"),
                                               ({"n_samples": 1}, "n_samples")])
def test_bad_input(kwargs, parameter):
    with pytest.raises(GanTheoryError, match=parameter):
        gantheory.check_discriminator(mlp(), P, Q, **kwargs)
    with pytest.raises(GanTheoryError, match="make_D"):
        gantheory.check_discriminator(lambda: "not a module", P, Q, steps=1)


@pytest.mark.parametrize("make_D, problem", [
    (mlp()(), "not the module itself"),  # the module, not its factory: was a bare TypeError
    (lambda: nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 2)), r"expected one output per sample"),  # was RuntimeError
    (lambda: nn.Linear(2, 1), r"cannot take a batch of shape \(n, 1\)"),
    (lambda width: nn.Linear(1, width), "callable with no arguments"),
])
def test_bad_make_D_is_a_gantheory_error_naming_make_D(make_D, problem):
    with pytest.raises(GanTheoryError, match=f"parameter 'make_D'.*{problem}"):
        gantheory.check_discriminator(make_D, P, Q, steps=1, representation=False)


def test_gan_names_make_G_when_make_G_is_a_module():
    with pytest.raises(GanTheoryError, match=r"parameter 'make_G'.*not the module itself"):
        gantheory.check_gan(mlp(), nn.Linear(1, 1), P, steps=1)


def test_users_own_loss_callable_is_identified_and_used():
    """A user's loss is read by the loss audit (here: labels swapped) and D is compared with *its* optimum."""
    import torch.nn.functional as F

    def swapped(real_logits, fake_logits):
        return (F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))
                + F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits)))

    r = gantheory.check_discriminator(mlp(), P, Q, loss=swapped, steps=300, representation=False)
    assert r.loss == "swapped" and r.passed
    assert any(f.code == "loss_identified" for f in r.findings)


def test_unbounded_user_loss_is_refused():
    with pytest.raises(GanTheoryError, match="loss"):
        gantheory.check_discriminator(mlp(), P, Q, loss=lambda r, f: -r.mean() + f.mean(), steps=1)


# Review 4 #4: D was compared with a* in training mode. A Dropout D (as in PyTorch-GAN) failed (sup 0.253 >
# 0.229; 0.130 in evaluation mode) and a BatchNorm D was labelled cannot_represent (0.495): each class was
# normalised by its own batch statistics in training, so evaluation mode was not the function trained.
DROPOUT_D = lambda: nn.Sequential(nn.Linear(1, 32), nn.LeakyReLU(0.2), nn.Dropout(0.3), nn.Linear(32, 1))  # noqa: E731
BATCHNORM_D = lambda: nn.Sequential(nn.Linear(1, 32), nn.BatchNorm1d(32), nn.LeakyReLU(0.2), nn.Linear(32, 1))  # noqa: E731


@pytest.mark.parametrize("make_D", [DROPOUT_D, BATCHNORM_D], ids=["dropout", "batchnorm"])
def test_dropout_and_batchnorm_discriminators_are_evaluated_as_trained_networks(make_D):
    r = gantheory.check_discriminator(make_D, P, Q, steps=300)
    assert r.passed and r.sup_error <= r.tolerance, r.to_dict()
    assert r.representation_error <= r.tolerance and not r.findings


def test_a_linear_discriminator_stays_refused_with_batchnorm_and_dropout():
    """Negative control: BatchNorm and Dropout add no curvature; a linear logit still misses the quadratic one."""
    make = lambda: nn.Sequential(nn.Linear(1, 8), nn.BatchNorm1d(8), nn.Dropout(0.3), nn.Linear(8, 1))  # noqa: E731
    r = gantheory.check_discriminator(make, P, Normal(1.0, 2.5), steps=300)
    assert not r.passed and any(f.code == "cannot_represent" for f in r.findings)


def test_modes_training_to_train_evaluation_to_compare_and_flags_restored(mode_spy):
    made = []

    def factory():
        made.append(mode_spy())
        return made[-1]

    gantheory.check_discriminator(factory, P, Q, n_samples=64, steps=3, representation=False)
    (spy,) = made
    assert (2 * 64, True) in spy.calls  # one pass over the real and fake batch, in training mode
    assert (801, False) in spy.calls and (801, True) not in spy.calls  # the comparison grid: evaluation mode
    assert spy.training and not spy.net[1].training and spy.net[0].training  # every flag as the factory set it


def test_module_mode_restores_mixed_flags_even_after_an_error(mode_spy):
    from gantheory.model_check.discriminator import module_mode

    spy = mode_spy()
    with pytest.raises(RuntimeError), module_mode(spy, training=False):
        assert not spy.training and not spy.net[0].training
        raise RuntimeError("boom")
    assert spy.training and spy.net[0].training and not spy.net[1].training
