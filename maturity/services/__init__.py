"""Use cases that join the pure core to the database."""
