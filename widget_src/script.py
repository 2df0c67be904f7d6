"""The widget's entry point: the AMD wrapper calls :func:`make_callbacks` from ``new Widget()``."""

from create_callbacks import create_callbacks
from infrastructure.jscompat import AnyError
from infrastructure.logger import report_bug
from system.bootstrap import inert_callbacks


def make_callbacks(widget):
    """amoCRM's ``callbacks`` for ``widget``; harmless ones if the widget cannot be assembled."""
    try:
        return create_callbacks(widget)
    except AnyError as error:
        report_bug("start-up", error)
        return inert_callbacks()
