"""Radio state machines: LTE and 3G RRC, and Wi-Fi, with promotion, transfer and tail energy per transfer."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from sim.power import watts_to_ma
from sim.records import StateSpan

__all__ = [
    "LTE_TAIL_S",
    "UMTS_TAIL_S",
    "WIFI_TAIL_S",
    "Link",
    "LinkModel",
    "lte_model",
    "umts_model",
    "wifi_model",
]

# --- LTE: AT&T ARO lte.conf, the parameters of Huang et al. MobiSys 2012 (android-facts §7b) -------------------
LTE_PROMOTION_S = 0.26  # android-facts §7b: ARO T_PROMOTION, RRC_IDLE -> RRC_CONNECTED
LTE_PROMOTION_W = 1.21  # android-facts §7b: ARO P_PROMOTION
LTE_INACTIVITY_TIMER_S = 0.1  # android-facts §7b: ARO INACTIVITY_TIMER, continuous reception before DRX
LTE_TAIL_W = 1.06  # android-facts §7b: ARO P_TAIL, RRC_CONNECTED baseline between DRX pings
LTE_DRX_PING_S = 0.002  # android-facts §7b: ARO T_DRX_PING
LTE_DRX_PING_W = 1.68  # android-facts §7b: ARO P_LONG_DRX_PING
LTE_LONG_DRX_PERIOD_S = 0.04  # android-facts §7b: ARO T_LONG_DRX_PING_PERIOD
LTE_TAIL_S = 11.576  # android-facts §7b: Huang et al. 2012 Ttail (ARO: 0.1 s + short DRX + 10 s long DRX)
# Derived: the DRX pings averaged over the tail, so the tail is one span at one power (no per-ping events).
LTE_TAIL_AVG_W = LTE_TAIL_W + (LTE_DRX_PING_W - LTE_TAIL_W) * LTE_DRX_PING_S / LTE_LONG_DRX_PERIOD_S
LTE_IDLE_PING_S = 0.043  # android-facts §7b: ARO T_IDLE_PING, RRC_IDLE paging
LTE_IDLE_PING_PERIOD_S = 1.28  # android-facts §7b: ARO T_IDLE_PING_PERIOD
LTE_IDLE_PING_W = 0.594  # android-facts §7b: ARO P_IDLE_PING
LTE_IDLE_AVG_W = LTE_IDLE_PING_W * LTE_IDLE_PING_S / LTE_IDLE_PING_PERIOD_S  # derived: paging averaged (~20 mW)
LTE_ALPHA_UP_W_PER_MBPS = 0.43839  # android-facts §7b: ARO LTE_ALPHA_UP = 438.39 mW/Mbps
LTE_ALPHA_DOWN_W_PER_MBPS = 0.05197  # android-facts §7b: ARO LTE_ALPHA_DOWN = 51.97 mW/Mbps
LTE_BETA_W = 1.2  # android-facts §7b: ARO LTE_BETA

# --- 3G / UMTS: ARO HTC Inspire profile inspire.conf (android-facts §7b) -----------------------------------------
UMTS_IDLE_DCH_PROMOTION_S = 2.0  # android-facts §7b: IDLE_DCH_PROMO_AVG
UMTS_IDLE_DCH_PROMOTION_W = 0.30  # android-facts §7b: POWER_IDLE_DCH
UMTS_FACH_DCH_PROMOTION_S = 1.5  # android-facts §7b: FACH_DCH_PROMO_AVG
UMTS_FACH_DCH_PROMOTION_W = 0.49  # android-facts §7b: POWER_FACH_DCH
UMTS_DCH_TAIL_S = 4.0  # android-facts §7b: DCH_FACH_TIMER
UMTS_DCH_W = 0.60  # android-facts §7b: POWER_DCH (transfer and DCH tail)
UMTS_FACH_TAIL_S = 10.0  # android-facts §7b: FACH_IDLE_TIMER
UMTS_FACH_W = 0.38  # android-facts §7b: POWER_FACH
UMTS_TAIL_S = UMTS_DCH_TAIL_S + UMTS_FACH_TAIL_S  # derived: ~14 s
# ASSUMPTION: the facts give no 3G IDLE power; assume the same averaged paging cost as LTE RRC_IDLE.
ASSUMED_UMTS_IDLE_W = LTE_IDLE_AVG_W

# --- Wi-Fi: ARO WiFi.conf (android-facts §7b) ---------------------------------------------------------------------
WIFI_TAIL_S = 0.25  # android-facts §7b: ARO WIFI_TAIL_TIME
WIFI_ACTIVE_W = 0.403  # android-facts §7b: ARO POWER_WIFI_ACTIVE (transfer and tail)
WIFI_STANDBY_W = 0.02  # android-facts §7b: ARO POWER_WIFI_STANDBY (associated, idle)

# ASSUMPTION: throughput a background transfer gets (the facts give power, not speed). Overridable (Assumptions).
ASSUMED_LTE_DOWN_MBPS = 10.0
ASSUMED_LTE_UP_MBPS = 5.0
ASSUMED_UMTS_DOWN_MBPS = 1.5
ASSUMED_UMTS_UP_MBPS = 0.5
ASSUMED_WIFI_DOWN_MBPS = 20.0
ASSUMED_WIFI_UP_MBPS = 10.0

Book = Callable[[str, str, float, float, float], None]  # (component, app, current_ma, t0_s, t1_s)


class TailPiece(NamedTuple):
    """One stage of a tail: how long it lasts after the last packet, its power and its lane value."""

    duration_s: float
    watts: float
    value: str


class LinkModel(NamedTuple):
    """The numbers of one radio technology: promotions, transfer powers, tail stages and idle power."""

    lane: str  # the state lane this radio draws
    component: str  # energy ledger prefix: "<component>.promotion" / ".active" / ".tail" / ".idle"
    promotion_from_idle: tuple[float, float]  # (s, W)
    promotion_from_tail: tuple[float, float, float]  # (after this many s in the tail, s, W): 3G's FACH -> DCH
    up_w: float  # power while sending
    down_w: float  # power while receiving
    up_mbps: float
    down_mbps: float
    tail: tuple[TailPiece, ...]
    idle_w: float


def lte_model(down_mbps: float = ASSUMED_LTE_DOWN_MBPS, up_mbps: float = ASSUMED_LTE_UP_MBPS) -> LinkModel:
    """LTE RRC from ARO: 0.26 s promotion, power alpha x throughput + beta while sending, ~11.6 s tail."""
    return LinkModel(
        lane="radio",
        component="radio",
        promotion_from_idle=(LTE_PROMOTION_S, LTE_PROMOTION_W),
        promotion_from_tail=(LTE_TAIL_S, 0.0, 0.0),  # within the tail (DRX) there is no promotion
        up_w=LTE_ALPHA_UP_W_PER_MBPS * up_mbps + LTE_BETA_W,
        down_w=LTE_ALPHA_DOWN_W_PER_MBPS * down_mbps + LTE_BETA_W,
        up_mbps=up_mbps,
        down_mbps=down_mbps,
        tail=(TailPiece(LTE_TAIL_S, LTE_TAIL_AVG_W, "tail"),),
        idle_w=LTE_IDLE_AVG_W,
    )


def umts_model(down_mbps: float = ASSUMED_UMTS_DOWN_MBPS, up_mbps: float = ASSUMED_UMTS_UP_MBPS) -> LinkModel:
    """3G RRC from ARO: IDLE -> DCH 2 s, FACH -> DCH 1.5 s, DCH tail 4 s then FACH tail 10 s."""
    return LinkModel(
        lane="radio",
        component="radio",
        promotion_from_idle=(UMTS_IDLE_DCH_PROMOTION_S, UMTS_IDLE_DCH_PROMOTION_W),
        promotion_from_tail=(UMTS_DCH_TAIL_S, UMTS_FACH_DCH_PROMOTION_S, UMTS_FACH_DCH_PROMOTION_W),
        up_w=UMTS_DCH_W,
        down_w=UMTS_DCH_W,
        up_mbps=up_mbps,
        down_mbps=down_mbps,
        tail=(
            TailPiece(UMTS_DCH_TAIL_S, UMTS_DCH_W, "dch_tail"),
            TailPiece(UMTS_FACH_TAIL_S, UMTS_FACH_W, "fach_tail"),
        ),
        idle_w=ASSUMED_UMTS_IDLE_W,
    )


def wifi_model(down_mbps: float = ASSUMED_WIFI_DOWN_MBPS, up_mbps: float = ASSUMED_WIFI_UP_MBPS) -> LinkModel:
    """Wi-Fi from ARO: no promotion, 0.403 W while active, 0.25 s tail, 0.02 W standby while associated."""
    return LinkModel(
        lane="wifi",
        component="wifi",
        promotion_from_idle=(0.0, 0.0),
        promotion_from_tail=(WIFI_TAIL_S, 0.0, 0.0),
        up_w=WIFI_ACTIVE_W,
        down_w=WIFI_ACTIVE_W,
        up_mbps=up_mbps,
        down_mbps=down_mbps,
        tail=(TailPiece(WIFI_TAIL_S, WIFI_ACTIVE_W, "tail"),),
        idle_w=WIFI_STANDBY_W,
    )


class Link:
    """One radio, computed analytically: each transfer's promotion, transfer and tail are known when it starts.

    Transfers are served one after another (a transfer asked for while another is on the air waits for it), so
    the spans this radio draws come in time order and no per-packet or per-ping event is ever simulated. The
    tail is attributed to the app whose transfer ended last, the promotion to the app that caused it.
    """

    def __init__(self, model: LinkModel, book: Book, *, on: bool) -> None:
        self.model = model
        self._book = book
        self._tail_total_s = sum(p.duration_s for p in model.tail)
        self._tail_ma = tuple((p.duration_s, watts_to_ma(p.watts), p.value) for p in model.tail)
        self._idle_ma = watts_to_ma(model.idle_w)
        self._up_ma = watts_to_ma(model.up_w)
        self._down_ma = watts_to_ma(model.down_w)
        self._up_bps = model.up_mbps * 1e6 / 8.0
        self._down_bps = model.down_mbps * 1e6 / 8.0
        self.on = on  # associated (Wi-Fi) / camped (cellular); idle power only while on
        self.last_end_s = float("-inf")  # end of the last transfer, where its tail starts
        self._last_app = ""
        self._cursor_s = 0.0  # spans and energy are emitted up to here
        self.spans: list[StateSpan] = []
        self.transfers = 0
        self.promotions = 0

    # -- spans ---------------------------------------------------------------------------------------------------
    def _span(self, t0: float, t1: float, value: str, app: str = "") -> None:
        if t1 <= t0:
            return
        spans = self.spans
        if spans:
            last = spans[-1]
            if last.value == value and last.end_s == t0 and last.app == app:
                spans[-1] = last._replace(end_s=t1)
                return
        spans.append(StateSpan(self.model.lane, t0, t1, value, app))

    def _emit_until(self, t: float) -> None:
        """Emit the tail and idle pieces between the cursor and t."""
        cur = self._cursor_s
        if t <= cur:
            return
        comp = self.model.component
        piece_start = self.last_end_s
        for duration_s, ma, value in self._tail_ma:
            piece_end = piece_start + duration_s
            a = cur if cur > piece_start else piece_start
            b = t if t < piece_end else piece_end
            if b > a:
                self._span(a, b, value)
                self._book(comp + ".tail", self._last_app, ma, a, b)
            piece_start = piece_end
        a = cur if cur > piece_start else piece_start
        if t > a:
            if self.on:
                self._span(a, t, "idle")
                self._book(comp + ".idle", "system", self._idle_ma, a, t)
            else:
                self._span(a, t, "off")
        self._cursor_s = t

    def set_on(self, t: float, on: bool) -> None:
        """Associate (or camp) at t, or leave; only changes the idle power and lane value after any tail."""
        if on == self.on:
            return
        self._emit_until(t)
        self.on = on

    def transfer(self, t: float, up_bytes: int, down_bytes: int, app: str) -> tuple[float, float]:
        """Send and receive for `app`, asked at t; return (start_s, end_s) of the radio's work for it."""
        start = t if t > self.last_end_s else self.last_end_s
        self._emit_until(start)
        m = self.model
        comp = m.component
        gap = start - self.last_end_s
        if gap >= self._tail_total_s:
            promo_s, promo_w = m.promotion_from_idle
        elif gap >= m.promotion_from_tail[0]:
            promo_s, promo_w = m.promotion_from_tail[1], m.promotion_from_tail[2]
        else:
            promo_s, promo_w = 0.0, 0.0
        now = start
        if promo_s > 0.0:
            self.promotions += 1
            self._span(now, now + promo_s, "promotion")
            self._book(comp + ".promotion", app, watts_to_ma(promo_w), now, now + promo_s)
            now += promo_s
        if up_bytes > 0:
            dur = up_bytes / self._up_bps
            self._span(now, now + dur, "active")
            self._book(comp + ".active", app, self._up_ma, now, now + dur)
            now += dur
        if down_bytes > 0:
            dur = down_bytes / self._down_bps
            self._span(now, now + dur, "active")
            self._book(comp + ".active", app, self._down_ma, now, now + dur)
            now += dur
        self.transfers += 1
        self.last_end_s = now
        self._last_app = app
        self._cursor_s = now
        return start, now

    def finish(self, t_end: float) -> list[StateSpan]:
        """Close the radio at the end of the run: emit what is left and clip spans to t_end."""
        self._emit_until(t_end)
        spans = self.spans
        while spans and spans[-1].start_s >= t_end:
            spans.pop()
        if spans and spans[-1].end_s > t_end:
            spans[-1] = spans[-1]._replace(end_s=t_end)
        return spans
