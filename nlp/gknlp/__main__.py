"""``python -m gknlp`` runs the command line."""

from gknlp.cli import main

main()
