"""AlarmManager: alarms an app sets for a time, bent by Android (inexact windows and batching, Doze, standby
buckets, the exact-alarm permission) and delivered to the app's receiver.

`sim.alarms.spec` holds the mechanism (`Alarm`) and Android's constants, `sim.alarms.manager` the system service
(`AlarmManager`).
"""

from sim.alarms.manager import AlarmManager
from sim.alarms.spec import (
    ALARM_TYPES,
    CALLS,
    MAX_ALARMS_PER_UID,
    MIN_FUTURITY_S,
    MIN_INTERVAL_S,
    MIN_WINDOW_S,
    PERMISSIONS,
    Alarm,
)

__all__ = [
    "ALARM_TYPES",
    "CALLS",
    "MAX_ALARMS_PER_UID",
    "MIN_FUTURITY_S",
    "MIN_INTERVAL_S",
    "MIN_WINDOW_S",
    "PERMISSIONS",
    "Alarm",
    "AlarmManager",
]
