"""The settings form's DOM: built from Python with edge.dom, texts from i18n.

The view only shows things and reads its inputs; what they mean and when to check the
server is decided by :mod:`ui.settings_page.page` with :mod:`core.settings_form`.
"""

from core.error_table import (
    TONE_BUSY,
    TONE_ERROR,
    TONE_IDLE,
    TONE_OK,
    TONE_WARNING,
    status_text,
    status_tone,
)
from edge.dom import element, icon, replace_children, set_class, set_text
from ui.settings_page import icons

ROOT_CLASS = "asng-settings"
_TONES = [TONE_OK, TONE_WARNING, TONE_ERROR, TONE_IDLE, TONE_BUSY]
# Every mounted form gets its own element ids (labels point at inputs by id).
_mounts = [0]


def _status_icon(tone):
    if tone == TONE_BUSY:
        return element("span", {"class": "asng-settings__spinner", "aria-hidden": "true"}, [])
    return icon(icons.BY_TONE.get(tone, icons.NOT_CONFIGURED), "asng-settings__icon")


class SettingsView:
    """The form's elements; ``root`` is what gets mounted."""

    def __init__(self, amocrm, logo_url):
        self.amocrm = amocrm
        _mounts[0] = _mounts[0] + 1
        suffix = "-" + str(_mounts[0])
        address_id = "asng-settings-address" + suffix
        address_message_id = "asng-settings-address-message" + suffix
        key_id = "asng-settings-key" + suffix
        show_panel_id = "asng-settings-show-panel" + suffix
        notification_id = "asng-settings-notification" + suffix
        self.key_visible = False

        self.status_icon = element("span", {"class": "asng-settings__status-icon"}, [])
        self.status_text = element("span", {"class": "asng-settings__status-text"}, [])
        self.status = element("div", {"class": "asng-settings__status", "role": "status",
                                      "aria-live": "polite", "aria-atomic": "true"},
                              [self.status_icon, self.status_text])
        logo = None
        if logo_url != None:
            logo = element("img", {"class": "asng-settings__logo", "src": logo_url, "alt": ""}, [])
        header = element("div", {"class": "asng-settings__header"}, [logo, self.status])

        self.address = element("input", {
            "class": "asng-settings__input", "id": address_id, "type": "text", "inputmode": "url",
            "autocomplete": "off", "spellcheck": "false", "autocapitalize": "off",
            "placeholder": "https://127.0.0.1/asterisk_ng", "aria-describedby": address_message_id,
        }, [])
        self.address_message = element("div", {"class": "asng-settings__message", "id": address_message_id,
                                               "aria-live": "polite"}, [])
        address_field = element("div", {"class": "asng-settings__field"}, [
            element("label", {"class": "asng-settings__label", "for": address_id},
                    [amocrm.i18n("domain.amocrm.settings.field.server_address")]),
            self.address,
            self.address_message,
        ])

        self.key = element("input", {
            "class": "asng-settings__input asng-settings__input--secret", "id": key_id, "type": "password",
            "autocomplete": "new-password", "spellcheck": "false", "autocapitalize": "off",
        }, [])
        self.reveal = element("button", {"class": "asng-settings__reveal", "type": "button",
                                         "aria-controls": key_id, "aria-pressed": "false"}, [])
        key_field = element("div", {"class": "asng-settings__field"}, [
            element("label", {"class": "asng-settings__label", "for": key_id},
                    [amocrm.i18n("domain.amocrm.settings.field.secret_key")]),
            element("div", {"class": "asng-settings__secret"}, [self.key, self.reveal]),
        ])

        self.show_panel = element("input", {"class": "asng-settings__checkbox", "id": show_panel_id,
                                            "type": "checkbox"}, [])
        self.enable_notification = element("input", {"class": "asng-settings__checkbox",
                                                     "id": notification_id, "type": "checkbox"}, [])
        self.post_call_card = element("input", {"class": "asng-settings__checkbox",
                                                "id": "asng-settings-post-call" + suffix,
                                                "type": "checkbox"}, [])
        options = element("fieldset", {"class": "asng-settings__options"}, [
            element("legend", {"class": "asng-settings__legend"},
                    [amocrm.i18n("domain.amocrm.settings.options")]),
            element("div", {"class": "asng-settings__check"}, [
                self.show_panel,
                element("label", {"for": show_panel_id},
                        [amocrm.i18n("domain.amocrm.settings.field.show_panel_check")]),
            ]),
            element("div", {"class": "asng-settings__check"}, [
                self.enable_notification,
                element("label", {"for": notification_id},
                        [amocrm.i18n("domain.amocrm.settings.field.enable_notification")]),
            ]),
            element("div", {"class": "asng-settings__check"}, [
                self.post_call_card,
                element("label", {"for": "asng-settings-post-call" + suffix},
                        [amocrm.i18n("domain.amocrm.settings.field.post_call_card")]),
            ]),
        ])

        self.save = element("button", {"class": "asng-settings__save", "type": "button"},
                            [amocrm.i18n("domain.amocrm.settings.save_button")])
        actions = element("div", {"class": "asng-settings__actions"}, [self.save])

        self.root = element("div", {"class": "asng-root " + ROOT_CLASS}, [
            header, address_field, key_field, options, actions,
        ])
        self.show_key(False)

    def fill(self, settings_form):
        """Put the form's values into the inputs."""
        self.address.value = settings_form.server_address
        self.key.value = settings_form.secret_key
        self.show_panel.checked = settings_form.show_panel
        self.enable_notification.checked = settings_form.enable_notification
        self.post_call_card.checked = settings_form.post_call_card

    def show_status(self, status):
        """Show ``status`` (a state of :mod:`core.error_table`) with its icon or the spinner."""
        tone = status_tone(status)
        self.status.setAttribute("data-status", status)
        for each in _TONES:
            set_class(self.status, "asng-settings__status--" + each, each == tone)
        self.status.setAttribute("aria-busy", "true" if tone == TONE_BUSY else "false")
        replace_children(self.status_icon, [_status_icon(tone)])
        set_text(self.status_text, status_text(self.amocrm.i18n, status))

    def show_address_problem(self, invalid):
        """Show or hide the inline message under the address."""
        self.address.setAttribute("aria-invalid", "true" if invalid else "false")
        set_class(self.address, "asng-settings__input--invalid", invalid)
        if invalid:
            set_text(self.address_message, self.amocrm.i18n("domain.amocrm.settings.address_invalid"))
        else:
            set_text(self.address_message, "")

    def show_key(self, visible):
        """Show the secret key as text or hide it as a password."""
        self.key_visible = visible
        # setAttribute: Transcrypt renames a ``.type`` attribute to ``py_metatype``.
        self.key.setAttribute("type", "text" if visible else "password")
        self.reveal.setAttribute("aria-pressed", "true" if visible else "false")
        label = (self.amocrm.i18n("domain.amocrm.settings.hide_key") if visible
                 else self.amocrm.i18n("domain.amocrm.settings.show_key"))
        self.reveal.setAttribute("aria-label", label)
        self.reveal.setAttribute("title", label)
        replace_children(self.reveal, [icon(icons.HIDE if visible else icons.SHOW, "asng-settings__icon")])

    def set_save_enabled(self, enabled):
        """Enable or disable the Save button."""
        self.save.disabled = not enabled
