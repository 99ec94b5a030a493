"""Run the command line with ``python -m stance``."""

from .cli import main

main()
