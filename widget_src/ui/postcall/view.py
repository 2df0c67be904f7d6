"""The post-call card's DOM (built from :mod:`edge.dom`: every name, phone and error as text).

The card sits inside the call panel's body. The controller (:mod:`ui.postcall.card`) owns the
events and the state; this module only builds and updates elements.
"""

from core.panel_logic import contact_path, format_duration
from core.postcall_logic import DUE_CUSTOM, DUE_HOUR, DUE_TOMORROW
from edge.dom import element, remove, replace_children, set_text

_counter = [0]


def _uid(name):
    return "asng-card-" + name + "-" + str(_counter[0])


def _show_value(field, value):
    """Put ``value`` into a text field; one with the focus keeps its caret (where it still fits)."""
    if field.value == value:
        return
    if document.activeElement != field:
        field.value = value
        return
    start = min(field.selectionStart, len(value))
    end = min(field.selectionEnd, len(value))
    field.value = value
    field.setSelectionRange(start, end)


def _enable(field, enabled):
    if enabled:
        field.removeAttribute("disabled")
    else:
        field.setAttribute("disabled", "disabled")


class CardView:
    """One card for one call result; ``i18n`` is the i18n lookup."""

    def __init__(self, i18n, item):
        _counter[0] = _counter[0] + 1
        self.i18n = i18n
        title_id = _uid("title")
        note_id = _uid("note")
        task_text_id = _uid("task-text")
        toggle_id = _uid("toggle")
        picker_id = _uid("picker")
        self.who = element("div", {"class": "asng-card__who"}, [])
        self.duration = element("span", {"class": "asng-card__duration",
                                          "aria-label": i18n("domain.amocrm.postcall.duration")}, [])
        self.contact = element("div", {"class": "asng-card__contact"}, [])
        self.note = element("textarea", {"class": "asng-card__note", "id": note_id, "rows": "3",
                                          "placeholder": i18n("domain.amocrm.postcall.note_hint")}, [])
        self.note.value = item["note"] or ""
        self.task_on = element("input", {"type": "checkbox", "class": "asng-card__task-on",
                                         "id": toggle_id}, [])
        self.task_on.checked = item["task_on"] == True
        self.presets = []
        preset_buttons = []
        for preset in [[DUE_HOUR, i18n("domain.amocrm.postcall.due_hour")],
                       [DUE_TOMORROW, i18n("domain.amocrm.postcall.due_tomorrow")],
                       [DUE_CUSTOM, i18n("domain.amocrm.postcall.due_custom")]]:
            button = element("button", {"type": "button", "class": "asng-card__preset",
                                        "data-preset": preset[0], "aria-pressed": "false"}, [preset[1]])
            self.presets.append(button)
            preset_buttons.append(button)
        self.picker = element("input", {"type": "datetime-local", "class": "asng-card__picker",
                                        "id": picker_id,
                                        "aria-label": i18n("domain.amocrm.postcall.due_custom")}, [])
        self.task_text = element("input", {"type": "text", "class": "asng-card__task-text",
                                           "id": task_text_id}, [])
        self.task_text.value = item["task_text"] or ""
        self.task = element("div", {"class": "asng-card__task"}, [
            element("div", {"class": "asng-card__due", "role": "group",
                            "aria-label": i18n("domain.amocrm.postcall.due_label")}, preset_buttons),
            self.picker,
            element("label", {"class": "asng-card__label", "for": task_text_id},
                    [i18n("domain.amocrm.postcall.task_text_label")]),
            self.task_text,
        ])
        self.status = element("div", {"class": "asng-card__status", "role": "status",
                                      "aria-live": "polite"}, [])
        self.save = element("button", {"type": "button", "class": "asng-card__save"},
                            [i18n("domain.amocrm.postcall.save")])
        self.skip = element("button", {"type": "button", "class": "asng-card__skip"},
                            [i18n("domain.amocrm.postcall.skip")])
        self.root = element("section", {"class": "asng-card", "role": "region", "aria-labelledby": title_id,
                                        "data-item": item["id"]}, [
            element("div", {"class": "asng-card__head"}, [
                element("span", {"class": "asng-card__title", "id": title_id},
                        [i18n("domain.amocrm.postcall.title")]),
                self.duration,
            ]),
            self.who,
            self.contact,
            element("label", {"class": "asng-card__label", "for": note_id},
                    [i18n("domain.amocrm.postcall.note_label")]),
            self.note,
            element("div", {"class": "asng-card__toggle"}, [
                self.task_on,
                element("label", {"for": toggle_id}, [i18n("domain.amocrm.postcall.task_toggle")]),
            ]),
            self.task,
            self.status,
            element("div", {"class": "asng-card__actions"}, [self.save, self.skip]),
        ])
        set_text(self.duration, format_duration(item["duration_s"] or 0))

    def attach(self, mount):
        """Put the card at the top of the panel's body."""
        mount.insertBefore(self.root, mount.firstChild)

    def detach(self):
        remove(self.root)

    def show_who(self, name, contact_id, phone):
        """The contact's name (linked to its card for a numeric id) and the number."""
        path = contact_path(contact_id)
        label = name if name != None and len(name.strip()) > 0 else (
            self.i18n("domain.amocrm.postcall.unknown_number"))
        if path != None:
            shown = element("a", {"class": "asng-card__name", "href": path, "target": "_blank"}, [label])
        else:
            shown = element("span", {"class": "asng-card__name"}, [label])
        replace_children(self.who, [shown, element("span", {"class": "asng-card__phone"}, [phone or ""])])

    def show_contact_choice(self, kind, candidates, create_name):
        """Below the name: nothing, a search in progress, a list to pick from or the create field.

        Returns the create field (an input) when ``kind`` is ``create``, else None.
        """
        i18n = self.i18n
        if kind == "searching":
            replace_children(self.contact, [element("span", {"class": "asng-card__hint"},
                                                    [i18n("domain.amocrm.postcall.searching")])])
            return None
        if kind == "pick":
            options = []
            for index in range(len(candidates)):
                found = candidates[index]
                option_id = _uid("pick-" + str(index))
                extra = found["phone"] + (" · " + i18n("domain.amocrm.postcall.responsible") + " "
                                          + found["responsible"] if len(found["responsible"]) > 0 else "")
                options.append(element("div", {"class": "asng-card__option"}, [
                    element("input", {"type": "radio", "name": _uid("pick"), "id": option_id,
                                      "class": "asng-card__pick", "value": found["id"]}, []),
                    element("label", {"for": option_id}, [
                        element("span", {"class": "asng-card__option-name"}, [found["name"]]),
                        element("span", {"class": "asng-card__option-extra"}, [extra]),
                    ]),
                ]))
            replace_children(self.contact, [
                element("div", {"class": "asng-card__hint"}, [i18n("domain.amocrm.postcall.pick")]),
                element("div", {"role": "radiogroup", "class": "asng-card__options"}, options),
            ])
            return None
        if kind == "create" or kind == "search_failed":
            field_id = _uid("create")
            field = element("input", {"type": "text", "class": "asng-card__create", "id": field_id}, [])
            field.value = create_name or ""
            children = []
            if kind == "search_failed":
                children.append(element("div", {"class": "asng-card__hint"},
                                        [i18n("domain.amocrm.postcall.error_search")]))
            children.append(element("label", {"class": "asng-card__label", "for": field_id},
                                    [i18n("domain.amocrm.postcall.create_label")]))
            children.append(field)
            children.append(element("div", {"class": "asng-card__hint"},
                                    [i18n("domain.amocrm.postcall.create_hint")]))
            replace_children(self.contact, children)
            return field
        replace_children(self.contact, [])
        return None

    def show_fields(self, note, task_on, task_text):
        """The fields' values as stored (another tab may have changed them)."""
        _show_value(self.note, note)
        _show_value(self.task_text, task_text)
        if self.task_on.checked != task_on:
            self.task_on.checked = task_on

    def show_task(self, enabled, preset, custom_text):
        """The task block's state: shown when on, the chosen preset pressed, the picker when custom."""
        if enabled:
            self.task.removeAttribute("hidden")
        else:
            self.task.setAttribute("hidden", "hidden")
        for button in self.presets:
            pressed = button.getAttribute("data-preset") == preset
            button.setAttribute("aria-pressed", "true" if pressed else "false")
        if preset == DUE_CUSTOM:
            self.picker.removeAttribute("hidden")
            if len(self.picker.value) == 0:
                self.picker.value = custom_text
        else:
            self.picker.setAttribute("hidden", "hidden")

    def show_status(self, text, tone):
        """A line under the fields: ``tone`` is ``error``, ``busy``, ``done`` or None."""
        set_text(self.status, text)
        self.status.setAttribute("data-tone", tone or "")
        self.status.setAttribute("role", "alert" if tone == "error" else "status")

    def set_state(self, parts, busy, retry, closing):
        """Buttons and fields for the item's state: Save (or Retry) and Skip (or Close); ``parts``
        (``{note, task}``) tells which fields the agent may change."""
        i18n = self.i18n
        set_text(self.save, i18n("domain.amocrm.postcall.retry") if retry
                 else i18n("domain.amocrm.postcall.save"))
        set_text(self.skip, i18n("domain.amocrm.postcall.close") if closing
                 else i18n("domain.amocrm.postcall.skip"))
        if busy:
            self.save.setAttribute("disabled", "disabled")
        else:
            self.save.removeAttribute("disabled")
        _enable(self.note, parts["note"])
        for field in [self.task_on, self.task_text, self.picker]:
            _enable(field, parts["task"])
        for button in self.presets:
            _enable(button, parts["task"])


class Indicator:
    """"1 unsaved call result": a button in the panel that opens the oldest unsaved result (in the
    panel only while there is something to say)."""

    def __init__(self, mount):
        self.mount = mount
        self.root = element("button", {"type": "button", "class": "asng-card-indicator"}, [])

    def detach(self):
        remove(self.root)

    def show(self, text):
        """Show ``text``, or take the indicator out of the panel for None."""
        if text == None:
            remove(self.root)
            return
        set_text(self.root, text)
        if self.root.parentNode != self.mount:
            self.mount.insertBefore(self.root, self.mount.firstChild)
