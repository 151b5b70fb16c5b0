r"""One row per game: the ``LOSSES`` registry every lens reads.

A discriminator loss that averages per-sample terms over real and generated samples has, for samples
from p = p_data and q = p_g, the expected value

.. math:: L_D = \int p(x)\,\ell_{real}(a(x)) + q(x)\,\ell_{fake}(a(x))\,dx ,

minimised pointwise: at each x the optimal output a*(x) minimises p·ℓ_real(a) + q·ℓ_fake(a). A row of
:data:`LOSSES` holds, for one game,

- its per-sample terms ``real``, ``fake`` and its generator terms, written once against an ``ops``
  namespace and therefore available for numpy, torch and sympy alike (:meth:`Loss.terms`);
- its optimal output as a function of (log p, log q, params) (:meth:`Loss.optimum`): a logit of
  D = σ(a) for the cross-entropy games, the raw output for least squares, ±margin for hinge;
- the value of L_D at that optimum as an affine map of a divergence of :mod:`gantheory.divergences`
  (:attr:`Loss.value`), where one exists;
- how the loss audit recognises it from a measured optimum (:attr:`Loss.linearisation`: the space in
  which its optimum is affine in its parameters, and the identity quoted as evidence) and from its terms
  (:attr:`Loss.signature`), and what it reports about it (:attr:`Loss.audit`, :attr:`Loss.pairings`:
  :class:`AuditNote` rows; a row without notes gets an info finding naming its optimum and reference);
- its reference.

The audit, the empirical trainer, the symbolic variants, the claims and the testing kit read rows from
here, so a loss family is one row (plus its corpus entries). Parameter spellings are the rows' own:
``alpha``/``beta`` (label smoothing), ``weight_real``/``weight_fake`` (class weighting), ``a``/``b``/``c``
(least squares: fake target, real target, generator target), ``margin`` (hinge).

>>> sorted(LOSSES)  # doctest: +NORMALIZE_WHITESPACE
['class_weighted', 'drift', 'energy', 'hinge', 'label_smoothing', 'least_squares', 'relativistic_average',
 'relativistic_hinge', 'relativistic_least_squares', 'relativistic_standard', 'softmax', 'standard', 'swapped',
 'wasserstein']
>>> import numpy as np
>>> round(float(LOSSES["standard"].optimum(np.log(0.3), np.log(0.1))), 12)  # log p − log q = log 3
1.098612288668
>>> LOSSES["hinge"].value.describe({"margin": 1.0})
'2 − 2·TV'
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike

from gantheory.errors import GanTheoryError

__all__ = ["GENERATORS", "LOSSES", "AuditNote", "GeneratorLoss", "Linearisation", "Loss", "TermSignature",
           "ValueAtOptimum", "ops", "resolve_loss"]

# The citation of the original GAN paper, as every row and claim quotes it.
GOODFELLOW = "Goodfellow et al. 2014"


# ----------------------------------------------------------------------------------------------------
# Backends: the per-sample terms are written once against these namespaces.


def _numpy_times(c, x):
    """c·x with 0·(±inf) = 0: a soft label of exactly 0 or 1 switches its term off even where the term is
    infinite (label smoothing with β = 0 at a point where p = 0 has a* = −∞ and softplus(−a*) = ∞)."""
    import numpy as np

    x = np.asarray(x, dtype=np.float64)
    if c == 0:
        return np.zeros_like(x)
    return c * x


class _Ops:
    """A backend's namespace: its table is built on first use (so importing this module loads no numpy,
    torch or sympy) and then kept, because terms are evaluated inside quadrature integrands."""

    name = ""

    def _build(self) -> dict[str, Callable]:
        raise NotImplementedError

    def __getattr__(self, item):
        if item.startswith("_"):
            raise AttributeError(item)
        table = self.__dict__.get("_table")
        if table is None:
            table = self._table = self._build()
        if item not in table:
            raise AttributeError(item)
        return table[item]


class _NumpyOps(_Ops):
    name = "numpy"

    def _build(self):
        import numpy as np

        from gantheory import numerics

        return {"softplus": numerics.softplus, "log_sigmoid": numerics.log_sigmoid, "sigmoid": numerics.sigmoid,
                "relu": lambda x: np.maximum(np.asarray(x, dtype=np.float64), 0.0), "log": np.log, "exp": np.exp,
                "times": _numpy_times}


class _TorchOps(_Ops):
    name = "torch"

    def _build(self):
        import torch
        import torch.nn.functional as F

        # softplus(x) = −log σ(−x): exact at any x (F.softplus returns x itself above its threshold 20)
        return {"softplus": lambda x: -F.logsigmoid(-x), "log_sigmoid": F.logsigmoid, "sigmoid": torch.sigmoid,
                "relu": torch.relu, "log": torch.log, "exp": torch.exp,
                "times": lambda c, x: torch.zeros_like(x) if c == 0 else c * x}


class _SympyOps(_Ops):
    name = "sympy"

    def _build(self):
        import sympy as sp

        # σ and softplus are the symbolic lens's own (one sympy form of each): σ(a) = 1/(1 + e^{−a}),
        # softplus(a) = log(1 + e^{a}), so log σ(a) = −softplus(−a) = −log(1 + e^{−a}).
        from gantheory.symbolic.symbols import sigmoid, softplus

        return {"softplus": softplus, "log_sigmoid": lambda x: -softplus(-x), "sigmoid": sigmoid,
                "relu": lambda x: sp.Max(0, x), "log": sp.log, "exp": sp.exp, "times": lambda c, x: c * x}


class _MpmathOps(_Ops):
    """mpmath numbers at the caller's working precision (the loss audit's certificate checks at 50 digits)."""

    name = "mpmath"

    def _build(self):
        import mpmath as mp

        def softplus(x):
            return mp.log1p(mp.exp(x))

        return {"softplus": softplus, "log_sigmoid": lambda x: -softplus(-x), "sigmoid": lambda x: 1 / (1 + mp.exp(-x)),
                "relu": lambda x: max(mp.mpf(0), x), "log": mp.log, "exp": mp.exp, "times": lambda c, x: c * x}


ops: dict[str, Any] = {"numpy": _NumpyOps(), "torch": _TorchOps(), "sympy": _SympyOps(), "mpmath": _MpmathOps()}


def _ops(backend) -> Any:
    if not isinstance(backend, str):
        return backend
    if backend not in ops:
        raise GanTheoryError(f"parameter 'backend' must be one of {sorted(ops)}, got {backend!r}")
    return ops[backend]


# ----------------------------------------------------------------------------------------------------
# Rows


@dataclass(frozen=True)
class ValueAtOptimum:
    r"""min_D L_D = ``offset(params)`` + ``scale(params)``·D(p‖q), D = ``divergence`` (a key of
    :data:`gantheory.divergences.DIVERGENCES`)."""

    divergence: str
    scale: Callable[[Mapping[str, float]], float]
    offset: Callable[[Mapping[str, float]], float]

    def describe(self, params: Mapping[str, float] | None = None) -> str:
        from gantheory.divergences import DIVERGENCES

        params = params or {}
        s, c = float(self.scale(params)), float(self.offset(params))
        symbol = DIVERGENCES[self.divergence].symbol or self.divergence
        from gantheory.numerics import LOG4

        const = {LOG4: "log 4"}.get(c, f"{c:.6g}")
        sign = "−" if s < 0 else "+"
        mag = abs(s)
        coef = "" if mag == 1 else f"{mag:.6g}·"
        return f"{const} {sign} {coef}{symbol}"


def _always(theta: Mapping[str, float]) -> bool:
    """Every fitted parameter vector is admissible (the default of :attr:`Linearisation.admissible`)."""
    return True


def _raw(a_star: np.ndarray, t: np.ndarray) -> np.ndarray:
    """a* itself: the space of the raw-output games."""
    return a_star


def _probability(a_star, t):
    """σ(a*): D itself, for the cross-entropy games."""
    from gantheory.numerics import sigmoid

    return sigmoid(a_star)


def _logit_shift(a_star, t):
    """a* − logit t: how far the logit sits from the standard game's."""
    import numpy as np

    return a_star - (np.log(t) - np.log1p(-t))


@dataclass(frozen=True)
class Linearisation:
    r"""How a row is recognised from a measured optimum a*(t), t = p/(p + q): exactly, by linear algebra.

    In the row's ``space`` the optimum is affine in the ``coordinates``:

    .. math:: \mathrm{space}(a^*(t), t) = \sum_k \theta_k\, \mathrm{basis}_k(t),

    so the coordinates θ of a measured a*(t) are one linear least-squares solve, and ``to_params(θ)``
    gives the row's parameters (the coordinates themselves by default). A fit is then accepted by the
    row's own :meth:`Loss.optimum` (residual in ``space``); ``admissible(θ)`` rejects coordinates outside
    the game (a hinge margin ≤ 0). A parameter-free row has no coordinates: only the comparison in
    ``space``. ``evidence`` is the identity the audit quotes, formatted with the reported parameters
    (the row's parameters from ``to_params``, then the coordinates).

    Example: label smoothing has σ(a*) = α·t + β·(1 − t), affine in (α, β) in the space of σ(a*).
    """

    space: Callable = _raw
    coordinates: tuple[str, ...] = ()
    basis: Callable | None = None
    to_params: Callable[[Mapping[str, float]], Mapping[str, float]] = dict
    admissible: Callable[[Mapping[str, float]], bool] = _always
    evidence: str = ""

    def design(self, t: ArrayLike) -> np.ndarray:
        """The (len(t), len(coordinates)) matrix of the basis at t."""
        import numpy as np

        t = np.asarray(t, dtype=np.float64)
        return np.stack([np.broadcast_to(np.asarray(col, dtype=np.float64), t.shape) for col in self.basis(t)],
                        axis=1)


@dataclass(frozen=True)
class TermSignature:
    r"""How the loss audit recognises a row's pointwise terms: each term as s·ℓ(a) + k with s > 0, k any constant.

    Each term is one linear least-squares fit on the columns ``basis(a)``; by default (``basis`` None) the
    row's term at its default parameters and 1, whose first coefficient is the scale. A row whose terms
    carry a free parameter gives ``basis`` (functions of a spanning s·ℓ(a; params) + k for all its
    parameters; the same for both terms) and ``read(θ_real, θ_fake) -> (s_real, s_fake, params)``: least
    squares s·(a − b)² + k = s·a² − 2sb·a + (sb² + k) on (a², a, 1). ``description`` defaults to the
    row's formula.
    """

    basis: Callable | None = None
    read: Callable | None = None
    description: str = ""


@dataclass(frozen=True)
class AuditNote:
    r"""A finding the loss audit reports about a row: ``severity`` (info/warning/error), a stable ``code``,
    and ``message(params)`` from the matched parameters; it applies where ``when(params)`` holds. A note
    in :attr:`Loss.pairings` is about the row together with a generator loss of kind ``generator`` (its
    ``params`` then hold the generator's fitted parameters as well, e.g. LSGAN's target ``c``)."""

    severity: str
    code: str
    message: Callable[[Mapping[str, Any]], str]
    when: Callable[[Mapping[str, Any]], bool] = _always
    generator: str | None = None


@dataclass(frozen=True)
class GeneratorLoss:
    r"""A generator's per-sample term ℓ_g(a, ops, **params) on a fake sample's output a (minimised by G).

    The loss audit recognises a generator loss as s·ℓ_g(a) + k, s > 0, k any constant: a linear
    least-squares fit on the columns :meth:`basis` (ℓ_g(a) and 1 for a parameter-free row). A row with a
    free parameter gives ``basis``, functions of a spanning s·ℓ_g(a; params) + k for all its parameters,
    and ``from_coefficients``, which reads the parameters and the scale ``"scale"`` back from the
    coefficients: least squares s·(a − c)² + k = s·a² − 2sc·a + (sc² + k).
    """

    name: str
    term: Callable
    formula: str
    reference: str
    fit_basis: Callable | None = None
    from_coefficients: Callable[[Any], dict[str, float]] | None = None

    def __call__(self, a: Any, backend: str | Any = "numpy", **params: float) -> Any:
        return self.term(a, _ops(backend), **params)

    def basis(self, a: ArrayLike) -> tuple:
        """The columns whose span holds s·ℓ_g(a) + k (numpy)."""
        import numpy as np

        return self.fit_basis(a) if self.fit_basis is not None else (self(a), np.ones_like(a))

    def coefficients(self, theta: ArrayLike) -> dict[str, float]:
        """The row's parameters and the positive ``scale`` s from the coefficients of :meth:`basis`."""
        if self.from_coefficients is not None:
            return dict(self.from_coefficients(theta))
        return {"scale": float(theta[0])}


@dataclass(frozen=True)
class Loss:
    r"""One game: per-sample discriminator terms, optimal output, value at the optimum, reference.

    ``real(a, ops, **params)`` and ``fake(a, ops, **params)`` are ℓ_real and ℓ_fake; ``output`` says what
    ``a`` is (``"logit"``: D = σ(a); ``"raw"``: the unconstrained output, LSGAN's D); ``optimum(lp, lq,
    **params)`` gives a* from log p and log q (numpy, ±inf allowed where a density vanishes);
    ``generators`` names the generator losses (keys of :data:`GENERATORS`) that belong to this game;
    ``linearisation`` tells the loss audit how to fit the row's parameters to a measured optimum (None:
    a numerical fit of :meth:`optimum` in the raw output, from the row's defaults); ``signature``, whether
    (and how) it matches the row's pointwise terms as well (None: the optimum alone identifies the row);
    ``audit``, what it reports when a loss matches the row (the first note whose ``when`` holds; none: an
    info finding naming the row's optimum and reference); ``pairings``, what it adds for a generator kind.

    ``domain`` is the range of outputs the game is played on (EBGAN's energies are ≥ 0; the optimum and
    the stationarity checks are taken on it). ``coupling`` is ``"separable"`` (the terms above, one per
    sample), ``"softmax"`` (Lin 2017: ``real(a)`` is the per-sample energy term of the real batch, and the
    whole batch, real and fake, enters through one log-partition log Σ e^{−a}; ``fake`` is 0) or
    ``"relativistic"``: then ``real(d)`` and ``fake(d)`` are the terms of the *relativistic
    differences* d = C(x_r) − C(x_f) (``standard``: paired samples; ``average``: C(x_r) − E C(x_f) for the
    real term, C(x_f) − E C(x_r) for the fake term), there is no pointwise optimum (``optimum`` raises),
    and at p = q every constant critic is optimal. ``mirror_of`` names the row this one is the mirror
    image of (a* ↦ −a*: the same game with real samples scored low); ``family`` is the audit family the
    row is reported under (default: its name).
    """

    name: str
    title: str
    formula: str
    reference: str
    real: Callable
    fake: Callable
    optimum_fn: Callable
    output: str = "logit"
    params: Mapping[str, float] = field(default_factory=dict)
    generators: tuple[str, ...] = ()
    value: ValueAtOptimum | None = None
    optimum_formula: str = ""
    linearisation: Linearisation | None = None
    signature: TermSignature | None = None
    audit: tuple[AuditNote, ...] = ()
    pairings: tuple[AuditNote, ...] = ()
    domain: tuple[float, float] = (-math.inf, math.inf)
    coupling: str = "separable"
    mirror_of: str = ""
    family: str = ""

    @property
    def audit_family(self) -> str:
        """The family the loss audit reports for this row (``family``, else the row's name)."""
        return self.family or self.name

    def audit_note(self, params: Mapping[str, Any]) -> AuditNote:
        """The note the loss audit reports for a loss matching this row with ``params``."""
        for note in self.audit:
            if note.when(params):
                return note
        ref = f" ({self.reference})" if self.reference else ""
        return AuditNote("info", self.name, lambda k: f"{self.title}: {self.optimum_formula or self.formula}{ref}")

    def bind(self, params: Mapping[str, float] | None) -> dict[str, float]:
        """The row's default parameters overridden by ``params``; an unknown name raises."""
        params = dict(params or {})
        unknown = set(params) - set(self.params)
        if unknown:
            raise GanTheoryError(f"loss {self.name!r} has no parameter(s) {sorted(unknown)}; "
                                 f"its parameters: {sorted(self.params) or 'none'}")
        return {**self.params, **params}

    def terms(self, backend: str | Any = "numpy", **params: float) -> tuple[Callable, Callable]:
        """(ℓ_real, ℓ_fake) as callables of the output a, for ``backend`` ``numpy``, ``torch``, ``sympy`` or
        ``mpmath``."""
        o, kw = _ops(backend), self.bind(params)
        return (lambda a: self.real(a, o, **kw)), (lambda a: self.fake(a, o, **kw))

    def optimum(self, lp: ArrayLike, lq: ArrayLike, **params: float) -> np.ndarray:
        """The pointwise optimal output a*(x) from lp = log p(x), lq = log q(x) (numpy)."""
        import numpy as np

        if self.coupling != "separable":
            raise GanTheoryError(f"loss {self.name!r} is {self.coupling}: its optimal critic is no pointwise "
                                 "function of (log p, log q)")
        lp, lq = np.asarray(lp, dtype=np.float64), np.asarray(lq, dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.optimum_fn(lp, lq, **self.bind(params))

    def objective(self, output: ArrayLike, lp: ArrayLike, lq: ArrayLike, /, **params: float) -> np.ndarray:
        """p·ℓ_real(output) + q·ℓ_fake(output) from log densities, with 0·(±inf) = 0 where a density vanishes.

        The first three arguments are positional-only, so a row's own parameter named ``a`` (least squares)
        is a keyword like any other.
        """
        import numpy as np

        from gantheory.numerics import weighted

        real, fake = self.terms("numpy", **params)
        with np.errstate(invalid="ignore", over="ignore"):
            return weighted(lp, real(output)) + weighted(lq, fake(output))


def _log_ratio(lp, lq):
    """log p − log q with the convention 0/0 → logit 0 (both densities vanish: D undetermined, ½)."""
    import numpy as np

    d = lp - lq
    return np.where(np.isnan(d), 0.0, d)


def _log_mix(w1, lp, w2, lq):
    """log(w1·p + w2·q) from log densities, with zero weights contributing nothing."""
    import numpy as np

    t1 = np.log(w1) + lp if w1 > 0 else np.full(np.shape(lp), -np.inf)
    t2 = np.log(w2) + lq if w2 > 0 else np.full(np.shape(lq), -np.inf)
    return np.logaddexp(t1, t2)


def _label_smoothing_optimum(lp, lq, alpha, beta):
    # σ(a*) = (αp + βq)/(p + q)  ⇔  a* = log(αp + βq) − log((1 − α)p + (1 − β)q)
    return _log_ratio(_log_mix(alpha, lp, beta, lq), _log_mix(1.0 - alpha, lp, 1.0 - beta, lq))


def _least_squares_optimum(lp, lq, a, b, c):
    # a* = (b·p + a·q)/(p + q) = a + (b − a)·σ(log p − log q)
    from gantheory.numerics import sigmoid

    return a + (b - a) * sigmoid(_log_ratio(lp, lq))


def _sign(x):
    import numpy as np

    return np.sign(x)


def _hinge_optimum(lp, lq, margin):
    import numpy as np

    return margin * np.sign(_log_ratio(lp, lq))


def _energy_optimum(lp, lq, margin):
    # p·a + q·max(0, m − a) on a ≥ 0 falls with slope p − q < 0 up to m where q > p, rises from 0 where p > q
    import numpy as np

    d = _log_ratio(lp, lq)
    return np.where(d > 0, 0.0, np.where(d < 0, margin, 0.5 * margin))


def _drift_optimum(lp, lq, epsilon):
    # t(−a + εa²) + (1 − t)a is stationary at a* = (2t − 1)/(2εt) = (1 − q/p)/(2ε)
    import numpy as np

    return -np.expm1(-_log_ratio(lp, lq)) / (2.0 * epsilon)


def _no_pointwise_optimum(lp, lq, **params):
    raise GanTheoryError("a relativistic loss has no pointwise optimum")


def _linear_optimum(lp, lq):
    import numpy as np

    d = _log_ratio(lp, lq)
    return np.where(d > 0, np.inf, np.where(d < 0, -np.inf, 0.0))


GENERATORS: dict[str, GeneratorLoss] = {g.name: g for g in (
    GeneratorLoss("minimax", lambda a, o, **k: -o.softplus(a),
                  "log(1 − D(G(z))) = log σ(−a) = −softplus(a)", f"{GOODFELLOW}, Eq. 1"),
    GeneratorLoss("non_saturating", lambda a, o, **k: o.softplus(-a),
                  "−log D(G(z)) = −log σ(a) = softplus(−a)", f"{GOODFELLOW}, §3"),
    GeneratorLoss("least_squares", lambda a, o, c=1.0, **k: (a - c) ** 2,
                  "(D(G(z)) − c)²", "Mao et al. 2017, Eq. 9",
                  # s·(a − c)² + k on (a², a, 1); the target c is read from the vertex (to 6 digits, like the
                  # discriminator's targets from its quadratic terms)
                  fit_basis=lambda a: (a * a, a, a**0),
                  from_coefficients=lambda th: {"c": round(float(-th[1] / (2 * th[0])), 6), "scale": float(th[0])}),
    GeneratorLoss("hinge", lambda a, o, **k: -a, "−D(G(z)) = −a", "Lim & Ye 2017; Miyato et al. 2018"),
    GeneratorLoss("energy", lambda a, o, **k: a, "E(G(z)): the generator lowers the energy of its samples",
                  "Zhao et al. 2017 (EBGAN), Eq. 2"),
    GeneratorLoss("boundary_seeking", lambda a, o, **k: 0.5 * a * a,
                  "½(log D(G(z)) − log(1 − D(G(z))))² = ½a², a the logit",
                  "Hjelm et al. 2018 (boundary-seeking GAN), Eq. 8"),
    GeneratorLoss("relativistic", lambda a, o, **k: o.softplus(-a),
                  "the discriminator's relativistic loss with real and fake exchanged, d = C(x_f) − C(x_r)",
                  "Jolicoeur-Martineau 2018, §4"),
)}

def _log4(params: Mapping[str, float]) -> float:
    """log 4, the offset of the cross-entropy games' value (numerics' LOG4, read when a value is formed)."""
    from gantheory.numerics import LOG4

    return LOG4


# -- what the loss audit says about each row ------------------------------------------------------------
def _label_smoothing_message(k: Mapping[str, Any]) -> str:
    al, be = k["alpha"], k["beta"]
    kind = "one-sided" if be == 0 else "two-sided"
    form = f"{al:g}·p/(p+q)" if be == 0 else f"({al:g}·p + {be:g}·q)/(p+q)"
    return (f"{kind} label smoothing α = {al:g}" + (f", β = {be:g}" if be else "")
            + f": its optimum is {form}, not p/(p+q) (Salimans et al. 2016, §3.4)"
            + ("; β > 0 keeps D* > 0 where p = 0, so the generator is not pushed off "
               "regions without data" if be > 0 else ""))


def _close(x: float, y: float) -> bool:
    """Fitted targets (rounded to 6 digits) agree with an exact relation to the audit's pairing tolerance."""
    from gantheory.tolerances import TOLERANCES

    return abs(x - y) < TOLERANCES["audit_pairing_atol"]


_LSGAN_PAIRINGS = (
    AuditNote("info", "lsgan_pearson",
              lambda k: f"(a, b, c) = ({k['a']:g}, {k['b']:g}, {k['c']:g}) satisfies b − c = 1, b − a = 2: "
                        "the generator minimises the Pearson χ² of (p_d + p_g, 2 p_g) (Mao et al. 2017, Thm. 1)",
              when=lambda k: _close(k["b"] - k["c"], 1.0) and _close(k["b"] - k["a"], 2.0), generator="least_squares"),
    AuditNote("info", "lsgan_binary",
              lambda k: f"(a, b, c) = ({k['a']:g}, {k['b']:g}, {k['c']:g}): 0-1 coding, the generator targets the "
                        "real label (Mao et al. 2017, eq. 9)",
              when=lambda k: _close(k["c"], k["b"]), generator="least_squares"),
)


def _below_half(t):
    """1 where t < ½ (q > p), 0 where t > ½, ½ at ties: the energy game's optimum is m times this."""
    import numpy as np

    t = np.asarray(t)
    return np.where(t < 0.5, 1.0, np.where(t > 0.5, 0.0, 0.5))


def _times_t(a_star, t):
    """t·a*: the space in which the drift critic's optimum (2t − 1)/(2εt) is affine in 1/ε."""
    return a_star * t


def _relativistic_message(variant: str) -> Callable[[Mapping[str, Any]], str]:
    words = {"standard": "paired differences C(x_r) − C(x_f)", "average": "differences to the other batch's mean",
             "hinge": "hinge on differences to the other batch's mean",
             "least_squares": "least squares on differences to the other batch's mean"}
    return lambda k: (f"relativistic {variant.replace('_', ' ')} loss ({words[variant]}): D estimates how much more "
                      "realistic real data is than fake data; no pointwise optimum, minimised at p_g = p_data "
                      "with a constant critic (Jolicoeur-Martineau 2018; 2019)")


def _least_squares_read(theta_real, theta_fake):
    """(s_real, s_fake, {a, b}) from s·a² − 2sb·a + … : the targets are the vertices, to 6 digits."""
    def vertex(th):
        return float(round(float(-th[1] / (2 * th[0])), 6)) + 0.0

    return float(theta_real[0]), float(theta_fake[0]), {"a": vertex(theta_fake), "b": vertex(theta_real)}


LOSSES: dict[str, Loss] = {row.name: row for row in (
    Loss("standard", "Cross-entropy (the original GAN)",
         "−log σ(a) on real, −log(1 − σ(a)) on fake", f"{GOODFELLOW}, Eq. 1, Prop. 1, Thm. 1",
         real=lambda a, o: o.softplus(-a), fake=lambda a, o: o.softplus(a),
         optimum_fn=lambda lp, lq: _log_ratio(lp, lq), generators=("minimax", "non_saturating"),
         value=ValueAtOptimum("js", lambda k: -2.0, _log4), optimum_formula="D* = p/(p + q)",
         linearisation=Linearisation(_probability, evidence="σ(a*) = p/(p+q)"), signature=TermSignature(),
         audit=(AuditNote("info", "standard", lambda k: "standard cross-entropy: the optimum is D* = p/(p+q) "
                                                        f"({GOODFELLOW}, Prop. 1)"),)),
    Loss("label_smoothing", "Cross-entropy with soft targets α (real) and β (fake)",
         "−α log σ(a) − (1 − α) log(1 − σ(a)) on real, −β log σ(a) − (1 − β) log(1 − σ(a)) on fake",
         "Salimans et al. 2016, §3.4",
         real=lambda a, o, alpha, beta: o.times(alpha, o.softplus(-a)) + o.times(1 - alpha, o.softplus(a)),
         fake=lambda a, o, alpha, beta: o.times(beta, o.softplus(-a)) + o.times(1 - beta, o.softplus(a)),
         optimum_fn=_label_smoothing_optimum, params={"alpha": 0.9, "beta": 0.0},
         generators=("minimax", "non_saturating"), optimum_formula="D* = (αp + βq)/(p + q)",
         # σ(a*) = α·t + β·(1 − t)
         linearisation=Linearisation(_probability, ("alpha", "beta"), lambda t: (t, 1 - t),
                                     evidence="σ(a*) = ({alpha:.6g}·p + {beta:.6g}·q)/(p+q)"),
         audit=(AuditNote("warning", "label_smoothing", _label_smoothing_message),)),
    Loss("class_weighted", "Cross-entropy with class weights",
         "−w_r log σ(a) on real, −w_f log(1 − σ(a)) on fake", "Gutmann & Hyvärinen 2010 (m ≠ n); "
         f"{GOODFELLOW}, §5",
         real=lambda a, o, weight_real, weight_fake: o.times(weight_real, o.softplus(-a)),
         fake=lambda a, o, weight_real, weight_fake: o.times(weight_fake, o.softplus(a)),
         optimum_fn=lambda lp, lq, weight_real, weight_fake: _log_ratio(lp, lq) + math.log(weight_real / weight_fake),
         params={"weight_real": 1.0, "weight_fake": 1.0}, generators=("minimax", "non_saturating"),
         optimum_formula="D* = w_r p/(w_r p + w_f q)",
         # a* − logit t = log(w_r/w_f): one constant, reported with the real term's weight normalised to 1
         linearisation=Linearisation(_logit_shift, ("log_weight_ratio",), lambda t: (1.0,),
                                     to_params=lambda k: {"weight_real": 1.0,
                                                          "weight_fake": math.exp(-k["log_weight_ratio"])},
                                     evidence="a* − logit(p/(p+q)) = {log_weight_ratio:.6g} (constant)"),
         audit=(AuditNote("warning", "class_weighted",
                          lambda k: f"the fake term is weighted {k['weight_fake']:g}× the real term: the optimum is "
                                    f"p/(p + {k['weight_fake']:g}·q), not p/(p+q) (the game is a skewed Jensen–Shannon "
                                    "divergence, still minimised at p_g = p_data)"),)),
    Loss("least_squares", "Least squares (LSGAN)", "(D − b)² on real, (D − a)² on fake, D the raw output",
         "Mao et al. 2017, Prop. 1 and Thm. 1",
         real=lambda y, o, a, b, c: (y - b) ** 2, fake=lambda y, o, a, b, c: (y - a) ** 2,
         optimum_fn=_least_squares_optimum, output="raw", params={"a": -1.0, "b": 1.0, "c": 0.0},
         generators=("least_squares",),
         # min = ∫ pq(b − a)²/(p + q) and ∫ pq/(p + q) = ¼(2 − Δ), Δ = ∫ (p − q)²/(p + q)
         value=ValueAtOptimum("triangular", lambda k: -((k["b"] - k["a"]) ** 2) / 4,
                              lambda k: (k["b"] - k["a"]) ** 2 / 2),
         optimum_formula="D* = (b·p + a·q)/(p + q)",
         # a* = a·(1 − t) + b·t; c is the generator's target, invisible in D's optimum; b = a is a
         # constant optimum, no least-squares game
         linearisation=Linearisation(_raw, ("a", "b"), lambda t: (1 - t, t), admissible=lambda k: k["a"] != k["b"],
                                     evidence="a* = ({b:.6g}·p + {a:.6g}·q)/(p+q)"),
         signature=TermSignature(lambda y: (y * y, y, y**0), _least_squares_read,
                                 "s·(a − b)² on real, s'·(a − a₀)² on fake"),
         audit=(AuditNote("info", "least_squares",
                          lambda k: f"least squares with targets a = {k['a']:g} (fake), b = {k['b']:g} (real): a* = "
                                    f"({k['b']:g}·p + {k['a']:g}·q)/(p+q) (Mao et al. 2017, Prop. 1)"),),
         pairings=_LSGAN_PAIRINGS),
    Loss("hinge", "Hinge", "max(0, m − a) on real, max(0, m + a) on fake", "Lim & Ye 2017; Miyato et al. 2018",
         real=lambda a, o, margin: o.relu(margin - a), fake=lambda a, o, margin: o.relu(margin + a),
         optimum_fn=_hinge_optimum, output="raw", params={"margin": 1.0}, generators=("hinge",),
         # at p > q, a* = m: the point costs 2m·q; so min = 2m ∫ min(p, q) = 2m(1 − TV)
         value=ValueAtOptimum("total_variation", lambda k: -2.0 * k["margin"], lambda k: 2.0 * k["margin"]),
         optimum_formula="a* = m·sign(p − q)",
         linearisation=Linearisation(_raw, ("margin",), lambda t: (_sign(2 * t - 1),),
                                     admissible=lambda k: k["margin"] > 0,
                                     evidence="a* = {margin:.6g}·sign(p − q)"),
         signature=TermSignature(),  # at the default margin 1 (the clamp check's "hinge" signature)
         audit=(AuditNote("info", "hinge", lambda k: f"hinge loss with margin {k['margin']:g}: a* = "
                                                     f"{k['margin']:g}·sign(p − q) (Lim & Ye 2017)"),)),
    Loss("swapped", "Cross-entropy with the labels swapped", "−log(1 − σ(a)) on real, −log σ(a) on fake",
         f"{GOODFELLOW} (a labelling slip: D learns q/(p + q))",
         real=lambda a, o: o.softplus(a), fake=lambda a, o: o.softplus(-a),
         optimum_fn=lambda lp, lq: _log_ratio(lq, lp), generators=("minimax", "non_saturating"),
         value=ValueAtOptimum("js", lambda k: -2.0, _log4), optimum_formula="D = q/(p + q)",
         linearisation=Linearisation(_probability, evidence="σ(a*) = q/(p+q)"), signature=TermSignature(),
         mirror_of="standard",
         audit=(AuditNote("error", "swapped_labels", lambda k: "swapped labels: real samples are labelled 0 and fake "
                                                               "samples 1; the optimum is D* = q/(p+q), so D calls data fake"),)),
    Loss("wasserstein", "Wasserstein critic (linear)", "−a on real, a on fake",
         "Arjovsky et al. 2017 (the unconstrained critic is unbounded)",
         real=lambda a, o: -a, fake=lambda a, o: a, optimum_fn=_linear_optimum, output="raw",
         generators=("hinge",), optimum_formula="a* = ±∞·sign(p − q) (unbounded without a Lipschitz constraint)",
         signature=TermSignature(),
         audit=(AuditNote("info", "wasserstein",
                          lambda k: "Wasserstein critic: E C(fake) − E C(real); pointwise its optimum is ±∞·sign(p − q), so it "
                                    "needs a Lipschitz constraint (weight clipping, gradient penalty; Arjovsky et al. 2017, "
                                    "Gulrajani et al. 2017)"),)),
    Loss("energy", "Energy-based (EBGAN)", "E on real, max(0, m − E) on fake, E ≥ 0 the energy",
         "Zhao et al. 2017 (EBGAN), Eq. 1 and Thm. 2",
         real=lambda a, o, margin: a, fake=lambda a, o, margin: o.relu(margin - a),
         optimum_fn=_energy_optimum, output="energy", params={"margin": 1.0}, generators=("energy",),
         # where p > q the point costs m·q (E = 0), where p < q it costs m·p (E = m): min = m ∫ min(p, q)
         value=ValueAtOptimum("total_variation", lambda k: -k["margin"], lambda k: k["margin"]),
         optimum_formula="E* = 0 where p > q, m where p < q", domain=(0.0, math.inf),
         linearisation=Linearisation(_raw, ("margin",), lambda t: (_below_half(t),),
                                     admissible=lambda k: k["margin"] > 0,
                                     evidence="E* = 0 where p > q, {margin:.6g} where p < q"),
         audit=(AuditNote("info", "energy", lambda k: f"energy-based (EBGAN) loss with margin {k['margin']:g}: E* = 0 "
                                                      f"where p > q, {k['margin']:g} where p < q; min L_D = "
                                                      f"{k['margin']:g}·(1 − TV) (Zhao et al. 2017, Thm. 2)"),)),
    Loss("drift", "Wasserstein critic with a drift penalty (ProGAN)", "−a + ε a² on real, a on fake",
         "Karras et al. 2018 (ProGAN), §A.1: ε_drift = 0.001",
         real=lambda a, o, epsilon: -a + epsilon * a * a, fake=lambda a, o, epsilon: a,
         optimum_fn=_drift_optimum, output="raw", params={"epsilon": 0.001}, generators=("hinge",),
         # at a* = (p − q)/(2εp): p(−a + εa²) + q a = −(p − q)²/(4εp), so min = −χ²_N/(4ε), χ²_N = ∫(p − q)²/p
         value=ValueAtOptimum("neyman", lambda k: -0.25 / k["epsilon"], lambda k: 0.0),
         optimum_formula="a* = (2t − 1)/(2εt), t = p/(p + q)",
         # t·a* = (2t − 1)/(2ε): affine in 1/ε
         linearisation=Linearisation(_times_t, ("inverse_epsilon",), lambda t: ((2 * t - 1) / 2,),
                                     to_params=lambda k: {"epsilon": 1.0 / k["inverse_epsilon"]},
                                     admissible=lambda k: k["inverse_epsilon"] > 0,
                                     evidence="t·a* = (2t − 1)/(2·{epsilon:.6g})"),
         audit=(AuditNote("info", "drift", lambda k: f"Wasserstein critic with drift ε = {k['epsilon']:g} on the real "
                                                     f"scores: a* = (2t − 1)/(2εt), finite (Karras et al. 2018, §A.1); "
                                                     "still needs a Lipschitz constraint for the W1 reading"),)),
    Loss("relativistic_standard", "Relativistic standard GAN (RSGAN)", "−log σ(C(x_r) − C(x_f)) on pairs",
         "Jolicoeur-Martineau 2018, §4.1 (RSGAN)", real=lambda d, o: o.softplus(-d), fake=lambda d, o: 0.0 * d,
         optimum_fn=_no_pointwise_optimum, coupling="relativistic", family="relativistic",
         generators=("relativistic",), optimum_formula="no pointwise optimum; at p = q every constant C is optimal "
                                                        "(value log 2)",
         audit=(AuditNote("info", "relativistic", _relativistic_message("standard")),)),
    Loss("relativistic_average", "Relativistic average GAN (RaSGAN)",
         "−log σ(C(x_r) − E C(x_f)) on real, −log(1 − σ(C(x_f) − E C(x_r))) on fake",
         "Jolicoeur-Martineau 2018, §4.2 (RaGAN)", real=lambda d, o: o.softplus(-d), fake=lambda d, o: o.softplus(d),
         optimum_fn=_no_pointwise_optimum, coupling="relativistic", family="relativistic",
         generators=("relativistic",), optimum_formula="no pointwise optimum; at p = q every constant C is optimal "
                                                        "(value 2 log 2)",
         audit=(AuditNote("info", "relativistic", _relativistic_message("average")),)),
    Loss("relativistic_hinge", "Relativistic average hinge", "max(0, 1 − (C(x_r) − E C(x_f))) on real, "
         "max(0, 1 + (C(x_f) − E C(x_r))) on fake", "Jolicoeur-Martineau 2018, §4.2 (RaHingeGAN)",
         real=lambda d, o: o.relu(1.0 - d), fake=lambda d, o: o.relu(1.0 + d),
         optimum_fn=_no_pointwise_optimum, coupling="relativistic", family="relativistic",
         generators=("relativistic",), optimum_formula="no pointwise optimum; at p = q every constant C is optimal",
         audit=(AuditNote("info", "relativistic", _relativistic_message("hinge")),)),
    Loss("relativistic_least_squares", "Relativistic average least squares (RaLSGAN)",
         "(C(x_r) − E C(x_f) − 1)² on real, (C(x_f) − E C(x_r) + 1)² on fake",
         "Jolicoeur-Martineau 2018, §4.2 (RaLSGAN)", real=lambda d, o: (d - 1.0) ** 2, fake=lambda d, o: (d + 1.0) ** 2,
         optimum_fn=_no_pointwise_optimum, coupling="relativistic", family="relativistic",
         generators=("relativistic",), optimum_formula="no pointwise optimum; at p = q every constant C is optimal",
         audit=(AuditNote("info", "relativistic", _relativistic_message("least_squares")),)),
    # Softmax GAN: the real batch's targets 1/n under a softmax of −D over the whole batch (real and fake), i.e.
    # L_D = E_p D + log Σ_{real ∪ fake} e^{−D}. Population form E_p D + log(E_p e^{−D} + E_q e^{−D}) + log n:
    # stationary where p = (p + q) e^{−D}/Z, so e^{−D*} ∝ p/(p + q) (D* = −log t + C) and
    # min L_D = E_p log((p + q)/p) + log n = log 2 − KL(p ‖ (p + q)/2) + log n.
    Loss("softmax", "Softmax GAN", "E_p D + log Σ_{real ∪ fake} e^{−D} (cross-entropy of softmax(−D) over the batch "
         "against targets 1/n on real samples)", "Lin 2017, Softmax GAN (arXiv:1704.06191), §2",
         real=lambda a, o: a, fake=lambda a, o: 0.0 * a, optimum_fn=_no_pointwise_optimum, output="raw",
         coupling="softmax", optimum_formula="D* = −log(p/(p + q)) + C (an energy, real scored low; C free)",
         audit=(AuditNote("info", "softmax", lambda k: "softmax GAN loss (batch-coupled: one softmax of −D over the real "
                                                       "and fake batch, targets 1/n on real samples): e^{−D*} ∝ "
                                                       "p/(p + q), i.e. D* = −log(p/(p+q)) + C, and min L_D = log 2 − "
                                                       "KL(p_data ‖ (p_data + p_g)/2) + log n (n the real batch "
                                                       "size); minimised at p_g = p_data (Lin 2017, arXiv:1704.06191, "
                                                       "§2)"),)),
)}


def resolve_loss(name: str) -> Loss:
    """A row of :data:`LOSSES` by name; an unknown name raises, suggesting the nearest ones."""
    if name in LOSSES:
        return LOSSES[name]
    close = difflib.get_close_matches(str(name), list(LOSSES), n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise GanTheoryError(f"unknown loss {name!r}{hint} (known: {', '.join(LOSSES)})")
