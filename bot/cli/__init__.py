"""The `cspbot` command line: the click group (`main`), one module of commands per concern,
the local console and its text rendering, and the writer of briefing files.

May import everything in bot/ and the layers below; nothing else in bot/ imports it.
"""
