"""Entry point of the PyInstaller bundle: ``kamdesk`` (window) and ``kamdesk-cli`` (console).

``freeze_support`` first: the demo generator's worker processes start this same
executable, and without it each worker would open another KAMDesk.
"""

import multiprocessing
import sys

from kamdesk.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
