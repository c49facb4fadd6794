"""App Standby Buckets (API 28+): each bucket's job and alarm quotas, lifted while charging."""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "BUCKETS",
    "BUCKET_API_LEVEL",
    "QUOTAS",
    "RESTRICTED_BUCKET_API_LEVEL",
    "BucketQuota",
    "effective_bucket",
    "quota_for",
]

BUCKET_API_LEVEL = 28  # android-facts §2: App Standby Buckets, Android 9+
RESTRICTED_BUCKET_API_LEVEL = 30  # android-facts §2: RESTRICTED = 45, Android 11+
ALARM_QUOTA_API_LEVEL = 29  # android-facts §4: standby-bucket alarm quotas, Android 10+ (Android 9 used delays)

BUCKETS = ("active", "working_set", "frequent", "rare", "restricted")
#: UsageStatsManager.STANDBY_BUCKET_* values (android-facts §2).
BUCKET_VALUES = {"active": 10, "working_set": 20, "frequent": 30, "rare": 40, "restricted": 45}

HOUR_S = 3600
DAY_S = 24 * HOUR_S

# JobScheduler quotas, QuotaController.QcConstants "legacy" defaults (android-facts §2b)
ALLOWED_TIME_PER_PERIOD_S = 10 * 60  # android-facts §2b: DEFAULT_ALLOWED_TIME_PER_PERIOD_MS, every bucket
IN_QUOTA_BUFFER_S = 30  # android-facts §2b: DEFAULT_IN_QUOTA_BUFFER_MS
MAX_EXECUTION_TIME_S = 4 * HOUR_S  # android-facts §2b: DEFAULT_MAX_EXECUTION_TIME_MS, any 24 h
RATE_LIMITING_WINDOW_S = 60  # android-facts §2b: DEFAULT_RATE_LIMITING_WINDOW_MS
MAX_JOB_COUNT_PER_RATE_LIMITING_WINDOW = 20  # android-facts §2b: DEFAULT_MAX_JOB_COUNT_PER_RATE_LIMITING_WINDOW
TIMING_SESSION_COALESCING_S = 5  # android-facts §2b: DEFAULT_TIMING_SESSION_COALESCING_DURATION_MS
JOB_WINDOW_S = {  # android-facts §2b: DEFAULT_WINDOW_SIZE_{ACTIVE,WORKING,FREQUENT,RARE,RESTRICTED}_MS
    "active": 10 * 60,
    "working_set": 2 * HOUR_S,
    "frequent": 8 * HOUR_S,
    "rare": 24 * HOUR_S,
    "restricted": 24 * HOUR_S,
}
MAX_JOB_COUNT = {  # android-facts §2b: DEFAULT_MAX_JOB_COUNT_*
    "active": 75, "working_set": 120, "frequent": 200, "rare": 48, "restricted": 10,
}
MAX_SESSION_COUNT = {  # android-facts §2b: DEFAULT_MAX_SESSION_COUNT_*
    "active": 75, "working_set": 10, "frequent": 8, "rare": 3, "restricted": 1,
}
EJ_LIMIT_S = {  # android-facts §2b: DEFAULT_EJ_LIMIT_*_MS per 24 h (Android 12+)
    "active": 30 * 60, "working_set": 30 * 60, "frequent": 10 * 60, "rare": 10 * 60, "restricted": 5 * 60,
}

# AlarmManager standby quotas (android-facts §4: DEFAULT_APP_STANDBY_QUOTAS {720,10,2,1,0} per
# DEFAULT_APP_STANDBY_WINDOW = 1 h; RESTRICTED DEFAULT_APP_STANDBY_RESTRICTED_QUOTA = 1 per INTERVAL_DAY)
ALARM_QUOTA = {"active": 720, "working_set": 10, "frequent": 2, "rare": 1, "restricted": 1}
ALARM_WINDOW_S = {"active": HOUR_S, "working_set": HOUR_S, "frequent": HOUR_S, "rare": HOUR_S, "restricted": DAY_S}


class BucketQuota(NamedTuple):
    """What one bucket allows an app on battery."""

    bucket: str
    job_window_s: float  # rolling window for job run time and counts
    job_time_s: float  # job run time allowed per window
    max_jobs: int  # jobs per window
    max_sessions: int  # job sessions per window
    ej_time_s: float  # expedited-job time per 24 h
    alarms: int  # alarms per alarm window
    alarm_window_s: float


QUOTAS: dict[str, BucketQuota] = {
    b: BucketQuota(
        b, JOB_WINDOW_S[b], ALLOWED_TIME_PER_PERIOD_S, MAX_JOB_COUNT[b], MAX_SESSION_COUNT[b], EJ_LIMIT_S[b],
        ALARM_QUOTA[b], ALARM_WINDOW_S[b],
    )
    for b in BUCKETS
}


def effective_bucket(bucket: str, api_level: int) -> tuple[str | None, str]:
    """The bucket Android uses for `bucket` on a device at `api_level`, and a note if it differs ("" if not).

    None means the device has no standby buckets (before API 28).
    """
    if api_level < BUCKET_API_LEVEL:
        if bucket != "active":
            return None, f"standby buckets arrive in API {BUCKET_API_LEVEL}; bucket {bucket!r} has no effect"
        return None, ""
    if bucket == "restricted" and api_level < RESTRICTED_BUCKET_API_LEVEL:
        return "rare", f"the restricted bucket arrives in API {RESTRICTED_BUCKET_API_LEVEL}; treated as 'rare'"
    return bucket, ""


def quota_for(bucket: str | None, *, charging: bool) -> BucketQuota | None:
    """The quota in force for `bucket`, or None when nothing limits it: no buckets, or charging (android-facts §2:
    restrictions apply only on battery)."""
    if bucket is None or charging:
        return None
    return QUOTAS[bucket]
