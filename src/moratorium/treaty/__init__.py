"""The treaty model: parties, item classes, zones, obligations, reciprocity, verification rights, notifications.

``load_treaty`` and ``load_treaty_text`` are imported on first use: they need pydantic, which the CLI must not
pay for at start-up (``moratorium treaty list`` reads only ``_index``); every name is resolved lazily.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = [
    "EUROPEAN_RUSSIA_DEFINITIONS",
    "InspectionRight",
    "ItemClass",
    "LauncherClass",
    "NotificationDuty",
    "Obligation",
    "Party",
    "QuotaStep",
    "RangeBand",
    "Reciprocity",
    "Source",
    "Treaty",
    "Verification",
    "Zone",
    "list_treaties",
    "load_treaty",
    "load_treaty_text",
    "shipped_treaty_ids",
]


if TYPE_CHECKING:
    from moratorium.treaty._index import list_treaties, shipped_treaty_ids
    from moratorium.treaty._load import load_treaty, load_treaty_text
    from moratorium.treaty._model import (
        EUROPEAN_RUSSIA_DEFINITIONS,
        InspectionRight,
        ItemClass,
        LauncherClass,
        NotificationDuty,
        Obligation,
        Party,
        QuotaStep,
        RangeBand,
        Reciprocity,
        Source,
        Treaty,
        Verification,
        Zone,
    )

_HOME = {"list_treaties": "_index", "shipped_treaty_ids": "_index", "load_treaty": "_load",
         "load_treaty_text": "_load"}


def __getattr__(name: str) -> Any:
    """Import the exported names on first use (PEP 562), so ``moratorium treaty list`` starts fast."""
    if name in __all__:
        module = import_module(f"moratorium.treaty.{_HOME.get(name, '_model')}")
        return getattr(module, name)
    raise AttributeError(f"module 'moratorium.treaty' has no attribute {name!r}")
