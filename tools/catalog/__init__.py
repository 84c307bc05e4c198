"""The catalog: search with hard filters over an in-memory copy of the vector index (Chroma is the
store of record), the embedding model, the index texts. Catalog import and enrichment of a
retailer's own feeds will live here too."""
