"""The widget's domain: the server protocol, the agent status, Click2Call, the screens."""
