"""The one registry: gases as dimensions, tonnes, GWP metrics, and a cheap `import offset`."""

from __future__ import annotations

import subprocess
import sys

import pint
import pytest

from offset import units
from offset.factors import FactorLibrary


def test_carbon_to_co2_needs_no_context() -> None:
    assert units.scale("t C", "t CO2") == pytest.approx(44 / 12)


@pytest.mark.parametrize(("unit", "to"), sorted(units.KNOWN))
def test_known_conversions_are_the_registrys(unit: str, to: str) -> None:
    """The conversions answered without the registry are its own values, to the bit."""
    source, target = units._parse(unit), units._parse(to)
    by_registry = float(source.to(target.units).magnitude / target.magnitude)
    assert units.KNOWN[unit, to] == by_registry
    assert units.scale(unit, to) == by_registry


def test_t_is_the_tonne_and_kt_the_kilotonne() -> None:
    assert units.scale("t", "kg") == 1000.0  # never the short ton (907.18 kg)
    assert units.scale("ton", "kg") == pytest.approx(907.18474)
    assert units.scale("kt CO2", "t CO2") == 1000.0  # pint's default kt is the knot


def test_methane_does_not_become_co2_without_a_metric() -> None:
    with pytest.raises(units.UnitError, match="another dimension"):
        units.scale("t CH4", "t CO2")


def test_unparseable_unit_is_a_unit_error() -> None:
    with pytest.raises(units.UnitError, match="does not parse"):
        units.scale("furlongs of CO2", "t CO2")


@pytest.mark.parametrize(
    ("metric", "ch4", "n2o"),
    # AR5 28 / 265: MOE inventory overview; AR4 25 / 298 and AR6 27.9 / 273: IPCC via gwp.csv.
    [("AR5", 28.0, 265.0), ("AR4", 25.0, 298.0), ("AR6", 27.9, 273.0), ("SAR", 21.0, 310.0)],
)
def test_gwp_context_converts_under_a_named_metric(
    factors: FactorLibrary, metric: str, ch4: float, n2o: float
) -> None:
    rows = factors["gwp"].rows
    keys = zip(rows["gas"].astype(str), rows["metric"].astype(str), strict=True)
    table = dict(zip(keys, rows["canonical"].astype(float), strict=True))
    values = units.gwp_values(table, metric)
    assert values["CH4"] == ch4
    units.gwp_context(metric, values)
    ureg = units.registry()
    with ureg.context(f"{metric}GWP100"):
        assert ureg.Quantity(1.0, "t CH4").to("t CO2").magnitude == pytest.approx(ch4)
        assert ureg.Quantity(2.0, "kt N2O/yr").to("t CO2/yr").magnitude == pytest.approx(2000 * n2o)


def test_unknown_gwp_metric_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown GWP metric"):
        units.gwp_values({}, "AR9")


def test_registry_is_the_application_registry() -> None:
    ureg = units.registry()
    assert pint.get_application_registry().get() is ureg  # type: ignore[no-untyped-call]


def test_import_offset_builds_no_registry_and_loads_no_pandas() -> None:
    code = "import sys, offset; print('pint' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
