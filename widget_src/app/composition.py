"""The composition root: builds the widget's objects for one amoCRM widget instance."""

from app.bootstrap import guarded
from app.lifecycle import Lifecycle
from edge.amocrm import AmoCRM
from ui.settings_page.page import SettingsPage


def create_callbacks(widget):
    """amoCRM's ``callbacks`` object for ``widget`` (the object amoCRM created)."""
    amocrm = AmoCRM(widget)
    lifecycle = Lifecycle(amocrm)
    settings_page = SettingsPage(amocrm)

    def destroy():
        try:
            settings_page.close()
        finally:
            lifecycle.close()

    amocrm.expose("asteriskng", lifecycle)
    return {
        "render": guarded(amocrm, "render", lifecycle.start),
        "init": guarded(amocrm, "init", lifecycle.start),
        "bind_actions": guarded(amocrm, "bind_actions", lifecycle.start),
        "settings": guarded(amocrm, "settings", settings_page.open),
        "onSave": guarded(amocrm, "onSave", lifecycle.save),
        "destroy": guarded(amocrm, "destroy", destroy),
    }
