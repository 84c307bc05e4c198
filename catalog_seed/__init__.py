"""A deterministic, realistic Italian fashion retailer: catalog, stores, stock and shoppers."""
