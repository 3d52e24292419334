"""The format: what a post-mortem file may say, as one pydantic model and its field types (no I/O)."""
