"""Stand-ins for the drawing packages (Altair, pandas) where they are not installed: in the reader's browser.

On the published site the simulator runs live under Pyodide (``widgets.live``), which has the standard library and
simpy, not Altair or pandas. The chapters' modules, and the parts of ``widgets`` they import, still import there
(their scenarios and exercise checkers are needed), with these stand-ins in place of the packages; anything that
would draw raises ModuleNotFoundError naming the package, instead of a confusing AttributeError.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Absent", "altair", "pandas"]


class Absent:
    """A package that is not installed here: any use of it raises ModuleNotFoundError."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise ModuleNotFoundError(
            f"{self._name}.{attr}: {self._name} is not installed here (in the browser, Backstage runs the simulator "
            "and computes the charts' rows; the charts were drawn when the book was built)",
            name=self._name,
        )

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"<{self._name}: not installed here>"


altair: Any = Absent("altair")
pandas: Any = Absent("pandas")
