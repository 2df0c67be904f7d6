"""The edges: the amoCRM bridge, the backend client over amoCRM's proxy, and the browser (DOM
helper, timers, storage, styles, logging). Imports only ``core``.
"""
