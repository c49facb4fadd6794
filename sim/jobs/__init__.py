"""JobScheduler (and WorkManager, which uses it on API 23+): jobs run when their constraints hold, batched by the
system, deferred by Doze, limited by standby-bucket quotas, retried with backoff, stopped at the execution limit.

`sim.jobs.spec` holds the mechanism (`Job`) and Android's constants, `sim.jobs.quota` QuotaController's records,
`sim.jobs.scheduler` the system service (`JobScheduler`).
"""

from sim.jobs.scheduler import JobScheduler
from sim.jobs.spec import (
    ASSUMED_IDLE_THRESHOLD_S,
    ASSUMED_LOW_BATTERY_PCT,
    CONCURRENCY_LIMIT,
    JOB_API_LEVEL,
    MIN_FLEX_S,
    MIN_PERIOD_S,
    Job,
    backoff_delay_s,
)

__all__ = [
    "ASSUMED_IDLE_THRESHOLD_S",
    "ASSUMED_LOW_BATTERY_PCT",
    "CONCURRENCY_LIMIT",
    "JOB_API_LEVEL",
    "MIN_FLEX_S",
    "MIN_PERIOD_S",
    "Job",
    "JobScheduler",
    "backoff_delay_s",
]
