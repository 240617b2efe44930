r"""Physical quantities (功能量) of regulating services (调节服务), one module per family.

Pure functions: numbers, numpy arrays, xarray DataArrays or dask arrays in,
the same kind out, broadcast elementwise. Each function fixes its canonical
units in the docstring (``[units]`` after every parameter); the caller converts
before calling. No function sums over ecosystem types: the :math:`\sum_i` of a
formula is left to the caller (``.sum()`` over an ecosystem dimension), so the
per-type contributions stay visible in the account.

==================== ==========================================================
module               services
==================== ==========================================================
:mod:`.water`        水源涵养 water conservation, 洪水调蓄 flood regulation
:mod:`.soil`         土壤保持 soil retention (RUSLE), 防风固沙 sand fixation (RWEQ)
:mod:`.purification` 空气净化 / 水质净化 air and water purification
:mod:`.carbon`       固碳 carbon sequestration, 释氧 oxygen release
:mod:`.climate`      气候调节 climate regulation
==================== ==========================================================

Every function is also importable from this package
(``from gep.compute import regulating as R; R.soil_retention(...)``).
Coastal protection is priced directly (shoreline length × seawall cost,
:func:`gep.compute.valuation.replacement_cost`).
"""

from .water import water_conservation_volume, runoff_from_coefficient, lake_flood_storage_qtp, reservoir_flood_storage, marsh_flood_storage, vegetation_flood_storage, vegetation_storm_storage_miao
from .soil import rusle_potential, rusle_actual, soil_retention, sediment_volume, nutrient_retained, rweq_qmax, rweq_critical_length, rweq_loss, sand_fixation_area_m2
from .purification import purification_capacity, capped_purification
from .carbon import co2_from_npp, o2_from_npp, co2_from_nep, nep_from_npp, o2_from_co2, heterotrophic_respiration_pei, nep_from_npp_rh
from .climate import vegetation_cooling_kwh, water_evaporation_kwh, water_evaporation_kwh_cop, water_humidifying_kwh
from .carbon import C_PER_DRY_MATTER, CO2_PER_C, CO2_PER_DRY_MATTER, O2_PER_CO2, O2_PER_DRY_MATTER, O2_PER_DRY_MATTER_LYT1721
from .climate import KJ_PER_KWH
from .water import KM2_TO_M2, MM_M2_TO_M3

__all__ = [
    "water_conservation_volume",
    "runoff_from_coefficient",
    "lake_flood_storage_qtp",
    "reservoir_flood_storage",
    "marsh_flood_storage",
    "vegetation_flood_storage",
    "vegetation_storm_storage_miao",
    "rusle_potential",
    "rusle_actual",
    "soil_retention",
    "sediment_volume",
    "nutrient_retained",
    "rweq_qmax",
    "rweq_critical_length",
    "rweq_loss",
    "sand_fixation_area_m2",
    "purification_capacity",
    "capped_purification",
    "co2_from_npp",
    "o2_from_npp",
    "co2_from_nep",
    "nep_from_npp",
    "o2_from_co2",
    "heterotrophic_respiration_pei",
    "nep_from_npp_rh",
    "vegetation_cooling_kwh",
    "water_evaporation_kwh",
    "water_evaporation_kwh_cop",
    "water_humidifying_kwh",
    "C_PER_DRY_MATTER",
    "CO2_PER_C",
    "CO2_PER_DRY_MATTER",
    "O2_PER_CO2",
    "O2_PER_DRY_MATTER",
    "O2_PER_DRY_MATTER_LYT1721",
    "KJ_PER_KWH",
    "KM2_TO_M2",
    "MM_M2_TO_M3",
]
