"""The package's one pint registry, and unit handling at the boundary.

Gases are dimensions: ``C`` is carbon and ``CO2 = 12/44 C``, so ``t C -> t CO2`` needs no context,
while ``CH4`` and ``N2O`` are dimensions of their own and convert to CO2 only under a named GWP
metric. Kernels never see pint: the boundary asks :func:`scale` for one float per column.

The registry is built on first use (about 0.4 s), never at ``import offset``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pint

#: The GWP metric used when none is named: Japan's national inventory uses AR5 GWP100.
DEFAULT_GWP_METRIC = "AR5"
GWP_METRICS = ("SAR", "AR4", "AR5", "AR6")

# Gases as dimensions (after openscm-units): a CH4 -> CO2 conversion without a metric is an error.
_DEFINITIONS = (
    "carbon = [carbon] = C",
    "CO2 = 12 / 44 * carbon",
    "methane = [methane] = CH4",
    "nitrous_oxide = [nitrous_oxide] = N2O",
    # `kt` is pint's knot; in emissions work it is always a kilotonne.
    "kilotonne = 1000 * metric_ton = kt",
)

_GAS_DIMENSIONS = {"CH4": "[methane]", "N2O": "[nitrous_oxide]"}


# Conversions a method asks for on every run, with the registry's value to the bit (12/44 C per
# CO2 inverted, as pint computes it; `test_known_conversions_are_the_registrys` compares), so that
# `offset calc forest` loads no pint (its import and registry: about 0.1 s of CPU).
KNOWN: dict[tuple[str, str], float] = {("t C/m**3", "t CO2/m**3"): 1 / (12 / 44)}


class UnitError(ValueError):
    """A unit that does not parse, or does not convert to the unit a column or table declares."""

    def __init__(self, unit: str, expected: str, reason: str) -> None:
        super().__init__(f"unit {unit!r} {reason} (expected something convertible to {expected!r})")
        self.unit = unit
        self.expected = expected
        self.reason = reason


@functools.cache
def registry() -> pint.UnitRegistry[Any]:
    """The package's pint registry; also set as pint's application registry."""
    import pint

    try:  # pint's parsed definitions cached on disk: about 1 s less on each first use
        ureg: pint.UnitRegistry[Any] = pint.UnitRegistry(
            on_redefinition="ignore", cache_folder=":auto:"
        )
    except Exception:  # an unwritable or half-written cache: parse the definitions instead
        ureg = pint.UnitRegistry(on_redefinition="ignore")
    for definition in _DEFINITIONS:
        ureg.define(definition)
    pint.set_application_registry(ureg)  # type: ignore[no-untyped-call]
    return ureg


def _parse(unit: str) -> Any:
    """One quantity of `unit` (a quantity, because unit strings may hold factors like 1000 m**3)."""
    import pint

    ureg = registry()
    try:
        parsed = ureg.parse_expression(unit)
    except pint.errors.UndefinedUnitError as e:
        raise UnitError(unit, unit, f"does not parse: {e}") from e
    except Exception as e:  # pint raises assorted errors (SyntaxError, TokenError...) on bad text
        raise UnitError(unit, unit, f"does not parse: {e}") from e
    if not isinstance(parsed, ureg.Quantity):  # a bare number such as "1"
        parsed = ureg.Quantity(parsed, "dimensionless")
    return parsed * 1.0


@functools.cache
def scale(unit: str, to: str) -> float:
    """The factor that converts magnitudes in `unit` to magnitudes in `to`.

    Raises :class:`UnitError` when either does not parse or their dimensions differ.
    """
    if unit == to:  # a table's rows in its own unit: no registry to load (about 0.4 s)
        return 1.0
    if (unit, to) in KNOWN:  # no registry for the conversions every forest run asks for
        return KNOWN[unit, to]
    import pint

    source, target = _parse(unit), _parse(to)
    try:
        return float(source.to(target.units).magnitude / target.magnitude)
    except pint.errors.DimensionalityError as e:
        raise UnitError(unit, to, "has another dimension") from e


def first_compatible(unit: str, choices: str) -> str:
    """The first of the ``|``-separated `choices` that `unit` converts to, else UnitError."""
    options = [c.strip() for c in choices.split("|")]
    if unit.strip() == options[0]:  # the first choice itself: no registry to load
        return options[0]
    for option in options:
        try:
            scale(unit, option)
        except UnitError as e:
            if "does not parse" in e.reason and e.unit == unit:
                raise
            continue
        return option
    raise UnitError(unit, choices, "has another dimension")


def gwp_values(table: Mapping[tuple[str, str], float], metric: str) -> dict[str, float]:
    """GWP per gas for one metric, from (gas, metric) -> value rows of the `gwp` factor table."""
    if metric not in GWP_METRICS:
        raise ValueError(f"unknown GWP metric {metric!r}; choose one of {', '.join(GWP_METRICS)}")
    return {gas: value for (gas, m), value in table.items() if m == metric}


def gwp_context(metric: str, values: Mapping[str, float]) -> Any:
    """A pint context named ``<metric>GWP100`` in which CH4 and N2O convert to CO2 by their GWP.

    Built on request (contexts are slow to build); kernels use plain floats from :func:`gwp_values`.
    """
    import pint

    ureg = registry()
    name = f"{metric}GWP100"
    context = pint.Context(name)
    co2_per_carbon = ureg.Quantity(1.0, "CO2").to("carbon").magnitude  # 12/44

    for gas, dimension in _GAS_DIMENSIONS.items():
        gwp = values[gas]
        unit_gas = ureg.Unit(gas)
        factor = gwp * co2_per_carbon
        for shape in ("{g}", "[mass] * {g}", "[mass] * {g} / [time]", "{g} / [time]"):
            src = shape.format(g=dimension)
            dst = shape.format(g="[carbon]")
            context.add_transformation(src, dst, _transformation(factor, unit_gas))
    ureg.add_context(context)
    return context


def _transformation(factor: float, gas_unit: Any) -> Any:
    """x [gas] -> x * GWP [carbon as CO2-equivalent], for one gas."""

    def transform(ureg: Any, x: Any, **_: Any) -> Any:
        return (x / gas_unit) * factor * ureg.carbon

    return transform
