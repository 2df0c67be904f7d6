"""The views and controllers: the call panel and the settings page. Imports ``core`` and ``edge``."""
