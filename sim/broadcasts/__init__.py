"""Broadcasts: an app's receivers (manifest-declared or registered at run time) and the broadcasts they hear, with
Android 7's and 8's limits on manifest receivers, the queues' ANR timeouts and Android 14's deferral for cached apps.

`sim.broadcasts.spec` holds the mechanisms (`Receiver`, `Broadcast`) and Android's constants,
`sim.broadcasts.manager` the system service (`BroadcastQueue`).
"""

from sim.broadcasts.manager import BroadcastQueue
from sim.broadcasts.spec import (
    ACTIONS,
    BROADCAST_BG_TIMEOUT_S,
    BROADCAST_FG_TIMEOUT_S,
    DAY_ACTIONS,
    EVENT_ACTIONS,
    EXEMPT_ACTIONS,
    REGISTRATIONS,
    RUNS,
    Broadcast,
    Receiver,
)

__all__ = [
    "ACTIONS",
    "BROADCAST_BG_TIMEOUT_S",
    "BROADCAST_FG_TIMEOUT_S",
    "DAY_ACTIONS",
    "EVENT_ACTIONS",
    "EXEMPT_ACTIONS",
    "REGISTRATIONS",
    "RUNS",
    "Broadcast",
    "BroadcastQueue",
    "Receiver",
]
