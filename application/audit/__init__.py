"""The auditor's tools over the stored fund ledger: verify, seal, export, verify offline, replay.

Everything here reads the application's event log itself, never a projection: a check that
trusted a view would only check the view. One checker (`checker.LedgerChecker`) runs over plain
event records (`records`), whether they come from the store (`store`, decrypted by the
application's mapper) or from an exported bundle (`bundle`, JSON, no key needed), so the online
and the offline verifier are the same code. Callers import from the module that does the job:
`verify`, `seals`, `bundle`, `replay`.
"""
