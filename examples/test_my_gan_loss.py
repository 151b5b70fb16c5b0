"""Testing your own GAN loss code against the theory with gantheory's pytest plugin.

Run it with::

    pytest examples/test_my_gan_loss.py -v                          # hypothesis 'dev'/'ci'/default profile
    pytest examples/test_my_gan_loss.py --gantheory-profile=thorough  # many more density pairs

Installing gantheory registers the plugin (no conftest needed): the ``gan_pair`` fixture, the
``--gantheory-profile`` option and ``assert_loss_matches_theory``, which draws density pairs
(p_data, p_g) with hypothesis and checks that

1. your discriminator loss is minimised by D*(x) = p_data/(p_data + p_g) (Goodfellow et al. 2014, Prop. 1);
2. its minimum is −C(G) = log 4 − 2·JSD(p_data‖p_g) (Thm. 1), JSD from certified quadrature;
3. your generator loss has the right value at D*.

Loss functions take 1-D float64 tensors of *logits* for real and fake samples and return a scalar.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from gantheory.testing import assert_loss_matches_theory  # noqa: E402

# ---- the code under test: your losses --------------------------------------------------------------


def discriminator_loss(real_logits, fake_logits):
    """−E_p[log D] − E_q[log(1 − D)], stable in logits: log(1 − σ(a)) = logsigmoid(−a)."""
    return F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits)) + \
        F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))


def generator_loss(fake_logits):
    """Non-saturating generator loss −E_q[log D(G(z))] (Goodfellow et al. 2014, §3)."""
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


def buggy_discriminator_loss(real_logits, fake_logits):
    """A classic slip: log(sigmoid(1 − x)) written for log(1 − sigmoid(x))."""
    return -(torch.log(torch.sigmoid(real_logits)).mean() + torch.log(torch.sigmoid(1 - fake_logits)).mean())


def swapped_labels_generator_loss(fake_logits):
    """Another: the generator trained towards label 0 (it now helps the discriminator)."""
    return F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))


# ---- the tests ------------------------------------------------------------------------------------


def test_losses_match_the_theory():
    assert_loss_matches_theory(discriminator_loss, generator_loss, generator="non_saturating", max_examples=5)


def test_buggy_discriminator_loss_is_caught():
    with pytest.raises(AssertionError) as caught:
        assert_loss_matches_theory(buggy_discriminator_loss, max_examples=5)
    message = str(caught.value)
    print(message)  # pytest -s shows the counterexample, e.g.
    # GAN loss does not match the theory for p_data = Normal(loc=0.0, scale=1.0), p_g = Normal(loc=0.0, scale=1.0):
    #   - buggy_discriminator_loss implies the wrong optimal discriminator: at x = 0, D*(x) = p/(p+q) = 0.5
    #     (logit log p − log q = 0), but the loss is minimised at D = 0.6224593312 (logit 0.5)
    assert "implies the wrong optimal discriminator" in message


def test_swapped_generator_labels_are_caught():
    with pytest.raises(AssertionError, match="evaluated at the optimal discriminator"):
        assert_loss_matches_theory(None, swapped_labels_generator_loss, max_examples=5)


def test_gan_pair_fixture(gan_pair):
    """The plugin's ``gan_pair`` fixture: named pairs with their exact JSD, e.g. to test a critic's
    value at the optimum on every case (here: D* = 0.5 everywhere iff the pair is identical)."""
    p_data, p_g = gan_pair
    from gantheory import js_divergence

    assert float(js_divergence(p_data, p_g)) == pytest.approx(gan_pair.js_divergence, abs=1e-10)
