"""``fab deploy`` over real SSH: releases, rollback, a failing migration, and bad input.

A real sshd on a loopback port lets a throw-away user in with a throw-away key; ``fab`` runs
as an operator runs it, from a clean and pushed git repository holding this working tree.
The "server" is a temporary directory; the deployed store answers through gunicorn on another
loopback port, on a database of its own (PostgreSQL on PostgreSQL runs, else SQLite).
"""

import os
import re
import secrets
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from .conftest import ScratchDatabase, commit_and_push, copy_project, fab, free_port

SITE_HOST = "shop.test"


def get(port, path="/"):
    """(status, body) of a request to the deployed store, as nginx would forward it (HTTPS)."""
    response = requests.get(
        f"http://127.0.0.1:{port}{path}",
        headers={"Host": SITE_HOST, "X-Forwarded-Proto": "https"},
        timeout=10,
        allow_redirects=False,
    )
    return response.status_code, response.text


def tree(path):
    """Every file and folder under ``path`` with its modification time (to see what changed)."""
    path = Path(path)
    if not path.exists():
        return {}
    return {str(p.relative_to(path)): p.lstat().st_mtime_ns for p in path.rglob("*")}


@pytest.fixture(scope="session")
def site(sshd, wheelhouse, tmp_path_factory):
    """A project repository, a deploy directory on the SSH "server", its environment file and
    a deploy config pointing at them. Stops the deployed gunicorn at the end."""
    work = tmp_path_factory.mktemp("fab-deploy")
    repo = copy_project(work)
    server = sshd.base / "srv"
    shared = server / "shared"
    (shared / "var").mkdir(parents=True)
    database = ScratchDatabase(f"coleman_fabdeploy_{os.getpid()}", shared / "var" / "coleman.sqlite3").create()
    app_port = free_port()
    env_file = shared / "env"
    env_file.write_text(
        "\n".join(
            [
                f"DJANGO_SECRET_KEY={secrets.token_urlsafe(40)}",
                f"DJANGO_ALLOWED_HOSTS={SITE_HOST}",
                f"DATABASE_URL={database.url}",
                f"COLEMAN_VAR_DIR={shared / 'var'}",
                f"GUNICORN_BIND=127.0.0.1:{app_port}",
                "GUNICORN_WORKERS=1",
                "",
            ]
        )
    )
    env_file.chmod(0o600)
    subprocess.run(["chown", "-R", f"{sshd.user}:{sshd.user}", str(server)], check=True)
    config = {
        "hosts": [f"127.0.0.1:{sshd.port}"],
        "user": sshd.user,
        "key": str(sshd.key),
        "known_hosts": str(sshd.known_hosts),
        "path": str(server),
        "python": "/usr/bin/python3",
        "env_file": str(env_file),
        "restart": "deploy/bin/gunicornctl restart",
        "health_url": f"http://127.0.0.1:{app_port}/healthz",
        "health_host": SITE_HOST,
        "health_timeout": 30,
        "wheelhouse": str(wheelhouse),
    }
    config_file = work / "deploy.toml"

    def write_config(**changes):
        values = {**config, **changes}
        lines = []
        for key, value in values.items():
            rendered = (
                "[" + ", ".join(f'"{v}"' for v in value) + "]"
                if isinstance(value, list)
                else (str(value) if isinstance(value, int) else f'"{value}"')
            )
            lines.append(f"{key} = {rendered}")
        config_file.write_text("\n".join(lines) + "\n")
        return {"COLEMAN_DEPLOY_CONFIG": str(config_file), "COLEMAN_DEPLOY_VERBOSE": "1"}

    env = write_config()
    yield SimpleNamespace(
        repo=repo, server=server, app_port=app_port, env=env, write_config=write_config, database=database
    )
    subprocess.run(
        ["su", sshd.user, "-c", f"cd {server}/current && deploy/bin/gunicornctl stop"],
        capture_output=True,
        check=False,
    )
    write_config()
    database.drop()


def current_release(site):
    """The name of the release ``current`` points at ('' when none)."""
    link = site.server / "current"
    return Path(os.readlink(link)).name if link.is_symlink() else ""


def ready_releases(site):
    """Releases that finished preparing, oldest first."""
    return sorted(p.name for p in (site.server / "releases").iterdir() if (p / ".ready").exists())


FAILING_MIGRATION = """from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("products", "LATEST")]
    operations = [migrations.RunSQL("UPDATE no_such_table_in_coleman SET x = 1")]
"""


def add_failing_migration(repo):
    """A products migration that fails on every database (its SQL names no table)."""
    migrations = repo / "coleman" / "products" / "migrations"
    latest = max(p.stem for p in migrations.glob("[0-9][0-9][0-9][0-9]_*.py"))
    number = int(latest[:4]) + 1
    source = FAILING_MIGRATION.replace("LATEST", latest)
    (migrations / f"{number:04d}_deploy_test_failure.py").write_text(source)


def test_deploy_second_release_rollback_and_a_failing_migration(site):
    """First release goes live through gunicorn; a second replaces it (sharing the pinned
    requirements' env); ``rollback`` brings the first back; a release whose migration fails
    stops before the switch and the live release keeps answering; a release whose site does
    not answer after the restart is switched back; status and pruning work."""
    first = fab(site.repo, "deploy", env=site.env)
    print(first.stdout)
    assert first.returncode == 0, first.stderr + first.stdout
    release_one = current_release(site)
    assert release_one and ready_releases(site) == [release_one]
    status, body = get(site.app_port, "/healthz")
    assert (status, body) == (200, '{"status": "ok", "checks": {"database": "ok", "cache": "ok"}}')
    status, body = get(site.app_port, "/")
    assert status == 200 and "CranStore" in body and "CranStore Two" not in body

    settings = site.repo / "ecommerce_book" / "settings" / "base.py"
    settings.write_text(
        settings.read_text().replace('COLEMAN_STORE_NAME = "CranStore"', 'COLEMAN_STORE_NAME = "CranStore Two"')
    )
    commit_and_push(site.repo, "release 2: new store name")
    second = fab(site.repo, "deploy", env=site.env)
    print(second.stdout)
    assert second.returncode == 0, second.stderr + second.stdout
    release_two = current_release(site)
    assert release_two != release_one and ready_releases(site) == [release_one, release_two]
    assert "CranStore Two" in get(site.app_port, "/")[1]
    assert len(list((site.server / "envs").iterdir())) == 1, "both releases pin the same requirements"

    back = fab(site.repo, "rollback", env=site.env)
    assert back.returncode == 0, back.stderr + back.stdout
    assert current_release(site) == release_one
    status, body = get(site.app_port, "/")
    assert status == 200 and "CranStore Two" not in body

    add_failing_migration(site.repo)
    commit_and_push(site.repo, "release 3: a migration that fails")
    failed = fab(site.repo, "deploy", env=site.env)
    assert failed.returncode == 1
    assert "migrating the database failed" in failed.stderr
    assert "no_such_table_in_coleman" in failed.stderr
    assert current_release(site) == release_one
    assert sorted(p.name for p in (site.server / "releases").iterdir()) == [release_one, release_two]
    assert get(site.app_port, "/healthz")[0] == 200

    (site.repo / "coleman" / "products" / "migrations").joinpath(
        next(p.name for p in (site.repo / "coleman" / "products" / "migrations").glob("*_deploy_test_failure.py"))
    ).unlink()
    commit_and_push(site.repo, "release 4: no failing migration, but its site will not answer")
    unhealthy = fab(
        site.repo, "deploy", env=site.write_config(health_url="http://127.0.0.1:1/healthz", health_timeout=2)
    )
    site.write_config()
    assert unhealthy.returncode == 1
    assert "failed its health check" in unhealthy.stderr and f"on {release_one}" in unhealthy.stderr
    assert current_release(site) == release_one, "switched back after the failed health check"
    assert get(site.app_port, "/healthz")[0] == 200

    listing = fab(site.repo, "status", env=site.env)
    assert listing.returncode == 0, listing.stderr
    assert f"* {release_one}" in listing.stdout and f"  {release_two}" in listing.stdout
    listed = re.findall(r"^  [* ] (\d{8}-\d{6}-\w+)$", listing.stdout, re.M)
    assert len(listed) == 3, "releases one, two and four (ready, not live); three was removed"
    assert "health: ok" in listing.stdout

    pruned = fab(site.repo, "releases", "--keep", "1", env=site.env)
    assert pruned.returncode == 0, pruned.stderr
    assert ready_releases(site) == [release_one], "the current release is never deleted"
    assert get(site.app_port, "/healthz")[0] == 200


def assert_refused(site, result, expected):
    """One line on stderr naming the problem, exit 1."""
    assert result.returncode == 1, result.stdout + result.stderr
    message = result.stderr.strip()
    assert "\n" not in message, message
    assert message.startswith("fab deploy: ") and expected in message, message


def test_unknown_host_is_refused_before_anything_changes(site, tmp_path):
    """A server whose host key is not in known_hosts gets no command at all."""
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    before = tree(site.server)
    result = fab(site.repo, "deploy", env=site.write_config(known_hosts=str(empty)))
    assert_refused(site, result, "unknown host")
    assert "ssh-keyscan" in result.stderr
    assert tree(site.server) == before


def test_missing_key_is_refused_before_connecting(site, tmp_path):
    """A key file that does not exist is named, before any connection."""
    before = tree(site.server)
    result = fab(site.repo, "deploy", env=site.write_config(key=str(tmp_path / "nope")))
    assert_refused(site, result, f"SSH key {tmp_path / 'nope'} not found")
    assert tree(site.server) == before


def test_missing_environment_file_is_refused(site):
    """No environment file on the server: said in one line, nothing created there."""
    before = tree(site.server)
    result = fab(site.repo, "deploy", env=site.write_config(env_file=str(site.server / "shared" / "missing-env")))
    assert_refused(site, result, "missing-env is missing")
    assert tree(site.server) == before


def test_dirty_or_unpushed_tree_asks_and_a_script_gets_a_clear_no(site):
    """With uncommitted changes (or commits not pushed) and nobody to answer, deploy stops and
    says how to answer; nothing changes on the server."""
    before = tree(site.server)
    readme = site.repo / "README.md"
    original = readme.read_text()
    readme.write_text(original + "\nAn uncommitted edit.\n")
    try:
        result = fab(site.repo, "deploy", env=site.env)
        assert_refused(site, result, "1 uncommitted change(s)")
        assert "--yes" in result.stderr
    finally:
        readme.write_text(original)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "local"],
        cwd=site.repo,
        check=True,
    )
    try:
        result = fab(site.repo, "deploy", env=site.env)
        assert_refused(site, result, "1 commit(s) not pushed to origin/main")
    finally:
        subprocess.run(["git", "reset", "-q", "--hard", "HEAD~1"], cwd=site.repo, check=True)
    assert tree(site.server) == before


def test_config_without_hosts_says_so(site, tmp_path):
    """A config file naming no hosts (and no COLEMAN_DEPLOY_HOSTS) stops with one line."""
    config = tmp_path / "deploy.toml"
    config.write_text('user = "x"\n')
    result = fab(site.repo, "deploy", env={"COLEMAN_DEPLOY_CONFIG": str(config)})
    assert_refused(site, result, "no hosts to deploy to")


def test_fab_lists_the_operator_tasks(site):
    """``fab --list`` shows the tasks the README documents."""
    listed = fab(site.repo, "--list").stdout
    for name in ("test", "deploy", "rollback", "status", "releases", "wheelhouse", "configs"):
        assert f"  {name} " in listed or f"  {name}\n" in listed
