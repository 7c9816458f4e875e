"""``python -m frameloom`` runs the command line."""

from frameloom.cli.main import main

main()
