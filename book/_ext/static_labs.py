"""Tell the notebooks executed by this build that they are being built, so labs show their static twin.

Jupyter Book starts each notebook's kernel as a child of the Sphinx process, with its environment, so a variable
set here reaches ``widgets.lab.static_mode()``. A lab then creates no ipywidget during the build, and the page
carries no widget state or widget scripts it would not use.
"""

from __future__ import annotations

import os

from sphinx.application import Sphinx

STATIC_ENV = "BACKSTAGE_STATIC"  # the same name as widgets.lab.STATIC_ENV (book/_ext does not import widgets)


def setup(app: Sphinx) -> dict[str, object]:
    os.environ[STATIC_ENV] = "1"
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
