"""Mixtures: log-space evaluation against scipy, moments, weights validation."""

import numpy as np
import pytest
from scipy import stats

from gantheory.densities import Discrete, Laplace, Mixture, Normal, Uniform
from gantheory.errors import GanTheoryError


def test_mixture_logpdf_and_moments():
    m = Mixture([Normal(-2, 0.5), Laplace(3, 1.0)], [0.25, 0.75])
    x = np.linspace(-5, 6, 50)
    ref = np.log(0.25 * stats.norm(-2, 0.5).pdf(x) + 0.75 * stats.laplace(3, 1).pdf(x))
    np.testing.assert_allclose(m.logpdf(x), ref, rtol=1e-12)
    assert m.mean == pytest.approx(0.25 * -2 + 0.75 * 3)
    assert m.variance == pytest.approx(0.25 * (0.25 + 4) + 0.75 * (2 + 9) - (0.25 * -2 + 0.75 * 3) ** 2)


def test_mixture_far_tails_stay_in_log_space():
    """log p at 1e4 sigmas is finite (not -inf): a mixture never exponentiates before summing."""
    m = Mixture([Normal(-5, 0.01), Normal(5, 0.01)], [0.5, 0.5])
    assert np.isfinite(m.logpdf(0.0))


def test_scalar_point_outside_every_support_is_minus_inf():
    """Regression (found by the registry-driven strategies): a scalar x outside every component's
    support crashed in the zero-weight exp (item assignment on a 0-d result)."""
    m = Mixture([Uniform(1.0, 2.0), Uniform(1.0, 3.0)], [0.5, 0.5])
    assert m.logpdf(0.0) == -np.inf
    np.testing.assert_allclose(m.logpdf([0.0, 1.5, 2.5]), [-np.inf, np.log(0.75), np.log(0.25)], rtol=1e-15)


@pytest.mark.parametrize(
    "make,param",
    [
        (lambda: Mixture([], []), "components"),
        (lambda: Mixture(np.nan, [1.0]), "components"),
        (lambda: Mixture([Normal()], [-1.0]), "weights"),
        (lambda: Mixture([Normal(), Normal(1)], [0.5, 0.6]), "weights"),
        (lambda: Mixture([Normal(), Normal(1)], [np.nan, 0.5]), "weights"),
        (lambda: Mixture([Normal(), Discrete([0.0], [1.0])], [0.5, 0.5]), "components"),
    ],
)
def test_bad_parameters_name_the_parameter(make, param):
    with pytest.raises(GanTheoryError, match=f"'?{param}'?"):
        make()


def test_weights_not_silently_renormalised():
    with pytest.raises(GanTheoryError, match="sum to 1 within 1e-12"):
        Mixture([Normal(), Normal(1)], [0.5, 0.5 + 1e-9])
    Mixture([Normal(), Normal(1)], [0.5, 0.5 + 1e-13])  # inside the stated tolerance


def test_slices_skip_revalidation_but_match_constructed_mixtures(monkeypatch):
    """Slicing a batch (the quadrature engine's chunks and adaptive rounds) builds no new validated
    density, yet equals the mixture constructed from the sliced parameters; user construction still
    refuses bad parameters (negative control)."""
    import gantheory.densities.base as base
    import gantheory.densities.mixture as mixture

    locs, scales = np.array([[-1.0, 0.0, 2.0], [1.0, 3.0, -2.0]]), np.array([[0.5, 1.0, 2.0], [1.5, 0.2, 0.7]])
    w = np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])
    m = Mixture([Normal(locs[:, k], scales[:, k]) for k in range(3)], w)  # 3 components, batch of 2
    x = np.linspace(-4.0, 4.0, 9)[:, None]
    calls = []
    for module in (base, mixture):
        monkeypatch.setattr(module, "_param", lambda *a, **k: calls.append(a) or np.asarray(a[1], dtype=float))
    s, b = m[1:], m.broadcast_to((4, 2))
    assert calls == []
    monkeypatch.undo()
    want = Mixture([Normal(locs[1:, k], scales[1:, k]) for k in range(3)], w[1:])
    np.testing.assert_array_equal(s.logpdf(x), want.logpdf(x))
    np.testing.assert_array_equal(b.logpdf(x[:, None]), np.broadcast_to(m.logpdf(x)[:, None], (9, 4, 2)))
    assert s.batch_shape == (1,) and b.batch_shape == (4, 2)
    with pytest.raises(GanTheoryError, match="scale"):
        Mixture([Normal(locs[:, k], scales[:, k] - 1.0) for k in range(3)], w)
