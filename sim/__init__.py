"""Backstage's device simulator: an Android phone's background work, battery, radio and Doze, in simpy."""

from sim._validate import show  # how a value is shown in an error message (widgets' messages read the same)
from sim.alarms import Alarm
from sim.assumptions import Assumptions
from sim.broadcasts import Broadcast, Receiver
from sim.buckets import BUCKETS, BucketQuota, quota_for
from sim.day import DAY_PRESETS, Day, NetworkPeriod, Period, Session
from sim.doze import DozeTimings
from sim.jobs import Job
from sim.phone import Phone, RunTooLarge, run
from sim.power import PROFILES, PowerProfile
from sim.result import BatteryPoint, EnergyRow, Event, Result, StateSpan, WorkRecord
from sim.scenario import PRESETS, App, Device, Scenario
from sim.services import Service
from sim.work import ImmediateWork, Mechanism, WorkHost, WorkItem

__all__ = [
    "BUCKETS",
    "DAY_PRESETS",
    "PRESETS",
    "PROFILES",
    "Alarm",
    "App",
    "Assumptions",
    "BatteryPoint",
    "Broadcast",
    "BucketQuota",
    "Day",
    "Device",
    "DozeTimings",
    "EnergyRow",
    "Event",
    "ImmediateWork",
    "Job",
    "Mechanism",
    "NetworkPeriod",
    "Period",
    "Phone",
    "PowerProfile",
    "Receiver",
    "Result",
    "RunTooLarge",
    "Scenario",
    "Service",
    "Session",
    "StateSpan",
    "WorkHost",
    "WorkItem",
    "WorkRecord",
    "quota_for",
    "run",
    "show",
]
