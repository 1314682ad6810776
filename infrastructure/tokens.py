"""Bearer tokens are shown once and stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return "nx_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash cannot be brute-forced; no salt needed.
    return hashlib.sha256(token.encode()).hexdigest()
