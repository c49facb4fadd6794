"""The chapter "Services": its scenarios, its labs, its own timeline and table, and the checkers of its exercises."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

try:
    import altair as alt
except ModuleNotFoundError:  # in the reader's browser (live labs): the charts were drawn at build time
    from widgets._absent import altair as alt

import sim
from widgets import kit
from widgets import rows as rowlib
from widgets.controls import Control
from widgets.exercises import Exercise, Exercises, Verdict, WrongAnswerType, require
from widgets.lab import Lab, Runs
from widgets.predict import Prediction, nearest
from widgets.rows import Recipe
from widgets.theme import COLUMN_WIDTH_PX, PALETTE

H = 3600.0
MIN = 60.0
MB = 1_000_000

# -- the chapter's own views: a timeline with the apps' service rows, and a table of the chapter's numbers ----------

#: A row of an app: (label, which spans of the result draw a bar: a Spans spec, see spans_of).
Spans = tuple[Any, ...]
AppRow = tuple[str, Spans]
#: A number the chapter shows: (label, a top-level function of a result, d3 format or "clock").
Number = tuple[str, Callable[[sim.Result], float], str]

#: What the short labels at the end of a service's bar say, by the simulator's event kind.
STOP_LABELS = {
    "service_stop": "stopped",
    "service_refused": "refused",
    "anr": "ANR",
    "crash": "crash",
}


# The spans of an app's rows are named by plain data, so that the browser (live labs) rebuilds them by name.
def on_screen(app: str) -> Spans:
    return ("foreground", app)


def service_spans(app: str) -> Spans:
    return ("service", app)


def notification_spans(app: str) -> Spans:
    return ("notification", app)


def work_spans(app: str, mechanism: str | None = None) -> Spans:
    """When the app's work ran on the CPU or the network (each burst, piece or job run)."""
    return ("work", app, mechanism)


def spans_of(r: sim.Result, spec: Sequence[Any]) -> list[tuple[float, float]]:
    """The spans a Spans spec names: the app in front, its service's or notification's lane, its work (of one
    mechanism, or all), or ("fn", name) a top-level function of this module."""
    kind = spec[0]
    if kind == "foreground":
        return [(s.start_s, s.end_s) for s in r.lane("foreground") if s.value == spec[1]]
    if kind in ("service", "notification"):
        return [(s.start_s, s.end_s) for s in r.lane(kind, spec[1])]
    if kind == "work":
        app, mechanism = spec[1], spec[2]
        return [(w.start_s, w.end_s) for w in r.work
                if w.app == app and w.end_s > w.start_s and (mechanism is None or w.mechanism == mechanism)]
    if kind == "fn":
        return globals()[spec[1]](r)  # type: ignore[no-any-return]
    raise ValueError(f"spans spec={spec!r}: allowed foreground, service, notification, work or fn")


def _marks(result: sim.Result, app: str, label: str, window: tuple[float, float]) -> list[dict[str, Any]]:
    """A short label for each stop, refusal, ANR or crash of the app's services, on the row ``label``."""
    out = []
    t0, t1 = window[0] * H, window[1] * H
    for e in result.events:
        if e.app == app and e.kind in STOP_LABELS and t0 <= e.t_s <= t1:
            text = STOP_LABELS[e.kind]
            if e.kind == "service_stop" and "app idle" in e.detail:
                text = "stopped: app idle"
            out.append({"row": label, "t_h": round(e.t_s / H, 4), "text": text, "detail": e.detail[:160]})
    return out


def app_timeline_rows(result: sim.Result, *, device_rows: Sequence[str], app_rows: Sequence[Sequence[Any]],
                      window_h: Sequence[float], gap_s: float) -> list[dict[str, Any]]:
    """The timeline's bars: the kit's device rows, then each (label, spans spec) of the app's rows."""
    window = (float(window_h[0]), float(window_h[1]))
    t0, t1 = window[0] * H, window[1] * H
    bars = rowlib.timeline_rows(result, apps=[], window_h=window, gap_s=gap_s, rows=list(device_rows))
    for label, spec in app_rows:
        clipped = [(max(a, t0), min(b, t1)) for a, b in spans_of(result, spec) if b > t0 and a < t1]
        for a, b, n in rowlib._merge(clipped, gap_s):
            bars.append({"row": label, "group": "Apps", "start_h": round(a / H, 4),
                         "end_h": round(max(b, a + 2 * gap_s) / H, 4), "dur_s": round(b - a, 1), "n": n,
                         "why": ""})
    first = next(iter(device_rows)) if device_rows else app_rows[0][0]
    return bars or [{"row": first, "group": "User", "start_h": 0.0, "end_h": 0.0, "dur_s": 0.0, "n": 0, "why": ""}]


def mark_rows(result: sim.Result, *, app: str, row: str, window_h: Sequence[float]) -> list[dict[str, Any]]:
    """The labels where Android stopped or refused the app's service (a placeholder row when there is none)."""
    window = (float(window_h[0]), float(window_h[1]))
    return _marks(result, app, row, window) or [{"row": row, "t_h": -1.0, "text": "", "detail": ""}]


def number_rows(result: sim.Result, *, metrics: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """The chapter's numbers: (label, name of a top-level function of this module, format) each."""
    return [{"order": i, "metric": label, "text": _fmt(globals()[name](result), fmt)}
            for i, (label, name, fmt) in enumerate(metrics)]


def timeline(runs: Runs, where: str | None, *, device_rows: Sequence[str], app: str, app_rows: Sequence[AppRow],
             window_h: tuple[float, float], title: str, marks_row: str | None = None,
             width: int = COLUMN_WIDTH_PX - 170) -> alt.LayerChart:
    """The kit's device rows, then the app's own rows (on screen, its service running, its notification), with a
    label where Android stopped or refused its service (on ``marks_row``)."""
    gap_s = (window_h[1] - window_h[0]) * H / width / 2
    labels = list(device_rows) + [label for label, _ in app_rows]
    rows_of = Recipe(app_timeline_rows, device_rows=list(device_rows),
                     app_rows=[[label, list(spec)] for label, spec in app_rows], window_h=list(window_h), gap_s=gap_s)
    groups = list(kit.GROUPS)
    bars = alt.Chart(kit._data(runs, rows_of)).mark_bar(height={"band": 0.7}, cornerRadius=1).encode(
        x=kit._x(window_h),
        x2="end_h:Q",
        y=alt.Y("row:N", sort=labels, title=None, scale=alt.Scale(domain=labels), axis=alt.Axis(labelLimit=190)),
        color=alt.Color("group:N", scale=alt.Scale(domain=groups, range=list(PALETTE[: len(groups)])), legend=None),
        tooltip=[alt.Tooltip("row:N", title="Lane"), alt.Tooltip("start_h:Q", title="From (h)", format=".2f"),
                 alt.Tooltip("dur_s:Q", title="Lasted (s)", format=",.0f")],
    )
    layers: list[Any] = [kit._filtered(bars, where)]
    if marks_row is not None:
        marks_of = Recipe(mark_rows, app=app, row=marks_row, window_h=list(window_h))
        text = alt.Chart(kit._data(runs, marks_of)).mark_text(align="left", dx=4, fontWeight="bold",
                                                              color="#9a3b00").encode(
            x=alt.X("t_h:Q", scale=alt.Scale(domain=list(window_h), nice=False)),
            y=alt.Y("row:N", sort=labels, scale=alt.Scale(domain=labels)),
            text="text:N",
            tooltip=[alt.Tooltip("detail:N", title="What Android did")],
        ).transform_filter("datum.t_h >= 0")
        layers.append(kit._filtered(text, where))
    return alt.layer(*layers).properties(
        width=width, height=alt.Step(16), title=title,
        description=(f"Timeline: the phone's state (screen, Doze, CPU), then the {app} app: when it was on screen, "
                     "when its service or job ran, and when its notification was shown; a label marks where Android "
                     "stopped or refused the service."),
    )


def numbers(runs: Runs, where_a: str | None, where_b: str | None, label_a: str, label_b: str,
            metrics: Sequence[Number], *, title: str | None = None) -> alt.LayerChart:
    """The chapter's numbers for one run (``where_b`` None) or for A and B side by side."""
    rows_of = Recipe(number_rows, metrics=[[label, fn.__name__, fmt] for label, fn, fmt in metrics])

    base = alt.Chart(kit._data(runs, rows_of)).encode(y=alt.Y("order:O", axis=None))
    cols: list[Any] = [kit._filtered(base.mark_text(align="left").encode(x=alt.value(0), text="metric:N"), where_a)]
    if where_b is None:
        cols.append(kit._filtered(base.mark_text(align="right", fontWeight="bold").encode(x=alt.value(330),
                                                                                         text="text:N"), where_a))
        heading = f"In numbers: {label_a}" if title is None else title
    else:
        cols.append(kit._filtered(base.mark_text(align="right").encode(x=alt.value(330), text="text:N"), where_a))
        cols.append(kit._filtered(base.mark_text(align="right", fontWeight="bold").encode(
            x=alt.value(440), text="text:N"), where_b))
        head = [{"x": 330, "t": "A"}, {"x": 440, "t": "B"}]
        cols.append(alt.Chart(kit._inline(head)).mark_text(align="right", fontWeight="bold", baseline="bottom",
                                                           dy=-4).encode(x=alt.X("x:Q", scale=None),
                                                                         y=alt.value(0), text="t:N"))
        heading = f"A ({label_a}) against B ({label_b})" if title is None else title
    return alt.layer(*cols).properties(
        width=450, height=alt.Step(18), title=heading,
        description="Table of the run's numbers: " + ", ".join(label for label, _, _ in metrics) + ".",
    )


def _fmt(value: float, fmt: str) -> str:
    if value != value:  # NaN: did not happen
        return "—"
    if fmt == "clock":
        return clock(value)
    return format(value, fmt)


def clock(t_s: float) -> str:
    """Time from the start of the scenario as h:mm."""
    return f"{int(t_s // 3600)}:{int(t_s % 3600 // 60):02d}"


def _view(app: str, device_rows: Sequence[str], app_rows: Sequence[AppRow], window_h: tuple[float, float],
          metrics: Sequence[Number], marks_row: str) -> tuple[Any, Any]:
    def figure(runs: Runs, where: str | None) -> Any:
        return alt.vconcat(
            timeline(runs, where, device_rows=device_rows, app=app, app_rows=app_rows, window_h=window_h,
                     title="What the phone and the app were doing", marks_row=marks_row),
            numbers(runs, where, None, "this choice", "", metrics, title="In numbers"),
        )

    def compare(runs: Runs, a: str | None, b: str | None, label_a: str, label_b: str) -> Any:
        return alt.vconcat(
            timeline(runs, a, device_rows=device_rows, app=app, app_rows=app_rows, window_h=window_h,
                     title=f"A: {label_a}", marks_row=marks_row),
            timeline(runs, b, device_rows=device_rows, app=app, app_rows=app_rows, window_h=window_h,
                     title=f"B: {label_b}", marks_row=marks_row),
            numbers(runs, a, b, label_a, label_b, metrics),
        ).resolve_scale(x="independent")

    return figure, compare


# -- 1. the music app ------------------------------------------------------------------------------------------------

#: The user opens the music app, taps Play at 1 min, switches to another app at 3 min, and the screen goes off at
#: 5 min; the playlist lasts an hour.
MUSIC_PLAY_S = 1 * MIN
MUSIC_LEAVE_S = 3 * MIN
MUSIC_SCREEN_OFF_S = 5 * MIN
PLAYLIST_S = 1 * H
MUSIC_DURATION_S = 70 * MIN  # (deep Doze would begin at about 74 min: the hour of music ends before it)
#: ASSUMPTION: decoding and mixing local music keeps about 5 % of a core busy (no source gives the figure; it only
#: sets the scale of the CPU energy).
MUSIC_CPU_SHARE = 0.05

MUSIC_MECHANISMS = {
    "fgs": "a foreground service (mediaPlayback)",
    "started": "a background service",
    "job": "a job",
}


def music_work(mechanism: str) -> Any:
    if mechanism == "fgs":
        return sim.Service(mode="foreground", at_s=MUSIC_PLAY_S, run_s=PLAYLIST_S, cpu_share=MUSIC_CPU_SHARE,
                           wakelock=True, fgs_type="mediaPlayback")
    if mechanism == "started":
        return sim.Service(mode="started", at_s=MUSIC_PLAY_S, run_s=PLAYLIST_S, cpu_share=MUSIC_CPU_SHARE,
                           wakelock=True)
    # A job has no way to say "play for an hour": it is given the hour as its work (an hour of CPU).
    return sim.Job(at_s=MUSIC_PLAY_S, cpu_s=PLAYLIST_S)


def music_day() -> sim.Day:
    return sim.Day(screen=(sim.Session(0.0, MUSIC_LEAVE_S, "music"),
                           sim.Session(MUSIC_LEAVE_S, MUSIC_SCREEN_OFF_S, "browser")))


def music_scenario(mechanism: str, target_sdk: int) -> sim.Scenario:
    """The music app on Android 14: playback as the chosen mechanism, by an app targeting `target_sdk`."""
    app = sim.App("music", target_sdk=target_sdk, work=(music_work(mechanism),))
    return sim.Scenario(device=sim.Device(api_level=34), day=music_day(), apps=(app,), duration_s=MUSIC_DURATION_S)


def playing_spans(r: sim.Result) -> list[tuple[float, float]]:
    """When the music played: the service ran, or the job ran."""
    return spans_of(r, service_spans("music")) + spans_of(r, work_spans("music", "job"))


def music_played_min(r: sim.Result) -> float:
    return sum(b - a for a, b in playing_spans(r)) / MIN


def music_silences(r: sim.Result) -> float:
    """How many times the music stopped before the playlist's end (a gap or the end of every span but the last)."""
    spans = sorted(playing_spans(r))
    end = MUSIC_PLAY_S + PLAYLIST_S
    return float(sum(1 for _, b in spans if b < end - 1.0))


def notification_min(r: sim.Result) -> float:
    return r.summary.get("notification_s", 0.0) / MIN


def notification_s(r: sim.Result) -> float:
    return float(r.summary.get("notification_s", 0.0))


def battery_mah(r: sim.Result) -> float:
    return float(r.summary["battery_drained_mah"])


def janky_frames(r: sim.Result) -> float:
    return float(r.summary["janky_frames_from_background"])


MUSIC_ROWS = ("Screen on", "CPU awake")
MUSIC_APP_ROWS: tuple[AppRow, ...] = (
    ("music on screen", on_screen("music")),
    ("music: playing", ("fn", "playing_spans")),
    ("music: notification shown", notification_spans("music")),
)
MUSIC_NUMBERS: tuple[Number, ...] = (
    ("Music played (min, of 60)", music_played_min, ".0f"),
    ("Times the music stopped early", music_silences, ".0f"),
    ("Notification shown (min)", notification_min, ".0f"),
    ("Battery drained (mAh)", battery_mah, ",.0f"),
)


def music_lab() -> Lab:
    figure, compare = _view("music", MUSIC_ROWS, MUSIC_APP_ROWS, (0.0, MUSIC_DURATION_S / H), MUSIC_NUMBERS,
                            "music: playing")
    return Lab(
        music_scenario,
        [
            Control("mechanism", "Playback runs as", "choice", "fgs", options=list(MUSIC_MECHANISMS.items()),
                    help="What the app starts when the user taps Play"),
            Control("target_sdk", "The app targets", "choice", 34,
                    options=[(34, "API 34 (Android 14)"), (25, "API 25 (before Android 8's limits)")],
                    help="The app's targetSdkVersion; the phone runs Android 14"),
        ],
        figure,
        compare=compare,
        baseline={"mechanism": "started", "target_sdk": 34},
        baseline_label="a background service",
    )


# -- 2. finishing an upload after the user leaves --------------------------------------------------------------------

#: The user taps Send on a video in the chat app at 100 s, switches to another app at 2 min, and the screen goes off
#: at 7 min.
SEND_S = 100.0
CHAT_LEAVE_S = 120.0
CHAT_SCREEN_OFF_S = 7 * MIN
UPLOAD_DURATION_S = 30 * MIN
#: ASSUMPTION: preparing the upload takes a second of CPU (the bytes are what matters).
UPLOAD_CPU_S = 1.0

UPLOAD_MECHANISMS = {
    "started": "a background service",
    "expedited": "an expedited job",
    "fgs": "a foreground service (dataSync)",
}
NETWORKS = {"wifi": "Wi-Fi", "lte": "LTE", "3g": "3G (slow)"}


def upload_work(mechanism: str, size_mb: int) -> Any:
    nbytes = int(size_mb * MB)
    if mechanism == "started":
        return sim.Service(mode="started", at_s=SEND_S, run_s=UPLOAD_CPU_S, cpu_share=1.0, up_bytes=nbytes)
    if mechanism == "fgs":
        return sim.Service(mode="foreground", at_s=SEND_S, run_s=UPLOAD_CPU_S, cpu_share=1.0, up_bytes=nbytes,
                           fgs_type="dataSync")
    return sim.Job(at_s=SEND_S, cpu_s=UPLOAD_CPU_S, up_bytes=nbytes, expedited=True, network="any")


def upload_scenario(mechanism: str, size_mb: int, network: str) -> sim.Scenario:
    """The chat app on Android 14 uploads `size_mb` MB when the user taps Send, over the chosen network."""
    day = sim.Day(screen=(sim.Session(0.0, CHAT_LEAVE_S, "chat"), sim.Session(CHAT_LEAVE_S, CHAT_SCREEN_OFF_S,
                                                                              "browser")),
                  network_default="wifi" if network == "wifi" else "cellular")
    device = sim.Device(api_level=34, cellular="3g" if network == "3g" else "lte")
    app = sim.App("chat", target_sdk=34, work=(upload_work(mechanism, size_mb),))
    return sim.Scenario(device=device, day=day, apps=(app,), duration_s=UPLOAD_DURATION_S)


def sent_mb(r: sim.Result) -> float:
    return sum(w.up_bytes for w in r.work if w.app == "chat") / MB


def upload_size_mb(r: sim.Result) -> float:
    return float(sum(getattr(m, "up_bytes", 0) for a in r.scenario.apps for m in a.work)) / MB


def upload_done_s(r: sim.Result) -> float:
    """Seconds from Send to the last byte, or NaN if the upload did not finish."""
    if sent_mb(r) < upload_size_mb(r) - 1e-9:
        return float("nan")
    return max(w.end_s for w in r.work if w.app == "chat") - SEND_S


UPLOAD_ROWS = ("Screen on", "On Wi-Fi", "On cellular", "Cell radio: transfer", "Wi-Fi radio: transfer")
UPLOAD_APP_ROWS: tuple[AppRow, ...] = (
    ("chat on screen", on_screen("chat")),
    ("chat: service running", service_spans("chat")),
    ("chat: uploading", work_spans("chat")),
    ("chat: notification shown", notification_spans("chat")),
)
UPLOAD_NUMBERS: tuple[Number, ...] = (
    ("Sent (MB)", sent_mb, ".0f"),
    ("Finished, seconds after Send", upload_done_s, ",.0f"),
    ("Notification shown (s)", notification_s, ",.0f"),
    ("Battery drained (mAh)", battery_mah, ",.1f"),
)


def upload_lab() -> Lab:
    figure, compare = _view("chat", UPLOAD_ROWS, UPLOAD_APP_ROWS, (0.0, 0.25), UPLOAD_NUMBERS,
                            "chat: service running")
    return Lab(
        upload_scenario,
        [
            Control("mechanism", "Upload with", "choice", "expedited", options=list(UPLOAD_MECHANISMS.items()),
                    help="What the app starts when the user taps Send"),
            Control("size_mb", "Video size", "choice", 20, options=[(s, f"{s} MB") for s in (5, 20, 30)],
                    help="How much there is to upload"),
            Control("network", "Network", "choice", "3g", options=list(NETWORKS.items()),
                    help="The phone's network (upload speeds: Wi-Fi 10, LTE 5, 3G 0.5 Mbit/s, assumed)"),
        ],
        figure,
        compare=compare,
        baseline={"mechanism": "started", "size_mb": 20, "network": "3g"},
        baseline_label="a background service",
    )


# -- 3. photo compression while the user plays a game ----------------------------------------------------------------

#: The user takes photos in the album app; at 50 s the album starts compressing them (4 threads for 5 minutes: 20
#: CPU-minutes, ASSUMPTION: a burst of full-size photos); at 1 min the user opens a game and plays until 45 min,
#: then the screen goes off; the phone goes on the charger at 3 h.
COMPRESS_AT_S = 50.0
GAME_START_S = 1 * MIN
GAME_END_S = 45 * MIN
CHARGER_S = 3 * H
COMPRESS_DURATION_S = 5 * H
COMPRESS_THREADS = 4
COMPRESS_RUN_S = 5 * MIN
COMPRESS_CPU_S = COMPRESS_THREADS * COMPRESS_RUN_S

COMPRESS_MECHANISMS = {
    "started": "a background service",
    "fgs": "a foreground service (dataSync)",
    "job": "a job (device idle, charging)",
}


def compress_work(mechanism: str) -> tuple[Any, ...]:
    if mechanism == "job":
        return tuple(sim.Job(at_s=COMPRESS_AT_S, cpu_s=COMPRESS_RUN_S, requires_device_idle=True,
                             requires_charging=True) for _ in range(COMPRESS_THREADS))
    if mechanism == "fgs":
        return (sim.Service(mode="foreground", at_s=COMPRESS_AT_S, run_s=COMPRESS_RUN_S, cpu_share=1.0,
                            threads=COMPRESS_THREADS, fgs_type="dataSync"),)
    return (sim.Service(mode="started", at_s=COMPRESS_AT_S, run_s=COMPRESS_RUN_S, cpu_share=1.0,
                        threads=COMPRESS_THREADS),)


def game_day() -> sim.Day:
    return sim.Day(screen=(sim.Session(0.0, GAME_START_S, "album"), sim.Session(GAME_START_S, GAME_END_S, "game")),
                   charging=(sim.Period(CHARGER_S, COMPRESS_DURATION_S),))


def compress_scenario(mechanism: str, target_sdk: int) -> sim.Scenario:
    """The album app on Android 14 (targeting `target_sdk`) compresses photos while the user plays a game."""
    album = sim.App("album", target_sdk=target_sdk, work=compress_work(mechanism))
    game = sim.App("game", target_sdk=34)
    return sim.Scenario(device=sim.Device(api_level=34), day=game_day(), apps=(album, game),
                        duration_s=COMPRESS_DURATION_S)


def compressed_pct(r: sim.Result) -> float:
    return 100.0 * sum(w.cpu_s for w in r.work if w.app == "album") / COMPRESS_CPU_S


def compressed_at_s(r: sim.Result) -> float:
    if compressed_pct(r) < 99.9:
        return float("nan")
    return max(w.end_s for w in r.work if w.app == "album")


COMPRESS_ROWS = ("Screen on", "Charging", "Doze: window")
COMPRESS_APP_ROWS: tuple[AppRow, ...] = (
    ("game on screen", on_screen("game")),
    ("album: service running", service_spans("album")),
    ("album: compressing", work_spans("album")),
    ("album: notification shown", notification_spans("album")),
)
COMPRESS_NUMBERS: tuple[Number, ...] = (
    ("Janky frames caused in the game", janky_frames, ",.0f"),
    ("Photos compressed (%)", compressed_pct, ".0f"),
    ("Compression done at (h:mm)", compressed_at_s, "clock"),
    ("Battery drained (mAh)", battery_mah, ",.0f"),
)


def compress_lab() -> Lab:
    figure, compare = _view("album", COMPRESS_ROWS, COMPRESS_APP_ROWS, (0.0, COMPRESS_DURATION_S / H),
                            COMPRESS_NUMBERS, "album: service running")
    return Lab(
        compress_scenario,
        [
            Control("mechanism", "Compress with", "choice", "job", options=list(COMPRESS_MECHANISMS.items()),
                    help="What the album app starts when the photos are taken"),
            Control("target_sdk", "The album targets", "choice", 25,
                    options=[(25, "API 25 (before Android 8's limits)"), (34, "API 34 (Android 14)")],
                    help="The album's targetSdkVersion; the phone runs Android 14"),
        ],
        figure,
        compare=compare,
        baseline={"mechanism": "started", "target_sdk": 25},
        baseline_label="a background service",
    )


# -- 4. starting a foreground service from the background, Android 8, 12 and 14 ------------------------------------

VERSIONS = {26: "Android 8", 31: "Android 12", 34: "Android 14"}
#: Where the app makes the call: (label, START_CONTEXTS value, seconds until startForeground()).
CALLS: tuple[tuple[str, str, float], ...] = (
    ("from the app on screen", "foreground", 1.0),
    ("... startForeground() 8 s late", "foreground", 8.0),
    ("... startForeground() 15 s late", "foreground", 15.0),
    ("from the background (a job)", "background", 1.0),
    ("from a high-priority FCM message", "push", 1.0),
    ("from an exact alarm the user set", "exact_alarm", 1.0),
    ("from a tap on its notification", "notification", 1.0),
)
CALL_COLUMN = "The call"
FGS_CALL_S = 10 * MIN


def fgs_scenario(api: int, from_: str, start_foreground_after_s: float) -> sim.Scenario:
    """An app targeting the phone's API level starts a dataSync foreground service at 10 min, from `from_`."""
    svc = sim.Service(mode="foreground", at_s=FGS_CALL_S, from_=from_, run_s=10 * MIN, cpu_share=0.1,
                      calls_start_foreground_after_s=start_foreground_after_s, fgs_type="dataSync")
    app = sim.App("sync", target_sdk=api, work=(svc,))
    day = sim.Day(screen=(sim.Session(0.0, 30 * MIN, "browser"),))
    return sim.Scenario(device=sim.Device(api_level=api), day=day, apps=(app,), duration_s=30 * MIN)


def fgs_outcome(result: sim.Result) -> str:
    """What happened to the call, in a word or two, from the simulator's events."""
    kinds = {e.kind for e in result.events if e.app == "sync"}
    if "service_refused" in kinds:
        return "refused"
    if "anr" in kinds:
        return "stopped: ANR"
    if "crash" in kinds:
        return "stopped: crash"
    if "service_foreground" in kinds:
        return "runs"
    return "?"


def fgs_refusal(api: int) -> str:
    """The exception the simulator names for a start from the background on `api`."""
    r = sim.run(fgs_scenario(api, "background", 1.0), seed=0)
    return next(e.detail.split(": ", 1)[1].split(":")[0] for e in r.events if e.kind == "service_refused")


def fgs_table() -> list[dict[str, str]]:
    """One row per call, one column per Android version: what the simulator says happens."""
    rows = []
    for label, from_, after in CALLS:
        row = {CALL_COLUMN: label}
        for api, name in VERSIONS.items():
            row[name] = fgs_outcome(sim.run(fgs_scenario(api, from_, after), seed=0))
        rows.append(row)
    return rows


# -- predictions, told from the runs -----------------------------------------------------------------------------


def music_prediction(bg: sim.Result, fg: sim.Result) -> Prediction:
    """Predict-then-reveal: when the background service's music stops (``bg``), against the foreground service's."""
    stop = max(s.end_s for s in bg.lane("service", "music"))
    deep = [s.start_s for s in bg.lane("doze") if s.value == "deep_idle"]
    marks = [MUSIC_PLAY_S + PLAYLIST_S, MUSIC_SCREEN_OFF_S, MUSIC_LEAVE_S + 60.0, deep[0] if deep else math.inf]
    correct = min(range(4), key=lambda i: abs(marks[i] - stop))
    reveal = (
        f"The background service is stopped **{stop - MUSIC_LEAVE_S:.0f} s after the user switches apps**, having "
        f"played {music_played_min(bg):.0f} minutes of the hour. Android marks the app's UID idle 60 s after it "
        "leaves the foreground and stops its background services as if they called `stopSelf()`. The screen going "
        f"off changes nothing, and Doze is over an hour away. The foreground service plays all "
        f"{music_played_min(fg):.0f} minutes, with its notification shown for {notification_min(fg):.0f} of them."
    )
    return Prediction("Played by a background service, when does the music stop?",
                      ["never: the service runs until the playlist ends", "when the screen goes off",
                       "about a minute after the user switches apps", "when the phone goes into Doze"],
                      correct, reveal)


def upload_prediction(bg: sim.Result, ej: sim.Result, fg: sim.Result, wifi: sim.Result) -> Prediction:
    """Predict-then-reveal: how much of the video the background service sends on 3G (``bg``)."""
    size = upload_size_mb(bg)
    sent = sent_mb(bg)
    stop = max(s.end_s for s in bg.lane("service", "chat"))
    reveal = (
        f"**{sent:.0f} MB of {size:.0f}.** The service is stopped {stop - CHAT_LEAVE_S:.0f} s after the user leaves, "
        f"mid-upload. The expedited job sends all of it in {upload_done_s(ej):,.0f} s, with no notification; the "
        f"foreground service too, in {upload_done_s(fg):,.0f} s, with its notification shown for "
        f"{fg.summary.get('notification_s', 0.0):,.0f} s. On Wi-Fi the background service would have made it: the "
        f"same video goes in {upload_done_s(wifi):.0f} s, well inside the minute. The minute Android leaves is for "
        "finishing up, not for work whose length depends on the network."
    )
    return Prediction(f"On 3G, how much of the {size:.0f} MB video does the background service send?",
                      ["all of it", "about a quarter", "none of it"], nearest(sent / size, [1.0, 0.25, 0.0]), reveal)


def compress_prediction(old: sim.Result, job: sim.Result) -> Prediction:
    """Predict-then-reveal: the game's frames missed for a background service of an app targeting 25 (``old``)
    against a job that waits for the idle phone on the charger (``job``)."""
    jank_old = old.summary["janky_frames_from_background"]
    jank_job = job.summary["janky_frames_from_background"]
    correct = 0 if jank_old < 1 else (1 if jank_old < 500 else 2)
    if jank_job >= 1:
        correct = 3
    reveal = (
        f"**{jank_old:,.0f} frames** with the background service, which is done "
        f"{(compressed_at_s(old) - COMPRESS_AT_S) / MIN:.0f} minutes after the photos are taken; "
        f"**{jank_job:,.0f}** with the job, which waits for the charger and the idle phone and is done at "
        f"{clock(compressed_at_s(job))}. The game's two threads and the album's four share the phone's cores (four, "
        "in the simulator's jank model), so for those minutes each frame gets less CPU than it needs, and more of "
        "them miss the 16.7 ms a 60 Hz display gives them."
    )
    return Prediction("An album that targets API 25 (before Android 8) compresses in a background service while "
                      "the game plays. How many of the game's frames miss their deadline because of it, and how many "
                      "if it is a job?",
                      ["none either way", "about a hundred as a service, none as a job",
                       "over a thousand as a service, none as a job", "some either way"], correct, reveal)


def fgs_prediction(table: list[dict[str, str]]) -> Prediction:
    """Predict-then-reveal: a foreground service started from a job on Android 12, told from ``fgs_table()``."""
    rows = {r[CALL_COLUMN]: r for r in table}
    outcome = rows["from the background (a job)"]["Android 12"]
    correct = {"runs": 0, "refused": 1}.get(outcome, 2)
    reveal = (
        f"**{'No' if outcome == 'refused' else 'Yes'}**: it is {outcome}, with a `{fgs_refusal(31)}`. From "
        "Android 12 an app in the background may start a foreground service only under an exemption: the rows "
        "below it (a high-priority FCM message, an exact alarm the user set, a tap on the app's notification) are "
        "the common ones. The deadline to call "
        "`startForeground()` grew over the versions: 8 s late on Android 8 is "
        f"{rows['... startForeground() 8 s late']['Android 8']}; 15 s late on Android 12 is "
        f"{rows['... startForeground() 15 s late']['Android 12']} (`ForegroundServiceDidNotStartInTimeException`)."
    )
    return Prediction("A sync app's periodic job calls `startForegroundService()` in the background, on Android 12. "
                      "Does the service start?",
                      ["yes, as on Android 8", "no: the call is refused", "it starts, then Android stops it"],
                      correct, reveal)


# -- exercises ----------------------------------------------------------------------------------------------------


def _service(answer: Any, example: str) -> sim.Service:
    require(answer, sim.Service, f"a sim.Service, e.g. {example}")
    return answer  # type: ignore[no-any-return]


#: The running app: the user starts a run with the phone in a pocket, screen off; at 10 min the watch notices the
#: run and tells the phone with a high-priority FCM message. The run lasts 45 minutes.
WATCH_MESSAGE_S = 10 * MIN
RUN_S = 45 * MIN
#: ASSUMPTION: recording a GPS track keeps about 5 % of a core busy (the numbers only set the scale).
RUN_CPU_SHARE = 0.05
#: The recording counts if it starts within two minutes of the watch's message.
RUN_START_WITHIN_S = 2 * MIN


def run_scenario(svc: sim.Service) -> sim.Scenario:
    """The running app (targeting 34) on Android 14, its screen off for the whole run, calling `svc`."""
    app = sim.App("run", target_sdk=34, work=(svc,))
    return sim.Scenario(device=sim.Device(api_level=34), day=sim.Day(), apps=(app,),
                        duration_s=WATCH_MESSAGE_S + RUN_S + 10 * MIN)


def _judge_run(answer: Any) -> Verdict:
    svc = _service(answer, "sim.Service(mode='foreground', at_s=600, run_s=2700, ...)")
    if svc.fgs_type != "location" or svc.run_s < RUN_S:
        return Verdict(False, "keep the service a location service (fgs_type='location') that records the whole "
                              "run (run_s=2700); choose how and from where it is started.")
    if not WATCH_MESSAGE_S <= svc.at_s <= WATCH_MESSAGE_S + RUN_START_WITHIN_S:
        return Verdict(False, f"the run began at {WATCH_MESSAGE_S / MIN:.0f} min (at_s=600); the recording must "
                              "start within two minutes of the watch's message.")
    r = sim.run(run_scenario(svc), seed=0)
    refused = [e.detail.split(": ", 1)[-1] for e in r.events if e.kind in ("service_refused", "fgs_timeout")]
    if refused:
        return Verdict(False, f"Android refused it: {refused[0][:170]}. Look at the table of background starts and "
                              "its rows that are not a start from the background.")
    spans = [(s.start_s, s.end_s) for s in r.lane("service", "run")]
    end = svc.at_s + RUN_S
    if not spans or spans[0][1] < end - 1.0:
        return Verdict(False, "the recording stopped before the run ended; look at where a background service's row "
                              "ends in the music lab.")
    asleep = sum(min(s.end_s, end) - max(s.start_s, svc.at_s) for s in r.lane("cpu")
                 if s.value == "suspended" and s.end_s > svc.at_s and s.start_s < end)
    if asleep > 1.0:
        return Verdict(False, f"the service runs, but the CPU slept {asleep / MIN:.0f} of the run's minutes with the "
                              "screen off, and the GPS track has holes. Look at the 'CPU awake' row of the music "
                              "lab: what keeps it awake?")
    return Verdict(True, f"the whole run is recorded, from {clock(svc.at_s)} (h:mm), with the notification shown "
                         f"for {r.summary.get('notification_s', 0.0) / MIN:.0f} minutes and the CPU awake throughout.")


def _judge_upload(answer: Any) -> Verdict:
    require(answer, str, 'one of "started", "expedited", "fgs"')
    if answer not in UPLOAD_MECHANISMS:
        raise WrongAnswerType(f'your answer is {answer[:40]!r}; this exercise wants one of "started", "expedited" '
                              'or "fgs" (the upload lab\'s choices).')
    results = {size: sim.run(upload_scenario(answer, size, "3g"), seed=0) for size in (5, 20)}
    for size, r in results.items():
        done = upload_done_s(r)
        if done != done:
            return Verdict(False, f"the {size} MB video is not sent: {sent_mb(r):.0f} MB went before Android stopped "
                                  "the upload. Set the lab to 3G and this choice: where does the service's row end?")
    shown = sum(r.summary.get("notification_s", 0.0) for r in results.values())
    if shown > 0:
        return Verdict(False, f"both videos are sent, but the user sees a notification for {shown:.0f} s in all, "
                              "for uploads of a few minutes. Is there a choice that finishes them without one?")
    slowest = max(upload_done_s(r) for r in results.values())
    return Verdict(True, f"both videos are sent on 3G (the 20 MB one in {slowest:.0f} s) with no notification: an "
                         "expedited job runs at once for an app the user just used, and needs none on Android 12+.")


def _when_done(r: sim.Result, cpu_s: float) -> float:
    """When the album's work had used `cpu_s` CPU-seconds (its bursts in the order they ended)."""
    total = 0.0
    for w in sorted((w for w in r.work if w.app == "album"), key=lambda w: w.end_s):
        total += w.cpu_s
        if total >= cpu_s - 1.0:
            return w.end_s
    return float("nan")


def _judge_compress(answer: Any) -> Verdict:
    svc = _service(answer, 'sim.Service(mode="foreground", at_s=50, run_s=1200, cpu_share=1.0, threads=1, ...)')
    if svc.at_s != COMPRESS_AT_S:
        return Verdict(False, "start the compression when the photos are taken (at_s=50).")
    work = svc.run_s * svc.cpu_share * svc.threads
    if work < COMPRESS_CPU_S - 1.0:
        return Verdict(False, f"your service does {work / MIN:.0f} CPU-minutes of work; the photos need "
                              f"{COMPRESS_CPU_S / MIN:.0f} (run_s x cpu_share x threads).")
    album = sim.App("album", target_sdk=34, work=(svc,))
    game = sim.App("game", target_sdk=34)
    r = sim.run(sim.Scenario(device=sim.Device(api_level=34), day=game_day(), apps=(album, game),
                             duration_s=COMPRESS_DURATION_S), seed=0)
    refused = [e.detail for e in r.events if e.kind in ("service_refused", "fgs_timeout")]
    if refused:
        return Verdict(False, f"Android stopped it: {refused[0].split(': ', 1)[-1][:150]}")
    done_cpu = sum(w.cpu_s for w in r.work if w.app == "album")
    if done_cpu < COMPRESS_CPU_S - 1.0:
        return Verdict(False, f"{100 * done_cpu / COMPRESS_CPU_S:.0f} % of the photos were compressed before Android "
                              "stopped the service. Look at where the album's service row ends in the compression lab "
                              "for a background service targeting API 34.")
    done = _when_done(r, COMPRESS_CPU_S)
    if done - COMPRESS_AT_S > 30 * MIN:
        return Verdict(False, f"the photos were compressed {(done - COMPRESS_AT_S) / MIN:.0f} minutes after they "
                              "were taken; they must be done within 30. More threads, or a larger share of each?")
    jank = r.summary["janky_frames_from_background"]
    if jank >= 100:
        return Verdict(False, f"done in {(done - COMPRESS_AT_S) / MIN:.0f} minutes, but the game missed {jank:,.0f} "
                              "frames. The game's two threads share four cores with yours: how many threads can "
                              "you add before they crowd it?")
    return Verdict(True, f"all photos compressed {(done - COMPRESS_AT_S) / MIN:.0f} minutes after they were taken, "
                         f"costing the game {jank:,.0f} frames.")


EXERCISES = Exercises(globals(), [
    Exercise(
        "run", "a sim.Service", _judge_run,
        solution="sim.Service(mode='foreground', at_s=630, from_='foreground', run_s=2700,\n"
                 "                     cpu_share=0.05, wakelock=True, fgs_type='location')",
        explain="Android 14 does not let a location service be created from the background, even under an "
                "exemption from Android 12's rule such as a high-priority FCM message. So the FCM message posts a "
                "notification (\"Your run has started: tap to record\") whose tap opens the app's activity, and "
                "the activity starts the service while the app is on screen. The solution assumes the "
                "tap comes 30 s after the message. The wakelock keeps the CPU, and the GPS track, going with the "
                "screen off.",
        wrong=("sim.Service(mode='foreground', at_s=600, from_='push', run_s=2700, cpu_share=0.05, wakelock=True, "
               "fgs_type='location')",
               "sim.Service(mode='foreground', at_s=600, from_='background', run_s=2700, cpu_share=0.05, "
               "wakelock=True, fgs_type='location')",
               "sim.Service(mode='foreground', at_s=630, from_='foreground', run_s=2700, cpu_share=0.05, "
               "fgs_type='location')"),
    ),
    Exercise(
        "upload", 'one of "started", "expedited" or "fgs"', _judge_upload,
        solution="'expedited'",
        explain="Over 3G, 20 MB takes longer than the minute a background service is left after the user leaves: "
                "it is stopped mid-upload. The foreground service sends everything, at the price of a notification "
                "for the whole upload. The expedited job sends everything at once, with no notification. The "
                "trade-off turns the other way for "
                "long uploads: an expedited job has an execution limit and a daily quota, so a 500 MB backup "
                "belongs in a foreground service of type `dataSync` (or, from Android 14, a user-initiated data "
                "transfer job), where the notification tells the user it is going on.",
        wrong=("'started'", "'fgs'"),
    ),
    Exercise(
        "compress", "a sim.Service", _judge_compress,
        solution="sim.Service(mode='foreground', at_s=50, run_s=600, cpu_share=1.0,\n"
                 "                     threads=2, fgs_type='dataSync')",
        explain="A background service is stopped a minute after the user opens the game, so it must be a foreground "
                "service. With four threads the game's two threads get too little of the four cores; with one or "
                "two, the game keeps whole cores and misses no frame more than usual, and the work takes longer: two "
                "threads need 10 minutes, one 20. Fewer threads trade time for frames. If half an hour were not "
                "required, the job of the compression lab would cost no frames and no notification.",
        wrong=("sim.Service(mode='foreground', at_s=50, run_s=300, cpu_share=1.0, threads=4, fgs_type='dataSync')",
               "sim.Service(mode='started', at_s=50, run_s=600, cpu_share=1.0, threads=2)",
               "sim.Service(mode='foreground', at_s=50, run_s=300, cpu_share=1.0, threads=2, fgs_type='dataSync')",
               "sim.Service(mode='foreground', at_s=50, run_s=2400, cpu_share=1.0, threads=1, fgs_type='dataSync', "
               "calls_start_foreground_after_s=None)"),
    ),
])
check, solution = EXERCISES.check, EXERCISES.solution
