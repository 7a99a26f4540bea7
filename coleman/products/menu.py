"""The header's category menu: every catalog with its top-level categories.

Read in one query (top categories with their catalog) and cached under the catalog version, so
the menu costs no query on a page whose frame is rendered for each request, and any edit of the
catalog shows in it at once.
"""

from dataclasses import dataclass, field

from .cache import cached_fragment
from .models import CatalogCategory


@dataclass
class MenuCatalog:
    """A catalog in the menu: its name, URL and top categories as ``(name, url)`` pairs."""

    name: str
    url: str
    categories: list[tuple[str, str]] = field(default_factory=list)


def build_category_menu() -> list[MenuCatalog]:
    """Read the catalogs that have categories, with their top-level categories, in one query."""
    top = CatalogCategory.objects.filter(parent__isnull=True).select_related("catalog")
    menu: list[MenuCatalog] = []
    for category in top.order_by("catalog__name", "catalog_id", "name", "id"):
        if not menu or menu[-1].url != category.catalog.get_absolute_url():
            menu.append(MenuCatalog(category.catalog.name, category.catalog.get_absolute_url()))
        menu[-1].categories.append((category.name, category.get_absolute_url()))
    return menu


def category_menu() -> list[MenuCatalog]:
    """The menu, from the cache (built on first use after each catalog change)."""
    return cached_fragment(("category-menu",), build_category_menu)
