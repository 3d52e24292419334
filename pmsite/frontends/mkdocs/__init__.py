"""The MkDocs plugin (also run unchanged by ProperDocs): its options and its hooks."""
