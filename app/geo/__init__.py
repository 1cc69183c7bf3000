"""Where a person is: coordinates, places, countries and IP addresses, resolved offline."""

from app.native import compiled_first

# Compiled copies of the hot modules, when built and current (app/native.py).
__path__ = compiled_first(__path__, __name__)
