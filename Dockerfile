# The API (and, with another command, the delivery worker): see deploy/compose.yaml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --system --uid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin letters \
    && install -d -o letters -g letters /var/lib/letters

COPY pyproject.toml README.md ./
COPY app ./app
# Editable: the code reads data/ and templates/ beside the package and finds its migrations
# in app/db/migrations, so the package stays where it is (owned by root, read-only to the app).
RUN pip install -e .
# The hot modules of a lookup and a compose compiled by mypyc (app/native.py); the compiler
# and mypy leave the image again, the compiled modules need neither.
COPY scripts/build_native.py ./scripts/
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && pip install mypy && python -m scripts.build_native \
    && pip uninstall -y mypy && apt-get purge -y gcc libc6-dev && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/* \
    && python -c "from app import native; assert native.active(), 'not compiled'"

COPY data ./data
COPY templates ./templates
# The gazetteer's derived indexes, so that no start builds them (app/geo/prebuilt.py).
RUN python -c "from app.geo.resolve import Geo; Geo.load()" \
    && test -f data/gazetteer/derived.bin

# A single container works as it is (SQLite, the console provider); deploy/compose.yaml
# sets PostgreSQL, Redis and a real provider. The only writable place is /var/lib/letters.
ENV LETTERS_DATABASE_URL=sqlite+aiosqlite:////var/lib/letters/letters.db \
    LETTERS_CONSOLE_OUTBOX=/var/lib/letters/outbox

USER letters
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]

# The README's start command, bound to every interface of the container.
CMD ["python", "-m", "app", "serve", "--host", "0.0.0.0", "--port", "8000"]
