"""What differs between the platforms Thor runs on — Windows (where TOS and Excel live), macOS and
Linux — in one place, so that no module calls a POSIX-only function unguarded. Pure."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

WINDOWS = sys.platform == "win32"


def after_fork_in_child(callback: Callable[[], None]) -> None:
    """Run ``callback`` in a forked child (``os.register_at_fork``: a child inherits locks held by
    threads that did not survive the fork). Windows has no ``fork`` (its processes are spawned and
    import everything afresh), so there is nothing to register there."""
    register = getattr(os, "register_at_fork", None)
    if register is not None:
        register(after_in_child=callback)
