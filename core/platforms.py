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


def make_files_private() -> None:
    """Everything this process creates from now on is its user's only: a umask of 077 (files 0600,
    folders 0700) on POSIX, set before anything is created so there is no window. Windows has no
    POSIX modes (``os.umask`` there only governs the read-only flag): files get the ACL of the folder
    they are created in, so Thor's ``var/`` is private when Thor lives under the user's profile
    (``C:\\Users\\you\\…``), whose ACL admits only the user, SYSTEM and administrators."""
    if not WINDOWS:
        os.umask(0o077)
