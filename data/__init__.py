"""The store: SQLite through sqlite-utils, its schema and migrations, and the loaders that feed it.

This layer knows nothing of briefings, handlers, chat platforms or the command line.
"""
