"""Charts and labs for the book: Altair charts in the book's theme, drawn from the simulator's results."""

from widgets import theme
from widgets.charts import android_history_chart

theme.enable()

__all__ = ["android_history_chart", "theme"]
