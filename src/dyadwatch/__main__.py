"""`python -m dyadwatch` is the `dyadwatch` command."""

from dyadwatch.cli import main

main()
