"""The edge: amoCRM bridge, settings, monitor service, timers, storage, styles, DOM helper, logging."""
