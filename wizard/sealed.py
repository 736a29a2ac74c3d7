"""Encrypting a value for GitHub Actions secrets: a libsodium sealed box with the repo's key.

GitHub only ever receives the ciphertext; only GitHub's private key (kept by Actions) opens it.
"""

from __future__ import annotations

import base64


def seal(public_key_b64: str, plaintext: str) -> str:
    """base64(sealed box of `plaintext` for the base64 Curve25519 `public_key_b64`)."""
    from nacl.public import PublicKey, SealedBox  # deferred: only step 5 needs libsodium

    key = PublicKey(base64.b64decode(public_key_b64))
    sealed: bytes = SealedBox(key).encrypt(plaintext.encode("utf-8"))
    return base64.b64encode(sealed).decode("ascii")
