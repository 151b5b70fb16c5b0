"""Every public function and method of the package carries type hints.

The public surface is derived from the package itself: ``gantheory.__all__`` plus every public module-level
function and every public method of every public class defined in a public module (found with
:func:`pkgutil.walk_packages`); a class's ``__init__`` and ``__call__`` count as public (they are how users
build and call it). A callable counts as hinted when it has a return annotation and an annotation
on every parameter other than ``self``/``cls``/``*args``/``**kwargs``. Annotations are checked as written
(``__annotations__``), never evaluated: with ``from __future__ import annotations`` they are strings, and the
heavy types they name (torch, numpy, sympy) are imported only under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
from collections.abc import Callable, Iterator

import gantheory

_PUBLIC_DUNDERS = frozenset({"__init__", "__call__"})
_UNHINTED_KINDS = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def missing_hints(function: Callable) -> list[str]:
    """What ``function`` leaves unannotated: ``"return"`` and/or the names of unannotated parameters."""
    function = inspect.unwrap(function)
    annotations = getattr(function, "__annotations__", {}) or {}
    signature = inspect.signature(function, follow_wrapped=False)
    parameters = list(signature.parameters.values())
    missing = []
    for index, parameter in enumerate(parameters):
        if parameter.kind in _UNHINTED_KINDS:
            continue
        if index == 0 and parameter.name in ("self", "cls"):
            continue
        if parameter.name not in annotations:
            missing.append(parameter.name)
    if "return" not in annotations:
        missing.append("return")
    return missing


def _public_modules(package: types.ModuleType) -> Iterator[types.ModuleType]:
    yield package
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        yield importlib.import_module(info.name)


def _plain_function(member: object) -> Callable | None:
    """The function behind a class attribute (method, classmethod, staticmethod, property getter)."""
    if isinstance(member, (classmethod, staticmethod)):
        member = member.__func__
    if isinstance(member, property):
        member = member.fget
    return member if inspect.isfunction(member) else None


def _defined_in(obj: object, prefix: str) -> bool:
    return (getattr(obj, "__module__", None) or "").split(".")[0] == prefix


def public_callables(package: types.ModuleType) -> dict[str, Callable]:
    """Qualified name -> function, for every public function and public method of ``package``."""
    root = package.__name__
    found: dict[str, Callable] = {}

    def add_class(cls: type) -> None:
        for name, member in vars(cls).items():
            if name.startswith("_") and name not in _PUBLIC_DUNDERS:
                continue
            function = _plain_function(member)
            if function is not None and _defined_in(function, root):
                found[f"{function.__module__}.{function.__qualname__}"] = function

    def add(obj: object) -> None:
        if not _defined_in(obj, root):
            return
        if inspect.isclass(obj):
            add_class(obj)
        elif inspect.isfunction(obj):
            found[f"{obj.__module__}.{obj.__qualname__}"] = obj

    for name in getattr(package, "__all__", ()):
        add(getattr(package, name))
    for module in _public_modules(package):
        for name, obj in vars(module).items():
            if not name.startswith("_"):
                add(obj)
    return found


def offenders(package: types.ModuleType) -> list[str]:
    return sorted(
        f"{qualname}: {', '.join(missing)}"
        for qualname, function in public_callables(package).items()
        if (missing := missing_hints(function))
    )


def test_public_surface_is_found():
    """The walk reaches the whole package, so a pass below is not a pass over nothing."""
    names = public_callables(gantheory)
    modules = {function.__module__ for function in names.values()}
    assert len(names) > 100
    for expected in ("gantheory.quadrature", "gantheory.densities.base", "gantheory.claims.model",
                     "gantheory.testing.assertions", "gantheory.loss_audit.certificate"):
        assert expected in modules, expected


def test_every_public_function_and_method_is_hinted():
    bad = offenders(gantheory)
    assert not bad, f"{len(bad)} public callables lack type hints:\n" + "\n".join(bad)


def test_checker_reports_an_unhinted_module():
    """Negative control: the same walk over a synthetic package without hints reports every gap."""
    module = types.ModuleType("gantheory_synthetic")
    module.__path__ = []
    source = (
        "def bare(x, *args, y=1, **kwargs):\n    return x\n"
        "def hinted(x: int) -> int:\n    return x\n"
        "class Thing:\n"
        "    def __init__(self, size):\n        self._size = size\n"
        "    def __repr__(self):\n        return 'Thing'\n"
        "    def method(self, z):\n        return z\n"
        "    @classmethod\n    def make(cls) -> 'Thing':\n        return cls()\n"
        "    @property\n    def size(self):\n        return 1\n"
        "    def _private(self, w):\n        return w\n"
    )
    exec(compile(source, "<synthetic>", "exec"), module.__dict__)
    for obj in (module.bare, module.hinted, module.Thing):
        obj.__module__ = module.__name__
    assert offenders(module) == [
        "gantheory_synthetic.Thing.__init__: size, return",
        "gantheory_synthetic.Thing.method: z, return",
        "gantheory_synthetic.Thing.size: return",
        "gantheory_synthetic.bare: x, y, return",
    ]
    assert missing_hints(module.hinted) == []
