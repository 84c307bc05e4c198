"""Runs over HTTP: a turn runs in a background task that writes its events to a per-run buffer;
every SSE response reads the buffer, so a dropped client resumes and an explicit cancel stops it."""
