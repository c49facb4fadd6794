"""What Android restricted in background work, release by release, each change with its source."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["AREAS", "RELEASES", "RESTRICTIONS", "Restriction"]

#: The four tools of the guide, plus the rules that act on every app at once.
AREAS: tuple[str, ...] = ("Whole device", "Scheduled jobs", "Services", "Broadcasts", "Alarms")

#: Android version name by API level, for the releases that changed background work.
RELEASES: dict[int, str] = {
    19: "4.4",
    21: "5.0",
    23: "6.0",
    24: "7.0",
    26: "8.0",
    28: "9",
    31: "12",
    34: "14",
    35: "15",
}


class Restriction(NamedTuple):
    """One change to what background work may do, as of the release that made it."""

    api_level: int
    area: str
    label: str  # two lines of at most 15 characters, shown on the chart
    detail: str  # one sentence for the reader
    applies_to: str  # which apps: all, or those targeting at least some SDK
    source: str  # the row of shared/reference/android-facts.md it comes from


RESTRICTIONS: tuple[Restriction, ...] = (
    Restriction(19, "Alarms", "set() is\ninexact",
                "set() and setRepeating() may be delayed and batched with other alarms.",
                "apps targeting 19+", "android-facts §4: set()/setRepeating() inexact (batchable)"),
    Restriction(21, "Scheduled jobs", "JobScheduler\narrives",
                "Apps can state conditions (network, charging, idle) and let the system choose when to run.",
                "all apps", "android-facts §3: JobInfo constraints"),
    Restriction(23, "Whole device", "Doze,\nApp Standby",
                "A still, unplugged phone with its screen off defers jobs, alarms and network to maintenance windows.",
                "all apps", "android-facts §1: DeviceIdleController; §1c"),
    Restriction(24, "Whole device", "light\nDoze",
                "Screen off and unplugged is enough for a lighter Doze, even when the phone is moving.",
                "all apps", "android-facts §1b"),
    Restriction(24, "Scheduled jobs", "periodic jobs\n≥ 15 min",
                "A periodic job asking for less than 15 minutes is raised to 15 minutes.",
                "all apps", "android-facts §3: JobInfo.MIN_PERIOD_MILLIS"),
    Restriction(24, "Broadcasts", "manifest loses\nconnectivity",
                "Manifest receivers no longer get CONNECTIVITY_ACTION; runtime receivers still do.",
                "apps targeting 24+", "android-facts §6: CONNECTIVITY_ACTION via manifest"),
    Restriction(26, "Services", "background\nservices stop",
                "About a minute after the app leaves the foreground its background services are stopped, "
                "and startService() from the background throws.",
                "apps targeting 26+", "android-facts §5: BACKGROUND_SETTLE_TIME; §8 scenarios 1-2"),
    Restriction(26, "Broadcasts", "implicit\nbroadcasts cut",
                "Manifest receivers stop receiving implicit broadcasts, except a short list of exemptions.",
                "apps targeting 26+", "android-facts §6: implicit broadcast exceptions"),
    Restriction(28, "Whole device", "standby\nbuckets",
                "Each app is put in a bucket by how recently it was used; rarer buckets get less job and alarm time.",
                "all apps", "android-facts §2"),
    Restriction(31, "Services", "no FGS start\nfrom background",
                "startForegroundService() from the background throws unless an exemption applies.",
                "apps targeting 31+", "android-facts §5: background FGS start restriction"),
    Restriction(31, "Alarms", "exact alarms\nneed permission",
                "setExact() and friends need SCHEDULE_EXACT_ALARM; inexact windows are at least 10 minutes.",
                "apps targeting 31+", "android-facts §4: SCHEDULE_EXACT_ALARM; MIN_WINDOW"),
    Restriction(31, "Scheduled jobs", "expedited\njobs",
                "Urgent work uses expedited jobs, with their own daily quota per bucket.",
                "all apps", "android-facts §2b: EJ quota"),
    Restriction(34, "Services", "FGS type\nrequired",
                "Every foreground service declares a type; shortService is stopped after 3 minutes.",
                "apps targeting 34+", "android-facts §5: FGS type required; shortService timeout"),
    Restriction(34, "Alarms", "exact alarms\noff by default",
                "SCHEDULE_EXACT_ALARM is no longer pre-granted to newly installed apps.",
                "apps targeting 33+", "android-facts §4: SCHEDULE_EXACT_ALARM default"),
    Restriction(34, "Broadcasts", "queued while\napp is cached",
                "Broadcasts to runtime receivers of cached apps wait until the app leaves the cached state.",
                "all apps", "android-facts §6: context-registered broadcasts queued while cached"),
    Restriction(35, "Services", "dataSync FGS\n6 h per day",
                "dataSync and mediaProcessing foreground services get 6 hours in 24, then onTimeout().",
                "apps targeting 35+", "android-facts §5: dataSync FGS limit"),
)


def _check() -> None:
    for r in RESTRICTIONS:
        if r.area not in AREAS:
            raise ValueError(f"Restriction.area={r.area!r}: allowed {', '.join(AREAS)}")
        if r.api_level not in RELEASES:
            raise ValueError(f"Restriction.api_level={r.api_level}: allowed {sorted(RELEASES)}")
        lines = r.label.split("\n")
        if len(lines) != 2 or max(map(len, lines)) > 15:
            raise ValueError(f"Restriction.label={r.label!r}: allowed two lines of at most 15 characters")


_check()
