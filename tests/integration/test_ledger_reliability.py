"""SIGKILL the appending process at random moments; every acknowledged entry survives and the log verifies."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from moratorium.ledger import open_log
from moratorium.ledger.audit import verify_log
from moratorium.ledger.keys import PartyKey

WRITER = r"""
import sys
from moratorium.ledger import open_log
from moratorium.ledger.entry import Entry
from moratorium.ledger.keys import PartyKey, sign_entry

path, run = sys.argv[1], int(sys.argv[2])
key = PartyKey.derive("us", "reliability")
log = open_log(path)
log.register_key(key.public)
i = 0
while True:
    entry = Entry(author="us", kind="observation", effective="2026-01-01", recorded="2026-01-01",
                  body={"run": run, "i": i})
    if i % 3 == 2:
        seqs = log.append_many([sign_entry(entry, key), sign_entry(Entry(author="us", kind="observation",
            effective="2026-01-01", recorded="2026-01-01", body={"run": run, "i": i, "b": 1}), key)])
    else:
        seqs = [log.append(sign_entry(entry, key))]
    for s in seqs:
        print(s, entry.body["i"], flush=True)
    i += 1
"""


@pytest.mark.slow
def test_sigkill_never_loses_an_acknowledged_entry(tmp_path: Path) -> None:
    path = str(tmp_path / "log.db")
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    rng = random.Random(4)
    acknowledged: dict[int, tuple[int, int]] = {}
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    for run in range(22):
        cmd = [sys.executable, str(script), path, str(run)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env)
        time.sleep(0.4 + rng.random() * 0.5)
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        text = out.decode()
        # an acknowledgement is a whole line: SIGKILL can cut the last one short, and half a line acknowledges nothing
        complete = text[: text.rfind("\n") + 1]
        for line in complete.splitlines():
            seq, i = map(int, line.split())
            acknowledged[seq] = (run, i)
    assert len(acknowledged) > 22  # the writers did get entries in
    with open_log(path) as log:
        entries = log.entries()
        for seq, (run, i) in acknowledged.items():
            assert entries[seq].entry.body["run"] == run
            assert entries[seq].entry.body["i"] == i
        assert log.size >= max(acknowledged) + 1
    report = verify_log(path, keyring={"us": PartyKey.derive("us", "reliability").public})
    assert report.size == len(entries)
