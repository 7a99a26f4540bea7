"""X-Accel-Redirect with a real nginx in front of the live server: the store decides, nginx
sends the file from the private folder, and that folder is unreachable from outside."""

import os
import shutil
import subprocess

import pytest
import requests
from django.urls import reverse

from tests.factories.digital import PDF_BYTES, AssetFactory, order_with, pay
from tests.factories.users import UserFactory
from tests.helpers import free_port, wait_for_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(NGINX), reason="nginx is not installed (apt-get install nginx)"),
]

CONFIG = """
daemon off;
user root;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location /protected-downloads/ {{
            internal;
            alias {private}/;
        }}
        location / {{
            proxy_pass {upstream};
            proxy_set_header Host $http_host;
        }}
    }}
}}
"""


@pytest.fixture
def nginx(live_server, private_storage, tmp_path):
    """nginx on a free loopback port, proxying to the live server, with the private folder as
    an internal location."""
    port = free_port()
    private_storage.mkdir(parents=True, exist_ok=True)
    config = tmp_path / "nginx.conf"
    config.write_text(CONFIG.format(tmp=tmp_path, port=port, private=private_storage, upstream=live_server.url))
    process = subprocess.Popen([NGINX, "-c", str(config), "-e", str(tmp_path / "error.log")])
    wait_for_port(port, process, what=f"nginx (see {tmp_path / 'error.log'})")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def test_nginx_sends_the_file_the_store_allows(nginx, client, settings):
    """Through nginx, the download button's link returns the file's bytes (sent by nginx from
    the internal location), and the private folder cannot be fetched directly."""
    settings.COLEMAN_DIGITAL_SENDFILE = "x-accel-redirect"
    asset = AssetFactory()
    user = UserFactory()
    entitlement = pay(order_with(asset.product, user=user)).entitlements.get()
    client.force_login(user)
    browser = requests.Session()
    browser.cookies.set("sessionid", client.cookies["sessionid"].value)
    browser.cookies.set("csrftoken", "b" * 32)
    headers = {"X-CSRFToken": "b" * 32, "Referer": nginx + "/"}
    clicked = browser.post(
        nginx + reverse("digital:download", args=[entitlement.token, asset.pk]),
        headers=headers,
        allow_redirects=False,
        timeout=10,
    )
    assert clicked.status_code == 302
    served = browser.get(nginx + clicked.headers["Location"], timeout=10)
    assert served.status_code == 200 and served.content == PDF_BYTES
    assert served.headers["Content-Disposition"] == 'attachment; filename="cookbook.pdf"'
    assert "X-Accel-Redirect" not in served.headers
    direct = requests.get(f"{nginx}/protected-downloads/{asset.file.name}", timeout=10)
    assert direct.status_code == 404
