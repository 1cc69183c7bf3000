"""The HTTP e-mail providers: one module each, with its `send` adapter and webhook parser."""
