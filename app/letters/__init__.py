"""Letters: composing the appeal and the one-tap links that send it."""

from app.native import compiled_first

# Compiled copies of the hot modules, when built and current (app/native.py).
__path__ = compiled_first(__path__, __name__)
