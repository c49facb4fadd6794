"""What each chapter builds on the chart kit: its scenarios, labs and exercise checkers, kept out of the text."""
