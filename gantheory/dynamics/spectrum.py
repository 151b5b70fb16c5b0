r"""The spectrum of *your* GAN: eigenvalues of the simultaneous-gradient Jacobian at a checkpoint.

For a discriminator with parameters φ and a generator with parameters ϑ, the simultaneous gradient field
is v = (−∇_ϑ L_G, ∇_φ V) with V the discriminator's objective (a :data:`~gantheory.losses.LOSSES` row,
maximised) and L_G the generator's loss (a :data:`~gantheory.losses.GENERATORS` row); the pairs are the
Dirac-GAN's (:data:`~gantheory.dynamics.fields.DIRAC_LOSSES`). Expectations are weighted sums over fixed
samples (or quadrature nodes with weights), so v is a deterministic function of the parameters — the
spectrum of a Jacobian is defined only for such a field. The modules are therefore evaluated as trained
networks are, in evaluation mode (Dropout off; BatchNorm normalising each sample by its running statistics,
which are buffers, not parameters of the game; spectral norm with its stored singular vectors), in float64
(parameters and floating buffers), with the user's modules' modes, dtypes and buffers left as they were. A
module that is random even in evaluation mode (noise injection) has no Jacobian: a GanTheoryError says so. Its
Jacobian J is applied by ``torch.func.jvp`` (forward-mode through the reverse-mode gradient) and its
largest-modulus eigenvalues are found by ARPACK's implicitly restarted Arnoldi
(``scipy.sparse.linalg.eigs`` on a ``LinearOperator``); up to ``dense_max`` parameters the whole
Jacobian is formed by ``torch.func.jacfwd`` and every eigenvalue is returned.

Simultaneous GD with learning rate η maps an eigenvalue λ to 1 + ηλ, so near a stationary point it is
stable iff |1 + ηλ| < 1 for every λ, i.e.

.. math:: \eta < \eta_{max} = \min_\lambda \frac{2\,|\mathrm{Re}\,\lambda|}{|\lambda|^2}\quad (\text{all } \mathrm{Re}\,\lambda < 0),

and the rotation |Im λ|/|Re λ| of the eigenvalue that attains the minimum says how oscillatory the
dynamics are (Mescheder, Nowozin & Geiger 2017, §3–4). Eigenvalues with |λ| below ``zero_atol``·max|λ|
(symmetries: directions the game does not see) are left out and counted.

The bound is set by the eigenvalues with small |Re λ|/|λ|², not by the largest |λ|, so on the Arnoldi
route the k largest-|λ| eigenvalues of J alone would overstate it. There the bound is searched on the
discrete map instead: with η the bound of the eigenvalues known so far (an upper bound on η_max), ARPACK
finds the k largest-modulus eigenvalues μ of I + hJ at h = η(1 − ``lr_rtol``); any μ with |μ| ≥ 1 and
λ = (μ − 1)/h non-zero is an eigenvalue of J whose bound is below h, so it joins the known set and η drops;
when none is found the map is taken to contract at h (outside the zero directions), and since the stable
rates of simultaneous GD form an interval (0, η_max), η_max ∈ [h, η]. This is a check, not a proof:
Arnoldi can miss an eigenvalue of modulus just above 1 beside the cluster μ = 1 of J's zero directions
(it takes max(k, 6) eigenvalues of the map to make that unlikely), and it can fail to converge in
``maxiter`` restarts, which the result then says. ``GameSpectrum.bound`` says
``exact`` (dense route: every eigenvalue) or ``partial`` (the Arnoldi search; ``searched`` says what was
searched, ``verified_lr`` the largest rate checked stable on the map, 0.0 when the check did not finish).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from gantheory.dynamics.fields import DIRAC_LOSSES, resolve
from gantheory.errors import GanTheoryError

__all__ = [
    "GameSpectrum",
    "game_spectrum",
    "gaussian_reference_jacobian",
    "map_search",
    "quadrature_nodes",
    "simultaneous_field",
    "stable_step",
    "torch_models",
]

_SUPPORTED = (None, "r1", "r2")


@dataclass(frozen=True)
class GameSpectrum:
    """What :func:`game_spectrum` found: ``eigenvalues`` (complex, decreasing |λ|), ``method`` (``dense``
    or ``arnoldi``), ``n_parameters`` (generator first, then discriminator), ``max_stable_lr`` (the
    linearisation's bound on simultaneous GD's learning rate; 0 when some Re λ ≥ 0), ``rotation``
    (|Im λ|/|Re λ| of the eigenvalue that sets it), ``field_norm`` (‖v‖ at the checkpoint: near 0 at a
    stationary point), ``n_zero`` (eigenvalues dropped as zero), ``bound`` (``exact``: from every
    eigenvalue, dense route; ``partial``: from the Arnoldi search of the module docstring), ``searched``
    (which eigenvalues were searched) and ``verified_lr`` (the largest rate at which the linearised map
    was checked to contract: ``max_stable_lr`` on the dense route, ≥ (1 − lr_rtol)·max_stable_lr when the
    Arnoldi search converged, 0.0 when it did not)."""

    eigenvalues: np.ndarray
    method: str
    n_parameters: int
    max_stable_lr: float
    rotation: float
    field_norm: float
    n_zero: int
    loss: str
    regularizer: str | None
    gamma: float
    bound: str
    searched: str
    verified_lr: float


def stable_step(eigenvalues: np.ndarray, zero_atol: float = 1e-9) -> tuple[float, float, int]:
    """(η_max, rotation, n_zero) from eigenvalues: η_max = min 2|Re λ|/|λ|² over the non-zero λ (0 when one
    has Re λ ≥ 0), the rotation |Im λ|/|Re λ| of the minimiser (inf when Re λ = 0)."""
    ev = np.asarray(eigenvalues, dtype=complex)
    scale = float(np.max(np.abs(ev))) if ev.size else 0.0
    keep = np.abs(ev) > zero_atol * max(scale, 1e-300)
    ev, n_zero = ev[keep], int((~keep).sum())
    if ev.size == 0:
        return float("inf"), 0.0, n_zero
    with np.errstate(divide="ignore", invalid="ignore"):
        bounds = np.where(ev.real < 0, 2 * np.abs(ev.real) / np.abs(ev) ** 2, 0.0)
        i = int(np.argmin(bounds))
        rotation = float(np.abs(ev[i].imag) / np.abs(ev[i].real)) if ev[i].real != 0 else float("inf")
    return float(bounds[i]), rotation, n_zero


def _merge(known: np.ndarray, new: np.ndarray, tol: float) -> np.ndarray:
    for e in np.asarray(new, dtype=complex):
        if known.size == 0 or np.min(np.abs(known - e)) > tol:
            known = np.append(known, e)
    return known


def map_search(matvec: Any, n: int, eigenvalues: np.ndarray, *, k: int, zero_atol: float = 1e-9,
               lr_rtol: float = 1e-6, max_rounds: int = 100, maxiter: int = 1000) -> tuple[np.ndarray, float, bool]:
    r"""The Arnoldi route's search for the eigenvalues of J that limit simultaneous GD's rate (module
    docstring): ``matvec`` applies J, ``eigenvalues`` are those known (J's largest |λ|). Returns (the known
    eigenvalues with those found on the map I + hJ, the largest rate verified stable — 0.0 when the search
    did not converge (``max_rounds`` rounds, or ARPACK short of ``k`` eigenvalues after ``maxiter``
    restarts) or the bound is 0 — and whether it converged)."""
    from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigs

    known = np.asarray(eigenvalues, dtype=complex)
    scale = float(np.max(np.abs(known))) if known.size else 0.0
    if scale == 0.0:  # the k largest |λ| are all 0: every eigenvalue is 0
        return known, float("inf"), True
    zero = zero_atol * scale
    kk = min(max(int(k), 6), n - 2)  # k = 1–2 missed the limiting eigenvalue beside a cluster at |μ| = 1
    ncv = min(n, max(2 * kk + 1, 20))
    v0 = np.random.default_rng(0).standard_normal(n)  # ARPACK's start vector: deterministic results
    for _ in range(max_rounds):
        eta = stable_step(known, zero_atol)[0]
        if eta == 0.0:  # a known eigenvalue with Re λ ≥ 0: unstable at every rate
            return known, 0.0, True
        h = eta * (1 - lr_rtol)

        def map_matvec(v, h=h):
            v = np.real(np.asarray(v, dtype=np.float64)).ravel()
            return v + h * matvec(v)

        op = LinearOperator((n, n), matvec=map_matvec, dtype=np.float64)
        complete = True
        try:  # zero directions put μ = 1 on the unit circle: a cluster ARPACK resolves slowly, hence maxiter
            mu = eigs(op, k=kk, which="LM", ncv=ncv, maxiter=maxiter, v0=v0, return_eigenvectors=False)
        except ArpackNoConvergence as exc:  # keep what did converge; it can still lower the bound
            mu, complete = np.asarray(exc.eigenvalues, dtype=complex), False
        lam = (mu - 1) / h
        bad = (np.abs(mu) >= 1) & (np.abs(lam) > zero)
        if not bad.any():
            if not complete:  # nothing unstable among the converged ones, but the rest is unknown
                return known, 0.0, False
            return _merge(known, lam[np.abs(lam) > zero], 1e-9 * scale), h, True
        known = _merge(known, lam[bad], 1e-9 * scale)
    return known, 0.0, False


def _as_tensor(values: Any, torch, name: str):
    t = torch.as_tensor(np.asarray(values, dtype=np.float64))
    if t.ndim == 1:
        t = t[:, None]
    if t.ndim != 2 or t.shape[0] == 0 or not torch.isfinite(t).all():
        raise GanTheoryError(f"{name} must be a finite (n,) or (n, d) array with n ≥ 1, got shape {tuple(t.shape)}")
    return t


def _weights(w: Any, n: int, torch, name: str):
    if w is None:
        return torch.full((n,), 1.0 / n, dtype=torch.float64)
    w = torch.as_tensor(np.asarray(w, dtype=np.float64))
    if w.shape != (n,) or (w < 0).any() or abs(float(w.sum()) - 1.0) > 1e-12:
        raise GanTheoryError(f"{name} must be {n} non-negative weights summing to 1")
    return w


_DETERMINISTIC = ("the spectrum of the game's Jacobian is defined for a deterministic vector field, and game_spectrum "
                  "already evaluates the modules in evaluation mode (Dropout off, BatchNorm with its running "
                  "statistics)")


class _Evaluated:
    """The user's module as a float64 function of its parameters, evaluated the way a trained network is:
    in evaluation mode (Dropout off, BatchNorm normalising each sample by its running statistics, spectral
    norm with its stored singular vectors and no power iteration), so the field is a deterministic function
    of the parameters and D acts on each sample alone. Parameters *and* floating buffers enter as float64
    copies (spectral norm's u, v and BatchNorm's statistics are float32 in a float32 module); the module is
    switched to evaluation mode only for the duration of each call and every submodule's flag is restored,
    and its own parameters and buffers are never written (a module is not copied: spectral norm's computed
    weight attribute makes ``copy.deepcopy`` fail)."""

    def __init__(self, model: Any, name: str, torch) -> None:
        if not isinstance(model, torch.nn.Module):
            raise GanTheoryError(f"{name} must be a torch.nn.Module, got {type(model).__name__}")
        self.model, self.name = model, name
        self.params = {k: v.detach().to(torch.float64) for k, v in model.named_parameters()}
        self.buffers = {k: v.detach().to(torch.float64) if v.is_floating_point() else v.detach()
                        for k, v in model.named_buffers()}

    def __call__(self, params: dict, inputs: Any) -> Any:
        from torch.func import functional_call

        from gantheory.model_check.discriminator import module_mode

        with module_mode(self.model, training=False):
            return functional_call(self.model, {**self.buffers, **params}, (inputs,))


def _check_shapes(d_model: _Evaluated, g_model: _Evaluated, x: Any, z: Any, torch) -> None:
    """Run G on one latent and D on one data point and one generated sample, so a dimension mismatch is a
    GanTheoryError naming the parameter instead of a torch error deep inside the Jacobian; then run each
    twice on a few inputs, so a module that draws random numbers in evaluation mode (noise injection, a
    hand-written always-on dropout) is a GanTheoryError naming it (its field is random: no Jacobian)."""

    def call(model, inputs, what):
        try:
            with torch.no_grad():
                return model(model.params, inputs)
        except (RuntimeError, ValueError, IndexError, TypeError) as exc:
            raise GanTheoryError(f"{what}: {exc}") from exc

    fake = call(g_model, z[:1], f"g_model does not accept latent samples of dimension {z.shape[1]} (latent / "
                                f"latent_dim)")
    if fake.numel() != x.shape[1]:
        raise GanTheoryError(f"p_data has dimension {x.shape[1]} but g_model generates samples of dimension "
                             f"{fake.numel()} (output shape {tuple(fake.shape)} for one latent of dimension {z.shape[1]})")
    out = call(d_model, x[:1], f"d_model does not accept p_data samples of dimension {x.shape[1]}")
    if out.numel() != 1:
        raise GanTheoryError(f"d_model must map each p_data sample to one output, got shape {tuple(out.shape)} "
                             "for one sample")
    for model, inputs, name in ((g_model, z[:8], "g_model"), (d_model, x[:8], "d_model")):
        first, again = call(model, inputs, name), call(model, inputs, name)
        if not torch.equal(first, again):
            raise GanTheoryError(f"{name} is random in evaluation mode: two calls on the same inputs differ (a "
                                 f"random draw in its forward pass, e.g. noise injection); {_DETERMINISTIC}")


@contextlib.contextmanager
def _random_draws_refused(torch) -> Iterator[None]:
    """A random draw inside torch.func's transforms (one :func:`_check_shapes` did not catch) as a
    GanTheoryError saying why, instead of vmap's RuntimeError."""
    try:
        yield
    except RuntimeError as exc:
        if "random operation" not in str(exc):
            raise
        raise GanTheoryError(f"d_model or g_model draws random numbers in its forward pass in evaluation mode; "
                             f"{_DETERMINISTIC}") from exc


def simultaneous_field(d_model: Any, g_model: Any, data: Any, latent: Any, *, loss: str = "standard",
                       regularizer: str | None = None, gamma: float = 0.0, data_weights: Any = None,
                       latent_weights: Any = None) -> tuple[Any, Any, list]:
    """(field, x0, names): the simultaneous gradient field as a function of the flat float64 parameter
    vector (generator's first), the checkpoint's vector and the parameter names."""
    import torch
    from torch.func import grad

    from gantheory.losses import GENERATORS, LOSSES

    spec = resolve(loss, DIRAC_LOSSES, "loss")
    resolve(regularizer, {r: r for r in _SUPPORTED}, "regularizer (game_spectrum supports None, r1, r2)")
    row, gen = LOSSES[spec.loss], GENERATORS[spec.generator]
    real_term, fake_term = row.terms("torch")
    gen_kw = {"c": row.params["c"]} if spec.generator == "least_squares" else {}
    x = _as_tensor(data, torch, "p_data samples")
    z = _as_tensor(latent, torch, "latent samples")
    wx = _weights(data_weights, x.shape[0], torch, "data_weights")
    wz = _weights(latent_weights, z.shape[0], torch, "latent_weights")
    d_model, g_model = _Evaluated(d_model, "d_model", torch), _Evaluated(g_model, "g_model", torch)
    _check_shapes(d_model, g_model, x, z, torch)
    g_params, d_params = g_model.params, d_model.params
    names = [f"G.{k}" for k in g_params] + [f"D.{k}" for k in d_params]
    shapes = [v.shape for v in (*g_params.values(), *d_params.values())]
    sizes = [v.numel() for v in (*g_params.values(), *d_params.values())]
    n_g = len(g_params)

    def unflatten(flat):
        parts = [p.reshape(s) for p, s in zip(torch.split(flat, sizes), shapes, strict=True)]
        return dict(zip(g_params, parts[:n_g], strict=True)), dict(zip(d_params, parts[n_g:], strict=True))

    def out(pd, inputs):
        return d_model(pd, inputs).reshape(inputs.shape[0])

    def value(pd, pg):  # the discriminator's objective, maximised
        fake = g_model(pg, z).reshape(z.shape[0], -1)
        v = -(wx * real_term(out(pd, x))).sum() - (wz * fake_term(out(pd, fake))).sum()
        if regularizer in ("r1", "r2"):
            at = x if regularizer == "r1" else fake.detach()
            w = wx if regularizer == "r1" else wz
            gx = grad(lambda inputs: out(pd, inputs).sum())(at)  # per-sample ∇ₓD (D acts row-wise)
            v = v - gamma / 2 * (w * (gx**2).sum(dim=1)).sum()
        return v

    def gen_loss(pd, pg):
        fake = g_model(pg, z).reshape(z.shape[0], -1)
        return (wz * gen(out(pd, fake), "torch", **gen_kw)).sum()

    def field(flat):
        pg, pd = unflatten(flat)
        gg = grad(gen_loss, argnums=1)(pd, pg)
        gd = grad(value, argnums=0)(pd, pg)
        return torch.cat([-gg[k].reshape(-1) for k in g_params] + [gd[k].reshape(-1) for k in d_params])

    x0 = torch.cat([v.reshape(-1) for v in (*g_params.values(), *d_params.values())])
    return field, x0, names


def game_spectrum(d_model: Any, g_model: Any, p_data: Any, *, loss: str = "standard", regularizer: str | None = None,
                  gamma: float = 0.0, latent: Any = None, latent_dim: int = 1, n_samples: int = 2048, k: int = 6,
                  seed: int = 0, dense_max: int = 2048, data_weights: Any = None, latent_weights: Any = None,
                  zero_atol: float = 1e-9, lr_rtol: float = 1e-6) -> GameSpectrum:
    r"""Top eigenvalues of the simultaneous-gradient Jacobian of (``d_model``, ``g_model``) at their current
    parameters, and the largest stable learning rate of simultaneous GD they predict.

    Args:
        d_model, g_model: ``torch.nn.Module``s; D maps (n, d) inputs to n outputs (a logit for the
            cross-entropy games), G maps (n, latent_dim) latents to (n, d) samples; both are evaluated in
            evaluation mode, in float64 (module docstring), and left unchanged.
        p_data: a gantheory ``Density`` (``n_samples`` draws with ``seed``) or an array of samples/nodes.
        loss: a name in ``DIRAC_LOSSES`` (``standard``, ``non_saturating``, ``wgan``, ``hinge``, ``least_squares``).
        regularizer: None, ``r1`` or ``r2`` (γ/2·E‖∇ₓD‖² on real or generated samples), weight ``gamma``.
        latent: latent samples/nodes (default: ``n_samples`` standard normal draws of ``latent_dim``).
        k: eigenvalues wanted from Arnoldi (all of them on the dense route).
        dense_max: up to this many parameters the Jacobian is formed densely (``torch.func.jacfwd``).
        data_weights, latent_weights: quadrature weights of the samples (default uniform).
        lr_rtol: the Arnoldi route's search verifies the map at (1 − lr_rtol)·max_stable_lr.

    Raises:
        GanTheoryError: unknown loss/regulariser, bad samples or weights, k < 1, a p_data or latent
            dimension the models do not accept (naming the parameter), a model that is random in
            evaluation mode (naming it: a random field has no Jacobian).
        DependencyError: torch missing.

    Reference: Mescheder, Nowozin & Geiger 2017 (§3, eigenvalues of the game's Jacobian).
    """
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - torch is a required dependency
        from gantheory.errors import DependencyError

        raise DependencyError("game_spectrum needs torch: pip install torch") from exc
    if int(k) != k or k < 1:
        raise GanTheoryError(f"k must be a positive integer, got {k!r}")
    rng = np.random.default_rng(seed)
    data = p_data.sample(n_samples, rng) if hasattr(p_data, "sample") else p_data
    if latent is None:
        latent = rng.standard_normal((n_samples, latent_dim))
    field, x0, _ = simultaneous_field(d_model, g_model, data, latent, loss=loss, regularizer=regularizer, gamma=gamma,
                                      data_weights=data_weights, latent_weights=latent_weights)
    from gantheory.empirical._device import cpu_threads

    n = x0.numel()
    with cpu_threads(torch.device("cpu"), n * max(len(np.atleast_1d(data)), len(np.atleast_1d(latent)))), \
            _random_draws_refused(torch):
        field_norm = float(torch.linalg.vector_norm(field(x0)))
        if n <= dense_max:
            jac = torch.func.jacfwd(field)(x0).numpy()
            ev, method = np.linalg.eigvals(jac), "dense"
        else:
            from scipy.sparse.linalg import LinearOperator, eigs

            def matvec(v):
                tangent = torch.as_tensor(np.real(np.asarray(v, dtype=np.float64)).ravel())
                return torch.func.jvp(field, (x0,), (tangent,))[1].numpy()

            op = LinearOperator((n, n), matvec=matvec, dtype=np.float64)
            v0 = np.random.default_rng(0).standard_normal(n)  # ARPACK's start vector: same seed, same numbers
            ev, method = eigs(op, k=min(int(k), n - 2), which="LM", v0=v0, return_eigenvectors=False), "arnoldi"
            ev, verified, converged = map_search(matvec, n, ev, k=k, zero_atol=zero_atol, lr_rtol=lr_rtol)
    ev = ev[np.argsort(-np.abs(ev), kind="stable")]
    lr, rotation, n_zero = stable_step(ev, zero_atol)
    if method == "dense":
        bound, searched, verified = "exact", f"all {n} eigenvalues (dense Jacobian)", lr
    else:
        bound = "partial"
        searched = (f"the {min(int(k), n - 2)} largest-|λ| eigenvalues of J, then the {min(max(int(k), 6), n - 2)} "
                    f"largest-modulus eigenvalues of I + hJ at h just below the running bound ("
                    + ("converged: the map contracts at verified_lr" if converged else
                       "did not converge: max_stable_lr is only an upper bound") + ")")
    return GameSpectrum(ev.astype(complex), method, int(n), lr, rotation, field_norm, n_zero, loss, regularizer,
                        float(gamma), bound, searched, float(verified))


def torch_models(kind: str, **params: float) -> tuple[Any, Any]:
    """Reference (d_model, g_model) pairs: ``dirac`` (G = δ_θ, D(x) = ψx at θ, ψ from ``theta``/``psi``),
    ``gaussian`` (G(z) = μ + s·z, D(x) = a + b·x + c·x² at μ = ``loc``, s = ``scale``, (a, b, c) = 0) and
    ``mlp`` (the same G; D a 1 → ``width`` → 1 tanh MLP, seeded by ``seed``, with its output layer zero, so
    D ≡ 0: an equilibrium whose hidden weights are free)."""
    import torch

    class Point(torch.nn.Module):
        def __init__(self, theta: float) -> None:
            super().__init__()
            self.theta = torch.nn.Parameter(torch.tensor([theta], dtype=torch.float64))

        def forward(self, z):
            return self.theta.expand(z.shape[0], 1)

    class Slope(torch.nn.Module):
        def __init__(self, psi: float) -> None:
            super().__init__()
            self.psi = torch.nn.Parameter(torch.tensor([psi], dtype=torch.float64))

        def forward(self, x):
            return x[:, 0] * self.psi

    class AffineG(torch.nn.Module):
        def __init__(self, loc: float, scale: float) -> None:
            super().__init__()
            self.loc = torch.nn.Parameter(torch.tensor([loc], dtype=torch.float64))
            self.scale = torch.nn.Parameter(torch.tensor([scale], dtype=torch.float64))

        def forward(self, z):
            return self.loc + self.scale * z

    class QuadraticD(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.coef = torch.nn.Parameter(torch.zeros(3, dtype=torch.float64))

        def forward(self, x):
            x = x[:, 0]
            return self.coef[0] + self.coef[1] * x + self.coef[2] * x * x

    if kind == "mlp":  # D ≡ 0 with free hidden weights: a manifold of equilibria through the checkpoint
        torch.manual_seed(int(params.get("seed", 0)))
        width = int(params.get("width", 8))
        mlp = torch.nn.Sequential(torch.nn.Linear(1, width), torch.nn.Tanh(), torch.nn.Linear(width, 1)).double()
        with torch.no_grad():
            mlp[2].weight.zero_()
            mlp[2].bias.zero_()
        return mlp, AffineG(params.get("loc", 0.0), params.get("scale", 1.0))
    if kind == "dirac":
        return Slope(params.get("psi", 0.0)), Point(params.get("theta", 0.0))
    if kind == "gaussian":
        return QuadraticD(), AffineG(params.get("loc", 0.0), params.get("scale", 1.0))
    raise GanTheoryError(f"unknown reference model kind {kind!r} (known: dirac, gaussian, mlp)")


def gaussian_reference_jacobian(gamma: float = 0.0) -> np.ndarray:
    r"""The exact Jacobian of the Gaussian reference game (p_data = N(0, 1), G(z) = μ + s z, D = a + bx + cx²,
    standard loss, R1 weight γ) at its equilibrium μ = 0, s = 1, D ≡ 0, by Gaussian moments (hand-derived,
    independent of torch): with M = E[(1, x, x²)ᵀ(1, x, x²)] = [[1, 0, 1], [0, 1, 0], [1, 0, 3]],
    A = ½[[0, 1, 0], [0, 0, 2]] and R = E[∇ₓf ∇ₓfᵀ] = [[0, 0, 0], [0, 1, 0], [0, 0, 4]],
    J = [[0, A], [−Aᵀ, −½M − γR]] in the order (μ, s, a, b, c)."""
    m = np.array([[1.0, 0, 1], [0, 1, 0], [1, 0, 3]])
    a = 0.5 * np.array([[0.0, 1, 0], [0, 0, 2]])
    r = np.diag([0.0, 1.0, 4.0])
    return np.block([[np.zeros((2, 2)), a], [-a.T, -0.5 * m - gamma * r]])


def quadrature_nodes(n: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Hermite (probabilists') nodes and weights of N(0, 1): exact for polynomials of degree < 2n."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(n)
    return nodes, weights / weights.sum()

