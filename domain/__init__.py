"""Nuanxin's domain model: aggregates, value objects and rules. Pure Python, no I/O."""
