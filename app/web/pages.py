"""The web pages' resources, made once in the app's lifespan: templates and UI strings."""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.web.messages import Messages, fill

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@dataclass(frozen=True, slots=True)
class Pages:
    templates: Jinja2Templates
    messages: Messages

    @classmethod
    def load(cls) -> "Pages":
        # HTML pages: autoescape on for everything, and a missing variable is an error
        # rather than an empty string a person would have to make sense of.
        env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["fill"] = fill
        return cls(templates=Jinja2Templates(env=env), messages=Messages.load())

    def render(
        self,
        request: Request,
        template: str,
        language: str,
        context: dict[str, Any],
        status: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        """The page in `language`: its strings as `t`, its code as `lang`."""
        strings = self.messages.strings(language)
        return self.templates.TemplateResponse(
            request,
            template,
            {**context, "t": strings, "lang": language},
            status_code=status,
            headers=dict(headers) if headers else None,
        )
