"""Local amoCRM sandbox and demo AsteriskNG backend."""
