"""Front ends: the command line, and later the chat platforms and the scheduler."""
