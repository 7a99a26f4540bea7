"""Real servers for the deployment tests: sshd, gunicorn, Apache, nginx, on loopback ports.

Each fixture starts what it needs once per test session (per xdist worker: the scenarios that
share an expensive server are one test, so one worker starts it) and stops exactly the
processes it started. A tool that is not installed fails with the command that installs it
(``scripts/system-deps.sh``); a database or Redis that is down skips with the reason.
"""

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SYSTEM_DEPS = "run `bash scripts/system-deps.sh` as root (CI and `make test` do)"


def free_port():
    """A TCP port nobody listens on right now, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process=None, timeout=20.0):
    """Wait until something accepts connections on 127.0.0.1:port (or ``process`` exits)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process exited ({process.returncode}) before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def require_tool(path):
    """Fail with the install hint when a system tool is missing."""
    if not Path(path).exists():
        pytest.fail(f"{path} is missing: {SYSTEM_DEPS}")


def stop_process(process, timeout=10):
    """Terminate a process this suite started (by its handle) and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


@pytest.fixture(scope="session")
def wheelhouse():
    """The wheelhouse of the pinned requirements (``fab wheelhouse``; kept between runs)."""
    import fabfile

    return fabfile.ensure_wheelhouse(os.environ.get("COLEMAN_WHEELHOUSE") or fabfile.DEFAULT_WHEELHOUSE)


@pytest.fixture(scope="session")
def sshd():
    """A real OpenSSH server on a loopback port, for a throw-away user with a throw-away key.

    The user's home and the deploy directory live in a temporary folder; the host key is in a
    known_hosts file of its own. Stopped, and the user deleted, at the end of the session.
    """
    if os.geteuid() != 0:
        pytest.skip("the sshd deploy test creates a throw-away user: it runs as root (CI and dev machines do)")
    require_tool("/usr/sbin/sshd")
    base = Path(tempfile.mkdtemp(prefix="coleman-sshd-"))
    base.chmod(0o755)
    user = f"cdeploy{os.getpid() % 100000}"
    home = base / "home"
    home.mkdir()
    subprocess.run(["useradd", "--home-dir", str(home), "--no-create-home", "--shell", "/bin/bash", user], check=True)
    try:
        # A password field of "*" (no password) instead of a locked "!": sshd without PAM lets
        # locked accounts in by no method at all.
        subprocess.run(["usermod", "-p", "*", user], check=True)
        shutil.chown(home, user, user)
        keygen = ["ssh-keygen", "-q", "-t", "ed25519", "-N", ""]
        subprocess.run([*keygen, "-f", str(base / "host_key")], check=True)
        subprocess.run([*keygen, "-f", str(base / "client_key")], check=True)
        (base / "authorized_keys").write_text((base / "client_key.pub").read_text())
        port = free_port()
        config = base / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    f"Port {port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {base / 'host_key'}",
                    f"PidFile {base / 'sshd.pid'}",
                    f"AuthorizedKeysFile {base / 'authorized_keys'}",
                    f"AllowUsers {user}",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",
                    "Subsystem sftp internal-sftp",
                    "LogLevel ERROR",
                    "",
                ]
            )
        )
        Path("/run/sshd").mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(config)], stderr=subprocess.DEVNULL)
        try:
            wait_for_port(port, process)
            host_key = (base / "host_key.pub").read_text().split()
            (base / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_key[0]} {host_key[1]}\n")
            yield SimpleNamespace(
                base=base,
                port=port,
                user=user,
                uid=pwd.getpwnam(user).pw_uid,
                home=home,
                key=base / "client_key",
                known_hosts=base / "known_hosts",
            )
        finally:
            stop_process(process)
    finally:
        subprocess.run(["userdel", user], check=False, capture_output=True)
        remove_in_background(base)


def remove_in_background(path):
    """Delete ``path`` without waiting: a deploy directory holds tens of thousands of files
    (every pinned package, unpacked), which takes half a minute on a busy machine."""
    subprocess.Popen(["rm", "-rf", str(path)], start_new_session=True)  # noqa: S603 - fixed command


def copy_project(destination):
    """A git repository holding this working tree as one commit, pushed to a bare ``origin``.

    The deploy tests deploy what is being tested (including uncommitted edits), from a clean,
    pushed tree, as an operator would.
    """
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True
    ).stdout.splitlines()
    if not listed:
        listed = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".git" not in p.parts]
    repo = destination / "repo"
    for name in listed:
        source = ROOT / name
        if source.is_file() and not name.startswith(("tests/", "bench/")):
            target = repo / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git = ["git", "-c", "user.name=Coleman tests", "-c", "user.email=tests@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "release 1"], cwd=repo, check=True)
    subprocess.run(["git", "init", "-q", "--bare", str(destination / "origin.git")], check=True)
    subprocess.run(["git", "remote", "add", "origin", str(destination / "origin.git")], cwd=repo, check=True)
    subprocess.run(["git", "push", "-q", "-u", "origin", "main"], cwd=repo, check=True, capture_output=True)
    return repo


def commit_and_push(repo, message):
    """Commit everything in ``repo`` and push it (a new release to deploy)."""
    git = ["git", "-c", "user.name=Coleman tests", "-c", "user.email=tests@example.com"]
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", message], cwd=repo, check=True)
    subprocess.run(["git", "push", "-q"], cwd=repo, check=True, capture_output=True)


def fab(repo, *args, env=None, timeout=600):
    """Run ``fab`` in ``repo`` (its fabfile) with the given environment; returns the result."""
    return subprocess.run(
        [str(VENV_BIN / "fab"), *args],
        cwd=repo,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def postgres_url():
    """The PostgreSQL URL the suite runs on, or None on SQLite runs."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


class ScratchDatabase:
    """A database of its own for servers a test starts: a PostgreSQL database next to the
    suite's (on PostgreSQL runs, or always with ``postgres_only``) or an SQLite file."""

    def __init__(self, name, sqlite_path, postgres_only=False):
        self.name = name
        self.admin_url = postgres_url()
        if postgres_only and not self.admin_url:
            # Servers that must share one database (several app servers) use PostgreSQL on
            # SQLite runs too: the one on this machine, or COLEMAN_TEST_POSTGRES_URL.
            self.admin_url = os.environ.get("COLEMAN_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        self.sqlite_path = Path(sqlite_path)

    @property
    def url(self):
        """The DATABASE_URL the servers use."""
        if self.admin_url:
            parts = urlsplit(self.admin_url)
            return parts._replace(path=f"/{self.name}").geturl()
        return f"sqlite:///{self.sqlite_path}"

    def _admin(self, sql):
        parts = urlsplit(self.admin_url)
        admin = parts._replace(path="/postgres").geturl()
        try:
            with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
                connection.execute(sql)
        except psycopg.OperationalError as exc:
            pytest.skip(f"PostgreSQL is not reachable at {parts.hostname}:{parts.port}: {exc}")

    def create(self):
        """Make the database empty and ready."""
        if self.admin_url:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.name}"')
        else:
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            self.sqlite_path.unlink(missing_ok=True)
        return self

    def drop(self):
        """Remove the database."""
        if self.admin_url:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            self.sqlite_path.unlink(missing_ok=True)
