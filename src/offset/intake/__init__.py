"""Office files in: reading a file's cells as they are (`sheets`), finding the header row and the
rows that are not data (`layout`), matching the user's headers to a method's columns (`headers`,
`columns`), converting cells to typed values in their unit (`values`, `dates`, `japanese`), the
names of places (`places`, `vocabulary`), and all of it in one pass with every problem listed
(`inputs`).

May import: `offset.common`, `offset.units`, `offset.factors` (the vocabularies of keys).
"""
