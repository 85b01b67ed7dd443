"""presskit's benchmark (`python -m bench`, `make bench`): figures, not a test."""
