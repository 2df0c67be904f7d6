"""Build constants. The build replaces this file in its staging copy with the chosen values;
these defaults serve CPython tests and editors."""

SETTINGS_FIELD = 'jsonSettings'
NOTIFICATION_DELAY = 300
MIN_LENGTH_INTERNAL_NUMBER = 3
WIDGET_VERSION = '1.0.0'
STYLES = ''
