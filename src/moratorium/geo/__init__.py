"""Reach analysis on the WGS84 ellipsoid: geodesy, range rings, targets, zones, flight times, export and maps.

The public API for notebooks and the other packages (see DESIGN.md; ``geo`` imports only ``catalog``)::

    from moratorium import geo
    site = geo.resolve_site("kamyshlov")
    [choice] = geo.resolve_ranges(system="9m729", claims=("us",))
    result = geo.reach(site, choice, targets="capitals")
    result.hits[0].name, result.hits[0].distance_km
    result.to_dataframe()                       # with pandas installed

Submodules: ``geodesy`` (distances, direct/inverse problems), ``rings`` (range rings as polygons), ``pairs``
(exact in-range pairs with a proven spherical prefilter), ``targets`` (GeoNames capitals and cities), ``reach``,
``flight`` (flight-time estimates), ``zones`` (treaty zones and European/Asian Russia), ``territory`` (distance to
a territory), ``export`` (GeoJSON/KML/CSV) and ``maps`` (PNG and offline HTML).
"""

from moratorium.geo.flight import flight_time_min
from moratorium.geo.geodesy import distance_km, forward, inverse, wgs84
from moratorium.geo.pairs import PairSet, pairs_within
from moratorium.geo.reach import (
    RangeChoice,
    ReachDiff,
    ReachHit,
    ReachResult,
    ReverseResult,
    SitePoint,
    reach,
    reach_diff,
    resolve_ranges,
    resolve_site,
    resolve_target,
    reverse_reach,
)
from moratorium.geo.rings import RangeRing, range_ring
from moratorium.geo.targets import Target, find_target, load_targets
from moratorium.geo.territory import TerritoryDistance

__all__ = [
    "PairSet",
    "RangeChoice",
    "RangeRing",
    "ReachDiff",
    "ReachHit",
    "ReachResult",
    "ReverseResult",
    "SitePoint",
    "Target",
    "TerritoryDistance",
    "distance_km",
    "find_target",
    "flight_time_min",
    "forward",
    "inverse",
    "load_targets",
    "pairs_within",
    "range_ring",
    "reach",
    "reach_diff",
    "resolve_ranges",
    "resolve_site",
    "resolve_target",
    "reverse_reach",
    "wgs84",
]
