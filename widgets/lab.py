"""Labs: control specs wired to the simulator and to charts, live in a kernel and kernel-free on the built site.

A lab cell shows, in a live kernel, ipywidgets controls above the charts (each change re-runs ``sim.run``), with a
reset button and an A/B switch that sets your choice beside a baseline. When the book is built it shows the
*static twin* instead: one Vega-Lite figure over a precomputed run for every combination of the controls' values,
the same controls bound as Vega params, so moving a control on the published page redraws with no kernel.
"""

from __future__ import annotations

import gc
import html
import importlib
import json
import os
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

try:
    import altair as alt
except ModuleNotFoundError:  # in the reader's browser (widgets.live): nothing is drawn there
    from widgets._absent import altair as alt

import sim
from widgets import kit, live
from widgets.controls import Control, _controls, grid, show, validate_values
from widgets.kit import Template
from widgets.rows import Recipe
from widgets.runs import Runs

__all__ = ["STATIC_ENV", "Lab", "Runs", "static_mode"]

#: Results a lab keeps (at least its whole grid): a reader moving controls back and forth gets them at once.
CACHE_RUNS = 64

#: Set by the book build (book/_ext/static_labs.py) in the environment the notebooks execute in.
STATIC_ENV = "BACKSTAGE_STATIC"


def static_mode() -> bool:
    """True while the book is being built: labs then display their static twin and create no widget."""
    return os.environ.get(STATIC_ENV, "") == "1"


#: The live A/B view keys its two runs by side, so that its filters, and so its template, never change.
_SIDE = Control("side", "Side", "choice", "A", options=("A", "B"))


#: A figure draws one or more charts from runs, showing the run(s) that ``where`` selects.
Figure = Callable[[Runs, "str | None"], "alt.TopLevelMixin"]
#: A figure that sets two choices side by side: (runs, where_a, where_b, label_a, label_b).
Comparison = Callable[[Runs, "str | None", "str | None", str, str], "alt.TopLevelMixin"]


class Lab:
    """A lab: ``scenario(**values)`` builds the Scenario for the controls' values, ``figure`` draws the result.

    ``compare`` (optional) draws your choice (B) beside a baseline (A); without it the A/B switch is not offered.
    ``baseline`` gives the A side's control values, with ``baseline_label`` to name it (default: the controls'
    defaults). A baseline that differs from the defaults makes the static figure tell its story as it opens:
    the reader sees A against the recommended choice before touching a control.
    Raises ControlSpecError at construction for malformed controls or a grid too large for a static twin,
    ValueError (naming the argument) for a scenario, figure or compare that is not callable, a seed that is not an
    int, or a label or title that is not a string, and ValueError from ``run``/``chart`` for a value no control
    allows.
    """

    def __init__(
        self,
        scenario: Callable[..., sim.Scenario],
        controls: Sequence[Control],
        figure: Figure,
        *,
        compare: Comparison | None = None,
        baseline: Mapping[str, Any] | None = None,
        baseline_label: str = "the defaults",
        seed: int = 0,
        title: str = "",
    ) -> None:
        for name, fn, optional in (("scenario", scenario, False), ("figure", figure, False),
                                   ("compare", compare, True)):
            if not callable(fn) and not (optional and fn is None):
                raise ValueError(f"Lab({name}={show(fn)}): allowed a function{' or None' if optional else ''}")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"Lab(seed={show(seed)}): allowed an int")
        for name, text in (("baseline_label", baseline_label), ("title", title)):
            if not isinstance(text, str):
                raise ValueError(f"Lab({name}={show(text)}): allowed a string")
        self.scenario = scenario
        self.controls = tuple(_controls("Lab", controls))
        self.figure = figure
        self.compare_figure = compare
        self.seed = seed
        self.title = title
        self._grid = grid(self.controls)  # validates names and the twin's size up front
        self.baseline = validate_values(self.controls, baseline or {})
        self.baseline_label = baseline_label
        self._cache: OrderedDict[tuple[Any, ...], sim.Result] = OrderedDict()
        self._templates: dict[tuple[Any, ...], Any] = {}
        self._widget: Any = None

    # -- the model -----------------------------------------------------------------------------------------------

    @property
    def defaults(self) -> dict[str, Any]:
        return {c.name: c.default for c in self.controls}

    def run(self, **values: Any) -> sim.Result:
        """The simulation for these control values (defaults for the rest); results are cached per lab."""
        full = validate_values(self.controls, values)
        key = tuple(full[c.name] for c in self.controls)
        if key in self._cache:
            self._cache.move_to_end(key)
        else:
            self._cache[key] = sim.run(self.scenario(**full), seed=self.seed)
            if len(self._cache) > max(len(self._grid), CACHE_RUNS):
                self._cache.popitem(last=False)
        return self._cache[key]

    def runs(self, *value_sets: Mapping[str, Any]) -> Runs:
        full = [validate_values(self.controls, v) for v in value_sets]
        return Runs(self.controls, tuple((v, self.run(**v)) for v in full))

    def chart(self, **values: Any) -> alt.TopLevelMixin:
        """The figure for one choice, as the live lab draws it."""
        runs = self.runs(values)
        return self.figure(runs, runs.where_values(runs.items[0][0]))

    def compare(self, **values: Any) -> alt.TopLevelMixin:
        """Defaults (A) beside this choice (B), same day and seed, as the live lab's A/B view draws it."""
        if self.compare_figure is None:
            raise ValueError("compare: this lab has no A/B view (pass compare= to Lab)")
        runs = self.runs(self.baseline, values)
        a, b = runs.items[0][0], runs.items[1][0]
        return self.compare_figure(runs, runs.where_values(a), runs.where_values(b), self.baseline_label,
                                   "your choice")

    def spec(self, *, ab: bool = False, **values: Any) -> dict[str, Any]:
        """The Vega-Lite spec the live lab draws for these values (with ``ab``, beside the baseline).

        The figure's charts are built once per shape (single or A/B, and the apps shown) and recorded as a
        template; a later change only re-runs the simulator and recomputes the template's data.
        """
        # A full garbage collection over the kernel's heap takes over 100 ms; it may run between two changes, not
        # in the middle of one (the simulator does the same inside sim.run).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._spec(ab, values)
        finally:
            if collecting:
                gc.enable()

    def _spec(self, ab: bool, values: dict[str, Any]) -> dict[str, Any]:

        if ab:
            if self.compare_figure is None:
                raise ValueError("spec(ab=True): this lab has no A/B view (pass compare= to Lab)")
            runs = Runs((_SIDE,), (({"side": "A"}, self.run(**self.baseline)), ({"side": "B"}, self.run(**values))))
            wheres: tuple[str | None, ...] = (runs.where_values({"side": "A"}), runs.where_values({"side": "B"}),
                                              self.baseline_label, "your choice")
            figure: Any = self.compare_figure
        else:
            runs = Runs((), (({}, self.run(**values)),))
            wheres, figure = (None,), self.figure
        result = runs.items[-1][1]
        shape = (ab, tuple(a.name for a in result.scenario.apps), result.meta["duration_s"])
        if shape not in self._templates:
            self._templates[shape] = Template(figure, runs, *wheres)
        return self._templates[shape].spec_for(runs)

    def static_twin(self) -> alt.TopLevelMixin:
        """One figure over a run per grid point, its controls bound as Vega params: interactive with no kernel."""
        runs = self.runs(*self._grid)
        if self.compare_figure is not None:
            chart = self.compare_figure(runs, runs.where_values(self.baseline), runs.where_params(),
                                        self.baseline_label, "the controls below")
        else:
            chart = self.figure(runs, runs.where_params())
        return chart.add_params(*runs.params)

    # -- the live lab --------------------------------------------------------------------------------------------

    def widget(self) -> Any:
        """The live lab: controls, reset and A/B buttons, and the charts, redrawn on every change."""
        if self._widget is None:
            self._widget_state = _LiveLab(self)
            self._widget = self._widget_state.box
        return self._widget

    def live_spec(self) -> dict[str, Any]:
        """What the published page needs to run this lab live in the reader's browser (``widgets.live``): where
        the scenario function lives, the controls, seed and baseline, and the Recipe behind each dataset of the
        static twin's chart. ValueError when the lab could not run there: a scenario that is not a module-level
        function (the browser imports it by name), or a chart whose data does not come from a Recipe."""
        return self._twin_and_live_spec()[1]

    def _twin_and_live_spec(self) -> tuple[Any, dict[str, Any]]:
        with kit.recorded_data() as recorded:
            chart = self.static_twin()
        datasets = chart.to_dict(validate=False).get("datasets", {})
        data: dict[str, dict[str, Any]] = {}
        for rows_of, post, values in recorded:
            for fn, what in ((rows_of, "rows"), (post, "post")):
                if fn is not None and not isinstance(fn, Recipe):
                    raise ValueError(f"Lab (scenario {self._scenario_name()}): a chart's {what} come from "
                                     f"{show(fn)}; to run live in the browser they must come from a widgets.rows "
                                     "Recipe (see kit._data)")
            names = [name for name, v in datasets.items() if v == values]
            if not names:
                raise ValueError(f"Lab (scenario {self._scenario_name()}): a dataset of the chart was not found in "
                                 "its spec; the live page could not update it")
            entry = {"name": names[0], "rows": rows_of.to_json(), "post": post.to_json() if post else None}
            if names[0] in data and data[names[0]] != entry:
                raise ValueError(f"Lab (scenario {self._scenario_name()}): two charts draw identical data from "
                                 f"different recipes ({data[names[0]]['rows']} and {entry['rows']}); live, they "
                                 "would differ: give one of them another column")
            data[names[0]] = entry
        spec = {
            "version": live.SPEC_VERSION,
            "scenario": self._scenario_ref(),
            "seed": self.seed,
            "controls": [_control_spec(c) for c in self.controls],
            "baseline": self.baseline if self.compare_figure is not None else None,
            "data": list(data.values()),
        }
        return chart, spec

    def _scenario_name(self) -> str:
        return f"{getattr(self.scenario, '__module__', '?')}.{getattr(self.scenario, '__qualname__', '?')}"

    def _scenario_ref(self) -> dict[str, str]:
        module, name = getattr(self.scenario, "__module__", None), getattr(self.scenario, "__qualname__", "")
        found: Any = None
        if module and module != "__main__" and "<" not in name:
            try:
                found = importlib.import_module(module)
                for part in name.split("."):
                    found = getattr(found, part)
            except (ImportError, AttributeError):
                found = None
        if found is not self.scenario:
            raise ValueError(
                f"Lab(scenario={show(self.scenario)}): to run live in the reader's browser, the scenario must be a "
                "function defined with `def` at the top of an importable module (e.g. widgets/chapters/<chapter>.py), "
                "which the browser imports by name; not a lambda, a local function or a notebook cell's function"
            )
        return {"module": module or "", "name": name}

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        if static_mode():
            # No widget is created during the build: the page carries no widget state or widget scripts. The twin
            # carries its live spec, for "Run live in your browser" (book/_ext/live_labs.py, widgets/live.py).
            chart, spec = self._twin_and_live_spec()
            bundle: dict[str, Any] = chart._repr_mimebundle_(include, exclude)
            if "text/html" in bundle:
                bundle["text/html"] = _live_html(spec, bundle["text/html"], self.title)
            return bundle
        return self.widget()._repr_mimebundle_(include=include, exclude=exclude)  # type: ignore[no-any-return]


def _control_spec(control: Control) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": control.name, "kind": control.kind, "default": control.default,
                            "unit": control.unit}
    if control.kind == "range":
        spec.update(min=control.min, max=control.max, step=control.step)
        spec["live_step"] = live.live_step(spec)
    elif control.kind == "choice":
        spec["options"] = list(control.values())
    return spec


#: The bar above each lab on the published page; book/_ext/live_labs.py serves the script that wakes it up.
_LIVE_BAR = (
    '<div class="backstage-live-bar">'
    '<button type="button" class="backstage-live-button" disabled>Run live in your browser</button> '
    '<progress class="backstage-live-progress" max="1" value="0" hidden></progress> '
    '<span class="backstage-live-status" role="status">The figure below was computed when the book was built, for '
    "the controls' marked values. Live, the simulator itself runs in this page for any value.</span>"
    "</div>"
)


def _live_html(spec: dict[str, Any], twin_html: str, title: str) -> str:
    """The static twin's HTML in a box with its live spec and the "Run live" bar (inert until the page's script
    enables the button)."""
    data = json.dumps(spec, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    label = f' aria-label="{html.escape(title)}"' if title else ""
    return (f'<div class="backstage-lab"{label}><script type="application/json" class="backstage-live-spec">{data}'
            f"</script>{_LIVE_BAR}{twin_html}</div>")


class _LiveLab:
    def __init__(self, lab: Lab) -> None:
        import ipywidgets as w

        # Vega's JavaScript comes from vl-convert inside the kernel, not from a CDN: works offline too.
        alt.JupyterChart.enable_offline()
        self.lab = lab
        self.inputs = {c.name: c.widget() for c in lab.controls}
        self.reset = w.Button(description="Reset to defaults", icon="undo", tooltip="Every control to its default")
        self.ab = w.ToggleButton(value=lab.compare_figure is not None, description=f"A/B: {lab.baseline_label} beside",
                                 icon="columns",
                                 disabled=lab.compare_figure is None,
                                 tooltip=f"Show {lab.baseline_label} (A) beside your choice (B), same day and seed",
                                 layout=w.Layout(width="auto"))
        self.status = w.HTML()
        self.spec: dict[str, Any] = {}  # the spec last drawn
        self.view = alt.JupyterChart(alt.Chart(alt.Data(values=[])).mark_point())
        header = [w.HTML(f"<b>{html.escape(lab.title)}</b>")] if lab.title else []
        self.box = w.VBox([*header, w.HBox(list(self.inputs.values()), layout=w.Layout(flex_flow="row wrap")),
                           w.HBox([self.reset, self.ab, self.status]), self.view])
        for widget in self.inputs.values():
            widget.observe(self._changed, names="value")
        self.ab.observe(self._changed, names="value")
        self.reset.on_click(self._reset)
        self.redraw()

    def values(self) -> dict[str, Any]:
        return {name: widget.value for name, widget in self.inputs.items()}

    def _reset(self, _button: Any) -> None:
        for c in self.lab.controls:
            self.inputs[c.name].value = c.default

    def _changed(self, _change: Any) -> None:
        self.redraw()

    def redraw(self) -> None:
        import time

        t0 = time.perf_counter()
        try:
            spec = self.lab.spec(ab=self.ab.value, **self.values())
        except ValueError as error:  # a value the simulator refuses, or a run too large: say so in plain words,
            # in place of the chart (which would show another choice than the controls'). Escaped: the message
            # quotes what the reader or the chapter passed (an app name, a label), not HTML.
            self.status.value = f"<span style='color:#b00'>{html.escape(str(error))}</span>"
            self.view.layout.display = "none"
            return
        self.spec = spec
        self.view.layout.display = None
        self.view.spec = spec
        self.status.value = f"<small>simulated and drawn in {1000 * (time.perf_counter() - t0):.0f} ms</small>"
