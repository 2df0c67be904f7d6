"""The post-call card's entry point: script.js loads postcall.js on demand and calls :func:`start`."""


def start(host):
    """Start the card with ``host`` (plain JavaScript values from script.js); returns its interface."""
    return {"stop": lambda: None}
