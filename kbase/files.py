"""Writing files like a database does: atomic replacement, one lock, multi-file transactions, safe outputs.

Nothing else in kbase opens a library file for writing.

* :func:`write_atomic` replaces one file so that readers see the old file or the new one, never a
  part; it writes through a symbolic link to its target, keeps the file's mode, and refuses a
  read-only file.
* :func:`write_together` replaces several files as one transaction: every new file is written
  and synced beside its target first, then a journal naming them is written, then each is renamed
  into place. A crash before the journal leaves the old files; after it, :func:`recover` (run by
  the next edit or load) finishes the renames, so the new files are all in place.
* :func:`library_lock` is the editing lock of a whole library: an ``flock`` on ``<claims file>.lock``,
  which the operating system releases when its holder dies, so a stale lock can never be "taken
  over" twice. Every command that writes any library file takes it (docs/safety.md).
* :func:`write_output` writes a command's ``-o`` file, refusing the files the command reads, folders,
  FIFOs and devices.

A cloned repository is untrusted (docs/safety.md): its journal is obeyed only where it names a
temporary file kbase made beside one of the library's own files; a library file that is a symbolic
link is written through only when the link stays in its own folder; locks are never opened through a
link; every file kbase creates is made with ``O_EXCL`` (``mkstemp``), so a link planted in its place
is never followed.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from .errors import KbaseError, LoadError, Location

__all__ = [
    "LockHeld",
    "NotRegularFile",
    "library_lock",
    "link_leaving",
    "open_regular",
    "recover",
    "recover_before_reading",
    "write_atomic",
    "write_atomic_bytes",
    "write_output",
    "write_together",
]

LOCK_WAIT_SECONDS = float(os.environ.get("KBASE_LOCK_WAIT", "10"))
JOURNAL = ".kbase-journal"


class LockHeld(KbaseError):
    """Another process holds the lock on the file."""


def _fault(point: str) -> None:
    """Die here, as if killed, when ``KBASE_FAULT`` names this point (for the crash tests)."""
    if os.environ.get("KBASE_FAULT") == point:
        os._exit(137)


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    return exc.strerror or str(exc)


#: A journal is a short list of file names; anything larger is not one kbase wrote.
JOURNAL_MAX_BYTES = 64 * 1024


def link_leaving(path: str | Path, folder: str | Path | None = None) -> str | None:
    """Where ``path`` leads when it is a symbolic link ending outside ``folder`` (default: the link's own
    folder), else None: the one test of "a link a repository ships must not lead kbase out of it"."""
    if not os.path.islink(path):
        return None
    end = os.path.realpath(path)
    home = os.path.realpath(folder if folder is not None else (os.path.dirname(path) or "."))
    return None if Path(end).is_relative_to(home) else end


def open_regular(path: str | Path, *, follow: bool = True, stdin: bool = False) -> BinaryIO:
    """``path`` opened for reading, only when it is a regular file (``stdin``: or this process's standard
    input, ``--claims /dev/stdin``); ``follow=False``: never through a link. A FIFO or a device — a
    repository can ship one as ``claims.yaml -> /dev/tty`` — is opened non-blocking and refused before a
    byte is read, so nothing waits on it.

    Raises
    ------
    NotRegularFile
        A FIFO, a device or a socket (an :class:`OSError`, so callers that ignore unreadable files ignore it).
    OSError
        It cannot be opened (missing, a link with ``follow=False``, a folder: :class:`IsADirectoryError`).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(info.st_mode):
            try:
                mine = os.fstat(0) if stdin else None
            except OSError:
                mine = None
            if mine is None or (mine.st_dev, mine.st_ino) != (info.st_dev, info.st_ino) or stat.S_ISCHR(info.st_mode):
                raise NotRegularFile(errno.EINVAL, "not a regular file (a FIFO or a device)", str(path))
            os.set_blocking(fd, True)
        return open(fd, "rb")  # noqa: SIM115 - the caller closes it
    except BaseException:
        os.close(fd)
        raise


class NotRegularFile(OSError):
    """A FIFO, a device or a socket where kbase reads only files (:func:`open_regular`)."""


def _target(path: str | Path) -> Path:
    """The file a write to ``path`` must replace: the end of its symbolic links, if any.

    A link is followed only when it ends inside the link's own folder (``claims.yaml ->
    library/claims.yaml``): a link shipped in a repository must never make kbase write outside it.
    """
    end = link_leaving(path)
    if end is not None:
        raise KbaseError(
            f"{path}: a symbolic link to {end}, outside its folder; kbase does not write through it "
            "(replace the link with the file, or name the file itself)"
        )
    return Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)


def _prepare(path: str | Path, data: bytes) -> tuple[Path, str]:
    """Write ``data`` to a synced temporary file beside the target of ``path``; (target, temporary name)."""
    target = _target(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        info = target.stat() if target.exists() else None
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise KbaseError(f"{path}: not a regular file; kbase writes only regular files")
        # the mode bits say what the owner meant, even to root, for whom os.access always says yes
        if info is not None and (not info.st_mode & 0o222 or not os.access(target, os.W_OK)):
            raise KbaseError(f"{path}: the file is read-only; make it writable to let kbase change it")
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise KbaseError(f"{path}: cannot write: {_why(exc)}") from None
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
        if info is not None:
            mode = info.st_mode & 0o7777
        else:  # a new file gets the usual permissions (mkstemp made it private)
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise KbaseError(f"{path}: cannot write: {_why(exc)}; the file is unchanged") from None
        raise
    return target, tmp


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` so that readers see the old file or the new one, never a part."""
    write_atomic_bytes(path, text.encode(encoding))


def write_atomic_bytes(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`write_atomic`).

    The steps are: create a temporary file beside the target, write, flush, fsync, copy the mode,
    ``os.replace``, fsync the folder. A process killed between any two steps leaves the old file
    or the new one, never a mix (``tests/test_edit.py`` kills it at each step).
    """
    target, tmp = _prepare(path, data)
    try:
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise KbaseError(f"{path}: cannot write: {_why(exc)}; the file is unchanged") from None
    _fault("replaced")
    _sync_folder(target.parent)


def write_together(changes: Mapping[str | Path, bytes], lock_path: str | Path) -> None:
    """Replace several files as one transaction: afterwards all are new, or (on error) all are old.

    A crash part-way is completed by :func:`recover` on the next run (see the module docs).
    The journal is kept beside ``lock_path``, the file whose :func:`library_lock` the caller holds
    (the next holder of that lock finishes an interrupted transaction).
    """
    prepared: list[tuple[Path, str]] = []
    try:
        for path, data in changes.items():
            prepared.append(_prepare(path, data))
        journal = _target(lock_path).parent / JOURNAL
        write_atomic(journal, json.dumps([[os.path.abspath(tmp), os.path.realpath(target)] for target, tmp in prepared]))
    except BaseException:
        for _, tmp in prepared:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    _fault("journal-written")
    for number, (target, tmp) in enumerate(prepared):
        os.replace(tmp, target)
        _fault(f"renamed-{number + 1}")
    _sync_folder(journal.parent)
    journal.unlink()


def recover_before_reading(path: str | Path, files: Iterable[str | Path] = ()) -> None:
    """Finish a transaction a crash interrupted beside ``path`` before it is read (waits for the lock
    when one is pending, so a reader never sees half of a multi-file change); ``files`` are the
    library's other files, the only ones its journal may name besides ``path``."""
    try:
        folder = _target(path).parent
    except KbaseError:
        return  # a link kbase never writes through (/dev/stdin, a file elsewhere): no change of kbase's can be pending there
    if os.path.lexists(folder / JOURNAL):
        with library_lock(path, files):
            pass  # taking the lock recovers


def _journal_entries(journal: Path) -> list[tuple[str, str]] | None:
    """The ``[temporary, target]`` pairs of ``journal``; None when there is none. Only a regular file of
    this user, not a link, of at most :data:`JOURNAL_MAX_BYTES`, holding a list of pairs of names, is read."""
    where = Location(str(journal), 1, 1)
    try:
        handle = open_regular(journal, follow=False)
    except FileNotFoundError:
        return None
    except NotRegularFile:
        raise LoadError(where, "not a journal kbase wrote (not a small regular file of yours); nothing was done: remove it") from None
    except OSError as exc:
        why = "a symbolic link, which kbase never makes" if exc.errno == errno.ELOOP else _why(exc)
        raise LoadError(where, f"the journal of an interrupted change is {why}; nothing was done: remove it") from None
    with handle:
        info = os.fstat(handle.fileno())
        if info.st_uid != os.getuid() or info.st_size > JOURNAL_MAX_BYTES:
            raise LoadError(where, "not a journal kbase wrote (not a small regular file of yours); nothing was done: remove it")
        data = handle.read(JOURNAL_MAX_BYTES + 1)
    try:
        entries = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise LoadError(where, "an unreadable journal of an interrupted change; nothing was done: remove it once the library checks") from None
    if not isinstance(entries, list) or not all(isinstance(e, list) and len(e) == 2 and all(isinstance(n, str) for n in e) for e in entries):
        raise LoadError(where, "not a journal kbase wrote (a list of [temporary file, library file] pairs); nothing was done: remove it")
    return [(tmp, target) for tmp, target in entries]


def _check_entry(tmp: str, target: str, allowed: set[str]) -> str | None:
    """Why the journal entry ``[tmp, target]`` is not one kbase wrote for this library; None when it is."""
    if target not in allowed:
        return f"{target!r} is not a file of this library"
    folder, name = os.path.split(target)
    tmp_folder, tmp_name = os.path.split(tmp)
    if tmp_folder != folder or not re.fullmatch(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}\.tmp", tmp_name):
        return f"{tmp!r} is not a temporary file kbase makes beside {name}"
    for path, what in ((tmp, "temporary file"), (target, "library file")):
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue  # a temporary already renamed into place; a library file not made yet
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or (what == "temporary file" and info.st_nlink != 1):
            return f"the {what} {path!r} is not a regular file of yours"
    return None


def recover(folder: str | Path, files: Iterable[str | Path] = ()) -> bool:
    """Finish a transaction that a crash interrupted in ``folder``; True when there was one.

    The journal is untrusted (a repository can ship one): each entry must rename a temporary file
    kbase makes (``.NAME.xxxxxxxx.tmp``, a regular file of this user, not a link) onto a library
    file beside it, one of ``files``; anything else raises a located error, and nothing is touched.
    """
    journal = Path(folder) / JOURNAL
    entries = _journal_entries(journal)
    if entries is None:
        return False
    allowed = {os.path.realpath(f) for f in files}
    for number, (tmp, target) in enumerate(entries):
        why = _check_entry(tmp, target, allowed)
        if why is not None:
            raise LoadError(
                Location(str(journal), 1, 1),
                f"entry {number + 1} of the journal of an interrupted change: {why}; "
                "nothing was done (kbase never writes such an entry): remove the journal",
            )
    for tmp, target in entries:
        with contextlib.suppress(FileNotFoundError):  # already renamed before the crash
            os.replace(tmp, target)
    _sync_folder(Path(folder))
    journal.unlink()
    return True


@contextlib.contextmanager
def library_lock(path: str | Path, files: Iterable[str | Path] = (), wait: float | None = None) -> Iterator[None]:
    """Hold the lock ``<path>.lock`` while changing ``path`` and the library's other ``files``.

    ``path`` is the library's claims file for every command (one lock per library, whichever of its
    files a command writes). Another holder makes this wait up to ``wait`` seconds (default
    ``KBASE_LOCK_WAIT`` or 10), then raise :class:`LockHeld` naming its process. The lock is an
    ``flock``: the system drops it when its holder dies, so a lock file left by a killed process is
    simply free. The lock file is never opened through a link, and must be a regular file of this
    user. After taking it, an interrupted transaction in the folder is finished (:func:`recover`),
    if its journal names only ``path``, ``files`` and kbase's temporaries beside them.
    """
    import fcntl

    lock = Path(f"{_target(path)}.lock")
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise KbaseError(f"{lock}: the lock file is a symbolic link, which kbase never makes; remove it") from None
            raise KbaseError(f"{lock}: cannot create the lock file: {_why(exc)}") from None
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_nlink > 1:  # 0: its holder just removed it
            os.close(fd)  # a hard link to another file of the user's would be truncated below
            raise KbaseError(f"{lock}: the lock file is not a regular file of yours with one name (a hard link?); remove it")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 32).split(b"\n")[0].strip()
            os.close(fd)
            if time.monotonic() >= deadline:
                who = f"process {int(holder)}" if holder.isdigit() and len(holder) < 12 else "another process"
                raise LockHeld(f"{path} is being edited by {who} (lock file {lock}); try again when it is done") from None
            time.sleep(0.02)
            continue
        try:
            same = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder before us removed the file we locked: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        recover(lock.parent, [path, *files])
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()  # still ours: nobody can lock this file while we hold it
        os.close(fd)


def _link_in_project(path: str) -> str | None:
    """The first part of ``path`` inside the working folder that is a symbolic link (``report.csv -> ~/.bashrc``,
    ``out/ -> ~``), or None. The parts above the working folder are the user's own and are followed."""
    here = os.path.abspath(".")
    full = os.path.abspath(path)
    if not Path(full).is_relative_to(here):
        return None
    parts = Path(full).relative_to(here).parts
    for depth in range(1, len(parts) + 1):
        candidate = os.path.join(here, *parts[:depth])
        if os.path.islink(candidate):
            return os.path.relpath(candidate)
    return None


def write_output(path: str | None, text: str | bytes, protected: Iterable[str | Path] = ()) -> bool:
    """Write a command's output file; False (write nothing) when ``path`` is None or ``-`` (standard output).

    Raises
    ------
    KbaseError
        When ``path`` is empty, a folder, a FIFO, a device or another special file, a path through a symbolic link
        inside the working folder (a repository can ship one), or one of the
        ``protected`` files (every file the command reads: the library's ``claims.yaml`` and ``.bib``
        files, its settings, a retraction list, a style), whatever the link or spelling that names it.
    """
    if path is None or path == "-":
        return False
    if not path.strip():
        raise KbaseError("-o needs a file name ('-' for standard output)")
    link = _link_in_project(path)
    if link is not None:
        raise KbaseError(
            f"{path}: {link} is a symbolic link (to {os.path.realpath(link)}); kbase does not write -o through a "
            "link inside the project, which a repository could have shipped: remove it, or name the file it points to"
        )
    try:
        target = Path(os.path.realpath(path))
        exists, regular = target.exists(), target.is_file()
    except OSError as exc:  # a name too long, a loop of links
        raise KbaseError(f"{path}: cannot write: {_why(exc)}") from None
    if any(target == Path(os.path.realpath(p)) for p in protected):
        raise KbaseError(
            f"{path}: is a file this command reads (the library, its settings, a retraction list or a style); kbase will not overwrite it with output"
        )
    if exists and not regular:
        kind = "a folder" if target.is_dir() else "not a regular file"
        raise KbaseError(f"{path}: {kind}; give a file name for -o")
    write_atomic_bytes(target, text.encode("utf-8") if isinstance(text, str) else text)
    return True
