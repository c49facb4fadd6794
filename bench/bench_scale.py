"""Simulator scale: one run per case of days x apps (each app with immediate work and a periodic job every 15 min
on the weekday preset), each in a fresh process, timed, with the process's peak memory. Prints a table; asserts
nothing (issue 9's budgets: 500 apps within 5.5x of 100 apps; 28 days x 100 apps under 30 s).

Run from the repository root: `python bench/bench_scale.py` (`make bench`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = [(days, apps) for days in (1, 7, 28) for apps in (20, 100, 500)]

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from sim import App, Day, ImmediateWork, Job, Scenario, run
days, apps = {days}, {apps}
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sc = Scenario(day=Day.preset("weekday"), duration_s=days * 86400.0, apps=tuple(
    App(f"a{{i:03d}}", work=(ImmediateWork(every_s=900, cpu_s=1.0, down_bytes=100_000),
                             Job(every_s=900, cpu_s=1.0, down_bytes=100_000))) for i in range(apps)))
t0 = time.perf_counter()
r = run(sc)
dt = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"s": dt, "peak_mb": peak / 1024, "base_mb": base / 1024, "work": len(r.work),
                  "kills": r.summary["process_kills"]}}))
"""


def main() -> None:
    print("Scale: weekday preset, each app with immediate work and a periodic job every 15 min (one process a case)")
    print()
    print(f"{'days':>5} {'apps':>5} {'seconds':>9} {'ms/app-day':>11} {'peak MB':>8} {'work items':>11} {'kills':>8}")
    times: dict[tuple[int, int], float] = {}
    for days, apps in CASES:
        code = CHILD.format(root=str(ROOT), days=days, apps=apps)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        m = json.loads(out.strip().splitlines()[-1])
        times[(days, apps)] = m["s"]
        print(f"{days:>5} {apps:>5} {m['s']:>9.2f} {1000 * m['s'] / (days * apps):>11.2f} {m['peak_mb']:>8.0f} "
              f"{m['work']:>11,} {m['kills']:>8,.0f}", flush=True)
    print()
    ratio = times[(1, 500)] / times[(1, 100)]
    verdict = "within" if ratio <= 5.5 else "OVER"
    print(f"1 day: 500 apps take {ratio:.1f}x the time of 100 apps (budget 5.5x: {verdict})")
    t28 = times[(28, 100)]
    print(f"28 days x 100 apps: {t28:.1f} s (budget 30 s: {'within' if t28 <= 30 else 'OVER'})")
    print("(peak MB is the whole process: Python and the imports take about 25 MB of it)")


if __name__ == "__main__":
    main()
