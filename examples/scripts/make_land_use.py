"""Regenerate the example county tables ``regions.csv`` and ``land_use.csv``.

The example county is modelled on 上虞区 (Shangyu District, Shaoxing,
Zhejiang) in 2021. Only the county totals are official; they come from the
seed document ``seed:000_01c03a54af597a57`` (上虞区“两山”实践创新基地建设实施方案):

* area 1362 km²                              二、(一)1 地理位置
* 7 街道 + 10 镇 + 3 乡, by name                二、(一)2 行政区划
* 户籍人口 71.71 万人 (end of 2021)              二、(四)2 社会建设
* 地区生产总值 1135.68 亿元 (2021)               二、(四)1 经济发展
* 森林覆盖率 37.68 %, 森林面积 791986 亩,
  林地面积 808798 亩 (end of 2021)              二、(三)1 动植物资源

Everything below the county level (township areas, populations, GDP and all
land-use areas) is ILLUSTRATIVE: invented to be plausible, marked
``illustrative`` in the data, and never to be quoted as facts about Shangyu.

How the land-use table is built (deterministic, no randomness):

1. Each township is given a landscape type (urban core, northern water-network
   plain, northern coastal reclaimed plain, central hills-and-valleys, southern
   hills, southern mountains). Each type has a land-use profile in permille
   (‰, integers summing to 1000) over GB/T 21010—2017 second-level classes.
2. A few townships get named adjustments ("moves": x ‰ from one class to
   another, so the profile still sums to 1000), e.g. 汤浦水库 in 汤浦镇.
3. Areas are computed in integers of 0.01 hm²: each class gets
   ``floor(area × share)`` and the rounding remainder goes to the township's
   largest class, so every township adds up exactly to its area.
4. The profiles were tuned by hand so that the county's 林地
   (0301+0302+0305+0307) lands near the seed's 808798 亩 and 森林
   (0301+0302+0305) near 791986 亩; the checks at the end print and assert it.

Run ``python examples/scripts/make_land_use.py`` to rewrite both files.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parents[2] / "gep" / "examples" / "shangyu"  # the example county's inputs

SEED = "seed:000_01c03a54af597a57"
ILLUSTRATIVE_SOURCE = "illustrative: gep example"

# ---------------------------------------------------------------------------
# Official county totals (seed document, see module docstring)
# ---------------------------------------------------------------------------
COUNTY_AREA_KM2 = "1362"          # 二、(一)1
COUNTY_POP_WAN = "71.71"          # 二、(四)2, 户籍人口
COUNTY_GDP_YI = "1135.68"         # 二、(四)1
FOREST_COVER_PCT = 37.68          # 二、(三)1 森林覆盖率
FOREST_AREA_MU = 791986           # 二、(三)1 森林面积
WOODLAND_AREA_MU = 808798         # 二、(三)1 林地面积
MU_PER_HM2 = 15                   # 1 hm² = 15 亩

# ---------------------------------------------------------------------------
# GB/T 21010—2017 second-level classes used here (code -> 名称)
# ---------------------------------------------------------------------------
CLASSES = {
    "0101": "水田",
    "0102": "水浇地",
    "0103": "旱地",
    "0201": "果园",
    "0202": "茶园",
    "0204": "其他园地",
    "0301": "乔木林地",
    "0302": "竹林地",
    "0305": "灌木林地",
    "0307": "其他林地",
    "0404": "其他草地",
    "0601": "工业用地",
    "0701": "城镇住宅用地",
    "0702": "农村宅基地",
    "1003": "公路用地",
    "1101": "河流水面",
    "1103": "水库水面",
    "1104": "坑塘水面",
    "1105": "沿海滩涂",
    "1106": "内陆滩涂",
    "1107": "沟渠",
    "1206": "裸土地",
}
WOODLAND = ("0301", "0302", "0305", "0307")   # 林地
FOREST = ("0301", "0302", "0305")             # 森林 (excludes 其他林地)

# ---------------------------------------------------------------------------
# Land-use profiles per landscape type, in permille (ILLUSTRATIVE)
# ---------------------------------------------------------------------------
#            0101 0102 0103 0201 0202 0204 0301 0302 0305 0307 0404 0601 0701 0702 1003 1101 1103 1104 1105 1106 1107 1206
_PROFILE_ROWS = {
    "urban":    (180, 10,  20,  30,  0,  10,  60,  15,  5,   5,  10, 140, 230,  50,  60, 100,  0,  40,   0,  15,  15,  5),
    "plain":    (360, 20,  40,  50,  0,  10,  95,  25,  5,   5,  10, 100,  50,  80,  30,  60,  0,  30,   0,   5,  20,  5),
    "coastal":  (200, 40, 110,  60,  0,  10,  20,   0,  5,   5,  20, 130,  40,  60,  30,  40,  0,  80, 110,  10,  25,  5),
    "central":  (180, 10,  32,  55, 15,  10, 340, 120, 10,   8,  10,  40,  20,  50,  20,  25,  0,  35,   0,   5,  10,  5),
    "hilly":    (100,  5,  33,  50, 20,  10, 430, 170, 15,  12,  10,  25,  15,  35,  15,  20, 10,  10,   0,   5,   5,  5),
    "mountain": ( 35,  0,  30,  25, 35,   5, 535, 235, 20,  10,  10,   5,   5,  15,  10,  16,  5,   2,   0,   1,   1,  0),
}
PROFILES = {name: dict(zip(CLASSES, row)) for name, row in _PROFILE_ROWS.items()}
assert all(len(row) == len(CLASSES) and sum(row) == 1000 for row in _PROFILE_ROWS.values())

# ---------------------------------------------------------------------------
# Townships (ILLUSTRATIVE figures; names and kinds from the seed, 二、(一)2)
# ---------------------------------------------------------------------------
# id, 中文名, English name, landscape type, area km², population 万人, GDP 亿元.
# The last township's area, population and GDP are None: they are computed as
# the county total minus the others, so the townships add up exactly.
TOWNSHIPS = [
    ("baiguan",   "百官街道", "Baiguan Subdistrict",   "urban",    "45.20", "15.20", "215.40"),
    ("caoe",      "曹娥街道", "Cao'e Subdistrict",     "urban",    "72.35",  "7.85", "128.60"),
    ("dongguan",  "东关街道", "Dongguan Subdistrict",  "plain",    "58.40",  "4.35",  "68.30"),
    ("daoxu",     "道墟街道", "Daoxu Subdistrict",     "plain",    "49.75",  "3.90",  "72.50"),
    ("xiaoyue",   "小越街道", "Xiaoyue Subdistrict",   "plain",    "42.60",  "3.60",  "58.20"),
    ("lianghu",   "梁湖街道", "Lianghu Subdistrict",   "central",  "55.30",  "2.85",  "36.80"),
    ("songxia",   "崧厦街道", "Songxia Subdistrict",   "coastal", "148.45",  "6.40", "257.90"),
    ("zhangzhen", "章镇镇",   "Zhangzhen Town",        "hilly",   "116.60",  "4.15",  "42.60"),
    ("fenghui",   "丰惠镇",   "Fenghui Town",          "hilly",    "82.45",  "3.70",  "38.40"),
    ("shangpu",   "上浦镇",   "Shangpu Town",          "central",  "63.80",  "2.60",  "45.70"),
    ("tangpu",    "汤浦镇",   "Tangpu Town",           "hilly",    "64.25",  "2.20",  "22.30"),
    ("yonghe",    "永和镇",   "Yonghe Town",           "hilly",    "41.35",  "1.70",  "14.60"),
    ("yiting",    "驿亭镇",   "Yiting Town",           "central",  "48.90",  "2.45",  "30.20"),
    ("xietang",   "谢塘镇",   "Xietang Town",          "coastal",  "76.70",  "2.95",  "41.80"),
    ("gaibei",    "盖北镇",   "Gaibei Town",           "coastal",  "70.20",  "2.30",  "28.90"),
    ("changtang", "长塘镇",   "Changtang Town",        "central",  "43.80",  "1.45",  "12.40"),
    ("xiaguan",   "下管镇",   "Xiaguan Town",          "mountain", "92.40",  "1.35",   "8.70"),
    ("lingnan",   "岭南乡",   "Lingnan Township",      "mountain", "77.90",  "0.75",   "3.90"),
    ("chenxi",    "陈溪乡",   "Chenxi Township",       "mountain", "62.15",  "0.60",   "3.30"),
    ("dingzhai",  "丁宅乡",   "Dingzhai Township",     "hilly",     None,     None,     None),
]

# Township-specific adjustments: (township, permille, from class, to class).
MOVES = [
    ("baiguan",   60, "0101", "0701"),   # district seat: more housing
    ("songxia",   80, "0101", "0601"),   # 杭州湾上虞经开区 industrial land
    ("songxia",   40, "0103", "1105"),   # longest stretch of Hangzhou Bay shore
    ("gaibei",    80, "0101", "0201"),   # 盖北葡萄 vineyards
    ("xietang",   40, "0103", "0201"),   # 谢塘梨 pear orchards
    ("yiting",    60, "0101", "0201"),   # 二都杨梅 bayberry orchards
    ("zhangzhen", 30, "0103", "0201"),   # 猕猴桃 kiwifruit
    ("dingzhai",  50, "0101", "0201"),   # 丁宅水蜜桃, 四季仙果
    ("tangpu",   100, "0301", "1103"),   # 汤浦水库 reservoir
    ("xiaguan",   10, "0301", "1103"),   # small mountain reservoirs
    ("chenxi",    80, "0301", "0302"),   # 竹隐陈溪: bamboo
    ("lingnan",   15, "0301", "0202"),   # tea gardens
]

COASTAL = {"songxia", "xietang", "gaibei"}   # only these may hold 1105 沿海滩涂


# ---------------------------------------------------------------------------
# Helpers: fixed-point decimals as integers (no floating-point in the sums)
# ---------------------------------------------------------------------------
def to_cents(text: str) -> int:
    """'1362' or '45.2' or '45.20' -> integer hundredths."""
    whole, _, frac = text.partition(".")
    assert len(frac) <= 2, text
    return int(whole) * 100 + int((frac + "00")[:2])


def fmt_cents(n: int) -> str:
    assert n >= 0
    return f"{n // 100}.{n % 100:02d}"


def township_table() -> list[dict]:
    """Townships with integer-cent area/pop/gdp; the last one takes the remainder."""
    totals = {"area": to_cents(COUNTY_AREA_KM2), "pop": to_cents(COUNTY_POP_WAN),
              "gdp": to_cents(COUNTY_GDP_YI)}
    rows = []
    for tid, zh, en, kind, area, pop, gdp in TOWNSHIPS:
        rows.append({"id": tid, "zh": zh, "en": en, "kind": kind,
                     "area": None if area is None else to_cents(area),
                     "pop": None if pop is None else to_cents(pop),
                     "gdp": None if gdp is None else to_cents(gdp)})
    last = rows[-1]
    for key, total in totals.items():
        last[key] = total - sum(r[key] for r in rows[:-1])
        assert last[key] > 0, (key, last[key])
    return rows


def profile_for(tid: str, kind: str) -> dict[str, int]:
    prof = dict(PROFILES[kind])
    for who, permille, src, dst in MOVES:
        if who == tid:
            assert prof[src] >= permille, (tid, src, prof[src], permille)
            prof[src] -= permille
            prof[dst] += permille
    assert sum(prof.values()) == 1000, (tid, sum(prof.values()))
    return prof


def land_use_for(area_km2_cents: int, prof: dict[str, int]) -> dict[str, int]:
    """Areas per class in 0.01 hm²; exact sum = area km² × 100 hm²/km² × 100."""
    total = area_km2_cents * 100          # 0.01 km² = 1 hm² = 100 × 0.01 hm²
    out = {code: total * pm // 1000 for code, pm in prof.items()}
    largest = max(prof, key=lambda c: (prof[c], c))
    out[largest] += total - sum(out.values())
    return out


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------
def write_regions(towns: list[dict], path: Path) -> None:
    header = ["id", "parent", "level", "name_zh", "name_en", "code", "area", "area_unit",
              "population", "population_unit", "gdp", "gdp_unit", "status", "source"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerow(["shangyu", "", "county", "上虞区", "Shangyu District", "330604",
                    COUNTY_AREA_KM2, "km²", COUNTY_POP_WAN, "万人", COUNTY_GDP_YI, "亿元",
                    "official", f"{SEED} 二、(一)/(四)"])
        for t in towns:
            w.writerow([t["id"], "shangyu", "township", t["zh"], t["en"], "",
                        fmt_cents(t["area"]), "km²", fmt_cents(t["pop"]), "万人",
                        fmt_cents(t["gdp"]), "亿元", "illustrative", ILLUSTRATIVE_SOURCE])


def write_land_use(land: dict[str, dict[str, int]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["region", "code", "name_zh", "area", "unit", "status"])
        for tid, classes in land.items():
            for code, cents in classes.items():
                if cents == 0:
                    continue                      # classes absent in a township are omitted
                w.writerow([tid, code, CLASSES[code], fmt_cents(cents), "hm²", "illustrative"])


# ---------------------------------------------------------------------------
# Build, write, check
# ---------------------------------------------------------------------------
def main() -> None:
    towns = township_table()
    land = {t["id"]: land_use_for(t["area"], profile_for(t["id"], t["kind"])) for t in towns}

    write_regions(towns, HERE / "regions.csv")
    write_land_use(land, HERE / "land_use.csv")

    # --- checks on the in-memory tables -----------------------------------
    assert len(towns) == 20 and len({t["id"] for t in towns}) == 20
    kinds = [t["zh"][-2:] if t["zh"].endswith("街道") else t["zh"][-1] for t in towns]
    assert kinds.count("街道") == 7 and kinds.count("镇") == 10 and kinds.count("乡") == 3
    assert sum(t["area"] for t in towns) == to_cents(COUNTY_AREA_KM2)
    assert sum(t["pop"] for t in towns) == to_cents(COUNTY_POP_WAN)
    assert sum(t["gdp"] for t in towns) == to_cents(COUNTY_GDP_YI)
    for t in towns:
        assert sum(land[t["id"]].values()) == t["area"] * 100, t["id"]
        if t["id"] not in COASTAL:
            assert land[t["id"]]["1105"] == 0, t["id"]

    # --- re-read the written files and check them again ---------------------
    with (HERE / "regions.csv").open(encoding="utf-8") as fh:
        regions = list(csv.DictReader(fh))
    with (HERE / "land_use.csv").open(encoding="utf-8") as fh:
        lu = list(csv.DictReader(fh))
    twn = [r for r in regions if r["level"] == "township"]
    county = next(r for r in regions if r["level"] == "county")
    assert sum(to_cents(r["area"]) for r in twn) == to_cents(county["area"]) == 136200
    assert sum(to_cents(r["population"]) for r in twn) == to_cents(county["population"])
    assert sum(to_cents(r["gdp"]) for r in twn) == to_cents(county["gdp"])
    per_region: dict[str, int] = {}
    for r in lu:
        assert len(r["code"]) == 4 and r["code"] in CLASSES, r
        per_region[r["region"]] = per_region.get(r["region"], 0) + to_cents(r["area"])
    for r in twn:
        assert per_region[r["id"]] == to_cents(r["area"]) * 100, r["id"]   # km² → hm²
    county_hm2_cents = sum(per_region.values())
    assert county_hm2_cents == 136200 * 100        # 136200 hm² in 0.01 hm²

    # --- county totals vs the seed ------------------------------------------
    by_code: dict[str, int] = {}
    for r in lu:
        by_code[r["code"]] = by_code.get(r["code"], 0) + to_cents(r["area"])
    area_hm2 = county_hm2_cents / 100
    woodland_hm2 = sum(by_code.get(c, 0) for c in WOODLAND) / 100
    forest_hm2 = sum(by_code.get(c, 0) for c in FOREST) / 100
    tree_bamboo_hm2 = (by_code["0301"] + by_code["0302"]) / 100
    seed_woodland_hm2 = WOODLAND_AREA_MU / MU_PER_HM2
    seed_forest_hm2 = FOREST_AREA_MU / MU_PER_HM2

    print(f"townships: {len(twn)}; area {fmt_cents(sum(to_cents(r['area']) for r in twn))} km², "
          f"population {fmt_cents(sum(to_cents(r['population']) for r in twn))} 万人, "
          f"GDP {fmt_cents(sum(to_cents(r['gdp']) for r in twn))} 亿元")
    print(f"land_use.csv: {len(lu)} rows; county total {area_hm2:.2f} hm² "
          f"(every township equals its area × 100 to 0.01 hm²)")
    print(f"林地 0301+0302+0305+0307: {woodland_hm2:10.2f} hm² = {woodland_hm2 * MU_PER_HM2:9.0f} 亩 "
          f"(seed {WOODLAND_AREA_MU} 亩 = {seed_woodland_hm2:.1f} hm², "
          f"{(woodland_hm2 / seed_woodland_hm2 - 1) * 100:+.2f} %)")
    print(f"森林 0301+0302+0305:      {forest_hm2:10.2f} hm² = {forest_hm2 * MU_PER_HM2:9.0f} 亩 "
          f"(seed {FOREST_AREA_MU} 亩 = {seed_forest_hm2:.1f} hm², "
          f"{(forest_hm2 / seed_forest_hm2 - 1) * 100:+.2f} %)")
    print(f"share of county area: 林地 {woodland_hm2 / area_hm2 * 100:.2f} %, "
          f"森林 {forest_hm2 / area_hm2 * 100:.2f} %, 乔木+竹林 {tree_bamboo_hm2 / area_hm2 * 100:.2f} % "
          f"(seed 森林覆盖率 {FOREST_COVER_PCT} %; seed 森林面积 / 1362 km² = "
          f"{seed_forest_hm2 / area_hm2 * 100:.2f} %)")
    groups = {"耕地 01": "01", "园地 02": "02", "林地 03": "03", "草地 04": "04",
              "建设 06/07/10": ("06", "07", "10"), "水域 11": "11", "其他 12": "12"}
    parts = []
    for label, prefix in groups.items():
        v = sum(a for c, a in by_code.items() if c.startswith(prefix)) / 100
        parts.append(f"{label} {v / area_hm2 * 100:.1f} %")
    print("county structure: " + ", ".join(parts))

    assert abs(woodland_hm2 / seed_woodland_hm2 - 1) < 0.005, "林地 off the seed figure by >0.5 %"
    assert abs(forest_hm2 / seed_forest_hm2 - 1) < 0.005, "森林 off the seed figure by >0.5 %"
    # The seed's 37.68 % cannot equal both 森林面积 / 1362 km² (38.77 %) and itself; the
    # example matches it with 乔木林地 + 竹林地 and keeps 森林 within 1.5 percentage points.
    assert abs(tree_bamboo_hm2 / area_hm2 * 100 - FOREST_COVER_PCT) < 0.25, "乔木+竹林 share off 37.68 %"
    assert abs(forest_hm2 / area_hm2 * 100 - FOREST_COVER_PCT) < 1.5, "森林 share off 37.68 % by >1.5 pp"
    print("all checks passed")


if __name__ == "__main__":
    main()
