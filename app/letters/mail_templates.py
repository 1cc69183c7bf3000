"""The Jinja environments for what the platform writes itself: e-mails and the confirm page.

Two environments, chosen on purpose: plain text is never escaped (it is not HTML), HTML is
always escaped (names and letter text are the person's input). Templates compile once.
"""

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined


class MailTemplates:
    def __init__(self) -> None:
        loader = PackageLoader("app.letters", "templates")
        self._text = Environment(
            loader=loader, autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True
        )
        self._html = Environment(loader=loader, autoescape=True, undefined=StrictUndefined)

    def text(self, name: str, **context: Any) -> str:
        return self._text.get_template(f"{name}.txt").render(context)

    def html(self, name: str, **context: Any) -> str:
        return self._html.get_template(f"{name}.html").render(context)
