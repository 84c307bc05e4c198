"""One file per revision, named after the revision id."""
