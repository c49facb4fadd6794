"""The chapter "Choosing the right tool": every sentence about the four-ways runs holds for those runs, the figure
covers every task and tool, and the prediction is told from the runs."""

from __future__ import annotations

import math

import pytest

from widgets.chapters import choosing as chapter

T, W = chapter.TASKS, chapter.WAYS


@pytest.fixture(scope="module")
def rows() -> dict[tuple[str, str], dict]:
    return {(r["task"], r["way"]): r for r in chapter.task_rows()}


def cell(rows: dict, task: str, way: str) -> dict:
    return rows[(T[task], W[way])]


def test_every_task_is_tried_with_every_tool_or_says_why_not(rows) -> None:
    assert len(rows) == len(T) * len(W)
    for (task, way), reason in chapter.NOT_A_FIT.items():
        assert not cell(rows, task, way)["fit"] and chapter.task_scenario(task, way) is None and reason


def test_refresh_the_job_keeps_off_cellular_the_alarm_does_not_the_service_is_stopped(rows) -> None:
    job, alarm, service = (cell(rows, "refresh", w) for w in ("job", "alarm", "service"))
    receiver = cell(rows, "refresh", "receiver")
    assert job["metered_mb"] == 0 and job["score"] >= 12
    assert alarm["metered_mb"] > 0  # "some of them on the commute's cellular network"
    assert service["score"] <= 1 and "stopped" in service["bent"]  # stopped a minute after leaving
    assert receiver["score"] == 0 and "not delivered" in receiver["bent"]  # CONNECTIVITY_ACTION, 24+


def test_remind_only_the_alarm_is_on_time(rows) -> None:
    assert cell(rows, "remind", "alarm")["score"] < 1
    assert cell(rows, "remind", "job")["score"] > 30  # waits for Doze's window
    assert cell(rows, "remind", "service")["score"] == math.inf


def test_charger_the_job_and_the_alarm_react_the_receiver_and_service_never(rows) -> None:
    job, alarm = cell(rows, "charger", "job"), cell(rows, "charger", "alarm")
    assert job["score"] <= chapter.CHARGER_MAX_MIN and job["app_mah"] <= chapter.CHARGER_MAX_MAH
    assert alarm["score"] <= job["score"] and alarm["app_mah"] > chapter.CHARGER_MAX_MAH
    assert cell(rows, "charger", "receiver")["score"] == math.inf  # ACTION_POWER_CONNECTED: not for manifests, 26+
    assert cell(rows, "charger", "service")["score"] == math.inf
    prediction = chapter.charger_prediction(list(rows.values()))
    assert prediction.answer.startswith("the job and the alarm")


def test_upload_the_job_and_the_service_send_it_all_the_service_shows_a_notification_and_costs_more(rows) -> None:
    job, service = cell(rows, "upload", "job"), cell(rows, "upload", "service")
    assert job["score"] == service["score"] == 50
    assert service["notification_min"] > 0 and job["notification_min"] == 0
    assert service["app_mah"] > job["app_mah"]
    assert cell(rows, "upload", "receiver")["score"] == 0


def test_music_the_foreground_service_plays_it_all_a_job_does_not(rows) -> None:
    assert cell(rows, "music", "service")["score"] == pytest.approx(60, abs=1)
    assert cell(rows, "music", "job")["score"] < 30
    assert "stopped" in cell(rows, "music", "job")["bent"]  # "stopped at its time limit and retried"
    assert math.isnan(cell(rows, "music", "job")["app_mah"])  # not comparable: not shown


def test_the_figure_has_a_text_for_every_task_tool_and_row(rows) -> None:
    long = chapter.figure_rows(list(rows.values()))
    assert len(long) == len(rows) * len(chapter.FIGURE_ROWS)
    picks = {(r["task"], r["way"]) for r in long if r["pick"]}
    assert picks == {(T[t], W[w]) for t, w in chapter.GUIDE_PICK.items()}
    assert chapter.four_ways_chart(list(rows.values())).to_dict()["params"][0]["name"] == "task"


@pytest.mark.parametrize(("kwargs", "match"), [({"task": "dance", "way": "job"}, r"task='dance': allowed refresh"),
                                               ({"task": "refresh", "way": "fax"}, r"way='fax': allowed job")])
def test_an_unknown_task_or_tool_is_refused_naming_it(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        chapter.task_scenario(**kwargs)
