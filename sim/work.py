"""Work an app needs done, and the interface through which a mechanism asks the phone to run it."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Protocol, runtime_checkable

from sim._validate import ScenarioError, check_int, check_keys, check_number, show, strict
from sim.records import WorkRecord

__all__ = ["MECHANISMS", "ImmediateWork", "Mechanism", "WorkHost", "WorkItem", "mechanism_from_dict"]

MAX_BYTES = 10**10
WORK_ITEM_MAX_CPU_S = 3600.0  # the most CPU time one WorkItem may ask for


@strict
@dataclass(frozen=True)
class WorkItem:
    """One unit of work: CPU time to run, bytes to send and receive (network is needed if any bytes move).

    Raises ValueError for negative or absurd amounts, or for work that does nothing at all.
    """

    cpu_s: float = 1.0
    up_bytes: int = 0
    down_bytes: int = 0

    def __post_init__(self) -> None:
        check_number("WorkItem", "cpu_s", self.cpu_s, lo=0.0, hi=WORK_ITEM_MAX_CPU_S)
        check_int("WorkItem", "up_bytes", self.up_bytes, lo=0, hi=MAX_BYTES)
        check_int("WorkItem", "down_bytes", self.down_bytes, lo=0, hi=MAX_BYTES)
        if self.cpu_s == 0 and self.up_bytes == 0 and self.down_bytes == 0:
            raise ScenarioError("WorkItem: cpu_s=0, up_bytes=0, down_bytes=0: allowed work that does something")

    @property
    def needs_network(self) -> bool:
        return self.up_bytes > 0 or self.down_bytes > 0


class WorkHost(Protocol):
    """What a mechanism may use of the phone: the clock, the run's random numbers, timers, request_work, and
    `submit`, which hands the mechanism to the system service that takes its kind (a Job to JobScheduler)."""

    duration_s: float
    rng: random.Random

    @property
    def now(self) -> float: ...

    def schedule(self, delay_s: float, callback: Callable[[], None]) -> object: ...

    def submit(self, app: str, mechanism: Mechanism) -> None: ...

    def request_work(
        self,
        app: str,
        item: WorkItem,
        reason: str,
        *,
        on_done: Callable[[WorkRecord], None] | None = None,
    ) -> None: ...


@runtime_checkable
class Mechanism(Protocol):
    """A way for an app to get work done (immediate work here; jobs, alarms, services, broadcasts later).

    `start` is called once at t=0; the mechanism then asks the phone for work through `host.request_work`, and
    the phone applies Android's rules (Doze, network, wakelocks) to decide when it runs.
    """

    kind: ClassVar[str]

    def start(self, host: WorkHost, app: str) -> None: ...


@strict
@dataclass(frozen=True)
class ImmediateWork:
    """Work asked for every `every_s` seconds that runs the moment it is asked, holding a partial wakelock.

    The simplest mechanism: what an app does when a message arrives or its own timer fires. It is still subject
    to Doze, since Android ignores wakelocks and blocks network in Doze (android-facts §1c). The first request
    comes at `first_s`, or at a random phase in [0, every_s) drawn from the run's seed if first_s is None.
    Raises ValueError for every_s outside 1..604800 s or a first_s that is negative.
    """

    kind: ClassVar[str] = "immediate"

    every_s: float = 900.0
    cpu_s: float = 1.0
    up_bytes: int = 0
    down_bytes: int = 0
    first_s: float | None = None

    def __post_init__(self) -> None:
        check_number("ImmediateWork", "every_s", self.every_s, lo=1.0, hi=7 * 86_400.0)
        if self.first_s is not None:
            check_number("ImmediateWork", "first_s", self.first_s, lo=0.0, hi=7 * 86_400.0)
        self.item  # validates cpu_s and bytes  # noqa: B018

    @property
    def item(self) -> WorkItem:
        return WorkItem(cpu_s=self.cpu_s, up_bytes=self.up_bytes, down_bytes=self.down_bytes)

    def start(self, host: WorkHost, app: str) -> None:
        item = self.item
        every = float(self.every_s)
        first = host.rng.uniform(0.0, every) if self.first_s is None else float(self.first_s)
        end = host.duration_s
        request = host.request_work
        schedule = host.schedule

        def fire() -> None:
            request(app, item, "immediate")
            if host.now + every < end:
                schedule(every, fire)

        if first < end:
            schedule(first, fire)


MECHANISMS: dict[str, type[Any]] = {"immediate": ImmediateWork}


def mechanism_from_dict(data: object) -> Mechanism:
    """Build a mechanism from a dict with a "kind" key (e.g. {"kind": "immediate", "every_s": 900}, or
    {"kind": "job", "every_s": 900, "network": "unmetered"})."""
    if not isinstance(data, dict):
        raise ScenarioError(f"work={show(data)}: allowed a dict with a 'kind' ({', '.join(MECHANISMS)})")
    kind = data.get("kind", "immediate")
    if not isinstance(kind, str) or kind not in MECHANISMS:
        raise ScenarioError(f"work.kind={show(kind)}: allowed {', '.join(MECHANISMS)}")
    cls = MECHANISMS[kind]
    d = check_keys("work", data, ["kind", *(f.name for f in fields(cls))])
    rest = {k: v for k, v in d.items() if k != "kind"}
    check_keys(cls.__name__, rest, [f.name for f in fields(cls)])
    mech: Mechanism = cls(**rest)
    return mech
