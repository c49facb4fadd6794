"""The browser side of the live labs (widgets/live.py, widgets/rows.py): what runs under Pyodide on the published
site imports only the standard library, simpy and the project, and gives the same rows as the kernel."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

import sim
import widgets.chapters
from widgets import kit, live
from widgets.controls import Control
from widgets.exercises import Exercises, PageVerdict
from widgets.lab import Lab, Runs
from widgets.rows import Recipe, energy_rows

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import live_labs  # noqa: E402  (the Sphinx extension that builds the browser's zip)


def book_labs() -> dict[str, Lab]:
    """Every lab the chapters define: each function of a chapter module that returns a Lab with no argument."""
    labs = {}
    for info in pkgutil.iter_modules(widgets.chapters.__path__):
        module = importlib.import_module(f"widgets.chapters.{info.name}")
        for name in dir(module):
            fn = getattr(module, name)
            if (name == "lab" or name.endswith("_lab")) and callable(fn) and getattr(fn, "__module__", "") == \
                    module.__name__:
                labs[f"{info.name}.{name}"] = fn()
    return labs


LABS = book_labs()


def test_the_book_has_labs_and_one_with_a_slider() -> None:
    assert len(LABS) >= 4
    assert any(c.kind == "range" for lab in LABS.values() for c in lab.controls)


BLOCKER = """
import sys, importlib.abc
ALLOWED = set(sys.stdlib_module_names) | {"simpy", "sim", "widgets", "__main__"}
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] not in ALLOWED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: not in the browser)", name=name)
        return None
sys.meta_path.insert(0, Blocker())
"""

CHILD = BLOCKER + """
import json, pkgutil, importlib
sys.path = [p for p in sys.path if "site-packages" not in p and "dist-packages" not in p]
sys.path[:0] = [ZIP, WHEEL]  # as the browser has them: the project's zip and simpy's wheel, nothing else
import widgets.live as live
import widgets.chapters
for info in pkgutil.iter_modules(widgets.chapters.__path__):
    importlib.import_module("widgets.chapters." + info.name)
requests = json.loads(REQUESTS)
answers = [json.loads(live.handle(json.dumps(r))) for r in requests]
outside = sorted({m.split(".")[0] for m in sys.modules} - ALLOWED)
imported_from = {m: getattr(sys.modules[m], "__file__", "") for m in ("sim", "widgets", "widgets.live", "simpy")}
print(json.dumps({"answers": answers, "outside": outside, "files": imported_from}))
"""


def chapter_exercises() -> list[tuple[str, Any]]:
    """(chapter module name, its Exercises) for every chapter that has exercises."""
    out = []
    for info in pkgutil.iter_modules(widgets.chapters.__path__):
        module = importlib.import_module(f"widgets.chapters.{info.name}")
        out += [(module.__name__, v) for v in vars(module).values() if isinstance(v, Exercises)]
    return out


EXERCISES = chapter_exercises()


def _exercise_requests() -> list[dict[str, Any]]:
    return [{"module": module, "exercise": name, "source": source}
            for module, exercises in EXERCISES for name, ex in exercises.items() for source in (ex.solution, *ex.wrong)]


def _requests() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = _exercise_requests()
    for lab in LABS.values():
        spec = lab.live_spec()
        out.append({"spec": spec, "values": lab.defaults})
        for c in lab.controls:
            if c.kind == "range":  # a value between the twin's grid points
                out.append({"spec": spec, "values": {**lab.defaults, c.name: c.default + 1}})
    return out


@pytest.mark.parametrize("student", [False, True], ids=["book", "student edition"])
def test_the_browser_package_runs_every_lab_with_the_standard_library_and_simpy_only(tmp_path: Path,
                                                                                     student: bool) -> None:
    # The zip the site serves, imported in a fresh interpreter where every other package is blocked; the student
    # edition's zip has no solutions, and judges the answers the same.
    zpath = tmp_path / "backstage.zip"
    live_labs._project_zip(ROOT, zpath, student=student)
    names = zipfile.ZipFile(zpath).namelist()
    assert all(n.split("/")[0] in ("sim", "widgets") and n.endswith((".py", ".typed")) for n in names), names
    wheel, _ = live_labs._simpy_wheel(tmp_path)
    requests = _requests()
    code = (f"ZIP = {str(zpath)!r}\nWHEEL = {str(tmp_path / wheel)!r}\nREQUESTS = {json.dumps(json.dumps(requests))}\n"
            + CHILD)
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["outside"] == [], f"imported outside the standard library and simpy: {report['outside']}"
    assert all(str(tmp_path) in f for f in report["files"].values()), report["files"]
    # The same answers as in this process, which has Altair and pandas: the rows do not depend on them.
    for request, answer in zip(requests, report["answers"], strict=True):
        assert answer["ok"], answer
        here = json.loads(live.handle(json.dumps(request)))
        answer.pop("ms", None), here.pop("ms", None)  # the time taken differs, nothing else
        assert answer == here


@pytest.mark.parametrize("name", sorted(LABS))
def test_live_rows_at_a_grid_point_are_the_static_twins_rows(name: str) -> None:
    """The browser computes, for a value the twin precomputed, exactly the rows the twin carries for it."""
    lab = LABS[name]
    chart, spec = lab._twin_and_live_spec()
    datasets = chart.to_dict(validate=False)["datasets"]
    choices = [lab.defaults] + [{**lab.defaults, c.name: v} for c in lab.controls for v in c.values()[:2]]
    for values in choices:
        answer = live.update(spec, values)
        assert answer["ok"], answer
        assert set(answer["data"]) <= set(datasets)
        for dataset, text in answer["data"].items():
            static_lines = set(datasets[dataset].split("\n"))
            lines = text.split("\n")
            assert lines[0] in static_lines  # the same columns, in the same order
            assert [line for line in lines if line not in static_lines] == [], (dataset, values)
        assert answer["summary"] == dict(lab.run(**values).summary)


def test_a_live_run_off_the_grid_is_sim_run_of_the_chapters_scenario() -> None:
    lab = LABS["scheduled_jobs.fleet_lab"]
    answer = live.update(lab.live_spec(), {"apps": 5, "mechanism": "job"})
    assert answer["ok"] and answer["values"] == {"apps": 5, "mechanism": "job"}
    truth = sim.run(widgets.chapters.scheduled_jobs.fleet_scenario(5, "job"), seed=lab.seed)
    assert answer["summary"] == dict(truth.summary)
    assert "app5" in {a.name for a in truth.scenario.apps}


RANGE = {"name": "x", "kind": "range", "default": 60, "min": 0, "max": 120, "step": 15, "unit": "min"}
CHOICE = {"name": "c", "kind": "choice", "default": "a", "options": ["a", "b"], "unit": ""}
TOGGLE = {"name": "t", "kind": "toggle", "default": False, "unit": ""}


def _passes(keys: dict[str, Any], values: dict[str, Any], controls: list[dict[str, Any]]) -> bool:
    # The static twin's filter (widgets/runs.py _where), evaluated as Vega would.
    ok = True
    for c in controls:
        k, v = keys[f"k_{c['name']}"], values[c["name"]]
        if c["kind"] == "range":
            ok &= abs(k - v) < c["step"] / 2
        elif c["kind"] == "toggle":
            ok &= k == int(v)
        else:
            ok &= k == v
    return ok


@pytest.mark.parametrize("b", [60, 61, 59, 52, 67, 68, 75, 0, 120, 45])
def test_the_baseline_and_the_readers_run_each_stay_on_their_own_side(b: int) -> None:
    controls = [RANGE, CHOICE, TOGGLE]
    a_values = {"x": 60, "c": "a", "t": False}
    b_values = {"x": b, "c": "a", "t": False}
    keys_a, keys_b = live.separated_keys(controls, a_values, b_values)
    if b == 60:
        assert keys_b is None  # one run serves both sides, as in the twin
        return
    assert keys_b is not None
    assert _passes(keys_a, a_values, controls) and not _passes(keys_a, b_values, controls)
    assert _passes(keys_b, b_values, controls) and not _passes(keys_b, a_values, controls)


def test_live_values_are_checked_and_ranges_are_finer_than_the_twin() -> None:
    assert live.live_step(RANGE) == 1.0
    assert live.live_step({**RANGE, "min": 0.0, "max": 3.0, "step": 0.5}) == 0.05
    assert live.check_values([RANGE], {"x": 37.4}) == {"x": 37}
    for bad, message in (({"x": 121}, "x=121: allowed 0..120 min"), ({"x": True}, "x=True"),
                         ({"y": 1}, "unknown control 'y'")):
        with pytest.raises(ValueError, match=message):
            live.check_values([RANGE], bad)
    with pytest.raises(ValueError, match="c='z': allowed 'a', 'b'"):
        live.check_values([CHOICE], {"c": "z"})
    with pytest.raises(ValueError, match="t=1: allowed True or False"):
        live.check_values([TOGGLE], {"t": 1})


def refusing_scenario(x: int) -> sim.Scenario:
    """A scenario whose work asks for a negative CPU time at x=1 (between the twin's grid points 0 and 2), which
    the simulator refuses with its own message naming the field."""
    cpu_s = -1.0 if x == 1 else float(x + 1)
    app = sim.App("a", target_sdk=34, bucket="active", work=(sim.ImmediateWork(every_s=600.0, cpu_s=cpu_s),))
    return sim.Scenario(day=sim.Day.preset("weekday"), apps=(app,), duration_s=3600.0)


def _figure(runs: Runs, where: str | None) -> Any:
    return kit.summary_view(runs, where, battery=False)


def test_a_refused_run_says_in_the_browser_what_the_kernel_says() -> None:
    lab = Lab(refusing_scenario, [Control("x", "X", "range", 0, min=0, max=2, step=2)], _figure)
    spec = lab.live_spec()
    with pytest.raises(ValueError) as kernel:
        sim.run(refusing_scenario(1), seed=lab.seed)  # what the kernel's lab runs, and shows the message of
    answer = live.update(spec, {"x": 1})
    assert answer == {"ok": False, "error": str(kernel.value)}
    assert "cpu_s=-1" in answer["error"]


def test_a_lab_that_could_not_run_live_says_so_when_the_book_is_built() -> None:
    with pytest.raises(ValueError, match="defined with `def` at the top of an importable module"):
        Lab(lambda x: refusing_scenario(x), [Control("x", "X", "range", 0, min=0, max=2, step=2)], _figure).live_spec()

    def lambda_rows(runs: Runs, where: str | None) -> Any:
        return kit.alt.Chart(kit._data(runs, lambda r: energy_rows(r, "app"))).mark_bar()

    with pytest.raises(ValueError, match=r"must come from a widgets\.rows Recipe"):
        Lab(refusing_scenario, [Control("x", "X", "range", 0, min=0, max=2, step=2)], lambda_rows).live_spec()


def test_a_recipe_is_plain_data_and_refuses_what_is_not() -> None:
    recipe = Recipe(energy_rows, by="app")
    assert Recipe.from_json(json.loads(json.dumps(recipe.to_json()))) == recipe
    with pytest.raises(ValueError, match=r"allowed one of widgets\.rows'"):
        Recipe(len)
    with pytest.raises(ValueError, match=r"by=<object"):
        Recipe(energy_rows, by=object())
    with pytest.raises(ValueError, match="fn='open'"):
        Recipe.from_json({"fn": "open", "kwargs": {}})


def test_the_book_has_exercises() -> None:
    assert sum(len(exercises) for _, exercises in EXERCISES) >= 4


@pytest.mark.parametrize("module,name", [(m, n) for m, exercises in EXERCISES for n in exercises])
def test_an_exercise_checked_in_the_browser_gets_the_kernels_verdict(module: str, name: str) -> None:
    exercises = dict(EXERCISES)[module]
    exercise = exercises[name]
    right = live.check_exercise(module, name, exercise.solution)
    assert right["ok"] and right["correct"], right
    for source in exercise.wrong:
        kernel = exercises.check(name, exercises.evaluate(source))
        browser = live.check_exercise(module, name, source)
        assert browser == {"ok": True, "correct": False, "message": kernel.message, "html": kernel._repr_html_()}


def test_a_typed_answer_that_is_not_an_answer_gets_a_plain_verdict() -> None:
    module, exercises = EXERCISES[0]
    name = next(iter(exercises))
    for source, words in (("", "no answer yet"), ("sim.Job(", "not a Python expression"),
                          ("undefined_name", "your answer raised NameError"), ("[1, 2]", "this exercise wants")):
        verdict = live.check_exercise(module, name, source)
        assert verdict["ok"] and not verdict["correct"] and words in verdict["message"], (source, verdict)


def test_on_the_built_page_a_verdict_carries_the_answer_box(monkeypatch: pytest.MonkeyPatch) -> None:
    module, exercises = EXERCISES[0]
    name = next(iter(exercises))
    monkeypatch.setenv("BACKSTAGE_STATIC", "1")
    verdict = exercises.check(name, None)
    assert isinstance(verdict, PageVerdict) and not verdict.correct
    page = verdict._repr_html_()
    assert f'data-module="{module}"' in page and f'data-exercise="{name}"' in page
    assert "Check in your browser" in page
    monkeypatch.delenv("BACKSTAGE_STATIC")
    assert type(exercises.check(name, None)) is not PageVerdict


def test_the_student_editions_zip_gives_no_answer_away(tmp_path: Path) -> None:
    zpath = tmp_path / "backstage.zip"
    live_labs._project_zip(ROOT, zpath, student=True)
    with zipfile.ZipFile(zpath) as zf:
        sources = {n: zf.read(n).decode() for n in zf.namelist() if n.endswith(".py")}
    calls = [node for source in sources.values() for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Exercise"]
    assert len(calls) == sum(len(exercises) for _, exercises in EXERCISES)
    for call in calls:
        kept = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg in ("solution", "explain", "wrong")}
        assert kept == {"solution": "...", "explain": "", "wrong": ()} or set(kept.values()) <= {"...", "", ()}
    text = "\n".join(sources.values())
    for _module, exercises in EXERCISES:
        for name, exercise in exercises.items():
            # as the student edition's own test searches its pages (tests/book/test_student_edition.py)
            assert f"answer = {exercise.solution}".splitlines()[0] not in text, name
            assert not exercise.explain or exercise.explain.split(". ")[0][:60] not in text, name


def test_on_the_built_page_a_lab_carries_its_live_spec_and_the_run_live_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    lab = LABS["scheduled_jobs.fleet_lab"]
    monkeypatch.setenv("BACKSTAGE_STATIC", "1")
    page = lab._repr_mimebundle_()["text/html"]
    opening = '<script type="application/json" class="backstage-live-spec">'
    assert page.startswith('<div class="backstage-lab"') and opening in page
    data = page.split(opening, 1)[1].split("</script>", 1)[0]
    assert "</" not in data  # the JSON cannot close its script element early
    assert json.loads(data) == json.loads(json.dumps(lab.live_spec()))
    assert "Run live in your browser" in page and "altair-viz-" in page  # the bar, then the static twin
