"""App Standby from use (AppStandbyController): an app's bucket follows how recently it was used (API 28+)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

__all__ = ["AUTO", "CHECK_IDLE_INTERVAL_S", "ELAPSED_THRESHOLDS_S", "SCREEN_THRESHOLDS_S", "AppStandby"]

#: The App.bucket value that asks for the bucket to follow use.
AUTO = "auto"

HOUR_S = 3600.0
# android-facts §2 "Buckets from use": AppStandbyController.DEFAULT_ELAPSED_TIME_THRESHOLDS = {0, 12h, 24h, 48h, 8d}
# and DEFAULT_SCREEN_TIME_THRESHOLDS = {0, 0, 1h, 2h, 6h} for ACTIVE, WORKING_SET, FREQUENT, RARE, RESTRICTED: an app
# is in the last bucket whose elapsed *and* screen-on thresholds, since its last use, have both passed
# (AppIdleHistory.getThresholdIndex).
THRESHOLD_BUCKETS = ("active", "working_set", "frequent", "rare", "restricted")
ELAPSED_THRESHOLDS_S = (0.0, 12 * HOUR_S, 24 * HOUR_S, 48 * HOUR_S, 8 * 24 * HOUR_S)
SCREEN_THRESHOLDS_S = (0.0, 0.0, 1 * HOUR_S, 2 * HOUR_S, 6 * HOUR_S)
# AppStandbyController.mCheckIdleIntervalMillis = min(DEFAULT_ELAPSED_TIME_THRESHOLDS[1] / 4,
# DEFAULT_CHECK_IDLE_INTERVAL_MS = 4 h) = 3 h: buckets are re-derived from the thresholds this often (checkIdleStates),
# and at once when the app is used (AppStandbyController source, Android 14-era; read for issue 8).
CHECK_IDLE_INTERVAL_S = min(ELAPSED_THRESHOLDS_S[1] / 4, 4 * HOUR_S)

Changed = Callable[[str, str, float], None]  # (app, new bucket, t_s)


class AppStandby:
    """The buckets of the apps whose bucket follows use. ASSUMPTION: each such app was last used just before the
    run starts (it is ACTIVE at t=0); using it again means coming to the front. `restricted_ok` says whether the
    device has the RESTRICTED bucket (API 30+); without it the slide stops at RARE."""

    def __init__(self, apps: Iterable[str], *, restricted_ok: bool, changed: Changed, clock: Callable[[], float],
                 schedule: Callable[[float, Callable[[], None]], object]) -> None:
        self._changed = changed
        self._clock = clock
        self._schedule = schedule
        self._last = len(THRESHOLD_BUCKETS) if restricted_ok else len(THRESHOLD_BUCKETS) - 1
        self.apps = tuple(apps)
        self.bucket = {app: "active" for app in self.apps}
        self._last_used = {app: 0.0 for app in self.apps}
        self._screen_at_use = {app: 0.0 for app in self.apps}
        self._front = ""
        self._screen_on = False
        self._screen_total = 0.0  # screen-on seconds before _screen_since
        self._screen_since = 0.0

    def start(self) -> None:
        if self.apps:
            self._schedule(CHECK_IDLE_INTERVAL_S, self._check)

    def screen_time(self, t: float) -> float:
        """Screen-on seconds from the start of the run to t (AppIdleHistory.getScreenOnTime)."""
        return self._screen_total + (t - self._screen_since if self._screen_on else 0.0)

    def screen(self, t: float, on: bool) -> None:
        if on == self._screen_on:
            return
        if not on:
            self._screen_total += t - self._screen_since
        self._screen_since = t
        self._screen_on = on

    def front(self, t: float, app: str) -> None:
        """The app in front changed: the one leaving and the one arriving were just used."""
        for used in (self._front, app):
            if used in self._last_used:
                self._last_used[used] = t
                self._screen_at_use[used] = self.screen_time(t)
                self._set(used, "active", t)
        self._front = app

    def _check(self) -> None:
        """checkIdleStates: every app not in front takes the bucket its thresholds give now."""
        t = self._clock()
        for app in self.apps:
            if app == self._front:
                continue
            elapsed = t - self._last_used[app]
            screen = self.screen_time(t) - self._screen_at_use[app]
            idx = 0
            for i in range(self._last - 1, -1, -1):
                if elapsed >= ELAPSED_THRESHOLDS_S[i] and screen >= SCREEN_THRESHOLDS_S[i]:
                    idx = i
                    break
            self._set(app, THRESHOLD_BUCKETS[idx], t)
        self._schedule(CHECK_IDLE_INTERVAL_S, self._check)

    def _set(self, app: str, bucket: str, t: float) -> None:
        if self.bucket[app] != bucket:
            self.bucket[app] = bucket
            self._changed(app, bucket, t)
