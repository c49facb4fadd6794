"""The app on screen: how background CPU work slows it and makes its frames miss their deadline (analytic)."""

from __future__ import annotations

import math
from typing import NamedTuple

__all__ = [
    "ASSUMED_FOREGROUND_CORES",
    "ASSUMED_FOREGROUND_THREADS",
    "ASSUMED_FRAME_FIXED_MS",
    "ASSUMED_FRAME_RATE_HZ",
    "ASSUMED_FRAME_TAIL_MS",
    "FrameModel",
    "Jank",
    "jank_sweep",
]

# ASSUMPTION (the whole jank model: the facts file has no number for it). A 60 Hz display gives each frame
# 1000/60 = 16.7 ms (the deadline named in issue 3). A frame needs FIXED ms of CPU plus an exponentially
# distributed extra with mean TAIL ms, so on an idle phone about 0.5 % of frames miss. The app's UI and render
# threads share a cluster of CORES cores with every background thread that is running; the scheduler shares
# cores fairly, so with b background threads the app gets min(1, CORES / (THREADS + b)) of a core per thread
# and each frame takes 1/share times as long. Overridable (Assumptions).
ASSUMED_FRAME_RATE_HZ = 60.0
ASSUMED_FRAME_FIXED_MS = 6.0
ASSUMED_FRAME_TAIL_MS = 2.0
ASSUMED_FOREGROUND_THREADS = 2
ASSUMED_FOREGROUND_CORES = 4


class FrameModel(NamedTuple):
    """The numbers of the jank model (see the ASSUMPTION above)."""

    frame_rate_hz: float = ASSUMED_FRAME_RATE_HZ
    frame_fixed_ms: float = ASSUMED_FRAME_FIXED_MS
    frame_tail_ms: float = ASSUMED_FRAME_TAIL_MS
    threads: int = ASSUMED_FOREGROUND_THREADS
    cores: int = ASSUMED_FOREGROUND_CORES

    def share(self, background: int) -> float:
        """Fraction of a core each foreground thread gets with `background` threads running."""
        return min(1.0, self.cores / (self.threads + background))

    def miss_probability(self, background: int) -> float:
        """Probability that one frame misses its deadline with `background` threads running."""
        budget_ms = 1000.0 / self.frame_rate_hz * self.share(background)
        if budget_ms <= self.frame_fixed_ms:
            return 1.0
        return math.exp(-(budget_ms - self.frame_fixed_ms) / self.frame_tail_ms)


class Jank(NamedTuple):
    """Frames in foreground time, and how background work changed them."""

    foreground_s: float
    frames: float
    janky_frames: float
    baseline_janky_frames: float  # what would have missed with no background work
    slowdown_s: float  # integral of (1/share - 1): extra time the app's work took


def jank_sweep(sessions: list[tuple[float, float]], active: list[tuple[float, float]], model: FrameModel) -> Jank:
    """Integrate the frame model over the time an app is on screen, with the count of running background work."""
    ev: list[tuple[float, int]] = []
    for a, b in sessions:
        ev.append((a, 2))
        ev.append((b, -2))
    for a, b in active:
        ev.append((a, 1))
        ev.append((b, -1))
    ev.sort()
    p0 = model.miss_probability(0)
    cache: dict[int, tuple[float, float]] = {}
    fg = 0
    b = 0
    prev = 0.0
    fg_s = frames = janky = base = slow = 0.0
    for t, k in ev:
        if fg and t > prev:
            dt = t - prev
            f = dt * model.frame_rate_hz
            fg_s += dt
            frames += f
            base += f * p0
            if b:
                if b not in cache:
                    cache[b] = (model.miss_probability(b), 1.0 / model.share(b) - 1.0)
                p, s = cache[b]
                janky += f * p
                slow += dt * s
            else:
                janky += f * p0
        prev = t
        if k == 2 or k == -2:
            fg += 1 if k > 0 else -1
        else:
            b += k
    return Jank(fg_s, frames, janky, base, slow)
