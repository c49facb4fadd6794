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
