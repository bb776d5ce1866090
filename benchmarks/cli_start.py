"""CLI start-up: ``moratorium --help`` and ``moratorium treaty list`` against a bare typer app's ``--help``.

All three are timed in the same run, as fresh interpreter processes (median of N runs each, interleaved so machine
noise hits them alike). Prints each median and the two ratios; the LAST line is the worse ratio (goal <= 1.5):

    cli_start_ratio=1.23
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    typer.echo(f"hello {name}")


app()
'''


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{cmd} failed: {done.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE)
        cmds = {
            "bare typer --help": [sys.executable, str(bare), "--help"],
            "moratorium --help": [sys.executable, "-m", "moratorium", "--help"],
            "moratorium treaty list": [sys.executable, "-m", "moratorium", "treaty", "list"],
        }
        for cmd in cmds.values():  # warm the OS file cache and .pyc files
            _time(cmd)
        samples: dict[str, list[float]] = {name: [] for name in cmds}
        for _ in range(args.runs):
            for name, cmd in cmds.items():
                samples[name].append(_time(cmd))
    medians = {name: statistics.median(s) for name, s in samples.items()}
    for name, value in medians.items():
        print(f"{name:<24} {value * 1000:7.1f} ms (median of {args.runs})")
    base = medians["bare typer --help"]
    ratios = {name: medians[name] / base for name in ("moratorium --help", "moratorium treaty list")}
    for name, ratio in ratios.items():
        print(f"{name} / bare typer --help = {ratio:.2f}")
    print(f"cli_start_ratio={max(ratios.values()):.2f}")


if __name__ == "__main__":
    main()
