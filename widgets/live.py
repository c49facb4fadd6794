"""The live lab in the reader's browser: the real simulator, run under Pyodide for any value of a lab's controls.

When the book is built, each lab's static twin records a *live spec* beside its chart (``Lab.live_spec``): where
its scenario function lives, its controls, seed and baseline, and for each dataset of the chart the Recipe
(``widgets.rows``) that fills it. On the published page, "Run live in your browser" starts Pyodide in a Web Worker
with simpy and this package; every control change then calls ``update(spec, values)`` here, which runs
``sim.run(scenario(**values), seed)`` and returns each dataset's rows as CSV, which the page hands to the chart's
existing Vega view. The chart itself (its spec) stays the one drawn at build time.

Controls are freer than in the twin: a range takes any value between its ends (to a tenth of its step), not only
the grid points the twin precomputed. This module imports the standard library, ``sim`` and ``widgets.rows`` only
(the chapter module that holds the scenario is imported by name when a lab first runs).
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import sim
from widgets.rows import Recipe, csv_text, keyed_rows

__all__ = ["SPEC_VERSION", "check_exercise", "check_values", "handle", "live_step", "run", "separated_keys",
           "update"]

#: The shape of the live spec a lab records at build time; the browser refuses another.
SPEC_VERSION = 1
#: How many finer steps a live slider offers within one step of the static twin's.
LIVE_SUBSTEPS = 10
#: Results kept in the browser (a reader moving a slider back and forth gets them at once).
CACHE_RUNS = 64

_cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()


def live_step(control: Mapping[str, Any]) -> float:
    """The step of a range control live: a tenth of the twin's, and whole numbers stay whole."""
    step = float(control["step"])
    whole = all(float(control[k]).is_integer() for k in ("min", "max", "step"))
    return float(max(1, int(step) // LIVE_SUBSTEPS)) if whole else step / LIVE_SUBSTEPS


def _same(a: Any, b: Any) -> bool:
    return isinstance(a, bool) == isinstance(b, bool) and bool(a == b)


def check_values(controls: list[dict[str, Any]], values: Mapping[str, Any]) -> dict[str, Any]:
    """Every control's value (defaults for the rest), a range's snapped to its live step; ValueError naming the
    control, the value and what is allowed, as the kernel's lab says it."""
    by_name = {c["name"]: c for c in controls}
    unknown = sorted(k for k in values if k not in by_name)
    if unknown:
        raise ValueError(f"unknown control {unknown[0]!r}: allowed {', '.join(by_name)}")
    out: dict[str, Any] = {}
    for c in controls:
        name, value = c["name"], values.get(c["name"], c["default"])
        if c["kind"] == "range":
            lo, hi = float(c["min"]), float(c["max"])
            ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            if not ok or not lo - 1e-9 <= value <= hi + 1e-9:
                raise ValueError(f"{name}={value!r}: allowed {c['min']}..{c['max']} {c.get('unit', '')}".rstrip())
            step = live_step(c)
            snapped = lo + round((value - lo) / step) * step
            snapped = min(hi, max(lo, snapped))
            whole = all(float(c[k]).is_integer() for k in ("min", "max", "step"))
            out[name] = round(snapped) if whole else round(snapped, 10)
        elif c["kind"] == "toggle":
            if not isinstance(value, bool):
                raise ValueError(f"{name}={value!r}: allowed True or False")
            out[name] = value
        else:
            match = [o for o in c["options"] if _same(o, value)]
            if not match:
                raise ValueError(f"{name}={value!r}: allowed {', '.join(map(repr, c['options']))}")
            out[name] = match[0]
    return out


def _keys(controls: list[dict[str, Any]], values: Mapping[str, Any]) -> dict[str, Any]:
    # As widgets.runs keys a run: a column k_<name> per control, toggles as 0/1 (they survive CSV).
    return {f"k_{c['name']}": int(values[c["name"]]) if c["kind"] == "toggle" else values[c["name"]]
            for c in controls}


def separated_keys(controls: list[dict[str, Any]], a: Mapping[str, Any], b: Mapping[str, Any]
                   ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Key columns for the baseline run (A) and the reader's run (B) such that the chart's filters, recorded at
    build time, pick each run on its own side; None for B when both are the same choice (one run serves both).

    The twin's filter on a range accepts any key within half a step of the control's value. Live, B may lie
    closer than that to A: then both keys are moved apart along one range, each staying within half a step of its
    own value and leaving the other's window (the keys are never shown, only filtered on).
    """
    keys_a, keys_b = _keys(controls, a), _keys(controls, b)
    if all(_same(a[c["name"]], b[c["name"]]) for c in controls):
        return keys_a, None
    if any(not _same(a[c["name"]], b[c["name"]]) for c in controls if c["kind"] != "range"):
        return keys_a, keys_b  # an exact filter on a choice or toggle already tells them apart
    ranges = [c for c in controls if c["kind"] == "range" and a[c["name"]] != b[c["name"]]]
    widest = max(ranges, key=lambda c: abs(b[c["name"]] - a[c["name"]]) / float(c["step"]))
    name, half = widest["name"], float(widest["step"]) / 2
    d = b[name] - a[name]
    if abs(d) >= half:
        return keys_a, keys_b
    shift = (half - abs(d) / 2) * math.copysign(1.0, d)
    keys_a[f"k_{name}"] = a[name] - shift
    keys_b[f"k_{name}"] = b[name] + shift
    return keys_a, keys_b


def _scenario(spec: Mapping[str, Any]) -> Callable[..., Any]:
    where = spec["scenario"]
    module = importlib.import_module(where["module"])
    fn: Any = module
    for part in where["name"].split("."):
        fn = getattr(fn, part)
    return fn  # type: ignore[no-any-return]


def run(spec: Mapping[str, Any], values: Mapping[str, Any]) -> Any:
    """``sim.run(scenario(**values), seed)`` for the lab, values already checked; results are cached."""
    key = (spec["scenario"]["module"], spec["scenario"]["name"], spec["seed"],
           tuple(sorted((k, repr(v)) for k, v in values.items())))
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    result = sim.run(_scenario(spec)(**values), seed=spec["seed"])
    _cache[key] = result
    if len(_cache) > CACHE_RUNS:
        _cache.popitem(last=False)
    return result


def update(spec: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """The lab's datasets for these control values, as the page needs them.

    Returns ``{"ok": True, "values": checked values, "data": {dataset: CSV text}, "summary": the run's summary,
    "ms": time taken}``, or ``{"ok": False, "error": message}`` when a value or the simulator refuses (the same
    plain-language message the kernel's lab shows).
    """
    t0 = time.perf_counter()
    if spec.get("version") != SPEC_VERSION:
        return {"ok": False, "error": f"this page's lab was built for live spec {spec.get('version')!r}, "
                                      f"the browser runs {SPEC_VERSION}: reload the page"}
    controls = spec["controls"]
    try:
        chosen = check_values(controls, values)
        result = run(spec, chosen)
        if spec.get("baseline") is not None:
            base = check_values(controls, spec["baseline"])
            keys_a, keys_b = separated_keys(controls, base, chosen)
            keyed = [(keys_a, run(spec, base))] + ([(keys_b, result)] if keys_b is not None else [])
        else:
            keyed = [(_keys(controls, chosen), result)]
        data = {}
        for entry in spec["data"]:
            post = Recipe.from_json(entry["post"]) if entry.get("post") else None
            data[entry["name"]] = csv_text(keyed_rows(keyed, Recipe.from_json(entry["rows"]), post))
    except ValueError as error:  # the kernel's lab shows these in place of the chart, in the same words
        return {"ok": False, "error": str(error)}
    return {"ok": True, "values": chosen, "data": data, "summary": dict(result.summary),
            "ms": round(1000 * (time.perf_counter() - t0), 1)}


def check_exercise(module: str, name: str, source: str) -> dict[str, Any]:
    """The chapter's checker on the answer the reader typed (Python source): the verdict, and its HTML as the
    kernel shows it."""
    from widgets.exercises import Exercises

    chapter = importlib.import_module(module)
    found = [v for v in vars(chapter).values() if isinstance(v, Exercises) and name in v]
    if not found:
        return {"ok": False, "error": f"exercise {name!r} is not in {module}"}
    verdict = found[0].check_source(name, source)
    return {"ok": True, "correct": verdict.correct, "message": verdict.message, "html": verdict._repr_html_()}


def handle(request: str) -> str:
    """The Web Worker's entry: a JSON request ``{"spec": ..., "values": ...}`` in, ``update``'s answer as JSON out,
    each dataset's CSV given as ``tables`` (a header, then rows of strings, as Vega reads CSV); or an exercise's
    ``{"module": ..., "exercise": name, "source": the reader's answer}``, judged by ``check_exercise``."""
    message = json.loads(request)
    if "exercise" in message:
        return json.dumps(check_exercise(message["module"], message["exercise"], message["source"]))
    answer = update(message["spec"], message["values"])
    if "data" in answer:  # each dataset as the chart's CSV reader gives it: a header, then rows of strings
        answer["tables"] = {name: list(csv.reader(io.StringIO(text))) for name, text in answer.pop("data").items()}
    if "summary" in answer:  # JSON has no NaN (a metric with nothing to measure, e.g. no work ran): null
        answer["summary"] = {k: v if not isinstance(v, float) or math.isfinite(v) else None
                             for k, v in answer["summary"].items()}
    return json.dumps(answer, allow_nan=False)
