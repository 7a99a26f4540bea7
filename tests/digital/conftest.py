"""Fixtures of the digital app's tests: private storage in a temporary folder, and a real
S3-compatible server (s3rver, from npm) started once per test session on a loopback port."""

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.factories.digital import AssetFactory, order_with, pay
from tests.factories.users import UserFactory
from tests.helpers import free_port, wait_for_port

REPO = Path(__file__).resolve().parents[2]
S3_BUCKET = "coleman-digital-tests"
# s3rver's built-in account.
S3_KEY = "S3RVER"


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test keeps its downloadable files in a private folder of its own (local storage)."""
    settings.COLEMAN_DIGITAL_ROOT = str(tmp_path / "private")
    return Path(settings.COLEMAN_DIGITAL_ROOT)


@pytest.fixture
def purchase(client):
    """A logged-in customer's paid purchase of a product with one file: (entitlement, asset)."""
    asset = AssetFactory()
    user = UserFactory()
    order = pay(order_with(asset.product, user=user))
    client.force_login(user)
    return order.entitlements.get(), asset


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """The endpoint URL of an s3rver on loopback, with the test bucket created.

    s3rver checks presigned URLs' expiry (both signature versions) and the signature of the
    book's query-string authentication (signature version 2); it does not check signature
    version 4 signatures, nor refuse unsigned reads (it has no access control). moto checks
    neither expiry nor signatures.
    """
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are missing: the S3 tests need s3rver (apt-get install nodejs npm)")
    installed = subprocess.run(
        ["bash", str(REPO / "scripts" / "s3rver.sh")], capture_output=True, text=True, timeout=300, check=False
    )
    if installed.returncode != 0:
        pytest.fail(f"Could not install s3rver with scripts/s3rver.sh: {installed.stderr.strip()}")
    start_script = installed.stdout.strip()
    port = free_port()
    data = tmp_path_factory.mktemp("s3rver")
    log = open(data.parent / f"s3rver-{port}.log", "wb")  # noqa: SIM115 - closed at the end of the session
    process = subprocess.Popen(
        ["node", start_script, "-d", str(data), "-a", "127.0.0.1", "-p", str(port), "--configure-bucket", S3_BUCKET],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    wait_for_port(port, process, what=f"s3rver (see {log.name})")
    yield endpoint
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def s3_storage(s3_server, settings):
    """Switch the digital app to S3 on the test server, under a key prefix of this test's own."""
    settings.COLEMAN_DIGITAL_S3_BUCKET = S3_BUCKET
    settings.COLEMAN_DIGITAL_S3_PREFIX = f"digital/{uuid.uuid4().hex}"
    settings.COLEMAN_DIGITAL_S3_ENDPOINT_URL = s3_server
    settings.COLEMAN_DIGITAL_S3_REGION = "us-east-1"
    settings.COLEMAN_DIGITAL_S3_ACCESS_KEY_ID = S3_KEY
    settings.COLEMAN_DIGITAL_S3_SECRET_ACCESS_KEY = S3_KEY
    settings.COLEMAN_DIGITAL_S3_ADDRESSING_STYLE = "path"
    return s3_server


@pytest.fixture(params=["local", "s3"])
def storage_kind(request):
    """Run a test on both storages: the local private folder and S3 (s3rver)."""
    if request.param == "s3":
        request.getfixturevalue("s3_storage")
    return request.param
