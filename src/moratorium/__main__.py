"""``python -m moratorium``: the same entry point as the ``moratorium`` console script."""

from moratorium.cli import main

main()
