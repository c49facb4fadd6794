"""Radio (sim/radio.py): RRC promotion and tails, shared tails, and the facts file's arithmetic for batching."""

from __future__ import annotations

import pytest

from sim import App, Day, Device, ImmediateWork, Scenario, Session, run
from sim.power import NOMINAL_VOLTAGE_V, watts_to_ma
from sim.radio import (
    LTE_PROMOTION_S,
    LTE_PROMOTION_W,
    LTE_TAIL_AVG_W,
    LTE_TAIL_S,
    UMTS_DCH_TAIL_S,
    UMTS_FACH_TAIL_S,
    WIFI_TAIL_S,
    Link,
    lte_model,
    umts_model,
    wifi_model,
)

AWAKE = Day(screen=(Session(0, 86_400),), network_default="cellular")  # screen on all day: no Doze in the way
# One isolated LTE transfer pays a promotion and a full tail (android-facts §7b), in mAh at 3.8 V:
PROMO_PLUS_TAIL_MAH = (LTE_PROMOTION_S * LTE_PROMOTION_W + LTE_TAIL_S * LTE_TAIL_AVG_W) / NOMINAL_VOLTAGE_V / 3.6


def booker():
    rows = []
    return rows, lambda comp, app, ma, t0, t1: rows.append((comp, app, ma, t0, t1))


def energy(rows, comp):
    return sum(ma * (t1 - t0) / 3600 for c, _, ma, t0, t1 in rows if c == comp)


def test_watts_convert_at_nominal_voltage():
    assert watts_to_ma(3.8) == pytest.approx(1000.0)
    assert pytest.approx(0.946, abs=0.001) == PROMO_PLUS_TAIL_MAH  # 0.31 J + 12.6 J = 12.9 J per transfer


def test_lte_isolated_transfer_pays_promotion_then_tail():
    rows, book = booker()
    link = Link(lte_model(), book, on=True)
    start, end = link.transfer(100.0, 0, 1_250_000, "a")  # 1.25 MB at 10 Mbit/s = 1 s
    assert start == 100.0
    assert end == pytest.approx(100.0 + LTE_PROMOTION_S + 1.0)
    spans = link.finish(200.0)
    assert [s.value for s in spans] == ["idle", "promotion", "active", "tail", "idle"]
    tail = spans[3]
    assert tail.end_s - tail.start_s == pytest.approx(LTE_TAIL_S)
    assert energy(rows, "radio.tail") == pytest.approx(LTE_TAIL_S * watts_to_ma(LTE_TAIL_AVG_W) / 3600)


def test_transfers_within_the_tail_share_it_and_skip_promotion():
    _rows, book = booker()
    link = Link(lte_model(), book, on=True)
    link.transfer(0.0, 0, 1000, "a")
    _, end1 = link.transfer(5.0, 0, 1000, "b")  # inside the first tail
    link.finish(100.0)
    assert link.promotions == 1
    tails = [s for s in link.spans if s.value == "tail"]
    assert len(tails) == 2 and tails[0].end_s == 5.0  # the first tail was cut short by the second transfer
    assert tails[1].start_s == end1


def test_concurrent_transfers_queue():
    _, book = booker()
    link = Link(wifi_model(), book, on=True)
    _, e1 = link.transfer(0.0, 0, 2_500_000, "a")  # 1 s at 20 Mbit/s
    s2, e2 = link.transfer(0.5, 0, 2_500_000, "b")
    assert s2 == e1 and e2 == pytest.approx(2.0)


def test_umts_promotion_depends_on_where_in_the_tail_the_transfer_lands():
    _, book = booker()
    link = Link(umts_model(), book, on=True)
    _, end = link.transfer(0.0, 0, 100, "a")
    assert end == pytest.approx(2.0, abs=0.01)  # IDLE -> DCH 2 s
    s, e = link.transfer(end + UMTS_DCH_TAIL_S + 1, 0, 100, "a")  # in FACH: FACH -> DCH 1.5 s
    assert e - s == pytest.approx(1.5, abs=0.01)
    s, e = link.transfer(e + 1, 0, 100, "a")  # in DCH tail: no promotion
    assert e - s < 0.01
    spans = link.finish(e + 60)
    assert [x.value for x in spans[-3:]] == ["dch_tail", "fach_tail", "idle"]
    assert spans[-2].end_s - spans[-2].start_s == pytest.approx(UMTS_FACH_TAIL_S)


def test_wifi_tail_is_a_quarter_second_and_off_when_not_associated():
    _, book = booker()
    link = Link(wifi_model(), book, on=False)
    link.set_on(10.0, True)
    _, _end = link.transfer(20.0, 0, 1000, "a")
    link.set_on(30.0, False)
    spans = link.finish(40.0)
    assert [s.value for s in spans] == ["off", "idle", "active", "tail", "idle", "off"]
    assert spans[3].end_s - spans[3].start_s == pytest.approx(WIFI_TAIL_S)


def _sixty(first_s_list):
    apps = tuple(
        App(f"a{i}", work=(ImmediateWork(every_s=86_400, cpu_s=0.1, down_bytes=10_000, first_s=t),))
        for i, t in enumerate(first_s_list)
    )
    return run(Scenario(day=AWAKE, apps=apps, duration_s=3700))


def test_sixty_transfers_a_minute_apart_cost_sixty_promotions_and_tails_one_burst_about_one():
    spread = _sixty([10 + 60 * i for i in range(60)])
    burst = _sixty([10] * 60)
    assert spread.summary["radio_promotions"] == 60
    assert burst.summary["radio_promotions"] == 1
    e_spread, e_burst = spread.energy_by(), burst.energy_by()
    overhead = lambda e: e["radio.promotion"] + e["radio.tail"]  # noqa: E731
    assert overhead(e_spread) == pytest.approx(60 * PROMO_PLUS_TAIL_MAH, rel=0.01)  # ~57 mAh
    assert overhead(e_burst) == pytest.approx(PROMO_PLUS_TAIL_MAH, rel=0.05)
    # the transfers themselves cost the same either way
    assert e_spread["radio.active"] == pytest.approx(e_burst["radio.active"], rel=1e-6)
    assert spread.summary["radio_tail_energy_share"] > 0.9


def test_3g_device_uses_umts_tails():
    app = App("a", work=(ImmediateWork(every_s=86_400, cpu_s=0.1, down_bytes=1000, first_s=10),))
    r = run(Scenario(device=Device(cellular="3g"), day=AWAKE, apps=(app,), duration_s=100))
    assert {"dch_tail", "fach_tail"} <= {s.value for s in r.lane("radio")}
    assert r.summary["cell_radio_active_s"] == pytest.approx(2.0 + UMTS_DCH_TAIL_S + UMTS_FACH_TAIL_S, abs=0.05)


def test_the_simulator_pages_fetches_each_pay_their_own_promotion_a_minute_apart():
    # book/simulator.md: "far apart, each pays its own" (the screen is on, so Doze stays out, as on the page)
    from sim import App, Day, ImmediateWork, NetworkPeriod, Scenario, Session, run

    def fetches(gap_s):
        app = App("feed", work=(ImmediateWork(every_s=gap_s, cpu_s=0.1, down_bytes=20_000, first_s=0.0),))
        day = Day(network=(NetworkPeriod(0, 86_400, "cellular"),), screen=(Session(0, 3_600, "reader"),))
        return run(Scenario(apps=(app,), day=day, duration_s=60 * gap_s), seed=0)

    apart, together = fetches(60.0), fetches(1.0)
    assert apart.summary["radio_promotions"] == 60
    assert together.summary["radio_promotions"] == 1
    assert apart.energy_by()["radio.tail"] > 10 * together.energy_by()["radio.tail"]
    assert not [s for s in apart.lane("doze") if s.value != "active"]  # Doze never batched them
