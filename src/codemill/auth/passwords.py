"""Argon2id password hashes, and the policy a new password must meet."""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from codemill.settings import LoginSettings

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """A new argon2id hash of `password`."""
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    # Verified against when there is no account (or no password): the same argon2 work as a real check,
    # so the answer's timing does not tell which emails exist.
    return _hasher.hash("codemill: no such account")


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing or malformed hash never matches (after the same work)."""
    try:
        matched = _hasher.verify(password_hash or _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    """True when the hash uses outdated parameters."""
    return _hasher.check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of leaked password sets (the zxcvbn package's list), lower-case.

    Loaded on first use only (~10 MB): a process that never sets a password does not carry it.
    """
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


@dataclass(frozen=True)
class PasswordPolicy:
    """What a new password must meet (from settings.passwords)."""

    min_length: int = 12
    refuse_common: bool = True

    def problem(self, password: str) -> str | None:
        """Why the password is refused, or None when it is acceptable."""
        if len(password) < self.min_length:
            return f"Password must be at least {self.min_length} characters"
        if len(set(password)) < 4 or _repeats(password):
            return "Password is a repeated pattern; choose a passphrase of several words"
        if self.refuse_common and _is_common(password):
            return "Password is too common (it appears in lists of leaked passwords)"
        return None


def _repeats(password: str) -> bool:
    """'abcabcabcabc', '121212121212': a short block repeated."""
    size = len(password)
    return any(size % block == 0 and password == password[:block] * (size // block) for block in range(1, 5))


def _is_common(password: str) -> bool:
    """A listed password, also once the digits and symbols added to meet a length rule are taken off."""
    common = common_passwords()
    lowered = password.lower()
    core = lowered.strip(string.digits + string.punctuation + " ")
    return lowered in common or (len(core) >= 4 and core in common)


def password_policy(settings: LoginSettings) -> PasswordPolicy:
    """The policy configured in settings.login."""
    return PasswordPolicy(settings.min_password_length, settings.refuse_common_passwords)
