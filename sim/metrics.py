"""The run's device-wide summary metrics and the per-app work lane, computed from the phone's records at the end."""

from __future__ import annotations

import math
from collections.abc import Iterable

from sim.foreground import Jank
from sim.records import EnergyRow, Event, StateSpan, WorkRecord

__all__ = ["core_summary", "percentile", "work_lane"]


def core_summary(
    *,
    t_end: float,
    capacity_mah: float,
    states: Iterable[StateSpan],
    energy: tuple[EnergyRow, ...],
    wakeups: list[Event],
    jank: Jank,
    work: list[WorkRecord],
    promotions: int,
    bytes_metered: int,
    bytes_unmetered: int,
    pending_at_end: int,
    maintenance_windows: int,
    process_cold_starts: int,
    process_kills: int,
) -> dict[str, float]:
    """Battery, wakeups, radio, data, work latency, foreground jank, screen, CPU, Doze and processes."""
    drained = sum(r.mah for r in energy)
    by_comp: dict[str, float] = {}
    for r in energy:
        by_comp[r.component] = by_comp.get(r.component, 0.0) + r.mah
    radio_keys = [f"{p}.{s}" for p in ("radio", "wifi") for s in ("promotion", "active", "tail")]
    radio_total = sum(by_comp.get(k, 0.0) for k in radio_keys)
    tail = by_comp.get("radio.tail", 0.0) + by_comp.get("wifi.tail", 0.0)
    lane_time: dict[tuple[str, str], float] = {}
    for s in states:
        if not s.app:
            key = (s.lane, s.value)
            lane_time[key] = lane_time.get(key, 0.0) + (s.end_s - s.start_s)
    cell_active = sum(v for (lane, val), v in lane_time.items() if lane == "radio" and val != "idle")
    wifi_active = sum(v for (lane, val), v in lane_time.items() if lane == "wifi" and val not in ("idle", "off"))
    lat = sorted(r.start_s - r.requested_s for r in work)
    hours = t_end / 3600.0
    return {
        "battery_drained_mah": drained,
        "battery_drained_pct": 100.0 * drained / capacity_mah,
        "wakeups": float(len(wakeups)),
        "wakeups_per_hour": len(wakeups) / hours,
        "radio_active_s": cell_active + wifi_active,
        "cell_radio_active_s": cell_active,
        "wifi_active_s": wifi_active,
        "radio_tail_energy_share": tail / radio_total if radio_total > 0 else 0.0,
        "radio_promotions": float(promotions),
        "metered_mb": bytes_metered / 1e6,
        "unmetered_mb": bytes_unmetered / 1e6,
        "work_runs": float(len(lat)),
        "work_deferred": float(sum(1 for r in work if r.waited_for)),
        "work_pending_at_end": float(pending_at_end),
        "work_latency_p50_s": percentile(lat, 0.50),
        "work_latency_p95_s": percentile(lat, 0.95),
        "work_latency_max_s": lat[-1] if lat else 0.0,
        "foreground_s": jank.foreground_s,
        "janky_frames": jank.janky_frames,
        "janky_frames_from_background": jank.janky_frames - jank.baseline_janky_frames,
        "foreground_slowdown_pct": 100.0 * jank.slowdown_s / jank.foreground_s if jank.foreground_s else 0.0,
        "screen_on_s": lane_time.get(("screen", "on"), 0.0),
        "cpu_awake_s": lane_time.get(("cpu", "awake"), 0.0) + lane_time.get(("cpu", "active"), 0.0),
        "doze_deep_idle_s": lane_time.get(("doze", "deep_idle"), 0.0),
        "doze_light_idle_s": lane_time.get(("doze", "light_idle"), 0.0),
        "maintenance_windows": float(maintenance_windows),
        "process_cold_starts": float(process_cold_starts),
        "process_kills": float(process_kills),
    }


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 if empty)."""
    if not sorted_values:
        return 0.0
    k = max(0, math.ceil(q * len(sorted_values)) - 1)
    return sorted_values[k]


def _union(intervals: list[tuple[float, float]], t_end: float) -> list[tuple[float, float]]:
    """Merge intervals (clipped to [0, t_end]) into sorted disjoint ones."""
    out: list[tuple[float, float]] = []
    for a, b in sorted(intervals):
        if b > t_end:
            b = t_end
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def work_lane(
    app: str, waiting: list[tuple[float, float]], running: list[tuple[float, float]], t_end: float
) -> list[StateSpan]:
    """The per-app "work" lane: running if any work runs, else waiting if any waits, else idle."""
    run_u = _union(running, t_end)
    wait_u = _union(waiting, t_end)
    # waiting minus running, then all three laid out in order
    pieces: list[tuple[float, float, str]] = [(a, b, "running") for a, b in run_u]
    j = 0
    for a, b in wait_u:
        while j < len(run_u) and run_u[j][1] <= a:
            j += 1
        k = j
        cur = a
        while cur < b:
            if k < len(run_u) and run_u[k][0] < b:
                ra, rb = run_u[k]
                if ra > cur:
                    pieces.append((cur, ra, "waiting"))
                cur = max(cur, rb)
                k += 1
            else:
                pieces.append((cur, b, "waiting"))
                cur = b
    pieces.sort()
    spans: list[StateSpan] = []
    t = 0.0
    for a, b, value in pieces:
        if a > t:
            spans.append(StateSpan("work", t, a, "idle", app))
        spans.append(StateSpan("work", a, b, value, app))
        t = b
    if t < t_end:
        spans.append(StateSpan("work", t, t_end, "idle", app))
    return spans
