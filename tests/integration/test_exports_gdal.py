"""Every export opens in GDAL (``ogrinfo``, an independent GIS reader) with a sensible layer name, geometry type
and typed fields: ``map``'s GeoJSON and KML, ``zones export`` (zones and countries) and ``run``'s timeline CSV."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXE = [sys.executable, "-c", "from moratorium.cli import main; main()"]


@pytest.fixture(scope="module")
def ogrinfo() -> str:
    path = shutil.which("ogrinfo")
    if path is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("the export tests need GDAL's ogrinfo (.ci/run installs gdal-bin)")
        pytest.skip("the export tests need GDAL's ogrinfo (apt install gdal-bin)")
    return path


def _rings() -> int:
    from moratorium.catalog import load_catalog

    return 2 * len(load_catalog().system("9m729").ranges_km)  # two sites, one ring per range claim


RINGS = _rings()


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("exports")
    for args in (["map", "--site", "-75,10", "--site", "kamyshlov", "--system", "9m729", "--out", "m.png"],
                 ["zones", "export", "--treaty", "ru-2020-offer", "--out", "zones.geojson"],
                 ["zones", "export", "--countries", "--out", "countries.geojson"],
                 ["run", "inspections-2021", "--out", "run"]):
        done = subprocess.run([*EXE, *args], capture_output=True, text=True, cwd=root, timeout=300)
        assert done.returncode == 0, (args, done.stderr)
    return root


def _info(ogrinfo: str, path: Path, *extra: str) -> dict[str, dict[str, str]]:
    """Layer name -> {"Geometry": ..., "Feature Count": ..., field: type} from ``ogrinfo -so -al``."""
    done = subprocess.run([ogrinfo, "-ro", "-so", "-al", *extra, str(path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "ERROR" not in done.stderr, done.stderr
    layers: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in done.stdout.splitlines():
        if line.startswith("Layer name: "):
            current = layers.setdefault(line.removeprefix("Layer name: "), {})
        elif ": " in line and not line.startswith(" "):
            key, _, value = line.partition(": ")
            current[key] = value.split(" (")[0]
    return layers


def test_map_geojson_is_one_multipolygon_layer_with_typed_fields(ogrinfo: str, exports: Path) -> None:
    layers = _info(ogrinfo, exports / "m.geojson")
    assert list(layers) == ["reach_9m729"]
    rings = layers["reach_9m729"]
    assert rings["Geometry"] == "Multi Polygon" and rings["Feature Count"] == str(RINGS)
    assert rings["range_km"] == "Real" and rings["claim"] == "String" and rings["site"] == "String"


def test_map_kml_has_a_layer_per_kind_with_typed_fields(ogrinfo: str, exports: Path) -> None:
    layers = _info(ogrinfo, exports / "m.kml")
    assert list(layers) == ["sites", "rings", "targets"]
    assert layers["sites"]["Feature Count"] == "2" and layers["rings"]["Feature Count"] == str(RINGS)
    assert layers["rings"]["range_km"] == "Real"
    assert layers["targets"]["population"] in {"Integer", "Integer64"}
    assert layers["targets"]["distance_km"] == "Real"


def test_kml_converts_with_ogr2ogr(ogrinfo: str, exports: Path, tmp_path: Path) -> None:
    """Regression: a site given as -75,10 named the KML Document so that ogr2ogr refused the layer name."""
    ogr2ogr = str(Path(ogrinfo).with_name("ogr2ogr"))
    out = tmp_path / "m.gpkg"
    done = subprocess.run([ogr2ogr, "-f", "GPKG", str(out), str(exports / "m.kml")], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert set(_info(ogrinfo, out)) == {"sites", "rings", "targets"}


@pytest.mark.parametrize(("name", "layer", "count"), [("zones.geojson", "ru_2020_offer_zones", 3),
                                                      ("countries.geojson", "countries", 240)])
def test_zones_and_countries_are_multipolygon_layers(ogrinfo: str, exports: Path, name: str, layer: str,
                                                     count: int) -> None:
    layers = _info(ogrinfo, exports / name)
    assert list(layers) == [layer]
    assert layers[layer]["Geometry"] == "Multi Polygon" and int(layers[layer]["Feature Count"]) >= count
    assert layers[layer].get("name") == "String"


def test_timeline_csv_has_typed_fields(ogrinfo: str, exports: Path) -> None:
    layers = _info(ogrinfo, exports / "run" / "timeline.csv")
    timeline = layers["timeline"]
    assert timeline["Geometry"] == "None" and int(timeline["Feature Count"]) >= 5
    assert timeline["seq"] == "Integer" and timeline["obligation"] == "String"
