"""The parse cache: what loading a library produced, kept in ``.kbase-cache/`` beside ``claims.yaml``.

Every kbase command loads the whole library, and on a library of tens of thousands of
references parsing is most of the wait. The cache keeps, for each input file, what its loader
returned, under a key made of the file's bytes (SHA-256), its path, the settings that change how
it reads, and the kbase code itself; and, for the library as a whole, what was derived from all of
its files (problems, grades, library findings) under the keys of every file plus the grading
settings and today's date. A file that changed is parsed again; the others come from the cache.

Trust: an entry is a pickle, and unpickling runs code, so an entry is read only when its HMAC
verifies under a secret that kbase keeps outside the project (``$XDG_CACHE_HOME/kbase/secret``,
mode 600). A cache copied from another machine, committed to a repository, edited or truncated
fails the check: it is ignored with a notice on the ``kbase`` logger and rebuilt, never trusted.
Nothing is ever required of the cache: any error reading or writing it falls back to parsing.

Writing: every write is atomic (a temporary file renamed into place), so a reader in another
process sees the old entry or the new one, never half of one. (Writing large entries in a forked
child while the load went on was measured to save 9 % of a cold command of 20,000 references, 10 %
at 100,000, and removed: docs/performance.md.)

Untrusted folders: a repository can ship its own ``.kbase-cache``. A cache folder that is a symbolic
link, not a folder, or not this user's is not used (said once on the ``kbase`` logger); an entry is
read only when it is a regular file (never through a link, never a FIFO or a device) of at most
:data:`MAX_ENTRY_BYTES`; entries and markers are created with ``O_EXCL`` (``mkstemp``), so a link
planted under a name kbase will write is never followed.

Turn it off with ``kbase --no-cache``, ``cache = false`` in ``kbase.toml``, or ``KBASE_NO_CACHE=1``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import stat
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from .files import NotRegularFile, open_regular
from .loading.processes import unpickled

__all__ = [
    "CACHE_FOLDER",
    "Cache",
    "MemoryCache",
    "code_fingerprint",
    "disabled_by_environment",
    "open_cache",
    "slot_name",
]

CACHE_FOLDER = ".kbase-cache"
_MAGIC = b"kbase-cache 1\n"
_MAC_SIZE = 32
_KEY_SIZE = 64  # hex SHA-256
_log = logging.getLogger("kbase")
_fingerprint: str | None = None

#: No cache entry is read beyond this size (the graded 100,000-reference library's largest is about 150 MB).
MAX_ENTRY_BYTES = 2_000_000_000


def disabled_by_environment() -> bool:
    """``KBASE_NO_CACHE`` is set to anything but ``0`` or empty."""
    return os.environ.get("KBASE_NO_CACHE", "") not in ("", "0")


def open_cache(setting: bool | str | Path | Cache | None, claims: str | Path) -> Cache | None:
    """The cache a load of the library whose claims file is ``claims`` uses: ``True`` the project's
    (beside the claims file), a folder, a :class:`Cache` as given; None when ``setting`` is off or
    ``KBASE_NO_CACHE`` is set (a :class:`MemoryCache`, private to the process, is used regardless), and
    when the claims file is not a regular file (``--claims /dev/stdin``: read once, and nothing is kept
    beside it)."""
    if isinstance(setting, MemoryCache):
        return setting
    if setting is False or setting is None or disabled_by_environment():
        return None
    try:
        if not stat.S_ISREG(os.stat(claims).st_mode):
            return None
    except OSError:
        pass  # a missing claims file: its loader says so
    if isinstance(setting, Cache):
        return setting
    return Cache.beside(claims) if setting is True else Cache(setting)


def code_fingerprint() -> str:
    """A hash of kbase's own source: a cache written by other code (another version, a local edit) never matches."""
    global _fingerprint
    if _fingerprint is None:
        digest = hashlib.sha256()
        package = Path(__file__).resolve().parent
        for source in sorted(package.rglob("*.py")):
            digest.update(str(source.relative_to(package)).encode())
            digest.update(source.read_bytes())
        _fingerprint = digest.hexdigest()
    return _fingerprint


def _secret_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kbase" / "secret"


def _secret() -> bytes | None:
    """This machine's (and user's) cache secret, made on first use; None when it cannot be kept."""
    path = _secret_path()
    try:
        data = path.read_bytes()
        if len(data) == 32:
            return data
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = os.urandom(32)
        temp = path.with_name(f".secret.{os.getpid()}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(fresh)
        try:
            os.link(temp, path)  # never replaces a secret another process made first
        except FileExistsError:
            pass
        finally:
            temp.unlink()
        data = path.read_bytes()
        return data if len(data) == 32 else None
    except OSError as exc:
        _log.warning("the parse cache is off: cannot keep its secret in %s (%s)", path, exc.strerror or exc)
        return None


class Cache:
    """The entries of one project's cache folder: ``get`` and ``put`` by slot name and key.

    A slot holds one entry (the newest), so the folder never grows beyond one file per input file
    and per derived result.
    """

    #: What ``put`` keeps is seen by other processes (a forked worker may keep what it made).
    shared = True

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._key: bytes | None = None
        self._ready = False
        self._memo: dict[str, tuple[tuple[int, ...], str]] | None = None  # path -> (stat stamp, digest): file_digest
        self.enabled = True

    @classmethod
    def beside(cls, claims_path: str | Path) -> Cache:
        """The cache of the library whose claims file is ``claims_path``."""
        return cls(Path(os.path.abspath(claims_path)).parent / CACHE_FOLDER)

    def key(self, *parts: bytes | str | int | None, code: bool = True) -> str:
        """A key (hex SHA-256) for ``parts``, with the kbase code fingerprint mixed in (``code=False``: not,
        for values that depend on what ``parts`` name alone, such as a model's embeddings)."""
        digest = hashlib.sha256(code_fingerprint().encode() if code else b"")
        for part in parts:
            data = part if isinstance(part, bytes) else repr(part).encode()
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)
        return digest.hexdigest()

    def file_digest(self, path: str, read: Callable[[str], bytes]) -> tuple[str, bytes | None]:
        """The SHA-256 of the file at ``path`` and, when they had to be read (by ``read``, which raises for a
        file that cannot be), its bytes.

        A file is not read again while it is unchanged, by the test git uses for its index: its device,
        inode, size, modification and change times (nanoseconds) are those it had when its digest was
        recorded. The change time cannot be set by a program (only by the clock), so a file rewritten or
        replaced (a checkout, a clone, an editor's save, ``touch -d``) is read again. A file changed in
        the last :data:`RACY_SECONDS` is not recorded (a second write in the same clock tick would
        keep its times), and on a file system with coarse times this still holds.
        """
        stamp = _stamp(path)
        memo = self._file_memo()
        known = memo.get(path)
        if stamp is not None and known is not None and known[0] == stamp:
            return known[1], None
        data = read(path)
        digest = hashlib.sha256(data).hexdigest()
        if stamp is not None and time.time_ns() - max(stamp[3], stamp[4]) > RACY_SECONDS * 1e9:
            memo[path] = (stamp, digest)
            self.put("files", self.key("files"), memo)
        return digest, data

    def _file_memo(self) -> dict[str, tuple[tuple[int, ...], str]]:
        if self._memo is None:
            found = self.get("files", self.key("files"))
            self._memo = found if isinstance(found, dict) else {}
        return self._memo

    def _mac(self, body: bytes) -> bytes | None:
        if self._key is None:
            self._key = _secret()
            if self._key is None:
                self.enabled = False
                return None
        return hmac.new(self._key, body, hashlib.sha256).digest()

    def _path(self, slot: str) -> Path:
        return self.folder / f"{slot}.pickle"

    def get(self, slot: str, key: str) -> Any | None:
        """The entry in ``slot`` if it was written under ``key`` by kbase on this machine; else None."""
        if not self.enabled:
            return None
        path = self._path(slot)
        if not self._folder_is_safe(creating=False):
            return None
        data = _read_entry(path)
        if data is None:
            return None
        head = len(_MAGIC) + _MAC_SIZE + _KEY_SIZE
        if len(data) < head or not data.startswith(_MAGIC):
            _log.warning("ignored %s: not a kbase cache entry (rebuilt)", path)
            return None
        mac, body = data[len(_MAGIC) : len(_MAGIC) + _MAC_SIZE], data[len(_MAGIC) + _MAC_SIZE :]
        expected = self._mac(body)
        if expected is None:
            return None
        if not hmac.compare_digest(mac, expected):
            _log.warning("ignored %s: it was not written by kbase on this machine, or it was changed since (rebuilt)", path)
            return None
        if body[:_KEY_SIZE].decode("ascii", "replace") != key:
            return None  # an older entry of the slot: its input changed

        try:
            return unpickled(body[_KEY_SIZE:])
        except Exception as exc:  # noqa: BLE001 - an entry that verifies but does not load is a stale format
            _log.warning("ignored %s: %s (rebuilt)", path, exc)
            return None

    def put(self, slot: str, key: str, value: Any) -> None:
        """Keep ``value`` in ``slot`` under ``key``; a cache that cannot be written is skipped, silently."""
        if self.enabled:
            self._write(slot, key, value)

    def _write(self, slot: str, key: str, value: Any) -> None:
        try:
            body = key.encode("ascii") + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - a value that cannot be pickled is simply not cached
            _log.debug("not cached: %s", exc)
            return
        self._write_body(slot, body)

    def _write_body(self, slot: str, body: bytes) -> None:
        """Sign and write an entry's ``body`` (its key, then the pickled value), atomically."""
        mac = self._mac(body)
        if mac is None:
            return
        temp = None
        try:
            self._prepare()
            fd, temp = tempfile.mkstemp(prefix=f".{slot}.", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as handle:
                handle.write(_MAGIC + mac + body)
            os.replace(temp, self._path(slot))
            temp = None
        except OSError as exc:
            _log.debug("not cached: %s", exc)
        finally:
            if temp is not None:  # a full disk leaves no partial entry behind
                with suppress(OSError):
                    os.unlink(temp)

    def fetch(self, slot: str, key: str, compute: Callable[[], Any]) -> Any:
        """The entry in ``slot`` under ``key``, computed and kept when there is none."""
        value = self.get(slot, key)
        if value is None:
            value = compute()
            self.put(slot, key, value)
        return value

    def _folder_is_safe(self, creating: bool) -> bool:
        """The cache folder is this user's own folder, not a link (missing is fine unless ``creating``);
        else the cache is turned off, said once."""
        try:
            info = os.lstat(self.folder)
        except FileNotFoundError:
            return not creating
        except OSError:
            return False
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid():
            return True
        what = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a folder" if not stat.S_ISDIR(info.st_mode) else "not your folder"
        _log.warning("the parse cache is off: %s is %s; kbase keeps its cache only in a folder of its own", self.folder, what)
        self.enabled = False
        return False

    def _prepare(self) -> None:
        if self._ready:
            return
        with suppress(FileExistsError):
            os.mkdir(self.folder)
        if not self._folder_is_safe(creating=True):
            raise OSError(f"{self.folder}: not a folder of kbase's")
        for name, text in (
            (".gitignore", "# written by kbase: its parse cache is never committed\n*\n"),
            # https://bford.info/cachedir/: backup tools skip the folder
            ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# kbase parse cache (.kbase-cache)\n"),
        ):
            try:  # O_EXCL: whatever is there already, a link included, is left alone
                fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            except FileExistsError:
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
        self._ready = True


class MemoryCache(Cache):
    """A cache that lives in this process only (no files, no pickling): ``kbase diff`` and ``kbase log``
    read several revisions of a library, and a file whose bytes did not change between them is
    parsed once."""

    shared = False

    def __init__(self) -> None:
        super().__init__(Path("."))
        self._entries: dict[str, tuple[str, Any]] = {}

    def get(self, slot: str, key: str) -> Any | None:
        entry = self._entries.get(slot)
        return entry[1] if entry is not None and entry[0] == key else None

    def put(self, slot: str, key: str, value: Any) -> None:
        self._entries[slot] = (key, value)

    def file_digest(self, path: str, read: Callable[[str], bytes]) -> tuple[str, bytes | None]:
        """Always read: a revision's files are temporary copies, written moments ago."""
        data = read(path)
        return hashlib.sha256(data).hexdigest(), data


def _read_entry(path: Path) -> bytes | None:
    """The bytes of the entry file ``path``, when it is a regular file (not a link, a FIFO or a device)
    of at most :data:`MAX_ENTRY_BYTES`; else None."""
    try:
        handle = open_regular(path, follow=False)
    except NotRegularFile:
        _log.warning("ignored %s: not a kbase cache entry (rebuilt)", path)
        return None
    except OSError:
        return None
    with handle:
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_ENTRY_BYTES:
            _log.warning("ignored %s: not a kbase cache entry (rebuilt)", path)
            return None
        try:
            return handle.read(size)
        except OSError:
            return None


def slot_name(kind: str, path: str) -> str:
    """The slot of an input file: its kind and a hash of its path as given."""
    return f"{kind}-{hashlib.sha256(path.encode('utf-8', 'surrogatepass')).hexdigest()[:20]}"


#: A file whose modification or change time is this recent is read again at its next use rather
#: than trusted by its times (:meth:`Cache.file_digest`).
RACY_SECONDS = 2.0


def _stamp(path: str) -> tuple[int, int, int, int, int] | None:
    """(device, inode, size, modified ns, changed ns) of a regular file, None for anything else."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns
