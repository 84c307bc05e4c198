"""The HTTP API: `create_app(settings)` in app.py; thin route modules, streams from run buffers."""
