"""Programme-type projects (J-Credit プログラム型): an operator (a city, a prefecture, a
foundation) bundles its members' activities (households' PV) into one project, from the lists
its office keeps: the subsidy list (one row per activity) and the consent list (one row per
member). `model` reads the programme file (TOML), `members` the lists, `days` counts each
member's days, `activities` computes each activity's daily reduction with its method, `checks`
makes the registry's checks, `monitoring` gives a period's lines and totals, `verification` turns
a verifier's finding into whole credits, `posting` issues them to the operator (once; restated
when a verified figure changes), and `plan` the 実行計画 figures
read from the ledger (what the operator sold or transferred taken out). `run` ties them.

May import: `offset.common`, `offset.units`, `offset.factors`, `offset.intake`,
`offset.methods`, `offset.ledger`, `offset.scenario` (whole credits and carried grams).
"""
