"""Each chart shows the right numbers on the right axis, and every string it draws has a glyph."""

import numpy as np
import pytest

from gep.report import charts as C
from gep.report.data import CATEGORY_LABELS, EFFECT_LABELS
from gep.report.fonts import missing_glyphs

YI = 1e8


def bars_by_label(ax):
    """Horizontal bars: {tick label: total width} (stacked segments added up)."""
    labels = {round(t.get_position()[1], 6): t.get_text() for t in ax.get_yticklabels()}
    out = {}
    for container in ax.containers:
        for rect in container:
            y = round(rect.get_y() + rect.get_height() / 2, 6)
            out[labels[y]] = out.get(labels[y], 0.0) + rect.get_width()
    return out


def test_category_chart(charts, folder_data):
    ax = charts["categories"].axes[0]
    got = bars_by_label(ax)
    want = {f"{CATEGORY_LABELS[c][0]} {CATEGORY_LABELS[c][1]}": v / YI
            for c, v in folder_data.summary["by_category"].items()}
    assert got.keys() == want.keys()
    for k in want:
        assert got[k] == pytest.approx(want[k], rel=1e-12)
    assert "亿元" in ax.get_xlabel()


def test_service_chart(charts, folder_data):
    ax = charts["services"].axes[0]
    got = bars_by_label(ax)
    by_service = folder_data.summary["by_service"]
    want = {f"{v['label']['zh']} {v['label']['en']}": v["value"] / YI for v in by_service.values() if v["value"]}
    assert got.keys() == want.keys()
    for k in want:
        assert got[k] == pytest.approx(want[k], rel=1e-12)
    # largest at the top
    order = [t.get_text() for t in ax.get_yticklabels()]
    assert order[-1] == max(want, key=want.get)
    assert "亿元" in ax.get_xlabel()


def test_township_chart_stacks_categories_to_township_gep(charts, folder_data):
    ax = charts["townships"].axes[0]
    got = bars_by_label(ax)
    table = folder_data.region_table()
    assert len(got) == len(table) == 20
    for rid, r in table.iterrows():
        assert got[f"{r['name_zh']} {r['name_en']}"] == pytest.approx(r["gep"] / YI, rel=1e-9)
    # each stacked layer is one category, labelled in both languages
    layers = {c.get_label(): sum(rect.get_width() for rect in c) for c in ax.containers}
    for cat in ("provisioning", "regulating", "cultural"):
        label = f"{CATEGORY_LABELS[cat][0]} {CATEGORY_LABELS[cat][1]}"
        assert layers[label] == pytest.approx(folder_data.summary["by_category"][cat] / YI, rel=1e-9)
    # ranked: the largest township is at the top
    top = ax.get_yticklabels()[-1].get_text()
    assert top.startswith(table.sort_values("gep").iloc[-1]["name_zh"])


@pytest.mark.parametrize("kind, column, scale, unit", [("gep", "gep", YI, "亿元"), ("per_km2", "gep_per_km2", 1.0, "万元/km²")])
def test_map_colours_each_township_by_its_value(charts, folder_data, kind, column, scale, unit):
    fig = charts.get(f"map_{'gep' if kind == 'gep' else 'per_km2'}")
    assert fig is not None, "the example county has township polygons"
    coll = fig.axes[0].collections[0]
    table = folder_data.region_table()
    assert sorted(coll.gep_regions) == sorted(table.index)
    np.testing.assert_allclose(np.asarray(coll.get_array()), [table.at[r, column] / scale for r in coll.gep_regions],
                               rtol=1e-12)
    assert unit in fig.axes[1].get_xlabel() + fig.axes[1].get_ylabel()   # the colour bar says the unit


def test_waterfall_walks_from_one_year_to_the_next(charts, folder_data):
    yoy = folder_data.summary["year_on_year"]
    ax = charts["waterfall"].axes[0]
    rects = list(ax.patches)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == str(yoy["from"]) and ticks[-1] == str(yoy["to"])
    effects = [e for e in EFFECT_LABELS if e in yoy["gep"]]
    assert [t.split("\n")[0] for t in ticks[1:-1]] == [EFFECT_LABELS[e][0] for e in effects]
    assert rects[0].get_height() == pytest.approx(yoy["gep"]["a"] / YI)
    assert rects[-1].get_height() == pytest.approx(yoy["gep"]["b"] / YI)
    level = yoy["gep"]["a"] / YI
    for rect, e in zip(rects[1:-1], effects):
        v = yoy["gep"][e] / YI
        assert rect.get_height() == pytest.approx(abs(v), abs=1e-9)
        assert rect.get_y() == pytest.approx(level if v >= 0 else level + v, abs=1e-9)
        level += v
    assert level == pytest.approx(yoy["gep"]["b"] / YI, rel=1e-9)   # the effects add up to the change
    # the axis is cut: it says so
    assert ax.get_ylim()[0] > 0
    assert any("不从 0 开始" in t for t in C.texts_of(charts["waterfall"]))


def test_no_tofu_every_string_drawn_has_a_glyph(charts):
    assert set(charts) == {"categories", "services", "townships", "map_gep", "map_per_km2", "waterfall"}
    for name, fig in charts.items():
        texts = C.texts_of(fig)
        assert texts, name
        assert missing_glyphs("".join(texts)) == set(), name


def test_svg_is_self_contained_and_reproducible(folder_data):
    svg = C.to_svg(C.category_chart(folder_data))
    assert "<text" not in svg          # glyphs are outlines: no font needed to show it
    assert 'href="http' not in svg and "url(http" not in svg   # nothing fetched from elsewhere
    assert C.to_svg(C.category_chart(folder_data)) == svg   # same data, same bytes


def test_a_one_year_account_has_no_waterfall_and_no_maps_without_boundaries(example_result):
    from gep.report.data import ReportData

    data = ReportData.from_result(example_result)
    data.boundaries = None
    assert C.waterfall_chart(data) is None
    assert C.map_chart(data) is None
