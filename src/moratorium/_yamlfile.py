"""Load YAML files keeping the line of every value, and turn pydantic errors into ``FILE:LINE: field: msg``.

PyYAML's composer gives each node a start mark; we walk the node tree once to build both the plain Python value
and a map from path (tuple of keys and indices) to 1-based line, so a validation error anywhere in a treaty,
scenario or catalogue file can name the line a person has to fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from moratorium.errors import InputError

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["ENTRY_KEYS", "MAX_ERRORS", "LineMap", "date_text", "file_field", "load_yaml", "locate", "validate"]

LineMap = dict[tuple[str | int, ...], int]
M = TypeVar("M", bound="BaseModel")

try:  # the C loader is several times faster; fall back to pure Python where libyaml is missing
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


def load_yaml(path: Path | str, *, text: str | None = None) -> tuple[Any, LineMap]:
    """Parse ``path`` (or ``text``, labelled with ``path``) into Python values and a path→line map."""
    label = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError("no such file", file=label) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read: {exc}", file=label) from exc
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"malformed YAML: {exc.problem}", file=label, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", file=label) from None
    lines: LineMap = {}
    if node is None:
        return None, lines
    try:
        value = _convert(node, (), lines, label, _Budget())
    except RecursionError:
        raise InputError("YAML nested too deeply", file=label) from None
    return value, lines


MAX_ALIAS_NODES = 10_000
"""How many nodes aliases may add by expansion (a "billion laughs" file expands 437 bytes into billions)."""


class _Budget:
    """Counts the nodes that aliases add: the composer shares an aliased node, so a node met twice is an alias."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.expanded = 0

    def visit(self, node: yaml.Node, label: str) -> None:
        if id(node) in self.seen:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_NODES:
                raise InputError(f"YAML aliases expand to more than {MAX_ALIAS_NODES:,} nodes; refusing to expand "
                                 "them (write the repeated part out, or use fewer aliases)", file=label,
                                 line=node.start_mark.line + 1)
        else:
            self.seen.add(id(node))


def _convert(node: yaml.Node, path: tuple[str | int, ...], lines: LineMap, label: str, budget: _Budget) -> Any:
    budget.visit(node, label)
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("mapping keys must be plain scalars", file=label, line=key_node.start_mark.line + 1)
            key = str(_scalar(key_node, label))
            if key in out:
                raise InputError(f"duplicate key {key!r}", file=label, line=key_node.start_mark.line + 1,
                                 field=_dotted((*path, key)))
            out[key] = _convert(value_node, (*path, key), lines, label, budget)
            lines[(*path, key)] = key_node.start_mark.line + 1  # a person looks for the key, not the value
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, (*path, i), lines, label, budget) for i, child in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(node, label)


def _scalar(node: yaml.ScalarNode, label: str) -> Any:
    loader = _Loader("")
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise InputError(f"bad value: {exc}", file=label, line=node.start_mark.line + 1) from None
    except (ValueError, OverflowError) as exc:  # e.g. an unquoted 2021-02-30: PyYAML's date constructor raises
        what = "not a calendar date" if node.tag.endswith(":timestamp") else "bad value"
        raise InputError(f"{what}: {node.value!r} ({exc})", file=label, line=node.start_mark.line + 1) from None
    finally:
        loader.dispose()


def date_text(value: object) -> object:
    """A pydantic ``mode="before"`` validator: YAML reads ``2020-10-26`` as a date and ``2019`` as an int; keep
    dates as the ISO text the files wrote, so patterns such as ``YYYY(-MM(-DD))`` can check their shape, and
    check the calendar of month and day dates with ``moratorium.dates`` (``ValueError``: no 30 February)."""
    import datetime as dt

    from moratorium import dates

    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and len(value) > 4 and value[:4].isdigit() and value[4:5] == "-":
        try:
            dates.parse(value)
        except InputError as exc:
            raise ValueError(exc.message) from None
    return value


def _dotted(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def locate(lines: LineMap, path: Sequence[str | int]) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    probe = tuple(path)
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return lines.get(())


MAX_ERRORS = 20
"""At most this many errors of one file are reported in one run (then ``... and N more``)."""

ENTRY_KEYS = {"author": "by", "effective": "date"}
"""An entry's field names (``moratorium.ledger.entry.Entry``) as a scenario file spells them."""


def file_field(field: str | None, names: Mapping[str, str] = ENTRY_KEYS) -> str | None:
    """``field`` with its first component renamed to the file's own key (``author.x`` -> ``by.x``)."""
    if not field:
        return field
    head, sep, rest = field.partition(".")
    bracket = head.find("[")
    key, index = (head, "") if bracket < 0 else (head[:bracket], head[bracket:])
    return names.get(key, key) + index + sep + rest


def _error(err: Any, *, lines: LineMap) -> tuple[int | None, str | None, str]:
    """(line, field, message) of one pydantic error; a missing key is named itself, at its parent's line."""
    loc = [p for p in err["loc"] if isinstance(p, str | int)]
    msg = err["msg"].removeprefix("Value error, ")
    if err.get("type") == "missing":
        parent = loc[:-1]
        while parent and tuple(parent) not in lines and len(parent) > 1:
            parent = parent[:-1]
        return locate(lines, parent), _dotted(loc) or None, "missing (required)"
    if err.get("type") == "extra_forbidden":
        msg = "unknown key (not part of this file's format)"
    # pydantic appends the failing union member / validator name; trim to the longest path present in the file
    while loc and tuple(loc) not in lines and len(loc) > 1:
        loc = loc[:-1]
    return locate(lines, loc), _dotted(loc) or None, msg


def validate(model: type[M], data: Any, *, file: str, lines: LineMap) -> M:
    """Validate ``data`` with ``model``. Every error (up to :data:`MAX_ERRORS`) is reported in one
    ``InputError``: the first as its file, line, field and message, the others as further
    ``FILE:LINE: field: message`` lines of the message, in file order."""
    from pydantic import ValidationError

    if not isinstance(data, Mapping):
        raise InputError("expected a mapping at the top level", file=file, line=1)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        found: list[tuple[int | None, str | None, str]] = []
        for err in exc.errors(include_url=False):
            item = _error(err, lines=lines)
            if item not in found:
                found.append(item)
        found.sort(key=lambda e: (e[0] is None, e[0] or 0))
        (line, field, msg), rest = found[0], found[1:MAX_ERRORS]
        more = [str(InputError(m, file=file, line=n, field=f)) for n, f, m in rest]
        if len(found) > MAX_ERRORS:
            more.append(f"{file}: ... and {len(found) - MAX_ERRORS} more errors")
        raise InputError("\n".join([msg, *more]), file=file, line=line, field=field) from None
