"""The enrichment round trip: the seed shop exported as a thin retailer feed, imported, and scored
against the seed's own attributes (`sarto eval-enrichment`)."""


class RoundTripError(Exception):
    """The round trip could not run (an import failed): a message for a person."""
