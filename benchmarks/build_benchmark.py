"""Build speed and output size, printed as tables (a measurement, not a test).

Every time is ``python build.py --prod`` as a new process, as an integrator runs it (interpreter
start, imports, every stage), the median of ``--runs``, on a copy of the sources:

* cold: an empty cache (a new output folder);
* warm: nothing changed since the last build;
* one module: one module of ``widget_src/`` changed since the last build.

The same three with ``--clean`` (the cache ignored and replaced: a build from scratch) give the
figures of a clean build. Sizes: script.js raw and gzip -9, widget.zip, for --prod and --dev.

    .venv/bin/python benchmarks/build_benchmark.py [--runs 5]
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The first version (TypeScript + Vue, webpack) on the same kind of machine.
FIRST_VERSION = {"build_s": 30.0, "install_s": 53.0, "script": 169_391, "script_gz": 54_605, "zip": 1_023_049}
# build.py in a new process, building from the copy instead of the checkout.
BUILD = """
import functools, pathlib, sys
sys.path.insert(0, {root!r})
from widgetbuild import config as cfg
cfg.BuildConfig = functools.partial(cfg.BuildConfig, source_dir=pathlib.Path({source!r}),
                                    blank_dir=pathlib.Path({blank!r}))
sys.argv = ['build.py', *{args!r}]
import build
build.cli()
"""


class Project:
    """A copy of the build inputs, built by ``build.py`` in new processes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for name in ("widget_src", "blank"):
            shutil.copytree(ROOT / name, root / name,
                            ignore=shutil.ignore_patterns("__pycache__", "__target__"))
        self.edits = 0

    def build(self, out: Path, *args: str) -> float:
        code = BUILD.format(root=str(ROOT), source=str(self.root / "widget_src"),
                            blank=str(self.root / "blank"), args=[*args, "--out-dir", str(out)])
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=self.root)
        return time.perf_counter() - started

    def edit_one_module(self) -> None:
        self.edits += 1
        path = self.root / "widget_src" / "core" / "backoff.py"
        path.write_text(path.read_text(encoding="utf-8") + f"\nBENCHMARK_EDIT = {self.edits}\n",
                        encoding="utf-8")


def timings(project: Project, out_root: Path, runs: int, *flags: str) -> tuple[float, float, float]:
    """Median seconds of (cold, warm, one module) for ``build.py --prod *flags``."""
    cold, warm, one = [], [], []
    for run in range(runs):
        out = out_root / f"{'-'.join(flags) or 'incremental'}-{run}"
        cold.append(project.build(out, "--prod", *flags))
        warm.append(project.build(out, "--prod", *flags))
        project.edit_one_module()
        one.append(project.build(out, "--prod", *flags))
    return statistics.median(cold), statistics.median(warm), statistics.median(one)


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths)), "+".join("-" * (w + 2) for w in widths)]
    for row in rows:
        lines.append(" | ".join(str(c).rjust(w) if i else str(c).ljust(w)
                                for i, (c, w) in enumerate(zip(row, widths))))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (the median is shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "project")
        out = Path(tmp) / "out"
        sizes = []
        for mode in ("prod", "dev"):  # first: the timings edit a module of the copy
            target = out / f"sizes-{mode}"
            project.build(target, f"--{mode}")
            with zipfile.ZipFile(target / "widget.zip") as archive:
                script = archive.read("script.js")
            sizes.append((f"--{mode}", f"{len(script):,}", f"{len(gzip.compress(script, 9)):,}",
                          f"{(target / 'widget.zip').stat().st_size:,}"))
        speed = [("incremental (cache)", *timings(project, out, args.runs)),
                 ("clean (--clean)", *timings(project, out, args.runs, "--clean"))]
        print(table(("build.py --prod", "cold s", "warm s", "one module s"),
                    [(name, *(f"{s:.2f}" for s in row)) for name, *row in speed]))
        print()
    first = FIRST_VERSION
    sizes.append((f"first version (webpack, {first['build_s']:.0f} s + {first['install_s']:.0f} s npm)",
                  f"{first['script']:,}", f"{first['script_gz']:,}", f"{first['zip']:,}"))
    print(table(("build", "script.js B", "gzip -9 B", "widget.zip B"), sizes))


if __name__ == "__main__":
    main()
