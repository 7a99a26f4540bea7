"""Deployment tasks for Fabric 3 (``fab --list``); the book's ch. 10 ``run_tests``,
``prepare_deployment`` and ``deploy``, for today.

    fab test                      # the test suite, as the README runs it (the book's run_tests)
    fab deploy [--yes]            # build, upload, install, migrate, switch `current`, restart, check
    fab rollback                  # back to the release before the current one
    fab status                    # releases on each host, which is current, the site's health
    fab releases --keep 5         # delete all but the newest releases (never the current one)
    fab wheelhouse                # build the local wheelhouse of the pinned requirements
    fab configs --output DIR      # render deploy/ templates (Apache, nginx, systemd, cron)

Where and how to deploy comes from ``deploy.toml`` (or the file named by
``COLEMAN_DEPLOY_CONFIG``), each key overridable by ``COLEMAN_DEPLOY_<KEY>`` in the
environment; ``deploy/deploy.example.toml`` documents them. Secrets never pass through here:
they live on each server in the environment file the config names.

On a server (``path`` in the config)::

    releases/<time>-<commit>/   the project files, venv/ (the django-coleman wheel), staticfiles/
    envs/<hash>/                the pinned requirements, one venv per requirements.txt, shared by
                                the releases that pin the same (their venv links it by a .pth)
    wheelhouse/                 wheels of the pinned requirements (pip installs offline from here)
    current -> releases/…       the live release, switched atomically (rename of a symlink)

A deploy prepares every host completely (upload, install, migrate, collectstatic, search
index, a health check of the new code) before any ``current`` switches; a failing step stops
there and the live release keeps serving.
"""

import datetime
import fcntl
import functools
import hashlib
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

import paramiko
from fabric import Connection, task

ROOT = Path(__file__).resolve().parent
DEFAULT_CONFIG = ROOT / "deploy.toml"
DEFAULT_WHEELHOUSE = Path("~/.cache/coleman-wheelhouse").expanduser()
# The project files a release carries (the apps come as the django-coleman wheel).
PROJECT_PATHS = ("manage.py", "ecommerce_book", "templates", "static", "deploy", "requirements.txt")
REQUIREMENT_FILES = ("requirements.txt", "requirements-build.txt")
READY_MARKER = ".ready"
SAFE_PATH = re.compile(r"[A-Za-z0-9._/-]+")
# COLEMAN_DEPLOY_VERBOSE=1 prints each remote step with its duration.
VERBOSE = os.environ.get("COLEMAN_DEPLOY_VERBOSE", "") not in ("", "0")


class DeployError(Exception):
    """A deploy stopped; the message says why and what to do, in one line where it can."""


def one_line_errors(func):
    """Report a :class:`DeployError` as ``fab <task>: <message>`` on stderr and exit 1."""

    @functools.wraps(func)
    def wrapper(c, *args, **kwargs):
        try:
            return func(c, *args, **kwargs)
        except DeployError as exc:
            sys.exit(f"fab {func.__name__}: {exc}")

    return wrapper


# --- configuration ------------------------------------------------------------------------


@dataclass
class DeployConfig:
    """Where and how to deploy (``deploy/deploy.example.toml`` explains each key)."""

    hosts: list = field(default_factory=list)
    user: str = ""
    key: str = ""
    port: int = 22
    known_hosts: str = "~/.ssh/known_hosts"
    path: str = "/srv/coleman"
    python: str = "python3"
    env_file: str = ""
    settings: str = "ecommerce_book.settings.production"
    restart: str = "sudo systemctl restart coleman-gunicorn.service"
    health_url: str = "http://127.0.0.1:8000/healthz"
    health_host: str = "localhost"
    health_timeout: int = 30
    keep: int = 5
    wheelhouse: str = str(DEFAULT_WHEELHOUSE)

    @classmethod
    def load(cls, config_file=None):
        """Read the config file (if any) and the ``COLEMAN_DEPLOY_*`` environment, and check them."""
        named = config_file or os.environ.get("COLEMAN_DEPLOY_CONFIG")
        path = Path(named).expanduser() if named else DEFAULT_CONFIG
        values = {}
        if path.exists():
            try:
                values = tomllib.loads(path.read_text())
            except tomllib.TOMLDecodeError as exc:
                raise DeployError(f"{path} is not valid TOML: {exc}") from None
        elif named:
            raise DeployError(f"config file {path} not found (see deploy/deploy.example.toml)")
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise DeployError(f"{path}: unknown setting(s) {', '.join(unknown)} (see deploy/deploy.example.toml)")
        for name in known:
            from_env = os.environ.get(f"COLEMAN_DEPLOY_{name.upper()}")
            if from_env is not None:
                values[name] = [h.strip() for h in from_env.split(",") if h.strip()] if name == "hosts" else from_env
        try:
            config = cls(**values)
            config.port = int(config.port)
            config.keep = int(config.keep)
            config.health_timeout = int(config.health_timeout)
        except (TypeError, ValueError) as exc:
            raise DeployError(f"bad deploy setting: {exc}") from None
        config.check(path)
        return config

    def check(self, source):
        """Refuse incomplete settings before anything connects anywhere."""
        if isinstance(self.hosts, str):
            self.hosts = [self.hosts]
        if not self.hosts:
            raise DeployError(f"no hosts to deploy to: set hosts in {source} or COLEMAN_DEPLOY_HOSTS")
        if not self.user:
            raise DeployError(f"no SSH user: set user in {source} or COLEMAN_DEPLOY_USER")
        if not self.key:
            raise DeployError(f"no SSH key: set key in {source} or COLEMAN_DEPLOY_KEY")
        if not self.key_path.is_file():
            raise DeployError(f"SSH key {self.key_path} not found (set key in {source} or COLEMAN_DEPLOY_KEY)")
        for name in ("path", "env_file"):
            value = getattr(self, name)
            if not value or not value.startswith("/"):
                raise DeployError(f"{name} must be an absolute path on the servers, not {value!r}")
            if not SAFE_PATH.fullmatch(value):
                raise DeployError(
                    f"{name} {value!r}: use letters, digits and . _ - / only (it goes into shell commands)"
                )
        if self.keep < 1:
            raise DeployError("keep must be at least 1")

    @property
    def key_path(self):
        """The private key file, with ``~`` expanded."""
        return Path(self.key).expanduser()

    @property
    def known_hosts_path(self):
        """The known-hosts file the servers' host keys are checked against."""
        return Path(self.known_hosts).expanduser()

    def remote(self, *parts):
        """A path under the deploy directory on the servers."""
        return "/".join([self.path.rstrip("/"), *parts])


# --- connections -------------------------------------------------------------------------


def split_host(host, default_port):
    """``"name"``, ``"name:port"`` or ``"[v6]:port"`` → (name, port)."""
    if host.startswith("[") and "]:" in host:
        name, port = host[1:].split("]:", 1)
        return name, int(port)
    if host.count(":") == 1:
        name, port = host.split(":")
        return name, int(port)
    return host, default_port


def connect(config, host):
    """An open SSH connection to ``host`` that trusts only keys already in ``known_hosts``.

    Fabric accepts unknown host keys by default; a deploy must not: an unknown host fails with
    one line saying how to add its key, before anything runs on it.
    """
    name, port = split_host(host, config.port)
    connection = Connection(
        name,
        user=config.user,
        port=port,
        connect_timeout=10,
        connect_kwargs={"key_filename": [str(config.key_path)], "look_for_keys": False, "allow_agent": False},
    )
    connection.client.set_missing_host_key_policy(paramiko.RejectPolicy())
    if config.known_hosts_path.is_file():
        connection.client.load_host_keys(str(config.known_hosts_path))
    try:
        connection.open()
    except paramiko.BadHostKeyException:
        raise DeployError(
            f"{host}: its host key does not match the one in {config.known_hosts_path}; "
            "if the server was reinstalled, check and replace the key"
        ) from None
    except paramiko.AuthenticationException:
        raise DeployError(f"{host}: the server refused key {config.key_path} for user {config.user}") from None
    except paramiko.SSHException as exc:
        if "not found in known_hosts" in str(exc):
            raise DeployError(
                f"{host}: unknown host (its key is not in {config.known_hosts_path}); "
                f"check it and add it with: ssh-keyscan -p {port} {name} >> {config.known_hosts_path}"
            ) from None
        raise DeployError(f"{host}: SSH failed: {exc}") from None
    except socket.gaierror:
        raise DeployError(f"{host}: unknown host (the name does not resolve)") from None
    except (OSError, paramiko.ssh_exception.NoValidConnectionsError) as exc:
        raise DeployError(f"{host}: cannot connect to port {port} ({exc.strerror or exc})") from None
    return connection


def run(connection, step, command, *, config=None, cwd=None, env=None):
    """Run ``command`` on the server; a failure raises :class:`DeployError` naming ``step``.

    With ``config`` the command sees the server's environment file (secrets stay there) and
    ``DJANGO_SETTINGS_MODULE``; ``env`` adds plain, non-secret variables.
    """
    prefix = []
    if cwd:
        prefix.append(f"cd {shlex.quote(cwd)}")
    if config is not None:
        prefix.append(f"set -a && . {shlex.quote(config.env_file)} && set +a")
        prefix.append(f"export DJANGO_SETTINGS_MODULE={shlex.quote(config.settings)}")
    for name, value in (env or {}).items():
        prefix.append(f"export {name}={shlex.quote(str(value))}")
    started = time.monotonic()
    result = connection.run(" && ".join([*prefix, command]), hide=True, warn=True, in_stream=False)
    if VERBOSE:
        print(f"  {connection.host}: {step} ({time.monotonic() - started:.1f} s)")
    if result.failed:
        output = (result.stderr.strip() or result.stdout.strip()).splitlines()[-15:]
        details = "\n".join(f"    {line}" for line in output)
        raise DeployError(
            f"{connection.host}: {step} failed (exit {result.exited})" + (f":\n{details}" if details else "")
        )
    return result.stdout


# --- the local side: working tree, wheelhouse, wheel, project archive ----------------------


def git(*args):
    """Run git in the project and return its output ('' when git is missing or fails)."""
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def truthy(value):
    """True for 1/yes/y/true (any case)."""
    return str(value).strip().lower() in {"1", "yes", "y", "true"}


def confirm_working_tree(yes=False):
    """Ask before deploying uncommitted or unpushed work; ``--yes`` or ``COLEMAN_DEPLOY_YES=1`` answers."""
    problems = []
    dirty = [line for line in git("status", "--porcelain").splitlines() if line.strip()]
    if dirty:
        problems.append(f"{len(dirty)} uncommitted change(s)")
    upstream = git("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}")
    if not upstream:
        problems.append("a branch that is pushed nowhere")
    else:
        ahead = git("rev-list", "--count", f"{upstream}..HEAD")
        if ahead and ahead != "0":
            problems.append(f"{ahead} commit(s) not pushed to {upstream}")
    if not problems:
        return
    summary = "the working tree has " + " and ".join(problems)
    if yes or truthy(os.environ.get("COLEMAN_DEPLOY_YES", "")):
        print(f"Deploying anyway: {summary}.")
        return
    if not sys.stdin.isatty():
        raise DeployError(f"{summary}; commit and push first, or answer with --yes (COLEMAN_DEPLOY_YES=1)")
    answer = input(f"{summary[0].upper()}{summary[1:]}. Deploy it anyway? [y/N] ")
    if not truthy(answer):
        raise DeployError("stopped: nothing was deployed")


def requirements_digest(python_tag=""):
    """A digest of the pinned requirement files (and a Python tag): names envs and wheelhouse stamps."""
    digest = hashlib.sha256(python_tag.encode())
    for name in REQUIREMENT_FILES:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:16]


def ensure_wheelhouse(wheelhouse):
    """Build wheels of every pinned requirement into ``wheelhouse`` once (kept between runs).

    ``pip wheel`` reuses the wheels already there, so a changed pin fetches only what changed.
    A stamp per requirements digest marks a complete wheelhouse.
    """
    wheelhouse = Path(wheelhouse).expanduser()
    stamp = wheelhouse / f".complete-{requirements_digest()}"
    if stamp.exists():
        return wheelhouse
    wheelhouse.mkdir(parents=True, exist_ok=True)
    with open(wheelhouse / ".lock", "w") as lock:
        # Two test workers (or two deploys) may ask at once: one builds, the other waits.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stamp.exists():
            build_wheelhouse(wheelhouse, stamp)
    return wheelhouse


def build_wheelhouse(wheelhouse, stamp):
    """``pip wheel`` every pinned requirement into ``wheelhouse``, then write ``stamp``."""
    print(f"Building the wheelhouse in {wheelhouse} (once per set of pinned requirements)…")
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(wheelhouse)]
    command += ["--find-links", str(wheelhouse)]
    for name in REQUIREMENT_FILES:
        command += ["-r", str(ROOT / name)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise DeployError(f"building the wheelhouse failed: {result.stderr.strip().splitlines()[-1:]}")
    stamp.touch()


PACKAGE_PATHS = ("coleman", "setup.py", "MANIFEST.in", "README.md", "requirements.txt", "pyproject.toml")


def build_distributions(outdir, *, sdist=False):
    """Build the django-coleman wheel (and the sdist) of the working tree into ``outdir``.

    The sources are copied to a clean folder first: setuptools' ``build/`` keeps files deleted
    since an earlier build and would put them into the wheel. Returns the built paths.
    """
    with tempfile.TemporaryDirectory(prefix="coleman-build-") as source:
        for name in listed_files(PACKAGE_PATHS):
            target = Path(source, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
        kinds = ["--sdist", "--wheel"] if sdist else ["--wheel"]
        command = [sys.executable, "-m", "build", "--no-isolation", *kinds, "--outdir", str(outdir), source]
        result = subprocess.run(command, capture_output=True, text=True)
    built = sorted(Path(outdir).glob("django_coleman-*"))
    if result.returncode != 0 or not any(path.suffix == ".whl" for path in built):
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise DeployError(f"building the django-coleman wheel failed: {' / '.join(tail)}")
    return built


def build_wheel(outdir):
    """Build the django-coleman wheel of the working tree into ``outdir``; returns its path."""
    return next(path for path in build_distributions(outdir) if path.suffix == ".whl")


def listed_files(paths):
    """Files under ``paths`` that git tracks or would track (new, not ignored); every file under
    them, less caches, when this is not a git checkout."""
    listed = git("ls-files", "--cached", "--others", "--exclude-standard", "--", *paths)
    if listed:
        return sorted({name for name in listed.splitlines() if (ROOT / name).is_file()})
    return sorted(
        str(p.relative_to(ROOT))
        for top in paths
        for p in ([ROOT / top] if (ROOT / top).is_file() else (ROOT / top).rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    )


def project_files():
    """The project files a release carries (manage.py, settings, site templates and static, deploy/)."""
    return listed_files(PROJECT_PATHS)


def build_project_archive(outdir):
    """A .tar.gz of the project files (manage.py, settings, site templates and static, deploy/)."""
    archive = Path(outdir) / "project.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name in project_files():
            tar.add(ROOT / name, arcname=name)
    return archive


def release_name():
    """``<UTC time>-<commit>``: sorts in deploy order and says what was deployed."""
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    commit = git("rev-parse", "--short=10", "HEAD") or "nogit"
    return f"{stamp}-{commit}"


# --- the server side ---------------------------------------------------------------------


def preflight(connection, config):
    """Checks that change nothing: the environment file exists, the Python runs (returns X.Y)."""
    found = connection.run(f"test -r {shlex.quote(config.env_file)}", hide=True, warn=True, in_stream=False)
    if found.failed:
        raise DeployError(
            f"{connection.host}: environment file {config.env_file} is missing or unreadable "
            "(create it from deploy/env.example)"
        )
    version = run(
        connection,
        f"running {config.python}",
        f"{shlex.quote(config.python)} -c 'import sys; print(\"%d.%d\" % sys.version_info[:2])'",
    )
    return version.strip()


def upload_wheelhouse(connection, config, wheelhouse):
    """Copy the wheels the server lacks into ``<path>/wheelhouse`` (unchanged ones stay)."""
    remote = config.remote("wheelhouse")
    present = set(run(connection, "listing the wheelhouse", f"mkdir -p {remote} && ls -1 {remote}").split())
    for wheel in sorted(Path(wheelhouse).glob("*.whl")):
        if wheel.name not in present:
            connection.put(str(wheel), f"{remote}/{wheel.name}")
    return remote


def pip_command(config, python):
    """pip run from its wheel in the server's wheelhouse (the servers need no pip of their own)."""
    return f"{python} $(ls -1 {config.remote('wheelhouse')}/pip-*.whl | tail -n 1)/pip"


def ensure_requirements_env(connection, config, python_version, release_dir):
    """The shared venv of the pinned requirements for this requirements.txt (made once)."""
    env_dir = config.remote("envs", requirements_digest(python_version))
    pip = pip_command(config, f"{env_dir}/bin/python")
    run(
        connection,
        "installing the pinned requirements",
        f"test -f {env_dir}/{READY_MARKER} || {{ rm -rf {env_dir} && "
        f"{shlex.quote(config.python)} -m venv --without-pip {env_dir} && "
        f"{pip} install --quiet --disable-pip-version-check --no-compile --no-index "
        f"--find-links {config.remote('wheelhouse')} "
        f"-r {release_dir}/requirements.txt && touch {env_dir}/{READY_MARKER}; }}",
    )
    return env_dir


def prepare_release(connection, config, *, release, python_version, archive, wheel, wheelhouse, migrate):
    """Make ``releases/<release>`` ready to serve without touching ``current``.

    Upload and unpack; a venv holding the django-coleman wheel on top of the shared pinned
    requirements; ``check``; ``migrate`` (on one host: the database is shared);
    ``collectstatic`` into the release; the search index; a health check of the new code
    in-process. Any failure removes the half-made release and raises.
    """
    release_dir = config.remote("releases", release)
    run(connection, "creating the release directory", f"mkdir -p {config.remote('releases')} && mkdir {release_dir}")
    try:
        upload_wheelhouse(connection, config, wheelhouse)
        connection.put(str(archive), f"{release_dir}/project.tar.gz")
        connection.put(str(wheel), f"{release_dir}/{wheel.name}")
        run(
            connection,
            "unpacking the project",
            f"tar -xzf project.tar.gz && rm project.tar.gz && echo {shlex.quote(config.env_file)} > .env-file",
            cwd=release_dir,
        )
        env_dir = ensure_requirements_env(connection, config, python_version, release_dir)
        venv = f"{release_dir}/venv"
        run(
            connection,
            "creating the release venv",
            f"{shlex.quote(config.python)} -m venv --without-pip {venv} && "
            f"{venv}/bin/python -c 'import sysconfig; print(sysconfig.get_path(\"purelib\"))' > .purelib && "
            f"{env_dir}/bin/python -c 'import sysconfig; print(sysconfig.get_path(\"purelib\"))' "
            f'> "$(cat .purelib)/coleman-requirements.pth" && rm .purelib && echo {env_dir} > .requirements-env && '
            f"{pip_command(config, f'{venv}/bin/python')} install --quiet --disable-pip-version-check "
            f"--no-compile --no-index --no-deps {release_dir}/{wheel.name}",
            cwd=release_dir,
        )
        steps = ["check", *(["migrate"] if migrate else []), "collectstatic", "update_index", "health"]
        run_release_steps(connection, config, release_dir, steps)
        run(connection, "marking the release ready", f"touch {release_dir}/{READY_MARKER}")
    except BaseException:
        connection.run(f"rm -rf {shlex.quote(release_dir)}", hide=True, warn=True, in_stream=False)
        raise
    return release_dir


# The Django steps of a new release, in its own Python and one process (each process start
# costs seconds): each step announces itself, so a failure names the step that failed. The
# health step asks /healthz in-process: settings load, apps import, database and cache answer.
RELEASE_STEPS = """
import sys
import django
django.setup()
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client

for step in sys.argv[1:]:
    print("@step", step, flush=True)
    if step == "check":
        call_command("check")
    elif step == "migrate":
        call_command("migrate", interactive=False, verbosity=1)
    elif step == "collectstatic":
        call_command("collectstatic", interactive=False, verbosity=0)
    elif step == "update_index" and apps.is_installed("haystack"):
        call_command("update_index", remove=True, verbosity=0)
    elif step == "health":
        host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if "*" not in h), "localhost")
        response = Client().get("/healthz", HTTP_HOST=host, secure=True)
        print(response.status_code, response.content.decode()[:200], flush=True)
        if response.status_code != 200:
            sys.exit(1)
"""
STEP_NAMES = {
    "check": "checking the project (manage.py check)",
    "migrate": "migrating the database",
    "collectstatic": "collecting static files",
    "update_index": "updating the search index",
    "health": "checking the new release's health",
}


def run_release_steps(connection, config, release_dir, steps):
    """Run the Django ``steps`` of the release in one process; a failure names its step."""
    command = f"venv/bin/python -c {shlex.quote(RELEASE_STEPS)} {' '.join(steps)}"
    prefix = [
        f"cd {shlex.quote(release_dir)}",
        f"set -a && . {shlex.quote(config.env_file)} && set +a",
        f"export DJANGO_SETTINGS_MODULE={shlex.quote(config.settings)}",
        f"export DJANGO_STATIC_ROOT={shlex.quote(release_dir + '/staticfiles')}",
    ]
    started = time.monotonic()
    result = connection.run(" && ".join([*prefix, command]), hide=True, warn=True, in_stream=False)
    done = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("@step ")]
    if VERBOSE:
        print(f"  {connection.host}: {', '.join(done)} ({time.monotonic() - started:.1f} s)")
    if result.failed:
        step = STEP_NAMES.get(done[-1], done[-1]) if done else "starting Django"
        output = (result.stderr.strip() or result.stdout.strip()).splitlines()[-15:]
        details = "\n".join(f"    {line}" for line in output)
        raise DeployError(f"{connection.host}: {step} failed (exit {result.exited}):\n{details}")


# Asked on the server after a restart: the live site's /healthz, retried until it answers.
HEALTH = """
import sys, time, urllib.request
url, host, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
deadline, last = time.monotonic() + timeout, "no answer"
while time.monotonic() < deadline:
    try:
        request = urllib.request.Request(url, headers={"Host": host, "X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(request, timeout=5) as response:
            if response.status == 200:
                print("ok"); sys.exit(0)
            last = f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        last = f"HTTP {exc.code}"
    except OSError as exc:
        last = str(getattr(exc, "reason", exc))
    time.sleep(0.5)
print(last); sys.exit(1)
"""


def releases_on(connection, config):
    """(ready releases oldest first, every release directory, the current release name or '')."""
    listing = run(
        connection,
        "listing releases",
        f"cd {config.remote()} 2>/dev/null || exit 0; mkdir -p releases; "
        f'for d in releases/*/; do [ -d "$d" ] || continue; n=$(basename "$d"); '
        f'if [ -f "$d{READY_MARKER}" ]; then echo "ready $n"; else echo "partial $n"; fi; done; '
        f'echo "current $(basename "$(readlink current 2>/dev/null)" 2>/dev/null)"',
    )
    ready, every, current = [], [], ""
    for line in listing.splitlines():
        kind, _, name = line.partition(" ")
        if kind in ("ready", "partial") and name:
            every.append(name)
            if kind == "ready":
                ready.append(name)
        elif kind == "current":
            current = name.strip()
    return sorted(ready), sorted(every), current


def switch_current(connection, config, release):
    """Point ``current`` at ``releases/<release>`` atomically (a new symlink renamed over the old)."""
    run(
        connection,
        "switching current",
        f"cd {config.remote()} && ln -sfn releases/{release} .current.new && mv -Tf .current.new current",
    )


def restart_app_server(connection, config):
    """Run the configured restart command (with the environment file) in the live release."""
    command = config.restart.format(path=config.path.rstrip("/"), current=config.remote("current"))
    run(connection, "restarting the app server", command, config=config, cwd=config.remote("current"))


def health(connection, config, timeout=None):
    """(True, 'ok') when the live site's /healthz answers 200 within the timeout, else (False, why)."""
    timeout = config.health_timeout if timeout is None else timeout
    command = (
        f"current/venv/bin/python -c {shlex.quote(HEALTH)} "
        f"{shlex.quote(config.health_url)} {shlex.quote(config.health_host)} {timeout}"
    )
    result = connection.run(f"cd {config.remote()} && {command}", hide=True, warn=True, in_stream=False)
    answer = (result.stdout.strip() or result.stderr.strip() or "no answer").splitlines()[-1]
    return result.ok, answer


# Pages cached by the release before must not be served by the new one: bump the catalog
# version (every cached catalog fragment and page is keyed by it). Never cache.clear(): on
# Redis that empties the whole database, sessions, throttles and RQ queues included.
REFRESH_PAGES = """
import django
django.setup()
from django.apps import apps
if apps.is_installed("coleman.products"):
    from coleman.products.cache import bump_catalog_version
    bump_catalog_version()
"""


def refresh_cached_pages(connection, config):
    """Make the pages the previous release cached stale (see REFRESH_PAGES)."""
    run(
        connection,
        "refreshing cached pages",
        f"venv/bin/python -c {shlex.quote(REFRESH_PAGES)}",
        config=config,
        cwd=config.remote("current"),
    )


def go_live(connection, config, release):
    """Switch to ``release``, restart, and check /healthz; raises DeployError when it fails."""
    switch_current(connection, config, release)
    restart_app_server(connection, config)
    healthy, answer = health(connection, config)
    if not healthy:
        raise DeployError(f"{connection.host}: {release} failed its health check ({answer})")
    refresh_cached_pages(connection, config)


def switch_all(connections, config, targets, previous):
    """Put ``targets[host]`` live on every host in turn. When one fails (restart or health
    check), every host switched so far, that one included, goes back to ``previous[host]``
    (when there is one), so the site never stays half on one release and half on another."""
    switched = []
    for connection in connections:
        switched.append(connection)
        try:
            go_live(connection, config, targets[connection.host])
        except DeployError as failure:
            restored = []
            for done in switched:
                earlier = previous.get(done.host)
                if earlier:
                    switch_current(done, config, earlier)
                    restart_app_server(done, config)
                    restored.append(f"{done.host} on {earlier}")
            note = f"; back: {', '.join(restored)}" if restored else "; no earlier release to go back to"
            raise DeployError(f"{failure}{note}") from None
        print(f"{connection.host}: {targets[connection.host]} is live")


# --- tasks -------------------------------------------------------------------------------


@task(help={"args": "extra pytest arguments, e.g. '-k cart'"})
def test(c, args=""):
    """Run the test suite as the README does (the book's run_tests); stops a `fab test deploy` on failure."""
    c.run(f"{shlex.quote(sys.executable)} -m pytest -n 2 {args}", pty=False)


@task(help={"wheelhouse": "where to keep the wheels (default ~/.cache/coleman-wheelhouse)"})
@one_line_errors
def wheelhouse(c, wheelhouse=""):
    """Build the local wheelhouse of the pinned requirements (once per requirements change)."""
    path = ensure_wheelhouse(wheelhouse or os.environ.get("COLEMAN_WHEELHOUSE") or DEFAULT_WHEELHOUSE)
    print(f"Wheelhouse ready: {path}")


@task(
    help={
        "yes": "deploy even from a dirty or unpushed working tree, without asking",
        "config": "deploy config file (default deploy.toml or $COLEMAN_DEPLOY_CONFIG)",
    }
)
@one_line_errors
def deploy(c, yes=False, config=""):
    """Build the wheel, prepare a new release on every host, then switch `current`, restart, check."""
    settings = DeployConfig.load(config or None)
    confirm_working_tree(yes)
    connections = [connect(settings, host) for host in settings.hosts]
    versions = {connection.host: preflight(connection, settings) for connection in connections}
    local_wheelhouse = ensure_wheelhouse(os.environ.get("COLEMAN_WHEELHOUSE") or settings.wheelhouse)
    release = release_name()
    with tempfile.TemporaryDirectory(prefix="coleman-deploy-") as workdir:
        wheel = build_wheel(workdir)
        archive = build_project_archive(workdir)
        previous = {}
        for index, connection in enumerate(connections):
            _, _, previous[connection.host] = releases_on(connection, settings)
            print(f"{connection.host}: preparing release {release}")
            prepare_release(
                connection,
                settings,
                release=release,
                python_version=versions[connection.host],
                archive=archive,
                wheel=wheel,
                wheelhouse=local_wheelhouse,
                migrate=index == 0,
            )
    switch_all(connections, settings, {connection.host: release for connection in connections}, previous)


@task(help={"config": "deploy config file (default deploy.toml or $COLEMAN_DEPLOY_CONFIG)"})
@one_line_errors
def rollback(c, config=""):
    """Go back to the release before the current one on every host: switch, restart, check."""
    settings = DeployConfig.load(config or None)
    connections = [connect(settings, host) for host in settings.hosts]
    plans = []
    for connection in connections:
        ready, _, current = releases_on(connection, settings)
        older = [name for name in ready if name < current] if current else []
        if not older:
            raise DeployError(f"{connection.host}: no release before {current or '(none live)'} to roll back to")
        plans.append((connection, older[-1], current))
    targets = {connection.host: target for connection, target, _ in plans}
    switch_all([connection for connection, _, _ in plans], settings, targets, {c.host: cur for c, _, cur in plans})
    for connection, target, current in plans:
        print(f"{connection.host}: rolled back from {current} to {target}")


@task(help={"config": "deploy config file (default deploy.toml or $COLEMAN_DEPLOY_CONFIG)"})
@one_line_errors
def status(c, config=""):
    """List each host's releases (* marks the current one) and the live site's health."""
    settings = DeployConfig.load(config or None)
    for host in settings.hosts:
        connection = connect(settings, host)
        ready, every, current = releases_on(connection, settings)
        print(f"{host}:")
        for name in every:
            mark = "*" if name == current else " "
            note = "" if name in ready else "  (incomplete)"
            print(f"  {mark} {name}{note}")
        if not every:
            print("    no releases")
        healthy, answer = health(connection, settings, timeout=3) if current else (False, "nothing live")
        print(f"  health: {'ok' if healthy else 'failing: ' + answer}")


@task(
    help={
        "keep": "how many of the newest releases to keep (default: keep in the config)",
        "config": "deploy config file (default deploy.toml or $COLEMAN_DEPLOY_CONFIG)",
    }
)
@one_line_errors
def releases(c, keep=0, config=""):
    """Keep `keep` releases on every host: the current one and the newest others; delete the rest.

    Incomplete releases (a deploy that died) go too, and requirement envs no release uses.
    """
    settings = DeployConfig.load(config or None)
    keep = int(keep) or settings.keep
    if keep < 1:
        raise DeployError("--keep must be at least 1")
    for host in settings.hosts:
        connection = connect(settings, host)
        ready, every, current = releases_on(connection, settings)
        others = [name for name in reversed(ready) if name != current]
        kept = ({current} if current else set()) | set(others[: keep - 1 if current else keep])
        doomed = [name for name in every if name not in kept]
        for name in doomed:
            run(connection, f"deleting release {name}", f"rm -rf {shlex.quote(settings.remote('releases', name))}")
        run(
            connection,
            "deleting unused requirement envs",
            f"cd {settings.remote()} && mkdir -p envs && used=$(cat releases/*/.requirements-env 2>/dev/null); "
            f'for e in envs/*/; do [ -d "$e" ] || continue; p="$PWD/${{e%/}}"; '
            f'echo "$used" | grep -qxF "$p" || rm -rf "$p"; done',
        )
        print(f"{host}: kept {', '.join(sorted(kept & set(every))) or 'nothing'}; deleted {len(doomed)}")


# --- server configuration files --------------------------------------------------------

TEMPLATES = {
    "apache/coleman.conf": "Apache + mod_wsgi (daemon mode), TLS virtual host and HTTP redirect",
    "nginx/coleman.conf": "nginx in front of gunicorn: static files, X-Accel-Redirect, proxy headers",
    "systemd/coleman-gunicorn.socket": "the socket systemd holds for gunicorn (restarts drop nothing)",
    "systemd/coleman-gunicorn.service": "gunicorn serving the live release",
    "systemd/coleman-tasks.service": "the task worker (emails, search index updates)",
}
# Scheduled management commands: (name, command, systemd OnCalendar, cron schedule, what).
# A command that is not installed (its app is not in INSTALLED_APPS) is skipped quietly by
# `coleman-manage --if-installed`, so the entries for other apps' commands are safe to keep.
JOBS = [
    ("clearsessions", "clearsessions", "*-*-* 03:10", "10 3 * * *", "delete expired sessions"),
    (
        "cleanup-abandoned-orders",
        "cleanup_abandoned_orders",
        "*-*-* 03:20",
        "20 3 * * *",
        "delete abandoned NEW orders",
    ),
    (
        "purge-unactivated-accounts",
        "purge_unactivated_accounts",
        "*-*-* 03:30",
        "30 3 * * *",
        "delete sign-ups never activated",
    ),
    ("update-index", "update_index --age 2", "hourly", "5 * * * *", "catch the search index up (last 2 hours)"),
    (
        "prune-task-results",
        "prune_db_task_results --min-age-days 14",
        "*-*-* 03:40",
        "40 3 * * *",
        "forget old task results",
    ),
    (
        "expire-subscriptions",
        "expire_subscriptions",
        "*-*-* 00:15",
        "15 0 * * *",
        "end lapsed subscriptions (when installed)",
    ),
    ("email-report", "email_report", "*-*-* 06:00", "0 6 * * *", "email the daily sales report (when installed)"),
    ("salesforce-sync", "salesforce_sync", "*:0/30", "*/30 * * * *", "sync orders to Salesforce (when installed)"),
]
CONFIG_DEFAULTS = {
    "server_name": "shop.example.com",
    "server_alias": "www.shop.example.com",
    "path": "/srv/coleman",
    "user": "coleman",
    "group": "coleman",
    "env_file": "/srv/coleman/shared/env",
    "http_port": "80",
    "https_port": "443",
    "listen_address": "*",
    "gunicorn_socket": "/run/coleman/gunicorn.sock",
    "upstream_servers": "    server unix:/run/coleman/gunicorn.sock fail_timeout=0;",
    "gunicorn_workers": "3",
    "wsgi_processes": "2",
    "wsgi_threads": "15",
    "tls_certificate": "/etc/letsencrypt/live/shop.example.com/fullchain.pem",
    "tls_certificate_key": "/etc/letsencrypt/live/shop.example.com/privkey.pem",
    "media_root": "/srv/coleman/shared/media",
    "private_root": "/srv/coleman/shared/private",
    "settings": "ecommerce_book.settings.production",
    "tasks_worker": "db_worker",
    "log_dir": "/var/log/coleman",
}
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def render_text(text, values):
    """Replace ``{{ name }}`` placeholders; an unknown one raises KeyError (never shipped as text)."""
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def render_config(name, **values):
    """Render ``deploy/<name>`` with CONFIG_DEFAULTS overridden by ``values`` (empty ones ignored)."""
    merged = {**CONFIG_DEFAULTS, **{k: str(v) for k, v in values.items() if v not in (None, "")}}
    merged["current"] = f"{merged['path'].rstrip('/')}/current"
    return render_text((ROOT / "deploy" / name).read_text(), merged)


def render_all(**values):
    """Every server configuration file: {relative path: text}, jobs as systemd units and a crontab."""
    rendered = {name: render_config(name, **values) for name in TEMPLATES}
    cron_lines = [render_config("cron/coleman.head", **values).rstrip("\n")]
    for name, command, calendar, schedule, what in JOBS:
        job = {**values, "job_name": name, "job_command": command, "job_calendar": calendar, "job_what": what}
        rendered[f"systemd/coleman-{name}.service"] = render_config("systemd/coleman-job.service.in", **job)
        rendered[f"systemd/coleman-{name}.timer"] = render_config("systemd/coleman-job.timer.in", **job)
        cron_lines.append(render_text("# {{ job_what }}", job))
        cron_lines.append(render_config("cron/coleman.line", **job, job_schedule=schedule).rstrip("\n"))
    rendered["cron/coleman"] = "\n".join(cron_lines) + "\n"
    return rendered


@task(
    help={
        "output": "directory to write the rendered files to",
        "server_name": "the site's host name",
        "path": "deploy directory on the servers",
        "user": "the account the app runs as",
        "values": "more key=value pairs, comma-separated (see CONFIG_DEFAULTS in fabfile.py)",
    }
)
@one_line_errors
def configs(c, output, server_name="", path="", user="", values=""):
    """Render the server configurations of deploy/ (Apache, nginx, systemd, cron) for this site."""
    extra = dict(item.split("=", 1) for item in values.split(",") if "=" in item)
    out = Path(output)
    try:
        files = render_all(server_name=server_name, path=path, user=user, **extra)
    except KeyError as exc:
        raise DeployError(f"a template in deploy/ uses an unknown placeholder {exc}") from None
    for name, text in files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    print(f"Wrote {len(files)} files under {out}: " + ", ".join(sorted(files)))


@task
def check_deploy(c):
    """Run Django's deployment checks on this machine with the production settings.

    Needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL in the environment.
    """
    c.run(
        f"{sys.executable} manage.py check --deploy --fail-level WARNING",
        env={"DJANGO_SETTINGS_MODULE": "ecommerce_book.settings.production"},
    )


__all__ = ["DeployConfig", "DeployError", "render_config"]
