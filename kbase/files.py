"""Writing files safely: a temporary file in the same folder, flushed, synced, then renamed."""

from __future__ import annotations

import contextlib
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


def _fault(point: str) -> None:
    """Die here, as if killed, when ``KBASE_FAULT`` names this point (for the crash tests)."""
    if os.environ.get("KBASE_FAULT") == point:
        os._exit(137)


def write_atomic_bytes(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`write_atomic`).

    The steps are: create a temporary file beside ``path``, write, flush, fsync, copy the mode,
    ``os.replace``, fsync the folder. A process killed between any two steps leaves the old file
    or the new one, never a mix (``tests/test_edit.py`` kills it at each step).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = target.stat().st_mode & 0o7777 if target.exists() else None
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise KbaseError(f"{path}: cannot write: {exc.strerror}") from None
    try:
        _fault("created")
        with os.fdopen(fd, "wb") as handle:
            half = len(data) // 2
            handle.write(data[:half])
            handle.flush()
            _fault("half-written")
            handle.write(data[half:])
            handle.flush()
            os.fsync(handle.fileno())
        _fault("written")
        if mode is None:
            # a new file gets the usual permissions (mkstemp made it private)
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        _fault("replaced")
        with contextlib.suppress(OSError):
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
