"""Reference catalogue: missile systems, launchers and sites; every figure a claim with claimant and source."""

from moratorium.catalog._load import load_catalog
from moratorium.catalog._model import CapabilityClaim, Catalog, Claim, Launcher, Site, SourceRef, System

__all__ = ["CapabilityClaim", "Catalog", "Claim", "Launcher", "Site", "SourceRef", "System", "load_catalog"]
