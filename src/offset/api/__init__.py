"""The HTTP API and dashboard: each party sees and moves only its own credits.

May import: every package but `offset.cli`. It renders what the library computes.
"""
