"""The HTTP API, the top layer: `create_app(settings)` in app.py wires thin route modules
(routes/), the run buffers every stream reads from (runs/) and the wire formats (wire/)."""
