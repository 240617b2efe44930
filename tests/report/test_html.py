"""What report.html holds: the same data from a result or a folder, optional sections, missing figures, one file."""

import base64
import copy
import html as htmllib
import io
import re

import pytest

from gep.report.data import ReportData
from gep.report.fonts import missing_glyphs
from gep.report.html import render_html


@pytest.fixture(scope="module")
def page(report_files):
    return report_files["report.html"].read_text(encoding="utf-8")


def visible_text(doc: str) -> str:
    body = doc.split("<body>", 1)[1]
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_folder_gives_the_same_report_data_as_the_result(folder_data, example_years):
    res = example_years[example_years.years[-1]]
    mem = ReportData.from_result(res)
    assert mem.gep == pytest.approx(folder_data.gep, rel=1e-12)
    a, b = mem.region_table(), folder_data.region_table()
    assert list(a.index) == list(b.index)
    assert a["gep"].to_numpy() == pytest.approx(b["gep"].to_numpy(), rel=1e-12)
    # the Two-Mountains table read back from the workbook says the same as the result
    ta, tb = mem.two_mountains, folder_data.two_mountains
    assert list(ta["no"].astype(int)) == list(tb["no"].astype(int))
    assert [m if m in (True, False) else None for m in ta["met"]] == list(tb["met"])
    assert mem.boundaries["features"][0]["geometry"] == folder_data.boundaries["features"][0]["geometry"]
    assert len(mem.coefficients_used) == len(folder_data.coefficients_used)


def test_figures_in_their_one_format(page):
    text = visible_text(page)
    # GEP 2021 = 110 363 901 300 元 = 1 103.64 亿元; per km²: 8 103.08 万元 → 8,103.1; per resident 153,903 元/人
    assert "1,104.58" in text and "8,110.0" in text and "154,034" in text and "12.52" in text
    assert "0.97" in text                                  # GEP/GDP
    assert "1104.58" not in text and "110457838007" not in text


def test_one_self_contained_file(page):
    assert page.count("@font-face") == 1 and "url(data:font/woff;base64," in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "url(http" not in page and "<script" not in page
    # the embedded font draws every character the page prints (no tofu in the browser or the PDF)
    from fontTools.ttLib import TTFont

    woff = base64.b64decode(re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page).group(1))
    cmap = TTFont(io.BytesIO(woff)).getBestCmap()
    text = visible_text(page)
    assert {c for c in text if not c.isspace() and ord(c) not in cmap} == set()
    assert missing_glyphs(text) == set()
    assert "@page" in page and "break-before: page" in page


def test_optional_sections_are_shown_only_when_present(folder_data, charts):
    plain = visible_text(render_html(folder_data, charts))
    assert "本次运行没有进行不确定性分析" in plain and "the run has no uncertainty analysis" in plain
    assert "the run compares no method variants" in plain
    # the example's quality section (summary.json): most of its value rests on illustrative rows
    share = folder_data.summary["quality"]["gep"]["illustrative"]
    assert f"示例数据 illustrative {share * 100:.2f} %" in plain
    bare = copy.deepcopy(folder_data)
    del bare.summary["quality"]
    assert "数据质量 Data quality" not in visible_text(render_html(bare, charts))   # nothing made up without it
    d = copy.deepcopy(folder_data)
    d.summary["uncertainty"] = {"draws": 1000, "seed": 1,
                                "gep": {"p5": 1.0e11, "p50": 1.1e11, "p95": 1.25e11},
                                "by_category": {"regulating": {"p5": 9.0e10, "p50": 9.6e10, "p95": 1.0e11}}}
    d.summary["method_variants"] = {"climate_regulation": {"with_efficiency": 2.0e9, "without": 6.0e9}}
    d.summary["quality"] = {"gep": {"illustrative": 0.62, "official": 0.38}}
    text = visible_text(render_html(d, charts))
    # 1.0e11 元 = 1 000.00 亿元; 1.25e11 = 1 250.00; 9.6e10 = 960.00; 2.0e9 = 20.00; 6.0e9 = 60.00
    for shown in ("1,000.00", "1,100.00", "1,250.00", "960.00", "20.00", "60.00", "with_efficiency"):
        assert shown in text, shown
    assert "示例数据 illustrative 62.00 %" in text
    assert "本次运行没有进行不确定性分析" not in text
    # a quality section this report cannot read is said so, not guessed at
    d.summary["quality"] = {"gep": {"illustrative": 3.0, "official": 9.0}}
    assert "cannot read" in visible_text(render_html(d, charts))


def test_a_missing_figure_is_a_dash_with_its_reason(folder_data, charts):
    d = copy.deepcopy(folder_data)
    d.summary["indicators"]["gep_gdp_ratio"].update(value=None, missing=["gdp"])
    d.two_mountains = None
    d.reasons["two_mountains"] = ("配置中没有“两山”指标表", "the config gives no Two-Mountains table")
    text = visible_text(render_html(d, charts))
    assert "— 缺少 gdp / missing gdp" in text
    assert "— 配置中没有“两山”指标表 / the config gives no Two-Mountains table" in text


def test_a_one_year_account_says_why_there_is_no_change(example_result, charts):
    d = ReportData.from_result(example_result)
    text = visible_text(render_html(d, {k: v for k, v in charts.items() if k != "waterfall"}))
    assert "本次运行只核算了一年" in text and "the run accounts one year only" in text


def test_report_errors(tmp_path):
    from gep.errors import ReportError
    from gep.report import write_report

    with pytest.raises(ReportError) as exc:
        write_report(tmp_path, tmp_path, pdf=False)
    assert exc.value.codes == ["report_input_missing"]
    (tmp_path / "summary.json").write_text("{", encoding="utf-8")
    with pytest.raises(ReportError) as exc:
        write_report(tmp_path, tmp_path, pdf=False)
    assert exc.value.codes == ["report_input_unreadable"]


def test_no_browser_for_the_pdf(tmp_path, monkeypatch, example_out):
    from gep.errors import ReportError
    from gep.report.pdf import print_pdf

    monkeypatch.setenv("GEP_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(ReportError) as exc:
        print_pdf(example_out / "report.html", tmp_path / "r.pdf")
    assert exc.value.codes == ["no_browser_for_pdf"] and "GEP_CHROMIUM" in exc.value.problems[0].hint_en


def test_without_the_report_extra_the_error_says_what_to_install(monkeypatch, tmp_path, example_out):
    import sys

    from gep.errors import MissingDependency
    from gep.report import write_report

    monkeypatch.setitem(sys.modules, "matplotlib", None)   # as if `pip install gep` without [report]
    with pytest.raises(MissingDependency) as exc:
        write_report(example_out, tmp_path, pdf=False)
    assert exc.value.codes == ["missing_dependency"] and 'gep-accounting[report]' in exc.value.problems[0].hint_en


def test_a_folder_missing_its_workbook_or_polygons_says_so_not_that_the_config_gave_none(example_out, charts, tmp_path):
    """An output folder without accounts.xlsx and regions.geojson (copied in part, or written with --formats
    json,nc): the report said "the config gives no Two-Mountains table" and "the account has no township
    boundaries", though run.toml names both."""
    import shutil

    folder = tmp_path / "out"
    shutil.copytree(example_out, folder)
    (folder / "accounts.xlsx").unlink()
    (folder / "regions.geojson").unlink()
    d = ReportData.from_folder(folder)
    assert "no accounts.xlsx" in d.reasons["two_mountains"][1] and "gep run" in d.reasons["two_mountains"][1]
    assert "no regions.geojson" in d.reasons["maps"][1]
    page = visible_text(render_html(d, charts))
    assert "the config gives no Two-Mountains table" not in page and "no coefficient records" not in page
    assert page.count("no accounts.xlsx") >= 2
    full = ReportData.from_folder(example_out)  # the complete folder keeps its tables and maps
    assert "two_mountains" not in full.reasons and "maps" not in full.reasons


def test_an_esv_account_is_labelled_esv_in_its_report_charts_and_workbook(tmp_path):
    """ESV (a value-transfer profile with supporting services) is not GEP: no label of its outputs says GEP."""
    import shutil

    import openpyxl

    import gep
    from gep.io.summary import in_measure
    from gep.report import charts as C

    folder = tmp_path / "county"
    shutil.copytree(gep.example_config().parent, folder)
    cfg = folder / "gep-value-transfer.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('profile = "xie2015-gep"', 'profile = "xie2015-esv"')
                   .replace('land_use = "land_use.csv"', 'land_use = "land_use.csv"\ntwo_mountains = "two_mountains.csv"'
                            '\neconomy = "economy.csv"', 1), encoding="utf-8")
    res = gep.Account.from_config(cfg).run()
    assert res.measure == "ESV"
    d = ReportData.from_result(res)
    figs = C.all_charts(d)
    drawn = [t for fig in figs.values() for t in C.texts_of(fig)]
    assert any("ESV" in t for t in drawn) and not any("GEP" in t for t in drawn)
    page = render_html(d, figs)
    text = visible_text(page)
    assert "单位国土面积 ESV" in text and "ESV per km² of land" in text
    # the plan's own indicator keeps its name (it gets no value from an ESV account, and says why)
    tm = visible_text("<body>" + page.split('id="two-mountains"', 1)[1].split("</section>", 1)[0])
    assert "GEP per unit land area" in tm and "this account reports ESV" in tm
    # every other label says ESV ("not GEP" where the report says what it is not; the warnings speak of GEP rows)
    labels = re.sub(r'<section id="two-mountains">.*?</section>|<div class="banner"><b>注意 Warnings</b>.*?</div>', "",
                    page, flags=re.S)
    outside = visible_text(labels)
    assert "GEP" not in outside.replace("not GEP", ""), outside
    # what an ESV report says of itself stays as it is
    assert "Ecosystem service value (ESV, not GEP)" in text
    out = res.write(tmp_path / "out")
    wb = openpyxl.load_workbook(out["accounts.xlsx"])
    header = [c.value for c in next(r for r in wb["分区 By region"].iter_rows() if r[0].value == "ID")]
    assert "ESV (亿元)" in header and "单位面积ESV ESV per area (万元/km²)" in header and "GEP (亿元)" not in header
    # the rule itself: the word, not other words, and never "not GEP"
    assert in_measure("GEP per km², 人均GEP, not GEP, 不是 GEP, GEPS", "ESV") == "ESV per km², 人均ESV, not GEP, 不是 GEP, GEPS"
    assert in_measure("GEP (亿元)", "GEP") == "GEP (亿元)"
