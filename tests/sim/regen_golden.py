"""Regenerate the golden results of the book's presets: `python tests/sim/regen_golden.py` from the repo root.

Each preset is run for one day with seed 0; its summary, energy by component, record counts, notes and Doze
maintenance windows are written to tests/sim/golden/<preset>.json, which test_golden.py compares against.
Regenerate only when a change to the model is intended, and say why in the commit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
SEED = 0


def golden(name: str) -> dict[str, Any]:
    """The golden record of preset `name`."""
    from sim import Scenario, run

    r = run(Scenario.preset(name), seed=SEED)
    return {
        "preset": name,
        "seed": SEED,
        "summary": {k: round(v, 6) for k, v in r.summary.items()},
        "energy_by_component_mah": {k: round(v, 6) for k, v in sorted(r.energy_by().items())},
        "energy_by_app_mah": {k: round(v, 6) for k, v in sorted(r.energy_by("app").items())},
        "counts": {"states": len(r.states), "events": len(r.events), "work": len(r.work)},
        "deep_maintenance_windows": [
            [s.start_s, s.end_s] for s in r.lane("doze") if s.value == "deep_maintenance"
        ],
        "notes": list(r.notes),
    }


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from sim import PRESETS

    GOLDEN_DIR.mkdir(exist_ok=True)
    for name in PRESETS:
        path = GOLDEN_DIR / f"{name}.json"
        path.write_text(json.dumps(golden(name), indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
