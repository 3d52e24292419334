"""Analysis: the knowledge base of published incidents, what their actions mean, related incidents, figures and the checklist."""
