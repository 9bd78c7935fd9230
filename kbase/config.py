"""Project settings from ``kbase.toml`` or the ``[tool.kbase]`` table of ``pyproject.toml``.

```toml
[tool.kbase]                 # in pyproject.toml; in kbase.toml the keys go at the top level
claims = "library/claims.yaml"
bib = ["library/references.bib", "library/extra.bib"]
encoding = "utf-8"
```

Command-line options win over the file; paths are relative to the folder holding it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from .errors import LoadError, Location

__all__ = ["read_config"]

KEYS = {"claims": str, "bib": list, "encoding": str, "review_days": int, "cache": bool, "drafts": list, "semantic": bool}


def read_config(folder: Path) -> dict[str, Any]:
    """Settings from ``kbase.toml`` (first) or ``pyproject.toml`` in ``folder``; ``{}`` when neither has any."""
    for name, table in (("kbase.toml", None), ("pyproject.toml", "tool.kbase")):
        path = folder / name
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise LoadError(Location(str(path)), f"not valid TOML: {exc}") from None
        except UnicodeDecodeError:
            raise LoadError(Location(str(path)), "not UTF-8") from None
        if table:
            data = data.get("tool", {}).get("kbase")
            if data is None:
                continue
        settings: dict[str, Any] = {}
        for key, value in data.items():
            if key not in KEYS:
                from .spelling import did_you_mean

                raise LoadError(Location(str(path)), f"unknown setting {key!r}{did_you_mean(key, KEYS)}; kbase reads: {', '.join(KEYS)}")
            if key in ("bib", "drafts") and isinstance(value, str):
                value = [value]
            if not isinstance(value, KEYS[key]) or (isinstance(value, bool) and KEYS[key] is not bool) \
                    or (key in ("bib", "drafts") and not all(isinstance(v, str) for v in value)):
                kind = {"bib": "a list of paths", "drafts": "a list of paths or globs", "review_days": "a whole number of days",
                        "cache": "true or false", "semantic": "true or false"}.get(key, "text")
                raise LoadError(Location(str(path)), f"setting {key!r} must be {kind}")
            settings[key] = value
        base = path.parent
        if "claims" in settings:
            settings["claims"] = str(_relative(base, settings["claims"]))
        if "bib" in settings:
            settings["bib"] = [str(_relative(base, b)) for b in settings["bib"]]
        if "drafts" in settings:
            settings["drafts"] = [str(_relative(base, d)) for d in settings["drafts"]]
        return settings
    return {}


def _relative(base: Path, value: str) -> Path:
    path = Path(value)
    if path.is_absolute():
        return path
    joined = base / path
    try:
        return joined.relative_to(Path.cwd())
    except ValueError:
        return joined
