"""The HTTP API and the `nuanxin` command line: the composition root of the system."""
