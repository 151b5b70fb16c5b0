"""A corpus of GAN loss implementations, correct and buggy, each with the audit's expected answer.

Written for this project (not copied from a library). Every entry follows the audit's calling
convention — ``d_loss(real, fake)`` and ``g_loss(fake)`` on 1-D tensors of discriminator logits, or of
probabilities for ``inputs="probabilities"`` — and states what the audit must find:

- ``family`` / ``params``: the implied optimum, from the closed-form minimiser of
  t·ℓ_r(a) + (1−t)·ℓ_f(a) (derivations in the docstring of each function);
- ``kind``: the generator loss kind;
- ``codes``: finding codes that must be present (the diagnosis);
- ``exit_code``: 0 for a recognised, consistent game, 1 when an error must be reported.

References for the correct forms: Goodfellow et al. 2014 (eq. 1 and §3, non-saturating), Salimans
et al. 2016 (§3.4, one-sided label smoothing), Mao et al. 2017 (LSGAN, eqs. 8–9), Lim & Ye 2017 (hinge).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

_bce_probabilities = nn.BCELoss()
_bce_logits = nn.BCEWithLogitsLoss()


# -- correct discriminator losses ----------------------------------------------------------------
def d_bce_on_sigmoid(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """nn.BCELoss on sigmoid outputs: −log σ(r) − log(1 − σ(f)); D* = p/(p+q). Log clamped at −100."""
    return (_bce_probabilities(torch.sigmoid(real), torch.ones_like(real))
            + _bce_probabilities(torch.sigmoid(fake), torch.zeros_like(fake)))


def d_bce_with_logits(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """nn.BCEWithLogitsLoss with labels 1/0: softplus(−r) + softplus(f); D* = p/(p+q)."""
    return _bce_logits(real, torch.ones_like(real)) + _bce_logits(fake, torch.zeros_like(fake))


def d_softplus(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """softplus form: −log σ(r) = softplus(−r), −log(1 − σ(f)) = softplus(f); D* = p/(p+q)."""
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def d_concatenated(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """One BCE-with-logits over the concatenated batch: ½·(standard); D* = p/(p+q)."""
    logits = torch.cat([real, fake])
    labels = torch.cat([torch.ones_like(real), torch.zeros_like(fake)])
    return F.binary_cross_entropy_with_logits(logits, labels)


def d_log_probabilities(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """On probabilities D ∈ (0, 1): −log D(x) − log(1 − D(G(z))) (Goodfellow et al. 2014, eq. 1)."""
    return -(torch.log(d_real).mean() + torch.log(1 - d_fake).mean())


def d_lsgan_minus_one_one(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """LSGAN with (a, b) = (−1, 1): ½(r − 1)² + ½(f + 1)²; a* = (p − q)/(p+q) (Mao et al. 2017)."""
    return 0.5 * ((real - 1) ** 2).mean() + 0.5 * ((fake + 1) ** 2).mean()


def d_lsgan_zero_one(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """LSGAN with (a, b) = (0, 1) via mse_loss: a* = p/(p+q) on the raw output (Mao et al. 2017)."""
    return 0.5 * F.mse_loss(real, torch.ones_like(real)) + 0.5 * F.mse_loss(fake, torch.zeros_like(fake))


def d_hinge(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Hinge: max(0, 1 − r) + max(0, 1 + f); a* = sign(p − q) (Lim & Ye 2017)."""
    return F.relu(1 - real).mean() + F.relu(1 + fake).mean()


def d_label_smoothing(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """One-sided label smoothing α = 0.9 (Salimans et al. 2016 §3.4): D* = 0.9·p/(p+q)."""
    return (F.binary_cross_entropy_with_logits(real, torch.full_like(real, 0.9))
            + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))


def d_wgan(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Unconstrained WGAN critic loss −r + f: a* = ±∞·sign(p − q) (needs a Lipschitz constraint)."""
    return fake.mean() - real.mean()


# -- buggy discriminator losses ------------------------------------------------------------------
def d_swapped_labels(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Labels exchanged: softplus(r) + softplus(−f); D* = q/(p+q)."""
    return (F.binary_cross_entropy_with_logits(real, torch.zeros_like(real))
            + F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake)))


def d_log_sigmoid_one_minus(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Slip: −log σ(1 − f) written for −log(1 − σ(f)); the fake term is softplus(f − 1)."""
    return -(F.logsigmoid(real).mean() + torch.log(torch.sigmoid(1 - fake)).mean())


def d_double_sigmoid(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Slip: sigmoid applied before BCEWithLogits, so the loss sees σ(σ(a)); D* is not p/(p+q)."""
    return _bce_logits(torch.sigmoid(real), torch.ones_like(real)) + _bce_logits(
        torch.sigmoid(fake), torch.zeros_like(fake))


def d_sign_flip(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Slip: the cross-entropy is negated, so D maximises its own error (optimum at ∓∞)."""
    return -(F.softplus(-real).mean() + F.softplus(fake).mean())


def d_fake_twice(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Slip: the fake term is added twice: D* = p/(p + 2q) (class weights 1 : 2)."""
    fake_term = F.softplus(fake).mean()
    return F.softplus(-real).mean() + fake_term + fake_term


def d_missing_log(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """On probabilities, the log forgotten: −D(x) − (1 − D(G(z))); D* is a hard 0/1 decision."""
    return -(d_real.mean() + (1 - d_fake).mean())


# -- generator losses ----------------------------------------------------------------------------
def g_non_saturating(fake: torch.Tensor) -> torch.Tensor:
    """−log σ(f) = softplus(−f) (Goodfellow et al. 2014, §3)."""
    return F.softplus(-fake).mean()


def g_non_saturating_bce(fake: torch.Tensor) -> torch.Tensor:
    """BCE-with-logits against label 1: the same non-saturating loss."""
    return F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake))


def g_minimax(fake: torch.Tensor) -> torch.Tensor:
    """log(1 − σ(f)) = −softplus(f): the saturating minimax loss."""
    return -F.softplus(fake).mean()


def g_log_probabilities(d_fake: torch.Tensor) -> torch.Tensor:
    """On probabilities: −log D(G(z))."""
    return -torch.log(d_fake).mean()


def g_lsgan_zero(fake: torch.Tensor) -> torch.Tensor:
    """LSGAN generator with c = 0: ½ f² (pairs with (a, b) = (−1, 1))."""
    return 0.5 * (fake**2).mean()


def g_lsgan_one(fake: torch.Tensor) -> torch.Tensor:
    """LSGAN generator with c = 1: ½ (f − 1)² (pairs with (a, b) = (0, 1))."""
    return 0.5 * ((fake - 1) ** 2).mean()


def g_hinge(fake: torch.Tensor) -> torch.Tensor:
    """Hinge / WGAN generator −f (Lim & Ye 2017)."""
    return -fake.mean()


def g_wrong_label(fake: torch.Tensor) -> torch.Tensor:
    """Slip: generator trained towards label 0, softplus(f): it helps the discriminator."""
    return F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))


@dataclass(frozen=True)
class LossCase:
    """A corpus entry: the losses, their input convention and the audit's expected answer."""

    d_loss: Callable
    g_loss: Callable | None
    family: str
    kind: str | None
    codes: frozenset
    exit_code: int
    params: dict = field(default_factory=dict)
    inputs: str = "logits"
    correct: bool = True
    note: str = ""


def _case(d, g, family, kind, codes=(), exit_code=0, **kw):
    return LossCase(d, g, family, kind, frozenset(codes), exit_code, **kw)


CORPUS: dict[str, LossCase] = {
    # correct
    "bce_on_sigmoid": _case(d_bce_on_sigmoid, g_non_saturating_bce, "standard", "non_saturating",
                            {"standard", "log_clamp"}, note="warning: nn.BCELoss clamps log at −100"),
    "bce_with_logits": _case(d_bce_with_logits, g_non_saturating, "standard", "non_saturating",
                             {"standard"}),
    "softplus": _case(d_softplus, g_non_saturating, "standard", "non_saturating", {"standard"}),
    "concatenated_batch": _case(d_concatenated, g_non_saturating_bce, "standard", "non_saturating",
                                {"standard"}),
    "probabilities": _case(d_log_probabilities, g_log_probabilities, "standard", "non_saturating",
                           {"standard"}, inputs="probabilities"),
    "minimax_generator": _case(d_softplus, g_minimax, "standard", "minimax",
                               {"standard", "saturating_generator"}),
    "lsgan_minus1_1_0": _case(d_lsgan_minus_one_one, g_lsgan_zero, "least_squares", "least_squares",
                              {"least_squares", "lsgan_pearson"}, params={"a": -1.0, "b": 1.0}),
    "lsgan_0_1_1": _case(d_lsgan_zero_one, g_lsgan_one, "least_squares", "least_squares",
                         {"least_squares", "lsgan_binary"}, params={"a": 0.0, "b": 1.0}),
    "hinge": _case(d_hinge, g_hinge, "hinge", "hinge", {"hinge"}, params={"margin": 1.0}),
    "label_smoothing_0.9": _case(d_label_smoothing, g_non_saturating, "label_smoothing",
                                 "non_saturating", {"label_smoothing"},
                                 params={"alpha": 0.9, "beta": 0.0}),
    "wgan_unconstrained": _case(d_wgan, g_hinge, "wasserstein", "hinge", {"wasserstein"}),
    # buggy
    "swapped_labels": _case(d_swapped_labels, g_non_saturating, "standard", "non_saturating",
                            {"real_low", "generator_moves_away"}, 1, correct=False,
                            note="labels swapped in D only: D scores real low, the generator still pushes up"),
    "log_sigmoid_one_minus": _case(d_log_sigmoid_one_minus, g_non_saturating, "unrecognised",
                                   "non_saturating", {"log_sigmoid_one_minus"}, 1, correct=False),
    "double_sigmoid": _case(d_double_sigmoid, g_non_saturating, "unrecognised", "non_saturating",
                            {"double_sigmoid"}, 1, correct=False),
    "sign_flip": _case(d_sign_flip, g_non_saturating, "unrecognised", "non_saturating", {"sign_flip"},
                       1, correct=False),
    "fake_weighted_twice": _case(d_fake_twice, g_non_saturating, "class_weighted", "non_saturating",
                                 {"class_weighted"}, 0, correct=False,
                                 params={"weight_real": 1.0, "weight_fake": 2.0},
                                 note="a recognised (skewed-JSD) game: flagged as a warning, exit 0"),
    "missing_log": _case(d_missing_log, None, "unrecognised", None, {"missing_log"}, 1,
                         inputs="probabilities", correct=False),
    "generator_wrong_label": _case(d_softplus, g_wrong_label, "standard", "other",
                                   {"generator_moves_away"}, 1, correct=False),
}
