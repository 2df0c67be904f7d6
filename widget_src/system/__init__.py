"""Plugin lifecycle and the bootstrap that keeps every amoCRM callback safe."""
