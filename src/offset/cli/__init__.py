"""The `offset` command line: thin wrappers over the Python API."""
