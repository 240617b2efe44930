"""The account layer: orchestration of one yearly account and of several years.

``Account`` (config → ``validate()`` → ``run()``), the engine that executes the
services, ``AccountResult``, multi-year runs (:mod:`gep.account.years`) and
side-by-side comparison of ways of accounting (:mod:`gep.account.comparison`), of
published method variants (:func:`compare_methods`, :mod:`gep.account.methods`), and the
uncertainty of an account (:func:`account_uncertainty`, :mod:`gep.account.uncertainty`).
This layer is the only one, apart from the applications above it, that reads
input files (through :mod:`gep.io`).
"""

from .account import Account
from .result import AccountResult
from .methods import MethodComparison, compare_methods
from .uncertainty import Uncertainty, account_uncertainty

__all__ = ["Account", "AccountResult", "MethodComparison", "compare_methods", "Uncertainty", "account_uncertainty"]
