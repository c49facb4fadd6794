"""The broadcast queue with Android's numbers (android-facts §6): who a broadcast reaches by target SDK and the
exemption list, CONNECTIVITY_ACTION on targets 24+, runtime receivers only while the process lives, Android 14's
deferral for cached apps, the cold start a manifest receiver pays, the serial and modern queues, the 10 s / 60 s ANR
timeouts, goAsync() and a job scheduled from the receiver, and the battery, charger and screen broadcasts."""

from __future__ import annotations

import itertools
import re

import pytest

from sim import (
    App,
    Broadcast,
    Day,
    Device,
    Job,
    NetworkPeriod,
    Period,
    Receiver,
    Scenario,
    Session,
    run,
)
from sim.broadcasts.spec import DELAY_CACHED_S, DELAY_NORMAL_S
from sim.processes import ASSUMED_COLD_START_CPU_S as COLD
from sim.work import mechanism_from_dict

H = 3600.0


def _apps(*specs):
    """Apps a0, a1, ... each (target_sdk, mechanisms...)."""
    return tuple(App(f"a{i}", target_sdk=t, work=tuple(work)) for i, (t, *work) in enumerate(specs))


def _run(*specs, api=34, day=None, duration=H, **device):
    return run(Scenario(device=Device(api_level=api, **device), day=day if day is not None else Day(),
                        apps=_apps(*specs), duration_s=duration))


def _got(r, app, action=None):
    """Times the app's receivers got a broadcast (of `action`)."""
    return [e.t_s for e in r.events if e.kind == "broadcast_received" and e.app == app
            and (action is None or e.detail.startswith(action + ":"))]


def _refused(r, app):
    return [e.detail for e in r.events if e.kind == "broadcast_not_delivered" and e.app == app]


def _charger_at(t0, t1=None):
    return Day(charging=(Period(t0, t1 if t1 is not None else t0 + 600),))


def _commute(*switches, start="wifi"):
    """Network periods alternating from `start` at each switch time (the default network before the first)."""
    other = {"wifi": "cellular", "cellular": "wifi"}
    periods, net = [], other[start]
    times = [*switches, H]
    for a, b in itertools.pairwise(times):
        periods.append(NetworkPeriod(a, b, net))
        net = other[net]
    return Day(network=tuple(periods), network_default=start)


# -- delivery by target SDK and the exemption list (android-facts §6) ------------------------------------------------
def test_an_implicit_broadcast_reaches_manifest_receivers_of_target_25_but_not_26_on_android_8():
    rx = Receiver(actions=("power_connected",), cpu_s=0.1)
    r = _run((25, rx), (26, rx), api=26, day=_charger_at(600))
    assert _got(r, "a0") == [600.0]
    assert _got(r, "a1") == []
    assert any("not delivered to manifest receivers of apps targeting 26+" in d for d in _refused(r, "a1"))
    # on Android 7.1 (API 25) the limit does not exist yet, whatever the target
    old = _run((25, rx), (26, rx), api=25, day=_charger_at(600))
    assert _got(old, "a0") == [600.0] and _got(old, "a1") == [pytest.approx(600.0 + COLD + 0.1)]  # (serial queue)


@pytest.mark.parametrize("action", ["boot_completed", "locale_changed", "time_set", "timezone_changed"])
def test_exempt_broadcasts_still_reach_manifest_receivers_of_target_34(action):
    r = _run((34, Receiver(actions=(action,)), Broadcast(action=action, at_s=120.0)), api=34)
    assert _got(r, "a0", action) == [120.0 + DELAY_NORMAL_S]  # (the modern queue's 0.5 s debounce)
    assert _refused(r, "a0") == []


def test_package_replaced_is_not_exempt():
    r = _run((34, Receiver(actions=("package_replaced",)), Broadcast(action="package_replaced", at_s=60.0)))
    assert _got(r, "a0") == []
    assert len(_refused(r, "a0")) == 1


def test_connectivity_action_does_not_reach_manifest_receivers_of_target_24_on_android_7():
    rx = Receiver(actions=("connectivity_change",))
    day = _commute(600.0)
    r = _run((23, rx), (24, rx), (25, rx), api=24, day=day)
    assert _got(r, "a0") == [600.0]
    assert _got(r, "a1") == [] and _got(r, "a2") == []
    assert all("CONNECTIVITY_ACTION" in d and "24+" in d for d in _refused(r, "a1"))
    # Android 6 (API 23) still delivers it to everyone
    old = _run((23, rx), (24, rx), api=23, day=day)
    assert _got(old, "a0") == [600.0] and _got(old, "a1") == [pytest.approx(600.0 + COLD + 0.1)]  # (serial queue)


def test_an_explicit_broadcast_reaches_a_manifest_receiver_of_target_34_and_starts_its_process():
    rx = Receiver(actions=("com.example.SYNC",), cpu_s=0.5)
    r = _run((34, rx), (34, Broadcast(action="com.example.SYNC", at_s=300.0, to="a0"),
                           Broadcast(action="com.example.SYNC", at_s=900.0)))
    assert _got(r, "a0") == [300.0 + DELAY_NORMAL_S]  # the implicit one at 900 s is not delivered
    assert len(_refused(r, "a0")) == 1
    starts = [e.t_s for e in r.events if e.kind == "process_start" and e.app == "a0"]
    assert starts == [300.0 + DELAY_NORMAL_S]


def test_screen_on_and_off_reach_runtime_receivers_only():
    day = Day(screen=(Session(300, 600, "a1"), Session(1200, 1300, None)))
    rx_m = Receiver(actions=("screen_on", "screen_off"), registered="manifest")
    rx_r = Receiver(actions=("screen_on", "screen_off"), registered="runtime")
    r = _run((23, rx_m), (34, rx_r), api=33, day=day)
    assert _got(r, "a0") == []
    assert all("runtime receivers only" in d for d in _refused(r, "a0"))
    # SCREEN_ON is sent before the app comes to the front: a1's process starts just after it, at 300 s; it stays
    # cached after, so it hears the rest (API 33)
    assert _got(r, "a1") == [600.0, 1200.0, 1300.0]


def test_the_app_on_screen_hears_screen_off_in_its_activity_on_android_14():
    rx = Receiver(actions=("screen_off",), registered="activity")
    r = _run((34, rx), api=34, day=Day(screen=(Session(300, 600, "a0"),)))
    assert _got(r, "a0") == [600.0]  # (the foreground queue: no DELAY_NORMAL)


# -- runtime receivers: only while the process lives -----------------------------------------------------------------
def test_a_runtime_receiver_hears_nothing_before_its_process_runs_and_everything_after_on_android_13():
    rx = Receiver(actions=("connectivity_change",), registered="runtime")
    day = Day(screen=(Session(1000, 1100, "a0"),), network=_commute(500.0, 1500.0, 2000.0).network)
    r = _run((34, rx), api=33, day=day)
    assert _got(r, "a0") == [1500.0, 2000.0]
    assert any("process is not running" in d for d in _refused(r, "a0"))


def test_an_activity_registered_receiver_hears_only_while_the_app_is_on_screen():
    rx = Receiver(actions=("connectivity_change",), registered="activity")
    day = Day(screen=(Session(1000, 1600, "a0"),), network=_commute(500.0, 1500.0, 2000.0).network)
    r = _run((34, rx), api=33, day=day)
    assert _got(r, "a0") == [1500.0]


# -- Android 14: broadcasts to cached apps' runtime receivers are held -------------------------------------------------
def test_android_14_holds_a_cached_apps_system_broadcasts_merges_them_and_delivers_when_it_comes_back():
    rx = Receiver(actions=("connectivity_change",), registered="runtime", cpu_s=0.2)
    day = Day(screen=(Session(100, 200, "a0"), Session(3000, 3100, "a0")),
              network=_commute(500.0, 1000.0, 1500.0).network)
    r = _run((34, rx), api=34, day=day)
    # three changes while cached: one delivery (merged), when the app comes to the front at 3000 s
    assert _got(r, "a0") == [3000.0]
    assert r.summary["broadcast_held"] == 1.0 and r.summary["broadcast_merged"] == 2.0
    held = [s for s in r.lane("broadcast", "a0") if s.value == "held"]
    assert [(s.start_s, s.end_s) for s in held] == [(1500.0, 3000.0)]  # (the latest of the merged ones)
    # the same on Android 13: each one at once
    r13 = _run((34, rx), api=33, day=day)
    assert _got(r13, "a0") == [500.0, 1000.0, 1500.0]


def test_android_14_delays_an_apps_own_broadcast_to_a_cached_app_by_120_s():
    rx = Receiver(actions=("com.example.PING",), registered="runtime", cpu_s=0.2)
    day = Day(screen=(Session(100, 200, "a0"),))
    r = _run((34, rx), (34, Broadcast(action="com.example.PING", at_s=1000.0)), api=34, day=day)
    assert _got(r, "a0") == [1000.0 + DELAY_CACHED_S]


def test_android_14_releases_held_broadcasts_when_the_app_runs_other_work():
    rx = Receiver(actions=("power_connected",), registered="runtime", cpu_s=0.2)
    day = Day(screen=(Session(100, 200, "a0"),), charging=(Period(600, 1200),))
    r = _run((34, rx, Job(at_s=900.0, cpu_s=1.0)), api=34, day=day)
    job_start = next(w.start_s for w in r.work if w.mechanism == "job")
    assert _got(r, "a0") == [job_start]


# -- the cost of a manifest receiver: a cold start, CPU, the radio, the cache ------------------------------------------
def test_a_manifest_receiver_cold_starts_its_process_and_pays_the_start_and_its_cpu():
    rx = Receiver(actions=("power_connected",), cpu_s=2.0)
    r = _run((25, rx), api=33, day=_charger_at(600))
    [w] = [w for w in r.work if w.app == "a0"]
    assert (w.mechanism, w.start_s, w.end_s) == ("broadcast", 600.0, 600.0 + COLD + 2.0)
    assert r.summary["broadcast_cold_starts"] == 1.0 and r.summary["process_cold_starts"] == 1.0
    states = [s.value for s in r.lane("process", "a0")]
    assert states == ["not_running", "receiver", "cached"]


def test_a_receivers_transfer_on_cellular_pays_a_promotion_and_the_tail():
    rx = Receiver(actions=("connectivity_change",), cpu_s=0.1, down_bytes=100_000)
    day = Day(network=(NetworkPeriod(600, 1800, "cellular"),), screen=(Session(0, H, None),))
    r = _run((23, rx), api=33, day=day)
    assert _got(r, "a0") == [600.0, 1800.0]
    [w1, w2] = [w for w in r.work if w.app == "a0"]
    assert (w1.network, w2.network) == ("cellular", "wifi")
    assert r.summary["radio_promotions"] == 1.0
    assert any(e.component == "radio.tail" and e.app == "a0" and e.mah > 0 for e in r.energy)


def test_a_storm_on_android_13_delivers_to_manifest_receivers_one_at_a_time():
    rx = Receiver(actions=("connectivity_change",), cpu_s=1.0)
    r = _run((23, rx), (23, rx), (23, rx), api=33, day=_commute(600.0))
    starts = [_got(r, f"a{i}") for i in range(3)]
    step = COLD + 1.0
    assert starts == [[600.0], [pytest.approx(600.0 + step)], [pytest.approx(600.0 + 2 * step)]]


def test_a_storm_on_android_14_runs_four_apps_at_once_with_one_cold_start_at_a_time():
    rx = Receiver(actions=("connectivity_change",), cpu_s=5.0)
    r = _run(*[(23, rx)] * 6, api=34, day=_commute(600.0))
    starts = sorted(t for i in range(6) for t in _got(r, f"a{i}"))
    t0 = 600.0 + DELAY_NORMAL_S
    # four queues start a cold start COLD apart; the fifth waits for the first to finish (t0 + COLD + 5 s)
    assert starts[:4] == [pytest.approx(t0 + k * COLD) for k in range(4)]
    assert starts[4] == pytest.approx(t0 + COLD + 5.0)
    assert r.summary["broadcast_cold_starts"] == 6.0


def test_a_storm_while_the_user_is_on_screen_costs_frames():
    rx = Receiver(actions=("connectivity_change",), cpu_s=3.0)
    day = Day(screen=(Session(0, 1200, "browser"),), network=_commute(600.0).network)
    storm = _run(*[(23, rx)] * 12, api=34, day=day)
    quiet = _run(*[(34, rx)] * 12, api=34, day=day)  # target 34: not delivered
    assert storm.summary["broadcast_deliveries"] == 12.0 and quiet.summary["broadcast_deliveries"] == 0.0
    assert storm.summary["janky_frames_from_background"] > 10.0
    assert quiet.summary["janky_frames_from_background"] == pytest.approx(0.0)


def test_receivers_push_other_processes_out_of_the_cache():
    rx = Receiver(actions=("connectivity_change",), cpu_s=0.1)
    r = _run(*[(23, rx)] * 34, api=33, day=_commute(600.0))
    assert r.summary["broadcast_cold_starts"] == 34.0
    assert r.summary["process_kills"] == 2.0  # 34 processes, 32 cached at most


# -- onReceive limits: the two queues' ANR timeouts, goAsync(), a job --------------------------------------------------
def _slow(run_, cpu_s, fg, api=33):
    rx = Receiver(actions=("com.example.WORK",), cpu_s=cpu_s, run=run_)
    return _run((34, rx), (34, Broadcast(action="com.example.WORK", at_s=100.0, to="a0", foreground=fg)), api=api)


def _anrs(r):
    return [e.t_s for e in r.events if e.kind == "anr" and e.app == "a0"]


@pytest.mark.parametrize("run_", ["on_receive", "go_async"])
def test_a_receiver_on_the_foreground_queue_gets_an_anr_at_10_s(run_):
    r = _slow(run_, 15.0, fg=True)
    assert _anrs(r) == [110.0]
    [w] = [w for w in r.work if w.app == "a0"]
    assert w.end_s == 110.0  # stopped there (cold start included in the 10 s)
    assert r.summary["broadcast_anrs"] == 1.0


@pytest.mark.parametrize("run_", ["on_receive", "go_async"])
def test_a_receiver_on_the_background_queue_has_60_s(run_):
    assert _anrs(_slow(run_, 15.0, fg=False)) == []
    assert _anrs(_slow(run_, 70.0, fg=False)) == [160.0]
    assert _anrs(_slow(run_, 59.0, fg=False)) == []
    assert _anrs(_slow(run_, 60.0, fg=False)) == [160.0]  # 60 s of CPU + the cold start: past 60 s


def test_android_14s_queue_has_the_same_timeouts_from_the_dispatch():
    assert _anrs(_slow("on_receive", 15.0, fg=True, api=34)) == [110.0]
    assert _anrs(_slow("on_receive", 70.0, fg=False, api=34)) == [100.0 + DELAY_NORMAL_S + 60.0]


def test_a_job_scheduled_from_the_receiver_does_the_work_with_no_anr():
    r = _slow("job", 70.0, fg=True)
    assert _anrs(r) == []
    jobs = [w for w in r.work if w.mechanism == "job"]
    assert len(jobs) == 1 and jobs[0].cpu_s == 70.0
    assert r.summary["broadcast_jobs_scheduled"] == 1.0


def test_a_job_still_waiting_is_replaced_not_doubled():
    rx = Receiver(actions=("connectivity_change",), cpu_s=1.0, down_bytes=50_000, run="job",
                  job_network="unmetered")
    day = Day(network=(NetworkPeriod(600, 1200, "cellular"), NetworkPeriod(1200, 1800, "none"),
                       NetworkPeriod(1800, 2400, "cellular")), screen=(Session(0, H, None),))
    r = _run((23, rx), api=33, day=day)
    assert _got(r, "a0") == [600.0, 1200.0, 1800.0, 2400.0]
    # the job scheduled at 600 s is replaced at 1200 s and 1800 s (still waiting for Wi-Fi) and runs at 2400 s; the
    # broadcast of 2400 s comes after it started, and schedules the next
    jobs = [w for w in r.work if w.mechanism == "job"]
    assert jobs[0].network == "wifi" and jobs[0].start_s == 2400.0 and jobs[0].requested_s < 601.0
    assert len(jobs) == 2 and r.summary["broadcast_jobs_scheduled"] == 2.0
    assert sum(1 for e in r.events if e.kind == "broadcast_job" and "replaced" in e.detail) == 2


# -- the broadcasts of the day: charger, battery -------------------------------------------------------------------
def test_power_connected_and_disconnected_follow_the_charger():
    rx = Receiver(actions=("power_connected", "power_disconnected"), cpu_s=0.1)
    r = _run((25, rx), api=33, day=_charger_at(600, 1500))
    assert _got(r, "a0", "power_connected") == [600.0]
    assert _got(r, "a0", "power_disconnected") == [1500.0]


def test_battery_low_at_15_percent_and_okay_back_at_20_percent():
    rx = Receiver(actions=("battery_low", "battery_okay"), registered="manifest", cpu_s=0.1)
    # (the screen's energy is booked as each session ends: short sessions let the level be read as it falls)
    day = Day(screen=tuple(Session(t, t + 295.0, None) for t in range(0, 3000, 300)), charging=(Period(3000, 6000),))
    r = _run((25, rx), api=33, day=day, duration=2 * H, battery_start_pct=15.5)
    [low] = _got(r, "a0", "battery_low")
    [okay] = _got(r, "a0", "battery_okay")
    assert low < 3000.0 < okay
    low_e = next(e for e in r.events if e.kind == "broadcast_sent" and e.detail.startswith("battery_low"))
    ok_e = next(e for e in r.events if e.kind == "broadcast_sent" and e.detail.startswith("battery_okay"))
    assert float(low_e.detail.split("battery at ")[1].split(" %")[0]) <= 15.0
    assert float(ok_e.detail.split("battery at ")[1].split(" %")[0]) >= 20.0


# -- the summary and the rest of the run ----------------------------------------------------------------------------
def test_runs_without_receivers_have_no_broadcast_metrics():
    r = _run((34,), day=_commute(600.0))
    assert not any(k.startswith("broadcast") for k in r.summary)
    assert not any(e.kind.startswith("broadcast") for e in r.events)


def test_receivers_and_broadcasts_build_from_dicts():
    rx = mechanism_from_dict({"kind": "receiver", "actions": ["connectivity_change"], "registered": "runtime"})
    assert rx == Receiver(actions=("connectivity_change",), registered="runtime")
    b = mechanism_from_dict({"kind": "broadcast", "action": "boot_completed", "at_s": 0})
    assert b == Broadcast(action="boot_completed", at_s=0)


def test_a_run_with_receivers_is_deterministic():
    rx = Receiver(actions=("connectivity_change", "power_connected"), cpu_s=1.0, down_bytes=10_000)
    sc = Scenario(device=Device(api_level=34), day=Day.preset("weekday"),
                  apps=_apps(*[(23, rx)] * 5, (34, Receiver(actions=("screen_on",), registered="runtime"))))
    assert run(sc, seed=3) == run(sc, seed=3)


# -- bad input: ValueError naming the field, the value and what is allowed ------------------------------------------
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Receiver(actions=("conectivity_change",)),
         "Receiver.actions='conectivity_change': allowed connectivity_change, power_connected"),
        (lambda: Receiver(actions=()), "Receiver.actions=(): allowed one or more actions"),
        (lambda: Receiver(actions=(3,)), "Receiver.actions: item 3: allowed str"),
        (lambda: Receiver(registered="dynamic"), "Receiver.registered='dynamic': allowed manifest, runtime, activity"),
        (lambda: Receiver(run="thread"), "Receiver.run='thread': allowed on_receive, go_async, job"),
        (lambda: Receiver(job_network="metered"), "Receiver.job_network='metered': allowed any, unmetered"),
        (lambda: Receiver(cpu_s=-1), "Receiver.cpu_s=-1: allowed [0, 3600]"),
        (lambda: Receiver(cpu_s=0), "Receiver: cpu_s=0, up_bytes=0, down_bytes=0: allowed work that does something"),
        (lambda: Receiver(down_bytes=1.5), "Receiver.down_bytes=1.5: allowed 0..10000000000"),
        (lambda: Broadcast(action="connectivity_change"),
         "Broadcast.action='connectivity_change': allowed boot_completed, time_set"),
        (lambda: Broadcast(action="SYNC"), "Broadcast.action='SYNC': allowed connectivity_change"),
        (lambda: Broadcast(action="boot_completed", to="a0"),
         "Broadcast.to='a0': allowed only with an app's own action"),
        (lambda: Broadcast(to=""), "Broadcast.to='': allowed an app's name or None"),
        (lambda: Broadcast(every_s=0.5), "Broadcast.every_s=0.5: allowed [1, 2.4192e+06]"),
        (lambda: Broadcast(at_s=-1), "Broadcast.at_s=-1: allowed [0, 2.4192e+06]"),
        (lambda: Broadcast(foreground="yes"), "Broadcast.foreground='yes': allowed True or False"),
        (lambda: Receiver(action="boot_completed"), "Receiver.action: unknown field (did you mean 'actions'?)"),
    ],
)
def test_bad_receivers_and_broadcasts_are_refused_by_name(make, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        make()


def test_a_broadcast_to_an_app_the_scenario_lacks_is_refused_by_name():
    with pytest.raises(ValueError, match=r"^Broadcast\.to='nobody': allowed the name of one of the scenario's apps "
                                         r"\(a0\)"):
        _run((34, Broadcast(to="nobody")))


def test_a_single_action_string_is_taken_as_one_action():
    assert Receiver(actions="power_connected").actions == ("power_connected",)


def test_a_runtime_receiver_whose_process_was_killed_hears_nothing():
    # 34 apps with runtime receivers, each opened once, on Android 13 (nothing held): the cache keeps 32, so the
    # least recently used processes are killed, and their receivers die with them.
    rx = Receiver(actions=("connectivity_change",), registered="runtime")
    sessions = tuple(Session(10.0 * i, 10.0 * i + 5, f"a{i}") for i in range(34))
    r = _run(*[(34, rx)] * 34, api=33, day=Day(screen=sessions, network=_commute(1000.0).network))
    assert r.summary["process_kills"] >= 1
    heard = {e.app for e in r.events if e.kind == "broadcast_received"}
    killed = {e.app for e in r.events if e.kind == "process_kill"}
    assert killed and not (heard & killed)
    assert len(heard) == 34 - len(killed)
