"""Public names of a package imported on first use (PEP 562 module ``__getattr__``).

``import gep`` and ``gep --help`` stay cheap: a package lists its public names and
the submodule of each, and a name is imported the first time it is looked up
(``gep.Account``, ``from gep.decisions import appraise``). Each package also
imports the same names under ``typing.TYPE_CHECKING``, so type checkers, readers
and the import-layer test see where every name comes from.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Callable, Mapping

__all__ = ["lazy_names"]


class _LazyPackage(types.ModuleType):
    """A package whose public names may share a submodule's name (``gep.services``, ``gep.screening.divisions``).

    Importing a submodule binds it on its package; when a public name of the
    package is spelled like that submodule, the public name keeps the attribute
    (as it did when the package imported its names eagerly).
    """

    _public: Mapping[str, str] = {}

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, types.ModuleType) and name in self._public and value.__name__ == f"{self.__name__}.{name}":
            return  # the import system binding submodule `name` over the public name `name`
        super().__setattr__(name, value)


def lazy_names(package: str, names: Mapping[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``, whose name ``n`` lives in submodule ``names[n]``.

    A name is imported once and then bound in the package, so later look-ups
    are plain attribute reads. Any other name that is a submodule is imported
    too (``gep.units``, ``gep.io``: reachable after ``import gep`` as when the
    package imported them eagerly). Anything else raises :class:`AttributeError`
    as for any module.
    """
    module_object = sys.modules[package]
    module_object.__class__ = _LazyPackage
    module_object._public = dict(names)

    def __getattr__(name: str):
        module = names.get(name)
        if module is None:
            if not name.startswith("__") and importlib.util.find_spec(f"{package}.{name}") is not None:
                return importlib.import_module(f"{package}.{name}")  # binds it on the package
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        module_object.__dict__[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(module_object)) | set(names))

    return __getattr__, __dir__
