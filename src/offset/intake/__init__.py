"""Office files in: a file's cells as they are (`offset.common.sheets`); which sheets of a workbook:
`sheet_choice`; where each row came from: `sheetrows`), finding the header row and the rows that
are not data (`layout`), matching the user's headers to a method's columns (`headers`, `columns`),
converting cells to typed values in their unit (`values`, `dates`, `japanese`, `unit_case`), the
names of places (`places`, `vocabulary`; each municipality as one code: `municipalities`,
`romaji`, `localities`), each real thing counted once (`identity`), one table checked
(`conversion` -> `prepared`), and all of it in one pass with every problem listed (`inputs`,
`listing`).

May import: `offset.common`, `offset.units`, `offset.factors` (the vocabularies of keys).
"""
