"""Route modules, one per area of the API. They validate and translate HTTP; the work is done by
the assistant and the tools."""
