"""Documents out: the report (HTML, PDF, workbook, CSV tables, charts), retirement certificates,
a programme's モニタリング報告書 (`monitoring_report`), and the rules every document shares: one
formatting rule per kind of figure (`figures`), the words of tables and reports in both
languages (`terms`), atomic writing by extension (`output`), Excel sheets that open right
(`workbook`), HTML to PDF (`pdf`).

May import: everything below it (`common`, `units`, `factors`, `intake`, `methods`, `ledger`,
`scenario`, `programme`). Never `offset.jobs`, `offset.api` or `offset.cli`.
"""
