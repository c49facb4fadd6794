"""How a figure is made: the code behind a lab, read from its module when the page is built, behind a toggle.

``HowMade(chapter.refresh_scenario, chapter.refresh_lab)`` displays a closed "How this figure is made" toggle with
the source of each function, highlighted, and the file it lives in. The code is read with ``inspect`` from the very
functions the lab runs, so what the reader sees is what made the figure. Plain HTML: it needs no script and no
kernel, and opens the same on the published site and in JupyterLab.
"""

from __future__ import annotations

import html
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

__all__ = ["HowMade"]

_ROOT = Path(__file__).resolve().parents[1]


class HowMade:
    """A closed toggle showing the source of ``functions``: the scenario a lab runs and the figure it draws."""

    def __init__(self, *functions: Callable[..., Any], title: str = "How this figure is made") -> None:
        if not functions or not all(inspect.isfunction(f) for f in functions):
            raise ValueError(f"HowMade(functions={functions!r}): allowed one or more Python functions")
        if not isinstance(title, str) or not title.strip():
            raise ValueError(f"HowMade(title={title!r}): allowed a non-empty string")
        self.functions, self.title = functions, title

    def sources(self) -> list[tuple[str, str]]:
        """(where, code) for each function: its file relative to the project, and its source."""
        out = []
        for function in self.functions:
            path = Path(inspect.getsourcefile(function) or "?").resolve()
            where = str(path.relative_to(_ROOT)) if path.is_relative_to(_ROOT) else path.name
            out.append((f"{where}: {function.__name__}", inspect.getsource(function)))
        return out

    def _repr_html_(self) -> str:
        formatter = HtmlFormatter(noclasses=True, nowrap=False, style="default")
        parts = []
        for where, code in self.sources():
            parts.append(f'<p style="margin:.6em 0 .2em"><code>{html.escape(where)}</code></p>'
                         f'<div style="overflow-x:auto;font-size:.85em">{highlight(code, PythonLexer(), formatter)}'
                         "</div>")
        return (f'<details class="bs-how" style="margin:.4em 0 1em;border:1px solid #ddd;border-radius:6px;'
                f'padding:.3em .8em"><summary style="cursor:pointer">{html.escape(self.title)}</summary>'
                f'{"".join(parts)}</details>')

    def __repr__(self) -> str:
        return "\n\n".join(f"# {where}\n{code}" for where, code in self.sources())
