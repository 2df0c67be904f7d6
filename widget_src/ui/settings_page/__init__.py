"""The widget's own settings form inside amoCRM's settings modal (docs/behaviour.md §4)."""
