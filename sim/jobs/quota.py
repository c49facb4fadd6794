"""QuotaController's records of one app's job sessions and starts (android-facts §2b), and sums over them."""

from __future__ import annotations

import math
from typing import Any

from sim.buckets import IN_QUOTA_BUFFER_S, MAX_EXECUTION_TIME_S, MAX_JOB_COUNT_PER_RATE_LIMITING_WINDOW, BucketQuota
from sim.jobs.spec import QUOTA_COUNT_API_LEVEL, QUOTA_SESSION_API_LEVEL

__all__ = ["EPS_S", "AppQuota", "back_in_quota", "extend", "sync", "time_until_consumed", "used"]

EPS_S = 1e-3  # a millisecond: slack against rounding when comparing times and quota


class AppQuota:
    """One app's records for its standby-bucket quota (QuotaController's timing sessions and job starts)."""

    __slots__ = ("charged", "cutoff", "day_bound", "ej", "fast_first", "fast_ver", "few_sessions", "few_starts",
                 "max_end", "open", "q", "sessions", "starts", "time_bound", "total", "ver")

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
        # QuotaController's Timer for this app: how many of its regular jobs it tracks now, the session being
        # charged while any of them runs (None while none runs, or while the app is in front or charging), and the
        # timer that stops them when the quota runs out
        self.charged: list[Any] = []  # (the scheduler's job states)
        self.open: list[float] | None = None
        self.cutoff: object = None
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


def sync(qa: AppQuota, t: float) -> None:
    """Bring the session being charged up to t (it grows while the app's jobs run)."""
    if qa.open is not None:
        extend(qa, qa.open, t)


def time_until_consumed(sessions: list[list[float]], t: float, window: float, allowed: float) -> float:
    """How long from t a job can run, charged all the while, before the session time in the trailing `window`
    reaches `allowed`: old sessions sliding out of the window give time back as it runs (QuotaController.
    getTimeUntilQuotaConsumedLocked)."""
    lo = t - window
    rem = allowed - used(sessions, lo, t)
    if rem <= 0.0:
        return 0.0
    d = 0.0
    for a, b in sessions:
        if b <= lo:
            continue
        a = max(a, lo)
        b = min(b, t)
        if b <= a:
            continue
        start_out = a - lo  # the piece starts to slide out when the window's start reaches it
        if start_out >= d + rem:
            return d + rem
        rem -= start_out - d
        d = start_out + (b - a)  # while it slides out, what runs is given back as fast as it is used
    return d + rem


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
    need = excess - EPS_S / 2  # (the checks let EPS_S of slack through: back in quota a little before that)
    for a, b in sessions:
        if b <= lo:
            continue
        a = max(a, lo)
        b = min(b, t)
        if b - a >= need:
            return a + need + window
        need -= b - a
    return t + window
