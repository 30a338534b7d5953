"""Child processes that must not outlive Codemill, and that may run unprivileged when we are root."""

from __future__ import annotations

import ctypes
import os
import pwd
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

_PR_SET_PDEATHSIG = 1
UNPRIVILEGED_USER = "codemill"


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL("libc.so.6", use_errno=True)


def ensure_unprivileged_user(name: str = UNPRIVILEGED_USER) -> pwd.struct_passwd:
    """The system user that runs servers refusing root (PostgreSQL); created when missing."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(name)


def child_preexec(run_as: pwd.struct_passwd | None, death_signal: int = signal.SIGTERM) -> Callable[[], None]:
    """A preexec_fn: new session, drop to run_as if given, then die with `death_signal` when we die."""

    def preexec() -> None:
        os.setsid()
        if run_as is not None:
            os.setgroups([])
            os.setgid(run_as.pw_gid)
            os.setuid(run_as.pw_uid)
        # After setuid: a credential change clears the parent-death signal.
        _libc().prctl(_PR_SET_PDEATHSIG, death_signal, 0, 0, 0)

    return preexec


def chown_tree(path: Path, user: pwd.struct_passwd) -> None:
    """Give `user` a directory tree (used for data directories of unprivileged children)."""
    for root, dirs, files in os.walk(path):
        os.chown(root, user.pw_uid, user.pw_gid)
        for name in dirs + files:
            os.lchown(os.path.join(root, name), user.pw_uid, user.pw_gid)


def make_traversable(path: Path) -> None:
    """Let other users traverse every parent of `path` (o+x), so an unprivileged child can reach it."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o011)


def die_with_parent(death_signal: int = signal.SIGTERM) -> None:
    """This process gets `death_signal` when its parent dies (a worker must not outlive its supervisor)."""
    parent = os.getppid()
    _libc().prctl(_PR_SET_PDEATHSIG, death_signal, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os.kill(os.getpid(), death_signal)
