"""Registers (台账): CSV / XLSX files with Chinese headings, imported through the same request
models and commands as the HTTP API (DESIGN.md section 12)."""
