"""Texts for the widget's errors, from the amoCRM locale files."""

from core.jscompat import error_message


def error_text(amocrm, error):
    """What to tell the user about a failed request (a ServerError or anything else)."""
    code = error.code if hasattr(error, "code") else None
    if code == "bad_request":
        return amocrm.i18n("domain.amocrm.errors.bad_request")
    if code == "invalid_secret_key":
        return amocrm.i18n("domain.amocrm.errors.invalid_secret_key")
    if code == "incompatible_version":
        return amocrm.i18n("domain.amocrm.errors.incompatible_version")
    if code == "unknown_method":
        return amocrm.i18n("domain.amocrm.errors.unknown_method")
    if code == "invalid_parameters":
        return amocrm.i18n("domain.amocrm.errors.invalid_parameters")
    if code == "not_responding":
        return amocrm.i18n("domain.amocrm.errors.not_responding")
    if code == "method_exception":
        return amocrm.i18n("domain.amocrm.errors.method_exception") + " (" + error.exception_name + ")"
    if code == "invalid_response":
        return amocrm.i18n("domain.amocrm.errors.invalid_response")
    return error_message(error)
