"""Settings, persistence wiring, logging and crypto used by the outer layers."""
