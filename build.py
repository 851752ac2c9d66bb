"""Build the site: ``python build.py`` behaves like the installed ``feuillet`` command."""

import sys

if __name__ == "__main__":
    try:
        from pathlib import Path

        from feuillet.cli import run
    except KeyboardInterrupt:  # Ctrl-C while starting: nothing was done
        sys.exit(130)
    run(default_root=Path(__file__).resolve().parent)
