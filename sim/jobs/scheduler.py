"""JobSchedulerService: decides when each scheduled job runs and runs it in its app's process (a system service)."""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Callable, Iterator
from typing import Any

from sim.buckets import (
    IN_QUOTA_BUFFER_S,
    MAX_EXECUTION_TIME_S,
    MAX_JOB_COUNT_PER_RATE_LIMITING_WINDOW,
    QUOTAS,
    RATE_LIMITING_WINDOW_S,
    TIMING_SESSION_COALESCING_S,
)
from sim.jobs.quota import EPS_S, AppQuota, back_in_quota, extend, sync, time_until_consumed, used
from sim.jobs.spec import (
    BATTERY_STORAGE_API_LEVEL,
    CONCURRENCY_LIMIT,
    DAY_S,
    EJ_GRACE_PERIOD_TOP_APP_S,
    EXECUTING_TIMESLICE_API21_S,
    EXECUTING_TIMESLICE_S,
    EXPEDITED_API_LEVEL,
    FORCE_BATCH_API_LEVEL,
    HEARTBEAT_API_LEVEL,
    JOB_API_LEVEL,
    MAX_NON_ACTIVE_JOB_BATCH_DELAY_S,
    MIN_BACKOFF_S,
    MIN_FLEX_PERCENT,
    MIN_FLEX_S,
    MIN_PERIOD_S,
    MIN_READY_NON_ACTIVE_JOBS_COUNT,
    PERIODIC_JOB_WINDOW_BUFFER_S,
    PERIODIC_LIMITS_API_LEVEL,
    QUOTA_COUNT_API_LEVEL,
    QUOTA_SESSION_API_LEVEL,
    QUOTA_TIME_API_LEVEL,
    RUNTIME_API_LEVEL,
    RUNTIME_FREE_QUOTA_MAX_LIMIT_S,
    RUNTIME_MIN_EJ_GUARANTEE_S,
    RUNTIME_MIN_GUARANTEE_S,
    STANDBY_BEATS,
    STANDBY_HEARTBEAT_S,
    SYSTEM_STOP_API_LEVEL,
    SYSTEM_STOP_TO_FAILURE_RATIO,
    Job,
    backoff_delay_s,
)
from sim.records import StateSpan, WorkRecord
from sim.restrictions import doze_blocks_jobs
from sim.service import ServiceHost
from sim.work import WORK_ITEM_MAX_CPU_S, WorkItem

__all__ = ["JobScheduler"]


class _JobState:
    """One scheduled job of one app, as JobSchedulerService tracks it (JobStatus)."""

    __slots__ = (
        "app",
        "batched_app",
        "battery",
        "c_epoch",
        "c_first",
        "c_qa",
        "c_qver",
        "c_why",
        "cacheable",
        "charging",
        "cpu_left",
        "deadline_overrides",
        "delay_ok",
        "done",
        "due",
        "earliest",
        "expedited",
        "failed",
        "fails_left",
        "failures",
        "first_batched",
        "flex",
        "fresh_at",
        "gen",
        "idle",
        "idx",
        "initial_backoff",
        "label",
        "latest",
        "needs_network",
        "net",
        "parkable",
        "period",
        "quota_stops",
        "ready_at",
        "run",
        "running",
        "runs",
        "send_bytes",
        "spec",
        "stops",
        "storage",
        "system_stops",
        "wait_acc",
        "wait_since",
        "waited",
        "waits",
        "window_end",
    )

    def __init__(self, app: str, spec: Job, label: str) -> None:
        self.app = app
        self.spec = spec
        self.label = label
        self.period = 0.0
        self.flex = 0.0
        self.initial_backoff = float(spec.initial_backoff_s)
        self.battery = spec.requires_battery_not_low
        self.storage = spec.requires_storage_not_low
        # (the spec's constraints, read on every scheduling pass: copied here once)
        self.needs_network = spec.needs_network
        self.net = spec.network_type
        self.charging = spec.requires_charging
        self.idle = spec.requires_device_idle
        self.batched_app = False  # whether the app's bucket makes Android 12+ batch its jobs (set by the scheduler)
        self.expedited = spec.expedited
        self.earliest = 0.0
        self.latest: float | None = None  # a wakeup alarm: window end (periodic) or deadline (one-off)
        self.window_end = 0.0  # periodic: the end of the period being served
        self.deadline_overrides = False
        self.due = 0.0
        self.waited = ""  # what holds the job back now ("" if nothing)
        self.wait_since = 0.0  # since when `waited` has held it back
        self.wait_acc: dict[str, float] = {}  # how long each reason has held it back since it was due
        self.delay_ok = False
        self.gen = 0
        self.failures = 0
        self.fails_left = spec.fails
        self.cpu_left = float(spec.cpu_s)
        self.send_bytes = True
        self.running = False
        self.done = False
        # `earliest` while the job is neither running nor done, else inf: a pass considers the job iff now >= this
        self.ready_at = 0.0
        self.idx = 0  # its place in JobScheduler.jobs (passes take due jobs in this order)
        self.first_batched: float | None = None
        self.fresh_at = -1.0  # the instant the app scheduled it, if it was ready then
        self.runs = 0
        self.stops = 0
        self.quota_stops = 0
        self.system_stops = 0  # stops for a constraint lost or Doze, since the last success (Android 14+)
        self.run: _Run | None = None  # the run in progress
        self.failed = 0
        self.waits: dict[str, int] = {}
        # A pass's verdict on the job (_blocked), kept while it cannot change (see JobScheduler._update): the pass
        # state it was reached in (`c_epoch`, -1: none), the verdict, and, if it read the app's quota records,
        # those records, their version then, and the earliest record that a later _prune would drop.
        self.cacheable = False  # (set once the spec is adjusted: the verdict depends on no clock but the deadline)
        self.parkable = False  # (the same, for taking the job out of the passes while its state-held verdict stands)
        self.c_epoch = -1
        self.c_why = ""
        self.c_qa: AppQuota | None = None
        self.c_qver = 0
        self.c_first = 0.0


class _Run:
    """One run of a job: what it may do and what it booked."""

    __slots__ = ("by_deadline", "chunk", "ej", "gen", "limit", "qa", "session", "work")

    def __init__(self, gen: int, chunk: float, limit: float, ej: bool, by_deadline: bool,
                 session: list[float] | None, qa: AppQuota | None) -> None:
        self.gen = gen
        self.chunk = chunk
        self.limit = limit
        self.ej = ej
        self.by_deadline = by_deadline
        self.session = session
        self.qa = qa
        self.work: Any = None  # sim.service.RunningWork


class JobScheduler:
    """The phone's JobSchedulerService: decides when each scheduled job runs, and runs it through the phone.

    A job whose delay (minimum latency, periodic window start, backoff) expires while the phone sleeps waits for
    the next wakeup: TimeController's delay alarm is ELAPSED_REALTIME, which "will not wake up the phone"; deadlines
    and periodic window ends use a wakeup alarm (aosp-mirror/platform_frameworks_base,
    apex/jobscheduler/service/java/com/android/server/job/controllers/TimeController.java,
    setDelayExpiredAlarmLocked / setDeadlineExpiredAlarmLocked). Everything ready at a wakeup starts together,
    sharing the wakeup and the radio's tail.

    Approximations: constraints are checked when a job starts (a job losing its constraint mid-run is not stopped);
    the execution limit applies to CPU time (the transfer, seconds long, comes first); a periodic job's window end
    never overrides its constraints (Android 11+ behaviour, used for every API level); the idle-job special cases
    (no backoff, stop on screen-on) are not modelled.
    """

    name: str = "jobscheduler"
    kinds: tuple[str, ...] = ("job",)

    def __init__(self, phone: ServiceHost) -> None:
        self.phone = phone
        self.api = phone.api_level
        self.jobs: list[_JobState] = []
        self.running = 0
        self.sleepers = 0  # jobs whose delay expired while the phone slept
        self._busy = False
        self._again = False
        self._timers: set[tuple[float, bool]] = set()
        # (time, awake, Phone.callbacks_run) of the last timer callback that was a pass starting no job (see _pass)
        self._quiet: tuple[float, bool, int] | None = None
        # quota records of each app a standby-bucket quota can apply to (a bucket, API 28+, not exempt; the bucket
        # and the exemption do not change during a run): whether it applies now depends on charging and foreground
        self._quota: dict[str, AppQuota] = {}
        if self.api >= QUOTA_TIME_API_LEVEL:
            for app in phone.apps:
                bucket = phone.bucket(app)
                if bucket is not None and not phone.exempt(app):
                    self._quota[app] = AppQuota(QUOTAS[bucket], self.api)
        self._idle = False
        # _update's cache of _blocked verdicts: the pass state they depend on, and a number for each new one
        self._epoch = 0
        self._epoch_key: tuple[str, bool, bool, bool, str] | None = None
        self._q_seen: AppQuota | None = None  # (set by _blocked: the quota records it read, if any)
        self._idle_gen = 0
        self._idle_wanted = False
        self._running_jobs: list[_JobState] = []
        self._parked: list[_JobState] = []  # jobs taken out of the passes until a change (see _update)
        # the jobs a pass looks at: those whose ready_at has come (by place in `jobs`), and the rest by ready_at
        self._due_idx: list[int] = []  # (sorted)
        self._due_set: set[int] = set()
        self._full_since: float | None = None  # since when passes have stopped before looking at every due job
        self._later: list[tuple[float, int, _JobState]] = []
        self._wake_at = math.inf  # (set by _blocked: when a job out of quota may be back in)
        self._fg = ""  # the app in front, as last heard
        self._grace_until: dict[str, float] = {}  # end of each app's expedited-job grace after leaving the front
        self._last_run: dict[str, float] = {}  # Android 9: when each app's last job started (for heartbeats)
        a = phone.assumptions
        self.idle_threshold_s = a.job_idle_threshold_s
        self.low_battery_pct = a.low_battery_pct
        self.stats = {"runs": 0, "deferred": 0, "failed": 0, "stopped": 0, "quota_stopped": 0,
                      "constraint_stopped": 0}

    # -- scheduling -----------------------------------------------------------------------------------------------
    def schedule(self, app: str, spec: Job) -> None:
        """The app calls JobScheduler.schedule() at spec.at_s."""
        n = sum(1 for j in self.jobs if j.app == app)
        js = _JobState(app, spec, "job" if n == 0 else f"job {n + 1}")
        js.idx = len(self.jobs)
        bucket = self.phone.bucket(app)  # (buckets and exemptions do not change during a run)
        js.batched_app = bucket is not None and bucket != "active" and not self.phone.exempt(app)
        self.jobs.append(js)
        self._adjust(js)
        # (a battery-level verdict changes as the battery drains, an expedited job's as its EJ quota's window slides)
        # (and on Android 9 a non-ACTIVE app's heartbeat verdict as time passes)
        js.cacheable = not js.battery and not js.expedited and not (self.api == HEARTBEAT_API_LEVEL
                                                                     and js.batched_app)
        js.parkable = js.cacheable
        p = self.phone
        if spec.requires_device_idle and not self._idle_wanted:
            self._idle_wanted = True
            if not p.screen_on:
                self.screen_changed(p.now, False)
        at = float(spec.at_s)
        if at >= p.duration_s:
            js.done = True
            self._ready(js, math.inf)
            return
        if spec.every_s is not None:
            js.window_end = at + js.period
            self._set_window(js, js.window_end - js.flex, js.window_end)
        else:
            earliest = at + float(spec.min_latency_s)
            latest = at + float(spec.deadline_s) if spec.deadline_s is not None else None
            js.deadline_overrides = latest is not None
            self._set_window(js, earliest, latest)
        if js.earliest == at:
            js.fresh_at = at
        if js.earliest == at and at > p.now:
            # The app is running when it calls schedule(): a job it may run at once starts then (as at a wakeup).
            gen = js.gen
            p.schedule(at - p.now, lambda: self._deadline(js, gen))

    def _adjust(self, js: _JobState) -> None:
        """Make the adjustments Android makes to what the app asked for, each with a note."""
        spec = js.spec
        note = self.phone.notes.append
        who = f"{js.app} ({js.label})"
        if self.api < BATTERY_STORAGE_API_LEVEL:
            for flag, name in ((spec.requires_battery_not_low, "setRequiresBatteryNotLow"),
                               (spec.requires_storage_not_low, "setRequiresStorageNotLow")):
                if flag:
                    note(f"{who}: {name} arrives in API {BATTERY_STORAGE_API_LEVEL}; ignored on API {self.api}")
            js.battery = js.storage = False
        if spec.expedited and self.api < EXPEDITED_API_LEVEL:
            note(f"{who}: expedited jobs arrive in API {EXPEDITED_API_LEVEL}; runs as a regular job on API {self.api}")
            js.expedited = False
        if js.initial_backoff < MIN_BACKOFF_S:
            note(f"{who}: initial backoff {spec.initial_backoff_s:g} s raised to {MIN_BACKOFF_S} s "
                 "(JobInfo.MIN_BACKOFF_MILLIS, android-facts §3)")
            js.initial_backoff = float(MIN_BACKOFF_S)
        if spec.every_s is None:
            return
        period = float(spec.every_s)
        if self.api >= PERIODIC_LIMITS_API_LEVEL:
            if period < MIN_PERIOD_S:
                flex_note = (f", in the last {max(float(spec.every_s), float(MIN_FLEX_S)):g} s of each period "
                             "(setPeriodic(interval) uses the interval as its flex, JobInfo.MIN_FLEX_MILLIS)"
                             if spec.flex_s is None else "")
                note(f"{who}: periodic job every {period:g} s raised to {MIN_PERIOD_S} s: Android 7+ allows no "
                     "shorter period (JobInfo.MIN_PERIOD_MILLIS, android-facts §3); it runs at most once per "
                     f"15 minutes{flex_note}")
                period = float(MIN_PERIOD_S)
            # setPeriodic(interval) is setPeriodic(interval, interval): the flex asked is the interval as given,
            # before the period is raised (JobInfo.Builder.setPeriodic, android-facts §3)
            asked = float(spec.every_s) if spec.flex_s is None else float(spec.flex_s)
            floor = max(period * MIN_FLEX_PERCENT / 100.0, float(MIN_FLEX_S))
            flex = min(max(asked, floor), period)
            if spec.flex_s is not None and flex != asked:
                why = ("at least 5 min or 5 % of the period (JobInfo.MIN_FLEX_MILLIS, android-facts §3)"
                       if flex > asked else "at most the period (JobInfo.getFlexMillis)")
                note(f"{who}: flex {asked:g} s changed to {flex:g} s: {why}")
        else:
            flex = period
            if spec.flex_s is not None:
                note(f"{who}: flex arrives in API {PERIODIC_LIMITS_API_LEVEL}; on API {self.api} the job may run "
                     "anywhere in its period")
        js.period = period
        js.flex = flex

    def _set_window(self, js: _JobState, earliest: float, latest: float | None, *, due: float | None = None,
                    waited: str = "") -> None:
        """The job may start from `earliest` on (a non-waking delay); `latest` is a waking alarm (or None)."""
        p = self.phone
        now = p.now
        js.gen += 1
        js.c_epoch = -1
        js.earliest = earliest
        self._ready(js, math.inf if js.running or js.done else earliest)
        js.latest = latest
        js.due = earliest if due is None else due
        js.waited = waited
        js.wait_since = js.due
        js.wait_acc = {}
        js.delay_ok = False
        gen = js.gen
        if earliest > now and earliest < p.duration_s:
            p.call_later(earliest - now, self._delay_expired, js, gen)
        if latest is not None and latest > now and latest < p.duration_s:
            p.call_later(latest - now, self._deadline, js, gen)
        if earliest <= now:
            p.call_later(0.0, self._pass, True)

    def _delay_expired(self, js: _JobState, gen: int) -> None:
        if gen == js.gen:
            self._pass(self.phone.awake())
        elif self._quiet is not None and self._quiet[2] == self.phone.callbacks_run - 1:
            self._quiet = (self._quiet[0], self._quiet[1], self.phone.callbacks_run)  # (this timer changed nothing)

    def _pass(self, awake: bool) -> None:
        """A timer's call of update(awake), as the whole of its callback.

        Many timers fire at one instant (every periodic job's window opening at the same time, say), each asking
        for a pass over all jobs: O(jobs^2). A pass that starts no job leaves the jobs as a second pass would leave
        them (it only re-derives the same waits, sets the same flags, and asks for timers it already asked for;
        `sleepers` only counts as zero or not). So when the callback just before this one, at this same instant,
        was such a pass with the same `awake`, nothing can have changed in between, and this pass is skipped.
        """
        p = self.phone
        now = p.now
        n = p.callbacks_run
        quiet = self._quiet
        if quiet is not None and quiet[2] == n - 1 and quiet[0] == now and quiet[1] == awake:
            self._quiet = (now, awake, n)
            return
        runs = self.stats["runs"]
        self.update(awake)
        self._quiet = (now, awake, n) if self.stats["runs"] == runs else None

    def _deadline(self, js: _JobState, gen: int) -> None:
        """A wakeup alarm (deadline or periodic window end): it wakes the phone if it would let the job run."""
        if gen != js.gen or js.running or js.done:
            return
        p = self.phone
        t = p.now
        if js.ready_at > t:
            self._ready(js, js.earliest)  # (a parked job: its deadline may override what held it)
        if self._blocked(js, t):
            # TimeController sets no alarm for a job the deadline would not make ready (wouldBeReadyWithConstraint);
            # in deep Doze the alarm would be deferred anyway. The job runs when what it waits for arrives.
            return
        p.wakeup_alarm("job_alarm")
        self.update(True)

    def _timer(self, at: float, wake: bool = False) -> None:
        """A check at time `at` (deduplicated); non-waking unless `wake`."""
        p = self.phone
        at = max(at, p.now + EPS_S)  # never a check at "now" again: that could loop at one instant
        if at >= p.duration_s or (at, wake) in self._timers:
            return
        self._timers.add((at, wake))

        def fire() -> None:
            self._timers.discard((at, wake))
            if wake and not p.awake():
                p.wakeup_alarm("job_check")
            self.update(True if wake else p.awake())

        p.schedule(max(0.0, at - p.now), fire)

    # -- what the phone tells it -------------------------------------------------------------------------------------
    def _buckets_changed(self) -> None:
        """An app's standby bucket changed (buckets that follow use): its quotas and batching follow it."""
        p = self.phone
        for app, qa in self._quota.items():
            bucket = p.bucket(app)
            if bucket is not None and qa.q.bucket != bucket:
                qa.set_quota(QUOTAS[bucket], self.api)
                if qa.cutoff is not None:  # (recomputed for the new quota by _recharge)
                    qa.cutoff.cancel()  # type: ignore[attr-defined]
                    qa.cutoff = None
        for js in self.jobs:
            bucket = p.bucket(js.app)
            js.batched_app = bucket is not None and bucket != "active" and not p.exempt(js.app)
            js.c_epoch = -1
            if self.api == HEARTBEAT_API_LEVEL and js.batched_app:
                js.cacheable = js.parkable = False
        self._epoch_key = None

    def _stop_unready(self, t: float) -> None:
        """Stop every running job that may no longer run (JobConcurrencyManager.stopNonReadyActiveJobsLocked): a
        constraint it asked for went away, or Doze went idle (DeviceIdleJobsController)."""
        p = self.phone
        for js in list(self._running_jobs):
            run = js.run
            assert run is not None
            why = ""
            if not run.ej and not p.exempt(js.app) and p.doze_idle():
                why = "Doze"
            elif not run.by_deadline:
                why = self._lost(js, t)
            if not why or run.work.end_s <= t:  # (a run that ends at this instant finishes as usual)
                continue
            rec = run.work.stop(f"{js.label}: {why}")
            session = run.session  # (an expedited job's, booked ahead: it ends at the stop)
            if session is not None and session[1] > rec.end_s:
                session[1] = max(session[0], rec.end_s)
            self._charge_end(js, rec.end_s)
            self._finished(js, run.gen, rec, run.chunk, True, "doze" if why == "Doze" else "constraint", run.limit,
                           why=why)

    # -- QuotaController's Timer: quota charged while jobs run (android-facts §2b) ------------------------------------
    def _charge_start(self, js: _JobState, t: float) -> None:
        qa = self._quota.get(js.app)
        if qa is None:
            return
        qa.charged.append(js)
        run = js.run
        self._recharge(qa, new_end=run.work.end_s if run is not None else None)

    def _charge_end(self, js: _JobState, t: float) -> None:
        qa = self._quota.get(js.app)
        if qa is None or js not in qa.charged:
            return
        qa.charged.remove(js)
        self._recharge(qa, t)

    def _recharge(self, qa: AppQuota, t: float | None = None, new_end: float | None = None) -> None:
        """Open or close the app's charged session as its tracked jobs run and as it comes to the front or the phone
        is plugged in (Timer.shouldTrackLocked: not quota-free, not in front), and set when its quota runs out."""
        p = self.phone
        now = p.now if t is None else t
        app = qa.charged[0].app if qa.charged else ""
        charge = bool(qa.charged) and not p.charging and p.foreground != app
        if qa.open is not None:
            extend(qa, qa.open, now)
            if not charge:
                qa.open = None
        opened = charge and qa.open is None
        if opened:
            sessions = qa.sessions
            if sessions and sessions[-1][1] + TIMING_SESSION_COALESCING_S >= now:
                qa.open = sessions[-1]  # (sessions this close are coalesced, TIMING_SESSION_COALESCING_DURATION)
            else:
                qa.open = [now, now]
                sessions.append(qa.open)
                qa.ver += 1
        if qa.open is None:
            if qa.cutoff is not None:
                qa.cutoff.cancel()  # type: ignore[attr-defined]
                qa.cutoff = None
            return
        if qa.cutoff is not None:
            return  # (set when this session opened: it holds while the session stays open, used at rate 1)
        # Cheap bound first: no window can hold more than `total`, so no quota runs out before now + lb; a cutoff
        # is needed only if a tracked job is due to run past that (a new job's start asks again)
        q = qa.q
        lb = q.job_time_s - qa.total if q.job_time_s < q.job_window_s else math.inf
        if self.api >= QUOTA_COUNT_API_LEVEL:
            lb = min(lb, MAX_EXECUTION_TIME_S - qa.total)
        # (while the session stays open, now + lb stays put: time used is time passed; so a job checked when it
        # started, or when the session opened, needs no second look)
        if opened or new_end is None:
            latest = max(js.run.work.end_s for js in qa.charged if js.run is not None and js.run.work is not None)
        else:
            latest = new_end
        if latest <= now + lb - EPS_S:
            return
        sessions, _, _ = self._prune(qa, now)
        until = math.inf
        if q.job_time_s < q.job_window_s:
            until = time_until_consumed(sessions, now, q.job_window_s, q.job_time_s)
        if self.api >= QUOTA_COUNT_API_LEVEL:
            until = min(until, time_until_consumed(sessions, now, DAY_S, MAX_EXECUTION_TIME_S))
        if until < math.inf and now + until < p.duration_s:
            qa.cutoff = p.call_later(until, self._quota_ran_out, qa)

    def _quota_ran_out(self, qa: AppQuota) -> None:
        """MSG_REACHED_TIME_QUOTA: the app's tracked jobs lose CONSTRAINT_WITHIN_QUOTA and are stopped
        (STOP_REASON_QUOTA), whatever runtime guarantee they had (only expedited jobs are shielded)."""
        qa.cutoff = None
        t = self.phone.now
        for js in list(qa.charged):
            run = js.run
            if run is None or run.work.end_s <= t:
                continue
            rec = run.work.stop(f"{js.label}: quota ran out")
            self._charge_end(js, rec.end_s)
            self._finished(js, run.gen, rec, run.chunk, True, "quota", run.limit, why="quota ran out")

    def _lost(self, js: _JobState, t: float) -> str:
        """The constraint of a running job that no longer holds ("" if all still hold)."""
        p = self.phone
        network = p.network
        if js.needs_network and network == "none":
            return "network lost"
        if js.net == "unmetered" and network != "wifi":
            return "unmetered network lost"
        if js.charging and not p.charging:
            return "charger unplugged"
        if js.idle and not self._idle:
            return "device no longer idle"
        if js.battery and self._battery_low(t):
            return "battery low"
        return ""

    def screen_changed(self, t: float, on: bool) -> None:
        """DeviceIdlenessTracker: idle once the screen has been off for the threshold (a waking alarm)."""
        if not self._idle_wanted:
            return
        self._idle_gen += 1
        if on:
            self._idle = False
            return
        gen = self._idle_gen

        def fire() -> None:
            if gen == self._idle_gen:
                self._idle = True
                self._unpark()
                self.phone.wakeup_alarm("job_idle")
                self.update(True)

        self.phone.schedule(self.idle_threshold_s, fire)

    def woke(self) -> None:
        """The phone just woke: delay alarms that expired while it slept are delivered now."""
        if self.sleepers and not self._busy:
            self.sleepers = 0
            self.phone.schedule(0.0, lambda: self._pass(True))

    # -- the decision --------------------------------------------------------------------------------------------------
    def update(self, awake: bool) -> None:
        """Start every job that may run now (JobSchedulerService.maybeRunPendingJobs)."""
        if not self.jobs:
            return
        if self._busy:
            self._again = True
            return
        self._busy = True
        try:
            self._update(awake)
            while self._again:
                self._again = False
                self._update(True)
        finally:
            self._busy = False

    def _update(self, awake: bool) -> None:
        p = self.phone
        t = p.now
        # (the jobs whose delay has expired and that are neither running nor done, ready_at <= t, are taken in the
        # order they were scheduled)
        due = self._due_now(t)
        if not awake:
            # A non-waking alarm fired while the CPU slept: nothing runs until something wakes the phone.
            for js in due:
                if js.ready_at > t:
                    continue
                self.sleepers += 1
                if not js.delay_ok and js.waited != "asleep":
                    _held(js, "asleep", t)
            return
        ready: list[_JobState] = []
        self.sleepers = 0
        blocked = self._blocked
        # Only as many ready jobs as can start are needed (and, for Android 12+'s batching, whether 5 are ready):
        # the pass stops looking once it has them. A job it did not look at waits for a free slot ("concurrency",
        # counted when it starts: _start). So a burst of many jobs costs each pass the jobs it starts, not all.
        free = CONCURRENCY_LIMIT - self.running
        if free <= 0:
            if self._full_since is None:
                self._full_since = t
            return
        want = max(free, MIN_READY_NON_ACTIVE_JOBS_COUNT) if self.api >= FORCE_BATCH_API_LEVEL else free
        full_since = self._full_since
        stopped_early = False
        # _blocked(js, t) depends on the time only through the battery level, an expedited job's quota, a deadline
        # and the app's quota records; otherwise only on this key and on the job's own settings (which _set_window
        # changes, clearing the verdict). So a verdict reached with the same key is reused when it read no quota
        # records, or read them on the quota check's fast path and they have not changed since and _prune would drop
        # none of them now: _blocked would return the same and do nothing else (it would set no timer, and its
        # _prune would be a no-op). This keeps a pass over jobs that keep waiting (for the concurrency limit, say)
        # from costing a full check of each.
        key = (p.network, p.charging, self._idle, p.doze_idle(), p.foreground)
        if key != self._epoch_key:
            self._epoch_key = key
            self._epoch += 1
        epoch = self._epoch
        cut = t - DAY_S
        parked = self._parked
        for js in due:
            if js.ready_at > t:
                continue
            js.delay_ok = True
            if full_since is not None and not js.waited:
                self._looked_past(js)
            if js.c_epoch == epoch:
                qa = js.c_qa
                # (a session being charged grows with time: a verdict that read it is not kept)
                if qa is None or (qa.ver == js.c_qver and cut < js.c_first and qa.open is None):
                    why = js.c_why
                    if why:
                        if js.waited != why:
                            _held(js, why, t)
                        if why in _PARKED_UNTIL_CHANGE:
                            self._ready(js, math.inf)
                            parked.append(js)
                        continue
                    ready.append(js)
                    if len(ready) >= want:
                        stopped_early = True
                        break
                    continue
            self._q_seen = None
            self._wake_at = math.inf
            why = blocked(js, t)
            steady = js.parkable and not (js.deadline_overrides and js.latest is not None and t < js.latest)
            if steady and js.cacheable:
                qa = self._q_seen
                if qa is None:
                    js.c_epoch = epoch
                    js.c_why = why
                    js.c_qa = None
                elif qa.fast_ver == qa.ver:  # (why is "": the quota check's fast path)
                    js.c_epoch = epoch
                    js.c_why = why
                    js.c_qa = qa
                    js.c_qver = qa.ver
                    js.c_first = qa.fast_first
            if why:
                if js.waited != why:
                    _held(js, why, t)
                # A job held back by the phone's state waits, out of the passes, for that state to change; one out of
                # quota (or Android 9's heartbeats) until its quota can be back (or the state changes): so each pass
                # costs what can run, not every job that cannot (linear in apps).
                if steady and why in _PARKED_UNTIL_CHANGE:
                    self._ready(js, math.inf)
                    parked.append(js)
                elif why in _PARKED_UNTIL_TIME and self._wake_at < math.inf and not js.battery:
                    self._ready(js, self._wake_at)
                    parked.append(js)
                continue
            ready.append(js)
            if len(ready) >= want:
                stopped_early = True
                break
        if not stopped_early:
            self._full_since = None
        elif self._full_since is None:
            self._full_since = t
        if not ready:
            return
        if self.api >= FORCE_BATCH_API_LEVEL and len(ready) < MIN_READY_NON_ACTIVE_JOBS_COUNT:
            # (with 5 or more ready nothing is held, whatever _force_batch says: it only reads, so it is not asked)
            batchable = [js for js in ready if self._force_batch(js, t)]
            if batchable and len(batchable) == len(ready) and len(batchable) < MIN_READY_NON_ACTIVE_JOBS_COUNT:
                for js in batchable:
                    if js.first_batched is None:
                        js.first_batched = t
                    if js.waited != "batch":
                        _held(js, "batch", t)
                    # AOSP sets no alarm for the batching delay: held jobs are looked at again when something else
                    # makes JobScheduler check (MaybeReadyJobQueueFunctor). ASSUMPTION: on the charger the battery's
                    # level changes (BatteryService's updates, every ~1 % of charge) wake the phone often enough that
                    # a check comes when the delay ends; on battery the check waits for the phone's next wakeup.
                    self._timer(js.first_batched + MAX_NON_ACTIVE_JOB_BATCH_DELAY_S, wake=p.charging)
                return
        for js in ready:
            if self.running >= CONCURRENCY_LIMIT:
                if js.waited != "concurrency":
                    _held(js, "concurrency", t)
                continue
            self._start(js, t)

    def _force_batch(self, js: _JobState, t: float) -> bool:
        """Android 12+ holds ready jobs of apps outside the ACTIVE bucket until 5 are ready or 31 min passed."""
        if not js.batched_app:
            return False
        if js.expedited and self._treat_as_ej(js, t):
            return False
        if self.phone.foreground == js.app:
            return False
        if t == js.fresh_at:
            return False  # ready when scheduled: straight to the pending queue (scheduleAsPackage), no batching
        if js.failures > 0:
            return False  # a retried job is not batched (getNumFailures() > 0, MaybeReadyJobQueueFunctor)
        if js.deadline_overrides and js.latest is not None and t >= js.latest:
            return False  # a passed deadline runs the job now (TimeController -> onRunJobNow, no batching)
        return js.first_batched is None or t - js.first_batched < MAX_NON_ACTIVE_JOB_BATCH_DELAY_S

    def _blocked(self, js: _JobState, t: float) -> str:
        """Why `js` cannot start now ("" if it can)."""
        p = self.phone
        network = p.network
        if js.needs_network and network == "none":
            return "network"
        if not (js.deadline_overrides and js.latest is not None and t >= js.latest):  # a deadline overrides these
            net = js.net
            if net == "unmetered" and network != "wifi":
                return "unmetered"
            if network == "none" and (net == "any" or net == "not_roaming"):
                return "network"  # the simulated phone never roams: not_roaming is any network
            if js.charging and not p.charging:
                return "charging"
            if js.battery and self._battery_low(t):
                return "battery"
            if js.idle and not self._idle:
                return "idle"
        ej = js.expedited and self._treat_as_ej(js, t)
        if not ej and p.doze_idle():
            # (deferred to the maintenance window, §1c). An allowlisted app's jobs run in Doze from API 24
            # (DeviceIdleJobsController); on API 23 they were deferred like any other ("Optimize for Doze and App
            # Standby": "the whitelisted app's jobs and syncs are deferred (on API level 23 and below)").
            allowlisted = p.exempt(js.app) and self.api >= ALLOWLISTED_JOBS_IN_DOZE_API_LEVEL
            why = doze_blocks_jobs(True, True, allowlisted)
            if why:
                return why
        if self.api == HEARTBEAT_API_LEVEL and js.batched_app and not p.charging and p.foreground != js.app:
            # Android 9's standby heartbeats (app idle parole while charging; a uid in front is active)
            last = self._last_run.get(js.app)
            bucket = p.bucket(js.app)
            if last is not None and bucket is not None:
                beats = STANDBY_BEATS[bucket]
                passed = math.floor(t / STANDBY_HEARTBEAT_S) - math.floor(last / STANDBY_HEARTBEAT_S)
                if 0 < passed < beats:
                    beat_at = float((math.floor(last / STANDBY_HEARTBEAT_S) + beats) * STANDBY_HEARTBEAT_S)
                    self._timer(beat_at)
                    self._wake_at = beat_at
                    return "standby"
        if not ej:
            qa = self._quota.get(js.app)  # (the test of _applies, inline: this runs for every job on every pass)
            if qa is None or p.charging or p.foreground == js.app:
                return ""
            self._q_seen = qa
            why, until = self._quota_block(qa, t)
            if why:
                if until is not None:
                    self._timer(until)
                    self._wake_at = until
                return why
        return ""

    # -- quotas (android-facts §2b) ----------------------------------------------------------------------------------
    def _applies(self, app: str) -> AppQuota | None:
        """The app's quota records if its standby-bucket quota applies now (not charging, not in front), else None."""
        qa = self._quota.get(app)
        if qa is None:
            return None
        p = self.phone
        if p.charging or p.foreground == app:
            return None
        return qa

    def _quota_block(self, qa: AppQuota, t: float) -> tuple[str, float | None]:
        """("quota", time it may be back in quota) or ("", None), for an app whose quota applies (_applies)."""
        if qa.open is not None:
            sync(qa, t)
        sessions, starts, total = self._prune(qa, t)
        if (total < qa.time_bound and total < qa.day_bound and len(starts) < qa.few_starts
                and len(sessions) < qa.few_sessions):
            # (the common case: each check below would stop at its cheap bound; it stays so while no record is
            # added, and _prune drops nothing until the time it would drop the first record)
            qa.fast_ver = qa.ver
            qa.fast_first = min(sessions[0][1] if sessions else math.inf, starts[0] if starts else math.inf)
            return "", None
        q = qa.q
        api = self.api
        buffer = IN_QUOTA_BUFFER_S if api >= QUOTA_COUNT_API_LEVEL else 0.0
        untils: list[float] = []
        # (each check runs only when the cheap bound says it might bite)
        if q.job_time_s < q.job_window_s and total >= q.job_time_s - buffer - EPS_S:
            # (ACTIVE is skipped: its window equals its allowed time, "ACTIVE apps can run jobs at any time")
            in_window = used(sessions, t - q.job_window_s, t)
            if q.job_time_s - in_window < buffer - EPS_S or in_window >= q.job_time_s - EPS_S:
                untils.append(back_in_quota(sessions, t, q.job_window_s, in_window - (q.job_time_s - buffer)))
        if api >= QUOTA_COUNT_API_LEVEL and total >= MAX_EXECUTION_TIME_S - buffer - EPS_S:
            used24 = used(sessions, t - DAY_S, t)
            if MAX_EXECUTION_TIME_S - used24 < buffer - EPS_S:
                untils.append(back_in_quota(sessions, t, DAY_S, used24 - (MAX_EXECUTION_TIME_S - buffer)))
        if api >= QUOTA_COUNT_API_LEVEL:
            n = len(starts)
            for window, limit in ((q.job_window_s, q.max_jobs),
                                  (RATE_LIMITING_WINDOW_S, MAX_JOB_COUNT_PER_RATE_LIMITING_WINDOW)):
                if n < limit:
                    continue
                first = bisect.bisect_right(starts, t - window)  # starts are in time order
                if n - first >= limit:
                    untils.append(starts[n - limit] + window)
        if api >= QUOTA_SESSION_API_LEVEL and len(sessions) >= q.max_sessions:
            recent_s = [s for s in sessions if s[1] > t - q.job_window_s]
            if len(recent_s) >= q.max_sessions:
                untils.append(recent_s[len(recent_s) - q.max_sessions][1] + q.job_window_s)
        if not untils:
            # (no record ends after now, none is added and _prune drops none: then each check above still finds
            # no more use in its window later, as the window only slides past records)
            qa.fast_ver = qa.ver if qa.max_end <= t else -1
            qa.fast_first = min(sessions[0][1] if sessions else math.inf, starts[0] if starts else math.inf)
            return "", None
        qa.fast_ver = -1
        return "quota", max(untils)

    def _remaining_quota_s(self, qa: AppQuota | None, t: float) -> float:
        """Job time left in the app's quota (inf when no quota applies); `qa` is _applies(app)."""
        if qa is None:
            return math.inf
        q = qa.q
        if qa.open is not None:
            sync(qa, t)
        sessions, _starts, total = self._prune(qa, t)
        left = math.inf
        if q.job_time_s < q.job_window_s:
            left = q.job_time_s - (used(sessions, t - q.job_window_s, t) if total > 0 else 0.0)
        if self.api >= QUOTA_COUNT_API_LEVEL and total > MAX_EXECUTION_TIME_S - RUNTIME_FREE_QUOTA_MAX_LIMIT_S:
            left = min(left, MAX_EXECUTION_TIME_S - used(sessions, t - DAY_S, t))
        return max(0.0, left)

    @staticmethod
    def _prune(qa: AppQuota, t: float) -> tuple[list[list[float]], list[float], float]:
        """The app's quota records with what ended over 24 h ago dropped, and their total session time."""
        sessions = qa.sessions
        starts = qa.starts
        cut = t - DAY_S
        if sessions and sessions[0][1] <= cut:
            total = qa.total
            n = 0
            while n < len(sessions) and sessions[n][1] <= cut:
                total -= sessions[n][1] - sessions[n][0]
                n += 1
            del sessions[:n]
            qa.total = total
            qa.ver += 1
        if starts and starts[0] <= cut:
            n = 0
            while n < len(starts) and starts[n] <= cut:
                n += 1
            del starts[:n]
            qa.ver += 1
        return sessions, starts, qa.total

    def _ej_left_s(self, app: str, t: float) -> float:
        qa = self._applies(app)
        if qa is None:
            return math.inf
        return max(0.0, qa.q.ej_time_s - used(qa.ej, t - DAY_S, t))

    def _ej_exempt(self, app: str, t: float) -> bool:
        """The app is in front, or left it less than a minute ago: its expedited jobs are not held to (or charged
        to) the expedited-job quota (QuotaController's top-app grace, android-facts §2b)."""
        return self.phone.foreground == app or t < self._grace_until.get(app, -math.inf)

    def _treat_as_ej(self, js: _JobState, t: float) -> bool:
        """An expedited job runs as one while the app has expedited-job quota (android-facts §2b), else as regular."""
        return js.expedited and (self._ej_exempt(js.app, t) or self._ej_left_s(js.app, t) >= IN_QUOTA_BUFFER_S)

    def _limit_s(self, js: _JobState, t: float, ej: bool, qa: AppQuota | None) -> tuple[float, str]:
        """How long this run may last, and what stops it there ("limit" or "quota"); `ej` and `qa` are
        _treat_as_ej(js, t) and _applies(js.app)."""
        api = self.api
        if ej:
            ej_s = min(float(EXECUTING_TIMESLICE_S), self._ej_left_s(js.app, t))
            return max(float(RUNTIME_MIN_EJ_GUARANTEE_S), ej_s), "limit"
        if api >= RUNTIME_API_LEVEL:
            # (the timeout grows with the quota left, from the 10-min guarantee to 30 min; the quota itself is
            # charged while the job runs, and stops it when it runs out, guarantee or not: _charge_*)
            left = self._remaining_quota_s(qa, t)
            return max(float(RUNTIME_MIN_GUARANTEE_S), min(float(RUNTIME_FREE_QUOTA_MAX_LIMIT_S), left)), "limit"
        return float(EXECUTING_TIMESLICE_API21_S if api == JOB_API_LEVEL else EXECUTING_TIMESLICE_S), "limit"

    # -- running ---------------------------------------------------------------------------------------------------
    def _start(self, js: _JobState, t: float) -> None:
        p = self.phone
        spec = js.spec
        app = js.app
        ej = js.expedited and self._treat_as_ej(js, t)
        qa = self._applies(app)
        limit, stopper = self._limit_s(js, t, ej, qa)
        chunk = min(js.cpu_left, limit)
        stopped = js.cpu_left > limit + 1e-9
        up = spec.up_bytes if js.send_bytes else 0
        down = spec.down_bytes if js.send_bytes else 0
        if not 0.0 < chunk <= WORK_ITEM_MAX_CPU_S:
            WorkItem(cpu_s=chunk, up_bytes=up, down_bytes=down)  # validates (and raises) as WorkItem does
        # (otherwise the piece is valid work: the spec's byte counts were checked when the Job was made)
        js.running = True
        self._ready(js, math.inf)
        js.first_batched = None
        self.running += 1
        self._looked_past(js)
        longest = _longest_wait(js, t)
        if longest:
            js.waits[longest] = js.waits.get(longest, 0) + 1
            self.stats["deferred"] += 1
        session: list[float] | None = None
        if self.api == HEARTBEAT_API_LEVEL:
            self._last_run[app] = t  # (LocalService.noteJobStart records the heartbeat)
        if ej and qa is not None and self._ej_exempt(app, t):
            pass  # not charged to the expedited-job quota
        elif ej and qa is not None:
            session = [t, t + chunk]
            qa.ej.append(session)
        elif qa is not None:
            qa.ver += 1
            qa.starts.append(t)
        kind = "periodic" if spec.every_s is not None else "expedited" if ej else "one-off"
        waited = (", waited " + ", ".join(f"{k} {v:.0f} s" for k, v in js.wait_acc.items())
                  if longest and t > js.due else "")
        p.event(t, "job_start", js.app, f"{js.label} ({kind}){waited}; may run {limit:.0f} s")
        gen = js.gen

        def done(rec: WorkRecord) -> None:
            if session is not None:
                session[1] = max(session[1], rec.end_s)
            self._charge_end(js, rec.end_s)
            self._finished(js, gen, rec, chunk, stopped, stopper, limit)

        # (a job whose deadline made it run keeps running whatever its constraints do)
        by_deadline = js.deadline_overrides and js.latest is not None and t >= js.latest
        run = _Run(gen, chunk, limit, ej, by_deadline, session, qa)
        js.run = run
        self._running_jobs.append(js)
        run.work = p.start_work(min(js.due, t), t, app, chunk, up, down, "job", done, longest)
        # QuotaController charges a regular job's time while it runs, unless it started while its app was in
        # front (mTopStartedJobs: "Top jobs won't count towards quota")
        if not ej and p.foreground != app:
            self._charge_start(js, t)
        js.send_bytes = not spec.checkpoints  # a checkpointed continuation does not fetch again
        js.runs += 1
        self.stats["runs"] += 1

    def _finished(self, js: _JobState, gen: int, rec: WorkRecord, chunk: float, stopped: bool, stopper: str,
                  limit: float, why: str = "") -> None:
        p = self.phone
        t = p.now
        js.running = False
        self._ready(js, js.earliest)  # (until a new window, or done)
        self.running -= 1
        js.run = None
        self._running_jobs.remove(js)
        spec = js.spec
        if stopper in ("constraint", "doze", "quota"):
            js.stops += 1
            js.system_stops += 1
            self.stats["stopped"] += 1
            if stopper == "quota":
                js.quota_stops += 1
                self.stats["quota_stopped"] += 1
            else:
                self.stats["constraint_stopped"] += 1
            if spec.checkpoints:
                js.cpu_left -= rec.cpu_s
            else:
                js.send_bytes = True
            self._retry_system_stop(js, t, f"{js.label}: onStopJob, {why}")
        elif stopped:
            js.stops += 1
            self.stats["stopped"] += 1
            if stopper == "quota":
                js.quota_stops += 1
                self.stats["quota_stopped"] += 1
            if spec.checkpoints:
                js.cpu_left -= chunk
            else:
                js.send_bytes = True
            what = "quota ran out" if stopper == "quota" else f"{limit:.0f} s execution limit"
            self._retry(js, t, "job_stop", f"{js.label}: onStopJob at the {what}")
        elif js.fails_left > 0:
            js.fails_left -= 1
            js.failed += 1
            self.stats["failed"] += 1
            js.cpu_left = float(spec.cpu_s)
            js.send_bytes = True
            self._retry(js, t, "job_fail", f"{js.label}: jobFinished(needsReschedule=true)")
        else:
            js.failures = 0
            js.system_stops = 0
            js.cpu_left = float(spec.cpu_s)
            js.send_bytes = True
            p.event(t, "job_finish", js.app, f"{js.label}: done after {rec.end_s - rec.start_s:.0f} s")
            if spec.every_s is None:
                js.done = True
                self._ready(js, math.inf)
            else:
                self._next_period(js, t)
        self.update(True)

    def _retry_system_stop(self, js: _JobState, t: float, what: str) -> None:
        """Reschedule a job the system stopped (a constraint lost, Doze): JobSchedulerService.
        getRescheduleJobForFailureLocked. Android 14+ counts it as a system stop, and only every third one as a
        failure for the backoff (SYSTEM_STOP_TO_FAILURE_RATIO = 3; no delay while that makes 0 attempts);
        Android 13 and before count every stop as a failure."""
        if self.api >= SYSTEM_STOP_API_LEVEL:
            attempts = js.failures + js.system_stops // SYSTEM_STOP_TO_FAILURE_RATIO
        else:
            js.failures += 1
            attempts = js.failures
        delay = backoff_delay_s(js.spec.backoff, js.initial_backoff, attempts) if attempts else 0.0
        self.phone.event(t, "job_stop", js.app, f"{what}; rescheduled, {delay:.0f} s backoff")
        js.deadline_overrides = False
        self._set_window(js, t + delay, None, due=t, waited="backoff" if delay else "")

    def _retry(self, js: _JobState, t: float, kind: str, what: str) -> None:
        """Reschedule after a failure or a stop: backoff from now, no deadline (getRescheduleJobForFailureLocked)."""
        js.failures += 1
        delay = backoff_delay_s(js.spec.backoff, js.initial_backoff, js.failures)
        self.phone.event(t, kind, js.app, f"{what}; retry {js.failures} in {delay:.0f} s ({js.spec.backoff} backoff)")
        js.deadline_overrides = False
        self._set_window(js, t + delay, None, due=t, waited="backoff")

    def _next_period(self, js: _JobState, t: float) -> None:
        """The next window of a periodic job that finished at t: JobSchedulerService.getRescheduleJobForPeriodic
        (Android 13-15 source; the rule for older releases differs in detail and is not modelled separately).

        The new window keeps to the grid of the original one (its end is `window_end` plus whole periods). A run
        that finished inside its window, less than period/6 (and less than 30 min) before the window's end, pushes
        the next window's start back by what is missing (PERIODIC_JOB_WINDOW_BUFFER). A late run counts for the
        window it was due in, so that window is never offered again, and the next window is skipped too when it
        would open less than flex/6 after the finish."""
        period, flex = js.period, js.flex
        latest = js.window_end
        diff = abs(t - latest)
        buffer = 0.0
        if t > latest:
            skipped = math.floor(diff / period) + 1  # (+1: the window the job was due in)
            if period != flex and period - flex - math.fmod(diff, period) <= flex / 6:
                skipped += 1  # "ran too close to next window"
            new_latest = latest + period * skipped
        else:
            new_latest = latest + period
            if diff < PERIODIC_JOB_WINDOW_BUFFER_S and diff < period / 6:
                buffer = min(float(PERIODIC_JOB_WINDOW_BUFFER_S), period / 6 - diff)
        if new_latest < t:  # (cannot happen with the arithmetic above; AOSP guards it the same way)
            new_latest = t + period
        js.window_end = new_latest
        self._set_window(js, new_latest - min(flex, period - buffer), new_latest)

    # -- battery level (for requiresBatteryNotLow) ---------------------------------------------------------------------
    def _battery_low(self, t: float) -> bool:
        """Low while unplugged at or below the low-battery level (BatteryService clears it when plugged in)."""
        p = self.phone
        return not p.charging and p.battery_pct(t) <= self.low_battery_pct

    # -- the system-service protocol (sim.service.SystemService) -------------------------------------------------------
    def submit(self, app: str, mechanism: Any) -> None:
        """The app calls JobScheduler.schedule() with `mechanism` (a sim.Job) at its `at_s`."""
        self.schedule(app, mechanism)

    def _looked_past(self, js: _JobState) -> None:
        """A due job with nothing holding it back, not looked at since every slot was taken: it waited for one."""
        since = self._full_since
        if since is not None and not js.waited and js.wait_since < self.phone.now:
            _held(js, "concurrency", max(js.wait_since, since))

    def _ready(self, js: _JobState, at: float) -> None:
        """The job may be looked at from `at` on (inf: not until something sets it again)."""
        js.ready_at = at
        if at < math.inf:
            heapq.heappush(self._later, (at, js.idx, js))

    def _due_now(self, t: float) -> Iterator[_JobState]:
        """The jobs whose ready_at has come, in their order in `jobs` (what a pass over `jobs` would look at);
        lazily, so that a pass that stops early pays only for what it looked at."""
        later, idxs, members = self._later, self._due_idx, self._due_set
        while later and later[0][0] <= t:
            at, idx, js = heapq.heappop(later)
            if at == js.ready_at and idx not in members:
                members.add(idx)
                bisect.insort(idxs, idx)
        jobs = self.jobs
        i = 0
        while i < len(idxs):
            js = jobs[idxs[i]]
            if js.ready_at > t:
                members.discard(idxs[i])
                del idxs[i]
                continue
            yield js
            i += 1

    def _unpark(self) -> None:
        """The phone's state changed: every parked job is looked at again in the next pass."""
        if not self._parked:
            return
        for js in self._parked:
            if not js.running and not js.done and js.ready_at > js.earliest:
                self._ready(js, js.earliest)
        self._parked = []

    def changed(self, what: str) -> None:
        self._unpark()
        fg = self.phone.foreground
        if fg != self._fg:
            if self._fg:
                until = self.phone.now + EJ_GRACE_PERIOD_TOP_APP_S
                self._grace_until[self._fg] = until
                self._timer(until)
            self._fg = fg
        if what in ("state", "doze", "screen") and self._running_jobs:
            self._stop_unready(self.phone.now)
        if what in ("state", "bucket"):
            for qa in self._quota.values():
                if qa.charged:
                    self._recharge(qa)
        if what == "bucket":
            self._buckets_changed()
        if what == "screen":
            self.screen_changed(self.phone.now, self.phone.screen_on)
        elif what == "wake":
            self.woke()
        else:
            self.update(True)

    def summary(self, t_end: float) -> dict[str, float]:
        st = self.stats
        return {
            "job_runs": float(st["runs"]),
            "job_deferred": float(st["deferred"]),
            "job_failed": float(st["failed"]),
            "job_stopped_at_limit": float(st["stopped"] - st["quota_stopped"] - st["constraint_stopped"]),
            "job_stopped_by_constraint": float(st["constraint_stopped"]),
            "job_stopped_by_quota": float(st["quota_stopped"]),
            "job_pending_at_end": float(self.pending_at_end(t_end)),
        }

    def notes(self) -> list[str]:
        out: list[str] = []
        self.finish_notes(out.append)
        return out

    def lanes(self, t_end: float) -> list[StateSpan]:
        return []

    # -- the end of the run --------------------------------------------------------------------------------------------
    def waiting(self, app: str, t_end: float) -> list[tuple[float, float]]:
        """Spans during which jobs of `app` were due but had not started by the end of the run."""
        return [(js.due, t_end) for js in self.jobs
                if js.app == app and not js.running and not js.done and js.due < t_end and js.earliest <= t_end]

    def pending_at_end(self, t_end: float) -> int:
        return sum(1 for js in self.jobs if not js.running and not js.done and js.earliest <= t_end)

    def finish_notes(self, add: Callable[[str], None]) -> None:
        by_app: dict[str, list[_JobState]] = {}
        for js in self.jobs:
            by_app.setdefault(js.app, []).append(js)
        for app, states in by_app.items():
            runs = sum(js.runs for js in states)
            waits: dict[str, int] = {}
            for js in states:
                for k, v in js.waits.items():
                    waits[k] = waits.get(k, 0) + v
            waited = sum(waits.values())
            text = f"{app}: job runs {runs}"
            if waited:
                text += f", {waited} waited (" + ", ".join(f"{k} {v}" for k, v in sorted(waits.items())) + ")"
            text += "; " + _WAIT_WHY if waited else ""
            add(text)
            stops = sum(js.stops - js.quota_stops for js in states)
            if stops:
                limit = ("60 s (Android 5.0)" if self.api == JOB_API_LEVEL else
                         "10 min, or up to 30 min with quota to spare (Android 14+)" if self.api >= RUNTIME_API_LEVEL
                         else "10 min")
                add(f"{app}: {stops} job run(s) stopped at the execution limit of {limit} (onStopJob; "
                    "JobServiceContext.EXECUTING_TIMESLICE_MILLIS / RUNTIME_*, android-facts §3) and rescheduled "
                    "with backoff")
            qstops = sum(js.quota_stops for js in states)
            if qstops:
                add(f"{app}: {qstops} job run(s) stopped when the app's standby-bucket quota ran out "
                    "(QuotaController, android-facts §2b)")
            if waits.get("quota"):
                bucket = self.phone.bucket(app)
                if bucket is not None:
                    q = QUOTAS[bucket]
                    add(f"{app}: jobs held by the {bucket!r} bucket's quota on battery: {q.job_time_s / 60:g} min of "
                        f"job time per {q.job_window_s / 3600:g} h, {q.max_jobs} jobs and {q.max_sessions} sessions "
                        "per window, 30 s buffer (QuotaController, android-facts §2b); not applied while charging or "
                        "to the app in front")


#: Reasons that hold a job until the phone's state changes (network, charger, device idle, Doze) and until a time.
_PARKED_UNTIL_CHANGE = frozenset(("network", "unmetered", "charging", "idle", "doze"))
_PARKED_UNTIL_TIME = frozenset(("quota", "standby"))

_WAIT_WHY = (
    "jobs wait for their constraints, for a Doze maintenance window (android-facts §1c), for standby-bucket quota "
    "(§2b), for Android 12+'s batching of non-ACTIVE apps (§3), and for the phone to wake: a job's delay alarm "
    "does not wake the phone"
)


def _held(js: _JobState, why: str, t: float) -> None:
    """From t on, `why` holds the job back ("" for nothing): the time the reason before it held it is added up."""
    if js.waited and t > js.wait_since:
        js.wait_acc[js.waited] = js.wait_acc.get(js.waited, 0.0) + (t - js.wait_since)
    js.waited = why
    js.wait_since = t


#: From this API level the jobs of an app on the Doze allowlist are not deferred by Doze (DeviceIdleJobsController,
#: Android 7.0); see the note where it is used.
ALLOWLISTED_JOBS_IN_DOZE_API_LEVEL = 24


def _longest_wait(js: _JobState, t: float) -> str:
    """The reason that held the job back longest since it was due (WorkRecord.waited_for), "" if none did."""
    _held(js, "", t)
    acc = js.wait_acc
    if not acc:
        return ""
    return max(acc, key=acc.__getitem__)
