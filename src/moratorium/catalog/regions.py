"""Russia's federal subjects and the federal district each belongs to.

Source: the federal districts as constituted by presidential decree (2000, with the 2010 North Caucasian split and
the 2018 move of Buryatia and Zabaykalsky Krai to the Far Eastern district). Codes are ISO 3166-2:RU as Natural
Earth 1:50m admin-1 labels them (its Moscow city/oblast labels RU-MOS/RU-MOW are used as they appear there; both
are in the Central district). Crimea (UA-43) and Sevastopol (UA-40) are listed under Russia's de facto
administration (Southern district) and flagged ``contested``: annexed in 2014 and not recognised by most states; a
treaty file says whether its zones follow the de facto view.
"""

from __future__ import annotations

__all__ = ["CONTESTED_SUBJECTS", "EUROPEAN_DISTRICTS", "FEDERAL_DISTRICTS", "RUSSIAN_SUBJECTS"]

FEDERAL_DISTRICTS: dict[str, str] = {
    "NW": "Northwestern",
    "C": "Central",
    "S": "Southern",
    "NC": "North Caucasian",
    "V": "Volga",
    "U": "Ural",
    "SIB": "Siberian",
    "FE": "Far Eastern",
}

EUROPEAN_DISTRICTS: frozenset[str] = frozenset({"NW", "C", "S", "NC", "V"})
"""The districts counted as European Russia under the 'federal-districts' definition (reference/catalog.md)."""

_BY_DISTRICT: dict[str, dict[str, str]] = {
    "NW": {"RU-ARK": "Arkhangelsk", "RU-KGD": "Kaliningrad", "RU-KO": "Komi", "RU-KR": "Karelia",
           "RU-LEN": "Leningrad", "RU-MUR": "Murmansk", "RU-NEN": "Nenets", "RU-NGR": "Novgorod",
           "RU-PSK": "Pskov", "RU-SPE": "Saint Petersburg", "RU-VLG": "Vologda"},
    "C": {"RU-BEL": "Belgorod", "RU-BRY": "Bryansk", "RU-IVA": "Ivanovo", "RU-KLU": "Kaluga",
          "RU-KOS": "Kostroma", "RU-KRS": "Kursk", "RU-LIP": "Lipetsk", "RU-MOS": "Moscow (oblast)",
          "RU-MOW": "Moscow (city)", "RU-ORL": "Oryol", "RU-RYA": "Ryazan", "RU-SMO": "Smolensk",
          "RU-TAM": "Tambov", "RU-TUL": "Tula", "RU-TVE": "Tver", "RU-VLA": "Vladimir",
          "RU-VOR": "Voronezh", "RU-YAR": "Yaroslavl"},
    "S": {"RU-AD": "Adygea", "RU-AST": "Astrakhan", "RU-KDA": "Krasnodar", "RU-KL": "Kalmykia",
          "RU-ROS": "Rostov", "RU-VGG": "Volgograd", "UA-43": "Crimea", "UA-40": "Sevastopol"},
    "NC": {"RU-CE": "Chechnya", "RU-DA": "Dagestan", "RU-IN": "Ingushetia", "RU-KB": "Kabardino-Balkaria",
           "RU-KC": "Karachay-Cherkessia", "RU-SE": "North Ossetia-Alania", "RU-STA": "Stavropol"},
    "V": {"RU-BA": "Bashkortostan", "RU-CU": "Chuvashia", "RU-KIR": "Kirov", "RU-ME": "Mari El",
          "RU-MO": "Mordovia", "RU-NIZ": "Nizhny Novgorod", "RU-ORE": "Orenburg", "RU-PER": "Perm",
          "RU-PNZ": "Penza", "RU-SAM": "Samara", "RU-SAR": "Saratov", "RU-TA": "Tatarstan",
          "RU-UD": "Udmurtia", "RU-ULY": "Ulyanovsk"},
    "U": {"RU-CHE": "Chelyabinsk", "RU-KGN": "Kurgan", "RU-KHM": "Khanty-Mansi", "RU-SVE": "Sverdlovsk",
          "RU-TYU": "Tyumen", "RU-YAN": "Yamalo-Nenets"},
    "SIB": {"RU-AL": "Altai Republic", "RU-ALT": "Altai Krai", "RU-IRK": "Irkutsk", "RU-KEM": "Kemerovo",
            "RU-KK": "Khakassia", "RU-KYA": "Krasnoyarsk", "RU-NVS": "Novosibirsk", "RU-OMS": "Omsk",
            "RU-TOM": "Tomsk", "RU-TY": "Tuva"},
    "FE": {"RU-AMU": "Amur", "RU-BU": "Buryatia", "RU-CHU": "Chukotka", "RU-KAM": "Kamchatka",
           "RU-KHA": "Khabarovsk", "RU-MAG": "Magadan", "RU-PRI": "Primorsky", "RU-SA": "Sakha",
           "RU-SAK": "Sakhalin", "RU-YEV": "Jewish Autonomous Oblast", "RU-ZAB": "Zabaykalsky"},
}

RUSSIAN_SUBJECTS: dict[str, tuple[str, str]] = {
    code: (name, district) for district, members in _BY_DISTRICT.items() for code, name in members.items()
}
"""ISO 3166-2 code -> (name, federal district code)."""

CONTESTED_SUBJECTS: frozenset[str] = frozenset({"UA-43", "UA-40"})
