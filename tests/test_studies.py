"""The validation gallery (validation/, gep.validation, gep check-studies, docs/validation.md).

- every published study of validation/ reproduces: each figure within its printed precision or its
  deviation explained, and every explanation holds (a stale one fails);
- the gallery covers every method family, with at least six studies;
- docs/validation.md is exactly the page the studies give (it cannot drift);
- how one figure is judged, on hand-made figures (the half-unit rule, explanations);
- expected.toml mistakes are errors naming the file and the figure;
- ``gep check-studies`` writes the page, ``--check`` fails when it is stale or a figure fails.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from typer.testing import CliRunner

from gep.cli import app
from gep.errors import ConfigError
from gep.validation import (METHOD_FAMILIES, Figure, check_studies, compare_figure, load_study,
                         not_reproduced_studies, render_page)

ROOT = Path(__file__).resolve().parent.parent
GALLERY = ROOT / "validation"
PAGE = ROOT / "docs" / "validation.md"


@pytest.fixture(scope="module")
def gallery():
    return check_studies(GALLERY)


# --------------------------------------------------------------- the gallery
def test_every_study_reproduces(gallery):
    problems = [f"{r.study.id}: {r.error}" for r in gallery if r.error]
    problems += [f"{r.study.id} / {f.figure.id}: {f.message}" for r in gallery for f in r.failures]
    assert not problems, "\n".join(problems)


def test_gallery_covers_every_method_family(gallery):
    assert len(gallery) >= 6
    families = {m for r in gallery for m in r.study.meta["methods"]}
    assert families == set(METHOD_FAMILIES)
    # and both kinds of value transfer, with a study-specific coefficient set somewhere
    assert any((r.study.folder / "coefficients" / "manifest.toml").is_file() for r in gallery)


def test_most_figures_match_within_their_printed_precision(gallery):
    n = sum(len(r.figures) for r in gallery)
    matched = sum(f.status == "match" for r in gallery for f in r.figures)
    assert n >= 250 and matched / n > 0.7


def test_page_is_current(gallery):
    expected = render_page(gallery, not_reproduced_studies(GALLERY))
    assert PAGE.read_text(encoding="utf-8") == expected, \
        "docs/validation.md is not current: run `gep check-studies` from the repository root"


def test_page_is_deterministic(gallery):
    skipped = not_reproduced_studies(GALLERY)
    assert render_page(gallery, skipped) == render_page(gallery, skipped)


def test_published_figures_in_the_page(gallery):
    text = PAGE.read_text(encoding="utf-8")
    # one figure of each study, as printed, and the not-reproduced section
    for needle in ("7,545.59 亿元", "35.55 亿元", "7,691.39 万元", "1,014.74 元/hm²", "4.83×10¹⁰ 元", "518.469 万元/km²",
                   "## Studies not reproduced"):
        assert needle in text, needle


def test_gallery_numbers_by_hand(gallery):
    by_id = {r.study.id: {f.figure.id: f for f in r.figures} for r in gallery}
    # 晋陕蒙: E = 3088.33 kg/hm² × 2.30 元/kg ÷ 7 = 1014.737 元/hm²
    assert by_id["jinshanmeng-1995-2015"]["equivalent_value"].gep == pytest.approx(3088.33 * 2.30 / 7, rel=1e-12)
    # forest 1995 → 2015: (3954 − 2891) km² × 100 × 22.95 equivalents × 1014.737 = 24.755×10⁸ 元
    assert by_id["jinshanmeng-1995-2015"]["forest_change"].gep == pytest.approx(1063e2 * 22.95 * 3088.33 * 2.30 / 7 / 1e8)
    # 白洋淀 recreation: 135×10⁴ visits × (52.47 + 343.33 + 578.03) 元 = 13.1467×10⁸ 元
    assert by_id["baiyangdian-2011"]["recreation"].gep == pytest.approx(135e4 * 973.83 / 1e8)
    # 银川 grassland, food: (0.10 + 0.22) / 2 × 3406.50 元/hm² = 545.04 元/hm² = 5.4504 万元/km²
    assert by_id["yinchuan-coefficients"]["grassland_food_production"].gep == pytest.approx(5.4504)
    # 甘孜 hydropower: 95.30×10⁸ kWh × 0.53 元/kWh = 50.509×10⁸ 元
    assert by_id["garze-2010"]["hydropower_4"].gep == pytest.approx(50.509)
    # 北部湾 water 1999 → 2006: its value changes as its area, 299.39 / 290.43 − 1
    assert by_id["beibu-gulf-1999-2014"]["water_change_1999_2006"].gep == pytest.approx((299.39 / 290.43 - 1) * 100)


# -------------------------------------------------------- judging one figure
def figure(published=0.03, decimals=2, explained=None) -> Figure:
    return Figure(id="x", label={"zh": "x", "en": "x"}, published=published, unit="亿元", decimals=decimals,
                  table="表3", locator="表3", selector={"total": True}, explained=explained)


@pytest.mark.parametrize("value,status", [
    (0.03, "match"), (0.0349, "match"), (0.025, "match"), (0.035, "match"),  # half a unit of 0.01 either side
    (0.0351, "fail"), (0.0249, "fail"), (0.04, "fail"), (None, "fail"), (float("nan"), "fail"),
])
def test_half_a_unit_of_the_last_printed_digit(value, status):
    assert compare_figure(figure(), value).status == status


@given(published=st.integers(-10**6, 10**6), decimals=st.integers(0, 4), offset=st.floats(-0.999, 0.999))
def test_printed_precision_property(published, decimals, offset):
    # a figure printed with d decimals matches every value within half a unit of its last digit,
    # and no value beyond it (offset is in half units; values on the boundary are left out)
    half = 0.5 * 10.0 ** (-decimals)
    printed = published * 10.0 ** (-decimals)
    f = figure(printed, decimals)
    assert compare_figure(f, printed + offset * half).status == "match"
    assert compare_figure(f, printed + (1.001 + abs(offset)) * half * (1 if offset >= 0 else -1)).status == "fail"


def test_unexplained_deviation_fails_with_its_size():
    r = compare_figure(figure(), 0.0397)
    assert r.status == "fail" and "+0.0097" in r.message and "not explained" in r.message


def test_explanation_with_its_recomputation():
    expl = {"kind": "gep_method", "recomputed": 0.039744, "en": "e", "zh": "z"}
    assert compare_figure(figure(explained=expl), 0.0397443).status == "explained"
    # the recomputation no longer holds (gep changed): fails
    r = compare_figure(figure(explained=expl), 0.0412)
    assert r.status == "fail" and "no longer holds" in r.message


def test_stale_explanation_fails():
    # gep now gives the published figure: the explanation must be removed
    expl = {"kind": "gep_method", "recomputed": 0.0397, "en": "e", "zh": "z"}
    r = compare_figure(figure(explained=expl), 0.0325)
    assert r.status == "fail" and "remove the explanation" in r.message


def test_input_rounding_explanation_is_checked():
    # 321.49 × 7.06 = 2269.7194; the paper's 2269.71 is consistent with 321.488…321.495 × 7.06
    expl = {"kind": "input_rounding", "input_printed": 321.49, "input_decimals": 2, "en": "e", "zh": "z"}
    assert compare_figure(figure(2269.71, explained=expl), 321.49 * 7.06).status == "explained"
    # 2269.60 would need an input of 321.473: outside 321.49 ± 0.005
    r = compare_figure(figure(2269.60, explained=expl), 321.49 * 7.06)
    assert r.status == "fail" and "cannot explain" in r.message


# ----------------------------------------------------- expected.toml errors
GOOD = """
[study]
id = "s"
title = { zh = "研究", en = "study" }
citation = "A paper"
read_via = "somewhere"
region = { zh = "县", en = "county" }
years = [2010]
methods = ["value_transfer_national"]
config = "gep.toml"
inputs = { zh = "面积", en = "areas" }

[[figure]]
id = "total"
label = { zh = "合计", en = "total" }
published = 1.0
unit = "亿元"
decimals = 2
table = "表1"
locator = "表1"
gep = { total = true }
"""


def write_expected(tmp_path, text) -> Path:
    folder = tmp_path / "study"
    folder.mkdir(exist_ok=True)
    (folder / "expected.toml").write_text(text, encoding="utf-8")
    return folder


def test_a_good_expected_file_loads(tmp_path):
    study = load_study(write_expected(tmp_path, GOOD))
    assert study.id == "s" and [f.id for f in study.figures] == ["total"] and study.figures[0].tolerance == 0.005


@pytest.mark.parametrize("change,needle", [
    (('locator = "表1"\n', ""), "figure total has no locator"),
    (("decimals = 2", "decimals = -1"), "decimals"),
    (("gep = { total = true }", 'gep = { service = "water_conservaton" }'), "unknown service 'water_conservaton'"),
    (("gep = { total = true }", "gep = { totl = true }"), "unknown selector keys"),
    (("gep = { total = true }", 'gep = { total = true, category = "regulating" }'), "exactly one of"),
    (('unit = "亿元"', 'unit = "亿圆"'), "unit does not parse"),
    (("years = [2010]", "years = [2010, 2015]"), "needs its year"),
    (('methods = ["value_transfer_national"]', 'methods = ["magic"]'), "unknown method families"),
    (('citation = "A paper"\n', ""), "[study] has no citation"),
    (('gep = { total = true }', 'gep = { total = true }\n[figure.explained]\nkind = "gep_method"\nen = "e"\nzh = "z"'),
     "needs recomputed"),
    (('gep = { total = true }', 'gep = { total = true }\n[figure.explained]\nkind = "guess"\nen = "e"\nzh = "z"'),
     "explanation kind 'guess'"),
])
def test_expected_file_mistakes_name_file_and_figure(tmp_path, change, needle):
    folder = write_expected(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as info:
        load_study(folder)
    (p,) = info.value.problems
    assert needle in p.en and p.file.endswith("expected.toml")


def test_duplicate_figure_ids(tmp_path):
    text = GOOD + GOOD[GOOD.index("[[figure]]"):]
    with pytest.raises(ConfigError, match="duplicate figure ids"):
        load_study(write_expected(tmp_path, text))


def test_missing_expected_file(tmp_path):
    with pytest.raises(ConfigError, match="has no expected.toml"):
        load_study(tmp_path)


# ------------------------------------------------------------------- CLI
@pytest.fixture
def small_gallery(tmp_path) -> Path:
    root = tmp_path / "validation"
    shutil.copytree(GALLERY / "yinchuan-coefficients", root / "yinchuan-coefficients")
    return root


def test_cli_writes_the_page_and_checks_it(small_gallery, tmp_path):
    runner = CliRunner()
    page = tmp_path / "page.md"
    result = runner.invoke(app, ["check-studies", str(small_gallery), "--page", str(page)])
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert "yinchuan-coefficients" in text and "518.469" in text
    assert runner.invoke(app, ["check-studies", str(small_gallery), "--page", str(page), "--check"]).exit_code == 0
    page.write_text(text + "edited\n", encoding="utf-8")
    stale = runner.invoke(app, ["check-studies", str(small_gallery), "--page", str(page), "--check"])
    assert stale.exit_code == 1 and "not current" in stale.output


def test_cli_fails_on_a_failing_figure(small_gallery, tmp_path):
    expected = small_gallery / "yinchuan-coefficients" / "expected.toml"
    expected.write_text(expected.read_text(encoding="utf-8").replace("published = 518.469", "published = 518.5"),
                        encoding="utf-8")
    result = CliRunner().invoke(app, ["check-studies", str(small_gallery), "--page", str(tmp_path / "p.md")])
    assert result.exit_code == 1 and "forest_total" in result.output and "not explained" in result.output


def test_cli_without_a_gallery(tmp_path):
    result = CliRunner().invoke(app, ["check-studies", str(tmp_path / "nowhere"), "--page", str(tmp_path / "p.md")])
    assert result.exit_code == 1 and "no validation folder" in result.output
