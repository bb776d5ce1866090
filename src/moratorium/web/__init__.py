"""The node's web UI: plain HTML, JavaScript and CSS served from ``static/`` at ``/ui`` (no build step).

Pages: ``index.html`` (compliance dashboard), ``map.html`` (countries, zones, deployments, range rings),
``log.html`` (log explorer with in-browser RFC 9162 inclusion proof checks), ``inspections.html`` (planner).
Everything is served by the node itself: Leaflet is vendored under ``static/vendor/leaflet`` and the country
polygons come from ``/v1/geo/countries``, so no page loads anything from the internet.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["static_dir"]


def static_dir() -> Path:
    """The directory of the UI's static files."""
    return Path(str(resources.files("moratorium.web").joinpath("static")))
