"""`python -m toolkit` is the same as the `toolkit` command."""
from .cli import main

main()
