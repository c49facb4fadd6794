"""The release history the introduction charts: every row well formed and tied to a source."""

from __future__ import annotations

import pytest

from sim import history


def test_every_restriction_cites_the_facts_file_and_a_known_release() -> None:
    for r in history.RESTRICTIONS:
        assert r.source.startswith("android-facts §"), r
        assert r.api_level in history.RELEASES
        assert r.area in history.AREAS


def test_the_api_26_limits_of_the_guide_are_listed() -> None:
    at_26 = {(r.area, r.applies_to) for r in history.RESTRICTIONS if r.api_level == 26}
    assert at_26 == {("Services", "apps targeting 26+"), ("Broadcasts", "apps targeting 26+")}


def test_a_malformed_row_is_refused_with_the_field_and_allowed_values(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = history.Restriction(26, "Widgets", "a\nb", "", "all apps", "android-facts §5")
    monkeypatch.setattr(history, "RESTRICTIONS", (bad,))
    with pytest.raises(ValueError, match=r"Restriction.area='Widgets': allowed Whole device, Scheduled jobs"):
        history._check()
