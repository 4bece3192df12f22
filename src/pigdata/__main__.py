"""`python -m pigdata` runs the command line."""

from pigdata.cli import main

main()
