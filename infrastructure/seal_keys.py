"""The auditors' Ed25519 seal key (through the `cryptography` package): made on an auditor's
machine, the private half never leaves it; the service and the verifier only ever see the public
half, as base64 of its 32 raw bytes (one line, easy to pass along and to compare)."""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PRIVATE_KEY_FILE = "seal-key.pem"
PUBLIC_KEY_FILE = "seal-key.pub"


class SealKeyError(ValueError):
    """A key file or a key text that is not an Ed25519 seal key."""


@dataclass(frozen=True)
class KeyPairFiles:
    private: Path
    public: Path
    public_key: str


def generate_key_pair(folder: Path) -> KeyPairFiles:
    """Writes a new private key (PEM, readable by its owner only) and its public key (base64
    of the raw key) into `folder`; refuses to overwrite either."""
    folder.mkdir(parents=True, exist_ok=True)
    private_path, public_path = folder / PRIVATE_KEY_FILE, folder / PUBLIC_KEY_FILE
    for path in (private_path, public_path):
        if path.exists():
            raise SealKeyError(f"{path} exists already; keys are never overwritten")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(descriptor, 0o600)  # whatever the umask
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    public = public_key_text(key.public_key())
    public_path.write_text(public + "\n", encoding="ascii")
    return KeyPairFiles(private_path, public_path, public)


def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as error:
        raise SealKeyError(f"cannot read {path}: {error.strerror or error}") from None
    except (ValueError, TypeError) as error:
        raise SealKeyError(f"{path} is not a private key: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SealKeyError(f"{path} is not an Ed25519 private key")
    return key


def read_public_key(path: Path) -> str:
    """The public key in a `.pub` file written by `generate_key_pair` (or a PEM public key),
    as base64 of its raw bytes."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise SealKeyError(f"cannot read {path}: {error}") from None
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode("ascii"))
        except ValueError as error:
            raise SealKeyError(f"{path} is not a public key: {error}") from None
        if not isinstance(key, Ed25519PublicKey):
            raise SealKeyError(f"{path} is not an Ed25519 public key")
        return public_key_text(key)
    return parse_public_key(text)


def parse_public_key(text: str) -> str:
    """A public key given as base64 of its 32 raw bytes, checked and normalised."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        key = Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        raise SealKeyError("a public key is base64 of 32 bytes of an Ed25519 key") from None
    return public_key_text(key)


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message)).decode("ascii")


def signature_verifies(public_key: str, message: bytes, signature: str) -> bool:
    """True only when `signature` (base64) is `public_key`'s over exactly `message`."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(base64.b64decode(signature, validate=True), message)
    except (binascii.Error, ValueError, TypeError, InvalidSignature):
        return False
    return True
