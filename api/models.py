"""Provider API keys and idempotent request records."""
