"""offset: carbon-offset accounting for Japanese municipal and company agreements.

`import offset` is kept cheap: the pint registry, pandas and the factor tables load on first use.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
