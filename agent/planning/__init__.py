"""Choosing the turn's tool calls: the deterministic planner (the default, keyless) and the optional
LLM planner (any OpenAI-compatible endpoint, built only by model_factory.py). Both read the one
tool table in tools/table.py."""
