"""ActivityManager's services: started, bound and foreground services, with Android 8's background limits,
the startForeground() deadline, Android 12's background FGS start restriction and Android 14/15's FGS types.

`sim.services.spec` holds the mechanism (`Service`) and Android's constants, `sim.services.manager` the system
service (`ActiveServices`).
"""

from sim.services.manager import ActiveServices
from sim.services.spec import (
    BACKGROUND_SETTLE_TIME_S,
    DATA_SYNC_FGS_TIMEOUT_S,
    FG_TO_BG_FGS_GRACE_S,
    FGS_TYPES,
    MODES,
    SHORT_FGS_TIMEOUT_S,
    START_CONTEXTS,
    Service,
    start_foreground_timeout_s,
)

__all__ = [
    "BACKGROUND_SETTLE_TIME_S",
    "DATA_SYNC_FGS_TIMEOUT_S",
    "FGS_TYPES",
    "FG_TO_BG_FGS_GRACE_S",
    "MODES",
    "SHORT_FGS_TIMEOUT_S",
    "START_CONTEXTS",
    "ActiveServices",
    "Service",
    "start_foreground_timeout_s",
]
