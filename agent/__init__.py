"""Sarto's application: settings, the stylist graph, planners, streaming, the HTTP server, the CLI."""
