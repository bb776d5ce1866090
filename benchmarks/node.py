"""Benchmark: a real party node against a bare FastAPI endpoint, both under uvicorn on 127.0.0.1, in one run.

Drives a bounded load (a fixed number of requests from a few client threads) of reads (``GET /v1/checkpoint`` and
``GET /v1/logs/RU/entries``) and signed appends (``POST /v1/entries``) at the node, and the same number of reads at
a bare ``GET /ping`` FastAPI app, in three alternating rounds each (the fastest counts). Prints throughput and
p50/p99 latency for each, the p99 latency of signed appends under the concurrent writers after a 20-append warm-up
(group commit, issue 12: goal < 50 ms), and as its last line the read-throughput ratio node/bare (goal >= 0.5).
``--quick`` runs a small smoke load.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from moratorium.api.app import create_app
from moratorium.api.client import NodeClient
from moratorium.api.node import Node
from moratorium.ledger.entry import Entry
from moratorium.ledger.keys import PartyKey, sign_entry
from moratorium.treaty import load_treaty

__all__ = ["main"]


def _serve(app: FastAPI) -> tuple[uvicorn.Server, threading.Thread, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


def _load(n: int, workers: int, call: Callable[[int], None]) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        t0 = time.perf_counter()
        call(i)
        dt = time.perf_counter() - t0
        with lock:
            latencies.append(dt)

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(n)))
    return n / (time.perf_counter() - start), latencies


def _p(latencies: list[float], q: float) -> float:
    return sorted(latencies)[min(len(latencies) - 1, int(q * len(latencies)))] * 1000


def _report(name: str, rate: float, latencies: list[float]) -> None:
    print(f"{name:<22} {rate:8.1f} req/s  p50 {statistics.median(latencies) * 1000:6.1f} ms  "
          f"p99 {_p(latencies, 0.99):6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    args = parser.parse_args()
    n_reads, n_appends, workers = (100, 20, 2) if args.quick else (1000, 200, 4)

    bare = FastAPI()

    @bare.get("/ping")
    def ping() -> dict[str, str]:
        return {"status": "ok"}

    key = PartyKey.derive("RU", "benchmark")
    with tempfile.TemporaryDirectory() as tmp:
        node = Node(treaty=load_treaty("ru-2020-offer"), key=key, db_url=str(Path(tmp) / "ru.sqlite"))
        servers = [_serve(bare), _serve(create_app(node))]
        bare_url, node_url = servers[0][2], servers[1][2]
        client = NodeClient(node_url, key, client=httpx.Client(base_url=node_url, timeout=30))

        def append(i: int) -> None:
            entry = Entry(author="RU", kind="notification", effective="2026-01-01", recorded="2026-01-01",
                          body={"event": "other", "text": f"benchmark {i}"})
            client.append(sign_entry(entry, key))

        with httpx.Client(base_url=bare_url, timeout=30) as bare_http, \
                httpx.Client(base_url=node_url, timeout=30) as node_http:
            # Warm-up (not measured): the server's worker threads, first-use imports and caches.
            _load(20, workers, lambda i: append(10**6 + i))
            append_rate, append_lat = _load(n_appends, workers, append)
            node_http.get("/v1/checkpoint").raise_for_status()

            def read(i: int) -> None:
                path = "/v1/checkpoint" if i % 2 else "/v1/logs/RU/entries?start=0&stop=10"
                node_http.get(path).raise_for_status()

            # Reads in alternating rounds, bare then node, three of each; each side's fastest round counts (a
            # busy moment on a shared machine only ever slows a round down, and a second-long round is short).
            bare_rate = read_rate = 0.0
            bare_lat: list[float] = []
            read_lat: list[float] = []
            for _round in range(1 if args.quick else 3):
                rate, lat = _load(n_reads, workers, lambda i: bare_http.get("/ping").raise_for_status() and None)
                if rate > bare_rate:
                    bare_rate, bare_lat = rate, lat
                rate, lat = _load(n_reads, workers, read)
                if rate > read_rate:
                    read_rate, read_lat = rate, lat
        client.close()
        for server, thread, _ in servers:
            server.should_exit = True
            thread.join(10)
        node.close()
    print(f"load: {n_reads} reads and {n_appends} signed appends, {workers} client threads, 127.0.0.1")
    _report("bare FastAPI GET", bare_rate, bare_lat)
    _report("node reads", read_rate, read_lat)
    _report("node signed appends", append_rate, append_lat)
    print(f"signed_append_p99_ms={_p(append_lat, 0.99):.1f} ({workers} concurrent writers, {n_appends} appends, "
          f"goal < 50; bare GET p99 {_p(bare_lat, 0.99):.1f} ms)")
    print(f"read_throughput_ratio={read_rate / bare_rate:.2f}")


if __name__ == "__main__":
    main()
