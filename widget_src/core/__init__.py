"""The functional core: plain Python that runs unchanged under CPython and Transcrypt.

No module here names a browser or amoCRM object, and none imports anything outside ``core``:
the protocol, the agent status, backoff, the monitor window, the settings model, the error
table and the decisions of the panel, the phonebook search and the settings form.
"""
