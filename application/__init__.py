"""The Nuanxin application: one event log, commands and queries per bounded context."""
