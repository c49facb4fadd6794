"""The simulated phone: runs a Scenario in simpy and returns a Result (entry point `run`)."""

from __future__ import annotations

import gc
import math
import random
from collections.abc import Callable

import simpy
from simpy.events import NORMAL, Timeout

from sim.buckets import effective_bucket
from sim.cpu import Hold, cpu_sweep
from sim.doze import DOZE_API_LEVEL, Doze
from sim.foreground import Jank, jank_sweep
from sim.jobs import JobScheduler
from sim.radio import Link, lte_model, umts_model, wifi_model
from sim.result import EnergyRow, Event, Result, StateSpan, WorkRecord
from sim.scenario import Scenario
from sim.work import WorkItem

__all__ = ["Phone", "run"]

_Pending = tuple[float, str, WorkItem, str, "Callable[[WorkRecord], None] | None", str]


class Phone:
    """One run of a scenario: the device's state, its Doze controller, its radios, and the records it keeps.

    Mechanisms ask it for work through `request_work`; Android's rules decide when that work runs. Most costs
    are computed analytically when work starts (radio promotion, transfer and tail; CPU time), so the only simpy
    events are the day's changes, Doze's alarms and the mechanisms' own timers.
    """

    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.scenario = scenario
        self.seed = seed
        self.rng = random.Random(seed)
        self.env = simpy.Environment()
        # Every timer callback of the run goes through `schedule`, which counts them: everything the phone does
        # happens in one, so an unchanged count means nothing happened (JobScheduler._pass relies on this).
        self.callbacks_run = 0
        self.duration_s = float(scenario.duration_s)
        dev = scenario.device
        self.api_level = dev.api_level
        self.power = dev.power
        a = scenario.assumptions
        self.assumptions = a
        self.notes: list[str] = []
        # records
        self._open: dict[tuple[str, str], tuple[float, str]] = {}
        self._spans: dict[tuple[str, str], list[StateSpan]] = {}
        self.events: list[Event] = []
        self.ledger: dict[tuple[str, str], float] = {}
        self.segments: list[tuple[float, float, float, str]] = []
        self.holds: list[Hold] = []
        self.active: list[tuple[float, float]] = []
        self.work_records: list[WorkRecord] = []
        self._work_times: dict[str, list[tuple[float, float, float]]] = {app.name: [] for app in scenario.apps}
        self.pending: list[_Pending] = []
        self.bytes_metered = 0
        self.bytes_unmetered = 0
        self._charging_spans: list[tuple[float, float]] = []
        # state
        self.screen_on = False
        self.charging = False
        self.moving = False
        self.network = "none"
        self.foreground = ""
        self._screen_since = 0.0
        self._charging_since = 0.0
        self._screen_ma = self.power.screen_on_ma + a.screen_brightness * self.power.screen_full_ma
        self._active_ma = self.power.cpu_active_ma
        self.exempt = {app.name: app.doze_exempt for app in scenario.apps}
        self.buckets: dict[str, str | None] = {}
        for app in scenario.apps:
            bucket, note = effective_bucket(app.bucket, self.api_level)
            self.buckets[app.name] = bucket
            if note:
                self.notes.append(f"{app.name}: {note}")
        cell = lte_model(a.lte_down_mbps, a.lte_up_mbps) if dev.cellular == "lte" else umts_model(
            a.umts_down_mbps, a.umts_up_mbps
        )
        self.cell = Link(cell, self.book, on=True)
        self.wifi = Link(wifi_model(a.wifi_down_mbps, a.wifi_up_mbps), self.book, on=False)
        if dev.doze is not None and self.api_level < DOZE_API_LEVEL:
            self.notes.append(f"Doze arrives in API {DOZE_API_LEVEL}; the Doze timings given have no effect")
        self.doze = Doze(self, dev.doze_timings, self.api_level, a.alarm_hold_s)
        self._deferred: dict[str, list[float]] = {}
        self._awake_until = 0.0  # the latest end of a CPU hold started so far
        self.jobs = JobScheduler(self)

    # -- the host interface (Doze, mechanisms) ---------------------------------------------------------------
    @property
    def now(self) -> float:
        return float(self.env.now)

    def schedule(self, delay_s: float, callback: Callable[[], None]) -> None:
        """Call `callback` after delay_s seconds of simulated time."""
        _Call(self, delay_s, callback, ())

    def call_later(self, delay_s: float, fn: Callable[..., None], *args: object) -> None:
        """Call `fn(*args)` after delay_s seconds of simulated time (`schedule` without a closure)."""
        _Call(self, delay_s, fn, args)

    def _fire(self, event: _Call) -> None:
        self.callbacks_run += 1
        event.fn(*event.args)

    def hold(self, t0_s: float, t1_s: float, app: str, reason: str) -> None:
        """Something kept the CPU awake from t0_s to t1_s."""
        self.holds.append((t0_s, t1_s, app, reason))
        self._held_until(t1_s)

    def _held_until(self, t1_s: float) -> None:
        if t1_s > self._awake_until:
            now = float(self.env.now)
            woke = t1_s > now and self._awake_until <= now and not self.screen_on and not self.doze.in_maintenance
            self._awake_until = t1_s
            if woke:
                self.jobs.woke()

    def awake(self) -> bool:
        """Whether the CPU is awake now (screen on, a Doze maintenance window, or a hold in progress)."""
        return self.screen_on or self.doze.in_maintenance or self._awake_until > float(self.env.now)

    def charging_spans(self) -> list[tuple[float, float]]:
        """The charging spans that have ended so far."""
        return self._charging_spans

    def record(self, lane: str, t_s: float, value: str, app: str = "") -> None:
        """Lane `lane` (of `app`) takes `value` from t_s on; only changes are kept."""
        key = (lane, app)
        cur = self._open.get(key)
        if cur is None:
            self._open[key] = (t_s, value)
            self._spans[key] = []
            return
        start, old = cur
        if old == value:
            return
        if t_s > start:
            self._spans[key].append(StateSpan(lane, start, t_s, old, app))
        self._open[key] = (t_s, value)

    def event(self, t_s: float, kind: str, app: str, detail: str) -> None:
        self.events.append(Event(t_s, kind, app, detail))

    def book(self, component: str, app: str, current_ma: float, t0_s: float, t1_s: float) -> None:
        """Charge current_ma from t0_s to t1_s (clipped to the run) to `component` on behalf of `app`."""
        if t1_s > self.duration_s:
            t1_s = self.duration_s
        if t1_s <= t0_s:
            return
        key = (component, app)
        self.ledger[key] = self.ledger.get(key, 0.0) + current_ma * (t1_s - t0_s) / 3600.0
        self.segments.append((t0_s, t1_s, current_ma, component))

    def _ledger(self, component: str, app: str, mah: float) -> None:
        key = (component, app)
        self.ledger[key] = self.ledger.get(key, 0.0) + mah

    def _segment(self, t0_s: float, t1_s: float, current_ma: float, component: str) -> None:
        self.segments.append((t0_s, t1_s, current_ma, component))

    def doze_changed(self, t_s: float) -> None:
        self._drain()
        self.jobs.update(True)

    # -- work --------------------------------------------------------------------------------------------------
    def _blocked(self, app: str, item: WorkItem) -> str:
        """Why `item` cannot run now ("" if it can)."""
        net = item.up_bytes > 0 or item.down_bytes > 0
        if net and self.network == "none":
            return "network"
        if not self.exempt[app]:
            doze = self.doze
            if doze.deep == "idle":
                return "doze"  # deep idle: wakelocks ignored, network blocked (android-facts §1c)
            if net and doze.light == "idle":
                return "doze"  # light idle: network blocked, wakelocks still honoured (android-facts §1c)
        return ""

    def request_work(
        self,
        app: str,
        item: WorkItem,
        reason: str,
        *,
        on_done: Callable[[WorkRecord], None] | None = None,
    ) -> None:
        """Run `item` for `app` now if Android allows it, else as soon as it does (a Doze maintenance window, the
        network coming back). `reason` names the mechanism; `on_done` is called when the work ends."""
        t = float(self.env.now)
        why = self._blocked(app, item)
        if why:
            self.pending.append((t, app, item, reason, on_done, why))
            self.events.append(Event(t, "deferred", app, f"{reason}: {why}"))
            return
        self.start_work(t, t, app, item.cpu_s, item.up_bytes, item.down_bytes, reason, on_done, "")

    def run_work(
        self,
        app: str,
        item: WorkItem,
        mechanism: str,
        *,
        requested_s: float,
        waited_for: str,
        on_done: Callable[[WorkRecord], None] | None = None,
    ) -> None:
        """Run `item` now, for a mechanism that has already applied Android's rules itself (JobScheduler);
        the record says it was asked for at requested_s and what it waited for."""
        self.start_work(requested_s, float(self.env.now), app, item.cpu_s, item.up_bytes, item.down_bytes, mechanism,
                  on_done, waited_for)

    def start_work(
        self,
        t_req: float,
        t: float,
        app: str,
        cpu_s: float,
        up_bytes: int,
        down_bytes: int,
        reason: str,
        on_done: Callable[[WorkRecord], None] | None,
        waited: str,
    ) -> None:
        """Run `cpu_s` of CPU and the transfer for `app` from t (asked for at t_req), recording it; the caller has
        applied Android's rules and checked that the amounts make a valid WorkItem. `on_done(record)` is called at
        its end."""
        net = ""
        t_cpu = t
        if up_bytes or down_bytes:
            nbytes = up_bytes + down_bytes
            if self.network == "wifi":
                net = "wifi"
                _, t_cpu = self.wifi.transfer(t, up_bytes, down_bytes, app)
                self.bytes_unmetered += nbytes
            else:
                net = "cellular"
                _, t_cpu = self.cell.transfer(t, up_bytes, down_bytes, app)
                self.bytes_metered += nbytes
        end = t_cpu + cpu_s
        if cpu_s > 0:
            self.active.append((t_cpu, end))
            self.book("cpu.active", app, self._active_ma, t_cpu, end)
        self.holds.append((t, end, app, reason))
        self._held_until(end)
        rec = WorkRecord(app, reason, t_req, t, end, cpu_s, up_bytes, down_bytes, net, waited)
        self.work_records.append(rec)
        self._work_times[app].append((t_req, t, end))
        self.doze.note_work(end)
        if on_done is not None:
            self.call_later(end - t, on_done, rec)

    def _drain(self) -> None:
        if not self.pending:
            return
        t = float(self.env.now)
        keep: list[_Pending] = []
        for p in self.pending:
            t_req, app, item, reason, on_done, why = p
            if self._blocked(app, item):
                keep.append(p)
            else:
                self._deferred.setdefault(app, []).append(t - t_req)
                self.start_work(t_req, t, app, item.cpu_s, item.up_bytes, item.down_bytes, reason, on_done, why)
        self.pending = keep

    # -- the day -----------------------------------------------------------------------------------------------
    def _apply_day(self, t: float, changes: list[tuple[str, object]]) -> None:
        screen_was, charging_was, moving_was = self.screen_on, self.charging, self.moving
        for lane, value in changes:
            if lane == "network":
                self.network = str(value)
                self.record("network", t, self.network)
                self.wifi.set_on(t, self.network == "wifi")
            elif lane == "screen":
                self.screen_on = bool(value)
                self.record("screen", t, "on" if self.screen_on else "off")
                if self.screen_on:
                    self._screen_since = t
                else:
                    self._close_screen(t)
                self.jobs.screen_changed(t, self.screen_on)
            elif lane == "charging":
                self.charging = bool(value)
                self.record("charging", t, "plugged" if self.charging else "unplugged")
                if self.charging:
                    self._charging_since = t
                    if t > 0.0:  # plugging in wakes the phone (the power-connected interrupt)
                        self.hold(t, t + self.assumptions.alarm_hold_s, "system", "charger")
                else:
                    self._charging_spans.append((self._charging_since, t))
                for app, bucket in self.buckets.items():
                    if bucket is not None:
                        self.record("bucket", t, "unrestricted" if self.charging else bucket, app)
            elif lane == "moving":
                self.moving = bool(value)
                self.record("motion", t, "moving" if self.moving else "still")
            elif lane == "foreground":
                self.foreground = str(value)
                self.record("foreground", t, self.foreground or "none")
        if self.moving and not moving_was:
            self.doze.motion_started()
        if (self.screen_on, self.charging) != (screen_was, charging_was) or self.moving != moving_was:
            self.doze.update()
        self._drain()
        self.jobs.update(True)

    def _close_screen(self, t: float) -> None:
        if t > self._screen_since:
            self.hold(self._screen_since, t, "system", "screen")
            self.book("screen", "system", self._screen_ma, self._screen_since, t)

    def _schedule_day(self, changes: list[tuple[float, str, object]]) -> None:
        """Apply the day's change points in order, one timer at a time."""
        by_time: dict[float, list[tuple[str, object]]] = {}
        for t, lane, value in changes:
            by_time.setdefault(t, []).append((lane, value))
        times = sorted(by_time)
        idx = 0

        def step() -> None:
            nonlocal idx
            t = times[idx]
            self._apply_day(t, by_time[t])
            idx += 1
            if idx < len(times):
                self.schedule(times[idx] - t, step)

        if times:
            self.schedule(times[0], step)

    # -- the run -----------------------------------------------------------------------------------------------
    def run(self) -> Result:
        sc = self.scenario
        T = self.duration_s
        plan = sc.day.plan(self.rng, T)
        # initial conditions at t=0, then the rest of the day as timers
        first: list[tuple[str, object]] = [
            ("network", plan.network[0][1]),
            ("charging", plan.charging[0][1]),
            ("screen", plan.screen[0][1]),
            ("foreground", plan.foreground[0][1]),
            ("moving", plan.moving[0][1]),
        ]
        self.network = str(plan.network[0][1])
        self.wifi.on = self.network == "wifi"
        for app, bucket in self.buckets.items():
            self.record("bucket", 0.0, "none" if bucket is None else bucket, app)
        self.record("network", 0.0, self.network)
        self.record("charging", 0.0, "unplugged")
        self.record("screen", 0.0, "off")
        self.record("motion", 0.0, "still")
        self.record("foreground", 0.0, "none")
        self._apply_day(0.0, first)
        self.doze.start()
        later: list[tuple[float, str, object]] = []
        for lane, points in (
            ("network", plan.network),
            ("charging", plan.charging),
            ("screen", plan.screen),
            ("foreground", plan.foreground),
            ("moving", plan.moving),
        ):
            later.extend((t, lane, v) for t, v in points[1:])
        self._schedule_day(later)
        for spec in sc.apps:
            for mech in spec.work:
                mech.start(self, spec.name)
        self.env.run(until=T)
        return self._finish(T)

    def _finish(self, T: float) -> Result:
        sc = self.scenario
        a = self.assumptions
        p = self.power
        if self.screen_on:
            self._close_screen(T)
        if self.charging:
            self._charging_spans.append((self._charging_since, T))
        self.doze.finish(T)
        self.book("cpu.suspend", "system", p.cpu_suspend_ma, 0.0, T)
        cell_spans = self.cell.finish(T)
        wifi_spans = self.wifi.finish(T)
        cpu_spans, wakeups = cpu_sweep(
            self.holds,
            self.active,
            t_end=T,
            awake_ma=p.cpu_awake_ma,
            active_ma=p.cpu_active_ma,
            wakeup_s=a.wakeup_resume_s + a.wakeup_suspend_s,
            ledger=self._ledger,
            segment=self._segment,
        )
        self.events.extend(wakeups)
        for (lane, app), (start, value) in self._open.items():
            if start < T:
                self._spans[(lane, app)].append(StateSpan(lane, start, T, value, app))
        # per-app work lanes
        work_spans: list[StateSpan] = []
        for app, times in self._work_times.items():
            waiting = [(t0, t1) for t0, t1, _ in times if t1 > t0]
            waiting += [(t_req, T) for t_req, a_, *_ in self.pending if a_ == app]
            waiting += self.jobs.waiting(app, T)
            work_spans.extend(_work_lane(app, waiting, [(t1, t2) for _, t1, t2 in times], T))
        fg = [(s.start_s, s.end_s) for s in self._spans.get(("foreground", ""), ()) if s.value != "none"]
        jank = jank_sweep(fg, self.active, a.frame_model)
        order = ("screen", "charging", "network", "motion", "foreground", "doze", "doze_deep", "doze_light")
        states: list[StateSpan] = []
        for lane in order:
            states.extend(self._spans.get((lane, ""), ()))
        states.extend(cell_spans)
        states.extend(wifi_spans)
        states.extend(cpu_spans)
        for spec in sc.apps:
            states.extend(self._spans.get(("bucket", spec.name), ()))
        states.extend(work_spans)
        self.events.sort(key=lambda e: e.t_s)
        energy = tuple(EnergyRow(c, app, mah) for (c, app), mah in sorted(self.ledger.items()))
        summary = self._summary(T, states, energy, wakeups, jank)
        self._notes()
        capacity = p.battery_capacity_mah
        meta = {
            "capacity_mah": capacity,
            "start_mah": capacity * sc.device.battery_start_pct / 100.0,
            "charge_current_ma": a.charge_current_ma,
            "duration_s": T,
            "simpy_events": _events_scheduled(self.env),
        }
        return Result(
            scenario=sc,
            seed=self.seed,
            states=tuple(states),
            events=tuple(self.events),
            energy=energy,
            work=tuple(self.work_records),
            summary=summary,
            notes=tuple(self.notes),
            meta=meta,
            _segments=tuple(self.segments),
            _charging=tuple(self._charging_spans),
        )

    def _summary(
        self,
        T: float,
        states: list[StateSpan],
        energy: tuple[EnergyRow, ...],
        wakeups: list[Event],
        jank: Jank,
    ) -> dict[str, float]:
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
        lat = sorted(r.start_s - r.requested_s for r in self.work_records)
        hours = T / 3600.0
        capacity = self.power.battery_capacity_mah
        return {
            "battery_drained_mah": drained,
            "battery_drained_pct": 100.0 * drained / capacity,
            "wakeups": float(len(wakeups)),
            "wakeups_per_hour": len(wakeups) / hours,
            "radio_active_s": cell_active + wifi_active,
            "cell_radio_active_s": cell_active,
            "wifi_active_s": wifi_active,
            "radio_tail_energy_share": tail / radio_total if radio_total > 0 else 0.0,
            "radio_promotions": float(self.cell.promotions),
            "metered_mb": self.bytes_metered / 1e6,
            "unmetered_mb": self.bytes_unmetered / 1e6,
            "work_runs": float(len(lat)),
            "work_deferred": float(sum(1 for r in self.work_records if r.waited_for)),
            "work_pending_at_end": float(len(self.pending)),
            "work_latency_p50_s": _percentile(lat, 0.50),
            "work_latency_p95_s": _percentile(lat, 0.95),
            "work_latency_max_s": lat[-1] if lat else 0.0,
            "foreground_s": jank.foreground_s,
            "janky_frames": jank.janky_frames,
            "janky_frames_from_background": jank.janky_frames - jank.baseline_janky_frames,
            "foreground_slowdown_pct": 100.0 * jank.slowdown_s / jank.foreground_s if jank.foreground_s else 0.0,
            "screen_on_s": lane_time.get(("screen", "on"), 0.0),
            "cpu_awake_s": lane_time.get(("cpu", "awake"), 0.0) + lane_time.get(("cpu", "active"), 0.0),
            "doze_deep_idle_s": lane_time.get(("doze", "deep_idle"), 0.0),
            "doze_light_idle_s": lane_time.get(("doze", "light_idle"), 0.0),
            "maintenance_windows": float(self.doze.maintenance_windows),
            "job_runs": float(self.jobs.stats["runs"]),
            "job_deferred": float(self.jobs.stats["deferred"]),
            "job_failed": float(self.jobs.stats["failed"]),
            "job_stopped_at_limit": float(self.jobs.stats["stopped"] - self.jobs.stats["quota_stopped"]),
            "job_stopped_by_quota": float(self.jobs.stats["quota_stopped"]),
            "job_pending_at_end": float(self.jobs.pending_at_end(T)),
        }

    def _notes(self) -> None:
        self.jobs.finish_notes(self.notes.append)
        for app in self.scenario.apps:
            delays = self._deferred.get(app.name)
            if not delays:
                continue
            n = len(self._work_times[app.name])
            delays.sort()
            self.notes.append(
                f"{app.name}: {len(delays)} of {n} runs waited (Doze ignores wakelocks and blocks network until a "
                f"maintenance window, android-facts §1c; or no network); median wait {_percentile(delays, 0.5):.0f} s"
            )


class _Call(Timeout):
    """A simpy Timeout that calls `fn(*args)` (through Phone._fire): what Phone.schedule makes."""

    def __init__(self, phone: Phone, delay_s: float, fn: Callable[..., None], args: tuple[object, ...]) -> None:
        if delay_s < 0:
            raise ValueError(f"Negative delay {delay_s}")
        env = phone.env
        # (Timeout.__init__'s fields, set here as it sets them, plus our callback)
        self.env = env
        self.callbacks = [phone._fire]
        self._value = None
        self._delay = delay_s
        self._ok = True
        self.fn = fn
        self.args = args
        env.schedule(self, NORMAL, delay_s)


def _percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 if empty)."""
    if not sorted_values:
        return 0.0
    k = max(0, math.ceil(q * len(sorted_values)) - 1)
    return sorted_values[k]


def _union(intervals: list[tuple[float, float]], T: float) -> list[tuple[float, float]]:
    """Merge intervals (clipped to [0, T]) into sorted disjoint ones."""
    out: list[tuple[float, float]] = []
    for a, b in sorted(intervals):
        if b > T:
            b = T
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _work_lane(
    app: str, waiting: list[tuple[float, float]], running: list[tuple[float, float]], T: float
) -> list[StateSpan]:
    """The per-app "work" lane: running if any work runs, else waiting if any waits, else idle."""
    run_u = _union(running, T)
    wait_u = _union(waiting, T)
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
    if t < T:
        spans.append(StateSpan("work", t, T, "idle", app))
    return spans


def _events_scheduled(env: simpy.Environment) -> int:
    """How many simpy events the run scheduled (simpy numbers each one; private, so read defensively)."""
    counter = getattr(env, "_eid", None)
    try:
        return int(next(counter)) if counter is not None else -1
    except TypeError:
        return -1


def run(scenario: Scenario, *, seed: int = 0) -> Result:
    """Simulate `scenario`; the same scenario and seed give the same Result, record for record.

    Raises ValueError if `scenario` is not a Scenario or `seed` is not an int.
    """
    if not isinstance(scenario, Scenario):
        raise ValueError(f"run(scenario={scenario!r}): allowed a sim.Scenario")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"run(seed={seed!r}): allowed an int")
    # A run allocates many small records and no garbage cycles worth chasing; the cyclic collector's passes over
    # a growing heap would make long runs superlinear, so it pauses for the run (and is restored after).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return Phone(scenario, seed).run()
    finally:
        if was_enabled:
            gc.enable()
