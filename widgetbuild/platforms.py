"""The platforms the widget is built for: amoCRM and its international twin Kommo.

Both run the same widget platform (``interface_version`` 2, ``init_once``, the same callbacks);
they differ in the widget locales they accept and in their name in the widget's texts.
amoCRM's documentation lists ru and en for widgets; Kommo's lists en, es, pt, tr and id, of
which the widget speaks en, es and pt (docs/amocrm-platform.md, docs/amocrm-api.md §7).
"""

from __future__ import annotations

from dataclasses import dataclass

from widgetbuild.errors import BuildError


@dataclass(frozen=True)
class Platform:
    """One platform: its code, its name in texts, the locales it ships and its archive's name."""

    code: str
    title: str
    locales: tuple[str, ...]
    archive_name: str


PLATFORMS = {
    "amocrm": Platform("amocrm", "amoCRM", ("ru", "en"), "widget.zip"),
    "kommo": Platform("kommo", "Kommo", ("en", "es", "pt"), "widget-kommo.zip"),
}
DEFAULT_PLATFORM = "amocrm"


def check_locales(platform: Platform, requested: str | None) -> tuple[str, ...]:
    """The locales to ship: ``requested`` (a comma-separated subset of the platform's), or all of them."""
    if requested is None:
        return platform.locales
    chosen = tuple(dict.fromkeys(part.strip() for part in requested.split(",") if part.strip()))
    accepted = ", ".join(platform.locales)
    if not chosen:
        raise BuildError("--locales", f"name at least one of {platform.title}'s locales: {accepted}")
    foreign = [locale for locale in chosen if locale not in platform.locales]
    if foreign:
        raise BuildError("--locales",
                         f"{', '.join(foreign)}: {platform.title} widgets accept only {accepted}")
    # The platform's order, so the manifest and the archive do not depend on how the option was typed.
    return tuple(locale for locale in platform.locales if locale in chosen)
