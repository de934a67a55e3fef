"""`python -m bot` runs the same click group as the `cspbot` console script."""

from bot.cli.main import main

if __name__ == "__main__":
    main()
