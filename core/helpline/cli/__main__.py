"""`python -m helpline.cli`."""

from helpline.cli import main

main()
