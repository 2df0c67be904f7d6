"""The widget's own settings form inside amoCRM's settings modal (behaviour.md §4)."""
