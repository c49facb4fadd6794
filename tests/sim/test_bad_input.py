"""Bad input anywhere in the public API (Scenario, its parts, from_dict, run, mechanisms) raises ValueError naming
the field, the value and what is allowed: never OverflowError, TypeError or ZeroDivisionError, never a silent
drop."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim import (
    PROFILES,
    App,
    Assumptions,
    Broadcast,
    Day,
    Device,
    DozeTimings,
    ImmediateWork,
    Job,
    NetworkPeriod,
    Period,
    PowerProfile,
    Receiver,
    Scenario,
    Session,
)
from sim.work import WorkItem

HUGE = 10**400

# Each class with the fields that must be given for it to build at all.
_BASES: dict[type, dict[str, object]] = {
    Scenario: {},
    Device: {},
    App: {"name": "a"},
    Day: {},
    Session: {"start_s": 0, "end_s": 60},
    Period: {"start_s": 0, "end_s": 60},
    NetworkPeriod: {"start_s": 0, "end_s": 60, "network": "wifi"},
    DozeTimings: {},
    PowerProfile: {k: v for k, v in dataclasses.asdict(PROFILES["nexus_6p"]).items()},
    Assumptions: {},
    ImmediateWork: {},
    WorkItem: {},
    Job: {"every_s": 900.0},
    Receiver: {},
    Broadcast: {},
}


def _numeric_fields() -> list[tuple[type, str]]:
    out = []
    for cls, base in _BASES.items():
        for f in dataclasses.fields(cls):
            value = base.get(f.name, f.default)
            if "float" in str(f.type) or "int" in str(f.type) or (
                isinstance(value, int | float) and not isinstance(value, bool)
            ):
                out.append((cls, f.name))
    return out


NUMERIC_FIELDS = _numeric_fields()


def test_every_numeric_field_is_covered():
    names = {f"{cls.__name__}.{name}" for cls, name in NUMERIC_FIELDS}
    assert {"Scenario.duration_s", "Device.api_level", "Session.start_s", "DozeTimings.idle_timeout_s",
            "PowerProfile.battery_capacity_mah", "Assumptions.foreground_cores", "ImmediateWork.down_bytes",
            "Job.fails"} <= names


@pytest.mark.parametrize(("cls", "name"), NUMERIC_FIELDS, ids=[f"{c.__name__}.{n}" for c, n in NUMERIC_FIELDS])
@pytest.mark.parametrize("value", [HUGE, -HUGE, 10**5000, float("nan"), float("inf"), -float("inf")],
                         ids=["1e400", "-1e400", "1e5000", "nan", "inf", "-inf"])
def test_a_huge_or_non_finite_number_is_refused_by_name(cls, name, value):
    kwargs = {**_BASES[cls], name: value}
    # ImmediateWork's amounts are checked as the WorkItem it asks for (tests/sim/test_work.py expects that name).
    owner = "(ImmediateWork|WorkItem)" if cls is ImmediateWork else cls.__name__
    with pytest.raises(ValueError, match=rf"^{owner}\.{name}=") as error:
        cls(**kwargs)
    if isinstance(value, int):
        assert "int of about" in str(error.value)  # the message itself does not overflow


def test_a_huge_duration_names_the_field_and_the_range():
    with pytest.raises(ValueError, match=re.escape(
        "Scenario.duration_s=<int of about 401 digits>: allowed a finite number [1, 2.4192e+06]"
    )):
        Scenario(duration_s=HUGE)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Scenario.from_dict({"apps": [{}]}), "App.name: missing; a required field (required: name)"),
        (lambda: Scenario.from_dict({"day": {"screen": [{"start_s": 0}]}}), "Session.end_s: missing"),
        (lambda: Scenario.from_dict({"day": {"charging": [{}]}}), "Period.start_s: missing"),
        (lambda: Scenario.from_dict({"day": {"network": [{"start_s": 0, "end_s": 60}]}}),
         "NetworkPeriod.network: missing"),
        (lambda: Scenario.from_dict({"device": {"profile": {"name": "mine", "battery_capacity_mah": 3000}}}),
         "PowerProfile.cpu_suspend_ma: missing"),
        (lambda: Day(screen=[[3600]]), "Session.end_s: missing; a required field (required: start_s, end_s)"),
        (lambda: App(), "App.name: missing"),
    ],
)
def test_a_missing_required_field_is_named(make, message):
    with pytest.raises(ValueError, match=re.escape(message)) as error:
        make()
    assert isinstance(error.value, TypeError)  # as Python raises for a missing argument, for callers that catch it


def test_a_field_given_twice_or_too_many_values_are_named():
    with pytest.raises(ValueError, match=re.escape("Session.start_s: given twice (by position and by keyword)")):
        Session(0, start_s=5)
    with pytest.raises(ValueError, match=re.escape("Session: takes at most 3 positional values, got 4")):
        Day(screen=[[0, 60, "chat", "extra"]])


def test_an_unhashable_work_kind_is_refused():
    with pytest.raises(ValueError, match=re.escape("work.kind=[]: allowed immediate, alarm, job")):
        Scenario.from_dict({"apps": [{"name": "a", "work": [{"kind": []}]}]})


def test_a_run_lasts_at_least_a_second():
    with pytest.raises(ValueError, match=re.escape("Scenario.duration_s=5e-324: allowed [1, 2.4192e+06]")):
        sim.run(Scenario(duration_s=5e-324))
    result = sim.run(Scenario(duration_s=1))
    assert result.meta["duration_s"] == 1
    assert all(math.isfinite(v) for v in result.summary.values())


@pytest.mark.parametrize("variation", ["no", 0, 1, None, "False"])
def test_variation_takes_only_true_or_false(variation):
    with pytest.raises(ValueError, match=re.escape(f"Scenario.variation={variation!r}: allowed True or False")):
        Scenario.from_dict({"preset": "weekday", "variation": variation})
    with pytest.raises(ValueError, match=re.escape(f"Day.variation={variation!r}: allowed True or False")):
        Day.from_dict({"preset": "weekday", "variation": variation})
    with pytest.raises(ValueError, match=r"(Scenario|Day)\.preset\.variation="):
        Scenario.preset("weekday", variation=variation)
    with pytest.raises(ValueError, match=r"Day\.preset\.variation="):
        Day.preset("weekday", variation=variation)


def test_variation_true_still_varies_the_day():
    assert Scenario.from_dict({"preset": "weekday", "variation": True}).day.jitter_s > 0
    assert Scenario.from_dict({"preset": "weekday", "variation": False}).day.jitter_s == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"": 1}, "Scenario: key '' (empty): unknown field; allowed: device, day, apps"),
        ({"device": {"": 1}}, "Device: key '' (empty): unknown field"),
        ({"dura tion_s": 1}, "Scenario: key 'dura tion_s': unknown field"),
        ({1: 2}, "Scenario: key 1: unknown field"),
        ({None: 2}, "Scenario: key None: unknown field"),
    ],
)
def test_an_empty_or_odd_key_is_shown_as_a_key(data, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Scenario.from_dict(data)
    with pytest.raises(TypeError):  # still a TypeError too, like any unknown field
        Scenario.from_dict(data)


def test_an_empty_keyword_is_shown_as_a_key():
    with pytest.raises(ValueError, match=re.escape("Scenario: key '' (empty): unknown field")):
        Scenario(**{"": 1})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Session(0, 0.5, "chat"), "Session.end_s=0.5: allowed >= start_s + 1 s (1): the span 0-0.5 s is "
                                          "shorter than the model's 1 s minimum"),
        (lambda: Period(100, 100.2), "Period.end_s=100.2: allowed >= start_s + 1 s (101)"),
        (lambda: NetworkPeriod(0, 1e-9, "none"), "NetworkPeriod.end_s=1e-09: allowed >= start_s + 1 s"),
        (lambda: Day.from_dict({"screen": [[10, 10.5]]}), "Session.end_s=10.5: allowed >= start_s + 1 s"),
    ],
)
def test_a_span_shorter_than_a_second_is_refused_not_dropped(make, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


def test_a_one_second_session_is_kept_every_day_of_a_long_run():
    day = Day(screen=(Session(100, 101, "chat"),))
    result = sim.run(Scenario(day=day, duration_s=28 * 86_400))
    on = [s for s in result.states if s.lane == "screen" and s.value == "on"]
    assert len(on) == 28 and all(s.end_s - s.start_s == pytest.approx(1.0) for s in on)


def test_doze_timings_have_a_floor_that_keeps_a_day_short():
    with pytest.raises(ValueError, match=re.escape("DozeTimings.idle_timeout_s=0.001: allowed [15, 604800]")):
        DozeTimings(idle_timeout_s=1e-3, max_idle_timeout_s=1e-3, maintenance_s=1e-3, max_maintenance_s=1e-3)
    with pytest.raises(ValueError, match=re.escape("DozeTimings.maintenance_s=0.001: allowed [1, 604800]")):
        DozeTimings(maintenance_s=1e-3)
    for name in ("light_idle_s", "light_max_idle_s", "motion_inactive_timeout_s", "max_idle_timeout_s"):
        with pytest.raises(ValueError, match=rf"DozeTimings\.{name}=14: allowed \[15, 604800\]"):
            DozeTimings(**{name: 14})
    # At the floors the day still runs, with a bounded number of Doze steps (at most one every 15 s).
    floors = {f.name: 1.0 for f in dataclasses.fields(DozeTimings) if not f.name.endswith("_factor")}
    floors.update(sensing_s=0, locating_s=0, idle_timeout_s=15, max_idle_timeout_s=15, light_idle_s=15,
                  light_max_idle_s=15, motion_inactive_timeout_s=15)
    fastest = DozeTimings(**floors, idle_factor=1, maintenance_factor=1, light_idle_factor=1)
    result = sim.run(Scenario(device=Device(doze=fastest), day=Day()))
    assert 0 < result.summary["wakeups"] <= 86_400 / 15


def test_link_speeds_have_a_floor():
    with pytest.raises(ValueError, match=re.escape("Assumptions.lte_down_mbps=5e-324: allowed [0.01, 10000]")):
        Assumptions(lte_down_mbps=5e-324)


# -- any broken dict: only ValueError comes out of Scenario.from_dict -------------------------------------------

_NAMES = sorted({f.name for cls in _BASES for f in dataclasses.fields(cls)} | {"preset", "variation", "kind"})
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=6),
    st.sampled_from(["", "weekday", "immediate", "job", "wifi", "none", "nexus_4", "active", "auto", "3g"]),
    st.sampled_from([HUGE, -HUGE, 5e-324, float("nan"), float("inf"), -float("inf"), 2**63]),
    st.builds(pow, st.just(10), st.just(5000)),  # past the 4300 digits repr() refuses
    st.binary(max_size=3),
)
_keys = st.one_of(st.sampled_from(_NAMES), st.text(max_size=4), st.integers(), st.none(), st.tuples(st.integers()))
garbage = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(_keys, inner, max_size=4),
        st.frozensets(st.integers(), max_size=3),
        st.sets(st.text(max_size=2), max_size=3),
    ),
    max_leaves=10,
)
_number = st.one_of(st.integers(-5, 10**6), st.floats(-1e7, 1e7), garbage)


def _obj(cls: type, **special: st.SearchStrategy) -> st.SearchStrategy:
    """A dict with some of `cls`'s fields (each a plausible number, a special value or garbage), maybe a stray key."""
    optional = {f.name: special.get(f.name, _number) for f in dataclasses.fields(cls)}
    return st.one_of(
        st.fixed_dictionaries({}, optional=optional),
        st.fixed_dictionaries({}, optional=optional).flatmap(
            lambda d: st.dictionaries(_keys, garbage, max_size=2).map(lambda extra: {**d, **extra})
        ),
        st.lists(_number, max_size=4),
        garbage,
    )


_work = st.one_of(
    _obj(ImmediateWork).map(lambda d: {"kind": "immediate", **d} if isinstance(d, dict) else d),
    _obj(Job, network=st.one_of(st.sampled_from(["any", "unmetered"]), garbage)).map(
        lambda d: {"kind": "job", **d} if isinstance(d, dict) else d),
    _obj(Receiver, actions=st.one_of(st.lists(st.sampled_from(["connectivity_change", "x", "com.a.B"])), garbage),
         registered=st.one_of(st.sampled_from(["manifest", "runtime"]), garbage)).map(
        lambda d: {"kind": "receiver", **d} if isinstance(d, dict) else d),
    _obj(Broadcast, action=st.one_of(st.sampled_from(["boot_completed", "screen_on", "com.a.B"]), garbage)).map(
        lambda d: {"kind": "broadcast", **d} if isinstance(d, dict) else d),
    st.fixed_dictionaries({"kind": garbage}),
)
_app = _obj(App, name=st.one_of(st.sampled_from(["a", "b", "system", ""]), garbage),
            bucket=st.one_of(st.sampled_from(["active", "rare", "auto"]), garbage),
            work=st.one_of(st.lists(_work, max_size=3), garbage))
_spans = st.one_of(st.lists(st.one_of(_obj(Session), _obj(NetworkPeriod), garbage), max_size=3), garbage)
_day = st.one_of(
    st.sampled_from(["weekday", "desk_overnight", "nope"]),
    _obj(Day, screen=_spans, charging=_spans, moving=_spans, network=_spans),
    st.fixed_dictionaries({"preset": st.one_of(st.just("weekday"), garbage)}, optional={"variation": _scalars}),
)
_device = _obj(Device, profile=st.one_of(st.sampled_from(["nexus_4", "pixel"]), _obj(PowerProfile)),
               doze=_obj(DozeTimings))
_parts = {"device": _device, "day": _day, "apps": st.one_of(st.lists(_app, max_size=3), garbage),
          "duration_s": _number, "assumptions": _obj(Assumptions)}
_scenario = st.one_of(
    st.fixed_dictionaries({}, optional=_parts),
    st.fixed_dictionaries({"preset": st.one_of(st.just("weekday"), garbage)},
                          optional={"variation": st.one_of(st.booleans(), _scalars), **_parts}),
    st.dictionaries(_keys, garbage, max_size=3),
    garbage,
)
_OWNERS = re.compile(r"^(Scenario|Device|App|Day|Session|Period|NetworkPeriod|DozeTimings|PowerProfile|Assumptions|"
                     r"ImmediateWork|WorkItem|Job|Receiver|Broadcast|work)\b")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_scenario)
def test_from_dict_raises_only_value_error_for_broken_data(data):
    try:
        scenario = Scenario.from_dict(data)
    except ValueError as error:
        message = str(error)
        assert _OWNERS.match(message), message  # names what was wrong (not a ValueError from deep inside Python)
        assert len(message) < 2000
        return
    assert isinstance(scenario, Scenario)
