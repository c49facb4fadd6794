"""Hypothesis strategies shared by the invariant tests: random spans and a random user's day."""

from __future__ import annotations

from hypothesis import strategies as st

from sim import Day, NetworkPeriod, Period, Session


@st.composite
def spans(draw, n_max, horizon):  # type: ignore[no-untyped-def]
    """Up to n_max disjoint (start, end) spans, whole seconds within [0, horizon] (so each lasts at least 1 s)."""
    points = sorted(draw(st.lists(st.integers(0, int(horizon)), min_size=0, max_size=2 * n_max, unique=True)))
    return [(float(a), float(b)) for a, b in zip(points[::2], points[1::2], strict=False)]


@st.composite
def days(draw, horizon, *, screens=4, charges=2, moves=1, networks=4):  # type: ignore[no-untyped-def]
    """A user's day: screen sessions with a0, a1 or nobody's app in front, charging, motion, network periods."""
    return Day(
        screen=tuple(Session(a, b, draw(st.sampled_from([None, "a0", "a1"])))
                     for a, b in draw(spans(screens, horizon))),
        charging=tuple(Period(a, b) for a, b in draw(spans(charges, horizon))),
        moving=tuple(Period(a, b) for a, b in draw(spans(moves, horizon))),
        network=tuple(NetworkPeriod(a, b, draw(st.sampled_from(["wifi", "cellular", "none"])))
                      for a, b in draw(spans(networks, horizon))),
        network_default=draw(st.sampled_from(["wifi", "cellular"])),
    )
