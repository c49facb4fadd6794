"""The chapter "Why batching saves battery": its scenario and its lab."""

from __future__ import annotations

from typing import Any

import sim
from widgets import kit
from widgets.controls import Control
from widgets.lab import Lab, Runs

DAY_S = 24 * 3600
#: One sync: 50 KB down and 0.2 s of CPU (ASSUMPTION: a small feed update; only the scale depends on it).
SYNC_BYTES = 50_000
SYNC_CPU_S = 0.2

ROWS = ("Cell radio: transfer", "Cell radio: tail", "CPU awake")
WINDOW_H = (0.0, 2.0)
METRICS = ("battery_drained_mah", "wakeups", "cell_radio_active_s", "radio_tail_energy_share", "metered_mb")
ENERGY = ("Cell radio: promotion", "Cell radio: transfer", "Cell radio: tail", "CPU running work", "CPU wakeups")


def sync_scenario(interval_min: int, batched: bool) -> sim.Scenario:
    """The app's day in a pocket on LTE: a sync every `interval_min`, or the same syncs sent together hourly.

    The app is exempt from Doze (as an app on the battery-optimisation allowlist is), so that only its own choice
    decides when it transfers.
    """
    every_s = 3600.0 if batched else interval_min * 60.0
    per_run = 60 // interval_min if batched else 1
    work = sim.ImmediateWork(every_s=every_s, cpu_s=SYNC_CPU_S * per_run, down_bytes=SYNC_BYTES * per_run)
    pocket = sim.Day(network=(sim.NetworkPeriod(0, DAY_S, "cellular"),), moving=(sim.Period(0, DAY_S),))
    app = sim.App("sync", target_sdk=34, bucket="active", doze_exempt=True, work=(work,))
    return sim.Scenario(device=sim.Device(api_level=34, cellular="lte"), day=pocket, apps=(app,),
                        duration_s=DAY_S)


def radio_mah(result: sim.Result, app: str = "sync") -> float:
    """Energy the cellular radio spent on the app's transfers: promotion, transfer and tail."""
    return sum(row.mah for row in result.energy if row.app == app and row.component.startswith("radio."))


def lab() -> Lab:
    def figure(runs: Runs, where: str | None) -> Any:
        return kit.summary_view(runs, where, rows=ROWS, window_h=WINDOW_H, battery=False, metrics=METRICS)

    def compare(runs: Runs, a: str | None, b: str | None, label_a: str, label_b: str) -> Any:
        return kit.ab_view(runs, a, b, label_a, label_b, rows=ROWS, window_h=WINDOW_H, metrics=METRICS,
                           energy_parts=ENERGY)

    return Lab(
        sync_scenario,
        [
            Control("interval_min", "Sync every", "choice", 5,
                    options=[(m, f"{m} min") for m in (1, 2, 5, 10, 15, 30)],
                    help="How often the app syncs (or how often a sync is due, when batched)"),
            Control("batched", "Batch: send the hour's syncs together", "toggle", True,
                    help="Collect the syncs due in an hour and send them in one transfer"),
        ],
        figure,
        compare=compare,
        baseline={"interval_min": 5, "batched": False},
        baseline_label="every 5 min, each sync alone",
    )
