"""The chapter "Broadcasts": its labs build and tell the chapter's story at their defaults, the sentences glued from
the runs say what the runs show, and the claims of its exercises' explanations hold. (Every exercise's solution
and wrong answers are checked for every chapter by tests/widgets/test_exercises.py.)"""

from __future__ import annotations

import pytest

import sim
from widgets.chapters import broadcasts as chapter
from widgets.chapters.broadcasts import check

N = 16


@pytest.fixture(scope="module")
def storm():
    return chapter.storm_lab()


@pytest.fixture(scope="module")
def by_how(storm):
    return {how: storm.run(apps=N, how=how) for how in chapter.HOWS}


def test_the_labs_build_both_faces(storm):
    for lab in (storm, chapter.slow_lab()):
        assert lab.spec(**lab.defaults)["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        twin = lab.static_twin().to_dict()
        assert twin["params"], "the static twin binds its controls"


def test_the_storm_lab_opens_on_the_storm(storm):
    assert storm.defaults == {"apps": N, "how": "manifest23"}
    r = storm.run(**storm.defaults)
    assert r.summary["broadcast_deliveries"] == N * len(chapter.COMMUTE_GAPS_S)
    assert r.summary["janky_frames_from_background"] > 50 and r.summary["metered_mb"] > 1


def test_the_commute_switches_network_16_times(by_how):
    r = by_how["manifest23"]
    assert chapter.network_changes(r) == len(chapter.COMMUTE_GAPS_S) == 16
    changes = [s for s in r.lane("network")]
    assert len(changes) == 17  # (wifi, then 16 periods, the last ending on the default Wi-Fi)


def test_the_prediction_every_app_at_every_change_for_23_none_for_25(by_how):
    # "Targeting 23: 256 times ... Android starts 16 processes ... Targeting 25: 0"
    assert by_how["manifest23"].summary["work_runs"] == N * 16
    assert by_how["manifest23"].summary["process_cold_starts"] == N
    assert by_how["manifest25"].summary["work_runs"] == 0
    assert any("24+" in e.detail for e in by_how["manifest25"].events if e.kind == "broadcast_not_delivered")


def test_targets_25_34_and_runtime_receivers_cost_nothing_and_do_nothing(by_how):
    for how in ("manifest25", "manifest34", "runtime"):
        r = by_how[how]
        assert r.summary["work_runs"] == 0 and r.summary["process_cold_starts"] == 0, how
        assert chapter.apps_mah(r) == 0 and r.summary["janky_frames_from_background"] == pytest.approx(0), how
    # the runtime receivers' apps were never opened: "registered at run time, and the app's process is not running"
    details = {e.detail.split(": ", 2)[-1] for e in by_how["runtime"].events if e.kind == "broadcast_not_delivered"}
    assert details == {"registered at run time, and the app's process is not running"}


def test_the_job_sentence(by_how):
    storm_r, job = by_how["manifest23"], by_how["job"]
    # "once per app every 30 minutes when Wi-Fi is there": 3 periods in the 1.5 h run
    assert job.summary["work_runs"] == N * 3
    assert all(w.network == "wifi" for w in job.work)
    assert job.summary["metered_mb"] == 0
    # "N times less" energy, the same process starts, fewer frames but not none
    assert chapter.apps_mah(storm_r) / chapter.apps_mah(job) > 5
    assert job.summary["process_cold_starts"] == storm_r.summary["process_cold_starts"]
    assert 0 < job.summary["janky_frames_from_background"] < storm_r.summary["janky_frames_from_background"]


def test_more_apps_more_storm(storm):
    runs = [storm.run(apps=n, how="manifest23").summary for n in (8, 16, 32)]
    assert [s["work_runs"] for s in runs] == [8 * 16, 16 * 16, 32 * 16]
    assert runs[0]["janky_frames_from_background"] < runs[1]["janky_frames_from_background"] \
        < runs[2]["janky_frames_from_background"]


def test_the_comparison_covers_every_grid_point(storm):
    rows = chapter.storm_rows(storm)
    assert len(rows) == 8 * len(chapter.HOWS) * len(chapter.STORM_MEASURES)
    spec = chapter.storm_comparison(storm).to_dict()
    assert spec["params"][0]["bind"]["input"] == "range"


def test_the_who_hears_table_on_android_14_and_13():
    t14 = {row["receiver"]: row for row in chapter.who_hears(34)}
    t13 = {row["receiver"]: row for row in chapter.who_hears(33)}
    m25, m34, rt = (label for label, _, _ in chapter.HEARERS)
    power, explicit = (name for _, name in chapter.HEARD)
    assert [t14[m25][f"{power}: {s}"] for s in chapter.STATES] == ["yes", "yes", "yes, starts the app"]
    assert [t14[m34][f"{power}: {s}"] for s in chapter.STATES] == ["no", "no", "no"]
    assert [t14[m34][f"{explicit}: {s}"] for s in chapter.STATES] == ["yes", "yes", "yes, starts the app"]
    assert [t14[rt][f"{power}: {s}"] for s in chapter.STATES] == ["yes", "held until it runs", "no"]
    assert [t14[rt][f"{explicit}: {s}"] for s in chapter.STATES][2] == "no"
    # "On Android 13 the runtime receiver of the cached app gets it at once"
    assert t13[rt][f"{power}: cached"] == "yes"


def test_the_who_hears_tables_are_the_table():
    power, explicit = chapter.who_hears_tables(34)
    assert list(power.columns) == list(chapter.STATES) == list(explicit.columns)
    assert power.loc["registerReceiver(), targets 34", "cached"] == "held until it runs"
    assert explicit.loc["<receiver> in the manifest, targets 34", "not running"] == "yes, starts the app"
    assert chapter.who_hears_tables(33)[0].iloc[2]["cached"] == "yes"


def test_the_mechanisms_shown_on_the_page_are_the_labs():
    # the page's code cells show what the storm lab's apps use
    assert chapter.storm_app("x", "manifest23").work[0] == sim.Receiver(
        actions=("connectivity_change",), registered="manifest", cpu_s=0.5, down_bytes=50_000)
    assert chapter.storm_app("x", "job").work[0] == sim.Job(every_s=30 * 60, network="unmetered", cpu_s=0.5,
                                                            down_bytes=50_000)


def test_the_slow_receiver_sentences():
    lab = chapter.slow_lab()

    def anr(r):
        return [e.t_s - chapter.SLOW_AT_S for e in r.events if e.kind == "anr"]

    assert anr(lab.run(**lab.defaults)) == [10.0]
    assert anr(lab.run(work_s=15, queue="foreground", run="go_async")) == [10.0]
    bg = lab.run(work_s=15, queue="background", run="on_receive")
    assert anr(bg) == [] and max(w.end_s for w in bg.work if w.app == "a") - chapter.SLOW_AT_S < 16.0
    # "Set the work to 75 s: without the flag the ANR comes at 60 s"
    assert anr(lab.run(work_s=75, queue="background", run="on_receive")) == [60.5]  # (+ DELAY_NORMAL, 0.5 s)
    # "Only the job finishes every length of work"
    for work_s in (3, 8, 15, 30, 45, 75):
        for queue in ("foreground", "background"):
            r = lab.run(work_s=work_s, queue=queue, run="job")
            assert anr(r) == [] and sum(w.cpu_s for w in r.work if w.mechanism == "job") == work_s
    job = lab.run(work_s=15, queue="foreground", run="job")
    receiver = min(w.end_s - w.start_s for w in job.work if w.app == "a")
    assert receiver < 0.5


def test_the_slow_chart_draws_the_anr():
    lab = chapter.slow_lab()
    rows = chapter.slow_rows(lab.run(**lab.defaults))
    assert [r["kind"] for r in rows] == ["work", "anr"] and rows[1]["text"] == "ANR at 10.0 s"
    assert rows[0]["text"] == "in onReceive(): 10.0 s"
    rows = chapter.slow_rows(lab.run(work_s=15, queue="foreground", run="go_async"))
    assert rows[0]["text"] == "on goAsync()'s thread: 10.0 s"


def test_the_screen_off_explanation_runtime_also_works():
    assert check("screen_off", sim.Receiver(actions=("screen_off",), registered="runtime")).correct


def test_the_charger_explanation():
    # a one-off job reacts to the first plug-in only; a runtime receiver misses lunch (held while cached)
    assert not check("charger", sim.Job(cpu_s=1, requires_charging=True)).correct
    rt = chapter.charger_run(sim.Receiver(actions=("power_connected",), registered="runtime"))
    assert any(e.kind == "broadcast_held" for e in rt.events) or not any(
        e.kind == "broadcast_received" for e in rt.events)
    good = chapter.charger_run(sim.Job(every_s=15 * 60, cpu_s=1, requires_charging=True))
    starts = sorted(w.start_s for w in good.work)
    for a, b in chapter.CHARGES_S:
        assert any(a <= s <= a + 10 for s in starts)  # "it starts seconds after each plug-in"
        assert all(a <= s < b for s in starts if a <= s <= b)
    assert not check("charger", sim.Service()).correct


def test_the_predictions_mark_the_answer_the_runs_give(by_how):
    storm = chapter.storm_prediction(by_how["manifest23"], by_how["manifest25"])
    assert storm.answer == "256 times targeting 23, not once targeting 25"
    assert "**256 times**" in storm.reveal and "**0**" in storm.reveal
    lab = chapter.slow_lab()
    runs = [lab.run(work_s=15, queue=q, run=r) for q, r in (("foreground", "on_receive"), ("foreground", "go_async"),
                                                            ("background", "on_receive"), ("foreground", "job"))]
    slow = chapter.slow_prediction(*runs)
    assert slow.answer == "an ANR at 10 s, as with the work in onReceive()"
    assert "An ANR at **10 s**" in slow.reveal and "done 15.8 s after the send" in slow.reveal
