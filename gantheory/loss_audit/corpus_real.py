r"""GAN losses as popular repositories write them: faithful ports with their sources, and hand-made slips.

Each :class:`Port` re-expresses, in this project's own code, the *semantics* of the loss in one file of a
public repository (repository, path, and the commit or date it was read at, in ``source``): argument
order, names, reductions, label tensors (their dtype and shape), tuple returns, defaulted parameters and
CUDA-only idioms are kept, because those are what the audit must cope with. Terms that are not functions
of the discriminator's outputs (gradient penalties, R1, reconstruction terms, auxiliary classifiers) are
left out and said so. Nothing is copied.

The **ground truth** of every entry is written from the mathematics of the ported code — the pointwise
minimiser of t·ℓ_r(a) + (1 − t)·ℓ_f(a), t = p/(p+q) (or the relativistic structure), the generator's
per-sample term, and the direction the generator pushes — *not* from the audit's output. ``error`` says
whether an error finding is due; ``warn`` lists finding codes that must be present.

:data:`SLIPS` are hand-made one-line changes of such code (a sign, a label, a swapped term) with the
ground truth of the changed code; none may pass as "OK".

:func:`evaluate` runs the audit on an entry and compares; ``benchmarks/audit.py`` prints the figures
recorded in ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["PORTS", "SLIPS", "Outcome", "Port", "evaluate"]


@dataclass(frozen=True)
class Port:
    """One loss as found, with its source and the ground truth from its mathematics."""

    name: str
    source: str
    d_loss: Callable
    g_loss: Callable | None
    family: str
    kind: str | None
    convention: str = "real_high"
    params: dict = field(default_factory=dict)
    pairing: str | None = None  # None: "consistent" with a generator, "unknown" without one
    error: bool = False
    warn: frozenset = frozenset()
    inputs: str | None = None
    order: str | None = None
    bind: dict = field(default_factory=dict)
    why: str = ""
    param_atol: float = 1e-4  # stochastic losses: their parameters are Monte Carlo estimates

    @property
    def expected_pairing(self) -> str:
        if self.pairing is not None:
            return self.pairing
        return "consistent" if self.g_loss is not None else "unknown"

    @property
    def repository(self) -> str:
        return self.source.split(" ", 1)[0]


# ---------------------------------------------------------------------------------------------------
# POSTECH-CVLab/PyTorch-StudioGAN, src/utils/losses.py @0001b9ec0550e99324ec9c5c5b788093321de9a7
_STUDIO = "POSTECH-CVLab/PyTorch-StudioGAN src/utils/losses.py@0001b9ec0550e99324ec9c5c5b788093321de9a7"


def studio_d_vanilla(d_logit_real: torch.Tensor, d_logit_fake: torch.Tensor) -> torch.Tensor:
    device = d_logit_real.get_device()  # CUDA-only idiom: −1 on the CPU
    ones = torch.ones_like(d_logit_real, device=device, requires_grad=False)
    return -torch.mean(nn.LogSigmoid()(d_logit_real) + nn.LogSigmoid()(ones - d_logit_fake))


def studio_g_vanilla(g_logit_fake: torch.Tensor) -> torch.Tensor:
    return -torch.mean(nn.LogSigmoid()(g_logit_fake))


def studio_d_ls(d_logit_real: torch.Tensor, d_logit_fake: torch.Tensor) -> torch.Tensor:
    d_loss = 0.5 * (d_logit_real - torch.ones_like(d_logit_real)) ** 2 + 0.5 * (d_logit_fake) ** 2
    return d_loss.mean()


def studio_g_ls(d_logit_fake: torch.Tensor) -> torch.Tensor:
    return (0.5 * (d_logit_fake - torch.ones_like(d_logit_fake)) ** 2).mean()


def studio_d_hinge(d_logit_real: torch.Tensor, d_logit_fake: torch.Tensor) -> torch.Tensor:
    return torch.mean(F.relu(1.0 - d_logit_real)) + torch.mean(F.relu(1.0 + d_logit_fake))


def studio_g_hinge(g_logit_fake: torch.Tensor) -> torch.Tensor:
    return -torch.mean(g_logit_fake)


def studio_d_wasserstein(d_logit_real: torch.Tensor, d_logit_fake: torch.Tensor) -> torch.Tensor:
    return torch.mean(d_logit_fake - d_logit_real)


# ---------------------------------------------------------------------------------------------------
# torchgan/torchgan, torchgan/losses/functional.py @42398ebebc865e241fcff3075f4187079e66947d
_TORCHGAN = "torchgan/torchgan torchgan/losses/functional.py@42398ebebc865e241fcff3075f4187079e66947d"


def _reduce(x: torch.Tensor, reduction: str) -> torch.Tensor:  # torchgan.utils.reduce
    return x.mean() if reduction == "mean" else x.sum() if reduction == "sum" else x


def torchgan_minimax_generator_loss(dgz: torch.Tensor, nonsaturating: bool = True, reduction: str = "mean") -> torch.Tensor:
    if nonsaturating:
        return F.binary_cross_entropy_with_logits(dgz, torch.ones_like(dgz), reduction=reduction)
    return -1.0 * F.binary_cross_entropy_with_logits(dgz, torch.zeros_like(dgz), reduction=reduction)


def torchgan_minimax_discriminator_loss(dx: torch.Tensor, dgz: torch.Tensor, label_smoothing: float = 0.0, reduction: str = "mean") -> torch.Tensor:
    target_ones = torch.ones_like(dgz) * (1.0 - label_smoothing)
    target_zeros = torch.zeros_like(dx)
    loss = F.binary_cross_entropy_with_logits(dx, target_ones, reduction=reduction)
    loss = loss + F.binary_cross_entropy_with_logits(dgz, target_zeros, reduction=reduction)
    return loss


def torchgan_least_squares_generator_loss(dgz: torch.Tensor, c: float = 1.0, reduction: str = "mean") -> torch.Tensor:
    return 0.5 * _reduce((dgz - c) ** 2, reduction)


def torchgan_least_squares_discriminator_loss(dx: torch.Tensor, dgz: torch.Tensor, a: float = 0.0, b: float = 1.0, reduction: str = "mean") -> torch.Tensor:
    return 0.5 * (_reduce((dx - b) ** 2, reduction) + _reduce((dgz - a) ** 2, reduction))


def torchgan_wasserstein_generator_loss(fgz: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    return _reduce(-1.0 * fgz, reduction)


def torchgan_wasserstein_discriminator_loss(fx: torch.Tensor, fgz: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    return _reduce(fgz - fx, reduction)


def torchgan_energy_based_generator_loss(dgz: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    return _reduce(dgz, reduction)


def torchgan_energy_based_discriminator_loss(dx: torch.Tensor, dgz: torch.Tensor, margin: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    return _reduce(dx + F.relu(-dgz + margin), reduction)


# ---------------------------------------------------------------------------------------------------
# kwotsin/mimicry, torch_mimicry/nets/modules/losses.py (call sites: torch_mimicry/nets/gan/gan.py
# @3f60827a7dabd428df4471120f5f61b5b3489cb1, which passes output_fake= / output_real= and (N, 1) logits)
_MIMICRY = "kwotsin/mimicry torch_mimicry/nets/modules/losses.py (called from nets/gan/gan.py@3f60827a)"


def mimicry_minimax_loss_dis(output_fake: torch.Tensor, output_real: torch.Tensor, real_label_val: float = 1.0, fake_label_val: float = 0.0, **kwargs: object) -> torch.Tensor:
    real_labels = torch.full((output_real.shape[0], 1), real_label_val, device=output_real.device)
    fake_labels = torch.full((output_fake.shape[0], 1), fake_label_val, device=output_fake.device)
    real_loss = F.binary_cross_entropy_with_logits(output_real, real_labels, **kwargs)
    fake_loss = F.binary_cross_entropy_with_logits(output_fake, fake_labels, **kwargs)
    return real_loss + fake_loss


def mimicry_ns_loss_gen(output_fake: torch.Tensor) -> torch.Tensor:
    output_fake = torch.sigmoid(output_fake)
    return -torch.mean(torch.log(output_fake + 1e-8))


def mimicry_minimax_loss_gen(output_fake: torch.Tensor, fake_label_val: float = 0.0, **kwargs: object) -> torch.Tensor:
    fake_labels = torch.full((output_fake.shape[0], 1), fake_label_val, device=output_fake.device)
    return -F.binary_cross_entropy_with_logits(output_fake, fake_labels, **kwargs)


def mimicry_hinge_loss_dis(output_fake: torch.Tensor, output_real: torch.Tensor) -> torch.Tensor:
    return F.relu(1.0 - output_real).mean() + F.relu(1.0 + output_fake).mean()


def mimicry_hinge_loss_gen(output_fake: torch.Tensor) -> torch.Tensor:
    return -output_fake.mean()


def mimicry_wasserstein_loss_dis(output_real: torch.Tensor, output_fake: torch.Tensor) -> torch.Tensor:
    return -1.0 * output_real.mean() + output_fake.mean()


# ---------------------------------------------------------------------------------------------------
# eriklindernoren/PyTorch-GAN, implementations/<model>/<model>.py (commits per file in the entries)
def _pg(model: str, commit: str, file: str | None = None) -> str:
    return f"eriklindernoren/PyTorch-GAN implementations/{model}/{file or model}.py@{commit}"


_bce = nn.BCELoss()
_bce_logits = nn.BCEWithLogitsLoss()
_mse = nn.MSELoss()


def _valid(x: torch.Tensor) -> torch.Tensor:  # Variable(Tensor(x.size(0), 1).fill_(1.0)): float32, shape (N, 1)
    return torch.ones((x.size(0), 1))


def _fake(x: torch.Tensor) -> torch.Tensor:
    return torch.zeros((x.size(0), 1))


def pytorch_gan_d(real_validity: torch.Tensor, fake_validity: torch.Tensor) -> torch.Tensor:  # gan.py, dcgan.py, aae.py: D ends in nn.Sigmoid()
    real_loss = _bce(real_validity, _valid(real_validity))
    fake_loss = _bce(fake_validity, _fake(fake_validity))
    return (real_loss + fake_loss) / 2


def pytorch_gan_g(fake_validity: torch.Tensor) -> torch.Tensor:
    return _bce(fake_validity, _valid(fake_validity))


def pytorch_lsgan_d(real_validity: torch.Tensor, fake_validity: torch.Tensor) -> torch.Tensor:  # lsgan.py: no sigmoid, MSELoss
    return 0.5 * (_mse(real_validity, _valid(real_validity)) + _mse(fake_validity, _fake(fake_validity)))


def pytorch_lsgan_g(fake_validity: torch.Tensor) -> torch.Tensor:
    return _mse(fake_validity, _valid(fake_validity))


def pytorch_wgan_d(real_validity: torch.Tensor, fake_validity: torch.Tensor) -> torch.Tensor:  # wgan.py, wgan_gp.py, wgan_div.py (penalties left out)
    return -torch.mean(real_validity) + torch.mean(fake_validity)


def pytorch_wgan_g(fake_validity: torch.Tensor) -> torch.Tensor:
    return -torch.mean(fake_validity)


def pytorch_relativistic_d(real_pred: torch.Tensor, fake_pred: torch.Tensor, rel_avg_gan: bool = True) -> torch.Tensor:  # relativistic_gan.py
    valid, fake = torch.ones_like(real_pred), torch.zeros_like(fake_pred)
    if rel_avg_gan:
        real_loss = _bce_logits(real_pred - fake_pred.mean(0, keepdim=True), valid)
        fake_loss = _bce_logits(fake_pred - real_pred.mean(0, keepdim=True), fake)
    else:
        real_loss = _bce_logits(real_pred - fake_pred, valid)
        fake_loss = _bce_logits(fake_pred - real_pred, fake)
    return (real_loss + fake_loss) / 2


def pytorch_relativistic_g(real_pred: torch.Tensor, fake_pred: torch.Tensor, rel_avg_gan: bool = True) -> torch.Tensor:
    valid = torch.ones_like(fake_pred)
    if rel_avg_gan:
        return _bce_logits(fake_pred - real_pred.mean(0, keepdim=True), valid)
    return _bce_logits(fake_pred - real_pred, valid)


def pytorch_ebgan_d(real_energy: torch.Tensor, fake_energy: torch.Tensor, margin: float = 1.0) -> torch.Tensor:
    # ebgan.py: d_loss = pixelwise(real_recon, real); if margin − d_loss_fake > 0: d_loss += margin − d_loss_fake
    # (the energies are the batch reconstruction errors; margin = max(1, batch_size / 64))
    d_loss_real = real_energy.mean()
    d_loss_fake = fake_energy.mean()
    d_loss = d_loss_real
    if (margin - d_loss_fake.data).item() > 0:
        d_loss = d_loss + margin - d_loss_fake
    return d_loss


def pytorch_ebgan_g(fake_energy: torch.Tensor) -> torch.Tensor:  # + λ_pt · pullaway term (a function of embeddings: left out)
    return fake_energy.mean()


def pytorch_bgan_g(fake_validity: torch.Tensor) -> torch.Tensor:  # bgan.py boundary_loss on D's sigmoid output
    return 0.5 * torch.mean((torch.log(fake_validity) - torch.log(1 - fake_validity)) ** 2)


def pytorch_esrgan_d(pred_real: torch.Tensor, pred_fake: torch.Tensor) -> torch.Tensor:  # esrgan.py: relativistic average, BCEWithLogits
    valid, fake = torch.ones_like(pred_real), torch.zeros_like(pred_fake)
    loss_real = _bce_logits(pred_real - pred_fake.mean(0, keepdim=True), valid)
    loss_fake = _bce_logits(pred_fake - pred_real.mean(0, keepdim=True), fake)
    return (loss_real + loss_fake) / 2


def pytorch_esrgan_g(pred_real: torch.Tensor, pred_fake: torch.Tensor) -> torch.Tensor:
    return _bce_logits(pred_fake - pred_real.mean(0, keepdim=True), torch.ones_like(pred_fake))


_PATCH = (1, 16, 16)  # pix2pix.py: patch = (1, img_height // 2 ** 4, img_width // 2 ** 4) at 256 × 256


def pytorch_pix2pix_d(pred_real: torch.Tensor, pred_fake: torch.Tensor) -> torch.Tensor:
    valid = torch.ones((pred_real.size(0), *_PATCH))
    fake = torch.zeros((pred_fake.size(0), *_PATCH))
    return 0.5 * (_mse(pred_real, valid) + _mse(pred_fake, fake))


def pytorch_pix2pix_g(pred_fake: torch.Tensor) -> torch.Tensor:
    return _mse(pred_fake, torch.ones((pred_fake.size(0), *_PATCH)))


# ---------------------------------------------------------------------------------------------------
# pytorch/examples, dcgan/main.py @13caa078cd69d74ffb447a9eda09f0a81b809480
_EXAMPLES = "pytorch/examples dcgan/main.py@13caa078cd69d74ffb447a9eda09f0a81b809480"
_criterion = nn.BCELoss()
real_label, fake_label = 1, 0


def examples_dcgan_d(output_real: torch.Tensor, output_fake: torch.Tensor) -> torch.Tensor:
    # main.py calls errD_real.backward() before label.fill_(fake_label); one loss needs a second label tensor
    label = torch.full((output_real.size(0),), real_label, dtype=output_real.dtype, device=output_real.device)
    err_d_real = _criterion(output_real, label)
    label = torch.full((output_fake.size(0),), fake_label, dtype=output_fake.dtype, device=output_fake.device)
    err_d_fake = _criterion(output_fake, label)
    return err_d_real + err_d_fake


def examples_dcgan_g(output_fake: torch.Tensor) -> torch.Tensor:
    label = torch.full((output_fake.size(0),), real_label, dtype=output_fake.dtype, device=output_fake.device)
    return _criterion(output_fake, label)


# ---------------------------------------------------------------------------------------------------
# CompVis/taming-transformers, taming/modules/losses/vqperceptual.py @9944179ae6f928fbc39d66c493a122993da62053
_TAMING = "CompVis/taming-transformers taming/modules/losses/vqperceptual.py@9944179ae6f928fbc39d66c493a122993da62053"


def taming_hinge_d_loss(logits_real: torch.Tensor, logits_fake: torch.Tensor) -> torch.Tensor:
    loss_real = torch.mean(F.relu(1.0 - logits_real))
    loss_fake = torch.mean(F.relu(1.0 + logits_fake))
    return 0.5 * (loss_real + loss_fake)


def taming_vanilla_d_loss(logits_real: torch.Tensor, logits_fake: torch.Tensor) -> torch.Tensor:
    return 0.5 * (torch.mean(F.softplus(-logits_real)) + torch.mean(F.softplus(logits_fake)))


def taming_g_loss(logits_fake: torch.Tensor) -> torch.Tensor:  # VQLPIPSWithDiscriminator.forward, optimizer_idx 0 (adaptive weight left out)
    return -torch.mean(logits_fake)


# ---------------------------------------------------------------------------------------------------
# NVlabs/stylegan2-ada-pytorch, training/loss.py @375a436003d13acc8a3d287340fdc7877e252e93
_SG2ADA = "NVlabs/stylegan2-ada-pytorch training/loss.py@375a436003d13acc8a3d287340fdc7877e252e93"


def stylegan2ada_d(real_logits: torch.Tensor, gen_logits: torch.Tensor) -> torch.Tensor:  # loss_Dreal + loss_Dgen (R1 left out)
    loss_dgen = torch.nn.functional.softplus(gen_logits)
    loss_dreal = torch.nn.functional.softplus(-real_logits)
    return loss_dgen.mean() + loss_dreal.mean()


def stylegan2ada_g(gen_logits: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.softplus(-gen_logits).mean()


# ---------------------------------------------------------------------------------------------------
# lucidrains/lightweight-gan lightweight_gan/lightweight_gan.py@0dceffeb66aa84fd1c91ce64f13bc5d142871d4f and
# lucidrains/stylegan2-pytorch stylegan2_pytorch/stylegan2_pytorch.py (same two functions, read 2025)
_LWGAN = "lucidrains/lightweight-gan lightweight_gan/lightweight_gan.py@0dceffeb66aa84fd1c91ce64f13bc5d142871d4f"
_SG2LUCID = "lucidrains/stylegan2-pytorch stylegan2_pytorch/stylegan2_pytorch.py (read 2025)"


def lucidrains_hinge_loss(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return (F.relu(1 + real) + F.relu(1 - fake)).mean()


def lucidrains_gen_hinge_loss(fake: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    return fake.mean()


def lucidrains_stylegan2_d(real_output: torch.Tensor, fake_output: torch.Tensor) -> torch.Tensor:  # StyleGAN2 trainer: D loss with the hinge
    return (F.relu(1 + real_output) + F.relu(1 - fake_output)).mean()


def lucidrains_stylegan2_g(fake_output: torch.Tensor) -> torch.Tensor:
    return fake_output.mean()


# ---------------------------------------------------------------------------------------------------
# ajbrock/BigGAN-PyTorch, losses.py @bf53f35758cdb47447cc906f40ee3a04edbdf1f3
_BIGGAN = "ajbrock/BigGAN-PyTorch losses.py@bf53f35758cdb47447cc906f40ee3a04edbdf1f3"


def biggan_loss_dcgan_dis(dis_fake: torch.Tensor, dis_real: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    L1 = torch.mean(F.softplus(-dis_real))
    L2 = torch.mean(F.softplus(dis_fake))
    return L1, L2


def biggan_loss_dcgan_gen(dis_fake: torch.Tensor) -> torch.Tensor:
    return torch.mean(F.softplus(-dis_fake))


def biggan_loss_hinge_dis(dis_fake: torch.Tensor, dis_real: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    loss_real = torch.mean(F.relu(1.0 - dis_real))
    loss_fake = torch.mean(F.relu(1.0 + dis_fake))
    return loss_real, loss_fake


def biggan_loss_hinge_gen(dis_fake: torch.Tensor) -> torch.Tensor:
    return -torch.mean(dis_fake)


# ---------------------------------------------------------------------------------------------------
# keras-team/keras-io, examples/generative/*.py (TensorFlow semantics in torch)
_KERAS_DCGAN = "keras-team/keras-io examples/generative/dcgan_overriding_train_step.py@cca4efba8e0b8514ae3817931696294039b3bfc9"
_KERAS_CGAN = "keras-team/keras-io examples/generative/conditional_gan.py@8bda227c08adf855a8b9ec579840e2a7171fff60"
_KERAS_WGAN = "keras-team/keras-io examples/generative/wgan_gp.py@81aa0edb72a1735c5c577f123bb3a4a475a181c9"
_KERAS_EPS = 1e-7  # keras.backend.epsilon(): BinaryCrossentropy clips probabilities to [ε, 1 − ε]


def _keras_bce_probabilities(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    p = torch.clamp(y_pred, _KERAS_EPS, 1 - _KERAS_EPS)
    return -(y_true * torch.log(p) + (1 - y_true) * torch.log(1 - p)).mean()


def keras_dcgan_d(real_predictions: torch.Tensor, fake_predictions: torch.Tensor) -> torch.Tensor:
    # combined = concat([generated, real]); labels = concat([ones, zeros]) + 0.05 · uniform (1 = fake)
    predictions = torch.cat([fake_predictions, real_predictions])
    labels = torch.cat([torch.ones((fake_predictions.shape[0], 1)), torch.zeros((real_predictions.shape[0], 1))])
    labels = labels + 0.05 * torch.rand(labels.shape)
    return _keras_bce_probabilities(labels, predictions)


def keras_dcgan_g(fake_predictions: torch.Tensor) -> torch.Tensor:  # misleading_labels = zeros: "all real"
    return _keras_bce_probabilities(torch.zeros((fake_predictions.shape[0], 1)), fake_predictions)


def keras_cgan_d(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:  # from_logits=True; labels concat([ones, zeros]): 1 = fake
    predictions = torch.cat([fake_logits, real_logits])
    labels = torch.cat([torch.ones((fake_logits.shape[0], 1)), torch.zeros((real_logits.shape[0], 1))])
    return F.binary_cross_entropy_with_logits(predictions, labels)


def keras_cgan_g(fake_logits: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(fake_logits, torch.zeros((fake_logits.shape[0], 1)))


def keras_wgan_discriminator_loss(real_img: torch.Tensor, fake_img: torch.Tensor) -> torch.Tensor:
    real_loss = torch.mean(real_img)
    fake_loss = torch.mean(fake_img)
    return fake_loss - real_loss


def keras_wgan_generator_loss(fake_img: torch.Tensor) -> torch.Tensor:
    return -torch.mean(fake_img)


# ---------------------------------------------------------------------------------------------------
# tkarras/progressive_growing_of_gans, loss.py @fdc55b93cdb905faf2c396f663899012ada69bc5 (D_wgangp_acgan,
# D_wgan_acgan, G_wgan_acgan; gradient penalty and AC-GAN terms left out)
_PROGAN = "tkarras/progressive_growing_of_gans loss.py@fdc55b93cdb905faf2c396f663899012ada69bc5"


def progan_d_wgangp(real_scores_out: torch.Tensor, fake_scores_out: torch.Tensor, wgan_epsilon: float = 0.001) -> torch.Tensor:
    loss = fake_scores_out - real_scores_out
    epsilon_penalty = torch.square(real_scores_out)
    loss = loss + epsilon_penalty * wgan_epsilon
    return loss.mean()


def progan_g_wgan(fake_scores_out: torch.Tensor) -> torch.Tensor:
    return (-fake_scores_out).mean()


# ---------------------------------------------------------------------------------------------------
# martinarjovsky/WassersteinGAN, main.py @a6c76da53376c6c5ac14096a0b907be1f0e18c29: errD_real.backward(one),
# errD_fake.backward(mone), errG.backward(one) — the critic minimises D(real) − D(fake): real scored low
_WGAN = "martinarjovsky/WassersteinGAN main.py@a6c76da53376c6c5ac14096a0b907be1f0e18c29"


def wgan_original_d(err_d_real: torch.Tensor, err_d_fake: torch.Tensor) -> torch.Tensor:
    return err_d_real.mean() - err_d_fake.mean()


def wgan_original_g(err_g: torch.Tensor) -> torch.Tensor:
    return err_g.mean()


# caogang/wgan-gp, gan_mnist.py (read 2025): D_real.backward(mone), D_fake.backward(one), G.backward(mone)
_CAOGANG = "caogang/wgan-gp gan_mnist.py (read 2025)"


def caogang_d(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    return -d_real.mean() + d_fake.mean()


def caogang_g(g: torch.Tensor) -> torch.Tensor:
    return -g.mean()


# ---------------------------------------------------------------------------------------------------
# tensorflow/gan, tensorflow_gan/python/losses/losses_impl.py @4c880b20e9458478c9b2bf73976c1f3c683eca62
# (tf.compat.v1.losses.sigmoid_cross_entropy: labels·(1 − ls) + ls/2, then the stable formula below)
_TFGAN = "tensorflow/gan tensorflow_gan/python/losses/losses_impl.py@4c880b20e9458478c9b2bf73976c1f3c683eca62"


def _tf_sigmoid_cross_entropy(multi_class_labels: torch.Tensor, logits: torch.Tensor, label_smoothing: float = 0.0) -> torch.Tensor:
    z = multi_class_labels * (1 - label_smoothing) + 0.5 * label_smoothing if label_smoothing > 0 else multi_class_labels
    x = logits
    per_sample = torch.clamp(x, min=0) - x * z + torch.log1p(torch.exp(-torch.abs(x)))
    return per_sample.mean()


def tfgan_minimax_discriminator_loss(discriminator_real_outputs: torch.Tensor, discriminator_gen_outputs: torch.Tensor, label_smoothing: float = 0.25) -> torch.Tensor:
    loss_on_real = _tf_sigmoid_cross_entropy(torch.ones_like(discriminator_real_outputs), discriminator_real_outputs,
                                             label_smoothing)
    loss_on_generated = _tf_sigmoid_cross_entropy(torch.zeros_like(discriminator_gen_outputs),
                                                  discriminator_gen_outputs)
    return loss_on_real + loss_on_generated


def tfgan_minimax_generator_loss(discriminator_gen_outputs: torch.Tensor, label_smoothing: float = 0.0) -> torch.Tensor:
    return -tfgan_minimax_discriminator_loss(torch.ones_like(discriminator_gen_outputs), discriminator_gen_outputs,
                                             label_smoothing)


def tfgan_modified_generator_loss(discriminator_gen_outputs: torch.Tensor, label_smoothing: float = 0.0) -> torch.Tensor:
    return _tf_sigmoid_cross_entropy(torch.ones_like(discriminator_gen_outputs), discriminator_gen_outputs,
                                     label_smoothing)


def tfgan_wasserstein_discriminator_loss(discriminator_real_outputs: torch.Tensor, discriminator_gen_outputs: torch.Tensor) -> torch.Tensor:
    return torch.mean(discriminator_gen_outputs) - torch.mean(discriminator_real_outputs)


def tfgan_wasserstein_generator_loss(discriminator_gen_outputs: torch.Tensor) -> torch.Tensor:
    return -torch.mean(discriminator_gen_outputs)


def tfgan_wasserstein_hinge_discriminator_loss(discriminator_real_outputs: torch.Tensor, discriminator_gen_outputs: torch.Tensor, real_hinge: float = 1.0, generated_hinge: float = 1.0) -> torch.Tensor:
    loss_on_real = F.relu(real_hinge - discriminator_real_outputs).mean()
    loss_on_generated = F.relu(generated_hinge + discriminator_gen_outputs).mean()
    return loss_on_real + loss_on_generated


def tfgan_least_squares_discriminator_loss(discriminator_real_outputs: torch.Tensor, discriminator_gen_outputs: torch.Tensor, real_label: float = 1, fake_label: float = 0) -> torch.Tensor:
    loss_on_real = 0.5 * torch.mean((discriminator_real_outputs - real_label) ** 2)
    loss_on_generated = 0.5 * torch.mean((discriminator_gen_outputs - fake_label) ** 2)
    return loss_on_real + loss_on_generated


def tfgan_least_squares_generator_loss(discriminator_gen_outputs: torch.Tensor, real_label: float = 1) -> torch.Tensor:
    return 0.5 * torch.mean((discriminator_gen_outputs - real_label) ** 2)


# ---------------------------------------------------------------------------------------------------
# AlexiaJM/RelativisticGAN, code/GAN_losses_iter.py @179542bbd9b1dde41714cbfc93ca6f0aad23f28c
# (y_pred: critic on real, y_pred_fake: on fake; y = ones, y2 = zeros; BCE_stable = BCEWithLogitsLoss)
_ALEXIA = "AlexiaJM/RelativisticGAN code/GAN_losses_iter.py@179542bbd9b1dde41714cbfc93ca6f0aad23f28c"


def alexia_sgan_d(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:
    y, y2 = torch.ones_like(y_pred), torch.zeros_like(y_pred_fake)
    return _bce_logits(y_pred, y) + _bce_logits(y_pred_fake, y2)


def alexia_sgan_g(y_pred_fake: torch.Tensor) -> torch.Tensor:
    return _bce_logits(y_pred_fake, torch.ones_like(y_pred_fake))


def alexia_lsgan_d(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:
    return torch.mean((y_pred - 1) ** 2) + torch.mean(y_pred_fake ** 2)


def alexia_lsgan_g(y_pred_fake: torch.Tensor) -> torch.Tensor:
    return torch.mean((y_pred_fake - 1) ** 2)


def alexia_hinge_d(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:
    return torch.mean(F.relu(1.0 - y_pred)) + torch.mean(F.relu(1.0 + y_pred_fake))


def alexia_hinge_g(y_pred_fake: torch.Tensor) -> torch.Tensor:
    return -torch.mean(y_pred_fake)


def alexia_rsgan_d(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:
    return _bce_logits(y_pred - y_pred_fake, torch.ones_like(y_pred))


def alexia_rsgan_g(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:
    return _bce_logits(y_pred_fake - y_pred, torch.ones_like(y_pred))


def alexia_rasgan_d(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:
    y, y2 = torch.ones_like(y_pred), torch.zeros_like(y_pred_fake)
    return (_bce_logits(y_pred - torch.mean(y_pred_fake), y) + _bce_logits(y_pred_fake - torch.mean(y_pred), y2)) / 2


def alexia_rasgan_g(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:
    y, y2 = torch.ones_like(y_pred), torch.zeros_like(y_pred_fake)
    return (_bce_logits(y_pred - torch.mean(y_pred_fake), y2) + _bce_logits(y_pred_fake - torch.mean(y_pred), y)) / 2


def alexia_ralsgan_d(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:
    return (torch.mean((y_pred - torch.mean(y_pred_fake) - 1) ** 2)
            + torch.mean((y_pred_fake - torch.mean(y_pred) + 1) ** 2)) / 2


def alexia_ralsgan_g(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:
    return (torch.mean((y_pred - torch.mean(y_pred_fake) + 1) ** 2)
            + torch.mean((y_pred_fake - torch.mean(y_pred) - 1) ** 2)) / 2


def alexia_rahinge_d(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:
    return (torch.mean(F.relu(1.0 - (y_pred - torch.mean(y_pred_fake))))
            + torch.mean(F.relu(1.0 + (y_pred_fake - torch.mean(y_pred))))) / 2


def alexia_rahinge_g(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:
    return (torch.mean(F.relu(1.0 + (y_pred - torch.mean(y_pred_fake))))
            + torch.mean(F.relu(1.0 - (y_pred_fake - torch.mean(y_pred))))) / 2


def alexia_wgan_d(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:
    return torch.mean(y_pred_fake) - torch.mean(y_pred)


# ---------------------------------------------------------------------------------------------------
# junyanz/pytorch-CycleGAN-and-pix2pix, models/networks.py GANLoss (read 2025): registered float32 targets
# expanded to the prediction; D loss (real + fake)·0.5, G loss target_is_real=True
_CYCLEGAN = "junyanz/pytorch-CycleGAN-and-pix2pix models/networks.py GANLoss (read 2025)"


class GANLoss(nn.Module):
    def __init__(self, gan_mode: str, target_real_label: float = 1.0, target_fake_label: float = 0.0) -> None:
        super().__init__()
        self.register_buffer("real_label", torch.tensor(target_real_label))
        self.register_buffer("fake_label", torch.tensor(target_fake_label))
        self.gan_mode = gan_mode
        self.loss = nn.MSELoss() if gan_mode == "lsgan" else nn.BCEWithLogitsLoss() if gan_mode == "vanilla" else None

    def get_target_tensor(self, prediction: torch.Tensor, target_is_real: bool) -> torch.Tensor:
        target_tensor = self.real_label if target_is_real else self.fake_label
        return target_tensor.expand_as(prediction)

    def __call__(self, prediction: torch.Tensor, target_is_real: bool) -> torch.Tensor:
        if self.gan_mode in ("lsgan", "vanilla"):
            return self.loss(prediction, self.get_target_tensor(prediction, target_is_real))
        return -prediction.mean() if target_is_real else prediction.mean()


def _cyclegan_pair(mode: str) -> tuple[Callable, Callable]:
    criterion = GANLoss(mode)

    def backward_d(pred_real: torch.Tensor, pred_fake: torch.Tensor) -> torch.Tensor:
        return (criterion(pred_real, True) + criterion(pred_fake, False)) * 0.5

    def backward_g(pred_fake: torch.Tensor) -> torch.Tensor:
        return criterion(pred_fake, True)

    return backward_d, backward_g


cyclegan_lsgan_d, cyclegan_lsgan_g = _cyclegan_pair("lsgan")
cyclegan_vanilla_d, cyclegan_vanilla_g = _cyclegan_pair("vanilla")
cyclegan_wgangp_d, cyclegan_wgangp_g = _cyclegan_pair("wgangp")


# ---------------------------------------------------------------------------------------------------
# d2l-ai/d2l-en, chapter_generative-adversarial-networks/gan.md update_D / update_G (read 2025):
# BCEWithLogitsLoss(reduction='sum'), ones/zeros of shape (batch_size,) reshaped to the outputs (float32)
_D2L = "d2l-ai/d2l-en chapter_generative-adversarial-networks/gan.md (read 2025)"
_d2l_loss = nn.BCEWithLogitsLoss(reduction="sum")


def d2l_update_d(real_y: torch.Tensor, fake_y: torch.Tensor) -> torch.Tensor:
    batch_size = real_y.shape[0]
    ones, zeros = torch.ones((batch_size,)), torch.zeros((batch_size,))
    return (_d2l_loss(real_y, ones.reshape(real_y.shape)) + _d2l_loss(fake_y, zeros.reshape(fake_y.shape))) / 2


def d2l_update_g(fake_y: torch.Tensor) -> torch.Tensor:
    ones = torch.ones((fake_y.shape[0],))
    return _d2l_loss(fake_y, ones.reshape(fake_y.shape))


# ---------------------------------------------------------------------------------------------------
# soumith/ganhacks README.md, tip 6 "Use Soft and Noisy Labels" (read 2025): real labels in [0.7, 1.2],
# fake labels in [0.0, 0.3], drawn per call (a common implementation of the tip)
_GANHACKS = "soumith/ganhacks README.md tip 6 (read 2025)"


def ganhacks_noisy_d(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    real_labels = 0.7 + 0.5 * torch.rand(real_logits.shape, dtype=real_logits.dtype)
    fake_labels = 0.3 * torch.rand(fake_logits.shape, dtype=fake_logits.dtype)
    return (F.binary_cross_entropy_with_logits(real_logits, real_labels)
            + F.binary_cross_entropy_with_logits(fake_logits, fake_labels))


# ---------------------------------------------------------------------------------------------------
PORTS: dict[str, Port] = {p.name: p for p in (
    Port("studiogan_vanilla", _STUDIO, studio_d_vanilla, studio_g_vanilla, "unrecognised", "non_saturating",
         pairing="unknown", error=True,
         why="the fake term is −log σ(1 − f), not −log(1 − σ(f)) = −log σ(−f): the optimum solves "
             "t·σ(−a) = (1 − t)·σ(a − 1), no family; the code asks get_device() (CUDA only)"),
    Port("studiogan_ls", _STUDIO, studio_d_ls, studio_g_ls, "least_squares", "least_squares", params={"a": 0.0, "b": 1.0},
         why="½(r − 1)² + ½f²: a* = t; generator ½(f − 1)², c = 1 = b"),
    Port("studiogan_hinge", _STUDIO, studio_d_hinge, studio_g_hinge, "hinge", "hinge", params={"margin": 1.0},
         why="a* = sign(2t − 1); −E D(G(z)) pushes fakes up"),
    Port("studiogan_wasserstein", _STUDIO, studio_d_wasserstein, studio_g_hinge, "wasserstein", "hinge",
         why="E f − E r: linear critic; −E D(G(z))"),
    Port("torchgan_minimax", _TORCHGAN, torchgan_minimax_discriminator_loss, torchgan_minimax_generator_loss,
         "standard", "non_saturating", why="label_smoothing=0 by default: softplus(−dx) + softplus(dgz)"),
    Port("torchgan_minimax_smoothed", _TORCHGAN, torchgan_minimax_discriminator_loss, torchgan_minimax_generator_loss,
         "label_smoothing", "non_saturating", params={"alpha": 0.75, "beta": 0.0}, bind={"label_smoothing": 0.25},
         warn=frozenset({"label_smoothing"}), why="real target 1 − 0.25: D* = 0.75·t"),
    Port("torchgan_minimax_saturating", _TORCHGAN, torchgan_minimax_discriminator_loss,
         functools.partial(torchgan_minimax_generator_loss, nonsaturating=False), "standard", "minimax",
         warn=frozenset({"saturating_generator"}), why="−BCE(dgz, 0) = −softplus(dgz): log(1 − D(G(z)))"),
    Port("torchgan_least_squares", _TORCHGAN, torchgan_least_squares_discriminator_loss,
         torchgan_least_squares_generator_loss, "least_squares", "least_squares", params={"a": 0.0, "b": 1.0},
         why="½[(dx − 1)² + dgz²], ½(dgz − 1)²"),
    Port("torchgan_wasserstein", _TORCHGAN, torchgan_wasserstein_discriminator_loss,
         torchgan_wasserstein_generator_loss, "wasserstein", "hinge", why="E fgz − E fx; −E fgz"),
    Port("torchgan_energy", _TORCHGAN, torchgan_energy_based_discriminator_loss, torchgan_energy_based_generator_loss,
         "energy", "energy", convention="real_low", params={"margin": 20.0}, bind={"margin": 20.0},
         why="E(x) + max(0, m − E(G(z))) on energies ≥ 0: E* = 0 where p > q, m where p < q; G lowers E"),
    Port("mimicry_ns", _MIMICRY, mimicry_minimax_loss_dis, mimicry_ns_loss_gen, "standard", "non_saturating",
         why="(fake, real) order by name, (N, 1) float32 labels; G −log(σ(f) + 1e-8): a harmless ε"),
    Port("mimicry_gan", _MIMICRY, mimicry_minimax_loss_dis, mimicry_minimax_loss_gen, "standard", "minimax",
         warn=frozenset({"saturating_generator"}), why="G −BCE(f, 0) = −softplus(f)"),
    Port("mimicry_hinge", _MIMICRY, mimicry_hinge_loss_dis, mimicry_hinge_loss_gen, "hinge", "hinge",
         params={"margin": 1.0}, why="(fake, real) order by name"),
    Port("mimicry_wasserstein", _MIMICRY, mimicry_wasserstein_loss_dis, mimicry_hinge_loss_gen, "wasserstein",
         "hinge", why="−E r + E f"),
    Port("pytorch_gan_gan", _pg("gan", "c5d6be170013db8975d96806084df573d87e5d26"), pytorch_gan_d, pytorch_gan_g,
         "standard", "non_saturating", warn=frozenset({"log_clamp"}),
         why="BCELoss on D's sigmoid output with (N, 1) float32 labels: probabilities detected; ½(−log D − log(1 − D))"),
    Port("pytorch_gan_dcgan", _pg("dcgan", "c5d6be170013db8975d96806084df573d87e5d26"), pytorch_gan_d, pytorch_gan_g,
         "standard", "non_saturating", warn=frozenset({"log_clamp"}), why="same losses as gan.py"),
    Port("pytorch_gan_aae", _pg("aae", "c5d6be170013db8975d96806084df573d87e5d26"), pytorch_gan_d, pytorch_gan_g,
         "standard", "non_saturating", warn=frozenset({"log_clamp"}), why="adversarial part of the AAE: the same BCE"),
    Port("pytorch_gan_lsgan", _pg("lsgan", "e0a8f3cd5e497805bcaab4c6111c6305afd75a15"), pytorch_lsgan_d,
         pytorch_lsgan_g, "least_squares", "least_squares", params={"a": 0.0, "b": 1.0},
         why="½[MSE(r, 1) + MSE(f, 0)], MSE(f, 1)"),
    Port("pytorch_gan_wgan", _pg("wgan", "c5d6be170013db8975d96806084df573d87e5d26"), pytorch_wgan_d, pytorch_wgan_g,
         "wasserstein", "hinge", why="−E r + E f (weight clipping elsewhere)"),
    Port("pytorch_gan_wgan_gp", _pg("wgan_gp", "e0a8f3cd5e497805bcaab4c6111c6305afd75a15"), pytorch_wgan_d,
         pytorch_wgan_g, "wasserstein", "hinge", why="−E r + E f (+ λ·GP, a function of ∇D: left out)"),
    Port("pytorch_gan_wgan_div", _pg("wgan_div", "c5d6be170013db8975d96806084df573d87e5d26"), pytorch_wgan_d,
         pytorch_wgan_g, "wasserstein", "hinge", why="−E r + E f (+ the divergence penalty, left out)"),
    Port("pytorch_gan_relativistic_avg", _pg("relativistic_gan", "9372efea3bdd1bbd67266665af148285d850f36e"),
         pytorch_relativistic_d, pytorch_relativistic_g, "relativistic", "relativistic", params={"variant": "average"},
         why="rel_avg_gan: BCE(r − E f, 1) + BCE(f − E r, 0): RaSGAN; G BCE(f − E r, 1)"),
    Port("pytorch_gan_relativistic_std", _pg("relativistic_gan", "9372efea3bdd1bbd67266665af148285d850f36e"),
         functools.partial(pytorch_relativistic_d, rel_avg_gan=False),
         functools.partial(pytorch_relativistic_g, rel_avg_gan=False), "relativistic", "relativistic",
         params={"variant": "standard"}, why="BCE(r − f, 1) + BCE(f − r, 0) = 2·softplus(−(r − f)): RSGAN"),
    Port("pytorch_gan_ebgan", _pg("ebgan", "e0a8f3cd5e497805bcaab4c6111c6305afd75a15"), pytorch_ebgan_d,
         pytorch_ebgan_g, "energy", "energy", convention="real_low", params={"margin": 1.0},
         warn=frozenset({"not_per_sample"}),
         why="E_r + max(0, m − E_f) with the hinge on the batch mean (not per sample); E* = 0 / m"),
    Port("pytorch_gan_bgan", _pg("bgan", "c5d6be170013db8975d96806084df573d87e5d26"), pytorch_gan_d, pytorch_bgan_g,
         "standard", "boundary_seeking", warn=frozenset({"log_clamp", "overflow"}),
         why="boundary-seeking generator ½(log D − log(1 − D))² = ½a²; its minimum is at D = ½; in float32 "
             "log(1 − σ(20)) = log 0 (the generator's overflow finding)"),
    Port("pytorch_gan_esrgan", _pg("esrgan", "fd9f0713eadd03b09e4fa0e828d5b7b6375e76bb"), pytorch_esrgan_d,
         pytorch_esrgan_g, "relativistic", "relativistic", params={"variant": "average"},
         why="relativistic average D; G BCE(f − E r, 1) with the real predictions detached"),
    Port("pytorch_gan_pix2pix", _pg("pix2pix", "8400a6e4ab0eb1a69f641bc568ce56049a2112eb"), pytorch_pix2pix_d,
         pytorch_pix2pix_g, "least_squares", "least_squares", params={"a": 0.0, "b": 1.0},
         why="MSE against (N, 1, 16, 16) patch targets built from a fixed patch size"),
    Port("pytorch_gan_cyclegan", _pg("cyclegan", "ce0e5b587e7993a377029272d0e27ca970772172"), pytorch_pix2pix_d,
         pytorch_pix2pix_g, "least_squares", "least_squares", params={"a": 0.0, "b": 1.0},
         why="the same patch MSE (criterion_GAN = MSELoss)"),
    Port("examples_dcgan", _EXAMPLES, examples_dcgan_d, examples_dcgan_g, "standard", "non_saturating",
         warn=frozenset({"log_clamp"}), why="BCELoss on sigmoid outputs; labels follow the input dtype"),
    Port("taming_hinge", _TAMING, taming_hinge_d_loss, taming_g_loss, "hinge", "hinge", params={"margin": 1.0},
         why="½[E relu(1 − r) + E relu(1 + f)]; G −E f"),
    Port("taming_vanilla", _TAMING, taming_vanilla_d_loss, taming_g_loss, "standard", "hinge",
         why="½[softplus(−r) + softplus(f)] with taming's G −E f: ℓ_g(logit t) = −log(t/(1 − t)) is convex in "
             "p/q, so p_g = p_data is its fixed point"),
    Port("stylegan2ada", _SG2ADA, stylegan2ada_d, stylegan2ada_g, "standard", "non_saturating",
         why="softplus(gen) + softplus(−real); G softplus(−gen)"),
    Port("lightweight_gan_hinge", _LWGAN, lucidrains_hinge_loss, lucidrains_gen_hinge_loss, "hinge", "hinge",
         convention="real_low", params={"margin": 1.0},
         why="relu(1 + r) + relu(1 − f): real scored low; G E f (fake, real) pushes fakes low: consistent"),
    Port("lucidrains_stylegan2_hinge", _SG2LUCID, lucidrains_stylegan2_d, lucidrains_stylegan2_g, "hinge", "hinge",
         convention="real_low", params={"margin": 1.0}, why="the same hinge, real scored low"),
    Port("biggan_dcgan", _BIGGAN, biggan_loss_dcgan_dis, biggan_loss_dcgan_gen, "standard", "non_saturating",
         why="(dis_fake, dis_real) order by name; a (L1, L2) tuple, summed"),
    Port("biggan_hinge", _BIGGAN, biggan_loss_hinge_dis, biggan_loss_hinge_gen, "hinge", "hinge",
         params={"margin": 1.0}, why="(dis_fake, dis_real); (loss_real, loss_fake) tuple"),
    Port("keras_dcgan_noisy", _KERAS_DCGAN, keras_dcgan_d, keras_dcgan_g, "unrecognised", "non_saturating",
         convention="real_low", pairing="unknown", error=True, warn=frozenset({"stochastic"}),
         why="1 = fake with labels + 0.05·U(0, 1): expected targets 0.025 (real) and 1.025 (fake); the fake target "
             "above 1 gives −0.025·log(1 − D) a negative weight, so for t < 0.025 the loss falls until the clip at "
             "1 − 1e-7: D* = min(1 − 1e-7, 1.025 − t), no family (subtract the noise from the 1-labels)"),
    Port("keras_conditional_gan", _KERAS_CGAN, keras_cgan_d, keras_cgan_g, "standard", "non_saturating",
         convention="real_low", warn=frozenset({"real_low"}),
         why="labels concat([ones, zeros]) with the generated batch first: 1 = fake; misleading labels 0 for G"),
    Port("keras_wgan_gp", _KERAS_WGAN, keras_wgan_discriminator_loss, keras_wgan_generator_loss, "wasserstein",
         "hinge", why="E f − E r; −E f (+ GP, left out)"),
    Port("progan_wgangp", _PROGAN, progan_d_wgangp, progan_g_wgan, "drift", "hinge", params={"epsilon": 0.001},
         why="f − r + 0.001·r²: a* = (2t − 1)/(2εt), finite (beyond ±60 for t < 0.12)"),
    Port("progan_wgangp_bound", _PROGAN, progan_d_wgangp, progan_g_wgan, "drift", "hinge",
         params={"epsilon": 0.01}, bind={"wgan_epsilon": 0.01}, why="--arg wgan_epsilon=0.01"),
    Port("wgan_original", _WGAN, wgan_original_d, wgan_original_g, "wasserstein", "hinge", convention="real_low",
         why="the critic minimises D(real) − D(fake); G minimises D(fake): consistent, real scored low"),
    Port("caogang_wgan_gp", _CAOGANG, caogang_d, caogang_g, "wasserstein", "hinge", why="−E D(real) + E D(fake)"),
    Port("tfgan_minimax", _TFGAN, tfgan_minimax_discriminator_loss, tfgan_modified_generator_loss, "label_smoothing",
         "non_saturating", params={"alpha": 0.875, "beta": 0.0}, warn=frozenset({"label_smoothing"}),
         why="label_smoothing=0.25 by default: real target 1·0.75 + 0.125 = 0.875, TF's stable formula"),
    Port("tfgan_minimax_09", _TFGAN, functools.partial(tfgan_minimax_discriminator_loss, label_smoothing=0.2),
         tfgan_modified_generator_loss, "label_smoothing", "non_saturating", params={"alpha": 0.9, "beta": 0.0},
         warn=frozenset({"label_smoothing"}),
         why="label_smoothing=0.2: α = 0.9, kink of |x| and max(x, 0) on the grid node 0"),
    Port("tfgan_minimax_unsmoothed", _TFGAN, functools.partial(tfgan_minimax_discriminator_loss, label_smoothing=0.0),
         tfgan_minimax_generator_loss, "standard", "minimax", warn=frozenset({"saturating_generator"}),
         why="functools.partial(label_smoothing=0): standard; minimax_generator_loss = −(constant + softplus(f))"),
    Port("tfgan_wasserstein", _TFGAN, tfgan_wasserstein_discriminator_loss, tfgan_wasserstein_generator_loss,
         "wasserstein", "hinge", why="E gen − E real; −E gen"),
    Port("tfgan_wasserstein_hinge", _TFGAN, tfgan_wasserstein_hinge_discriminator_loss,
         tfgan_wasserstein_generator_loss, "hinge", "hinge", params={"margin": 1.0},
         why="relu(1 − r) + relu(1 + g)"),
    Port("tfgan_wasserstein_hinge_margin80", _TFGAN, tfgan_wasserstein_hinge_discriminator_loss,
         tfgan_wasserstein_generator_loss, "hinge", "hinge", params={"margin": 80.0},
         bind={"real_hinge": 80.0, "generated_hinge": 80.0}, why="margins 80: a* = ±80, beyond the first grid"),
    Port("tfgan_least_squares", _TFGAN, tfgan_least_squares_discriminator_loss, tfgan_least_squares_generator_loss,
         "least_squares", "least_squares", params={"a": 0.0, "b": 1.0}, why="½(r − 1)² + ½g²; ½(g − 1)²"),
    Port("alexia_sgan", _ALEXIA, alexia_sgan_d, alexia_sgan_g, "standard", "non_saturating", why="BCE_stable"),
    Port("alexia_lsgan", _ALEXIA, alexia_lsgan_d, alexia_lsgan_g, "least_squares", "least_squares",
         params={"a": 0.0, "b": 1.0}, why="(r − 1)² + f²; (f − 1)²"),
    Port("alexia_hinge", _ALEXIA, alexia_hinge_d, alexia_hinge_g, "hinge", "hinge", params={"margin": 1.0}),
    Port("alexia_rsgan", _ALEXIA, alexia_rsgan_d, alexia_rsgan_g, "relativistic", "relativistic",
         params={"variant": "standard"}, why="BCE(r − f, 1) paired; G BCE(f − r, 1)"),
    Port("alexia_rasgan", _ALEXIA, alexia_rasgan_d, alexia_rasgan_g, "relativistic", "relativistic",
         params={"variant": "average"}),
    Port("alexia_ralsgan", _ALEXIA, alexia_ralsgan_d, alexia_ralsgan_g, "relativistic", "relativistic",
         params={"variant": "least_squares"}),
    Port("alexia_rahinge", _ALEXIA, alexia_rahinge_d, alexia_rahinge_g, "relativistic", "relativistic",
         params={"variant": "hinge"}),
    Port("alexia_wgan", _ALEXIA, alexia_wgan_d, alexia_hinge_g, "wasserstein", "hinge", why="E f − E r"),
    Port("cyclegan_lsgan", _CYCLEGAN, cyclegan_lsgan_d, cyclegan_lsgan_g, "least_squares", "least_squares",
         params={"a": 0.0, "b": 1.0}, why="½[MSE(r, 1) + MSE(f, 0)]: the ½ is a scale"),
    Port("cyclegan_vanilla", _CYCLEGAN, cyclegan_vanilla_d, cyclegan_vanilla_g, "standard", "non_saturating",
         why="BCEWithLogits against float32 buffers: the loss computes in float32"),
    Port("cyclegan_wgangp", _CYCLEGAN, cyclegan_wgangp_d, cyclegan_wgangp_g, "wasserstein", "hinge",
         why="−E r (target real) + E f (target fake), halved"),
    Port("d2l_gan", _D2L, d2l_update_d, d2l_update_g, "standard", "non_saturating",
         why="sum reductions on both terms (equal weights), float32 labels"),
    Port("ganhacks_noisy_labels", _GANHACKS, ganhacks_noisy_d, stylegan2ada_g, "label_smoothing", "non_saturating",
         params={"alpha": 0.95, "beta": 0.15}, warn=frozenset({"stochastic", "label_smoothing"}), param_atol=0.02,
         why="BCE is linear in its target: in expectation real 0.95, fake 0.15 (two-sided smoothing)"),
)}


# ---------------------------------------------------------------------------------------------------
# Hand-made slips: one change each to code like the above; none may pass as "OK"
def _std_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def _ns_g(fake: torch.Tensor) -> torch.Tensor:
    return F.softplus(-fake).mean()


def slip_wgan_g_flipped(fake: torch.Tensor) -> torch.Tensor:  # "Fix generator loss backward direction": −D(fake) against the original critic
    return -fake.mean()


def slip_keras_g_wrong_label(fake_logits: torch.Tensor) -> torch.Tensor:  # 1 = fake D, but the generator asks for label 1
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones((fake_logits.shape[0], 1)))


def slip_lsgan_swapped_targets(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return 0.5 * ((real - 0) ** 2).mean() + 0.5 * ((fake - 1) ** 2).mean()


def slip_lsgan_g_one(fake: torch.Tensor) -> torch.Tensor:
    return 0.5 * ((fake - 1) ** 2).mean()


def slip_smoothing_on_fake(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
            + F.binary_cross_entropy_with_logits(fake, torch.full_like(fake, 0.9)))


def slip_fake_term_on_real(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
            + F.binary_cross_entropy_with_logits(real, torch.zeros_like(real)))


def slip_labels_06_04(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return (F.binary_cross_entropy_with_logits(real, torch.full_like(real, 0.6))
            + F.binary_cross_entropy_with_logits(fake, torch.full_like(fake, 0.4)))


def slip_labels_04_06(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return (F.binary_cross_entropy_with_logits(real, torch.full_like(real, 0.4))
            + F.binary_cross_entropy_with_logits(fake, torch.full_like(fake, 0.6)))


def slip_double_sigmoid(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return (F.binary_cross_entropy_with_logits(torch.sigmoid(real), torch.ones_like(real))
            + F.binary_cross_entropy_with_logits(torch.sigmoid(fake), torch.zeros_like(fake)))


def slip_sign_flip(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return -(F.softplus(-real).mean() + F.softplus(fake).mean())


def slip_missing_log(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    return -(d_real.mean() + (1 - d_fake).mean())


def slip_minimax_g(fake: torch.Tensor) -> torch.Tensor:
    return -F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))


def slip_eps_1e3_g(fake: torch.Tensor) -> torch.Tensor:
    return -torch.log(torch.sigmoid(fake) + 1e-3).mean()


def slip_topk_g(fake: torch.Tensor) -> torch.Tensor:
    return -torch.topk(fake, k=max(1, fake.shape[0] // 2)).values.mean()


def slip_square_of_mean_g(fake: torch.Tensor) -> torch.Tensor:
    return (fake.mean() - 1) ** 2


def slip_square_of_mean_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return (real.mean() - 1) ** 2 + fake.mean() ** 2


def slip_concat_unequal(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    logits = torch.cat([real, fake])
    labels = torch.cat([torch.ones_like(real), torch.zeros_like(fake)])
    return F.binary_cross_entropy_with_logits(logits, labels)


def slip_sum_and_mean(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return F.softplus(-real).sum() + F.softplus(fake).mean()


def slip_fake_twice(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    fake_term = F.softplus(fake).mean()
    return F.softplus(-real).mean() + fake_term + fake_term


def slip_asymmetric_hinge(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return F.relu(1 - real).mean() + F.relu(2 + fake).mean()


def slip_hinge_g_plus(fake: torch.Tensor) -> torch.Tensor:
    return fake.mean()


def slip_lsgan_g_zero(fake: torch.Tensor) -> torch.Tensor:
    return 0.5 * (fake ** 2).mean()


def slip_rasgan_g_is_d(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:  # the D loss reused for G (real and fake not exchanged)
    return alexia_rasgan_d(y_pred, y_pred_fake)


def slip_ebgan_g_raises_energy(fake_energy: torch.Tensor) -> torch.Tensor:
    return -fake_energy.mean()


def slip_drift_on_fake(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return (fake - real + 0.001 * fake ** 2).mean()


def slip_ralsgan_sign(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:
    return (torch.mean((y_pred - torch.mean(y_pred_fake) - 1) ** 2)
            + torch.mean((y_pred_fake - torch.mean(y_pred) - 1) ** 2)) / 2


def slip_random_flip(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:  # labels flipped with probability ½ each call
    flip = (torch.rand(()) < 0.5).to(real.dtype)
    return (F.binary_cross_entropy_with_logits(real, torch.ones_like(real) * (1 - flip))
            + F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake) * flip))


def slip_ganhacks_swapped_ranges(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    return ganhacks_noisy_d(fake_logits, real_logits)


def slip_g_wrong_label(fake: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))


def slip_lucidrains_d_studio_g(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:  # lucidrains' hinge (real low) mixed with StudioGAN's G (−E f)
    return (F.relu(1 + real) + F.relu(1 - fake)).mean()


def slip_rsgan_g_wrong_label(y_pred: torch.Tensor, y_pred_fake: torch.Tensor) -> torch.Tensor:
    return _bce_logits(y_pred_fake - y_pred, torch.zeros_like(y_pred))


def slip_log_sigmoid_one_minus(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return -(F.logsigmoid(real).mean() + torch.log(torch.sigmoid(1 - fake)).mean())


def slip_wgan_both_low(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:  # critic and generator both "fixed" to real-high, generator left as original
    return fake.mean() - real.mean()


_HAND = "hand-made slip"
SLIPS: dict[str, Port] = {p.name: p for p in (
    Port("wgan_port_generator_flipped", f"{_HAND} (a 2025 WGAN port: 'Fix generator loss backward direction')",
         wgan_original_d, slip_wgan_g_flipped, "wasserstein", "hinge", convention="real_low",
         pairing="inconsistent", error=True,
         why="the critic scores real low; G −E D(fake) pushes fakes up, where the critic puts fakes"),
    Port("keras_generator_wrong_label", _HAND, keras_cgan_d, slip_keras_g_wrong_label, "standard", "non_saturating",
         convention="real_low", pairing="inconsistent", error=True, why="1 = fake D; G asks for label 1 = fake"),
    Port("lsgan_swapped_targets", _HAND, slip_lsgan_swapped_targets, slip_lsgan_g_one, "least_squares",
         "least_squares", convention="real_low", params={"a": 1.0, "b": 0.0}, pairing="inconsistent", error=True,
         why="D targets real 0, fake 1; G target 1 is the fake target"),
    Port("smoothing_on_fake_term", _HAND, slip_smoothing_on_fake, _ns_g, "label_smoothing", "non_saturating",
         params={"alpha": 1.0, "beta": 0.9}, error=True, pairing="consistent",
         why="fake target 0.9: D* = (p + 0.9q)/(p + q) ≥ 0.9, no separation"),
    Port("fake_term_on_real_logits", _HAND, slip_fake_term_on_real, None, "unrecognised", None, error=True,
         why="the fake outputs never enter"),
    Port("labels_04_06", _HAND, slip_labels_04_06, None, "label_smoothing", None, convention="real_low",
         params={"alpha": 0.4, "beta": 0.6}, error=True, why="real 0.4 below fake 0.6"),
    Port("labels_06_04", _HAND, slip_labels_06_04, None, "label_smoothing", None, params={"alpha": 0.6, "beta": 0.4},
         error=True, warn=frozenset({"label_smoothing"}),
         why="real 0.6, fake 0.4: D* ∈ [0.4, 0.6], a gap of 0.2 < audit_min_target_gap (review finding 8)"),
    Port("double_sigmoid", _HAND, slip_double_sigmoid, _ns_g, "unrecognised", "non_saturating", error=True,
         pairing="unknown", why="σ(σ(a)) ∈ (0.27, 0.73): no family"),
    Port("sign_flip", _HAND, slip_sign_flip, None, "unrecognised", None, error=True,
         why="negated cross-entropy: optimum at ∓∞, not linear"),
    Port("missing_log", _HAND, slip_missing_log, None, "unrecognised", None, error=True, inputs="probabilities",
         why="−D(x) − (1 − D(G(z))): a hard 0/1 decision"),
    Port("minimax_generator", _HAND, _std_d, slip_minimax_g, "standard", "minimax",
         warn=frozenset({"saturating_generator"}), why="log(1 − D(G(z))) saturates"),
    Port("generator_eps_1e3", _HAND, _std_d, slip_eps_1e3_g, "standard", "other",
         warn=frozenset({"saturating_generator"}), why="−log(σ(f) + 1e-3): gradient ≈ 2e-6 at −20"),
    Port("generator_topk", _HAND, studio_d_hinge, slip_topk_g, "hinge", "hinge", params={"margin": 1.0},
         warn=frozenset({"generator_not_per_sample"}), why="top-k selection is not per sample"),
    Port("generator_square_of_mean", _HAND, studio_d_ls, slip_square_of_mean_g, "least_squares", "least_squares",
         params={"a": 0.0, "b": 1.0}, warn=frozenset({"generator_not_per_sample"}), why="(E D(G(z)) − 1)²"),
    Port("d_square_of_mean", _HAND, slip_square_of_mean_d, None, "least_squares", None, params={"a": 0.0, "b": 1.0},
         warn=frozenset({"not_per_sample"}), why="(E r − 1)² + (E f)²"),
    Port("concatenated_batch", _HAND, slip_concat_unequal, _ns_g, "standard", "non_saturating",
         warn=frozenset({"unequal_batch_weighting"}), why="(Σ_r + Σ_f)/(n_r + n_f)"),
    Port("sum_and_mean", _HAND, slip_sum_and_mean, None, "class_weighted", None,
         params={"weight_real": 1.0, "weight_fake": 0.125}, warn=frozenset({"batch_size_dependent"}),
         why="Σ on real, mean on fake: weight 1/N at N = 8"),
    Port("fake_term_twice", _HAND, slip_fake_twice, _ns_g, "class_weighted", "non_saturating",
         params={"weight_real": 1.0, "weight_fake": 2.0}, warn=frozenset({"class_weighted"}), why="D* = p/(p + 2q)"),
    Port("asymmetric_hinge", _HAND, slip_asymmetric_hinge, None, "unrecognised", None, error=True,
         why="margins 1 and 2: a* ∈ {−2, 1}, no family"),
    Port("hinge_generator_plus", _HAND, studio_d_hinge, slip_hinge_g_plus, "hinge", "hinge", params={"margin": 1.0},
         pairing="inconsistent", error=True, why="+E D(G(z)) pushes fakes down"),
    Port("lsgan_generator_fake_target", _HAND, studio_d_ls, slip_lsgan_g_zero, "least_squares", "least_squares",
         params={"a": 0.0, "b": 1.0}, pairing="inconsistent", error=True, why="G target c = 0 = the fake target"),
    Port("rasgan_generator_is_d", _HAND, alexia_rasgan_d, slip_rasgan_g_is_d, "relativistic", "relativistic",
         params={"variant": "average"}, pairing="inconsistent", error=True, why="G minimises D's loss"),
    Port("ebgan_generator_raises_energy", _HAND, functools.partial(torchgan_energy_based_discriminator_loss, margin=5.0),
         slip_ebgan_g_raises_energy, "energy", "hinge", convention="real_low", params={"margin": 5.0},
         pairing="inconsistent", error=True, why="−E(G(z)) raises the fakes' energy"),
    Port("drift_on_fake_scores", _HAND, slip_drift_on_fake, None, "unrecognised", None, error=True,
         why="a* = (2t − 1)/(2ε(1 − t)): no registered family (ProGAN's drift is on the real scores)"),
    Port("ralsgan_fake_target_sign", _HAND, slip_ralsgan_sign, None, "unrecognised", None, error=True,
         why="(d − 1)² + (d' − 1)²: constant batches give 2d² + 2, minimised at d = 0"),
    Port("random_label_flip", _HAND, slip_random_flip, None, "label_smoothing", None, params={"alpha": 0.5, "beta": 0.5},
         error=True, warn=frozenset({"stochastic"}), param_atol=0.15, why="in expectation both targets ½: D* ≡ ½"),
    Port("ganhacks_ranges_swapped", _HAND, slip_ganhacks_swapped_ranges, _ns_g, "label_smoothing", "non_saturating",
         convention="real_low", params={"alpha": 0.15, "beta": 0.95}, pairing="inconsistent", error=True,
         warn=frozenset({"stochastic"}), param_atol=0.02, why="real ~U(0, 0.3), fake ~U(0.7, 1.2)"),
    Port("generator_wrong_label", _HAND, _std_d, slip_g_wrong_label, "standard", "other", pairing="inconsistent",
         error=True, why="softplus(f) pushes fakes down"),
    Port("lucidrains_d_with_studio_g", _HAND, slip_lucidrains_d_studio_g, studio_g_hinge, "hinge", "hinge",
         convention="real_low", params={"margin": 1.0}, pairing="inconsistent", error=True,
         why="real-low hinge with −E D(G(z))"),
    Port("rsgan_generator_wrong_label", _HAND, alexia_rsgan_d, slip_rsgan_g_wrong_label, "relativistic",
         "relativistic", params={"variant": "standard"}, pairing="inconsistent", error=True,
         why="BCE(f − r, 0) pushes fakes below reals"),
    Port("log_sigmoid_one_minus", _HAND, slip_log_sigmoid_one_minus, _ns_g, "unrecognised", "non_saturating",
         pairing="unknown", error=True, why="−log σ(1 − f)"),
    Port("wgan_critic_flipped_generator_kept", _HAND, slip_wgan_both_low, wgan_original_g, "wasserstein", "hinge",
         pairing="inconsistent", error=True, why="critic made real-high, generator kept at +D(fake)"),
)}


# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """``right``, ``wrong`` or ``crash`` with what was expected and what the audit said."""

    status: str
    expected: dict
    got: dict
    detail: str = ""


def _close(x: object, y: object, atol: float) -> bool:
    if isinstance(x, str) or isinstance(y, str) or x is None or y is None:
        return x == y
    return bool(np.isclose(float(x), float(y), rtol=1e-3, atol=atol))


def evaluate(port: Port, *, slip: bool = False) -> Outcome:
    """Run the audit on ``port`` (fast: no quadrature, no certificate) and compare with its ground truth.

    Right means: family, convention, parameters (to 1e-3), generator kind, pairing, whether an error is
    reported, and every ``warn`` code present; for a slip also a verdict that is not "OK". A raised
    exception of any kind is a crash.
    """
    from gantheory.loss_audit import audit

    expected = {"family": port.family, "convention": port.convention, "params": dict(port.params),
                "kind": port.kind, "pairing": port.expected_pairing, "error": port.error,
                "warn": sorted(port.warn)}
    try:
        report = audit(port.d_loss, port.g_loss, inputs=port.inputs, order=port.order, bind=port.bind,
                       divergence=False, symbolic=False)
    except Exception as exc:  # every exception counts as a crash of the audit on this entry
        return Outcome("crash", expected, {}, f"{type(exc).__name__}: {exc}")
    d = report.discriminator
    codes = {f.code for f in report.findings}
    got = {"family": d.family, "convention": d.convention, "params": dict(d.params),
           "kind": report.generator.kind if report.generator else None, "pairing": report.pairing,
           "error": report.exit_code == 1, "warn": sorted(codes & set(port.warn)), "verdict": report.verdict}
    problems = [k for k in ("family", "kind", "pairing", "error") if got[k] != expected[k]]
    if d.family != "unrecognised" and got["convention"] != expected["convention"]:
        problems.append("convention")
    if any(not _close(got["params"].get(k), v, port.param_atol) for k, v in expected["params"].items()):
        problems.append("params")
    if not set(port.warn) <= codes:
        problems.append("warn")
    if slip and report.verdict.startswith("OK"):
        problems.append("passes as OK")
    return Outcome("wrong" if problems else "right", expected, got, ", ".join(problems))
