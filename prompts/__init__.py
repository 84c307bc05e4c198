"""Text the assistant says: prompt and response templates (IT/EN) and a tiny loader."""
