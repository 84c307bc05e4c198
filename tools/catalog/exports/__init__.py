"""The catalog going out: the Google Merchant product feed, the local inventory feed (stock per
store net of held reservations) and what a store's public page shows (its shelf and schema.org
JSON-LD). Read-only over the records, streamed in keyset pages so a large shop fits in memory."""
