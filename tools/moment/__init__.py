"""The here and now of a turn: the weather where the shopper is (the app's report, an optional
forecast over HTTP, or the usual weather of the month from the climate normals shipped in
normals.json), their local time and part of the day, and when a store is open by its hours."""
