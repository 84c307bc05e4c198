"""Sarto's application: the stylist graph and what runs it (assistant, planners, answers), the HTTP
server and the CLI. Start at docs/architecture.md; the tools it calls live in `tools/`."""
