"""Simulator performance: time of a 24 h / 20-app run, linearity in days and apps, event rate against bare simpy,
and peak memory of a 7-day run; the same 24 h / 20-app run with JobScheduler jobs instead of immediate work, and
its linearity. Prints a table; asserts nothing (DESIGN.md "Performance budgets").

Run from the repository root: `python bench/bench_sim.py` (`make bench`).
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import simpy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim import App, Day, ImmediateWork, Job, Scenario, run

DAY_S = 86_400
BUDGET_MS = 50.0  # DESIGN.md: one simulated day with 20 apps, at most 50 ms on one core


def scenario(days: float = 1, apps: int = 20) -> Scenario:
    """The benchmark: a weekday with `apps` apps, each doing immediate work every 15 minutes."""
    return Scenario(
        day=Day.preset("weekday"),
        apps=tuple(
            App(f"app{i:02d}", work=(ImmediateWork(every_s=900, cpu_s=1.0, down_bytes=100_000),)) for i in range(apps)
        ),
        duration_s=days * DAY_S,
    )


def jobs_scenario(days: float = 1, apps: int = 20) -> Scenario:
    """The jobs benchmark: the same weekday, each app with a periodic job every 15 minutes needing any network."""
    return Scenario(
        day=Day.preset("weekday"),
        apps=tuple(
            App(f"app{i:02d}", work=(Job(every_s=900, cpu_s=1.0, down_bytes=100_000, network="any"),))
            for i in range(apps)
        ),
        duration_s=days * DAY_S,
    )


def time_run(sc: Scenario, repeats: int) -> tuple[float, int]:
    """Median wall time of `repeats` runs (seeds 0..), and the simpy events of the last."""
    times = []
    events = 0
    for seed in range(repeats):
        t0 = time.perf_counter()
        r = run(sc, seed=seed)
        times.append(time.perf_counter() - t0)
        events = int(r.meta["simpy_events"])
    return statistics.median(times), events


def bare_simpy_rate(n_events: int = 200_000, repeats: int = 5) -> float:
    """Events per second of a bare simpy loop: 20 processes, each waiting on timeouts, nothing else."""
    rates = []
    for _ in range(repeats):
        env = simpy.Environment()

        def proc(env: simpy.Environment, n: int):  # type: ignore[no-untyped-def]
            for _ in range(n):
                yield env.timeout(1.0)

        for _ in range(20):
            env.process(proc(env, n_events // 20))
        t0 = time.perf_counter()
        env.run()
        elapsed = time.perf_counter() - t0
        rates.append(n_events / elapsed)
    return statistics.median(rates)


def main() -> None:
    run(scenario())  # warm up imports and caches
    run(jobs_scenario())
    base, base_events = time_run(scenario(), repeats=31)
    jobs, jobs_events = time_run(jobs_scenario(), repeats=31)
    print("Backstage simulator benchmark (one core; medians)")
    print()
    print(f"24 h, 20 apps, work every 15 min: {base * 1000:7.1f} ms   (budget {BUDGET_MS:.0f} ms: "
          f"{'within' if base * 1000 <= BUDGET_MS else 'OVER'})")
    print(f"24 h, 20 apps, jobs every 15 min: {jobs * 1000:7.1f} ms   (budget {BUDGET_MS:.0f} ms: "
          f"{'within' if jobs * 1000 <= BUDGET_MS else 'OVER'}; {jobs_events} simpy events)")
    print()
    print(f"{'days':>5} {'apps':>5} {'ms':>9} {'ms/day':>8} {'x 1 day':>8}")
    for days in (1, 2, 4, 7):
        t, _ = time_run(scenario(days=days), repeats=9 if days < 7 else 5)
        print(f"{days:>5} {20:>5} {t * 1000:>9.1f} {t * 1000 / days:>8.1f} {t / base:>8.2f}")
    print()
    print(f"{'days':>5} {'apps':>5} {'ms':>9} {'ms/app':>8} {'x 20 apps':>9}")
    for apps in (5, 10, 20, 40):
        t, _ = time_run(scenario(apps=apps), repeats=15)
        print(f"{1:>5} {apps:>5} {t * 1000:>9.1f} {t * 1000 / apps:>8.2f} {t / base:>9.2f}")
    print()
    print("periodic jobs (JobScheduler), linearity:")
    print(f"{'days':>5} {'apps':>5} {'ms':>9} {'ms/day':>8} {'ms/app':>8} {'x 1 day/20 apps':>16}")
    for days, apps in ((1, 20), (7, 20), (1, 40)):
        t = jobs if (days, apps) == (1, 20) else time_run(jobs_scenario(days=days, apps=apps),
                                                          repeats=5 if days == 7 else 15)[0]
        print(f"{days:>5} {apps:>5} {t * 1000:>9.1f} {t * 1000 / days:>8.1f} {t * 1000 / days / apps:>8.2f} "
              f"{t / jobs:>16.2f}")
    print()
    sim_rate = base_events / base
    bare = bare_simpy_rate()
    print(f"simpy events in the 24 h / 20-app run: {base_events}")
    print(f"event rate: simulator {sim_rate:,.0f}/s, bare simpy {bare:,.0f}/s, ratio {sim_rate / bare:.2f} "
          "(budget >= 0.5)")
    r = run(scenario())
    records = len(r.states) + len(r.events) + len(r.work) + len(r.current_segments())
    print(f"records produced per simpy event: {records / base_events:.1f} "
          f"(radio, CPU and energy are computed analytically); records/s {records / base:,.0f}")
    tracemalloc.start()
    r = run(scenario(days=7))
    _ = r.battery  # include the lazily built battery curve
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak memory, 7 days, 20 apps (with battery curve): {peak / 1e6:.1f} MB "
          f"({len(r.states)} spans, {len(r.events)} events, {len(r.work)} work records)")


if __name__ == "__main__":
    main()
