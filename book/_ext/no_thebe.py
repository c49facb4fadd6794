"""Drop sphinx-thebe's scripts from every page: this book does not offer Thebe's "Live Code".

Jupyter Book 1 always loads sphinx-thebe. Even with ``launch_buttons.thebe: false`` its configuration script is
added once per reading pass, so every page declared ``const THEBE_JS_URL`` twice and logged a SyntaxError, and it
names a CDN URL the site must never need. Live code is offered through Binder and ``make lab`` instead.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def _is_thebe(asset: Any) -> bool:
    body = getattr(asset, "attributes", {}).get("body", "") or ""
    filename = getattr(asset, "filename", asset) or ""
    return "THEBE_JS_URL" in body or str(filename).endswith(("sphinx-thebe.js", "sphinx-thebe.css"))


def _drop_thebe(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
