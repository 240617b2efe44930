"""gep: Gross Ecosystem Product (GEP, 生态系统生产总值) accounting.

>>> import gep
>>> res = gep.Account.from_config(gep.example_config()).run()
>>> res.total            # GEP in 元
>>> res.value            # xarray DataArray (service × region) in 元
>>> res.to_dataframe()   # tidy table, one row per region × service
"""

from ._version import __version__

from .units import ureg  # noqa: E402
from .errors import GepError  # noqa: E402
from .coefficients import load_coefficients, shipped_sets  # noqa: E402
from .classifications import ecosystem_types, load_scheme  # noqa: E402
from .services import get_service, services  # noqa: E402
from .account import Account, AccountResult, account_uncertainty, compare_methods  # noqa: E402
from .examples import example_config  # noqa: E402
from .account.years import run_years  # noqa: E402

__all__ = [
    "__version__",
    "ureg",
    "GepError",
    "load_coefficients",
    "shipped_sets",
    "ecosystem_types",
    "load_scheme",
    "get_service",
    "services",
    "Account",
    "AccountResult",
    "compare_methods",
    "account_uncertainty",
    "example_config",
    "run_years",
]
