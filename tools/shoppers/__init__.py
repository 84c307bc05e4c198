"""The shopper, first-party and consent-aware: profiles and history, browsing events, in-store
receipts, guest merge, conversation ownership, GDPR export and erasure."""
