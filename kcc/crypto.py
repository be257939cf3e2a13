"""Encryption and keyed hashes for personal data (BSNs) and API tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TOKEN_PREFIX = "kcc_"  # noqa: S105  (a prefix, not a secret)


@lru_cache(maxsize=32)
def _derive(secret: str, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        secret.encode()
    )


class DataCipher:
    """AES-256-GCM for personal data plus an HMAC lookup key, both derived from KCC_DATA_KEY."""

    def __init__(self, data_key: str) -> None:
        self._aead = AESGCM(_derive(data_key, "kcc/personal-data/encryption"))
        self._lookup_key = _derive(data_key, "kcc/personal-data/lookup")

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, token: str, context: str) -> str:
        raw = base64.urlsafe_b64decode(token.encode())
        return self._aead.decrypt(raw[:12], raw[12:], context.encode()).decode()

    def lookup_hash(self, value: str, context: str) -> str:
        """A stable keyed hash to find a record by a secret value without storing the value."""
        return hmac.new(self._lookup_key, f"{context}:{value}".encode(), hashlib.sha256).hexdigest()


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_api_token(secret_key: str, token: str) -> str:
    """HMAC-SHA256 of a random token: fast and safe, since the token has 256 bits of entropy."""
    return hmac.new(
        _derive(secret_key, "kcc/api-token"), token.encode(), hashlib.sha256
    ).hexdigest()
