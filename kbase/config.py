"""Project settings from ``kbase.toml`` or the ``[tool.kbase]`` table of ``pyproject.toml``.

```toml
[tool.kbase]                 # in pyproject.toml; in kbase.toml the keys go at the top level
claims = "library/claims.yaml"
bib = ["library/references.bib", "library/extra.bib"]
encoding = "utf-8"
```

Command-line options win over the file; paths are relative to the folder holding it, and must stay
inside that folder (a cloned repository's settings are untrusted: ``claims = "/etc/shadow"`` or a
path through a link that leads outside is refused with a located error; a path the user passes on
the command line may be anywhere).
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from .errors import LoadError, Location
from .files import NotRegularFile, link_leaving, open_regular
from .language.spelling import did_you_mean

__all__ = ["MAILTO", "read_config"]

#: A contact address (``mailto``, for Crossref's polite pool): one address, nothing that could add a header or a parameter.
MAILTO = re.compile(r"[^@\s<>()\"';,&?=]+@[^@\s<>()\"';,&?=]+\.[A-Za-z]{2,}")

KEYS = {
    "claims": str,
    "bib": list,
    "encoding": str,
    "review_days": int,
    "cache": bool,
    "drafts": list,
    "semantic": bool,
    "unassessed": str,
    "mailto": str,
}


def read_config(folder: Path) -> dict[str, Any]:
    """Settings from ``kbase.toml`` (first) or ``pyproject.toml`` in ``folder``; ``{}`` when neither has any."""
    for name, table in (("kbase.toml", None), ("pyproject.toml", "tool.kbase")):
        path = folder / name
        if not path.is_file():
            continue
        if path.is_relative_to(Path.cwd()):
            path = path.relative_to(Path.cwd())  # named in messages as the user would type it
        if link_leaving(path, folder) is not None:
            raise LoadError(Location(str(path)), "a symbolic link leading outside the project: kbase reads no settings through it")
        text = _settings_text(path)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise LoadError(Location(str(path)), f"not valid TOML: {exc}") from None
        except RecursionError:
            raise LoadError(Location(str(path)), "nested too deeply to be kbase's settings") from None
        if table:
            data = data.get("tool", {}).get("kbase")
            if data is None:
                continue
        settings: dict[str, Any] = {}
        for key, value in data.items():
            if key not in KEYS:
                raise LoadError(Location(str(path)), f"unknown setting {key!r}{did_you_mean(key, KEYS)}; kbase reads: {', '.join(KEYS)}")
            if key in ("bib", "drafts") and isinstance(value, str):
                value = [value]
            if (
                not isinstance(value, KEYS[key])
                or (isinstance(value, bool) and KEYS[key] is not bool)
                or (key in ("bib", "drafts") and not all(isinstance(v, str) for v in value))
            ):
                kind = {
                    "bib": "a list of paths",
                    "drafts": "a list of paths or globs",
                    "review_days": "a whole number of days",
                    "cache": "true or false",
                    "semantic": "true or false",
                }.get(key, "text")
                raise LoadError(Location(str(path)), f"setting {key!r} must be {kind}")
            if key == "unassessed" and value not in ("cap", "flag"):
                raise LoadError(
                    Location(str(path)),
                    f"setting 'unassessed' must be \"cap\" (grade unassessed evidence at most "
                    f"moderate, the default) or \"flag\" (flag it only), not {value!r}",
                )
            if key == "mailto" and not MAILTO.fullmatch(value):
                raise LoadError(Location(str(path)), f"setting 'mailto' must be one e-mail address, not {value!r}")
            settings[key] = value
        base = path.parent
        for key in ("claims", "bib", "drafts"):
            if key in settings:
                values = [_inside(path, text, key, v) for v in ([settings[key]] if key == "claims" else settings[key])]
                settings[key] = [str(_relative(base, v)) for v in values] if key != "claims" else str(_relative(base, values[0]))
        return settings
    return {}


#: Settings files are small; a larger one (or a file that cannot be read, such as /proc/self/pagemap) is not kbase's.
MAX_SETTINGS_BYTES = 1_000_000


def _settings_text(path: Path) -> str:
    """The text of a settings file: a regular file of at most :data:`MAX_SETTINGS_BYTES`, UTF-8; else a located error."""
    where = Location(str(path))
    try:
        with open_regular(path) as handle:
            data = handle.read(MAX_SETTINGS_BYTES + 1)
    except NotRegularFile:
        raise LoadError(where, "not a regular file") from None
    except OSError as exc:
        raise LoadError(where, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_SETTINGS_BYTES:
        raise LoadError(where, f"over {MAX_SETTINGS_BYTES // 1000} kB: not kbase's settings")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise LoadError(where, "not UTF-8") from None


def _inside(settings: Path, text: str, key: str, value: str) -> str:
    """``value`` when the path (or a glob's folders) it names stays inside the settings' folder; else a located error."""
    folder = os.path.realpath(settings.parent)
    literal = re.split(r"[*?[]", value, maxsplit=1)[0]  # a glob's fixed part: the folders it starts in
    resolved = os.path.realpath(os.path.join(folder, literal))
    if Path(value).is_absolute() or ".." in Path(value).parts or not Path(resolved).is_relative_to(folder):
        line = next((n for n, row in enumerate(text.splitlines(), 1) if re.match(rf"\s*{key}\s*=", row)), 1)
        raise LoadError(
            Location(str(settings), line, 1),
            f"setting {key!r} names {value!r}, outside this project's folder; "
            "settings may name only files inside it (pass a path outside on the command line instead)",
        )
    return value


def _relative(base: Path, value: str) -> Path:
    path = Path(value)
    if path.is_absolute():
        return path
    joined = base / path
    try:
        return joined.relative_to(Path.cwd())
    except ValueError:
        return joined
