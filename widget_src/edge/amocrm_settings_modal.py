"""amoCRM's settings modal, as far as the widget's own settings form needs it.

Part of the amoCRM bridge: the selectors of amoCRM's modal, its hidden settings input and its
save button are known here and nowhere else. The widget mounts its form into
``.widget-settings__desc-space``, writes the settings JSON into ``input[name=SETTINGS_FIELD]``
and presses ``.js-widget-save``; amoCRM then calls ``onSave``.
"""

from build_constants import SETTINGS_FIELD
from edge.logger import warn

DESC_SPACE = ".widget-settings__desc-space"
SETTINGS_BLOCK = ".widget_settings_block"
SETTINGS_ROW = ".widget_settings_block__item_field"
SAVE_BUTTON = ".js-widget-save"


def _has_dom():
    # __pragma__ ('ecom')
    #?__pragma__ ('js', '{}', 'return typeof document !== "undefined" && typeof window !== "undefined";')
    # __pragma__ ('noecom')
    return False


def _element_of(modal_body):
    """The DOM element of amoCRM's ``$modal_body`` (a jQuery object), or of a plain element."""
    if modal_body == None:
        return None
    if modal_body.nodeType == 1:
        return modal_body
    first = modal_body[0]
    if first != None and first.nodeType == 1:
        return first
    return None


def _find(scope, selector):
    """``selector`` inside the modal body, else inside its modal, else anywhere on the page."""
    if scope != None:
        found = scope.querySelector(selector)
        if found:
            return found
        modal = scope.closest(".modal") if scope.closest else None
        if modal:
            found = modal.querySelector(selector)
            if found:
                return found
    return document.querySelector(selector)


class SettingsModal:
    """amoCRM's open settings modal: where the form goes, the settings input, the save button."""

    def __init__(self, space, settings_input, save_button):
        self.space = space
        self.settings_input = settings_input
        self.save_button = save_button
        self.hidden = []

    def mount(self, node):
        """Put ``node`` (the widget's form) into the modal's description space."""
        self.space.appendChild(node)

    def hide_own_form(self):
        """Hide amoCRM's generated block (or only our field's row, if the block holds the form)."""
        block = _find(self.space, SETTINGS_BLOCK)
        target = block
        if block == None or block.contains(self.space):
            target = self.settings_input.closest(SETTINGS_ROW) if self.settings_input.closest else None
        if target != None and not target.contains(self.space):
            self.hidden.append([target, target.style.display])
            target.style.display = "none"

    def show_own_form(self):
        """Undo :meth:`hide_own_form`: amoCRM's own field is usable again."""
        for entry in self.hidden:
            entry[0].style.display = entry[1]
        self.hidden = []

    def save(self, settings_text):
        """Write the settings JSON into amoCRM's field, tell its form, and press amoCRM's save button."""
        self.settings_input.value = settings_text
        self.settings_input.dispatchEvent(__new__(Event("change", {"bubbles": True})))
        jquery = window.jQuery  # amoCRM's form may listen through jQuery, which DOM events do not reach
        if jquery:
            jquery(self.settings_input).trigger("change")
        self.save_button.click()


def find_settings_modal(modal_body):
    """The modal amoCRM's ``settings($modal_body)`` callback opened, or None (amoCRM's own form stays)."""
    if not _has_dom():
        return None
    body = _element_of(modal_body)
    space = _find(body, DESC_SPACE)
    settings_input = _find(body, "input[name=\"" + SETTINGS_FIELD + "\"]")
    save_button = _find(body, SAVE_BUTTON)
    if space == None or settings_input == None or save_button == None:
        warn("settings modal without", DESC_SPACE if space == None else "",
             SETTINGS_FIELD if settings_input == None else "", SAVE_BUTTON if save_button == None else "",
             ": keeping amoCRM's own form")
        return None
    return SettingsModal(space, settings_input, save_button)
