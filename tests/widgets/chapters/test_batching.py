"""The chapter "Why batching saves battery": its lab tells the LTE tail story as it opens."""

from __future__ import annotations

from widgets.chapters import batching as chapter


def test_batching_hourly_pays_one_promotion_and_tail_an_hour_instead_of_one_a_sync() -> None:
    lab = chapter.lab()
    alone, batched = lab.run(**lab.baseline), lab.run(**lab.defaults)
    assert alone.summary["radio_promotions"] == 288  # every 5 minutes for 24 hours
    assert batched.summary["radio_promotions"] == 24
    assert alone.summary["metered_mb"] == batched.summary["metered_mb"]  # the same data either way
    # Nearly all of the radio's energy for lone 50 KB syncs is tail (an LTE tail of 11.6 s, android-facts §7b).
    assert alone.summary["radio_tail_energy_share"] > 0.9
    assert chapter.radio_mah(batched) < 0.2 * chapter.radio_mah(alone)


# -- the network control and the exercises' claims ---------------------------------------------------------------

import pytest  # noqa: E402

import sim  # noqa: E402
from widgets import kit  # noqa: E402


def test_on_wifi_batching_saves_the_radios_little_because_the_tail_is_short() -> None:
    lab = chapter.lab()
    alone, hourly = lab.run(interval_min=5, batched=False, network="wifi"), lab.run(interval_min=5, batched=True,
                                                                                   network="wifi")
    lte_alone = lab.run(interval_min=5, batched=False, network="lte")
    assert alone.summary["metered_mb"] == 0 and alone.summary["radio_promotions"] == 0
    assert chapter.radio_mah(alone) < 0.02 * chapter.radio_mah(lte_alone)
    assert chapter.wifi_saving_mah() == pytest.approx(chapter.radio_mah(alone) - chapter.radio_mah(hourly))


def test_batching_trades_energy_for_how_old_the_data_gets() -> None:
    lab = chapter.lab()
    alone, hourly = lab.run(interval_min=5, batched=False), lab.run(interval_min=5, batched=True)
    assert kit.oldest_data_min(alone) == pytest.approx(5, abs=0.1)
    assert kit.oldest_data_min(hourly) == pytest.approx(60, abs=0.1)


@pytest.mark.parametrize(("minutes", "too_costly", "too_old"), [(25, True, False), (30, False, False),
                                                                 (35, False, True)])
def test_the_window_exercise_has_one_answer_between_cost_and_age(minutes: int, too_costly: bool,
                                                                 too_old: bool) -> None:
    result = sim.run(chapter.sync_scenario(5, True, "lte", batch_min=minutes), seed=0)
    assert (chapter.radio_mah(result) > chapter.WINDOW_MAX_RADIO_MAH) == too_costly
    assert (kit.oldest_data_min(result) > chapter.WINDOW_MAX_AGE_MIN) == too_old


@pytest.mark.parametrize(("kwargs", "match"), [({"network": "5g"}, r"network='5g': allowed lte, 3g, wifi"),
                                               ({"batch_min": 2}, r"batch_min=2: allowed a whole number")])
def test_a_bad_scenario_value_is_refused_naming_it(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        chapter.sync_scenario(5, True, **kwargs)


def test_on_wifi_the_radios_spend_a_couple_of_mah_a_day_either_way() -> None:
    lab = chapter.lab()
    for batched in (False, True):
        assert chapter.radio_mah(lab.run(interval_min=5, batched=batched, network="wifi")) < 5
    assert chapter.METRICS[-1] == "oldest_data_min"  # "the last row of the table"
