"""Where the master keys come from: settings (production), or files in the data directory (embedded).

Production: CODEMILL_MASTER_KEY, plus CODEMILL_PREVIOUS_MASTER_KEYS (a JSON list) while a rotation
is under way. Embedded: `<data_dir>/master_key`, generated once with 0600 permissions, and
`<data_dir>/master_key.previous` (one old key per line) after `codemill admin rotate-keys --new-master-key`.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from codemill.kit.crypto import Keyring, LocalKeyProvider, SecretCipher
from codemill.settings import Settings

log = logging.getLogger(__name__)

MASTER_KEY_FILE = "master_key"
PREVIOUS_KEYS_FILE = "master_key.previous"


def _write_private(path: Path, text: str, *, exclusive: bool) -> None:
    """Write a file readable by its owner only (created 0600, never world-readable for a moment)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    path.chmod(0o600)


def _new_secret() -> str:
    return secrets.token_urlsafe(48)


def _read_file_keyring(data_dir: Path) -> Keyring:
    current_path = data_dir / MASTER_KEY_FILE
    if not current_path.exists():
        try:
            _write_private(current_path, _new_secret(), exclusive=True)
            log.info("generated the master key", extra={"path": str(current_path)})
        except FileExistsError:
            pass  # another process made it first
    current = current_path.read_text().strip()
    previous_path = data_dir / PREVIOUS_KEYS_FILE
    previous = previous_path.read_text().split() if previous_path.exists() else []
    return Keyring.from_secrets(current, previous)


def keyring_loader(settings: Settings) -> Callable[[], Keyring] | None:
    """How to read the keyring, or None when no master key is configured (external database, none set)."""
    if settings.master_key is not None:
        keyring = Keyring.from_secrets(
            settings.master_key.get_secret_value(), [k.get_secret_value() for k in settings.previous_master_keys]
        )
        return lambda: keyring
    if settings.embedded_database:
        data_dir = settings.data_dir
        return lambda: _read_file_keyring(data_dir)
    return None


def build_cipher(settings: Settings) -> SecretCipher | None:
    """The cipher for integration secrets (None, with a warning, when no master key is configured)."""
    loader = keyring_loader(settings)
    if loader is None:
        log.warning("CODEMILL_MASTER_KEY is not set: integrations with secrets are unavailable")
        return None
    return SecretCipher(LocalKeyProvider(loader))


def generate_new_master_key(settings: Settings) -> str:
    """Embedded only: keep the current file key as a previous key and write a new current one."""
    if settings.master_key is not None or not settings.embedded_database:
        raise ValueError(
            "the master key comes from CODEMILL_MASTER_KEY: set it to the new key, list the old one in "
            "CODEMILL_PREVIOUS_MASTER_KEYS on every replica, then run `codemill admin rotate-keys`"
        )
    data_dir = settings.data_dir
    old = _read_file_keyring(data_dir)  # makes sure a current key exists
    current_path = data_dir / MASTER_KEY_FILE
    previous_path = data_dir / PREVIOUS_KEYS_FILE
    previous = previous_path.read_text().split() if previous_path.exists() else []
    previous.append(current_path.read_text().strip())
    _write_private(previous_path, "\n".join(previous) + "\n", exclusive=False)
    _write_private(current_path, _new_secret(), exclusive=False)
    new = _read_file_keyring(data_dir)
    log.info("new master key generated", extra={"old_key_id": old.current, "new_key_id": new.current})
    return new.current
