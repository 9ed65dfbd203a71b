"""Summarise several `benchmarks.run` results: the median and range of each ratio over the runs.

    python -m benchmarks.compare before-1.json before-2.json before-3.json [--vs after-*.json]

Each run's ratios are taken against that run's own baseline (the empty notebook for page loads,
the bare label for a control move), so a noisy machine moves both sides of a ratio together; the
spread over runs is what is left of the noise. Prints one line per figure: median (min-max).
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

EMPTY, LABEL = "bench-empty.ipynb", "bench-label.ipynb"


def ratios(result: dict) -> dict[str, float]:
    """The figures of one run: page-load and key-press ratios, burst settle ratios, kernel MB."""
    loads = result["load_s"]
    figures = {f"load {page} / empty": times["first_content"] / loads[EMPTY]["first_content"]
               for page, times in loads.items() if page != EMPTY}
    trips = {page: statistics.median(ms) for page, ms in result["roundtrip_ms"].items()}
    figures |= {f"key {page} / label": ms / trips[LABEL]
                for page, ms in trips.items() if page != LABEL}
    figures |= {f"kernel MB {page}": mb for page, mb in result["kernel_rss_mb"].items()}
    figures["kernel MB max"] = max(result["kernel_rss_mb"].values())
    return figures


def spread(paths: list[Path]) -> dict[str, tuple[float, float, float]]:
    """Median, min and max of every figure over the runs in `paths`."""
    runs = [ratios(json.loads(path.read_text())) for path in paths]
    names = [name for name in runs[0] if all(name in run for run in runs)]
    return {name: (statistics.median(values), min(values), max(values))
            for name in names for values in [[run[name] for run in runs]]}


def _cell(figure: tuple[float, float, float] | None) -> str:
    if figure is None:
        return "-"
    median, low, high = figure
    return f"{median:.2f} ({low:.2f}-{high:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--vs", nargs="+", type=Path, default=[],
                        help="a second set of runs, shown in a second column")
    args = parser.parse_args()
    first = spread(args.runs)
    second = spread(args.vs) if args.vs else {}
    width = max(map(len, first))
    header = f"{'figure':<{width}}  {'runs':>20}" + (f"  {'vs':>20}" if second else "")
    print(header)
    for name, figure in first.items():
        line = f"{name:<{width}}  {_cell(figure):>20}"
        if second:
            line += f"  {_cell(second.get(name)):>20}"
        print(line)


if __name__ == "__main__":
    main()
