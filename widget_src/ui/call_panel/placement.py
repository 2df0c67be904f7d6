"""Where the call panel sits: its remembered position and collapsed state, dragging by the
header, and keeping the whole panel inside the window as it or the window changes size. The
state is shared: a panel moved or collapsed in one tab moves or collapses in the others.

The default spot follows the window's bottom-right corner; only a position the user dragged
to is remembered. Every listener comes from the panel's :class:`Listeners`, so unmounting the
panel removes them; :meth:`PanelPlacement.stop` disconnects the ResizeObserver.
"""

from core.jscompat import get
from core.panel_logic import clamp_position, default_position, read_position
from edge.storage import load, save
from edge.tabs import watch_key

STORAGE_KEY = "asteriskng.panel"


class PanelPlacement:
    """Places ``view`` (a :class:`PanelView`) and keeps its position and collapsed state."""

    def __init__(self, view, listeners):
        self.view = view
        self.listeners = listeners
        self.position = None
        self.user_placed = False
        self.collapsed = False
        self.drag = None
        self.drag_listeners = []
        self.resize_observer = None
        self.on_collapse = None

    def start(self, on_collapse):
        """Restore the stored state, place the panel and follow drags and size changes.

        ``on_collapse()`` runs when the user collapses the panel (the panel closes its list).
        """
        self.on_collapse = on_collapse
        self._restore(load(STORAGE_KEY))
        watch_key(self.listeners, STORAGE_KEY, self._restore)  # the tabs share one panel state
        on = self.listeners.on
        on(self.view.toggle, "click", self._toggle_collapsed)
        on(self.view.header, "mousedown", self._start_drag)
        on(window, "resize", self._keep_inside)
        if window.ResizeObserver:
            # The panel grows with the call block and the option list: keep all of it on screen.
            self.resize_observer = __new__(ResizeObserver(self._keep_inside))
            self.resize_observer.observe(self.view.root)

    def _restore(self, stored):
        """Take the stored state (this tab's at start, another tab's when it changes it)."""
        self.collapsed = get(stored, "collapsed", False) == True
        self.view.set_collapsed(self.collapsed)
        position = read_position(stored)
        self.user_placed = position != None
        self._place(position)

    def stop(self):
        """Disconnect the ResizeObserver (the panel's :class:`Listeners` remove the rest)."""
        if self.resize_observer != None:
            self.resize_observer.disconnect()
            self.resize_observer = None

    def _place(self, position):
        """Put the panel at ``position`` kept inside the window; None: the default bottom-right."""
        size = self.view.size()
        width = window.innerWidth
        height = window.innerHeight
        if position == None or not self.user_placed:
            position = default_position(size[0], size[1], width, height)
        else:
            position = clamp_position(position[0], position[1], size[0], size[1], width, height)
        self.position = position
        self.view.set_position(position[0], position[1])

    def _keep_inside(self, event):
        self._place(self.position)

    def _save(self):
        state = {"collapsed": self.collapsed}
        if self.user_placed:  # the default spot follows the window's corner: not a position to keep
            state["left"] = int(self.position[0])
            state["top"] = int(self.position[1])
        save(STORAGE_KEY, state)

    def _toggle_collapsed(self, event):
        self.collapsed = not self.collapsed
        if self.collapsed:
            self.on_collapse()
        self.view.set_collapsed(self.collapsed)
        self._place(self.position)
        self._save()

    def _start_drag(self, event):
        if event.button != 0 or self.view.toggle.contains(event.target):
            return
        event.preventDefault()
        self._end_drag(None)  # a drag whose mouseup never came
        self.drag = [event.clientX - self.position[0], event.clientY - self.position[1]]
        self.drag_listeners = [self.listeners.on(document, "mousemove", self._on_drag),
                               self.listeners.on(document, "mouseup", self._end_drag)]

    def _on_drag(self, event):
        self.user_placed = True
        self._place([event.clientX - self.drag[0], event.clientY - self.drag[1]])

    def _end_drag(self, event):
        if len(self.drag_listeners) == 0:
            return
        for off in self.drag_listeners:
            off()
        self.drag_listeners = []
        self._save()
