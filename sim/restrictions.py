"""What Android lets an app's work do right now: the network and Doze rules in one place (android-facts §1c)."""

from __future__ import annotations

__all__ = ["doze_blocks_jobs", "doze_blocks_work", "network_blocks"]


def network_blocks(network: str, needs_network: bool) -> str:
    """"network" when the work moves bytes and the phone has no network, else ""."""
    return "network" if needs_network and network == "none" else ""


def doze_blocks_work(deep_idle: bool, light_idle: bool, exempt: bool, needs_network: bool) -> str:
    """Why Doze holds back an app's own work (a wakelock and maybe a transfer) now ("" if it does not).

    Deep idle: wakelocks are ignored and network is blocked; light idle: network is blocked, wakelocks are still
    honoured (android-facts §1c). An app on the Doze allowlist (battery optimisation off) keeps both.
    """
    if exempt:
        return ""
    if deep_idle:
        return "doze"
    if needs_network and light_idle:
        return "doze"
    return ""


def doze_blocks_jobs(deep_idle: bool, light_idle: bool, exempt: bool) -> str:
    """Why Doze holds back an app's jobs now: deferred to the maintenance window in light and deep idle alike
    (android-facts §1c; DeviceIdleJobsController), unless the app is on the Doze allowlist."""
    if exempt:
        return ""
    return "doze" if deep_idle or light_idle else ""
