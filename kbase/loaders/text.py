"""Reading files as UTF-8 text, with an error that names the first bad byte."""

from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import LoadError, Location

__all__ = ["read_text", "offset_location"]


def offset_location(path: str, data: bytes | str, offset: int) -> Location:
    """The 1-based line and column of ``offset`` in ``data``."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    line = data.count(newline, 0, offset) + 1  # type: ignore[arg-type]
    col = offset - (data.rfind(newline, 0, offset) + 1) + 1  # type: ignore[arg-type]
    return Location(path, line, col)


def read_text(path: str | Path, encoding: str = "utf-8") -> str:
    """Read ``path`` as text; a UTF-8 byte-order mark is dropped.

    Raises
    ------
    LoadError
        When the file cannot be opened, or holds bytes that are not valid in
        ``encoding`` (the location is the first such byte).
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise LoadError(Location(name, 0, 0), "no such file") from None
    except IsADirectoryError:
        raise LoadError(Location(name, 0, 0), "is a directory, not a file") from None
    except OSError as exc:
        raise LoadError(Location(name, 0, 0), f"cannot read: {exc.strerror}") from None
    if encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig") and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        where = offset_location(name, data, exc.start)
        raise LoadError(
            where,
            f"not valid {encoding.upper()}: byte 0x{data[exc.start]:02x} cannot be decoded "
            f"(save the file as UTF-8)",
        ) from None
    except LookupError:
        raise LoadError(Location(name, 0, 0), f"unknown encoding {encoding!r}") from None
    nul = text.find("\x00")
    if nul >= 0:
        raise LoadError(offset_location(name, text, nul), "a NUL byte: this looks like a binary file, not text")
    return text
