"""Pure compute functions of ``gep``.

Arrays (numpy, xarray, dask) in, arrays out. Every function states its
canonical units in its docstring; no unit registry, no I/O and no coefficient
lookup happen here. The ``services`` layer converts inputs to these units,
resolves coefficients and calls these functions.
"""
