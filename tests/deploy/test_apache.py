"""The Apache + mod_wsgi configuration ``fab configs`` renders: ``apache2 -t`` accepts it, and
Apache serves the store through mod_wsgi in daemon mode on loopback ports (HTTPS, with the
HTTP virtual host redirecting), static files straight from the release.

The "release" holds a copy of this checkout's project and apps and a venv made with Debian's
python3 (the Python Debian's mod_wsgi embeds) that reads the test venv's packages through a
.pth file (or, where Apache's user cannot read them, has the pinned requirements installed
from the wheelhouse); the WSGI entry point is the project's ``ecommerce_book/wsgi.py``, unchanged.
"""

import os
import re
import secrets
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest
import requests

import fabfile

from .conftest import ROOT, free_port, require_tool, stop_process, wait_for_port

APACHE = "/usr/sbin/apache2"
MOD_WSGI = "/usr/lib/apache2/modules/mod_wsgi.so"
DEBIAN_PYTHON = "/usr/bin/python3"
MODULES = ["mpm_event", "authz_core", "alias", "headers", "ssl", "socache_shmcb", "mime", "wsgi"]


def mod_wsgi_python():
    """The Python version (X.Y) Debian's mod_wsgi is linked against, from ldd."""
    linked = subprocess.run(["ldd", MOD_WSGI], capture_output=True, text=True).stdout
    found = re.search(r"libpython(\d+\.\d+)", linked)
    return found.group(1) if found else ""


def readable_by_www_data(path):
    """Whether Apache's user can read ``path`` (a checkout under /root, say, it cannot)."""
    check = ["su", "-s", "/bin/sh", "www-data", "-c", f"test -r '{path}' && test -x '{path}'"]
    return subprocess.run(check, capture_output=True).returncode == 0


@pytest.fixture(scope="session")
def apache_site(wheelhouse):
    """A rendered site config, a release directory and an Apache main config around them, in a
    folder Apache's www-data user can read (pytest's own temp folders are private to root)."""
    require_tool(APACHE)
    require_tool(MOD_WSGI)
    ours = f"{sys.version_info.major}.{sys.version_info.minor}"
    if mod_wsgi_python() != ours:
        pytest.fail(
            f"Debian's mod_wsgi embeds Python {mod_wsgi_python()}, the venv is {ours}: install mod_wsgi from PyPI"
        )
    base = Path(tempfile.mkdtemp(prefix="coleman-apache-"))
    base.chmod(0o755)
    release = base / "releases" / "r1"
    release.mkdir(parents=True)
    for name in ("coleman", "ecommerce_book", "templates", "static"):
        shutil.copytree(ROOT / name, release / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "manage.py", release / "manage.py")
    (base / "current").symlink_to(release)
    venv = release / "venv"
    subprocess.run([DEBIAN_PYTHON, "-m", "venv", "--without-pip", str(venv)], check=True)
    ours = sysconfig.get_path("purelib")
    if readable_by_www_data(ours):
        # The test venv's packages, read through a .pth file (as fab deploy links a release
        # venv to the shared requirements).
        purelib = subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        Path(purelib, "coleman-requirements.pth").write_text(ours + "\n")
    else:
        # The checkout's venv is private to root here: install the pinned requirements from
        # the wheelhouse instead, offline.
        pip = sorted(Path(wheelhouse).glob("pip-*.whl"))[-1]
        subprocess.run(
            [str(venv / "bin" / "python"), f"{pip}/pip", "install", "--quiet", "--no-compile", "--no-index"]
            + ["--find-links", str(wheelhouse), "-r", str(ROOT / "requirements.txt")],
            check=True,
            timeout=600,
        )
    (release / "staticfiles").mkdir()
    (release / "staticfiles" / "probe.txt").write_text("static from the release\n")
    var = base / "var"
    (var / "media").mkdir(parents=True)
    shutil.chown(var, "www-data", "www-data")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=shop.test"]
        + ["-addext", "subjectAltName=DNS:shop.test,IP:127.0.0.1"]
        + ["-keyout", str(base / "tls.key"), "-out", str(base / "tls.crt")],
        check=True,
        capture_output=True,
    )
    http_port, https_port = free_port(), free_port()
    site = fabfile.render_config(
        "apache/coleman.conf",
        server_name="shop.test",
        server_alias="www.shop.test",
        path=str(base),
        user="www-data",
        group="www-data",
        listen_address="127.0.0.1",
        http_port=http_port,
        https_port=https_port,
        wsgi_processes=1,
        wsgi_threads=4,
        tls_certificate=base / "tls.crt",
        tls_certificate_key=base / "tls.key",
        media_root=var / "media",
    )
    (base / "coleman.conf").write_text(site)
    main = [
        "ServerRoot /etc/apache2",
        f"Define APACHE_LOG_DIR {base}",
        f"PidFile {base}/apache.pid",
        f"DefaultRuntimeDir {base}",
        f"Mutex file:{base} default",
        f"ErrorLog {base}/error.log",
        "LogLevel warn",
        "User www-data",
        "Group www-data",
        "ServerName shop.test",
        f"Listen 127.0.0.1:{http_port}",
        f"Listen 127.0.0.1:{https_port}",
        *(f"LoadModule {name}_module /usr/lib/apache2/modules/mod_{name}.so" for name in MODULES),
        "TypesConfig /etc/mime.types",
        f"WSGISocketPrefix {base}/wsgi",
        f"Include {base}/coleman.conf",
        "",
    ]
    (base / "httpd.conf").write_text("\n".join(main))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "shop.test",
        "DATABASE_URL": f"sqlite:///{var}/coleman.sqlite3",
        "COLEMAN_VAR_DIR": str(var),
        "DJANGO_STATIC_ROOT": str(release / "staticfiles"),
    }
    yield base, http_port, https_port, env
    shutil.rmtree(base, ignore_errors=True)


def test_generated_apache_config_passes_apache_syntax_check(apache_site):
    """``apache2 -t`` (what ``apachectl -t`` runs) accepts the rendered virtual hosts and the
    mod_wsgi daemon-mode directives."""
    base, _, _, env = apache_site
    result = subprocess.run([APACHE, "-t", "-f", str(base / "httpd.conf")], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "Syntax OK" in result.stderr
    site = (base / "coleman.conf").read_text()
    for directive in ("WSGIDaemonProcess coleman", "processes=1 threads=4", "WSGIProcessGroup coleman"):
        assert directive in site
    assert f"WSGIScriptAlias / {base}/current/ecommerce_book/wsgi.py" in site
    assert "{{" not in site


def test_apache_serves_the_store_through_mod_wsgi_daemon_mode(apache_site):
    """HTTPS requests reach Django in the mod_wsgi daemon process (/healthz answers 200 JSON),
    static files come from the release, and plain HTTP is redirected to HTTPS."""
    base, http_port, https_port, env = apache_site
    process = subprocess.Popen(
        [APACHE, "-f", str(base / "httpd.conf"), "-DFOREGROUND"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for_port(https_port, process)
        response = requests.get(
            f"https://127.0.0.1:{https_port}/healthz",
            headers={"Host": "shop.test"},
            verify=str(base / "tls.crt"),
            timeout=30,
        )
        log = (base / "error.log").read_text()
        assert response.status_code == 200, log
        assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
        static = requests.get(
            f"https://127.0.0.1:{https_port}/static/probe.txt",
            headers={"Host": "shop.test"},
            verify=str(base / "tls.crt"),
            timeout=10,
        )
        assert static.text == "static from the release\n"
        assert "immutable" in static.headers["Cache-Control"]
        redirect = requests.get(
            f"http://127.0.0.1:{http_port}/products/", headers={"Host": "shop.test"}, allow_redirects=False, timeout=10
        )
        assert redirect.status_code == 301
        assert redirect.headers["Location"] == "https://shop.test/products/"
        # Served by a daemon process named after the group, not inside Apache's own children.
        processes = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
        assert "(wsgi:coleman)" in processes
    finally:
        stop_process(process)
