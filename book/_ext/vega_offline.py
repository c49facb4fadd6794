"""Serve Vega, Vega-Lite and vega-embed from the site itself, so no chart asks a CDN for anything.

Altair's HTML output loads the three libraries from a CDN unless ``window.VEGA_DEBUG`` already names the versions
it expects (and, on pages that carry require.js for ipywidgets, unless AMD modules of those names exist). At build
time this extension writes vl-convert's bundle of the libraries (from PyPI, no network) into the site, wrapped in
a function so its top-level names cannot collide with Sphinx's own scripts, and a shim that announces the
versions and defines the AMD modules. Both go into every HTML page's ``<head>``, before any cell output.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.application import Sphinx

BUNDLE_PATH = "backstage/vega-bundle.js"  # relative to the site's _static/
SHIM_PATH = "backstage/vega-shim.js"
CSS_PATH = "backstage/charts.css"

# A chart keeps its width (its labels and columns are laid out for the text column); on a narrower screen it
# scrolls sideways inside its cell instead of being cut off.
CHARTS_CSS = """
div[id^="altair-viz-"] { max-width: 100%; overflow-x: auto; overflow-y: hidden; }
"""


# Every chart's Vega view is kept on its element (``el.backstageView``, and a "backstage:embedded" event), so that a
# live lab (book/_ext/live_labs.py) can hand new data to the view Altair's output created, without drawing it again.
VIEW_HOOK = """(function () {
  var embed = window.vegaEmbed;
  if (typeof embed !== "function" || embed.backstageHook) { return; }
  var hooked = function (el, spec, opt) {
    var promise = embed(el, spec, opt);
    var node = typeof el === "string" ? document.querySelector(el) : el;
    promise.then(function (result) {
      if (node) {
        node.backstageView = result.view;
        node.dispatchEvent(new CustomEvent("backstage:embedded", {detail: result}));
      }
    }, function () {});
    return promise;
  };
  Object.assign(hooked, embed);
  hooked.backstageHook = true;
  window.vegaEmbed = hooked;
})();"""


def _vega_lite_minor(altair_vl_version: str) -> str:
    """'v6.4.1' -> '6.4', the form vl-convert names its bundled Vega-Lite releases."""
    return ".".join(altair_vl_version.lstrip("v").split(".")[:2])


def _bundle_source() -> tuple[str, str]:
    import altair as alt
    import vl_convert as vlc

    minor = _vega_lite_minor(alt.SCHEMA_VERSION)
    available = vlc.get_vegalite_versions()
    if minor not in available:
        raise RuntimeError(
            f"vl-convert-python has no Vega-Lite {minor} bundle (it has {', '.join(available)}); "
            "pin altair and vl-convert-python to releases that agree (requirements.in)"
        )
    # Altair's template compares these strings with the versions it would fetch from the CDN.
    versions = {
        "vega_version": alt.VEGA_VERSION,
        "vegalite_version": alt.SCHEMA_VERSION.lstrip("v"),
        "vegaembed_version": alt.VEGAEMBED_VERSION,
    }
    shim = f"""
window.VEGA_DEBUG = Object.assign(window.VEGA_DEBUG || {{}}, {json.dumps(versions)});
{VIEW_HOOK}
if (typeof window.define === "function" && window.define.amd) {{
  window.define("vega", [], function () {{ return window.vega; }});
  window.define("vega-lite", [], function () {{ return window.vegaLite; }});
  window.define("vega-embed", [], function () {{ return window.vegaEmbed; }});
}}
"""
    return "(function () {\n" + vlc.javascript_bundle(vl_version=minor) + "\n})();\n", shim


def _write_bundle(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    bundle, shim = _bundle_source()
    static = Path(app.outdir) / "_static"
    (static / BUNDLE_PATH).parent.mkdir(parents=True, exist_ok=True)
    (static / BUNDLE_PATH).write_text(bundle, encoding="utf-8")
    (static / SHIM_PATH).write_text(shim, encoding="utf-8")
    (static / CSS_PATH).write_text(CHARTS_CSS.lstrip(), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    # Both load in <head>, so they run before any cell output. The shim comes last (after require.js, which
    # myst-nb adds on pages with widgets) so that it can register the AMD modules.
    app.add_js_file(BUNDLE_PATH, priority=100)
    app.add_js_file(SHIM_PATH, priority=990)
    app.add_css_file(CSS_PATH)
    app.connect("build-finished", _write_bundle)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
