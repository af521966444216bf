"""`python -m offset` runs the command line."""

from offset.cli.app import main

main()
