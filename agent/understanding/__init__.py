"""Reading the shopper: goal, constraints (budget, sizes, colours, place), intent, language and
browsing, from messages and events. Pure functions over text and taxonomy — no database, no
network — so they are fast to test and safe to call anywhere."""
