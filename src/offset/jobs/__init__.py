"""The two whole jobs as Python functions: `offset calc` (`calc.calculate_file`: a file in,
per-row results and a manifest out) and `offset run` (`run.run_scenario`: a scenario in, credits
posted, a report written). The CLI and tests call these; they orchestrate and compute nothing.

May import: every package but `offset.api` and `offset.cli`.
"""
