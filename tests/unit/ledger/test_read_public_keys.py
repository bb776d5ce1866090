"""One reader for key files in every form the CLI takes them (``log verify --keys``, ``keys public``...)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moratorium.errors import InputError
from moratorium.ledger.keys import PartyKey, read_public_keys

US, RU = PartyKey.derive("US", "keys-test"), PartyKey.derive("RU", "keys-test")


@pytest.mark.parametrize("form", ["private", "one", "list", "keys", "run-keys-json"])
def test_every_form_gives_the_same_keys(tmp_path: Path, form: str) -> None:
    path = tmp_path / "k.json"
    pub = [US.public.to_json(), RU.public.to_json()]
    if form == "private":
        US.save(path)
        expected = [US.public]
    else:
        doc = {"one": pub[0], "list": pub, "keys": {"keys": pub}, "run-keys-json": {"US": pub[0], "RU": pub[1]}}[form]
        path.write_text(json.dumps(doc))
        expected = [US.public] if form == "one" else [US.public, RU.public]
    assert read_public_keys(path) == expected


@pytest.mark.parametrize(("doc", "where"), [
    ("[{\"party\": \"US\"}]", "[0]"),                                     # no public_key
    ('{"US": {"party": "US", "public_key": "!!"}}', "US.public_key"),    # not base64
    ('{"party": "US", "public_key": "AAAA"}', "public_key"),             # 3 bytes
    ('{"party": "US", "public_key": "' + "A" * 43 + '="}', "public_key"),  # the identity point: a weak key
    ("[1, 2]", "[0]"),
    ("not json", None),
])
def test_bad_key_files_name_the_file_and_the_field(tmp_path: Path, doc: str, where: str | None) -> None:
    path = tmp_path / "k.json"
    path.write_text(doc)
    with pytest.raises(InputError) as caught:
        read_public_keys(path)
    assert caught.value.file == str(path)
    assert caught.value.field == where
