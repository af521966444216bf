"""The `offset` command line: thin wrappers over the Python API.

May import: every package (imports of the engine stay inside the commands that use them, so
that `offset --help` starts fast).
"""
