"""The call panel's DOM: built once from :mod:`edge.dom`, updated by small setters.

Every server-supplied string (names, phones, ids, error details) is set as text. The
controller (:mod:`ui.call_panel.panel`) owns the events and the state.
"""

from edge.dom import element, icon, remove, replace_children, set_class, set_text

ICON_PHONE = ("M6.6 10.8c1.4 2.8 3.8 5.1 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 "
              "1V20c0 .6-.4 1-1 1C10.6 21 3 13.4 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 "
              ".7-.2 1z")
ICON_TRANSFER = ("M20 15.5c-1.2 0-2.4-.2-3.6-.6-.3-.1-.7 0-1 .2l-2.2 "
                 "2.2c-2.8-1.4-5.1-3.8-6.6-6.6l2.2-2.2c.3-.3.4-.7.2-1-.3-1.1-.5-2.3-.5-3.5 "
                 "0-.6-.4-1-1-1H4c-.6 0-1 .4-1 1 0 9.4 7.6 17 17 17 .6 0 1-.4 1-1v-3.5c0-.6-.4-1-1-1zM18 "
                 "11l5-5-5-5v3h-4v4h4z")
ICON_MIC = ("M12 14c1.7 0 3-1.3 3-3V5c0-1.7-1.3-3-3-3S9 3.3 9 5v6c0 1.7 1.3 3 3 3zm5.3-3c0 3-2.5 5.1-5.3 "
            "5.1S6.7 14 6.7 11H5c0 3.4 2.7 6.2 6 6.7V21h2v-3.3c3.3-.5 6-3.3 6-6.7z")
ICON_MIC_OFF = ("M19 11h-1.7c0 .7-.2 1.4-.4 2l1.2 1.2c.6-.9.9-2 .9-3.2zm-4 .2V5c0-1.7-1.3-3-3-3S9 3.3 9 "
                "5v.2zM4.3 3 3 4.3l6 6V11c0 1.7 1.3 3 3 3 .2 0 .4 0 .7-.1l1.7 1.7c-.7.3-1.5.5-2.4.5-2.8 "
                "0-5.3-2.1-5.3-5.1H5c0 3.4 2.7 6.2 6 6.7V21h2v-3.3c.9-.1 1.8-.5 2.5-.9l4.2 4.2 1.3-1.3z")
ICON_HOLD = "M6 19h4V5H6zm8-14v14h4V5z"
ICON_RESUME = "M8 5v14l11-7z"
ICON_HANGUP = ("M12 9c-1.6 0-3.1.3-4.6.7v3.1c0 .4-.2.7-.6.9-1 .5-1.9 1.1-2.7 "
               "1.8-.2.2-.4.3-.7.3s-.5-.1-.7-.3L.3 13.1c-.2-.2-.3-.4-.3-.7s.1-.5.3-.7C3.3 8.8 7.4 7 12 "
               "7s8.7 1.8 11.7 4.7c.2.2.3.4.3.7s-.1.5-.3.7l-2.5 "
               "2.5c-.2.2-.4.3-.7.3s-.5-.1-.7-.3c-.8-.7-1.7-1.4-2.7-1.8-.3-.2-.6-.5-.6-.9V9.7C15.1 9.3 13.6 "
               "9 12 9z")
ICON_COLLAPSE = "M19 13H5v-2h14z"
ICON_EXPAND = "M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6z"
OPTIONS_ID = "asng-options"


def _button(class_name, label, path):
    return element("button", {"type": "button", "class": "asng-button " + class_name, "aria-label": label,
                              "title": label}, [icon(path, "asng-icon")])


def _relabel(button, label, path):
    button.setAttribute("aria-label", label)
    button.setAttribute("title", label)
    replace_children(button, [icon(path, "asng-icon")])


class PanelView:
    """The panel's elements, with texts from ``amocrm.i18n`` (literal keys: the build checks them)."""

    def __init__(self, amocrm):
        self.amocrm = amocrm
        self.title = element("span", {"class": "asng-panel__title"},
                             [amocrm.i18n("domain.amocrm.panel.title")])
        self.connection = element("span", {"class": "asng-panel__connection", "role": "img"}, [])
        self.toggle = element("button", {"type": "button", "class": "asng-panel__toggle"}, [])
        self.header = element("div", {"class": "asng-panel__header"},
                              [self.title, self.connection, self.toggle])
        self.alert = element("div", {"class": "asng-panel__alert", "role": "alert"}, [])
        self.problem = element("div", {"class": "asng-panel__problem", "role": "status",
                                       "hidden": "hidden"}, [])
        self.call_name = element("span", {"class": "asng-call__name"}, [])
        self.call_timer = element("span", {"class": "asng-call__timer", "role": "timer",
                                           "aria-label": amocrm.i18n("domain.amocrm.panel.timer_label")}, [])
        self.call_phone = element("div", {"class": "asng-call__phone"}, [])
        self.mute = _button("asng-call__mute", "", ICON_MIC)
        self.hold = _button("asng-call__hold", "", ICON_HOLD)
        self.hangup = _button("asng-button--hangup asng-call__hangup",
                              amocrm.i18n("domain.amocrm.panel.hangup"), ICON_HANGUP)
        self.call = element("div", {"class": "asng-call", "hidden": "hidden"}, [
            element("div", {"class": "asng-call__who"}, [self.call_name, self.call_timer]),
            self.call_phone,
            element("div", {"class": "asng-call__controls"}, [self.mute, self.hold, self.hangup]),
        ])
        self.input = element("input", {
            "type": "text", "class": "asng-dial__input", "role": "combobox", "autocomplete": "off",
            "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": OPTIONS_ID,
            "placeholder": amocrm.i18n("domain.amocrm.panel.input_hint"),
            "aria-label": amocrm.i18n("domain.amocrm.panel.input_hint"),
        }, [])
        self.spinner = element("span", {"class": "asng-spinner asng-dial__spinner", "hidden": "hidden",
                                        "role": "status",
                                        "aria-label": amocrm.i18n("domain.amocrm.panel.searching")}, [])
        self.dial = _button("asng-button--call asng-dial__call", amocrm.i18n("domain.amocrm.panel.call"),
                            ICON_PHONE)
        self.options = element("ul", {"class": "asng-options", "id": OPTIONS_ID, "role": "listbox",
                                      "aria-label": amocrm.i18n("domain.amocrm.panel.contacts"),
                                      "hidden": "hidden"}, [])
        self.body = element("div", {"class": "asng-panel__body"}, [
            self.problem, self.alert, self.call,
            element("div", {"class": "asng-dial"}, [self.input, self.spinner, self.dial]),
            self.options,
        ])
        self.root = element("div", {"class": "asng-root asng-panel", "role": "region",
                                    "aria-label": amocrm.i18n("domain.amocrm.panel.label")},
                            [self.header, self.body])
        self.set_connection(None)
        self.set_collapsed(False)
        self.set_call_controls(False, False)

    def attach(self):
        document.body.appendChild(self.root)

    def detach(self):
        remove(self.root)

    def size(self):
        return [self.root.offsetWidth, self.root.offsetHeight]

    def set_position(self, left, top):
        self.root.style.left = str(left) + "px"
        self.root.style.top = str(top) + "px"

    def set_collapsed(self, collapsed):
        set_class(self.root, "asng-panel--collapsed", collapsed)
        label = (self.amocrm.i18n("domain.amocrm.panel.expand") if collapsed
                 else self.amocrm.i18n("domain.amocrm.panel.collapse"))
        self.toggle.setAttribute("aria-expanded", "false" if collapsed else "true")
        _relabel(self.toggle, label, ICON_EXPAND if collapsed else ICON_COLLAPSE)

    def set_connection(self, problem):
        """``problem`` is None when the server answers, else the text to show until it does."""
        set_class(self.connection, "asng-panel__connection--down", problem != None)
        set_text(self.problem, problem)
        if problem != None:
            self.problem.removeAttribute("hidden")
        else:
            self.problem.setAttribute("hidden", "hidden")
        label = problem if problem != None else self.amocrm.i18n("domain.amocrm.settings.status.connected")
        self.connection.setAttribute("aria-label", label)
        self.connection.setAttribute("title", label)

    def set_alert(self, text):
        set_text(self.alert, text)

    def show_call(self, name, link, phone):
        """The call block with the contact (``link`` only for a safe same-origin path)."""
        self.call.removeAttribute("hidden")
        if link != None:
            anchor = element("a", {"class": "asng-call__name", "href": link, "title": name}, [name])
        else:
            anchor = element("span", {"class": "asng-call__name", "title": name}, [name])
        self.call_name.parentNode.replaceChild(anchor, self.call_name)
        self.call_name = anchor
        set_text(self.call_phone, phone)

    def hide_call(self):
        self.call.setAttribute("hidden", "hidden")

    def set_timer(self, text):
        set_text(self.call_timer, text)

    def set_call_controls(self, muted, held):
        set_class(self.mute, "asng-button--on", muted)
        self.mute.setAttribute("aria-pressed", "true" if muted else "false")
        _relabel(self.mute,
                 (self.amocrm.i18n("domain.amocrm.panel.unmute") if muted
                  else self.amocrm.i18n("domain.amocrm.panel.mute")),
                 ICON_MIC_OFF if muted else ICON_MIC)
        set_class(self.hold, "asng-button--on", held)
        self.hold.setAttribute("aria-pressed", "true" if held else "false")
        _relabel(self.hold,
                 (self.amocrm.i18n("domain.amocrm.panel.resume") if held
                  else self.amocrm.i18n("domain.amocrm.panel.hold")),
                 ICON_RESUME if held else ICON_HOLD)

    def set_dial_button(self, enabled, in_call):
        self.dial.disabled = not enabled
        label = (self.amocrm.i18n("domain.amocrm.panel.transfer") if in_call
                 else self.amocrm.i18n("domain.amocrm.panel.call"))
        _relabel(self.dial, label, ICON_TRANSFER if in_call else ICON_PHONE)
        set_class(self.dial, "asng-dial__call--transfer", in_call)

    def set_loading(self, loading):
        if loading:
            self.spinner.removeAttribute("hidden")
        else:
            self.spinner.setAttribute("hidden", "hidden")

    def show_options(self, caption, contacts, empty_text, active):
        """Open the list with ``contacts`` (or ``empty_text``), option ``active`` highlighted."""
        items = []
        if caption != None and len(contacts) > 0:
            items.append(element("li", {"class": "asng-options__caption", "role": "presentation"}, [caption]))
        index = 0
        for contact in contacts:
            items.append(element("li", {
                "class": "asng-option", "role": "option", "id": "asng-option-" + str(index),
                "data-index": str(index), "aria-selected": "false",
            }, [element("span", {"class": "asng-option__name"}, [contact["name"]]),
                element("span", {"class": "asng-option__phone"}, [contact["phone"]])]))
            index = index + 1
        if len(contacts) == 0 and empty_text != None:
            items.append(element("li", {"class": "asng-options__empty", "role": "presentation"},
                                 [empty_text]))
        replace_children(self.options, items)
        if len(items) > 0:
            self.options.removeAttribute("hidden")
            self.input.setAttribute("aria-expanded", "true")
        else:
            self.close_options()
        self.set_active(active)

    def close_options(self):
        self.options.setAttribute("hidden", "hidden")
        self.input.setAttribute("aria-expanded", "false")
        self.input.removeAttribute("aria-activedescendant")

    def set_active(self, index):
        for option in self.options.querySelectorAll(".asng-option"):
            active = option.getAttribute("data-index") == str(index)
            set_class(option, "asng-option--active", active)
            option.setAttribute("aria-selected", "true" if active else "false")
            if active:
                self.input.setAttribute("aria-activedescendant", option.id)
                if option.scrollIntoView:
                    option.scrollIntoView({"block": "nearest"})
        if index < 0:
            self.input.removeAttribute("aria-activedescendant")
