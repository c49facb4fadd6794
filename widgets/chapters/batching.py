"""The chapter "Why batching saves battery": its scenario, its lab and the checkers of its exercises."""

from __future__ import annotations

from typing import Any

import sim
from widgets import kit
from widgets.controls import Control
from widgets.exercises import Exercise, Exercises, Verdict, require
from widgets.lab import Lab, Runs

DAY_S = 24 * 3600
#: One sync: 50 KB down and 0.2 s of CPU (ASSUMPTION: a small feed update; only the scale depends on it).
SYNC_BYTES = 50_000
SYNC_CPU_S = 0.2

ROWS = ("Cell radio: transfer", "Cell radio: tail", "Wi-Fi radio: transfer", "CPU awake")
WINDOW_H = (0.0, 2.0)
METRICS = ("battery_drained_mah", "wakeups", "cell_radio_active_s", "radio_tail_energy_share", "metered_mb",
           "oldest_data_min")
ENERGY = ("Cell radio: promotion", "Cell radio: transfer", "Cell radio: tail", "Wi-Fi: transfer", "Wi-Fi: tail",
          "CPU running work", "CPU wakeups")


#: Where the phone is all day: on LTE, on 3G, or on Wi-Fi (a control of the lab).
NETWORKS = {"lte": "LTE", "3g": "3G", "wifi": "Wi-Fi"}


def sync_scenario(interval_min: int, batched: bool, network: str = "lte", batch_min: int = 60) -> sim.Scenario:
    """The app's day in a pocket: a sync every `interval_min`, or the same syncs sent together every `batch_min`.

    The app is on the battery-optimisation allowlist, whose wakelocks and network Doze leaves alone, so that only
    its own choice decides when it transfers (its timers would otherwise wait for Doze's windows at night).
    """
    if network not in NETWORKS:
        raise ValueError(f"network={network!r}: allowed {', '.join(NETWORKS)}")
    if isinstance(batch_min, bool) or not isinstance(batch_min, int) or not interval_min <= batch_min <= 24 * 60:
        raise ValueError(f"batch_min={batch_min!r}: allowed a whole number of minutes from the sync interval "
                         f"({interval_min}) to 1440")
    every_s = batch_min * 60.0 if batched else interval_min * 60.0
    per_run = batch_min // interval_min if batched else 1
    work = sim.ImmediateWork(every_s=every_s, cpu_s=SYNC_CPU_S * per_run, down_bytes=SYNC_BYTES * per_run)
    kind = "wifi" if network == "wifi" else "cellular"
    pocket = sim.Day(network=(sim.NetworkPeriod(0, DAY_S, kind),), moving=(sim.Period(0, DAY_S),))
    app = sim.App("sync", target_sdk=34, bucket="active", doze_exempt=True, work=(work,))
    cellular = network if network != "wifi" else "lte"
    return sim.Scenario(device=sim.Device(api_level=34, cellular=cellular), day=pocket, apps=(app,),
                        duration_s=DAY_S)


def radio_mah(result: sim.Result, app: str = "sync") -> float:
    """Energy the radios (cellular and Wi-Fi) spent on the app's transfers: promotion, transfer and tail."""
    return sum(row.mah for row in result.energy
               if row.app == app and row.component.startswith(("radio.", "wifi.")) and row.component != "wifi.idle")


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
            Control("network", "Phone on", "choice", "lte", options=list(NETWORKS.items()),
                    help="The network the phone is on all day"),
        ],
        figure,
        compare=compare,
        baseline={"interval_min": 5, "batched": False, "network": "lte"},
        baseline_label="every 5 min, each sync alone",
    )


# -- exercises ----------------------------------------------------------------------------------------------------

#: The design exercise: syncs due every 5 minutes on LTE; data at most this old, radios at most this much a day.
WINDOW_MAX_AGE_MIN = 30
WINDOW_MAX_RADIO_MAH = 50


def _judge_window(answer: Any) -> Verdict:
    minutes = require(answer, int, "a whole number of minutes, like 20")
    if not 5 <= minutes <= 24 * 60:
        return Verdict(False, f"{minutes} minutes is not a batch window: choose from 5 (each sync alone) to 1440.")
    result = sim.run(sync_scenario(5, True, "lte", batch_min=minutes), seed=0)
    mah, age = radio_mah(result), kit.oldest_data_min(result)
    if age > WINDOW_MAX_AGE_MIN:
        return Verdict(False, f"the radios use {mah:.0f} mAh a day, but the data gets {age:.0f} minutes old. Look "
                              "at the gaps between transfers in the lab's top rows: what sets them?")
    if mah > WINDOW_MAX_RADIO_MAH:
        return Verdict(False, f"the data is at most {age:.0f} minutes old, but the radios use {mah:.0f} mAh a day. "
                              "What does each transfer pay, whatever its size (the lab's energy bars)?")
    return Verdict(True, f"{mah:.0f} mAh a day for the radios, and the data never more than {age:.0f} minutes old.")


def wifi_saving_mah() -> float:
    """What batching hourly saves the radios a day when the phone is on Wi-Fi all day, syncs due every 5 min."""
    alone = sim.run(sync_scenario(5, False, "wifi"), seed=0)
    hourly = sim.run(sync_scenario(5, True, "wifi"), seed=0)
    return radio_mah(alone) - radio_mah(hourly)


def _judge_wifi(answer: Any) -> Verdict:
    mah = require(answer, (int, float), "a number of mAh a day, like 12.5")
    truth = wifi_saving_mah()
    if abs(mah - truth) <= max(0.2 * truth, 0.2):
        return Verdict(True, f"batching saves the radios {truth:.1f} mAh a day on Wi-Fi, against about "
                             f"{_lte_saving_mah():.0f} on LTE: Wi-Fi's tail is a fraction of a second, so there "
                             "is little left to share.")
    return Verdict(False, f"{mah:g} mAh is not what the lab shows. Set the network to Wi-Fi, compare batching on and "
                          "off, and read the radio rows of the energy chart (Wi-Fi: transfer and tail).")


def _lte_saving_mah() -> float:
    alone = sim.run(sync_scenario(5, False, "lte"), seed=0)
    hourly = sim.run(sync_scenario(5, True, "lte"), seed=0)
    return radio_mah(alone) - radio_mah(hourly)


EXERCISES = Exercises(globals(), [
    Exercise(
        "window", "a whole number of minutes", _judge_window,
        solution="30",
        explain="Each transfer pays one promotion and one tail, so the radios' energy falls in proportion to the "
                "number of batches, while the oldest the data gets grows with the window. Batches of 25 minutes "
                "or less cost more than 50 mAh; more than 30 minutes leaves the data too old. Only 30 does both.",
        wrong=("5", "15", "60"),
    ),
    Exercise(
        "wifi", "a number of mAh a day", _judge_wifi,
        solution="1.9",
        explain="In the lab, set the phone on Wi-Fi and read the Wi-Fi rows of the energy chart with batching off "
                "(A) and on (B): the difference is the saving. On Wi-Fi each transfer's tail lasts about a quarter "
                "of a second, not 11.6 seconds as on LTE, so the "
                "lone syncs cost little to begin with: batching still divides the radio's energy, but the saving is "
                "small against the rest of the phone.",
        wrong=("250", "0"),
    ),
])
check, solution = EXERCISES.check, EXERCISES.solution
