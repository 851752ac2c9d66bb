"""Keep feuillet's message catalogs in step with the code: ``python scripts/messages.py``.

Extracts every ``message(…)``, ``template(…)`` and ``translate(…)`` template of ``feuillet/`` with
Babel (``pybabel extract`` with those keywords) into ``feuillet/locales/messages.pot`` and updates
each language's ``feuillet.po`` from it (new messages get an empty translation, lost ones are
dropped), as ``pybabel update`` does. Translators then fill in the French.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "feuillet" / "locales"
KEYWORDS = ("message", "template", "translate")


def main() -> int:
    pot = LOCALES / "messages.pot"
    pybabel = [sys.executable, "-m", "babel.messages.frontend"]
    keywords = [argument for keyword in KEYWORDS for argument in ("-k", keyword)]
    subprocess.run([*pybabel, "extract", "--no-default-keywords", *keywords, "--no-location",
                    "--omit-header", "--sort-output", "--width", "100", "-o", str(pot),
                    str(ROOT / "feuillet")], check=True)
    subprocess.run([*pybabel, "update", "--no-fuzzy-matching", "--ignore-obsolete", "--width", "100",
                    "-D", "feuillet", "-i", str(pot), "-d", str(LOCALES)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
