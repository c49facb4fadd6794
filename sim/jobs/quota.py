"""QuotaController's records of one app's job sessions and starts (android-facts §2b), and sums over them."""

from __future__ import annotations

import math

from sim.buckets import IN_QUOTA_BUFFER_S, MAX_EXECUTION_TIME_S, MAX_JOB_COUNT_PER_RATE_LIMITING_WINDOW, BucketQuota
from sim.jobs.spec import QUOTA_COUNT_API_LEVEL, QUOTA_SESSION_API_LEVEL

__all__ = ["EPS_S", "AppQuota", "back_in_quota", "extend", "shorten", "used"]

EPS_S = 1e-3  # a millisecond: slack against rounding when comparing times and quota


class AppQuota:
    """One app's records for its standby-bucket quota (QuotaController's timing sessions and job starts)."""

    __slots__ = ("day_bound", "ej", "fast_first", "fast_ver", "few_sessions", "few_starts", "max_end", "q", "sessions",
                 "starts", "time_bound", "total", "ver")

    def __init__(self, q: BucketQuota, api: int) -> None:
        self.sessions: list[list[float]] = []  # quota-counted job sessions: [start, end], in order of start
        self.starts: list[float] = []  # quota-counted job starts, in time order
        self.total = 0.0  # session time in `sessions` (an upper bound on any window's use)
        self.ej: list[list[float]] = []  # expedited-job sessions
        self.ver = 0  # changes whenever `sessions`, `starts` or `total` change
        self.max_end = -math.inf  # no session in `sessions` ends after this
        # `ver` when JobScheduler._quota_block last took its fast path (-1: it did not), and the earliest time in
        # the records then (a session's end or a start: _prune drops nothing while the cut is before it)
        self.fast_ver = -1
        self.fast_first = 0.0
        self.set_quota(q, api)

    def set_quota(self, q: BucketQuota, api: int) -> None:
        """The bucket's quota in force (it changes when the app's bucket follows use)."""
        self.q = q
        self.ver += 1
        self.fast_ver = -1
        # JobScheduler._quota_block's cheap bounds: below all of them no quota check can bite
        buffer = IN_QUOTA_BUFFER_S if api >= QUOTA_COUNT_API_LEVEL else 0.0
        self.time_bound = q.job_time_s - buffer - EPS_S if q.job_time_s < q.job_window_s else math.inf
        self.day_bound = MAX_EXECUTION_TIME_S - buffer - EPS_S if api >= QUOTA_COUNT_API_LEVEL else math.inf
        self.few_starts = min(q.max_jobs, MAX_JOB_COUNT_PER_RATE_LIMITING_WINDOW) if api >= QUOTA_COUNT_API_LEVEL \
            else math.inf
        self.few_sessions = q.max_sessions if api >= QUOTA_SESSION_API_LEVEL else math.inf


def extend(qa: AppQuota, session: list[float], end: float) -> None:
    """Lengthen one of the app's sessions to `end` (never shortening it)."""
    if end > session[1]:
        qa.ver += 1
        qa.max_end = max(qa.max_end, end)
        qa.total = qa.total + end - session[1]
        session[1] = end


def shorten(qa: AppQuota, session: list[float], end: float) -> None:
    """End one of the app's sessions at `end` (a run stopped before the time it had booked)."""
    if end < session[1]:
        qa.ver += 1
        qa.total = qa.total - (session[1] - max(end, session[0]))
        session[1] = max(end, session[0])


def used(sessions: list[list[float]], lo: float, hi: float) -> float:
    """Session time inside [lo, hi]."""
    total = 0.0
    for a, b in sessions:
        if b <= lo:
            continue
        total += min(b, hi) - max(a, lo) if min(b, hi) > max(a, lo) else 0.0
    return total


def back_in_quota(sessions: list[list[float]], t: float, window: float, excess: float) -> float:
    """When enough of the sessions in [t - window, t] will have slid out of the window to free `excess` seconds."""
    lo = t - window
    need = excess + EPS_S
    for a, b in sessions:
        if b <= lo:
            continue
        a = max(a, lo)
        b = min(b, t)
        if b - a >= need:
            return a + need + window
        need -= b - a
    return t + window
