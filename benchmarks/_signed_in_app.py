"""``python -m benchmarks._signed_in_app DATABASE``: the app as its branch admin, no dialog.

The start-up benchmark times the app's own work up to the main window; a person
typing a password is not part of it, so this driver signs in the stand-in user the
shell picks (the first admin). Nothing happens on import.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from kamdesk.app import run_app

    return run_app(Path(argv[0]), sign_in=lambda services: services.shell.current_actor())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
