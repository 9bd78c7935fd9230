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
import subprocess
from pathlib import Path

__all__ = ["GitMissing", "run_git"]

#: Settings that would run a command, turned off for every git that kbase runs.
SAFE_SETTINGS = ("core.fsmonitor=false", "core.hooksPath=/dev/null", "core.pager=cat", "core.editor=false",
                 "core.sshCommand=false", "core.askPass=false", "credential.helper=", "diff.external=",
                 "log.showSignature=false", "gpg.program=false", "core.alternateRefsCommand=", "protocol.allow=never",
                 "uploadpack.packObjectsHook=", "core.untrackedCache=false", "submodule.recurse=false")

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


def _driver_overrides(folder: Path) -> list[str]:
    """``-c NAME=`` for every filter, diff or merge driver command the configuration seen from ``folder`` names."""
    key = os.path.realpath(folder)
    if key not in _overrides:
        listed = subprocess.run(["git", "--no-pager", "config", "--list", "--name-only", "-z", "--includes"], cwd=folder,
                                capture_output=True, timeout=60, check=False, env=_environment()).stdout
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
    subprocess.TimeoutExpired
        git took longer than ``timeout`` seconds.
    """
    folder = Path(folder)
    try:
        safe = [option for setting in SAFE_SETTINGS for option in ("-c", setting)]
        command = ["git", "--no-pager", "--no-replace-objects", *safe, *_driver_overrides(folder), *args]
        return subprocess.run(command, cwd=folder, capture_output=True, timeout=timeout, check=False, env=_environment(),
                              stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise GitMissing("git is not installed") from None
