"""What the reader chose: the device, the user's day and the apps, as frozen, validated dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from sim._validate import (
    ScenarioError,
    as_tuple,
    check_bool,
    check_choice,
    check_int,
    check_keys,
    check_number,
    check_type,
    show,
    strict,
)
from sim.assumptions import Assumptions
from sim.buckets import BUCKETS
from sim.day import DAY_PRESETS, Day
from sim.doze import DozeTimings
from sim.power import DEFAULT_PROFILE, PROFILES, PowerProfile
from sim.standby import AUTO
from sim.work import ImmediateWork, Mechanism, mechanism_from_dict

__all__ = ["API_LEVELS", "CELLULAR", "PRESETS", "App", "Device", "Scenario"]

API_LEVELS = (21, 35)  # Android 5.0 (Lollipop) .. Android 15
CELLULAR = ("lte", "3g")
RESERVED_APP_NAMES = ("system", "screen", "")
MAX_DURATION_S = 28 * 86_400.0
# The model's own limit, not Android's: the day's spans, ImmediateWork.every_s and the Doze timings all have a
# 1 s floor, and a run shorter than that says nothing (per-hour metrics of a 5e-324 s run divide by zero).
MIN_DURATION_S = 1.0


def _fields(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]


@strict
@dataclass(frozen=True)
class Device:
    """The phone: Android API level, power profile (a name from sim.PROFILES or a PowerProfile), cellular radio
    ("lte" or "3g"), battery charge at the start, and Doze timings (None: AOSP defaults for the API level).

    Raises ValueError naming the field for an API level outside 21..35, an unknown profile or radio, or a start
    charge outside 0..100 %.
    """

    api_level: int = 34
    profile: str | PowerProfile = DEFAULT_PROFILE
    cellular: str = "lte"
    battery_start_pct: float = 100.0
    doze: DozeTimings | None = None

    def __post_init__(self) -> None:
        check_int("Device", "api_level", self.api_level, lo=API_LEVELS[0], hi=API_LEVELS[1])
        if not isinstance(self.profile, PowerProfile):
            check_choice("Device", "profile", self.profile, PROFILES)
        check_choice("Device", "cellular", self.cellular, CELLULAR)
        check_number("Device", "battery_start_pct", self.battery_start_pct, lo=0.0, hi=100.0)
        if self.doze is not None:
            check_type("Device", "doze", self.doze, DozeTimings, "a DozeTimings or None")

    @property
    def power(self) -> PowerProfile:
        """The power profile in force."""
        return self.profile if isinstance(self.profile, PowerProfile) else PROFILES[self.profile]

    @property
    def doze_timings(self) -> DozeTimings:
        """The Doze timings in force: the scenario's, or AOSP's for this API level."""
        return self.doze if self.doze is not None else DozeTimings.aosp(self.api_level)

    @classmethod
    def from_dict(cls, data: object) -> Device:
        d = dict(check_keys("Device", data, _fields(cls)))
        if isinstance(d.get("doze"), dict):
            d["doze"] = DozeTimings(**check_keys("DozeTimings", d["doze"], _fields(DozeTimings)))
        if isinstance(d.get("profile"), dict):
            d["profile"] = PowerProfile(**check_keys("PowerProfile", d["profile"], _fields(PowerProfile)))
        return cls(**d)


@strict
@dataclass(frozen=True)
class App:
    """An app: its name, target SDK, standby bucket (one of sim.BUCKETS, or "auto" for the bucket Android derives
    from use: ACTIVE when it comes to the front, then down as time and screen-on time pass), the work it needs
    done (each item a mechanism such as ImmediateWork), and whether the user exempted it from battery optimisation
    (Doze allowlist).

    Raises ValueError naming the field for an empty or reserved name, a target SDK outside 21..35, an unknown
    bucket, or work that is not a mechanism.
    """

    name: str
    target_sdk: int = 34
    bucket: str = "active"
    work: tuple[Mechanism, ...] = ()
    doze_exempt: bool = False

    def __post_init__(self) -> None:
        check_type("App", "name", self.name, str, "a non-empty string")
        if self.name in RESERVED_APP_NAMES:
            raise ScenarioError(f"App.name={show(self.name)}: allowed any name but {RESERVED_APP_NAMES}")
        check_int("App", "target_sdk", self.target_sdk, lo=API_LEVELS[0], hi=API_LEVELS[1])
        check_choice("App", "bucket", self.bucket, (*BUCKETS, AUTO))
        if isinstance(self.work, Mechanism):
            object.__setattr__(self, "work", (self.work,))
        work = as_tuple("App", "work", self.work, object)
        for w in work:
            if not isinstance(w, Mechanism):
                raise ScenarioError(f"App.work: item {show(w)}: allowed a mechanism such as ImmediateWork(...)")
        object.__setattr__(self, "work", work)
        check_type("App", "doze_exempt", self.doze_exempt, bool, "True or False")

    @classmethod
    def from_dict(cls, data: object) -> App:
        d = dict(check_keys("App", data, _fields(cls)))
        if "work" in d:
            work = d["work"]
            if not isinstance(work, list | tuple):
                raise ScenarioError(f"App.work={show(work)}: allowed a list of work dicts")
            d["work"] = tuple(w if isinstance(w, Mechanism) else mechanism_from_dict(w) for w in work)
        return cls(**d)


def _default_day() -> Day:
    return Day.preset("desk_overnight")


@strict
@dataclass(frozen=True)
class Scenario:
    """A whole scenario: device, day, apps, how long to simulate, and the model's assumptions.

    Raises ValueError naming the field for a duration outside 1 s..28 days, apps that are not App, or two apps
    with the same name.
    """

    device: Device = field(default_factory=Device)
    day: Day = field(default_factory=_default_day)
    apps: tuple[App, ...] = ()
    duration_s: float = 86_400.0
    assumptions: Assumptions = field(default_factory=Assumptions)

    def __post_init__(self) -> None:
        check_type("Scenario", "device", self.device, Device, "a Device(...)")
        check_type("Scenario", "day", self.day, Day, "a Day(...) or Day.preset(name)")
        apps = as_tuple("Scenario", "apps", self.apps, App)
        object.__setattr__(self, "apps", apps)
        seen: set[str] = set()
        for app in apps:
            if app.name in seen:
                raise ScenarioError(f"Scenario.apps: app name {show(app.name)} appears twice; allowed: unique names")
            seen.add(app.name)
        check_number("Scenario", "duration_s", self.duration_s, lo=MIN_DURATION_S, hi=MAX_DURATION_S)
        check_type("Scenario", "assumptions", self.assumptions, Assumptions, "an Assumptions(...)")

    @classmethod
    def preset(cls, name: str, *, variation: bool = False, **changes: Any) -> Scenario:
        """A ready-made scenario (see PRESETS): its day, a set of apps, one day long. Keyword arguments replace
        fields, e.g. Scenario.preset("weekday", duration_s=7 * 86400)."""
        check_choice("Scenario.preset", "name", name, PRESETS)
        check_bool("Scenario.preset", "variation", variation)
        base = cls(day=Day.preset(name, variation=variation), apps=_PRESET_APPS[name]())
        return replace(base, **changes) if changes else base

    @classmethod
    def from_dict(cls, data: object) -> Scenario:
        """Build from plain data (e.g. parsed JSON); unknown keys raise ValueError naming them."""
        d = dict(check_keys("Scenario", data, [*_fields(cls), "preset", "variation"]))
        if "preset" in d:
            name = d.pop("preset")
            variation = check_bool("Scenario", "variation", d.pop("variation", False))
            base = cls.preset(name, variation=variation)
        else:
            if "variation" in d:
                raise ScenarioError("Scenario.variation: allowed only together with 'preset'")
            base = cls()
        changes: dict[str, Any] = {}
        if "device" in d:
            changes["device"] = Device.from_dict(d["device"])
        if "day" in d:
            changes["day"] = Day.from_dict(d["day"])
        if "apps" in d:
            apps = d["apps"]
            if not isinstance(apps, list | tuple):
                raise ScenarioError(f"Scenario.apps={show(apps)}: allowed a list of app dicts")
            changes["apps"] = tuple(App.from_dict(a) for a in apps)
        if "duration_s" in d:
            changes["duration_s"] = d["duration_s"]
        if "assumptions" in d:
            changes["assumptions"] = Assumptions(**check_keys("Assumptions", d["assumptions"], _fields(Assumptions)))
        return replace(base, **changes)


def _news(bucket: str = "working_set") -> App:
    return App("news", bucket=bucket, work=(ImmediateWork(every_s=900, cpu_s=2.0, down_bytes=200_000),))


def _desk_apps() -> tuple[App, ...]:
    return (
        _news(),
        App("chat", bucket="active", work=(ImmediateWork(every_s=600, cpu_s=0.5, up_bytes=2_000, down_bytes=8_000),)),
        App("weather", bucket="rare", work=(ImmediateWork(every_s=3600, cpu_s=1.0, down_bytes=50_000),)),
    )


def _weekday_apps() -> tuple[App, ...]:
    return (
        *_desk_apps(),
        App("social", bucket="active", work=(ImmediateWork(every_s=1800, cpu_s=3.0, down_bytes=1_500_000),)),
        App("mail", bucket="working_set", work=(ImmediateWork(every_s=900, cpu_s=1.0, down_bytes=100_000),)),
        App("fitness", bucket="frequent", work=(ImmediateWork(every_s=600, cpu_s=0.5),)),
        App("photos", bucket="frequent", work=(ImmediateWork(every_s=3600, cpu_s=8.0, up_bytes=3_000_000),)),
        App("shop", bucket="rare", work=(ImmediateWork(every_s=7200, cpu_s=1.5, down_bytes=300_000),)),
    )


def _heavy_apps() -> tuple[App, ...]:
    extra = tuple(
        App(f"app{i:02d}", bucket=BUCKETS[i % 4], work=(ImmediateWork(every_s=900, cpu_s=1.0, down_bytes=100_000),))
        for i in range(12)
    )
    return (*_weekday_apps(), *extra)


_PRESET_APPS = {"desk_overnight": _desk_apps, "weekday": _weekday_apps, "heavy_user": _heavy_apps}
PRESETS = DAY_PRESETS
