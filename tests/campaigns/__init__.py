"""Tests of app.campaigns (a package, so the shared factory imports relatively)."""
