"""Reading: untrusted files and folders into validated documents, every problem located (file, line, field)."""
