"""sim.Service, the mechanism an app uses (startService / startForegroundService / bindService), and
ActivityManager's service constants (android-facts §5, §1a)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sim._validate import ScenarioError, check_bool, check_choice, check_int, check_number, strict
from sim.work import MAX_BYTES, MECHANISMS, WorkHost

__all__ = [
    "BACKGROUND_SETTLE_TIME_S",
    "DATA_SYNC_FGS_TIMEOUT_S",
    "FGS_TYPES",
    "FG_TO_BG_FGS_GRACE_S",
    "MODES",
    "SHORT_FGS_TIMEOUT_S",
    "START_CONTEXTS",
    "Service",
    "start_foreground_timeout_s",
]

# --- background service limits (android-facts §5) ---------------------------------------------------------------
BACKGROUND_LIMITS_API_LEVEL = 26  # android-facts §5: Android 8.0+ for targetSdk >= 26 (Oreo background doc)
# android-facts §5 / §8 scenario 1: ActivityManagerConstants.DEFAULT_BACKGROUND_SETTLE_TIME = 60*1000: the UID is
# marked idle this long after it went to the background, then its background services are stopped
BACKGROUND_SETTLE_TIME_S = 60.0
# android-facts §1a: DEFAULT_MAX_TEMP_APP_ALLOWLIST_DURATION_MS (<= 5 min); used for a high-priority FCM message
# (the model's choice of the maximum: the duration FCM asks for is not in the facts)
MAX_TEMP_APP_ALLOWLIST_DURATION_S = 5 * 60.0
# android-facts §1a: DEFAULT_NOTIFICATION_ALLOWLIST_DURATION_MS = 30 s (a PendingIntent from a notification)
NOTIFICATION_ALLOWLIST_DURATION_S = 30.0

# --- foreground services (android-facts §5, §8 scenarios 3-5) -----------------------------------------------------
FGS_API_LEVEL = 26  # android-facts §5: startForegroundService() + the startForeground() deadline, Android 8.0+
# android-facts §5: ActiveServices.SERVICE_START_FOREGROUND_TIMEOUT = 5*1000 in Android 8.x builds
START_FOREGROUND_TIMEOUT_API26_S = 5.0
# android-facts §5: 10*1000 from android-9.0 (Android 9-13)
START_FOREGROUND_TIMEOUT_API28_S = 10.0
# android-facts §5: ActivityManagerConstants.DEFAULT_SERVICE_START_FOREGROUND_TIMEOUT_MS = 30000 and
# DEFAULT_SERVICE_START_FOREGROUND_ANR_DELAY_MS = 10000 (Android 14/15-era builds). Which release switched from
# 10 s to 30 s is not in the sources (android-facts §9): INFERRED boundary, API 34 (Android 14).
START_FOREGROUND_TIMEOUT_API34_S = 30.0
START_FOREGROUND_ANR_DELAY_S = 10.0
START_FOREGROUND_30S_API_LEVEL = 34  # INFERRED (android-facts §9: "which Android release switched is inferred")
FGS_CRASH_API_LEVEL = 31  # android-facts §5: Android 12+: ForegroundServiceDidNotStartInTimeException (else ANR)
BG_FGS_START_API_LEVEL = 31  # android-facts §5: background FGS start restriction, Android 12+ for targetSdk >= 31
# android-facts §5: DEFAULT_FG_TO_BG_FGS_GRACE_DURATION = 5*1000: an app may still start an FGS this long after
# leaving the foreground
FG_TO_BG_FGS_GRACE_S = 5.0
FGS_TYPE_API_LEVEL = 34  # android-facts §5: foregroundServiceType mandatory, Android 14 (target 34)
# android-facts §5 / §8 scenario 5: DEFAULT_SHORT_FGS_TIMEOUT_DURATION = 3*60_000 (onTimeout),
# DEFAULT_SHORT_FGS_PROC_STATE_EXTRA_WAIT_DURATION = 5_000 (process state demoted), DEFAULT_SHORT_FGS_ANR_EXTRA_
# WAIT_DURATION = 10_000 (ANR), Android 14+
SHORT_FGS_TIMEOUT_S = 3 * 60.0
SHORT_FGS_PROC_STATE_EXTRA_WAIT_S = 5.0
SHORT_FGS_ANR_EXTRA_WAIT_S = 10.0
# android-facts §5: DEFAULT_DATA_SYNC_FGS_TIMEOUT_DURATION = 21600000 (6 h per 24 h), Android 15 (target 35)
DATA_SYNC_FGS_TIMEOUT_S = 6 * 3600.0
DATA_SYNC_WINDOW_S = 24 * 3600.0
DATA_SYNC_LIMIT_API_LEVEL = 35
# android-facts §5: types of Android 14 (+ mediaProcessing in 15)
FGS_TYPES = ("camera", "connectedDevice", "dataSync", "health", "location", "mediaPlayback", "mediaProjection",
             "microphone", "phoneCall", "remoteMessaging", "shortService", "specialUse", "systemExempted",
             "mediaProcessing")
# android-facts §5: while-in-use permission types cannot be created from the background even if otherwise exempt
# (Android 14, target 34): camera, microphone, location, body sensors (the health type, the model's reading)
WHILE_IN_USE_FGS_TYPES = ("camera", "microphone", "location", "health")

# --- Doze and a service's process state ---------------------------------------------------------------------------
# PowerManagerService.setWakeLockDisabledStateLocked (aosp-mirror/platform_frameworks_base, services/core/java/com/
# android/server/power/PowerManagerService.java, read at commit 00dcff88): in deep Doze (mDeviceIdleMode) a partial
# wakelock of an app UID that is not on the Doze allowlist or the temporary allowlist is disabled if its process
# state is below PROCESS_STATE_BOUND_FOREGROUND_SERVICE; light Doze disables none. NetworkPolicyManager.
# isProcStateAllowedWhileIdleOrPowerSaveMode lets the same foreground states use the network in Doze
# (procState <= FOREGROUND_THRESHOLD_STATE). So a foreground service keeps its wakelock and its network in deep Doze;
# a started or bound service (PROCESS_STATE_SERVICE) does not.
DOZE_KEEPS_STATES = ("top", "foreground_service")

# --- the model's own choices ------------------------------------------------------------------------------------
# ASSUMPTION: a service's CPU is spread over its run as one burst of cpu_share x CHUNK_S seconds at the start of each
# CHUNK_S, on `threads` threads at once; stopping the service cuts the burst in progress and cancels the rest (the
# energy ends at the stop). A burst that falls in deep Doze while the service's process is below a foreground
# service (and the app is not on the Doze allowlist) does not run: its CPU is suspended (DOZE_KEEPS_STATES).
# Without `wakelock` the CPU may suspend between bursts (each burst wakes it: a service's own timer).
SERVICE_CHUNK_S = 60.0
# ASSUMPTION: a service moves its bytes in pieces of this size one after the other from its start (an upload in
# chunks over one connection); a stop takes effect at the end of the piece in flight. The service has finished its
# work when its run_s has passed and its last piece has arrived.
TRANSFER_PIECE_BYTES = 1_000_000
MAX_THREADS = 8

MODES = ("started", "bound", "foreground")
#: Where the app makes the call: from its activity on screen, from the background (a periodic job, an alarm, a
#: plain receiver), in a high-priority FCM handler, from a user action on its notification, from an exact alarm for a
#: user-requested action, from a BOOT_COMPLETED receiver.
START_CONTEXTS = ("foreground", "background", "push", "notification", "exact_alarm", "boot")
MAX_AT_S = 28 * 86_400.0


def start_foreground_timeout_s(api_level: int) -> float:
    """How long after startForegroundService() the service has to call startForeground() (android-facts §5)."""
    if api_level >= START_FOREGROUND_30S_API_LEVEL:
        return START_FOREGROUND_TIMEOUT_API34_S
    if api_level >= 28:
        return START_FOREGROUND_TIMEOUT_API28_S
    return START_FOREGROUND_TIMEOUT_API26_S


@strict
@dataclass(frozen=True)
class Service:
    """A service an app starts (android-facts §5).

    `mode`: "started" (startService), "bound" (bindService) or "foreground" (startForegroundService, then
    startForeground `calls_start_foreground_after_s` later; None: never). The call is made at `at_s` from
    `from_` (one of START_CONTEXTS). Its work runs for `run_s` seconds unless Android stops it, keeping a core busy
    `cpu_share` of that time (0.2 for music playback) and moving `up_bytes`/`down_bytes` at its start.
    `fgs_type` is the foregroundServiceType (one of FGS_TYPES; required from API 34 for apps targeting 34).
    `threads`: how many threads do the work at once (a photo compressor's pool: each burst runs on that many
    threads, each counting against the app in front in the jank model). `wakelock`: the service holds a partial
    wakelock from its start to its end (music playback: the CPU never suspends while it plays), ignored in deep Doze
    unless the service is a foreground service (PowerManagerService, see DOZE_KEEPS_STATES).
    The bytes move in pieces of TRANSFER_PIECE_BYTES from the start; the service's work is done when run_s has
    passed and the transfer has finished (stopSelf), whichever is later.

    (The field is `mode`, not `start`: `start` is the method every mechanism has.)

    Raises ValueError naming the field for impossible values, for `fgs_type` or a non-default
    `calls_start_foreground_after_s` on a service that is not a foreground service.
    """

    kind: ClassVar[str] = "service"

    mode: str = "started"
    at_s: float = 0.0
    from_: str = "foreground"
    run_s: float = 600.0
    cpu_share: float = 0.1
    up_bytes: int = 0
    down_bytes: int = 0
    calls_start_foreground_after_s: float | None = 0.0
    fgs_type: str | None = None
    threads: int = 1
    wakelock: bool = False

    def __post_init__(self) -> None:
        o = "Service"
        check_choice(o, "mode", self.mode, MODES)
        check_number(o, "at_s", self.at_s, lo=0.0, hi=MAX_AT_S)
        check_choice(o, "from_", self.from_, START_CONTEXTS)
        check_number(o, "run_s", self.run_s, lo=0.0, hi=MAX_AT_S, lo_open=True)
        check_number(o, "cpu_share", self.cpu_share, lo=0.0, hi=1.0)
        check_int(o, "up_bytes", self.up_bytes, lo=0, hi=MAX_BYTES)
        check_int(o, "down_bytes", self.down_bytes, lo=0, hi=MAX_BYTES)
        if self.calls_start_foreground_after_s is not None:
            check_number(o, "calls_start_foreground_after_s", self.calls_start_foreground_after_s, lo=0.0,
                         hi=MAX_AT_S)
        check_int(o, "threads", self.threads, lo=1, hi=MAX_THREADS)
        check_bool(o, "wakelock", self.wakelock)
        if self.fgs_type is not None:
            check_choice(o, "fgs_type", self.fgs_type, FGS_TYPES)
        if self.mode != "foreground":
            if self.fgs_type is not None:
                raise ScenarioError(f"Service.fgs_type={self.fgs_type!r}: allowed only with mode='foreground'")
            if self.calls_start_foreground_after_s != 0.0:
                raise ScenarioError(f"Service.calls_start_foreground_after_s={self.calls_start_foreground_after_s!r}:"
                                    " allowed only with mode='foreground'")

    def start(self, host: WorkHost, app: str) -> None:
        """The app's code will make the call at at_s: the phone hands the service to ActivityManager's services."""
        host.submit(app, self)


MECHANISMS["service"] = Service
