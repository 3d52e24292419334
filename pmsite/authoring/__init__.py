"""Authoring: files for authors (new drafts, drafts from the incident record, the JSON Schema, demo corpora)."""
