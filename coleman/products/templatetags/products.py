"""Template tags of the catalog: ``{% load products %}``."""

from django import template

from ..menu import category_menu as cached_category_menu

register = template.Library()


@register.inclusion_tag("products/_category_menu.html")
def category_menu():
    """The header's menu of catalogs and their top categories (cached; no query when warm)."""
    return {"menu": cached_category_menu()}
