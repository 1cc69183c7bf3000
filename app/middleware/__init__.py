"""Pure ASGI middleware: request ids, access logs and metrics; body size limits."""
