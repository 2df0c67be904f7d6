"""Injects the widget's stylesheet once per page (amoCRM loads no style.css by itself).

The CSS comes from ``blank/widget.css`` through the build (``build_constants.STYLES``),
which checks that every selector is scoped under the ``asng-`` class prefix.
"""

from build_constants import STYLES

STYLE_ELEMENT_ID = "asng-styles"


def ensure_styles():
    """Add the ``<style>`` element unless the page already has it."""
    if document.getElementById(STYLE_ELEMENT_ID):
        return
    style = document.createElement("style")
    style.id = STYLE_ELEMENT_ID
    style.textContent = STYLES
    document.head.appendChild(style)
