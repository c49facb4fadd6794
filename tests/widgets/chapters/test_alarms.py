"""The chapter "Alarms": its labs open on their story, and every sentence of book/alarms.md that states a
simulated number or outcome agrees with the run it comes from (the exercises are checked for every chapter in
tests/widgets/test_exercises.py)."""

from __future__ import annotations

import pytest

import sim
from widgets import kit
from widgets.chapters import alarms as chapter

H = 3600.0


@pytest.fixture(scope="module")
def reminders() -> dict[str, dict]:
    return dict(zip(chapter.REMINDER_WAYS, chapter.reminder_table(), strict=True))


def test_the_reminder_lab_opens_on_setexact_against_setexactandallowwhileidle() -> None:
    lab = chapter.reminder_lab()
    exact, awi = lab.run(**lab.baseline), lab.run(**lab.defaults)
    assert [w.start_s for w in awi.work] == [chapter.REMINDER_S]  # 7:55 in deep Doze
    assert exact.work[0].start_s == chapter.PICKED_UP_S  # held until the user picks the phone up at 9:00
    assert any(e.kind == "alarm_deferred" and "doze" in e.detail for e in exact.events)


def test_the_reminder_sentences_match_the_table(reminders: dict[str, dict]) -> None:
    # "At 9:00, 65 minutes late": Doze holds setExact, set and the job alike until the pick-up
    for way in ("set", "set_exact", "job"):
        assert reminders[way]["fires at"] == "9:00"
        assert reminders[way]["late (min)"] == 65
    # only the while-idle exact call and the alarm clock are on time
    for way in ("set_exact_and_allow_while_idle", "set_alarm_clock"):
        assert reminders[way]["fires at"] == "7:55" and reminders[way]["late (min)"] == 0
    # setAndAllowWhileIdle: the end of its one-hour window on Android 14, its start on Android 11
    assert reminders["set_and_allow_while_idle"]["fires at"] == "8:55"
    assert reminders["set_and_allow_while_idle"]["on Android 11, fires at"] == "7:55"
    # "wakes the phone once more than setExact()"; the alarm clock once more again, for Doze leaving idle
    exact = reminders["set_exact"]["wakeups all night"]
    assert reminders["set_exact_and_allow_while_idle"]["wakeups all night"] == exact + 1
    assert reminders["set_alarm_clock"]["wakeups all night"] > reminders["set_exact_and_allow_while_idle"][
        "wakeups all night"]


def test_doze_leaves_idle_a_few_minutes_before_the_alarm_clock_and_the_last_window_is_before_755() -> None:
    lab = chapter.reminder_lab()
    clock_run = lab.run(way="set_alarm_clock", api=34)
    exit_s = min(e.t_s for e in clock_run.events if e.kind == "alarm_idle_exit")
    assert 2 * 60 <= chapter.REMINDER_S - exit_s <= 15 * 60
    # "started again from the beginning: light Doze ..., deep idle again only at ..." (about an hour later)
    after = [s for s in clock_run.lane("doze") if exit_s <= s.start_s < 10 * H]
    assert after[0].value == "inactive"
    assert sum(1 for s in after if s.value == "light_maintenance") >= 4
    deep_again = min(s.start_s for s in after if s.value == "deep_idle")
    assert deep_again - exit_s > 60 * 60
    exact = lab.run(way="set_exact", api=34)
    windows = [s.start_s for s in exact.lane("doze") if s.value == "deep_maintenance" and s.start_s < 10 * H]
    assert max(windows) < chapter.REMINDER_S  # "the last window opened before the reminder was due"


@pytest.fixture(scope="module")
def syncs() -> dict[str, dict]:
    return dict(zip(chapter.SYNC_WAYS, chapter.sync_table(4), strict=True))


def test_setrepeating_and_setinexactrepeating_are_the_same(syncs: dict[str, dict]) -> None:
    a, b = syncs["set_repeating"], syncs["set_inexact_repeating"]
    assert {k: v for k, v in a.items() if k != "each app syncs with"} == \
        {k: v for k, v in b.items() if k != "each app syncs with"}


def test_the_sync_answer_matches_its_table(syncs: dict[str, dict]) -> None:
    alarm, job = syncs["set_repeating"], syncs["job"]
    assert alarm["runs asked for"] == 4 * 96
    total = alarm["runs, 0:00-7:00"] + alarm["runs, 7:00-24:00"]
    assert 0 < alarm["no network"] < total  # some, not all, of the alarm runs found no network
    assert job["no network"] == 0
    assert job["runs, 0:00-7:00"] > alarm["runs, 0:00-7:00"]
    assert job["wakeups"] < alarm["wakeups"]
    # "four apps woke the phone ... times, one app alone ...": far from four times as often
    one = sim.run(chapter.sync_scenario("set_repeating", 1), seed=0).summary["wakeups"]
    assert one < alarm["wakeups"] < 1.5 * one


def test_the_sync_lab_compares_setrepeating_with_the_job() -> None:
    lab = chapter.sync_lab()
    assert lab.baseline["way"] == "set_repeating" and lab.defaults["way"] == "job"
    alarms, jobs = lab.run(**lab.baseline), lab.run(**lab.defaults)
    assert jobs.summary["wakeups"] < alarms.summary["wakeups"]
    # "the battery hardly tells the two apart": within 1 %, while the jobs move more data
    assert abs(jobs.summary["battery_drained_mah"] / alarms.summary["battery_drained_mah"] - 1) < 0.01
    assert jobs.summary["unmetered_mb"] + jobs.summary["metered_mb"] > \
        alarms.summary["unmetered_mb"] + alarms.summary["metered_mb"]
    # "most of it the screen's"
    energy = {row["part"]: row["mah"] for row in kit.energy_rows(alarms, "component")}
    assert energy["Screen"] > 0.5 * sum(energy.values())


def test_the_bucket_table_has_android_s_limits() -> None:
    rows = {row["bucket"]: row for row in chapter.bucket_table()}
    asked = chapter.TICKS_ASKED
    assert asked == 35
    assert all(rows["active"][v] == asked for v in chapter.VERSIONS.values())
    # Android 10+: 10, 2 and 1 per rolling hour (three hours); restricted 1 a day from Android 12
    assert rows["working set"]["Android 14"] == 30
    assert rows["frequent"]["Android 14"] == 6
    assert rows["rare"]["Android 14"] == 3
    assert rows["restricted"]["Android 14"] == 1
    # Android 9: 30 minutes after each alarm in frequent, 2 hours in rare
    assert rows["frequent"]["Android 9"] == 6
    assert rows["rare"]["Android 9"] == 2


def test_the_permission_table_for_a_target_33_app() -> None:
    rows = {row["the app calls setExact() and"]: row for row in chapter.permission_table(33)}
    declared = rows[chapter.PERMISSION_LABELS["schedule_exact_alarm"]]
    assert declared["Android 12"] == declared["Android 13"] == "fires on time"
    assert declared["Android 14"] == "SecurityException"
    assert set(rows[chapter.PERMISSION_LABELS["none"]].values()) >= {"SecurityException"}
    assert rows[chapter.PERMISSION_LABELS["use_exact_alarm"]]["Android 12"] == "SecurityException"
    assert rows[chapter.PERMISSION_LABELS["schedule_exact_alarm_granted"]]["Android 14"] == "fires on time"
    assert rows["(calls setWindow(), 10-minute window, instead)"]["Android 14"] == "fires 10 min late"


def test_a_refused_call_is_in_the_timeline_and_the_notes_not_a_silent_success() -> None:
    r = chapter.meeting_run(chapter.meeting_alarm())
    assert not r.work
    assert any(e.kind == "alarm_refused" and "SecurityException" in e.detail for e in r.events)
    assert any("SecurityException" in n for n in r.notes)


def test_every_lab_builds_its_static_twin() -> None:
    for make in (chapter.reminder_lab, chapter.sync_lab, chapter.bucket_lab):
        spec = make().static_twin().to_dict()
        assert spec["params"], make.__name__


def test_the_night_exercise_counts_light_doze_runs_then_one_per_deep_window() -> None:
    # every 15 minutes until deep Doze (23:15, 23:30, 23:45, 0:00), then one run per deep maintenance window
    night = chapter.reminder_lab().run(way="set_exact", api=34)
    deep_from = min(s.start_s for s in night.lane("doze") if s.value == "deep_idle")
    windows = [s for s in night.lane("doze") if s.value == "deep_maintenance" and s.start_s < chapter.PICKED_UP_S]
    light = int(deep_from // chapter.SYNC_EVERY_S)
    assert light == 4
    assert chapter.night_sync_truth() == light + len(windows)


@pytest.mark.parametrize(("t_s", "start_h", "shown"), [(0, 23, "23:00"), (8 * H + 55 * 60, 23, "7:55"),
                                                       (3600, 9, "10:00")])
def test_clock_reads_the_wall_clock(t_s: float, start_h: float, shown: str) -> None:
    assert chapter.clock(t_s, start_h) == shown


def test_every_lab_redraws_live_for_a_control_change() -> None:
    # what the ipywidgets panel draws in `make lab`: a spec per choice, and the A/B view where the lab has one
    for lab in (chapter.reminder_lab(), chapter.sync_lab(), chapter.bucket_lab()):
        first = lab.spec(**lab.defaults)
        control = lab.controls[0]
        other = next(v for v in control.values() if v != control.default)
        assert lab.spec(**{**lab.defaults, control.name: other}) != first
        if lab.compare_figure is not None:
            assert lab.spec(ab=True, **lab.defaults)
        assert lab.widget() is not None


def test_the_predictions_are_told_from_the_runs() -> None:
    reminder, sync = chapter.reminder_lab(), chapter.sync_lab()
    exact = reminder.run(way="set_exact", api=34)
    p = chapter.reminder_prediction(exact, reminder.run(way="set_exact_and_allow_while_idle", api=34))
    assert p.answer == "at 9:00, when the user picks the phone up" and "65 minutes late" in p.reveal
    p = chapter.sync_prediction(*(sync.run(way=w, apps=4) for w in ("set_repeating", "set_inexact_repeating", "job")))
    assert p.answer == "neither: they run the same"
    alarms = sync.run(way="set_repeating", apps=4)
    assert f"{int(alarms.summary['alarm_network_blocked'])} of all the runs found no network" in p.reveal
    rare14 = sim.run(chapter.bucket_scenario("rare", 34), seed=0)
    p = chapter.bucket_prediction(rare14, sim.run(chapter.bucket_scenario("rare", 28), seed=0))
    assert p.answer == "about 3" and p.reveal.startswith(f"**{chapter.fires(rare14)}** of its 35")
    p = chapter.permission_prediction(chapter.meeting_run(chapter.meeting_alarm(), 34, 33))
    assert p.answer == "the call fails" and "SecurityException" in p.reveal
