"""Build speed and output size, printed as a table (a measurement, not a test).

Cold: ``python build.py --prod|--dev`` as a new process, as an integrator runs it
(interpreter start, imports, every stage). Warm: the pipeline alone, run again in one
process (median of ``--runs``). Sizes: script.js raw and gzip -9, widget.zip.

    .venv/bin/python benchmarks/build_benchmark.py [--runs 5]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgetbuild.config import BuildConfig
from widgetbuild.pipeline import build

# The first version (TypeScript + Vue, webpack) on the same kind of machine.
FIRST_VERSION = {"build_s": 30.0, "install_s": 53.0, "script": 169_391, "script_gz": 54_605, "zip": 1_023_049}


def cold_seconds(mode: str, out_dir: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build.py"), f"--{mode}", "--out-dir", str(out_dir)],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def warm_seconds(dev: bool, out_dir: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        build(BuildConfig(dev=dev, out_dir=out_dir))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm runs per mode (median is shown)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ("prod", "dev"):
            out = Path(tmp) / mode
            cold = cold_seconds(mode, out)
            warm = warm_seconds(mode == "dev", out, args.runs)
            script = (out / "widget" / "script.js").read_bytes() if mode == "dev" else None
            if script is None:
                import zipfile

                with zipfile.ZipFile(out / "widget.zip") as archive:
                    script = archive.read("script.js")
            rows.append((f"--{mode}", f"{cold:.2f}", f"{warm:.2f}", f"{len(script):,}",
                         f"{len(gzip.compress(script, 9)):,}", f"{(out / 'widget.zip').stat().st_size:,}"))
    first = FIRST_VERSION
    rows.append(("first version (webpack)", f"{first['build_s']:.0f} (+{first['install_s']:.0f} npm)", "",
                 f"{first['script']:,}", f"{first['script_gz']:,}", f"{first['zip']:,}"))
    header = ("build", "cold s", "warm s", "script.js B", "gzip -9 B", "widget.zip B")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = "+".join("-" * (w + 2) for w in widths)
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print(line)
    for row in rows:
        print(" | ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths))))


if __name__ == "__main__":
    main()
