"""Errors of the infrastructure that the command line and the service report in one line."""

from __future__ import annotations


class ConfigurationError(Exception):
    """The configuration cannot work; the message says what to set."""
