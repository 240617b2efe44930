"""The draw mode of a :class:`~gep.services.context.Context`: uncertain numbers along a ``draw`` dimension.

In draw mode, :meth:`Context.coef` returns a :class:`DrawnResolved` for a
coefficient row that has a range (``low``/``high``/``distribution``): its
:meth:`~DrawnResolved.to` gives an :class:`xarray.DataArray` with a ``draw``
dimension instead of a float, and the services' formulas -- elementwise numpy
and xarray -- carry it through to the value. The other inputs that can be
uncertain are drawn here as well:

* the area of each land-use class (classification error), :meth:`DrawMode.areas`;
* the value of each statistics row, :meth:`DrawMode.statistics_factor`.

**One draw per uncertain quantity.** A coefficient row is drawn once per draw
and cached for the chunk: the same price for every township, and the same
draw when two services read the same row. A land-use class has one factor per
draw for every township; a statistics row one factor per draw.

What is drawn, and how, is the *sampler*'s: a function from an
:class:`Uncertain` to an array of ``n`` values (or ``None``: held at its value).
:mod:`gep.account.uncertainty` gives Monte Carlo, the Saltelli design of the
Sobol indices, and the ends of the structural ranges.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import xarray as xr

from ..coefficients import Resolved
from ..units import parse_unit

__all__ = ["Uncertain", "DrawnResolved", "DrawMode", "as_draws", "row_index"]


def _text(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


@dataclass(frozen=True)
class Uncertain:
    """One uncertain quantity of an account.

    Attributes
    ----------
    stream : str
        Stable name (the random stream): ``coef|<set>|<key>|<ecosystem>|<region>|<valid_from>``,
        ``land_use|<ecosystem type>`` or ``statistics|<file:row>``.
    group : str
        Its group for the sensitivity analysis: the coefficient key, ``input.land_use``
        or ``input.statistics``.
    kind : str
        ``coefficient``, ``land_use`` or ``statistics``.
    distribution : str
    value, low, high : float
        In the row's unit (a coefficient, before any rebasing) or as a factor (inputs: 1 ± error).
    """

    stream: str
    group: str
    kind: str
    distribution: str
    value: float
    low: float
    high: float

    @property
    def structural(self) -> bool:
        return self.distribution == "structural"


Sampler = Callable[[Uncertain], "np.ndarray | None"]


@dataclass(frozen=True)
class DrawnResolved(Resolved):
    """A resolved coefficient whose value is drawn: ``draws`` (row unit, rebased like the value)."""

    draws: np.ndarray = field(default=None, repr=False, compare=False)

    def to(self, unit: str) -> xr.DataArray:
        """The draws converted to ``unit``, as a ``draw`` DataArray."""
        offset, scale = _linear_conversion(self.unit, unit)
        return xr.DataArray(scale * self.draws if offset == 0.0 else offset + scale * self.draws, dims=("draw",))


@lru_cache(maxsize=1024)
def _linear_conversion(unit: str, target: str) -> tuple[float, float]:
    """``(offset, scale)`` with ``x unit = offset + scale·x target`` (every unit conversion is affine:
    multiplicative, or a temperature with an offset), computed once per pair as :meth:`Resolved.to` converts."""
    def convert(x: float) -> float:
        q = parse_unit(unit) * x
        t = parse_unit(target)
        return float(q.to(t.units).magnitude / t.magnitude)

    zero = convert(0.0)
    return zero, convert(1.0) - zero


def as_draws(values: np.ndarray, cells: dict, n: int) -> np.ndarray:
    """``values`` (any shape) with a trailing ``draw`` axis of ``n``, the drawn ``cells`` filled in.

    ``cells`` maps an index of ``values`` to a ``draw`` DataArray (or array) of ``n``.
    """
    out = np.repeat(np.asarray(values, dtype=float)[..., None], n, axis=-1)
    for index, drawn in cells.items():
        out[index] = np.asarray(drawn, dtype=float)
    return out


def row_index(coefficient_set) -> dict:
    """The set's rows by ``(set, file, row)``, as a :class:`Resolved` names its row."""
    return {(str(r["_set"]), str(r["_file"]), int(r["_row"])): r for r in coefficient_set.table.to_dict("records")}


class DrawMode:
    """What a Context in draw mode draws, for one chunk of ``n`` draws.

    Parameters
    ----------
    sampler : callable
        ``sampler(Uncertain) -> array of n values or None`` (held at its value).
    n : int
        Draws in this chunk.
    coefficient_set : CoefficientSet
        The account's set (to name each row's stream by its own ecosystem and region).
    include_structural : bool
        Draw ``structural`` ranges too (otherwise they are held at their value and listed).
    land_use_error : dict, optional
        Ecosystem type -> relative error of its area (the half-width of its 95 % interval).
    statistics_error : float, optional
        Relative error of every statistics row (the half-width of its 95 % interval).

    cache : dict, optional
        Shared by the chunks of one run: what does not depend on the draws (:attr:`cache`).
    rows : dict, optional
        :func:`row_index` of the set (computed when not given).

    Attributes
    ----------
    sampled : dict
        stream -> (Uncertain, record) of every quantity drawn.
    held : dict
        stream -> (Uncertain or None, record, reason) of every coefficient row used at its value:
        no range, a structural range not included, or a per-pixel lookup of a spatial method.
    """

    def __init__(self, sampler: Sampler, n: int, coefficient_set, *, include_structural: bool = False,
                 land_use_error: dict | None = None, statistics_error: float | None = None,
                 cache: dict | None = None, rows: dict | None = None):
        self.sampler = sampler
        self.n = int(n)
        self.include_structural = include_structural
        self.land_use_error = dict(land_use_error or {})
        self.statistics_error = statistics_error
        self.sampled: dict[str, tuple] = {}
        self.held: dict[str, tuple] = {}
        self._cache: dict[str, np.ndarray | None] = {}
        #: what services compute in draw mode that does not depend on the draws, kept from chunk to chunk
        self.cache = {} if cache is None else cache
        self._rows = rows if rows is not None else row_index(coefficient_set)
        self._hold: str | None = None
        self._areas_key = None
        self._areas = None

    # ------------------------------------------------------------ drawing
    def _draw(self, u: Uncertain, record: dict) -> np.ndarray | None:
        if u.stream not in self._cache:
            values = self.sampler(u)
            if values is not None:
                values = np.asarray(values, dtype=float)
                if values.shape != (self.n,):
                    raise ValueError(f"sampler gave {values.shape} values for {u.stream}, expected ({self.n},)")
                self.sampled[u.stream] = (u, record)
            self._cache[u.stream] = values
        return self._cache[u.stream]

    @contextmanager
    def holding(self, reason: str):
        """Coefficients resolved inside are used at their value (and listed with ``reason``)."""
        before, self._hold = self._hold, reason
        try:
            yield
        finally:
            self._hold = before

    def coefficient(self, row: Resolved, res: Resolved, factor: float = 1.0) -> Resolved:
        """``res`` drawn (a :class:`DrawnResolved`), or ``res`` itself when its row is used at its value.

        ``row`` is the resolution as the row gives it, ``res`` as the context uses it (rebased by
        ``factor`` to the account's prices): the draws of the row are rebased alike.
        """
        rec = self._rows.get((row.set_id, row.file, row.row), {})
        eco = _text(rec.get("ecosystem")) or row.ecosystem
        stream = "coef|" + "|".join(str(x) for x in (row.set_id, row.key, eco, row.region, row.valid_from))
        record = {"key": row.key, "ecosystem": eco, "region": row.region, "set": row.set_id, "row": row.row,
                  "file": row.file, "value": row.value, "unit": row.unit, "price_year": row.price_year,
                  "status": row.status, "source": row.source, "distribution": row.distribution or "",
                  "low": row.low, "high": row.high, "range_source": _text(rec.get("range_source")),
                  "range_note": _text(rec.get("range_note"))}
        if not row.distribution:
            self.held.setdefault(stream, (None, record, "no_range"))
            return res
        u = Uncertain(stream=stream, group=row.key, kind="coefficient", distribution=str(row.distribution),
                      value=float(row.value), low=float(row.low), high=float(row.high))
        if self._hold is not None:
            self.held.setdefault(stream, (u, record, self._hold))
            return res
        if u.structural and not self.include_structural:
            self.held.setdefault(stream, (u, record, "structural"))
            return res
        values = self._draw(u, record)
        if values is None:
            return res
        return DrawnResolved(**{f: getattr(res, f) for f in Resolved.__dataclass_fields__}, draws=values * factor)

    # ------------------------------------------------------------- inputs
    def areas(self, areas: xr.DataArray) -> xr.DataArray:
        r"""The land-use areas of this chunk's draws: each class's area times its factor, region totals kept.

        :math:`A'_{r,c} = A_{r,c} f_c \cdot \sum_c A_{r,c} / \sum_c A_{r,c} f_c`: misclassification
        moves area between classes; a region's land area is known. Without a land-use error,
        the areas themselves.
        """
        if not self.land_use_error:
            return areas
        if self._areas_key is areas:
            return self._areas
        ecosystems = list(map(str, areas.ecosystem.values))
        factors = np.ones((len(ecosystems), self.n))
        present = (np.abs(areas).sum("region") > 0).values
        for j, eco in enumerate(ecosystems):
            err = self.land_use_error.get(eco)
            if err is None or not present[j]:
                continue
            u = Uncertain(stream=f"land_use|{eco}", group="input.land_use", kind="land_use", distribution="normal",
                          value=1.0, low=1.0 - err, high=1.0 + err)
            drawn = self._draw(u, {"ecosystem": eco, "relative_error": err})
            if drawn is not None:
                factors[j] = np.maximum(drawn, 0.0)
        f = xr.DataArray(factors, dims=("ecosystem", "draw"), coords={"ecosystem": areas.ecosystem.values})
        scaled = areas * f
        total = areas.sum("ecosystem")
        drawn_total = scaled.sum("ecosystem")
        out = (scaled * xr.where(drawn_total > 0, total / drawn_total.where(drawn_total > 0, 1.0), 0.0))
        out = out.transpose("region", "ecosystem", "draw").assign_attrs(areas.attrs)
        self._areas_key, self._areas = areas, out
        return out

    def statistics_factor(self, source_row: str) -> np.ndarray | None:
        """The factor of one statistics row's value in each draw (``None``: no statistics error)."""
        err = self.statistics_error
        if not err:
            return None
        u = Uncertain(stream=f"statistics|{_portable(source_row)}", group="input.statistics", kind="statistics",
                      distribution="normal", value=1.0, low=1.0 - err, high=1.0 + err)
        drawn = self._draw(u, {"source_row": source_row, "relative_error": err})
        return None if drawn is None else np.maximum(drawn, 0.0)


def _portable(source_row: str) -> str:
    """``<file name>:<row>`` of a statistics row's ``<path>:<row>``: its random stream is named without the
    folder, so the same county's inputs give the same draws wherever they are (an account reads one
    statistics table, so its rows are told apart by row)."""
    path, sep, row = str(source_row).rpartition(":")
    return f"{Path(path).name}:{row}" if sep and row.isdigit() else Path(str(source_row)).name
