"""Writing files safely: a temporary file in the same folder, flushed, synced, then renamed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import KbaseError

__all__ = ["write_atomic", "write_atomic_bytes"]


def write_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` so that readers see the old file or the new one, never a part.

    The mode of an existing file is kept.
    """
    write_atomic_bytes(path, text.encode(encoding))


def write_atomic_bytes(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`write_atomic`)."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = target.stat().st_mode & 0o7777 if target.exists() else None
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise KbaseError(f"{path}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
