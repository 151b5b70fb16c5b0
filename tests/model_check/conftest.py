"""Shared fixtures of the model-check tests."""

import pytest
from torch import nn


class _ModeSpy(nn.Module):
    """Records (batch size, training flag) of every call; its second layer is frozen in evaluation mode."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1))
        self.net[1].eval()
        self.calls = []

    def forward(self, x):
        self.calls.append((x.shape[0], self.training))
        return self.net(x)


@pytest.fixture
def mode_spy():
    """The class of a discriminator that records the mode of every call (the tests build their own instances)."""
    return _ModeSpy
