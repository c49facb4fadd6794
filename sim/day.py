"""The user's day: screen sessions (and the app in front), charger, network and motion over time, with presets."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, replace
from typing import Any

from sim._validate import (
    ScenarioError,
    as_tuple,
    check_bool,
    check_choice,
    check_keys,
    check_number,
    check_type,
    strict,
)

__all__ = [
    "DAY_PRESETS",
    "DAY_S",
    "MIN_SPAN_S",
    "NETWORKS",
    "Day",
    "DayPlan",
    "NetworkPeriod",
    "Period",
    "Session",
]

DAY_S = 86_400.0
H = 3600.0
M = 60.0
NETWORKS = ("wifi", "cellular", "none")  # Wi-Fi is unmetered, cellular metered
# ASSUMPTION: how far `variation=True` moves each start and end (uniformly, either way). Overridable: Day.jitter_s.
ASSUMED_VARIATION_JITTER_S = 20 * M
# The model's own limit, not Android's: the day is laid out in change points, and a span shorter than this is
# dropped when the day is laid out (a jittered span squeezed below it vanishes), so a span given shorter is refused
# rather than silently left out of the run.
MIN_SPAN_S = 1.0


def _check_span(owner: str, start_s: object, end_s: object) -> None:
    start = check_number(owner, "start_s", start_s, lo=0.0, hi=DAY_S)
    end = check_number(owner, "end_s", end_s, lo=0.0, hi=DAY_S)
    if end <= start:
        raise ScenarioError(f"{owner}.end_s={end_s!r}: allowed > start_s ({start_s!r})")
    if end - start < MIN_SPAN_S:
        raise ScenarioError(
            f"{owner}.end_s={end_s!r}: allowed >= start_s + {MIN_SPAN_S:g} s ({start + MIN_SPAN_S:g}): "
            f"the span {start:g}-{end:g} s is shorter than the model's {MIN_SPAN_S:g} s minimum"
        )


@strict
@dataclass(frozen=True)
class Session:
    """The screen is on from start_s to end_s (seconds into the day), with `app` in the foreground (or none).

    Raises ValueError unless 0 <= start_s < end_s <= 86400 and the session lasts at least 1 s (MIN_SPAN_S).
    """

    start_s: float
    end_s: float
    app: str | None = None

    def __post_init__(self) -> None:
        _check_span("Session", self.start_s, self.end_s)
        if self.app is not None:
            check_type("Session", "app", self.app, str, "an app name or None")


@strict
@dataclass(frozen=True)
class Period:
    """A span of the day (charging, or moving). Raises ValueError unless 0 <= start_s < end_s <= 86400 and the span
    lasts at least 1 s (MIN_SPAN_S)."""

    start_s: float
    end_s: float

    def __post_init__(self) -> None:
        _check_span("Period", self.start_s, self.end_s)


@strict
@dataclass(frozen=True)
class NetworkPeriod:
    """The network from start_s to end_s: "wifi" (unmetered), "cellular" (metered) or "none". Raises ValueError
    unless 0 <= start_s < end_s <= 86400, the span lasts at least 1 s (MIN_SPAN_S), and the network is known."""

    start_s: float
    end_s: float
    network: str

    def __post_init__(self) -> None:
        _check_span("NetworkPeriod", self.start_s, self.end_s)
        check_choice("NetworkPeriod", "network", self.network, NETWORKS)


def _sorted_disjoint(owner: str, name: str, spans: tuple[Any, ...]) -> tuple[Any, ...]:
    spans = tuple(sorted(spans, key=lambda s: s.start_s))
    for a, b in itertools.pairwise(spans):
        if b.start_s < a.end_s:
            raise ScenarioError(
                f"{owner}.{name}: spans overlap ({a.start_s:g}-{a.end_s:g} and {b.start_s:g}-{b.end_s:g}); "
                "allowed: spans that do not overlap"
            )
    return spans


@strict
@dataclass(frozen=True)
class Day:
    """One day of use, repeated for as many days as the scenario lasts. Times are seconds from the day's start.

    Outside `network` periods the network is `network_default`. With jitter_s > 0 every start and end moves by up
    to jitter_s, drawn from the run's seed, afresh each day. Raises ValueError for spans outside the day, spans of
    one kind that overlap, or an unknown network.
    """

    screen: tuple[Session, ...] = ()
    charging: tuple[Period, ...] = ()
    moving: tuple[Period, ...] = ()
    network: tuple[NetworkPeriod, ...] = ()
    network_default: str = "wifi"
    jitter_s: float = 0.0
    name: str = "custom"

    def __post_init__(self) -> None:
        owner = "Day"
        for name, item in (("screen", Session), ("charging", Period), ("moving", Period), ("network", NetworkPeriod)):
            spans = as_tuple(owner, name, getattr(self, name), item, _coerce(item))
            object.__setattr__(self, name, _sorted_disjoint(owner, name, spans))
        check_choice(owner, "network_default", self.network_default, NETWORKS)
        check_number(owner, "jitter_s", self.jitter_s, lo=0.0, hi=6 * H)
        check_type(owner, "name", self.name, str, "a string")

    @classmethod
    def preset(cls, name: str, *, variation: bool = False) -> Day:
        """A named day (see DAY_PRESETS); with variation=True its times vary with the run's seed."""
        check_choice("Day.preset", "name", name, DAY_PRESETS)
        check_bool("Day.preset", "variation", variation)
        day = _PRESET_BUILDERS[name]()
        return replace(day, jitter_s=ASSUMED_VARIATION_JITTER_S) if variation else day

    @classmethod
    def from_dict(cls, data: object) -> Day:
        """Build from a dict (or a preset name); unknown keys raise ValueError."""
        if isinstance(data, str):
            return cls.preset(data)
        d = check_keys("Day", data, [*cls.__dataclass_fields__, "preset", "variation"])
        if "preset" in d:
            extra = set(d) - {"preset", "variation"}
            if extra:
                raise ScenarioError(f"Day: 'preset' cannot be combined with {sorted(extra)}")
            return cls.preset(d["preset"], variation=check_bool("Day", "variation", d.get("variation", False)))
        return cls(**d)

    def plan(self, rng: random.Random, duration_s: float) -> DayPlan:
        """The day repeated over `duration_s`, jittered with `rng` if jitter_s > 0."""
        return DayPlan.build(self, rng, duration_s)


def _coerce(item: type) -> Any:
    def convert(v: Any) -> Any:
        if isinstance(v, dict):
            return item(**check_keys(item.__name__, v, item.__dataclass_fields__))  # type: ignore[attr-defined]
        if isinstance(v, list | tuple) and not isinstance(v, item):
            return item(*v)
        return v

    return convert


@dataclass(frozen=True)
class DayPlan:
    """The day laid out over the whole run: sorted change points for each of screen, charging, network, moving.

    Each list holds (t_s, value) pairs starting at t=0; `foreground` holds (t_s, app or "") pairs.
    """

    screen: tuple[tuple[float, bool], ...]
    foreground: tuple[tuple[float, str], ...]
    charging: tuple[tuple[float, bool], ...]
    moving: tuple[tuple[float, bool], ...]
    network: tuple[tuple[float, str], ...]

    @staticmethod
    def build(day: Day, rng: random.Random, duration_s: float) -> DayPlan:
        days = int(duration_s // DAY_S) + (1 if duration_s % DAY_S else 0)
        screen: list[tuple[float, float, str]] = []
        charging: list[tuple[float, float, str]] = []
        moving: list[tuple[float, float, str]] = []
        network: list[tuple[float, float, str]] = []
        for k in range(max(days, 1)):
            base = k * DAY_S
            for src, dst, value in (
                (day.screen, screen, None),
                (day.charging, charging, "1"),
                (day.moving, moving, "1"),
                (day.network, network, None),
            ):
                dst.extend(_jittered(src, base, day.jitter_s, rng, value))
        return DayPlan(
            screen=_changes(screen, duration_s, False, lambda v: True),
            foreground=_changes(screen, duration_s, "", lambda v: v),
            charging=_changes(charging, duration_s, False, lambda v: True),
            moving=_changes(moving, duration_s, False, lambda v: True),
            network=_changes(network, duration_s, day.network_default, lambda v: v),
        )


def _jittered(
    spans: tuple[Any, ...], base: float, jitter_s: float, rng: random.Random, value: str | None
) -> list[tuple[float, float, str]]:
    out: list[tuple[float, float, str]] = []
    prev_end = base
    for s in spans:
        start, end = base + s.start_s, base + s.end_s
        if jitter_s > 0:
            start += rng.uniform(-jitter_s, jitter_s)
            end += rng.uniform(-jitter_s, jitter_s)
        start = max(start, prev_end, base)
        end = min(end, base + DAY_S)
        # Only jitter squeezes a span below the minimum (spans are refused shorter); the slack keeps a span of
        # exactly MIN_SPAN_S late in a long run, where base + end_s - (base + start_s) rounds a little below it.
        if end - start < MIN_SPAN_S - 1e-6:
            continue
        if value is not None:
            v = value
        elif isinstance(s, Session):
            v = s.app or ""
        else:
            v = s.network
        out.append((start, end, v))
        prev_end = end
    return out


def _changes(
    spans: list[tuple[float, float, str]], duration_s: float, default: Any, value_of: Any
) -> tuple[tuple[float, Any], ...]:
    """Turn disjoint sorted spans into change points (t, value), `default` between spans, from t=0."""
    out: list[tuple[float, Any]] = [(0.0, default)]

    def put(t: float, v: Any) -> None:
        if t >= duration_s:
            return
        if out[-1][0] == t:
            out[-1] = (t, v)
        else:
            out.append((t, v))
        if len(out) >= 2 and out[-2][1] == out[-1][1]:
            out.pop()

    for start, end, v in spans:
        put(start, value_of(v))
        put(end, default)
    return tuple(out)


# --- presets ---------------------------------------------------------------------------------------------------


def _desk_overnight() -> Day:
    # t=0 is bedtime: the phone lies on a desk, screen off, unplugged, still, on Wi-Fi, untouched for 14 hours.
    # Then a short look in the late morning, and it is plugged in for the evening.
    return Day(
        screen=(Session(14 * H, 14 * H + 10 * M, "browser"), Session(20 * H, 20 * H + 15 * M, "browser")),
        charging=(Period(20 * H, 23 * H),),
        moving=(Period(14 * H + 10 * M, 14 * H + 25 * M),),
        name="desk_overnight",
    )


def _weekday() -> Day:
    # t=0 is midnight. Asleep on Wi-Fi (unplugged), commute on cellular, work on office Wi-Fi, evening charging.
    sessions = [
        Session(7 * H, 7 * H + 10 * M, "chat"),
        Session(7 * H + 40 * M, 7 * H + 50 * M, "news"),
        Session(8 * H + 5 * M, 8 * H + 35 * M, "social"),  # on the train
    ]
    for hour in (10, 11, 14, 15, 16):  # a glance every working hour
        sessions.append(Session(hour * H, hour * H + 4 * M, "chat"))
    sessions += [
        Session(12 * H + 30 * M, 12 * H + 50 * M, "social"),  # lunch
        Session(17 * H + 45 * M, 18 * H + 10 * M, "video"),  # train home
        Session(19 * H + 30 * M, 19 * H + 45 * M, "chat"),
        Session(21 * H, 22 * H, "video"),
        Session(22 * H + 45 * M, 22 * H + 55 * M, "news"),
    ]
    return Day(
        screen=tuple(sessions),
        charging=(Period(19 * H, 22 * H + 30 * M),),
        moving=(Period(8 * H, 8 * H + 50 * M), Period(17 * H + 30 * M, 18 * H + 20 * M)),
        network=(
            NetworkPeriod(8 * H, 8 * H + 50 * M, "cellular"),
            NetworkPeriod(8 * H + 50 * M, 17 * H + 30 * M, "wifi"),
            NetworkPeriod(17 * H + 30 * M, 18 * H + 20 * M, "cellular"),
        ),
        name="weekday",
    )


def _heavy_user() -> Day:
    # t=0 is midnight. Awake 07:00-01:00 with a session every half hour, mostly on cellular, one short top-up charge.
    apps = ("social", "video", "chat", "game", "browser", "maps")
    sessions = [Session(0, 30 * M, "video")]
    start = 7 * H
    i = 0
    while start + 12 * M <= 24 * H:
        sessions.append(Session(start, start + 12 * M, apps[i % len(apps)]))
        start += 30 * M
        i += 1
    return Day(
        screen=tuple(sessions),
        charging=(Period(13 * H, 13 * H + 40 * M),),
        moving=(Period(8 * H, 9 * H), Period(12 * H, 12 * H + 30 * M), Period(18 * H, 19 * H)),
        network=(NetworkPeriod(7 * H + 30 * M, 22 * H, "cellular"),),
        name="heavy_user",
    )


_PRESET_BUILDERS = {"desk_overnight": _desk_overnight, "weekday": _weekday, "heavy_user": _heavy_user}
DAY_PRESETS = tuple(_PRESET_BUILDERS)
