"""Files only their owner may read (SPEC §2: secrets in ``var/``)."""

from __future__ import annotations

import os
from pathlib import Path


def write_private(path: Path, text: str) -> None:
    """Create ``path`` readable and writable by its owner only (0600, set as the file is created,
    so no other user can open it in between) and write ``text`` to it. Raises ``FileExistsError``
    when it exists: a secret is never overwritten."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
