"""Where the ``pmsite`` command used to point: it lives in :mod:`pmsite.frontends.cli`."""

import sys

from pmsite.frontends.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
