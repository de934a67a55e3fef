"""Commands in, neutral replies out: the platform-neutral command layer."""
