"""Partners and embedding: API keys, CORS, framing of the embed page, rate limits."""
