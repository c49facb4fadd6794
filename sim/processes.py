"""Processes: each app's process and its state (ActivityManager's process states), cold starts and the cache."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable

__all__ = [
    "ASSUMED_COLD_START_CPU_S",
    "MAX_CACHED_PROCESSES",
    "PROCESS_STATES",
    "Processes",
]

#: From least to most important, as ActivityManager ranks them (PROCESS_STATE_* in ActivityManager, coarsened):
#: no process; cached (alive, nothing running, first to be killed); running a broadcast receiver; running a
#: service (a started or bound service, or a job: JobScheduler binds to the app's JobService); running a foreground
#: service; the app on screen (TOP).
PROCESS_STATES = ("not_running", "cached", "receiver", "service", "foreground_service", "top")
_RANK = {s: i for i, s in enumerate(PROCESS_STATES)}
#: The states in which work runs (what `Processes.acquire` takes).
WORK_STATES = ("receiver", "service", "foreground_service")

MAX_CACHED_PROCESSES = 32  # android-facts §5: ActivityManagerConstants.DEFAULT_MAX_CACHED_PROCESSES (Android 8-14)

# ASSUMPTION: CPU time to start an app's process cold (zygote fork, Application.onCreate) before it can run any of
# its work. No published figure (android-facts §6 "Cold-start cost ... not found", §9); the facts suggest
# parameterising it at 100-500 ms of CPU. Overridable: Assumptions.process_cold_start_s.
ASSUMED_COLD_START_CPU_S = 0.25

Record = Callable[[str, float, str, str], None]  # (lane, t_s, value, app)
Note = Callable[[float, str, str, str], None]  # (t_s, kind, app, detail): an event


class Processes:
    """Every app's process: started cold when work needs it, cached when idle, killed least recently used first
    when more than `max_cached` are cached. Records the per-app "process" lane and process start/kill events."""

    def __init__(self, apps: Iterable[str], *, cold_start_s: float, max_cached: int, record: Record,
                 event: Note) -> None:
        self.cold_start_s = cold_start_s
        self.max_cached = max_cached
        self._record = record
        self._event = event
        self._alive: dict[str, bool] = {}
        self._busy: dict[str, dict[str, int]] = {}
        self._state: dict[str, str] = {}
        self._cached: OrderedDict[str, None] = OrderedDict()  # least recently used first
        self.top = ""
        self.cold_starts = 0
        self.kills = 0
        for app in apps:
            self._alive[app] = False
            self._busy[app] = {s: 0 for s in WORK_STATES}
            self._state[app] = "not_running"
            record("process", 0.0, "not_running", app)

    def state(self, app: str) -> str:
        """The app's process state now (one of PROCESS_STATES)."""
        return self._state[app]

    def running(self, app: str) -> bool:
        return self._alive[app]

    def acquire(self, app: str, state: str, t: float) -> float:
        """Work starts in `app`'s process in `state` (one of WORK_STATES); returns the cold-start CPU time it pays
        first (0 when the process is already running)."""
        if state not in WORK_STATES:
            raise ValueError(f"process state {state!r}: allowed {', '.join(WORK_STATES)}")
        cold = 0.0
        if not self._alive[app]:
            self._alive[app] = True
            cold = self.cold_start_s
            self.cold_starts += 1
            self._event(t, "process_start", app, f"cold start for {state} ({cold:g} s of CPU)")
        self._busy[app][state] += 1
        self._update(app, t)
        return cold

    def release(self, app: str, state: str, t: float) -> None:
        """Work that ran in `state` ended at t."""
        busy = self._busy[app]
        if busy[state] <= 0:
            raise RuntimeError(f"{app}: no work running in state {state!r} to release")
        busy[state] -= 1
        self._update(app, t)

    def set_top(self, app: str, t: float) -> None:
        """The app in front changed (an app the scenario does not know is nobody's process here)."""
        old, self.top = self.top, app
        if old in self._alive:
            self._update(old, t)
        if app in self._alive:
            self._alive[app] = True
            self._update(app, t)

    def _update(self, app: str, t: float) -> None:
        if app == self.top:
            state = "top"
        else:
            busy = self._busy[app]
            state = next((s for s in reversed(WORK_STATES) if busy[s]), "cached" if self._alive[app] else "not_running")
        if state == self._state[app]:
            return
        self._state[app] = state
        self._record("process", t, state, app)
        if state == "cached":
            self._cached[app] = None
            self._trim(t)
        else:
            self._cached.pop(app, None)

    def _trim(self, t: float) -> None:
        """Kill cached processes, least recently used first, down to the limit (ProcessList's LRU trimming)."""
        while len(self._cached) > self.max_cached:
            victim, _ = self._cached.popitem(last=False)
            self._alive[victim] = False
            self._state[victim] = "not_running"
            self.kills += 1
            self._record("process", t, "not_running", victim)
            self._event(t, "process_kill", victim, f"killed: more than {self.max_cached} cached processes")

    def rank(self, app: str) -> int:
        return _RANK[self._state[app]]
