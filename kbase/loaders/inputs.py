"""Reading files as UTF-8 text, with an error that names the first bad byte."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import LoadError, Location
from ..files import NotRegularFile, open_regular

__all__ = ["decode_text", "json_text", "offset_location", "read_input", "read_text"]


def offset_location(path: str, data: bytes | str, offset: int) -> Location:
    """The 1-based line and column of ``offset`` in ``data``."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    line = data.count(newline, 0, offset) + 1  # type: ignore[arg-type]
    col = offset - (data.rfind(newline, 0, offset) + 1) + 1  # type: ignore[arg-type]
    return Location(path, line, col)


#: No input kbase reads may be larger; a stream (a FIFO, /dev/zero) is cut off here too.
MAX_INPUT_BYTES = 256_000_000
_CHUNK = 1 << 20


def _read_bytes(path: str | Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``, read in chunks: at most ``limit`` (more raises).

    Reading stops just after the first NUL byte: the file is binary (or an endless stream of
    zeros), and what comes before it is enough to say so, or to name an earlier bad byte.
    """
    chunks, total = [], 0
    try:
        handle = open_regular(path, stdin=True)  # a FIFO or a device is refused before a byte is read
    except NotRegularFile:
        raise LoadError(
            Location(str(path), 0, 0), "not a regular file (a FIFO or a device): kbase reads files, or standard input named as /dev/stdin"
        ) from None
    with handle:
        while True:
            chunk = handle.read(min(_CHUNK, limit + 1 - total))
            if not chunk:
                return b"".join(chunks)
            nul = chunk.find(b"\x00")
            if nul >= 0:
                return b"".join(chunks) + chunk[: nul + 1]
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise LoadError(Location(str(path), 0, 0), f"the file is over {limit / 1e6:.0f} MB; kbase reads {what} up to {limit / 1e6:.0f} MB")


def read_text(path: str | Path, encoding: str = "utf-8", max_bytes: int = MAX_INPUT_BYTES, what: str = "files") -> str:
    """Read ``path`` as text; a UTF-8 byte-order mark is dropped.

    Files (and streams) longer than ``max_bytes`` are refused without being read to the end.

    Raises
    ------
    LoadError
        When the file cannot be opened, is too large, or holds bytes that are not valid in
        ``encoding`` (the location is the first such byte).
    """
    return decode_text(str(path), read_input(path, max_bytes, what), encoding)


def read_input(path: str | Path, max_bytes: int = MAX_INPUT_BYTES, what: str = "files") -> bytes:
    """The bytes of ``path`` (see :func:`read_text`, which decodes them); raises :class:`LoadError`."""
    name = str(path)
    try:
        return _read_bytes(path, max_bytes, what)
    except FileNotFoundError:
        raise LoadError(Location(name, 0, 0), "no such file") from None
    except IsADirectoryError:
        raise LoadError(Location(name, 0, 0), "is a directory, not a file") from None
    except OSError as exc:
        raise LoadError(Location(name, 0, 0), f"cannot read: {exc.strerror}") from None


def decode_text(name: str, data: bytes, encoding: str = "utf-8") -> str:
    """``data`` read from file ``name`` as text (see :func:`read_text`); raises :class:`LoadError`."""
    if encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig") and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        where = offset_location(name, data, exc.start)
        raise LoadError(
            where,
            f"not valid {encoding.upper()}: byte 0x{data[exc.start]:02x} cannot be decoded (save the file as UTF-8)",
        ) from None
    except LookupError:
        raise LoadError(Location(name, 0, 0), f"unknown encoding {encoding!r}") from None
    nul = text.find("\x00")
    if nul >= 0:
        raise LoadError(offset_location(name, text, nul), "a NUL byte: this looks like a binary file, not text")
    return text


_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def json_text(text: str) -> str:
    r"""JSON text with each escaped lone surrogate (``"\udfff"``, which JSON accepts but no UTF-8 output can
    hold) written as U+FFFD, so that what others wrote (a Zotero field, a CSL-JSON export) prints.

    Examples
    --------
    >>> import json
    >>> json.loads(json_text('{"family": "Smith\\udfff", "emoji": "\\ud83d\\ude00"}'))
    {'family': 'Smith�', 'emoji': '😀'}
    """
    return _LONE_SURROGATE.sub(r"\\ufffd", text) if "\\u" in text else text
