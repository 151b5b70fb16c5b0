r"""Update schemes for a game's field v, written once and used both on the nonlinear field and on its
linearisation (so the spectral radius is exactly that of the map the simulation iterates).

With per-player step sizes H = diag(h for the generator, h_d for the discriminator) and heavy-ball
momentum β (Polyak 1964; negative momentum: Gidel et al. 2019), one step maps (x_k, x_{k−1}) to

- ``simultaneous``:  x_{k+1} = x_k + H v(x_k) + β(x_k − x_{k−1})  (h_d ≠ h: two time-scales, Heusel et al. 2017)
- ``alternating``:   n_d discriminator steps, then one generator step at the updated discriminator
- ``extragradient``: x_{k+½} = x_k + H v(x_k);  x_{k+1} = x_k + H v(x_{k+½}) + β(x_k − x_{k−1})
  (Korpelevich 1976)
- ``optimistic``:    x_{k+1} = x_k + 2H v(x_k) − H v(x_{k−1}) + β(x_k − x_{k−1})  (Daskalakis et al. 2018)
- ``continuous``:    ẋ = v(x), integrated by ``scipy.integrate.solve_ivp`` (DOP853, rtol 1e-11) and
  sampled every h; its linearised time-h map is exp(hJ), of spectral radius exp(h·max Re λ).

For a linear field v(x) = Jx each step is linear in the state (x_k, x_{k−1}) ∈ R^{2n}; its matrix M is
the step applied to the basis vectors, and the iteration converges locally iff ρ(M) < 1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from gantheory.errors import GanTheoryError

__all__ = ["SCHEMES", "linear_map", "max_stable_step", "run_scheme", "spectral_radius", "step"]

SCHEMES = ("continuous", "simultaneous", "alternating", "extragradient", "optimistic")

Field = Callable[[np.ndarray], np.ndarray]


def _check(scheme: str, h: float, h_d: float | None, beta: float, n_d: int) -> float:
    if scheme not in SCHEMES:
        import difflib

        close = difflib.get_close_matches(str(scheme), SCHEMES, n=3, cutoff=0.4)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise GanTheoryError(f"unknown scheme {scheme!r}{hint} (known: {', '.join(SCHEMES)})")
    if not (np.isfinite(h) and h > 0):
        raise GanTheoryError(f"step size h must be a positive finite number, got {h!r}")
    h_d = h if h_d is None else h_d
    if not (np.isfinite(h_d) and h_d > 0):
        raise GanTheoryError(f"discriminator step size h_d must be a positive finite number, got {h_d!r}")
    if not (np.isfinite(beta) and abs(beta) < 1):
        raise GanTheoryError(f"momentum beta must lie in (−1, 1), got {beta!r}")
    if int(n_d) != n_d or n_d < 1:
        raise GanTheoryError(f"n_d (discriminator steps per generator step) must be a positive integer, got {n_d!r}")
    return float(h_d)


def step(field: Field, x: np.ndarray, x_prev: np.ndarray, *, scheme: str, h: float, h_d: float, beta: float,
         n_d: int, generator: Sequence[int], discriminator: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """One discrete step of ``scheme``: (x_k, x_{k−1}) → (x_{k+1}, x_k) (per coordinate for ``alternating``)."""
    hv = np.empty_like(x)
    hv[list(generator)] = h
    hv[list(discriminator)] = h_d
    if scheme == "simultaneous":
        return x + hv * field(x) + beta * (x - x_prev), x
    if scheme == "extragradient":
        half = x + hv * field(x)
        return x + hv * field(half) + beta * (x - x_prev), x
    if scheme == "optimistic":
        return x + 2 * hv * field(x) - hv * field(x_prev) + beta * (x - x_prev), x
    if scheme == "alternating":
        y, y_prev = x.copy(), x_prev.copy()
        for idx, size, repeats in ((list(discriminator), h_d, n_d), (list(generator), h, 1)):
            for _ in range(repeats):
                new = y[idx] + size * field(y)[idx] + beta * (y[idx] - y_prev[idx])
                y_prev[idx] = y[idx]
                y[idx] = new
        return y, y_prev
    raise GanTheoryError(f"scheme {scheme!r} has no discrete step")


def linear_map(jacobian: np.ndarray, scheme: str, h: float, *, h_d: float | None = None, beta: float = 0.0,
               n_d: int = 1, generator: Sequence[int] = (0,), discriminator: Sequence[int] = (1,)) -> np.ndarray:
    """The (2n × 2n) matrix of one step of ``scheme`` on the linear field v(x) = Jx, state (x_k, x_{k−1});
    for ``continuous`` the (n × n) flow map exp(hJ)."""
    h_d = _check(scheme, h, h_d, beta, n_d)
    jac = np.asarray(jacobian, dtype=np.float64)
    n = jac.shape[0]
    if scheme == "continuous":
        from scipy.linalg import expm

        return expm(h * jac)
    cols = []
    for e in np.eye(2 * n):
        new, prev = step(lambda v: jac @ v, e[:n], e[n:], scheme=scheme, h=h, h_d=h_d, beta=beta, n_d=n_d,
                         generator=generator, discriminator=discriminator)
        cols.append(np.concatenate([new, prev]))
    return np.stack(cols, axis=1)


def spectral_radius(jacobian: np.ndarray, scheme: str, h: float, **kw: float) -> float:
    """ρ of :func:`linear_map` (for ``continuous``: exp(h·max Re λ(J)), the flow map's)."""
    if scheme == "continuous":
        _check(scheme, h, kw.get("h_d"), kw.get("beta", 0.0), kw.get("n_d", 1))
        return float(np.exp(h * np.max(np.linalg.eigvals(np.asarray(jacobian, dtype=np.float64)).real)))
    return float(np.max(np.abs(np.linalg.eigvals(linear_map(jacobian, scheme, h, **kw)))))


def max_stable_step(jacobian: np.ndarray, scheme: str, *, ratio: float = 1.0, beta: float = 0.0, n_d: int = 1,
                    generator: Sequence[int] = (0,), discriminator: Sequence[int] = (1,),
                    h_min: float = 1e-4, h_max: float = 1e2, grid: int = 241) -> float:
    r"""sup{h : ρ(h) < 1} with h_d = ratio·h.

    ρ is scanned on a log grid over [h_min, h_max] — widened to [h_min, h_max]/max|λ(J)| when J's scale
    puts the bound outside it (h_min = 1e-4 missed the R1 Dirac-GAN's 2/γ at γ = 1e5) — where a grid point
    counts as stable when every eigenvalue μ = 1 + δ of the step map contracts by more than rounding:
    |μ|² − 1 = 2 Re δ + |δ|² < −2¹⁰·u·‖M − I‖₂ (u the float64 unit roundoff). δ are the eigenvalues of
    M − I, not μ − 1 (no cancellation), and their rounding is ~u‖M − I‖, so the margin (2¹⁰ times that) keeps
    a map on the unit circle, |μ| = 1 up to rounding, from being taken for a contraction, while a slow but
    real contraction counts (at γ = 1e5 the slow eigenvalue contracts by 5e-11 per step; the former fixed
    margin ρ < 1 − ``dynamics_unit_circle_atol`` = 1 − 1e-9 called it unstable, so the bound was 0.0).
    Limit: a contraction per step below that rounding (the R1 Dirac-GAN from γ ≈ 1e7, where it is ~4a²/γ²)
    cannot be told from the unit circle in float64, and the result is then 0.0. The boundary ρ = 1 above the largest stable grid point is
    refined by bisection to machine precision. Returns 0.0 when no grid point is stable and ``inf`` when
    the largest one is (``continuous``: inf iff every Re λ < 0).
    """
    rounding = 2.0**10 * np.finfo(float).eps
    kw = {"beta": beta, "n_d": n_d, "generator": generator, "discriminator": discriminator}
    if scheme == "continuous":
        _check(scheme, 1.0, None, beta, n_d)
        return float("inf") if np.max(np.linalg.eigvals(np.asarray(jacobian, dtype=np.float64)).real) < 0 else 0.0

    def stable(h: float) -> bool:
        step_map = linear_map(jacobian, scheme, h, h_d=ratio * h, **kw)
        d = step_map - np.eye(step_map.shape[0])
        delta = np.linalg.eigvals(d)
        return bool(np.max(2 * delta.real + np.abs(delta) ** 2) < -rounding * np.linalg.norm(d, 2))

    scale = float(np.max(np.abs(np.linalg.eigvals(np.asarray(jacobian, dtype=np.float64)))))
    lo_h, hi_h = h_min, h_max
    if np.isfinite(scale) and scale > 0:
        lo_h, hi_h = min(h_min, h_min / scale), max(h_max, h_max / scale)
    n = int(np.ceil(grid * np.log(hi_h / lo_h) / np.log(h_max / h_min)))
    hs = np.geomspace(lo_h, hi_h, max(n, grid))
    ok = np.array([stable(h) for h in hs])
    if not ok.any():
        return 0.0
    last = int(np.flatnonzero(ok)[-1])
    if last == hs.size - 1:
        return float("inf")
    # the grid decides with the rounding margin (a map on the unit circle is not a contraction); inside the
    # bracket the boundary itself is ρ = 1, bisected to machine precision
    lo, hi = float(hs[last]), float(hs[last + 1])
    while hi - lo > 4 * np.finfo(float).eps * hi:
        mid = 0.5 * (lo + hi)
        inside = spectral_radius(jacobian, scheme, mid, h_d=ratio * mid, **kw) < 1
        lo, hi = (mid, hi) if inside else (lo, mid)
    return lo


def run_scheme(field: Field, x0: np.ndarray, steps: int, h: float, *, scheme: str, h_d: float | None = None,
               beta: float = 0.0, n_d: int = 1, generator: Sequence[int] = (0,),
               discriminator: Sequence[int] = (1,)) -> np.ndarray:
    """The iterates x_0 … x_steps of ``scheme`` on the nonlinear ``field`` (shape (steps + 1, n)); the
    first step starts from x_{−1} = x_0 (no momentum, no optimistic correction yet). A diverging run stops
    before its first non-finite state: fewer than steps + 1 rows, every one finite.

    Raises:
        GanTheoryError: a bad scheme, h, h_d, beta or n_d; steps not a non-negative integer; x0 not finite.
    """
    h_d = _check(scheme, h, h_d, beta, n_d)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise GanTheoryError(f"steps must be a non-negative integer, got {steps!r}")
    x = np.asarray(x0, dtype=np.float64).copy()
    if not np.all(np.isfinite(x)):
        raise GanTheoryError(f"the initial state x0 must be finite, got {x0!r}")
    out = np.empty((int(steps) + 1, x.size))
    if steps == 0:
        out[0] = x
        return out
    out[0] = x
    if scheme == "continuous":
        from scipy.integrate import solve_ivp

        ts = h * np.arange(int(steps) + 1)
        sol = solve_ivp(lambda t, y: field(y), (0.0, ts[-1]), x, method="DOP853", t_eval=ts, rtol=1e-11,
                        atol=1e-14)
        if not sol.success:
            raise GanTheoryError(f"continuous-time integration failed: {sol.message}")
        ys = sol.y.T
        bad = np.flatnonzero(~np.all(np.isfinite(ys), axis=1))
        return ys[:bad[0]] if bad.size else ys
    prev = x.copy()
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(int(steps)):
            x, prev = step(field, x, prev, scheme=scheme, h=h, h_d=h_d, beta=beta, n_d=n_d, generator=generator,
                           discriminator=discriminator)
            if not np.all(np.isfinite(x)):  # diverged: the trajectory stops at its last finite state
                return out[:k + 1]
            out[k + 1] = x
    return out
