"""The site: which pages and files a knowledge base produces, and their HTML, charts, data files and search index."""
