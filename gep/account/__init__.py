"""The account layer: orchestration of one yearly account and of several years.

``Account`` (config → ``validate()`` → ``run()``), the engine that executes the
services, ``AccountResult``, multi-year runs (:mod:`gep.account.years`) and
side-by-side comparison of ways of accounting (:mod:`gep.account.comparison`) and of
published method variants (:func:`compare_methods`, :mod:`gep.account.methods`).
This layer is the only one, apart from the applications above it, that reads
input files (through :mod:`gep.io`).
"""

from .account import Account
from .result import AccountResult
from .methods import MethodComparison, compare_methods

__all__ = ["Account", "AccountResult", "MethodComparison", "compare_methods"]
