"""The widget's entry point: the AMD wrapper calls :func:`make_callbacks` from ``new Widget()``."""

from app.bootstrap import inert_callbacks
from app.composition import create_callbacks
from core.jscompat import AnyError
from edge.logger import report_bug


def make_callbacks(widget):
    """amoCRM's ``callbacks`` for ``widget``; harmless ones if the widget cannot be assembled."""
    try:
        return create_callbacks(widget)
    except AnyError as error:
        report_bug("start-up", error)
        return inert_callbacks()
