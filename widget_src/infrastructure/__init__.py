"""The edge: amoCRM bridge, settings, notifier, monitor, timers, logging, i18n."""
