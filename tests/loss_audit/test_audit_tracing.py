"""The torch.fx trace of a loss evaluated on scalars: exact constants, the mpmath and text backends."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

torch = pytest.importorskip("torch")
mp = pytest.importorskip("mpmath")
F = torch.nn.functional

from gantheory.loss_audit.tracing import Text, Untraceable, backend, evaluate, exact, trace  # noqa: E402


@pytest.mark.parametrize("x, q", [(0.9, Fraction(9, 10)), (1 / 3, Fraction(1, 3)), (1e-8, Fraction(1, 10**8)),
                                  (2, Fraction(2)), (-0.25, Fraction(-1, 4)), (0.0, Fraction(0))])
def test_constants_are_the_decimals_they_stand_for(x, q):
    assert exact(x) == q


def test_a_constant_with_no_short_fraction_is_its_shortest_decimal():
    """Negative control: π is no fraction with a small denominator (its convergent 245850922/78256779 lies
    within float rounding too, but is not what the code says): it is the decimal its float prints as."""
    assert exact(math.pi) == Fraction("3.141592653589793")


def test_mpmath_evaluation_matches_torch_in_float64():
    def d_loss(real, fake, margin=1.0):
        smooth = F.binary_cross_entropy_with_logits(real, torch.full_like(real, 0.9))
        return smooth + F.relu(margin + fake).mean() + torch.clamp(fake, max=0.5).square().sum()

    graph = trace(d_loss)
    with mp.workdps(50):
        for r, f in [(-1.5, 0.25), (2.0, -3.0), (0.0, 0.75)]:
            got = evaluate(graph, backend("mpmath"), [mp.mpf(r), mp.mpf(f)])
            want = d_loss(torch.tensor([r], dtype=torch.float64), torch.tensor([f], dtype=torch.float64))
            assert float(got) == pytest.approx(float(want), rel=1e-14, abs=1e-14)


def test_text_backend_folds_constants():
    graph = trace(lambda real, fake: F.softplus(-real).mean() + F.softplus(fake).mean() * 1.0)
    assert evaluate(graph, backend("text"), [Text("r"), Text("f")]) == "softplus(-r) + softplus(f)"


def test_data_dependent_control_flow_is_untraceable():
    def d_loss(r, f):
        if r.sum() > 0:
            return r.mean()
        return f.mean()

    with pytest.raises(Untraceable):
        trace(d_loss)


def test_unknown_op_is_untraceable():
    graph = trace(lambda r, f: torch.erf(r).mean() + f.mean())
    with pytest.raises(Untraceable, match="erf"):
        evaluate(graph, backend("text"), [Text("r"), Text("f")])


def test_partial_keywords_are_traced_as_constants():
    import functools

    def d_loss(real, fake, margin=1.0):
        return F.relu(margin - real).mean() + F.relu(margin + fake).mean()

    graph = trace(functools.partial(d_loss, margin=80.0))
    assert evaluate(graph, backend("text"), [Text("r"), Text("f")]) == "max(0, 80 - r) + max(0, 80 + f)"


bce_module = torch.nn.BCEWithLogitsLoss()


@pytest.mark.parametrize("g, golden", [
    (lambda fake: bce_module(fake, torch.ones(fake.size(0))), "ns"),
    (lambda fake: bce_module(fake, fake.new_ones(fake.shape)), "ns"),
    (lambda fake: bce_module(fake, torch.ones(fake.shape[0], device=fake.device)), "ns"),
    (lambda fake: bce_module(fake.view(-1), torch.ones(fake.size(0), 1, device=fake.device).view(-1)), "ns"),
    (lambda fake: bce_module(fake, torch.full((fake.size(0),), 1.0)), "ns"),
    (lambda fake: -F.binary_cross_entropy_with_logits(fake, fake.new_zeros(fake.size())), "minimax"),
], ids=["size0", "new_ones_shape", "shape0_device", "ones_n_1_dcgan", "full", "new_zeros_size"])
def test_label_tensors_built_from_the_batch_size_are_traced(g, golden):
    # Regression (review r3): x.size(0), x.shape[0], x.new_ones/new_zeros, device=x.device failed with
    # "no scalar rule for getattr". Golden: the closed form, log(1 + e^−f) (non-saturating) or −log(1 + e^f).
    graph = trace(g)
    with mp.workdps(50):
        for f in (-2.0, 0.5):
            got = evaluate(graph, backend("mpmath"), [mp.mpf(f)])
            want = math.log1p(math.exp(-f)) if golden == "ns" else -math.log1p(math.exp(f))
            assert float(got) == pytest.approx(want, rel=1e-14)


def test_indexing_a_tensor_is_still_untraceable():
    """Negative control: x[0] is data indexing, not a size; it stays untraceable."""
    with pytest.raises(Untraceable):
        evaluate(trace(lambda fake: F.softplus(-fake[0])), backend("mpmath"), [mp.mpf(1)])
