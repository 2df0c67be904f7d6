"""Helpers the test layers import (plain modules, no fixtures): demo backend client, panel
locators, waits, the widget's texts. Fixtures stay in the conftest modules."""
