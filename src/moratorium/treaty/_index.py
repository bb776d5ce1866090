"""The shipped treaty files, listed without validating them (pydantic is not imported: keeps the CLI fast)."""

from __future__ import annotations

import re
from importlib import resources

__all__ = ["list_treaties", "shipped_treaty_ids"]

_TOP = re.compile(r"^(id|name|date):[ \t]*(.*)$", re.MULTILINE)


def shipped_treaty_ids() -> list[str]:
    """Ids of the treaty files shipped in the package, sorted."""
    folder = resources.files("moratorium.treaty") / "data"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def list_treaties() -> list[dict[str, str]]:
    """``{id, name, date}`` of each shipped treaty, from its top-level keys (one-line values in our files)."""
    out = []
    for tid in shipped_treaty_ids():
        text = (resources.files("moratorium.treaty") / "data" / f"{tid}.yaml").read_text(encoding="utf-8")
        top = {key: _unquote(value) for key, value in _TOP.findall(text)}
        out.append({"id": tid, "name": top.get("name", ""), "date": top.get("date", "")})
    return out


def _unquote(value: str) -> str:
    value = value.split(" #")[0].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value
