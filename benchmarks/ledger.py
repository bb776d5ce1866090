"""Ledger benchmark: every figure a ratio to bare single-core Ed25519 verification measured in the same run.

Goals (issue 4): append to the SQLite log with per-entry verification >= 0.7 of bare verification; a full
audit of a 1,000,000-entry log (root and every signature) >= 1.5, using both cores; proofs at most 2*log2(n)
node reads each, with proofs per second printed. The last line is ``min_fraction_of_goal=X`` (X >= 1: all
goals met).

The baseline is the best of five bare measurements (three at the start, one before each of the two audits), so a
busy moment on a shared machine cannot flatter the ratios; the audit counts the faster of its two runs. ``--quick``
(or ``MORATORIUM_BENCH_QUICK=1``) uses a 20,000-entry log instead, for smoke runs.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from moratorium.ledger import open_log
from moratorium.ledger.audit import verify_log
from moratorium.ledger.entry import Entry, SignedEntry
from moratorium.ledger.keys import PartyKey, sign_entry

PARTIES = ("us", "ru")


def _keys() -> dict[str, PartyKey]:
    return {p: PartyKey.derive(p, "benchmark") for p in PARTIES}


def _entries(args: tuple[int, int]) -> list[SignedEntry]:
    start, stop = args
    keys = _keys()
    out = []
    for i in range(start, stop):
        party = PARTIES[i % 2]
        entry = Entry(author=party, kind="observation", effective="2026-01-01",
                      recorded=f"2026-01-01T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}Z",
                      body={"n": i, "site": f"site-{i % 97}", "launchers": i % 13, "note": "routine"})
        out.append(sign_entry(entry, keys[party]))
    return out


def _make(n: int, workers: int) -> list[SignedEntry]:
    step = 10_000
    jobs = [(s, min(n, s + step)) for s in range(0, n, step)]
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        return [e for chunk in pool.map(_entries, jobs) for e in chunk]


def bare_rate(entries: list[SignedEntry]) -> float:
    """Entries per second of bare single-core Ed25519 verification (messages prepared beforehand)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    keys = {p: Ed25519PublicKey.from_public_bytes(k.public.raw) for p, k in _keys().items()}
    work = [(keys[e.entry.author], e.signature, e.entry.signing_message()) for e in entries]
    t = time.perf_counter()
    for key, sig, msg in work:
        key.verify(sig, msg)
    return len(work) / (time.perf_counter() - t)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    quick_env = bool(os.environ.get("MORATORIUM_BENCH_QUICK"))
    parser.add_argument("--quick", action="store_true", default=quick_env, help="20,000 entries, not 1e6")
    opts = parser.parse_args()
    n_log = 20_000 if opts.quick else 1_000_000
    n_append = 5_000 if opts.quick else 20_000
    n_bare = 5_000 if opts.quick else 20_000
    cores = min(2, os.cpu_count() or 1)

    t = time.perf_counter()
    entries = _make(n_log, cores)
    print(f"generated and signed {n_log} entries in {time.perf_counter() - t:.1f} s", flush=True)

    # The machine is shared, so a single short bare measurement can land in a busy moment and flatter every
    # ratio; the baseline is the best of three now and one more before each audit (conservative ratios).
    bares = [bare_rate(entries[:n_bare]) for _ in range(3)]
    bare = max(bares)
    print(f"bare Ed25519 verification, 1 core: {bare:,.0f} entries/s (best of {', '.join(f'{b:,.0f}' for b in bares)})")

    with tempfile.TemporaryDirectory(prefix="moratorium-bench-") as tmp:
        keys = _keys()
        # 1. Append with per-entry verification (the log's own keyring check), committed in batches of 500.
        small = open_log(str(Path(tmp) / "append.db"))
        for k in keys.values():
            small.register_key(k.public)
        t = time.perf_counter()
        for s in range(0, n_append, 500):
            small.append_many(entries[s : s + 500])
        append_rate = n_append / (time.perf_counter() - t)
        small.close()
        append_ratio = append_rate / bare
        print(f"append (verified, SQLite, batches of 500): {append_rate:,.0f}/s = {append_ratio:.2f}x bare "
              f"({bare:,.0f}/s)")

        # 2. Full audit of the big log, on every core.
        path = str(Path(tmp) / "big.db")
        big = open_log(path, verifier=lambda _e: None)  # already signed by us; the audit checks them all
        for k in keys.values():
            big.register_key(k.public)
        t = time.perf_counter()
        for s in range(0, n_log, 10_000):
            big.append_many(entries[s : s + 10_000])
        print(f"built the {n_log}-entry log in {time.perf_counter() - t:.1f} s", flush=True)
        # Two full audits, the faster counting (a shared machine only ever slows a run down), each after one more
        # bare measurement, which raises the baseline if it is faster than the earlier ones.
        audit_rate = 0.0
        for _round in range(2):
            again = bare_rate(entries[:n_bare])
            if again > bare:
                bare = again
                append_ratio = append_rate / bare
                print(f"bare Ed25519 verification re-measured: {bare:,.0f} entries/s; append = {append_ratio:.2f}x "
                      f"bare ({bare:,.0f}/s)")
            t = time.perf_counter()
            report = verify_log(path, workers=cores)
            rate = report.size / (time.perf_counter() - t)
            print(f"full audit ({cores} cores): {rate:,.0f} entries/s = {rate / bare:.2f}x bare ({bare:,.0f}/s)",
                  flush=True)
            audit_rate = max(audit_rate, rate)
        audit_ratio = audit_rate / bare
        print(f"full audit, the faster of two: {audit_ratio:.2f}x bare ({bare:,.0f}/s)")

        # 3. Proofs: node reads per proof and proofs per second.
        rng = random.Random(1)
        size = big.size
        bound = 2 * math.log2(size)
        worst = 0
        t = time.perf_counter()
        n_proofs = 2_000
        for i in range(n_proofs):
            before = big.node_reads
            if i % 2:
                big.inclusion_proof(rng.randrange(size), size)
            else:
                big.consistency_proof(rng.randrange(1, size), size)
            worst = max(worst, big.node_reads - before)
        proof_rate = n_proofs / (time.perf_counter() - t)
        big.close()
        print(f"proofs: {proof_rate:,.0f} proofs/s; worst {worst} node reads, bound 2*log2(n) = {bound:.1f}")

    fractions = {
        "append": append_ratio / 0.7,
        "audit": audit_ratio / 1.5,
        "proof_reads": bound / max(worst, 1),
    }
    print(f"baseline: bare single-core Ed25519 verification {bare:,.0f} entries/s")
    for name, value in fractions.items():
        print(f"fraction_of_goal[{name}]={value:.2f}")
    print(f"min_fraction_of_goal={min(fractions.values()):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
