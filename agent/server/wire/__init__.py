"""Wire formats of the one run event stream: AG-UI events and the Vercel AI SDK UI message stream.
Pure translation, no I/O: the SSE bodies that send them live in agent/server/runs/streams.py."""
