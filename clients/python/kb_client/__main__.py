"""`python -m kb_client` is `kb`."""

from .cli import main

main()
