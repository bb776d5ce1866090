"""The part of HTTP Structured Field Values (RFC 8941) that HTTP Message Signatures need: parsing and serialising
Dictionaries whose members are Items or Inner Lists, with Parameters.

Parsing follows RFC 8941 §4.2 (the algorithms are named after its sections); a malformed field raises
``ValueError`` with what was expected. Tokens are ``Token`` (a ``str`` subclass) so that they serialise back as
tokens, not as strings (§4.1).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["InnerList", "Item", "Token", "parse_dictionary", "serialize_inner_list", "serialize_item"]

BareItem = int | Decimal | str | bytes | bool
Params = dict[str, BareItem]

_KEY = re.compile(r"[a-z*][a-z0-9_\-.*]*")
_TOKEN = re.compile(r"[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*")
_NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,3})?")
_BYTES = re.compile(r":([A-Za-z0-9+/=]*):")
_MAX_MEMBERS = 64


class Token(str):
    """An sf-token (RFC 8941 §3.3.4), kept apart from sf-string."""

    __slots__ = ()


@dataclass(frozen=True)
class Item:
    value: BareItem
    params: Params = field(default_factory=dict)


@dataclass(frozen=True)
class InnerList:
    items: tuple[Item, ...]
    params: Params = field(default_factory=dict)


class _Parser:
    def __init__(self, text: str) -> None:
        if not text.isascii():
            raise ValueError("structured fields are ASCII")
        self.s = text
        self.i = 0

    def _peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def _skip_sp(self) -> None:
        while self._peek() == " ":
            self.i += 1

    def _skip_ows(self) -> None:
        while self._peek() in (" ", "\t") and self._peek():
            self.i += 1

    def dictionary(self) -> dict[str, Item | InnerList]:  # §4.2.2
        out: dict[str, Item | InnerList] = {}
        self._skip_sp()
        while self.i < len(self.s):
            key = self.key()
            if self._peek() == "=":
                self.i += 1
                member: Item | InnerList = self.item_or_inner_list()
            else:
                member = Item(True, self.parameters())
            out[key] = member  # a later duplicate overrides (§4.2.2)
            if len(out) > _MAX_MEMBERS:
                raise ValueError(f"more than {_MAX_MEMBERS} dictionary members")
            self._skip_ows()
            if self.i >= len(self.s):
                return out
            if self._peek() != ",":
                raise ValueError(f"expected ',' at position {self.i}")
            self.i += 1
            self._skip_ows()
            if self.i >= len(self.s):
                raise ValueError("trailing comma")
        return out

    def item_or_inner_list(self) -> Item | InnerList:  # §4.2.1.1
        if self._peek() == "(":
            return self.inner_list()
        return self.item()

    def inner_list(self) -> InnerList:  # §4.2.1.2
        self.i += 1
        items: list[Item] = []
        while self.i < len(self.s):
            self._skip_sp()
            if self._peek() == ")":
                self.i += 1
                return InnerList(tuple(items), self.parameters())
            items.append(self.item())
            if len(items) > _MAX_MEMBERS:
                raise ValueError(f"more than {_MAX_MEMBERS} inner list members")
            if self._peek() not in (" ", ")"):
                raise ValueError(f"expected ' ' or ')' at position {self.i}")
        raise ValueError("unterminated inner list")

    def item(self) -> Item:  # §4.2.3
        return Item(self.bare_item(), self.parameters())

    def bare_item(self) -> BareItem:  # §4.2.3.1
        c = self._peek()
        if c == "-" or c.isdigit():
            m = _NUMBER.match(self.s, self.i)
            if m is None:
                raise ValueError(f"bad number at position {self.i}")
            self.i = m.end()
            if self._peek().isdigit() or self._peek() == ".":
                raise ValueError(f"number too long at position {m.start()}")
            return Decimal(m.group()) if m.group(1) else int(m.group())
        if c == '"':
            return self.string()
        if c == ":":
            m = _BYTES.match(self.s, self.i)
            if m is None:
                raise ValueError(f"bad byte sequence at position {self.i}")
            self.i = m.end()
            try:
                return base64.b64decode(m.group(1), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ValueError(f"bad base64 in byte sequence: {exc}") from None
        if c == "?":
            if self.s[self.i + 1 : self.i + 2] not in ("0", "1"):
                raise ValueError(f"bad boolean at position {self.i}")
            self.i += 2
            return self.s[self.i - 1] == "1"
        m = _TOKEN.match(self.s, self.i)
        if m is None:
            raise ValueError(f"expected an item at position {self.i}")
        self.i = m.end()
        return Token(m.group())

    def string(self) -> str:  # §4.2.5
        self.i += 1
        out = []
        while self.i < len(self.s):
            c = self.s[self.i]
            self.i += 1
            if c == "\\":
                nxt = self._peek()
                if nxt not in ('"', "\\"):
                    raise ValueError(f"bad escape in string at position {self.i}")
                out.append(nxt)
                self.i += 1
            elif c == '"':
                return "".join(out)
            elif not (" " <= c <= "~"):
                raise ValueError("control character in string")
            else:
                out.append(c)
        raise ValueError("unterminated string")

    def key(self) -> str:  # §4.2.3.3
        m = _KEY.match(self.s, self.i)
        if m is None:
            raise ValueError(f"expected a key at position {self.i}")
        self.i = m.end()
        return m.group()

    def parameters(self) -> Params:  # §4.2.3.2
        params: Params = {}
        while self._peek() == ";":
            self.i += 1
            self._skip_sp()
            key = self.key()
            value: BareItem = True
            if self._peek() == "=":
                self.i += 1
                value = self.bare_item()
            params[key] = value
            if len(params) > _MAX_MEMBERS:
                raise ValueError(f"more than {_MAX_MEMBERS} parameters")
        return params


def parse_dictionary(text: str) -> dict[str, Item | InnerList]:
    """Parse an sf-dictionary (RFC 8941 §4.2, with leading and trailing spaces discarded)."""
    parser = _Parser(text.strip(" \t"))
    return parser.dictionary()


def _serialize_bare(value: BareItem) -> str:  # §4.1.3.1
    if isinstance(value, bool):
        return "?1" if value else "?0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        text = f"{value.quantize(Decimal('0.001')):f}".rstrip("0")
        return text + "0" if text.endswith(".") else text
    if isinstance(value, bytes):
        return ":" + base64.b64encode(value).decode() + ":"
    if isinstance(value, Token):
        return str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _serialize_params(params: Params) -> str:  # §4.1.1.2
    return "".join(f";{k}" if v is True else f";{k}={_serialize_bare(v)}" for k, v in params.items())


def serialize_item(item: Item) -> str:
    """RFC 8941 §4.1.3."""
    return _serialize_bare(item.value) + _serialize_params(item.params)


def serialize_inner_list(inner: InnerList) -> str:
    """RFC 8941 §4.1.1.1."""
    return "(" + " ".join(serialize_item(i) for i in inner.items) + ")" + _serialize_params(inner.params)
