"""A small GAN on scikit-learn's 8×8 digits with :class:`gantheory.runs.Monitor` attached.

The digits ship inside scikit-learn (``sklearn.datasets.load_digits``: 1,797 images, no download). 500
images are held out; G and D are two-layer MLPs trained with the non-saturating loss. Every
``eval_every`` steps the monitor receives D's logits on the 500 held-out digits (the same set each time:
``heldout="fixed"``), on 500 fresh generated digits, and on 500 training digits (for the training-set
alarm). It reports a one-sided 95% lower bound on JSD(p_data‖p_g) averaged over each window, the C2ST
and alarms. Run::

    pip install 'gantheory[runs,examples]'
    python examples/digits_gan.py --steps 4000 --out docs/digits_monitor.png
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def load_digits_split(seed: int = 0, n_heldout: int = 500) -> tuple[Any, Any]:
    """(train, held-out) float32 tensors of the digits scaled to [−1, 1]."""
    import numpy as np
    import torch

    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:
        from gantheory.errors import DependencyError

        raise DependencyError("the digits example needs scikit-learn: pip install 'gantheory[examples]'") from exc

    x = load_digits().data.astype(np.float32) / 8.0 - 1.0
    idx = np.random.default_rng(seed).permutation(len(x))
    return torch.from_numpy(x[idx[n_heldout:]]), torch.from_numpy(x[idx[:n_heldout]])


def train(steps: int = 4000, eval_every: int = 50, seed: int = 0, batch: int = 64, latent: int = 16) -> Any:
    """Train the GAN and return the :class:`~gantheory.runs.Monitor` that watched it."""
    import torch
    from torch import nn

    from gantheory.runs import Monitor

    torch.manual_seed(seed)
    torch.set_num_threads(1)  # tiny models: one thread is faster on a busy machine
    train_x, held = load_digits_split(seed)
    G = nn.Sequential(nn.Linear(latent, 128), nn.LeakyReLU(0.2), nn.Linear(128, 64), nn.Tanh())
    D = nn.Sequential(nn.Linear(64, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1))
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    softplus = nn.functional.softplus
    mon = Monitor(loss="standard", alpha=0.05, generator="non_saturating", heldout="fixed")
    for step in range(steps + 1):
        real = train_x[torch.randint(len(train_x), (batch,))]
        fake = G(torch.randn(batch, latent))
        # D: −log σ(a) on real + −log(1 − σ(a)) on fake = softplus(−a) + softplus(a) (the 'standard' row)
        d_loss = softplus(-D(real)).mean() + softplus(D(fake.detach())).mean()
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = softplus(-D(fake)).mean()  # non-saturating: −log D(G(z))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        if step % eval_every == 0:
            with torch.no_grad():
                fresh = G(torch.randn(len(held), latent))
                mon.update(step, D(held), D(fresh), train_real_logits=D(train_x[: len(held)]))
    return mon


def main(argv: list[str] | None = None) -> dict:
    """Train, write the figure (and the summary next to it), return the summary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--eval-every", type=int, default=50)
    ap.add_argument("--window", type=int, default=4, help="updates per window of the figure")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="digits_monitor.png")
    args = ap.parse_args(argv)
    mon = train(args.steps, args.eval_every, args.seed)
    fig = mon.plot(window=args.window)
    fig.savefig(args.out, dpi=80)
    summary = mon.summary()
    Path(args.out).with_suffix(".json").write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    return summary


if __name__ == "__main__":
    s = main()
    print(json.dumps({k: s[k] for k in ("divergence", "estimate", "lower_bound", "equilibrium", "alarms")}, indent=1,
                     ensure_ascii=False))
