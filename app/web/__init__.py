"""The people-facing web: the widget script, the embed page (works without JavaScript) and
the demo page for partners. Server-rendered HTML comes only from autoescaped templates."""
