"""The treaty model: parties, item classes, zones, obligations, reciprocity, verification rights, notifications."""

from moratorium.treaty._load import list_treaties, load_treaty, load_treaty_text, shipped_treaty_ids
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
