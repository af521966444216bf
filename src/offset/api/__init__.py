"""The HTTP API and dashboard: each party sees and moves only its own credits."""
