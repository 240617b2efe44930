"""The published overall accuracy of land-use / land-cover products, and what it means for a class's area.

An uncertainty run (``gep run --uncertainty N``) can draw the area of every
land-use class with a relative error (classification error). Only *overall*
accuracies (OA, the share of correctly classified validation samples) are
published for the products below; their per-class user's and producer's
accuracies were not read (gep research notes, issue 11 §6).

From an overall accuracy to a per-class error (:func:`class_errors`)
-------------------------------------------------------------------
A share :math:`1 - OA` of the map is misclassified. If those pixels are spread
evenly over the classes, a class loses about :math:`1 - OA` of its mapped area
to others (omission) and gains about as much (commission); its net error lies
between :math:`-(1 - OA)` and :math:`+(1 - OA)` of its mapped area. ``gep``
takes :math:`\\pm(1 - OA)` as the 95 % interval of a normal factor on each
class's area, independent between classes, with each region's land area kept
(area moves between classes). This is a stated assumption, not an estimate: a
class much smaller than the others can be off by far more, and the right way
is the product's error matrix and a stratified area estimate (Olofsson et al.
2014); a county that has per-class errors gives them
(``[uncertainty] land_use_error``).

References
----------
Olofsson, P., Foody, G. M., Herold, M., Stehman, S. V., Woodcock, C. E., Wulder, M. A. (2014).
Good practices for estimating area and assessing accuracy of land change. Remote Sensing of
Environment 148: 42-57 -- map areas are biased by classification error; estimate class areas
from the error matrix.
"""

from __future__ import annotations

__all__ = ["LAND_COVER_ACCURACY", "MAX_RELATIVE_ERROR", "class_errors"]

#: a relative error above this is refused: a normal factor 1 ± 30 % (95 %) is below 0 with probability 10⁻¹¹;
#: a larger error needs the county's error matrix, not a factor
MAX_RELATIVE_ERROR = 0.3

#: product id -> overall accuracy (share), labels, source and how it was read
LAND_COVER_ACCURACY: dict[str, dict] = {
    "cnlucc": {
        "overall_accuracy": 0.943, "zh": "中国土地利用现状遥感监测数据（CNLUCC，1:10万目视解译）",
        "en": "CNLUCC (CAS land use, 1:100 000 visual interpretation)",
        "source": "许尔琪, 张红旗 (ChinaXiv:201711.01860, l.31): 一级土地利用分类综合评价精度达到94.3%以上; "
                  "宋永永 et al. (ChinaXiv:201809.00013, l.27): 各期土地利用类型综合评价精度均在94.3%以上",
        "status": "literature", "note": "a lower bound (≥ 94.3 %), cited second-hand; the primary paper (刘纪远 et al. "
                                         "2014, 地理学报) was not read",
    },
    "esa-worldcover-2020": {
        "overall_accuracy": 0.744, "zh": "ESA WorldCover 2020 v100", "en": "ESA WorldCover 2020 v100",
        "source": "worldcover2020.esa.int/documentation (independently validated by Wageningen University and IIASA)",
        "status": "literature", "note": "global overall accuracy",
    },
    "esa-worldcover-2021": {
        "overall_accuracy": 0.767, "zh": "ESA WorldCover 2021 v200", "en": "ESA WorldCover 2021 v200",
        "source": "esa-worldcover.org/en/about/about", "status": "literature", "note": "global overall accuracy",
    },
    "mcd12q1-c5": {
        "overall_accuracy": 0.748, "zh": "MODIS MCD12Q1 第5版（IGBP 分类）", "en": "MODIS MCD12Q1 Collection 5 (IGBP)",
        "source": "NASA MODLand validation status page (landval.gsfc.nasa.gov ProductStatus MOD12, web archive): "
                  "74.8 % globally, 95 % CI 72.3–77.4 %",
        "status": "literature", "note": "global overall accuracy of Collection 5; Collection 6 (73.6 %) was recalled, "
                                         "not read, and is not listed",
    },
    "clcd": {
        "overall_accuracy": 0.7931, "zh": "中国年度土地覆盖数据集（CLCD，Yang & Huang 2021）",
        "en": "CLCD (Yang & Huang 2021)",
        "source": "Yang, J., Huang, X. (2021). The 30 m annual land cover dataset and its dynamics in China from 1990 "
                  "to 2019. Earth System Science Data 13: 3907-3925 (abstract: 79.31 % on 5463 samples)",
        "status": "literature", "note": "overall accuracy on visually interpreted samples",
    },
    "copernicus-lc100-2019": {
        "overall_accuracy": 0.803, "zh": "Copernicus 全球土地覆盖 100 m v3.0（2019）",
        "en": "Copernicus Global Land Cover 100 m v3.0 (2019)",
        "source": "land.copernicus.eu/global/content/product-quality-lcc-100m-v30-global (80.6 % in 2015, 80.3 % in 2019)",
        "status": "literature", "note": "global overall accuracy",
    },
}


def class_errors(ecosystems, overall_accuracy: float) -> dict[str, float]:
    """The relative area error of each class from an overall accuracy: :math:`1 - OA` for every class.

    Parameters
    ----------
    ecosystems : iterable of str
        Ecosystem types of the account's land use.
    overall_accuracy : float
        Share of correctly classified samples, in (0, 1]. [1]

    Returns
    -------
    dict
        Type -> half-width of the 95 % interval of its area's relative error. [1]
    """
    oa = float(overall_accuracy)
    if not 0 < oa <= 1:
        raise ValueError(f"an overall accuracy is a share in (0, 1], got {overall_accuracy!r}")
    return {str(e): round(1.0 - oa, 12) for e in ecosystems}
