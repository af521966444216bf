"""What every layer shares: the fiscal year, bad-input problems (file, row, column, why), the
catalogue of messages in English and Japanese, and the rule that keeps a cell data, never a
formula.

May import: `offset.units`. Nothing else of offset imports below this.
"""
