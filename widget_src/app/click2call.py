"""Click2Call: a click on a phone number in amoCRM calls it (docs/behaviour.md §2)."""

from core.error_table import error_text
from core.jscompat import AnyError
from core.protocol import Cancelled
from edge.amocrm import phone_from_action


async def call_number(client, amocrm, data):
    """Originate a call to the clicked number; tell the user in amoCRM when it fails."""
    phone = phone_from_action(data)
    if phone == None or len(phone.strip()) == 0:
        return
    try:
        await client.originate(phone.strip())
    except AnyError as error:
        if isinstance(error, Cancelled):
            return
        amocrm.show_error(amocrm.i18n("domain.amocrm.notification.call_failed.header"),
                          phone + ": " + error_text(amocrm.i18n, error))
