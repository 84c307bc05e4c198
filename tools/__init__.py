"""The tools the agent calls, as plain typed functions, and the commerce services they stand on.

Imports stay light here: heavy libraries (sentence-transformers, chromadb) load on first use.
"""
