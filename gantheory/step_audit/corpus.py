"""Training-step bugs ported from public repositories where they occurred, each with its correct version.

Every entry is a ``train_step(D, G, opt_D, opt_G, real)`` written for the audit's 1-D models (D returns a
logit ``(n, 1)``; G maps ``(n, 1)`` latents), reproducing the *structure* of the cited code (the order of
``zero_grad`` / ``backward`` / ``step`` calls, the signs, the labels) — never its text. ``expected`` lists the
finding codes the audit must raise with its defaults (errors and warnings; ``d_star_mismatch`` where the
bug also moves D's limit away from D*); a correct entry expects none. ``loss`` is the game
the original code declares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn import Module
from torch.optim import Optimizer

__all__ = ["CORPUS", "CorpusEntry"]


@dataclass(frozen=True)
class CorpusEntry:
    """One training step: ``bug`` (None for a correct version), the codes it must raise, and its sources."""

    name: str
    train_step: Callable
    loss: str
    expected: frozenset[str]
    bug: str | None
    source: str
    description: str


def _bce(a: torch.Tensor, label: float) -> torch.Tensor:
    """Cross-entropy of logits against a constant label (BCEWithLogitsLoss, mean reduction)."""
    return F.binary_cross_entropy_with_logits(a, torch.full_like(a, label))


def _z(real: torch.Tensor) -> torch.Tensor:
    return torch.randn(real.shape[0], 1)


def _g_step(D: Module, opt_G: Optimizer, fake: Tensor) -> None:
    """The correct non-saturating G step: zero G's gradients, label G's samples real, step G."""
    opt_G.zero_grad()
    _bce(D(fake), 1.0).backward()
    opt_G.step()


# ---- the cross-entropy game ------------------------------------------------------------------------------
def dcgan_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """pytorch/examples dcgan/main.py: two D backward passes (real, then detached fake), one G pass."""
    D.zero_grad()
    _bce(D(real), 1.0).backward()
    fake = G(_z(real))
    _bce(D(fake.detach()), 0.0).backward()
    opt_D.step()
    G.zero_grad()
    _bce(D(fake), 1.0).backward()
    opt_G.step()


def combined_d_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """One D backward on (loss_real + loss_fake)·½ (pytorch-CycleGAN-and-pix2pix backward_D_basic)."""
    opt_D.zero_grad()
    fake = G(_z(real))
    loss_d = 0.5 * (_bce(D(real), 1.0) + _bce(D(fake.detach()), 0.0))
    loss_d.backward()
    opt_D.step()
    _g_step(D, opt_G, fake)


def double_backward_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """The real term is backpropagated on its own and again inside the total: it counts twice."""
    opt_D.zero_grad()
    loss_real = _bce(D(real), 1.0)
    loss_real.backward(retain_graph=True)
    fake = G(_z(real))
    loss_d = loss_real + _bce(D(fake.detach()), 0.0)
    loss_d.backward()
    opt_D.step()
    _g_step(D, opt_G, fake)


def missing_detach_leak_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """No .detach() on the fake batch and both optimisers zeroed only at the top: D's loss leaks into G's step."""
    opt_D.zero_grad()
    opt_G.zero_grad()
    fake = G(_z(real))
    (_bce(D(real), 1.0) + _bce(D(fake), 0.0)).backward(retain_graph=True)
    opt_D.step()
    _bce(D(fake), 1.0).backward()
    opt_G.step()


def missing_detach_harmless_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """No .detach(), but G's gradients are zeroed before G's backward (yunjey/pytorch-tutorial GAN example)."""
    opt_D.zero_grad()
    fake = G(_z(real))
    (_bce(D(real), 1.0) + _bce(D(fake), 0.0)).backward()
    opt_D.step()
    opt_D.zero_grad()
    opt_G.zero_grad()
    _bce(D(G(_z(real))), 1.0).backward()
    opt_G.step()


def missing_zero_grad_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """D's gradients are never zeroed: each D step applies the sum of all earlier D (and G-pass) gradients."""
    fake = G(_z(real))
    (_bce(D(real), 1.0) + _bce(D(fake.detach()), 0.0)).backward()
    opt_D.step()
    _g_step(D, opt_G, fake)


def wrong_optimizer_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """opt_G.step() where opt_D.step() belongs after D's backward (Lornatang/ESRGAN-PyTorch#39)."""
    opt_D.zero_grad()
    fake = G(_z(real))
    (_bce(D(real), 1.0) + _bce(D(fake.detach()), 0.0)).backward()
    opt_G.step()
    _g_step(D, opt_G, fake)


def labels_swapped_g_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """D's step is right; G's loss labels its samples fake (0): G runs away from the data."""
    opt_D.zero_grad()
    fake = G(_z(real))
    (_bce(D(real), 1.0) + _bce(D(fake.detach()), 0.0)).backward()
    opt_D.step()
    opt_G.zero_grad()
    _bce(D(fake), 0.0).backward()
    opt_G.step()


def mixed_batch_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """Real and fake concatenated into one D batch (with BatchNorm in D, shared statistics)."""
    opt_D.zero_grad()
    fake = G(_z(real))
    a = D(torch.cat([real, fake.detach()]))
    labels = torch.cat([torch.ones(real.shape[0], 1), torch.zeros(real.shape[0], 1)])
    F.binary_cross_entropy_with_logits(a, labels).backward()
    opt_D.step()
    _g_step(D, opt_G, fake)


def d_sign_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """A cross-entropy D loss stepped with backward(mone): D descends V."""
    mone = torch.tensor(-1.0)
    opt_D.zero_grad()
    fake = G(_z(real))
    (_bce(D(real), 1.0) + _bce(D(fake.detach()), 0.0)).backward(mone)
    opt_D.step()
    _g_step(D, opt_G, fake)


# ---- the WGAN game (linear critic; one/mone conventions) -----------------------------------------------
def _wgan_d(D, G, real, real_sign, fake_sign):
    one = torch.tensor(1.0)
    D.zero_grad()
    D(real).mean().backward(one * real_sign)
    fake = G(_z(real)).detach()
    D(fake).mean().backward(one * fake_sign)


def wgan_gp_style_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """caogang/wgan-gp: D_real.backward(mone), D_fake.backward(one); G: errG.backward(mone)."""
    _wgan_d(D, G, real, -1.0, 1.0)
    opt_D.step()
    G.zero_grad()
    D(G(_z(real))).mean().backward(torch.tensor(-1.0))
    opt_G.step()


def wgan_arjovsky_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """martinarjovsky/WassersteinGAN main.py: errD_real.backward(one), errD_fake.backward(mone), errG.backward(one):
    the critic scores real samples low and G follows the same convention (WassersteinGAN#9)."""
    _wgan_d(D, G, real, 1.0, -1.0)
    opt_D.step()
    G.zero_grad()
    D(G(_z(real))).mean().backward(torch.tensor(1.0))
    opt_G.step()


def wgan_g_sign_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """Zeleni9/pytorch-wgan wgan_clipping.py before PR #53: D in the real-high convention, G backward(one)."""
    _wgan_d(D, G, real, -1.0, 1.0)
    opt_D.step()
    G.zero_grad()
    D(G(_z(real))).mean().backward(torch.tensor(1.0))
    opt_G.step()


# ---- the relativistic average game -------------------------------------------------------------------------
def _ragan_d(D, G, opt_D, real):
    opt_D.zero_grad()
    fake = G(_z(real))
    a_r, a_f = D(real), D(fake.detach())
    loss = 0.5 * (_bce(a_r - a_f.mean(0, keepdim=True), 1.0) + _bce(a_f - a_r.mean(0, keepdim=True), 0.0))
    loss.backward()
    opt_D.step()
    return fake


def ragan_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """Relativistic average GAN (Jolicoeur-Martineau 2018, eq. 8), both generator terms."""
    fake = _ragan_d(D, G, opt_D, real)
    opt_G.zero_grad()
    a_r, a_f = D(real).detach(), D(fake)
    # the real term's output is detached from D's parameters but G's loss still depends on it through mean(a_f)
    a_r = D(real)
    loss = 0.5 * (_bce(a_r - a_f.mean(0, keepdim=True), 0.0) + _bce(a_f - a_r.mean(0, keepdim=True), 1.0))
    loss.backward()
    opt_G.step()


def ragan_overwritten_step(D: Module, G: Module, opt_D: Optimizer, opt_G: Optimizer, real: Tensor) -> None:
    """eriklindernoren/PyTorch-GAN relativistic_gan.py (#52): the relativistic g_loss is overwritten by the
    standard one on the next line."""
    fake = _ragan_d(D, G, opt_D, real)
    opt_G.zero_grad()
    a_r, a_f = D(real), D(fake)
    g_loss = _bce(a_f - a_r.mean(0, keepdim=True), 1.0)
    g_loss = _bce(D(fake), 1.0)
    g_loss.backward()
    opt_G.step()


CORPUS: dict[str, CorpusEntry] = {e.name: e for e in (
    CorpusEntry("dcgan", dcgan_step, "standard", frozenset(), None,
                "https://github.com/pytorch/examples/blob/main/dcgan/main.py",
                "correct: real and detached-fake backward passes accumulate into one D step"),
    CorpusEntry("combined_d_loss", combined_d_step, "standard", frozenset(), None,
                "https://github.com/junyanz/pytorch-CycleGAN-and-pix2pix/issues/1330",
                "correct: one backward of ½(loss_real + loss_fake)"),
    CorpusEntry("double_backward", double_backward_step, "standard", frozenset({"unbalanced_terms", "repeated_backward", "d_star_mismatch"}),
                "two .backward() calls reach the real term",
                "https://github.com/wiseodd/controlled-text-generation/issues/27; "
                "https://github.com/amzn/convolutional-handwriting-gan/issues/23",
                "the real term's gradient is accumulated twice before the step, so D learns p/(p + q/2)"),
    CorpusEntry("missing_detach_leak", missing_detach_leak_step, "standard", frozenset({"missing_detach"}),
                "missing detach (and G's gradients zeroed only before D's pass)",
                "https://github.com/heykeetae/Self-Attention-GAN/issues/48; "
                "https://github.com/speechbrain/speechbrain/issues/1492",
                "G's step applies the gradient of D's loss as well as its own"),
    CorpusEntry("missing_detach_harmless", missing_detach_harmless_step, "standard", frozenset({"d_backward_reaches_g"}),
                None, "https://github.com/pytorch/examples/issues/116; https://github.com/yunjey/pytorch-tutorial/issues/56",
                "correct but wasteful: D's backward computes G's gradients, which are zeroed before G's pass"),
    CorpusEntry("missing_zero_grad", missing_zero_grad_step, "standard", frozenset({"missing_zero_grad", "d_star_mismatch"}),
                "missing zero_grad for D",
                "https://github.com/ajbrock/BigGAN-PyTorch/issues/25; "
                "https://github.com/Lightning-AI/pytorch-lightning/issues/591; "
                "https://github.com/Project-MONAI/GenerativeModels/issues/102",
                "D's gradients accumulate across steps (and collect G's pass through D)"),
    CorpusEntry("wrong_optimizer", wrong_optimizer_step, "standard", frozenset({"wrong_optimizer", "d_star_mismatch"}),
                "stepping the wrong optimiser", "https://github.com/Lornatang/ESRGAN-PyTorch/issues/39",
                "g_optimizer.step() where d_optimizer.step() belongs"),
    CorpusEntry("labels_swapped_g", labels_swapped_g_step, "standard", frozenset({"g_step_sign"}),
                "labels swapped only in the G step",
                "https://github.com/ptran1203/pytorch-animeGAN/issues/17; https://github.com/keras-team/keras-io/issues/284",
                "G's loss uses the fake label, so G descends toward what D calls fake"),
    CorpusEntry("mixed_batch", mixed_batch_step, "standard", frozenset({"mixed_batch"}),
                "BatchNorm statistics mixing real and fake batches",
                "https://github.com/soumith/ganhacks/issues/9; https://github.com/carpedm20/DCGAN-tensorflow/issues/266; "
                "https://github.com/eriklindernoren/Keras-GAN/issues/9",
                "one D batch concatenates real and fake samples"),
    CorpusEntry("d_sign", d_sign_step, "standard", frozenset({"d_step_sign", "d_star_mismatch"}),
                "backward(mone) on a cross-entropy D loss",
                "https://github.com/caogang/wgan-gp/issues/43; https://github.com/martinarjovsky/WassersteinGAN/issues/41",
                "the one/mone convention of WGAN code applied to a cross-entropy loss: D descends V"),
    CorpusEntry("wgan_gp_style", wgan_gp_style_step, "wasserstein", frozenset(), None,
                "https://github.com/caogang/wgan-gp/issues/9",
                "correct: D_real.backward(mone), D_fake.backward(one), G backward(mone)"),
    CorpusEntry("wgan_arjovsky", wgan_arjovsky_step, "wasserstein", frozenset(), None,
                "https://github.com/martinarjovsky/WassersteinGAN/issues/9",
                "correct: the flipped convention in both D and G (reported as info)"),
    CorpusEntry("wgan_g_sign", wgan_g_sign_step, "wasserstein", frozenset({"g_step_sign"}),
                "backward(one)/backward(mone) sign convention in the G step",
                "https://github.com/Zeleni9/pytorch-wgan/issues/51; https://github.com/Zeleni9/pytorch-wgan/pull/53",
                "G's backward(one) trains G away from the critic's real side"),
    CorpusEntry("ragan", ragan_step, "relativistic_average", frozenset(), None,
                "https://github.com/eriklindernoren/PyTorch-GAN/pull/210",
                "correct: the relativistic average generator loss with both terms"),
    CorpusEntry("ragan_overwritten", ragan_overwritten_step, "relativistic_average",
                frozenset({"relativistic_g_overwritten"}), "a relativistic G loss overwritten by a later line",
                "https://github.com/eriklindernoren/PyTorch-GAN/issues/52",
                "g_loss is assigned the relativistic form, then overwritten by the standard one"),
)}
