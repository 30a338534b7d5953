"""The sandbox's first process: it isolates itself, then becomes the user's Python program.

Run by path (`python launcher.py '<json>'`), standard library only, never imported by the API. Steps:
1. unshare user, mount, network and PID namespaces (the new network namespace has only `lo`, down:
   no route anywhere); map the caller's uid/gid to a non-zero id inside, so the program keeps no
   capability after exec and cannot undo the mounts;
2. make every mount private, cover the data directory (and other hidden paths) with an empty,
   read-only, mode-000 tmpfs, and the temporary directory with a fresh tmpfs holding only this run's
   working directory; PID 1 mounts its own /proc (only the sandbox's processes are seen);
3. fork PID 1 of the new PID namespace, which forks the program: no_new_privs, the resource limits,
   the working directory, a clean environment, then exec of Python on the script. Each parent waits
   and exits with its child's status (128 + signal).
When a namespace cannot be made, it prints one line starting with UNAVAILABLE_MARK and exits 125.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import sys

UNAVAILABLE_EXIT = 125
UNAVAILABLE_MARK = "codemill-sandbox-unavailable:"
INSIDE_ID = 1000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = (
    1,
    2,
    4,
    8,
    32,
    4096,
    16384,
    1 << 18,
)
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38


def _fail(reason: str) -> None:
    sys.stderr.write(f"{UNAVAILABLE_MARK} {reason}\n")
    sys.stderr.flush()
    os._exit(UNAVAILABLE_EXIT)


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _isolate(hidden: list[str], workdir: str, private_tmp: str, keep: list[str]) -> None:
    uid, gid = os.geteuid(), os.getegid()
    flags = os.CLONE_NEWUSER | os.CLONE_NEWNS | os.CLONE_NEWNET | os.CLONE_NEWPID
    try:
        os.unshare(flags)
    except OSError as exc:
        _fail(f"unshare(user, mount, net, pid namespaces) failed: {exc.strerror}")
    try:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{INSIDE_ID} {uid} 1")
        _write("/proc/self/gid_map", f"{INSIDE_ID} {gid} 1")
    except OSError as exc:
        _fail(f"cannot map the user namespace ids: {exc.strerror}")
    libc = ctypes.CDLL(None, use_errno=True)

    def mount(source: bytes | None, target: bytes, kind: bytes | None, flags: int, data: bytes | None) -> None:
        if libc.mount(source, target, kind, flags, data) != 0:
            error = ctypes.get_errno()
            _fail(f"mount {target.decode()} failed: {os.strerror(error)}")

    mount(None, b"/", None, MS_REC | MS_PRIVATE, None)
    for path in hidden:
        if os.path.isdir(path):
            flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC
            mount(b"tmpfs", path.encode(), b"tmpfs", flags, b"size=4k,mode=000")
    # A private temporary directory holding only this run's working directory (bound back at its own path):
    # other runs' directories and sockets are out of sight.
    # What the program needs that lives under the private directory (the interpreter's installation, when
    # Codemill itself runs from a checkout under /tmp) is bound back read-only.
    under = [p for p in keep if os.path.isdir(p) and os.path.commonpath([p, private_tmp]) == private_tmp]
    held = [(p, os.open(p, os.O_RDONLY | os.O_DIRECTORY)) for p in under]
    work = os.open(workdir, os.O_RDONLY | os.O_DIRECTORY)
    mount(b"tmpfs", private_tmp.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=1m,mode=755")
    os.makedirs(workdir, exist_ok=True)
    mount(f"/proc/self/fd/{work}".encode(), workdir.encode(), None, MS_BIND, None)
    os.close(work)
    for path, fd in held:
        os.makedirs(path, exist_ok=True)
        mount(f"/proc/self/fd/{fd}".encode(), path.encode(), None, MS_BIND | MS_REC, None)
        # Read-only where the kernel lets a user namespace remount it (a failure leaves it as bound).
        libc.mount(None, path.encode(), None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, None)
        os.close(fd)


def _own_proc() -> None:
    """PID 1's own /proc (only the sandbox's processes); an empty one where the kernel refuses that."""
    libc = ctypes.CDLL(None, use_errno=True)
    flags = MS_NOSUID | MS_NODEV | MS_NOEXEC
    if libc.mount(b"proc", b"/proc", b"proc", flags, None) != 0:
        libc.mount(b"tmpfs", b"/proc", b"tmpfs", flags | MS_RDONLY, b"size=4k,mode=555")


def _limit(limits: dict[str, int]) -> None:
    cpu = limits["cpu_seconds"]
    memory = limits["memory_mb"] * 1_048_576
    pairs = {
        resource.RLIMIT_CPU: (cpu, cpu + 1),
        resource.RLIMIT_AS: (memory, memory),
        resource.RLIMIT_FSIZE: (limits["file_mb"] * 1_048_576,) * 2,
        resource.RLIMIT_NPROC: (limits["max_processes"],) * 2,
        resource.RLIMIT_NOFILE: (limits["max_open_files"],) * 2,
        resource.RLIMIT_CORE: (0, 0),
    }
    for kind, (soft, hard) in pairs.items():
        resource.setrlimit(kind, (soft, hard))


def _relay(child: int) -> None:
    """Wait for the child and exit with its status (128 + signal when a signal ended it)."""
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
    code = os.waitstatus_to_exitcode(status)
    os._exit(128 - code if code < 0 else code)


def _program(config: dict[str, object]) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    workdir = str(config["workdir"])
    os.chdir(workdir)
    limits = config["limits"]
    assert isinstance(limits, dict)
    _limit(limits)
    extra = config.get("env") or {}
    assert isinstance(extra, dict)
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "PYTHONUNBUFFERED": "1",
        **{str(k): str(v) for k, v in extra.items()},
    }
    python = str(config["python"])
    os.execve(python, [python, "-B", str(config["script"])], env)  # noqa: S606  (the sandboxed program itself)


def main() -> None:
    """Isolate; PID 1 of the new namespace runs the program as its child and relays its exit status.

    The program is not PID 1 itself (PID 1 ignores signals it has no handler for, the CPU limit's
    included); when PID 1 ends, the kernel ends everything else in the namespace.
    """
    config = json.loads(sys.argv[1])
    keep = config.get("keep") or []
    assert isinstance(keep, list)
    _isolate(
        [str(p) for p in config["hidden"]], str(config["workdir"]), str(config["private_tmp"]), [str(p) for p in keep]
    )
    init = os.fork()
    if init != 0:
        _relay(init)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    _own_proc()
    program = os.fork()
    if program == 0:
        _program(config)
    _relay(program)


if __name__ == "__main__":
    main()
