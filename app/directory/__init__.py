"""The directory of Russia's missions and the policy that picks a recipient."""

from app.native import compiled_first

# Compiled copies of the hot modules, when built and current (app/native.py).
__path__ = compiled_first(__path__, __name__)
