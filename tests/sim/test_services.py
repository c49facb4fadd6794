"""ActivityManager's services with Android's numbers (android-facts §5, §8 scenarios 1-5): Android 8's background
service limits and their temporary-allowlist exemptions, the startForeground() deadline by version, Android 12's
background foreground-service start restriction and its exemptions, Android 14's shortService timeout and required
type, Android 15's dataSync limit, bound services, pre-26 behaviour, and what a service's work costs."""

from __future__ import annotations

import pytest

from sim import App, Day, Device, NetworkPeriod, Scenario, Service, Session, run
from sim.work import mechanism_from_dict

H = 3600.0
M = 60.0


def _run(*services, api=34, target=34, day=None, duration=2 * H, exempt=False, other=()):
    app = App("a", target_sdk=target, work=tuple(services), doze_exempt=exempt)
    return run(Scenario(device=Device(api_level=api), day=day if day is not None else Day(),
                        apps=(app, *other), duration_s=duration))


def _front(t0, t1, app="a", *more):
    """The screen on from t0 to t1 with `app` in front (and more sessions after)."""
    return Day(screen=(Session(t0, t1, app), *more))


def _events(r, kind):
    return [(e.t_s, e.detail) for e in r.events if e.kind == kind and e.app == "a"]


def _service_spans(r, lane="service"):
    return [(s.start_s, s.end_s, s.value) for s in r.lane(lane, "a")]


# -- 1. a started service after the user leaves the app (android-facts §8 scenario 1) --------------------------------
def test_a_started_service_is_stopped_60_s_after_the_app_leaves_the_front():
    r = _run(Service(mode="started", at_s=100, from_="foreground", run_s=H), api=26, target=26,
             day=_front(0, 300))
    assert _service_spans(r) == [(100.0, 360.0, "started")]  # 300 s (Home) + BACKGROUND_SETTLE_TIME 60 s
    stops = _events(r, "service_stop")
    assert len(stops) == 1 and stops[0][0] == 360.0 and "Stopping service due to app idle" in stops[0][1]
    assert r.summary["service_stopped_idle"] == 1.0 and r.summary["service_starts"] == 1.0
    assert not _events(r, "anr") and not _events(r, "crash")
    # the process ran the service between leaving the front and the stop, and nothing after it
    assert any(s.value == "service" and s.start_s <= 300.0 < s.end_s for s in r.lane("process", "a"))
    assert max(w.end_s for w in r.work if w.app == "a") <= 360.0


def test_coming_back_within_the_settle_time_keeps_the_service():
    day = Day(screen=(Session(0, 300, "a"), Session(330, 600, "a")))
    r = _run(Service(at_s=100, run_s=H), day=day)
    assert _service_spans(r) == [(100.0, 660.0, "started")]  # left again at 600 s: stopped at 660 s


def test_the_settle_time_is_not_applied_to_apps_targeting_25_or_on_android_7():
    for api, target in ((26, 25), (25, 34)):
        r = _run(Service(at_s=100, run_s=H), api=api, target=target, day=_front(0, 300))
        assert _service_spans(r) == [(100.0, H + 100.0, "started")], (api, target)
        assert r.summary["service_stopped_idle"] == 0.0


# -- 2. startService() from the background (android-facts §8 scenario 2) ----------------------------------------------
def test_start_service_from_an_idle_background_app_fails_for_target_26_but_not_for_target_25():
    refused = _run(Service(at_s=1000, from_="exact_alarm", run_s=600), api=26, target=26)
    assert _service_spans(refused) == []
    [(t, detail)] = _events(refused, "service_refused")
    assert t == 1000.0 and "IllegalStateException" in detail and "app is in background" in detail
    assert refused.summary["service_refused"] == 1.0 and refused.summary["service_starts"] == 0.0
    assert any("refused" in n and "IllegalStateException" in n for n in refused.notes)
    assert not [w for w in refused.work if w.app == "a"]  # no work, no energy
    allowed = _run(Service(at_s=1000, from_="exact_alarm", run_s=600), api=26, target=25)
    assert _service_spans(allowed) == [(1000.0, 1600.0, "started")]
    assert any("targets API 25" in n for n in allowed.notes)


def test_start_service_within_the_settle_time_is_allowed_and_after_it_refused():
    day = _front(0, 300)
    inside = _run(Service(at_s=359, from_="background", run_s=600), day=day)
    assert _service_spans(inside) == [(359.0, 360.0, "started")]  # allowed, then stopped when the UID goes idle
    after = _run(Service(at_s=361, from_="background", run_s=600), day=day)
    assert after.summary["service_refused"] == 1.0


@pytest.mark.parametrize(("from_", "allow_s"), [("push", 300.0), ("notification", 30.0)])
def test_a_temporary_allowlist_lets_a_background_app_start_a_service_for_its_duration(from_, allow_s):
    r = _run(Service(at_s=1000, from_=from_, run_s=H))
    assert _service_spans(r) == [(1000.0, 1000.0 + allow_s, "started")]
    assert r.summary["service_refused"] == 0.0 and r.summary["service_stopped_idle"] == 1.0


# -- 3. startForegroundService() without startForeground() (android-facts §8 scenario 3) -----------------------------
@pytest.mark.parametrize(("api", "deadline", "kind", "kind_at"), [
    (26, 5.0, "anr", 5.0), (27, 5.0, "anr", 5.0), (28, 10.0, "anr", 10.0), (30, 10.0, "anr", 10.0),
    (31, 10.0, "crash", 10.0), (33, 10.0, "crash", 10.0), (34, 30.0, "crash", 40.0), (35, 30.0, "crash", 40.0)])
def test_missing_the_start_foreground_deadline_stops_the_service_with_an_anr_or_a_crash(api, deadline, kind, kind_at):
    r = _run(Service(mode="foreground", at_s=100, run_s=600, calls_start_foreground_after_s=None,
                     fgs_type="dataSync"), api=api, target=api, day=_front(0, 200))
    assert _service_spans(r) == [(100.0, 100.0 + deadline, "foreground")]
    assert [t for t, _ in _events(r, "fgs_timeout")] == [100.0 + deadline]
    [(t, detail)] = _events(r, kind)
    assert t == 100.0 + kind_at
    if kind == "crash":
        assert "ForegroundServiceDidNotStartInTimeException" in detail
    assert not _events(r, "crash" if kind == "anr" else "anr")
    assert r.summary["fgs_timeouts"] == 1.0 and r.summary["notification_s"] == 0.0
    assert _service_spans(r, "notification") == []


@pytest.mark.parametrize(("api", "delay", "ok"), [(26, 5.0, True), (26, 6.0, False), (28, 10.0, True),
                                                  (28, 11.0, False), (34, 25.0, True)])
def test_start_foreground_in_time_shows_the_notification_until_the_service_ends(api, delay, ok):
    r = _run(Service(mode="foreground", at_s=100, run_s=600, calls_start_foreground_after_s=delay,
                     fgs_type="mediaPlayback"), api=api, target=api, day=_front(0, 200))
    if ok:
        assert _service_spans(r, "notification") == [(100.0 + delay, 700.0, "shown")]
        assert r.summary["notification_s"] == pytest.approx(600.0 - delay)
        assert r.summary["fgs_timeouts"] == 0.0
        # a foreground service keeps its UID active: no stop at the settle time after leaving the front
        assert _service_spans(r) == [(100.0, 700.0, "foreground")]
        assert any(s.value == "foreground_service" for s in r.lane("process", "a"))
    else:
        assert r.summary["fgs_timeouts"] == 1.0 and _service_spans(r, "notification") == []


# -- 4. a foreground service started from the background on Android 12+ (android-facts §8 scenario 4) -----------------
def _bg_fgs(from_="background", **kw):
    return Service(mode="foreground", at_s=1000, from_=from_, run_s=600, fgs_type="dataSync", **kw)


def test_a_background_foreground_service_start_is_refused_on_android_12_for_target_31():
    r = _run(_bg_fgs(), api=31, target=31)
    [(t, detail)] = _events(r, "service_refused")
    assert t == 1000.0 and "ForegroundServiceStartNotAllowedException" in detail
    assert _service_spans(r) == [] and r.summary["service_refused"] == 1.0
    for api, target in ((31, 30), (30, 31), (26, 26)):  # before the restriction, or targeting below it
        assert _service_spans(_run(_bg_fgs(), api=api, target=target)) == [(1000.0, 1600.0, "foreground")]


@pytest.mark.parametrize("from_", ["push", "notification", "exact_alarm", "boot"])
def test_the_exemptions_allow_a_background_foreground_service_start(from_):
    r = _run(_bg_fgs(from_), api=31, target=31)
    assert _service_spans(r) == [(1000.0, 1600.0, "foreground")]
    assert _service_spans(r, "notification") == [(1000.0, 1600.0, "shown")]
    assert any("exempt" in n for n in r.notes)


def test_battery_optimisation_off_exempts_a_background_foreground_service_start():
    r = _run(_bg_fgs(), api=31, target=31, exempt=True)
    assert _service_spans(r) == [(1000.0, 1600.0, "foreground")]


def test_a_foreground_service_may_start_within_5_s_of_leaving_the_front():
    day = _front(0, 996)  # 4 s after leaving
    assert _service_spans(_run(_bg_fgs(), api=31, target=31, day=day)) == [(1000.0, 1600.0, "foreground")]
    late = _run(_bg_fgs(), api=31, target=31, day=_front(0, 994))  # 6 s after leaving
    assert late.summary["service_refused"] == 1.0


# -- 5. Android 14: types, shortService (android-facts §8 scenario 5) --------------------------------------------------
def test_short_service_times_out_after_3_minutes_then_is_demoted_and_anrs():
    r = _run(Service(mode="foreground", at_s=100, run_s=600, fgs_type="shortService"), day=_front(0, 50))
    # (started from the foreground: the call is made from its activity; startForeground() at once)
    assert _events(r, "fgs_timeout")[0][0] == 100.0 + 180.0
    assert [t for t, _ in _events(r, "fgs_demoted")] == [100.0 + 185.0]
    assert [t for t, _ in _events(r, "anr")] == [100.0 + 190.0]
    assert _service_spans(r) == [(100.0, 290.0, "foreground")]
    states = [(s.start_s, s.value) for s in r.lane("process", "a") if 100.0 <= s.start_s < 290.0]
    # (demoted at 285 s: the burst of CPU already running, 280-286 s, finishes in the state it started in)
    assert states[0] == (100.0, "foreground_service") and states[1][1] == "service" and 285.0 <= states[1][0] <= 286.0
    # one that ends by itself inside the 3 minutes is not timed out
    ok = _run(Service(mode="foreground", at_s=100, run_s=120, fgs_type="shortService"), day=_front(0, 50))
    assert ok.summary["fgs_timeouts"] == 0.0 and _service_spans(ok) == [(100.0, 220.0, "foreground")]


def test_short_service_has_no_timeout_before_android_14():
    r = _run(Service(mode="foreground", at_s=100, run_s=600, fgs_type="shortService"), api=33, target=33,
             day=_front(0, 50))
    assert _service_spans(r) == [(100.0, 700.0, "foreground")] and r.summary["fgs_timeouts"] == 0.0


def test_android_14_requires_a_foreground_service_type_for_target_34():
    svc = Service(mode="foreground", at_s=100, run_s=600, calls_start_foreground_after_s=2.0)
    r = _run(svc, api=34, target=34, day=_front(0, 50))
    [(t, detail)] = _events(r, "service_refused")
    assert t == 102.0 and "MissingForegroundServiceTypeException" in detail
    assert _service_spans(r) == [(100.0, 102.0, "foreground")] and _service_spans(r, "notification") == []
    assert _service_spans(_run(svc, api=34, target=33, day=_front(0, 50))) == [(100.0, 700.0, "foreground")]


def test_a_while_in_use_type_cannot_start_from_the_background_even_when_exempt():
    r = _run(Service(mode="foreground", at_s=1000, from_="push", run_s=600, fgs_type="camera"))
    assert r.summary["service_refused"] == 1.0


# -- Android 15: dataSync 6 h a day -----------------------------------------------------------------------------------
def test_data_sync_stops_after_6_hours_on_android_15():
    svc = Service(mode="foreground", at_s=100, run_s=8 * H, fgs_type="dataSync", cpu_share=0.0, down_bytes=1000)
    r = _run(svc, api=35, target=35, day=_front(0, 50), duration=10 * H)
    assert _service_spans(r) == [(100.0, 100.0 + 6 * H, "foreground")]
    assert [t for t, _ in _events(r, "fgs_timeout")] == [100.0 + 6 * H]
    assert r.summary["notification_s"] == pytest.approx(6 * H)
    # a second one later that day is refused: the 6 h are used up
    again = Service(mode="foreground", at_s=7 * H, run_s=H, fgs_type="dataSync", from_="push", cpu_share=0.0,
                    down_bytes=1000)
    r2 = _run(svc, again, api=35, target=35, day=_front(0, 50), duration=10 * H)
    assert r2.summary["service_refused"] == 1.0
    for api, target in ((34, 34), (35, 34)):
        r3 = _run(svc, api=api, target=target, day=_front(0, 50), duration=10 * H)
        assert _service_spans(r3) == [(100.0, 100.0 + 8 * H, "foreground")]


# -- bound services ----------------------------------------------------------------------------------------------------
def test_a_bound_service_is_not_affected_by_the_background_limits():
    r = _run(Service(mode="bound", at_s=1000, from_="background", run_s=H), api=34, target=34)
    assert _service_spans(r) == [(1000.0, 1000.0 + H, "bound")]
    assert r.summary["service_refused"] == 0.0 and r.summary["service_stopped_idle"] == 0.0


# -- what a service costs ----------------------------------------------------------------------------------------------
def test_a_stopped_service_books_no_cpu_after_the_stop():
    r = _run(Service(at_s=100, run_s=H, cpu_share=0.5), day=_front(0, 300))
    work = [w for w in r.work if w.app == "a"]
    assert max(w.end_s for w in work) <= 360.0
    # a burst of 30 s (0.5 of a minute) at 100, 160, 220, 280 s, and at 340 s one cut at the stop after 20 s
    assert sum(w.cpu_s for w in work) == pytest.approx(4 * 30.0 + 20.0)
    cpu_mah = sum(e.mah for e in r.energy if e.component == "cpu.active" and e.app == "a")
    assert cpu_mah == pytest.approx(r.scenario.device.power.cpu_active_ma * 140.0 / 3600.0)


def test_a_background_service_costs_frames_of_the_app_in_front():
    day = _front(0, H, "game")
    game = App("game")
    svc = Service(mode="foreground", at_s=0, from_="push", run_s=H, cpu_share=1.0, fgs_type="dataSync")
    busy = _run(svc, svc, svc, day=day, other=(game,))  # three busy threads beside the game's two, on four cores
    idle = _run(day=day, other=(game,))
    assert busy.summary["janky_frames_from_background"] > idle.summary["janky_frames_from_background"]


# -- the mechanism -----------------------------------------------------------------------------------------------------
def test_the_mechanism_is_validated_and_built_from_a_dict():
    with pytest.raises(ValueError, match=r"Service\.mode"):
        Service(mode="sticky")
    with pytest.raises(ValueError, match="fgs_type"):
        Service(mode="started", fgs_type="dataSync")
    with pytest.raises(ValueError, match="fgs_type"):
        Service(mode="foreground", fgs_type="music")
    with pytest.raises(ValueError, match="calls_start_foreground_after_s"):
        Service(mode="bound", calls_start_foreground_after_s=None)
    with pytest.raises(ValueError, match="cpu_share"):
        Service(cpu_share=1.5)
    svc = mechanism_from_dict({"kind": "service", "mode": "bound", "run_s": 60})
    assert svc == Service(mode="bound", run_s=60)


def test_a_run_without_services_has_no_service_metrics_and_runs_are_deterministic():
    assert "service_starts" not in _run().summary
    svc = Service(mode="foreground", at_s=10, run_s=H, cpu_share=0.2, fgs_type="mediaPlayback")
    a, b = _run(svc, day=_front(0, 100)), _run(svc, day=_front(0, 100))
    assert a.events == b.events and a.states == b.states and a.summary == b.summary


# -- what a service's work costs: threads, wakelocks, Doze, transfers ------------------------------------------------
def test_a_service_compressing_on_four_threads_costs_the_game_frames_and_one_thread_does_not():
    # the jank model's assumed 4 cores and 2 foreground threads: one busy thread leaves the game its cores, four do not
    day = _front(0, H, "game")
    game = App("game")

    def jank(threads):
        svc = Service(mode="started", at_s=0, from_="push", run_s=H, cpu_share=1.0, threads=threads)
        return _run(svc, day=day, other=(game,), target=25).summary["janky_frames_from_background"]

    assert jank(1) == pytest.approx(0.0, abs=1e-9)
    assert jank(4) > 1000  # an hour at 60 Hz is 216,000 frames; the pool makes a share of them miss


def test_a_foreground_service_with_a_wakelock_keeps_the_cpu_awake_through_deep_doze():
    day = Day(screen=(Session(0, 300, "a"),))
    svc = Service(mode="foreground", at_s=10, run_s=3 * H, cpu_share=0.05, wakelock=True, fgs_type="mediaPlayback")
    r = _run(svc, day=day, duration=4 * H)
    deep = [(s.start_s, s.end_s) for s in r.lane("doze") if s.value == "deep_idle"]
    assert deep and deep[0][0] < 3 * H  # the phone did go into deep Doze while the music played
    suspended = [(s.start_s, s.end_s) for s in r.lane("cpu") if s.value == "suspended" and s.start_s < 3 * H + 10]
    assert suspended == []  # PowerManagerService keeps a foreground service's wakelock in deep Doze
    in_deep = [w for w in r.work if w.app == "a" and any(a <= w.start_s < b for a, b in deep)]
    assert in_deep  # and its bursts run there


def test_deep_doze_ignores_the_wakelock_of_a_started_service_and_holds_its_work():
    day = Day(screen=(Session(0, 300, "a"),))
    svc = Service(mode="started", at_s=10, run_s=3 * H, cpu_share=0.05, wakelock=True)
    r = _run(svc, day=day, duration=4 * H, target=25)  # (target 25: not stopped when the app goes idle)
    deep = [(s.start_s, s.end_s) for s in r.lane("doze") if s.value == "deep_idle"]
    assert deep
    a, b = deep[0]
    assert any(s.value == "suspended" and s.start_s >= a and s.end_s <= b for s in r.lane("cpu"))
    assert not [w for w in r.work if w.app == "a" and a < w.start_s < b]
    exempt = _run(svc, day=day, duration=4 * H, target=25, exempt=True)  # battery optimisation off: allowlisted
    assert [w for w in exempt.work if w.app == "a" and a < w.start_s < b]


def test_an_upload_by_a_background_service_is_cut_when_the_app_goes_idle_and_a_foreground_service_finishes_it():
    mb = 1_000_000
    day = Day(screen=(Session(0, 60, "a"),), network_default="cellular")

    def upload(mode, **kw):
        svc = Service(mode=mode, at_s=55, run_s=1, cpu_share=0.2, up_bytes=50 * mb, **kw)
        r = _run(svc, day=day, duration=H)
        return sum(w.up_bytes for w in r.work if w.app == "a"), _service_spans(r), r

    sent, spans, _ = upload("started")
    assert spans[0][1] == pytest.approx(120.0)  # left at 60 s, idle 60 s later: stopped mid-upload
    assert sent < 50 * mb
    sent, spans, r = upload("foreground", fgs_type="dataSync")
    assert sent == 50 * mb  # LTE's assumed 5 Mbit/s up: 80 s, and the service ends when the last piece is sent
    assert [e.kind for e in r.events if e.app == "a"][-1] == "service_end"
    assert spans[0][1] == pytest.approx(max(w.end_s for w in r.work if w.app == "a"))


def test_a_service_waits_for_the_network_to_send_its_bytes():
    day = Day(screen=(Session(0, 600, "a"),), network=(NetworkPeriod(0, 300, "none"),))
    r = _run(Service(mode="started", at_s=10, run_s=60, cpu_share=0.1, up_bytes=1_000_000), day=day, duration=H)
    sends = [w for w in r.work if w.app == "a" and w.up_bytes]
    assert sends and min(w.start_s for w in sends) == pytest.approx(300.0)
    assert _service_spans(r)[0][1] == pytest.approx(max(w.end_s for w in sends))


def test_threads_and_wakelock_are_validated():
    with pytest.raises(ValueError, match=r"Service\.threads"):
        Service(threads=0)
    with pytest.raises(ValueError, match=r"Service\.threads"):
        Service(threads=9)
    with pytest.raises(ValueError, match=r"Service\.wakelock"):
        Service(wakelock="yes")


def test_a_high_priority_push_lets_a_started_service_work_in_deep_doze_while_its_temporary_allowlist_lasts():
    # deep Doze begins about 74 min after the screen goes off at 300 s (the default timings); the push comes in it
    day = Day(screen=(Session(0, 300, "a"),))
    probe = _run(day=day, duration=4 * H)
    a, b = next((s.start_s, s.end_s) for s in probe.lane("doze") if s.value == "deep_idle")
    push = a + 600.0
    svc = Service(mode="started", at_s=push, from_="push", run_s=20 * M, cpu_share=0.1, wakelock=True)
    r = _run(svc, day=day, duration=4 * H)
    ran = sorted(w.start_s for w in r.work if w.app == "a")
    assert ran and ran[0] == pytest.approx(push, abs=1.0)  # allowlisted: its wakelock holds, its bursts run
    assert all(t < push + 5 * M + 1.0 or t >= b for t in ran)  # after the 5 min, deep Doze holds it again
    assert _service_spans(r)[0][1] == pytest.approx(push + 5 * M)  # ... and its UID goes idle: stopped (target 34)
