"""Running ``git`` on a repository kbase does not trust: nothing the repository configures is run.

A cloned repository (or an archive, or a shared folder) carries its own ``.git/config``, and git
runs commands named there: ``core.fsmonitor`` on any command that reads the index, a
``filter.<name>.clean`` on any command that reads a working-tree file the repository's
``.gitattributes`` assigns it to (``blame``, ``diff``), a ``diff.<name>.textconv`` or
``diff.external`` on a diff or a blame, ``gpg.program`` when ``log.showSignature`` is set, hooks, a
pager. :func:`run_git` turns every one of those off on the command line (``-c`` wins over every
configuration file): the fixed settings below, and an empty command for every filter, diff and merge
driver the repository's configuration names (read with ``git config --list``, which runs nothing).
The system-wide configuration is skipped (``GIT_CONFIG_NOSYSTEM``), optional locks are not taken
(``GIT_OPTIONAL_LOCKS=0``: a read never writes the index), and git never prompts.

``tests/test_untrusted.py`` plants each of these commands in a repository and checks that no kbase
command runs one.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

__all__ = ["GitMissing", "GitRefused", "run_git"]

#: Settings that would run a command, or make git read a file the repository chose (``/dev/zero``, a FIFO), turned
#: off for every git that kbase runs.
SAFE_SETTINGS = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.editor=false",
    "core.sshCommand=false",
    "core.askPass=false",
    "credential.helper=",
    "diff.external=",
    "log.showSignature=false",
    "gpg.program=false",
    "core.alternateRefsCommand=",
    "protocol.allow=never",
    "uploadpack.packObjectsHook=",
    "core.untrackedCache=false",
    "submodule.recurse=false",
    "blame.ignoreRevsFile=",
    "core.attributesFile=/dev/null",
    "core.excludesFile=/dev/null",
    "diff.orderFile=/dev/null",
    "mailmap.file=/dev/null",
    "mailmap.blob=",
    "log.mailmap=false",
)

#: Files inside a repository that git reads on its own; kbase runs no git where one is not a regular file.
_READ_BY_GIT = (".mailmap", ".gitattributes", ".gitignore", ".git/info/attributes", ".git/info/exclude", ".git/config", ".git/HEAD", ".git/index")
#: The most of a repository's own configuration kbase reads to look for its includes.
_MAX_CONFIG_BYTES = 1_000_000


class GitRefused(OSError):
    """The repository's git configuration or files would make git read a FIFO or a device: no git is run."""


#: ``section.<name>.key`` entries of a repository's configuration that name a command to run.
_DRIVER = re.compile(rb"^((?:filter|diff|merge)\.[^\n]+\.(?:clean|smudge|process|textconv|command|driver))\n", re.IGNORECASE)
_FILTER = re.compile(rb"^(filter\.[^\n]+)\.(?:clean|smudge|process)\n", re.IGNORECASE)
_overrides: dict[str, list[str]] = {}


class GitMissing(OSError):
    """git is not installed."""


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat", PAGER="cat")
    for name in ("GIT_EXTERNAL_DIFF", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS"):
        env.pop(name, None)
    return env


def _top(folder: Path) -> Path | None:
    """The folder holding ``.git`` at or above ``folder`` (found without running git), or None."""
    here = Path(os.path.abspath(folder))
    for candidate in (here, *here.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def _not_regular(path: Path) -> bool:
    try:
        info = os.stat(path)
    except OSError:
        return False  # absent, or a dangling link: git does not read it either
    return not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode)


def _check_repository(folder: Path) -> None:
    """Refuse (:class:`GitRefused`) a repository where git would wait on a FIFO or read a device: its own files
    (``.mailmap``, ``.gitattributes``, ``.git/config``…) and every file its configuration names (``include.path``,
    ``includeIf.*.path`` and ``blame.ignoreRevsFile``, which ``-c`` cannot take back, and any other path value but
    ``/dev/null``). Read here, as files, before any git runs."""
    top = _top(folder)
    if top is None:
        return
    for name in _READ_BY_GIT:
        if _not_regular(top / name):
            raise GitRefused(f"{top / name} is not a regular file (a FIFO or a device); kbase runs no git in this repository")
    config = top / ".git" / "config"
    if not config.is_file():
        return
    with open(config, "rb") as handle:
        text = handle.read(_MAX_CONFIG_BYTES).decode("utf-8", "replace")
    # every value that names a file (an include, blame.ignoreRevsFile, which -c cannot take back, and any other)
    for key, value in re.findall(r"^\s*([\w.-]+)\s*=\s*\"?([^\"\n]*?)\"?\s*$", text, re.M):
        value = value.strip()
        if "/" not in value or value == "/dev/null":
            continue
        path = Path(os.path.expanduser(value))
        if _not_regular(path if path.is_absolute() else config.parent / path):
            raise GitRefused(f"{config}: {key} names {value}, which is not a regular file (a FIFO or a device); kbase runs no git in this repository")


def _driver_overrides(folder: Path) -> list[str]:
    """``-c NAME=`` for every filter, diff or merge driver command the configuration seen from ``folder`` names."""
    key = os.path.realpath(folder)
    if key not in _overrides:
        listed = subprocess.run(
            ["git", "--no-pager", "config", "--list", "--name-only", "-z", "--includes"],
            cwd=folder,
            capture_output=True,
            timeout=60,
            check=False,
            env=_environment(),
            stdin=subprocess.DEVNULL,
        ).stdout
        names = [entry + b"\n" for entry in listed.split(b"\0") if entry]
        found: dict[str, None] = {}
        for name in names:
            driver = _DRIVER.match(name)
            if driver:
                found.setdefault(f"{driver.group(1).decode('utf-8', 'replace')}=")
            filter_ = _FILTER.match(name)
            if filter_:  # a required filter with no command would make git fail instead of reading the file as it is
                found.setdefault(f"{filter_.group(1).decode('utf-8', 'replace')}.required=false")
        _overrides[key] = [option for setting in found for option in ("-c", setting)]
    return _overrides[key]


def run_git(folder: str | Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """``git ARGS`` in ``folder`` with every command the repository configures turned off (see the module docs).

    Raises
    ------
    GitMissing
        git is not installed.
    GitRefused
        The repository would make git read a FIFO or a device (:func:`_check_repository`).
    subprocess.TimeoutExpired
        git took longer than ``timeout`` seconds.
    """
    folder = Path(folder)
    _check_repository(folder)
    try:
        safe = [option for setting in SAFE_SETTINGS for option in ("-c", setting)]
        command = ["git", "--no-pager", "--no-replace-objects", *safe, *_driver_overrides(folder), *args]
        return subprocess.run(command, cwd=folder, capture_output=True, timeout=timeout, check=False, env=_environment(), stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise GitMissing("git is not installed") from None
