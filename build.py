"""Build the site: ``python build.py`` behaves like the installed ``feuillet`` command."""

import sys
from pathlib import Path

from feuillet.cli import main

if __name__ == "__main__":
    sys.exit(main(default_root=Path(__file__).resolve().parent))
