"""Processes: each app's process and its state (ActivityManager's process states), cold starts and the cache."""

from __future__ import annotations

import heapq
from collections import OrderedDict
from collections.abc import Callable, Iterable

from sim.records import StateSpan

__all__ = [
    "ASSUMED_COLD_START_CPU_S",
    "KEEPS_WAKELOCKS_IN_DOZE",
    "MAX_CACHED_PROCESSES",
    "PROCESS_STATES",
    "WORK_STATES",
    "Processes",
]

#: From least to most important, as ActivityManager ranks them (PROCESS_STATE_* in ActivityManager, coarsened):
#: no process; cached (alive, nothing running, first to be killed); running a broadcast receiver; running a
#: service (a started or bound service, or a job: JobScheduler binds to the app's JobService); running a foreground
#: service; the app on screen (TOP).
PROCESS_STATES = ("not_running", "cached", "receiver", "service", "foreground_service", "top")
#: The states in which work runs (what `Processes.acquire` takes), most important last.
WORK_STATES = ("receiver", "service", "foreground_service")
# PowerManagerService.setWakeLockDisabledStateLocked (aosp-mirror/platform_frameworks_base, services/core/java/com/
# android/server/power/PowerManagerService.java, commit 00dcff88): deep Doze disables the partial wakelocks of app
# UIDs off the Doze allowlists only if their process state is below PROCESS_STATE_BOUND_FOREGROUND_SERVICE; a
# process in front or running a foreground service keeps them (and its network: NetworkPolicyManager.
# isProcStateAllowedWhileIdleOrPowerSaveMode, procState <= FOREGROUND_THRESHOLD_STATE).
KEEPS_WAKELOCKS_IN_DOZE = ("foreground_service", "top")
_RANK = {s: i for i, s in enumerate(PROCESS_STATES)}

MAX_CACHED_PROCESSES = 32  # android-facts §5: ActivityManagerConstants.DEFAULT_MAX_CACHED_PROCESSES (Android 8-14)

# ASSUMPTION: CPU time to start an app's process cold (zygote fork, Application.onCreate) before it can run any of
# its work. No published figure (android-facts §6 "Cold-start cost ... not found", §9); the facts suggest
# parameterising it at 100-500 ms of CPU. Overridable: Assumptions.process_cold_start_s.
ASSUMED_COLD_START_CPU_S = 0.25

Note = Callable[[float, str, str, str], None]  # (t_s, kind, app, detail): an event


class Processes:
    """Every app's process: started cold when work needs it, cached when idle, killed least recently used first
    when more than `max_cached` are cached.

    Each piece of work in a process is kept as [start_s, end_s, state] (the end can be cut later), with the spans the
    app was in front and the times its process started and was killed; the state at any moment follows from them
    (`state`), and so does the "process" lane, laid out once at the end of the run (`lanes`)."""

    def __init__(self, apps: Iterable[str], *, cold_start_s: float, max_cached: int, event: Note) -> None:
        self.cold_start_s = cold_start_s
        self.max_cached = max_cached
        self._event = event
        self.apps = tuple(apps)
        self._alive: dict[str, bool] = {app: False for app in self.apps}
        self._pieces: dict[str, list[list[object]]] = {app: [] for app in self.apps}
        self._busy_until: dict[str, float] = {app: 0.0 for app in self.apps}  # latest end of its work so far
        self._life: dict[str, list[list[float]]] = {app: [] for app in self.apps}  # [started, killed] spans
        self._top: dict[str, list[list[float]]] = {app: [] for app in self.apps}  # [start, end] in front
        self.top = ""
        self.cold_starts = 0
        self.kills = 0
        # the cache, kept in time order though work ends without telling: (time, n, app) for each moment an app
        # may have fallen idle, taken in order before anything that reads or changes the cache (_advance)
        self._idle_at: list[tuple[float, int, str]] = []
        self._n = 0
        self._cached: OrderedDict[str, float] = OrderedDict()  # app -> cached since; least recently used first
        # (while no more processes are alive than the cache holds, nothing can be killed: none of this is kept)
        self._n_alive = 0
        self._tracking = False

    # -- during the run ------------------------------------------------------------------------------------------
    def acquire(self, app: str, state: str, t: float) -> tuple[float, list[object]]:
        """Work starts in `app`'s process in `state` (one of WORK_STATES) at t; returns the cold-start CPU time it
        pays first (0 when the process is running) and its piece [start_s, end_s, state], whose end the caller
        sets (and may cut later)."""
        if state not in WORK_STATES:
            raise ValueError(f"process state {state!r}: allowed {', '.join(WORK_STATES)}")
        if not self._tracking and self._alive[app]:  # (the common case: a running process, no cache to keep)
            piece: list[object] = [t, float("inf"), state]
            self._pieces[app].append(piece)
            return 0.0, piece
        self._advance(t)
        self._cached.pop(app, None)
        cold = 0.0
        if not self._alive[app]:
            cold = self._start(app, t, f"cold start for {state}")
        piece = [t, float("inf"), state]
        self._pieces[app].append(piece)
        return cold, piece

    def done(self, app: str, piece: list[object], end_s: float) -> None:
        """The piece of work ends at end_s (set once it is known, and again if the work is cut short)."""
        old = piece[1]
        piece[1] = end_s
        busy = self._busy_until
        if end_s > busy[app]:
            busy[app] = end_s
        elif old == busy[app] and end_s < old:  # (cut short: the latest end may be another piece's now)
            ends = [float(p[1]) for p in self._pieces[app]]  # type: ignore[arg-type]  # (rare: a full scan)
            busy[app] = max([end_s, *(e for e in ends if e < float("inf"))])
        if self._tracking:
            self._n += 1
            heapq.heappush(self._idle_at, (end_s, self._n, app))

    def set_top(self, app: str, t: float) -> None:
        """The app in front changed (an app the scenario does not know is nobody's process here)."""
        self._advance(t)
        old = self.top
        if self._top.get(old):
            self._top[old][-1][1] = t
            self._busy_until[old] = max(self._busy_until[old], t)
            if self._tracking:
                self._n += 1
                heapq.heappush(self._idle_at, (t, self._n, old))
        self.top = app
        if app in self._top:
            self._cached.pop(app, None)
            if not self._alive[app]:
                self._start(app, t, "")
            self._top[app].append([t, float("inf")])
        self._advance(t)

    def state(self, app: str, t: float) -> str:
        """The app's process state at t, as far as the run has got (one of PROCESS_STATES)."""
        if app == self.top:
            return "top"
        best = ""
        for start, end, state in self._pieces[app]:  # (every piece: a service keeps a long one; O(pieces))
            if start <= t < end and (not best or _RANK[str(state)] > _RANK[best]):  # type: ignore[operator]
                best = str(state)
        if best:
            return best
        return "cached" if self._alive[app] else "not_running"

    def state_now(self, app: str, t: float) -> str:
        """The app's process state at t (now), with the cache's kills up to t taken first."""
        self._advance(t)
        return self.state(app, t)

    def _start(self, app: str, t: float, why: str) -> float:
        self._alive[app] = True
        self._n_alive += 1
        self._life[app].append([t, float("inf")])
        if not self._tracking and self._n_alive > self.max_cached:
            # from now on the cache can overflow: start keeping it, with every idle process in the order it fell idle
            self._tracking = True
            for other in self.apps:
                if self._alive[other] and other != app:
                    self._n += 1
                    heapq.heappush(self._idle_at, (self._busy_until[other], self._n, other))
            self._advance(t)
        if why:
            self.cold_starts += 1
            self._event(t, "process_start", app, f"{why} ({self.cold_start_s:g} s of CPU)")
            return self.cold_start_s
        return 0.0

    def _advance(self, t: float) -> None:
        """Take every moment up to t at which an app fell idle: it joins the cache then, and past the limit the
        least recently used cached process is killed then (ProcessList's LRU trimming)."""
        heap = self._idle_at
        if not heap:
            return
        while heap and heap[0][0] <= t:
            c, _, app = heapq.heappop(heap)
            if not self._alive[app] or app == self.top or app in self._cached:
                continue
            if self._busy_until[app] > c:
                continue  # (still running other work then: every piece started by now began at or before c)
            self._cached[app] = c
            if len(self._cached) > self.max_cached:
                victim, _since = self._cached.popitem(last=False)
                self._alive[victim] = False
                self._n_alive -= 1
                self._life[victim][-1][1] = c
                self.kills += 1
                self._event(c, "process_kill", victim, f"killed: more than {self.max_cached} cached processes")

    # -- at the end ------------------------------------------------------------------------------------------------
    def lanes(self, t_end: float) -> list[StateSpan]:
        """The "process" lane of every app: at each moment the most important of its states then."""
        self._advance(t_end)
        inf = float("inf")
        top_rank, cached_rank = _RANK["top"], _RANK["cached"]
        out: list[StateSpan] = []
        for app in self.apps:
            fast = self._simple_lane(app, t_end)
            if fast is not None:
                out.extend(fast)
                continue
            marks: list[tuple[float, int, int]] = []  # (time, +1/-1, rank)
            add = marks.append
            for start, end, state in self._pieces[app]:
                if end > start:  # type: ignore[operator]
                    r = _RANK[state]  # type: ignore[index]
                    add((start, 1, r))  # type: ignore[arg-type]
                    add((end, -1, r))  # type: ignore[arg-type]
            for s, e in self._top[app]:
                if e > s:
                    add((s, 1, top_rank))
                    add((e, -1, top_rank))
            for s, e in self._life[app]:
                add((s, 1, cached_rank))
                if e < inf:
                    add((e, -1, cached_rank))
            marks.sort()
            counts = [0, 0, 0, 0, 0, 0]
            value, since = "not_running", 0.0
            i, n = 0, len(marks)
            while i < n:
                t = marks[i][0]
                if t >= t_end:
                    break
                while i < n and marks[i][0] == t:
                    counts[marks[i][2]] += marks[i][1]
                    i += 1
                rank = 5
                while rank > 0 and not counts[rank]:
                    rank -= 1
                new = PROCESS_STATES[rank]
                if new != value:
                    if t > since:
                        out.append(StateSpan("process", since, t, value, app))
                    value, since = new, t
            if t_end > since:
                out.append(StateSpan("process", since, t_end, value, app))
        return out

    def _simple_lane(self, app: str, t_end: float) -> list[StateSpan] | None:
        """The lane of an app that was never in front, started once, never killed, and ran all its work in one
        state (most apps of most runs): a single walk over its pieces, which start in time order. None otherwise."""
        if self._top[app] or len(self._life[app]) != 1 or self._life[app][0][1] < float("inf"):
            return None
        pieces = self._pieces[app]
        state = pieces[0][2] if pieces else ""
        spans: list[StateSpan] = []
        born = self._life[app][0][0]
        if born > 0.0:
            spans.append(StateSpan("process", 0.0, min(born, t_end), "not_running", app))
        if born >= t_end:
            return spans
        since, value, busy_end = born, "cached", born
        for start, end, st in pieces:
            if st != state:
                return None
            s0, e0 = float(start), float(end)  # type: ignore[arg-type]
            if e0 <= s0:
                continue
            if s0 >= t_end:
                break
            if s0 > busy_end:  # (idle since busy_end: cached until this piece)
                if value != "cached":
                    spans.append(StateSpan("process", since, busy_end, value, app))
                    since, value = busy_end, "cached"
                if s0 > since:
                    spans.append(StateSpan("process", since, s0, "cached", app))
                since, value = s0, str(state)
            elif value == "cached":
                if s0 > since:
                    spans.append(StateSpan("process", since, s0, "cached", app))
                since, value = s0, str(state)
            busy_end = max(busy_end, e0)
        if value != "cached":
            end = min(busy_end, t_end)
            spans.append(StateSpan("process", since, end, value, app))
            since, value = end, "cached"
        if t_end > since:
            spans.append(StateSpan("process", since, t_end, value, app))
        return spans
