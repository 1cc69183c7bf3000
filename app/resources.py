"""What the app opens at start-up and closes at shutdown (the database and its users).

`Services` is the loaded, immutable data; `Resources` are the live connections beside it.
Both are made in the lifespan and handed to routers through app.deps.
"""

from dataclasses import dataclass

from app.db.database import Database


@dataclass(frozen=True, slots=True)
class Resources:
    database: Database
