"""Projections of the event log into materialised views, with their tracking positions."""
