"""Makes every amoCRM callback safe: it always returns true and never throws into amoCRM."""

from core.jscompat import AnyError
from edge.logger import debug, report_bug


def guarded(amocrm, name, action):
    """A callback that runs ``action``; a failure is logged (--dev) and shown as status ``error``."""

    def callback(*args):
        debug("callback", name)
        try:
            action(*args)
        except AnyError as error:
            report_bug(name, error)
            try:
                amocrm.set_status("error")
            except AnyError as status_error:
                report_bug("set_status", status_error)
        return True

    return callback


def inert_callbacks():
    """Callbacks for a widget that could not even be assembled: present, harmless, true."""

    def accept(*args):
        return True

    return {"render": accept, "init": accept, "bind_actions": accept, "settings": accept,
            "onSave": accept, "destroy": accept}
