"""gep: Gross Ecosystem Product (GEP, 生态系统生产总值) accounting.

>>> import gep
>>> res = gep.Account.from_config(gep.example_config()).run()
>>> res.total            # GEP in 元
>>> res.value            # xarray DataArray (service × region) in 元
>>> res.to_dataframe()   # tidy table, one row per region × service

``import gep`` is cheap: the names below are imported on first use
(:mod:`gep._lazy`), so ``gep --help`` or a script that only needs
``gep.GepError`` never loads xarray, pint, dask or rioxarray.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_names
from ._version import __version__

#: public name -> the submodule that defines it
_NAMES = {
    "ureg": "units",
    "GepError": "errors",
    "load_coefficients": "coefficients",
    "shipped_sets": "coefficients",
    "ecosystem_types": "classifications",
    "load_scheme": "classifications",
    "get_service": "services",
    "services": "services",
    "Account": "account",
    "AccountResult": "account",
    "compare_methods": "account",
    "account_uncertainty": "account",
    "example_config": "examples",
    "run_years": "account.years",
}

__all__ = ["__version__", *_NAMES]

if TYPE_CHECKING:  # where each name comes from, for type checkers and readers (and the import-layer test)
    from .account import Account, AccountResult, account_uncertainty, compare_methods
    from .account.years import run_years
    from .classifications import ecosystem_types, load_scheme
    from .coefficients import load_coefficients, shipped_sets
    from .errors import GepError
    from .examples import example_config
    from .services import get_service, services
    from .units import ureg

# `gep.services` is the function that lists the services, as it always was (the subpackage is
# `import gep.services as s` or `from gep.services import …`)
__getattr__, __dir__ = lazy_names(__name__, _NAMES)
