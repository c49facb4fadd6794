"""sim.Job, the mechanism an app uses (JobInfo), and JobScheduler's constants (android-facts §3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sim._validate import ScenarioError, check_choice, check_int, check_number, check_type, strict
from sim.work import MAX_BYTES, MECHANISMS, WorkHost

__all__ = [
    "ASSUMED_IDLE_THRESHOLD_S",
    "ASSUMED_LOW_BATTERY_PCT",
    "CONCURRENCY_LIMIT",
    "JOB_API_LEVEL",
    "MIN_FLEX_S",
    "MIN_PERIOD_S",
    "Job",
    "backoff_delay_s",
]

# --- JobInfo (android-facts §3) ----------------------------------------------------------------------------------
JOB_API_LEVEL = 21  # android-facts §3 / history: JobScheduler arrives in Android 5.0 (API 21)
MIN_PERIOD_S = 15 * 60  # android-facts §3: JobInfo.MIN_PERIOD_MILLIS (shorter is raised), Android 7.0+
MIN_FLEX_S = 5 * 60  # android-facts §3: JobInfo.MIN_FLEX_MILLIS, Android 7.0+
MIN_FLEX_PERCENT = 5  # android-facts §3: setPeriodic clamp max(interval * 5 / 100, MIN_FLEX_MILLIS)
PERIODIC_LIMITS_API_LEVEL = 24  # android-facts §3: the 15-min minimum and flex, Android 7.0+ (5-6 allowed shorter)
DEFAULT_INITIAL_BACKOFF_S = 30  # android-facts §3: JobInfo.DEFAULT_INITIAL_BACKOFF_MILLIS
MAX_BACKOFF_DELAY_S = 5 * 3600  # android-facts §3: JobInfo.MAX_BACKOFF_DELAY_MILLIS
MIN_BACKOFF_S = 10  # android-facts §3: JobInfo.MIN_BACKOFF_MILLIS
BATTERY_STORAGE_API_LEVEL = 26  # android-facts §3: requiresBatteryNotLow, requiresStorageNotLow (API 26)
EXPEDITED_API_LEVEL = 31  # android-facts §3: expedited jobs (API 31)

# --- execution limits (android-facts §3) -------------------------------------------------------------------------
EXECUTING_TIMESLICE_API21_S = 60  # android-facts §3: JobServiceContext.EXECUTING_TIMESLICE_MILLIS in 5.0 (60 s)
EXECUTING_TIMESLICE_S = 10 * 60  # android-facts §3: EXECUTING_TIMESLICE_MILLIS = 600000, Android 5.1-13
RUNTIME_API_LEVEL = 34  # android-facts §3: "Runtime, Android 13/14+"; the model switches at 14 (API 34)
RUNTIME_MIN_GUARANTEE_S = 10 * 60  # android-facts §3: DEFAULT_RUNTIME_MIN_GUARANTEE_MS
RUNTIME_FREE_QUOTA_MAX_LIMIT_S = 30 * 60  # android-facts §3: DEFAULT_RUNTIME_FREE_QUOTA_MAX_LIMIT_MS
RUNTIME_MIN_EJ_GUARANTEE_S = 3 * 60  # android-facts §3: DEFAULT_RUNTIME_MIN_EJ_GUARANTEE_MS

# --- the scheduler (android-facts §3, §2b) -----------------------------------------------------------------------
CONCURRENCY_LIMIT = 16  # android-facts §3: JobConcurrencyManager MAX_JOB_CONTEXTS_COUNT (Android 7-12; used for all)
FORCE_BATCH_API_LEVEL = 31  # android-facts §3: batching of non-ACTIVE-bucket jobs, Android 12+
MIN_READY_NON_ACTIVE_JOBS_COUNT = 5  # android-facts §3: DEFAULT_MIN_READY_NON_ACTIVE_JOBS_COUNT
MAX_NON_ACTIVE_JOB_BATCH_DELAY_S = 31 * 60  # android-facts §3: DEFAULT_MAX_NON_ACTIVE_JOB_BATCH_DELAY_MS
QUOTA_TIME_API_LEVEL = 29  # android-facts §2, §2b: QuotaController's execution time per window, Android 10-15
# Android 9 (API 28) deferred non-ACTIVE apps' jobs by standby heartbeats instead (android-facts §2, "Android 9 is
# different"; JobSchedulerService.isReadyToBeExecutedLocked, android-9 source): one beat every 11 min
# (DEFAULT_STANDBY_HEARTBEAT_TIME), and an app's job may not run while 1..beats-1 beats have passed since the app's
# last job started (DEFAULT_STANDBY_{WORKING,FREQUENT,RARE}_BEATS = 11, 43, 130).
HEARTBEAT_API_LEVEL = 28
# JobSchedulerService.getRescheduleJobForFailureLocked, Android 14+ (read in the Android 14 source; absent in 13):
# a stop by the system (a constraint lost, Doze, quota) is a "system stop", and the backoff counts
# failures + systemStops / SYSTEM_STOP_TO_FAILURE_RATIO attempts (DEFAULT_SYSTEM_STOP_TO_FAILURE_RATIO = 3); before,
# every stop counted as a failure.
SYSTEM_STOP_API_LEVEL = 34
SYSTEM_STOP_TO_FAILURE_RATIO = 3
STANDBY_HEARTBEAT_S = 11 * 60
STANDBY_BEATS = {"active": 0, "working_set": 11, "frequent": 43, "rare": 130, "restricted": 130}
# android-facts §2b: DEFAULT_EJ_GRACE_PERIOD_TOP_APP_MS = 1 min: for a minute after its app leaves the front, an
# expedited job keeps its exemption from the expedited-job quota (QuotaController.mTopAppGraceCache)
EJ_GRACE_PERIOD_TOP_APP_S = 60
QUOTA_COUNT_API_LEVEL = 29  # android-facts §2b: job counts, in-quota buffer, 4 h/24 h, rate limit: Android 10+
QUOTA_SESSION_API_LEVEL = 30  # android-facts §2b: session counts, Android 11+
DAY_S = 24 * 3600
# JobSchedulerService.PERIODIC_JOB_WINDOW_BUFFER = 30 * MINUTE_IN_MILLIS (getRescheduleJobForPeriodic, Android 13-15
# source, apex/jobscheduler/service/java/com/android/server/job/JobSchedulerService.java)
PERIODIC_JOB_WINDOW_BUFFER_S = 30 * 60

# ASSUMPTION: how long the screen must stay off before JobScheduler calls the device idle. AOSP's
# DeviceIdlenessTracker (aosp-mirror/platform_frameworks_base, apex/jobscheduler/service/java/com/android/server/
# job/controllers/idle/DeviceIdlenessTracker.java) reads it from the resource
# config_jobSchedulerInactivityIdleThreshold and sets an ELAPSED_REALTIME_WAKEUP alarm; the default 1860000 ms
# (31 min) is quoted by secondary sources from core/res/res/values/config.xml (Android 11), not re-read here, and
# OEMs overlay it. Overridable: Assumptions.job_idle_threshold_s.
ASSUMED_IDLE_THRESHOLD_S = 31 * 60
# ASSUMPTION: the battery is "low" for requiresBatteryNotLow at or below this charge while unplugged (BatteryService
# clears it when plugged in). AOSP resource config_lowBatteryWarningLevel = 15 as quoted by secondary sources, not
# re-read; OEMs overlay it. Overridable: Assumptions.low_battery_pct.
ASSUMED_LOW_BATTERY_PCT = 15.0

NETWORK_TYPES = ("any", "unmetered", "not_roaming", "none")
BACKOFF_POLICIES = ("exponential", "linear")
MAX_AT_S = 28 * 86_400.0


def backoff_delay_s(policy: str, initial_s: float, failures: int) -> float:
    """Delay before retry number `failures` (>= 1): LINEAR initial * n, EXPONENTIAL initial * 2^(n-1), capped at
    5 h (android-facts §3: BACKOFF_POLICY_*, MAX_BACKOFF_DELAY_MILLIS)."""
    n = max(1, failures)
    delay = initial_s * n if policy == "linear" else initial_s * 2.0 ** min(n - 1, 64)
    return float(min(delay, MAX_BACKOFF_DELAY_S))


@strict
@dataclass(frozen=True)
class Job:
    """A JobScheduler job (WorkManager's work requests use JobScheduler on API 23+, android-facts §3).

    One-off (`every_s=None`): scheduled at `at_s`, runnable after `min_latency_s`; with `deadline_s` it runs once
    that much time has passed since `at_s` even if its constraints do not hold (never inside Doze idle). Periodic
    (`every_s`): at most once per period, only in the last `flex_s` of it (default: the whole period). Constraints:
    `network` ("any", "unmetered", "not_roaming" or "none"; default "any" if the job moves bytes, else "none"),
    `requires_charging`, `requires_battery_not_low`, `requires_device_idle`, `requires_storage_not_low`.
    The first `fails` runs return failure and are retried with `backoff` ("exponential" or "linear") from
    `initial_backoff_s`. A run longer than the execution limit is stopped (onStopJob) and rescheduled; with
    `checkpoints` the work done so far is kept. `expedited` asks for an expedited job (API 31+).

    Raises ValueError naming the field for impossible values and for combinations Android's JobInfo.Builder
    rejects (a deadline or minimum latency on a periodic job; an expedited job that is periodic, delayed, or has
    constraints other than network and storage). Values Android adjusts (a period under 15 min, a small flex, a
    backoff under 10 s) are adjusted in the run and explained in Result.notes.
    """

    kind: ClassVar[str] = "job"

    every_s: float | None = None
    flex_s: float | None = None
    at_s: float = 0.0
    cpu_s: float = 1.0
    up_bytes: int = 0
    down_bytes: int = 0
    network: str | None = None
    requires_charging: bool = False
    requires_battery_not_low: bool = False
    requires_device_idle: bool = False
    requires_storage_not_low: bool = False
    min_latency_s: float = 0.0
    deadline_s: float | None = None
    backoff: str = "exponential"
    initial_backoff_s: float = float(DEFAULT_INITIAL_BACKOFF_S)
    fails: int = 0
    expedited: bool = False
    checkpoints: bool = True

    def __post_init__(self) -> None:
        o = "Job"
        if self.every_s is not None:
            check_number(o, "every_s", self.every_s, lo=1.0, hi=7 * 86_400.0)
        if self.flex_s is not None:
            if self.every_s is None:
                raise ScenarioError(f"Job.flex_s={self.flex_s!r}: allowed only with every_s (a periodic job)")
            check_number(o, "flex_s", self.flex_s, lo=0.0, hi=7 * 86_400.0, lo_open=True)
        check_number(o, "at_s", self.at_s, lo=0.0, hi=MAX_AT_S)
        check_number(o, "cpu_s", self.cpu_s, lo=0.0, hi=86_400.0)
        check_int(o, "up_bytes", self.up_bytes, lo=0, hi=MAX_BYTES)
        check_int(o, "down_bytes", self.down_bytes, lo=0, hi=MAX_BYTES)
        if self.cpu_s == 0 and self.up_bytes == 0 and self.down_bytes == 0:
            raise ScenarioError("Job: cpu_s=0, up_bytes=0, down_bytes=0: allowed work that does something")
        if self.network is not None:
            check_choice(o, "network", self.network, NETWORK_TYPES)
            if self.network == "none" and (self.up_bytes or self.down_bytes):
                raise ScenarioError(
                    "Job.network='none': allowed 'any', 'unmetered' or 'not_roaming' for a job that moves bytes"
                )
        for name in ("requires_charging", "requires_battery_not_low", "requires_device_idle",
                     "requires_storage_not_low", "expedited", "checkpoints"):
            check_type(o, name, getattr(self, name), bool, "True or False")
        check_number(o, "min_latency_s", self.min_latency_s, lo=0.0, hi=MAX_AT_S)
        if self.deadline_s is not None:
            check_number(o, "deadline_s", self.deadline_s, lo=0.0, hi=MAX_AT_S)
            if self.deadline_s < self.min_latency_s:
                raise ScenarioError(
                    f"Job.deadline_s={self.deadline_s!r}: allowed >= min_latency_s ({self.min_latency_s!r})"
                )
        if self.every_s is not None:
            # JobInfo.Builder.build() throws for these (android-facts §3: periodic jobs have their own window)
            if self.min_latency_s:
                raise ScenarioError(f"Job.min_latency_s={self.min_latency_s!r}: allowed 0 for a periodic job")
            if self.deadline_s is not None:
                raise ScenarioError(f"Job.deadline_s={self.deadline_s!r}: allowed None for a periodic job")
        check_choice(o, "backoff", self.backoff, BACKOFF_POLICIES)
        check_number(o, "initial_backoff_s", self.initial_backoff_s, lo=0.0, hi=float(MAX_BACKOFF_DELAY_S),
                     lo_open=True)
        check_int(o, "fails", self.fails, lo=0, hi=1000)
        if self.expedited:
            if self.every_s is not None:
                raise ScenarioError("Job.expedited=True: allowed only for a one-off job (every_s=None)")
            if self.min_latency_s or self.deadline_s is not None:
                raise ScenarioError("Job.expedited=True: allowed only without min_latency_s and deadline_s")
            if self.requires_charging or self.requires_battery_not_low or self.requires_device_idle:
                raise ScenarioError(
                    "Job.expedited=True: allowed only with network and storage constraints "
                    "(not requires_charging, requires_battery_not_low, requires_device_idle)"
                )

    @property
    def needs_network(self) -> bool:
        return self.up_bytes > 0 or self.down_bytes > 0

    @property
    def network_type(self) -> str:
        """The network constraint in force: as given, else "any" for a job that moves bytes, else "none"."""
        if self.network is not None:
            return self.network
        return "any" if self.needs_network else "none"

    def start(self, host: WorkHost, app: str) -> None:
        """The app calls JobScheduler.schedule(): the phone hands the job to its JobScheduler service."""
        host.submit(app, self)


MECHANISMS["job"] = Job


