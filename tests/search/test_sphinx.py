"""Sphinx: the generated config, the xmlpipe2 feed, and searches against a real searchd.

``indexer`` and ``searchd`` come from Debian's ``sphinxsearch`` (scripts/system-deps.sh);
each test starts searchd on a free loopback port in a temporary folder.
"""

import io
import shutil
import socket
import subprocess
import time
from decimal import Decimal
from xml.parsers import expat

import pytest
from django.core.management import call_command
from django.db import connection

from coleman.search.backends.base import SearchRequest
from coleman.search.backends.sphinx import SphinxSearchBackend
from coleman.search.exceptions import BackendUnavailable
from coleman.search.sphinx import escape_query, render_config, write_config, write_xmlpipe2
from tests.factories.products import CategoryFactory, DetailFactory, ProductFactory, cranberry_catalog
from tests.helpers import free_port
from tests.search.test_find import assert_other_pages, assert_same, catalog_of_jams

pytestmark = pytest.mark.django_db

INDEXER = shutil.which("indexer")
SEARCHD = shutil.which("searchd")
needs_sphinx = pytest.mark.skipif(
    not (INDEXER and SEARCHD), reason="sphinxsearch is not installed (scripts/system-deps.sh installs it)"
)


class SphinxServer:
    """indexer + searchd in a temporary folder, fed from the test database."""

    def __init__(self, folder, settings):
        self.folder, self.settings = folder, settings
        self.port = free_port()
        self.config = folder / "sphinx.conf"
        self.process = None

    def build(self):
        feed = self.folder / "products.xml"
        with open(feed, "w", encoding="utf-8") as stream:
            write_xmlpipe2(stream)
        write_config(self.config, host="127.0.0.1", port=self.port, feed=f"cat {feed}")
        args = [INDEXER, "--config", str(self.config), "--all", "--quiet"]
        if self.process:
            args.append("--rotate")
        subprocess.run(args, check=True, capture_output=True, timeout=60)

    def start(self):
        self.build()
        self.process = subprocess.Popen(
            [SEARCHD, "--config", str(self.config), "--nodetach"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            time.sleep(0.05)
        else:
            raise RuntimeError("searchd did not start")
        self.settings.COLEMAN_SEARCH_SPHINX_HOST = "127.0.0.1"
        self.settings.COLEMAN_SEARCH_SPHINX_PORT = self.port

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=15)


@pytest.fixture
def sphinx(tmp_path, settings):
    """A searchd to start once the test's products exist: ``sphinx.start()``."""
    server = SphinxServer(tmp_path, settings)
    yield server
    server.stop()


def names(text, **kwargs):
    return [h.name for h in SphinxSearchBackend().search(SearchRequest(text=text, **kwargs)).hits]


def test_config_has_the_books_index_settings(tmp_path):
    """The generated config stems English, uses stop words, skips one-letter words, pipes xmlpipe2."""
    text = render_config(tmp_path, port=9399)
    assert "type = xmlpipe2" in text and "sphinx_xmlpipe" in text
    assert "morphology = stem_en" in text and "min_word_len = 2" in text
    assert f"stopwords = {tmp_path / 'stopwords-en.txt'}" in text
    assert "listen = 127.0.0.1:9399:mysql41" in text


def test_sphinx_config_command_writes_files(tmp_path):
    """`manage.py sphinx_config` writes the config and the stop-word list."""
    out = io.StringIO()
    call_command("sphinx_config", output=str(tmp_path / "sphinx.conf"), port=9400, stdout=out)
    assert (tmp_path / "sphinx.conf").read_text().count("index coleman_products") == 1
    assert "the" in (tmp_path / "sphinx-data" / "stopwords-en.txt").read_text().split()
    assert "indexer --config" in out.getvalue()


def test_xmlpipe_feed_is_valid_xml_of_active_products():
    """The feed is well-formed XML with every active product's fields, markup escaped."""
    products = cranberry_catalog()
    DetailFactory(product=products["cider"], attribute__name="Tartness", value="Mellow & <b>bold</b>")
    ProductFactory(name="Odd \x01 chars", description="a < b")
    stream = io.StringIO()
    count = write_xmlpipe2(stream)
    documents = parse_like_sphinx(stream.getvalue())
    assert count == len(documents) == 6
    assert products["retired"].pk not in documents
    assert "Mellow & <b>bold</b>" in documents[products["cider"].pk]["taxonomy"]
    assert documents[products["sauce"].pk]["name"] == "Cranberry Sauce"


def parse_like_sphinx(text):
    """Parse a feed as Sphinx does (expat, no namespace processing): {id: {field: text}}."""
    documents, current, field = {}, None, None
    parser = expat.ParserCreate("utf-8")

    def start(tag, attrs):
        nonlocal current, field
        if tag == "sphinx:document":
            current = documents.setdefault(int(attrs["id"]), {})
        elif current is not None:
            field = tag
            current[field] = ""

    def end(tag):
        nonlocal current, field
        if tag == "sphinx:document":
            current = None
        field = None

    def data(chunk):
        if current is not None and field:
            current[field] += chunk

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, data
    parser.Parse(text.encode("utf-8"), True)
    return documents


def test_sphinx_xmlpipe_command_output(capsys):
    """`manage.py sphinx_xmlpipe` prints the feed on standard output."""
    cranberry_catalog()
    call_command("sphinx_xmlpipe")
    assert "<sphinx:docset>" in capsys.readouterr().out


def test_query_escaping():
    """Sphinx operators in a query are escaped to plain characters."""
    assert escape_query('a|b -c "d" @name (e)') == 'a\\|b \\-c \\"d\\" \\@name \\(e\\)'


@needs_sphinx
def test_search_in_relevance_order_with_stemming(sphinx):
    """searchd finds stems ("cranberries" → cranberry) and ranks name matches first."""
    cranberry_catalog()
    ProductFactory(name="Gift Box", description="cranberry cranberry cranberry jam inside")
    sphinx.start()
    found = names("cranberries")
    assert {"Cranberry Sauce", "CranStore Cranberry Juice", "Orange Relish", "Gift Box"} <= set(found)
    assert found.index("Gift Box") > found.index("Cranberry Sauce")
    assert "Discontinued Cranberry Chutney" not in found
    assert names("cranberry juice") == ["CranStore Cranberry Juice"]


@needs_sphinx
def test_filters_sort_and_pages_on_sphinx(sphinx):
    """Filters, counts, price sort and pages work the same on Sphinx."""
    category = CategoryFactory(name="Jams")
    for n in range(12):
        ProductFactory(category=category, name=f"Bog Jam {n:02d}", price=Decimal(n + 1))
    sphinx.start()
    outcome = SphinxSearchBackend().search(SearchRequest(text="jam", sort="price", page=2, per_page=5))
    assert outcome.count == 12 and [h.name for h in outcome.hits][0] == "Bog Jam 05"
    assert {c.label: c.count for c in outcome.facets["category"]} == {"Jams": 12}


@needs_sphinx
def test_deactivated_since_indexing_is_hidden(sphinx):
    """A product deactivated after the last indexer run is not shown."""
    products = cranberry_catalog()
    sphinx.start()
    products["juice"].is_active = False
    products["juice"].save()
    assert "CranStore Cranberry Juice" not in names("cranberry")


@needs_sphinx
def test_matched_ids_are_the_best_within_the_limit(sphinx):
    """searchd hands over at most ``limit`` ids with their weights: all of them in one row when
    they fit, else the best by weight, then id."""
    products = [ProductFactory(name="Cranberry Jam", description="") for _n in range(12)]
    sphinx.start()
    backend = SphinxSearchBackend()
    ids, weights = backend.matched("jam", 20)
    assert sorted(map(int, ids.split(","))) == [p.pk for p in products] and len(weights.split(",")) == 12
    ids, weights = backend.matched("jam", 5)
    assert ids.split(",") == [str(p.pk) for p in products[:5]] and len(set(weights.split(","))) == 1
    assert backend.matched("zzzz", 5) == ("", "")


@needs_sphinx
def test_deactivated_among_the_best_still_limits_the_count(sphinx, settings):
    """Over ``COLEMAN_SEARCH_MAX_MATCHES`` Sphinx's best ``limit + 1`` are taken as it ranks them
    (weight, then id), then the inactive ones dropped: one deactivated since indexing among
    them leaves ``limit`` matches, not truncated, although a 12th matches further down."""
    products = [ProductFactory(name="Cranberry Jam", description="") for _n in range(12)]
    sphinx.start()
    type(products[0]).objects.filter(pk=products[0].pk).update(is_active=False)
    settings.COLEMAN_SEARCH_MAX_MATCHES = 10
    backend = SphinxSearchBackend()
    assert [pk for pk, _weight in backend.scored_ids("jam", 20)] == [p.pk for p in products]
    outcome = backend.search(SearchRequest(text="jam"))
    assert (outcome.count, outcome.truncated) == (10, False)
    assert products[0].pk not in [hit.pk for hit in outcome.hits]


@needs_sphinx
@pytest.mark.parametrize("query", ['"unbalanced', "a|b", "@name x", "((", "\\", "-", "' OR 1=1", "é蔓"])
def test_odd_queries_on_sphinx(sphinx, query):
    """Sphinx syntax characters and quotes never raise."""
    cranberry_catalog()
    sphinx.start()
    assert isinstance(names(query), list)


@needs_sphinx
def test_sphinx_find_gives_what_the_list_of_matches_gives(sphinx, settings):
    """Sphinx: the facet groups and the page of the matched ids (one statement on PostgreSQL)
    give what the list of every match gives, also when truncated and for other slices."""
    categories = catalog_of_jams()
    sphinx.start()
    assert_same(SphinxSearchBackend(), categories)
    settings.COLEMAN_SEARCH_MAX_MATCHES = 10
    assert SphinxSearchBackend().search(SearchRequest(text="jam")).truncated
    assert_same(SphinxSearchBackend(), categories)
    assert_other_pages(SphinxSearchBackend(), categories)


@needs_sphinx
def test_results_page_on_sphinx(client, sphinx, settings, django_assert_num_queries):
    """The results page on Sphinx, whatever the number of matches: on PostgreSQL one database
    statement for the search (the facet groups and the page's rows of the matched ids),
    elsewhere two queries (what the filters read of the matched products, the page's rows)."""
    cranberry_catalog()
    sphinx.start()
    settings.COLEMAN_SEARCH_BACKEND = "coleman.search.backends.sphinx.SphinxSearchBackend"
    search_queries = 1 if connection.vendor == "postgresql" else 2
    # + the header's category menu (cached once built) + the stock of the page's hits
    with django_assert_num_queries(search_queries + 1 + 1):
        response = client.get("/search/", {"q": "cranberries"})
    assert response.status_code == 200 and "/products/cranberry-sauce/" in response.content.decode()


def test_unreachable_searchd_gives_503(client, settings):
    """When searchd is down the page says so with a 503, not a 500."""
    settings.COLEMAN_SEARCH_BACKEND = "coleman.search.backends.sphinx.SphinxSearchBackend"
    settings.COLEMAN_SEARCH_SPHINX_PORT = free_port()
    with pytest.raises(BackendUnavailable):
        SphinxSearchBackend().search(SearchRequest(text="jam"))
    response = client.get("/search/", {"q": "jam"})
    assert response.status_code == 503
    assert "Search is unavailable right now" in response.content.decode()
