"""The application: the composition root, the lifecycle and sessions, the status poll, the monitor
service and Click2Call. The only layer that imports ``ui``.
"""
