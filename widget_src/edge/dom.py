"""A small view helper: builds DOM nodes from Python, with text always as text.

Server data (contact names, phones, ids, error details) must never reach ``innerHTML``;
this module has no way to set it: children are nodes or strings that become text nodes,
attributes are set with ``setAttribute``. Event listeners are registered through
:class:`Listeners` so a destroyed widget can remove every one of them.
"""

from edge.logger import guard

SVG_NS = "http://www.w3.org/2000/svg"


def _append_all(node, children):
    for child in children:
        if child == None:
            continue
        if isinstance(child, str):
            node.appendChild(document.createTextNode(child))
        else:
            node.appendChild(child)


def element(tag, attributes, children):
    """``<tag>`` with ``attributes`` (a dict of texts; ``None`` values are skipped) and ``children``."""
    node = document.createElement(tag)
    for name, value in attributes.items():
        if value != None:
            node.setAttribute(name, str(value))
    _append_all(node, children)
    return node


def icon(path_data, class_name):
    """An inline 24×24 SVG icon drawn from static path data (never from server data)."""
    svg = document.createElementNS(SVG_NS, "svg")
    svg.setAttribute("viewBox", "0 0 24 24")
    svg.setAttribute("class", class_name)
    svg.setAttribute("aria-hidden", "true")
    svg.setAttribute("focusable", "false")
    path = document.createElementNS(SVG_NS, "path")
    path.setAttribute("d", path_data)
    svg.appendChild(path)
    return svg


def set_text(node, text):
    """Replace the node's content with ``text`` (as text, never HTML)."""
    node.textContent = text if text != None else ""


def replace_children(node, children):
    """Replace every child of ``node``."""
    while node.firstChild:
        node.removeChild(node.firstChild)
    _append_all(node, children)


def set_class(node, class_name, enabled):
    """Add or remove one class."""
    if enabled:
        node.classList.add(class_name)
    else:
        node.classList.remove(class_name)


def remove(node):
    """Detach ``node`` from the page if attached."""
    if node != None and node.parentNode:
        node.parentNode.removeChild(node)


def _guarded_handler(event, handler):
    return lambda argument: guard(event + " handler", handler, argument)


class Listeners:
    """Event listeners that can all be removed at once."""

    def __init__(self):
        self.entries = []

    def on(self, target, event, handler):
        """``target.addEventListener(event, handler)``; returns a function that removes it.

        A handler that throws is reported (in --dev), never thrown into the host page.
        """
        listener = _guarded_handler(event, handler)
        entry = [target, event, listener]
        target.addEventListener(event, listener)
        self.entries.append(entry)

        def off():
            if entry in self.entries:
                self.entries.remove(entry)
                target.removeEventListener(event, listener)

        return off

    def remove_all(self):
        """Remove every listener registered here."""
        for entry in self.entries:
            entry[0].removeEventListener(entry[1], entry[2])
        self.entries = []

    def count(self):
        """How many listeners are registered."""
        return len(self.entries)
