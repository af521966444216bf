"""The buffer share: the part of a project's credits withheld into the registry's buffer account
against a later reversal (a forest that burns or is cut). One rule, for the per-row buffer a
method reports and for the credits withheld at issuance:

    a row's own share, else the project's (a scenario's `buffer_share`), else the method's
    default (`Method.buffer_default`: a sourced row of `method_parameters`), else none.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from offset.factors import FactorLibrary
from offset.methods.common import FloatArray, method_parameter

PARAMETER = "buffer_share"  # the row of `method_parameters` a method's default is


def method_default(
    factors: FactorLibrary, group: str | None, methodology: str | None = None
) -> tuple[float, bool]:
    """The default share [dimensionless] of a method whose `buffer_default` is `group` (the
    methodology's own row where there is one), and whether that value is unverified; (0, False)
    for a method that withholds none."""
    if group is None:
        return 0.0, False
    value, _, unverified = method_parameter(factors, group, PARAMETER, methodology)
    return value, unverified


def project_share(given: float | None, default: float) -> float:
    """A project's share: its own (`given`), else the method's `default`."""
    return default if given is None else given


def issuance_share(
    given: float | None,
    factors: FactorLibrary,
    group: str | None,
    methodology: str | None = None,
) -> Fraction:
    """The share of a project's whole credits withheld at issuance, as an exact fraction."""
    default = method_default(factors, group, methodology)[0]
    return Fraction(str(project_share(given, default)))


def row_shares(own: FloatArray | float, given: float | None, default: float) -> FloatArray:
    """Each row's share: the row's own (NaN: none), else the project's, else the default."""
    return np.where(np.isnan(own), project_share(given, default), own)
