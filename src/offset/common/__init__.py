"""What every layer shares: the fiscal year, bad-input problems (file, row, column, why), a
file's cells read as they are within documented limits (`sheets`, `xlsx_rows`: office intake and
the factor imports read files the same way), the catalogue of messages in English and Japanese,
and the rule that keeps a cell data, never a formula.

May import: `offset.units`. Nothing else of offset imports below this.
"""
