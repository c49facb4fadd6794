"""Charts and labs for the book: Altair charts in the book's theme, drawn from the simulator's results."""

from widgets import kit, theme
from widgets.charts import android_history_chart
from widgets.controls import Control, ControlSpecError
from widgets.lab import Lab, Runs, static_mode

if theme.alt:  # Altair is absent in the reader's browser (widgets.live), where nothing is drawn
    theme.enable()

__all__ = ["Control", "ControlSpecError", "Lab", "Runs", "android_history_chart", "kit", "static_mode", "theme"]
