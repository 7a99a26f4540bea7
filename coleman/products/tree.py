"""The category tree of one catalog, read in a single query and assembled in Python.

A catalog's categories are few (tens, not thousands), so reading them all at once and linking
parents to children in memory costs one query however deep the tree is, where walking
``parent``/``children`` relations would cost one per level or per node.
"""


class CategoryTree:
    """The categories of one catalog as a tree (use :meth:`Catalog.category_tree`).

    ``roots`` are the top-level categories; every category carries its sub-categories in
    ``child_nodes``, in name order. ``by_id`` and ``by_slug`` find a category of the catalog.
    """

    def __init__(self, catalog, categories):
        self.catalog = catalog
        self.by_id = {category.id: category for category in categories}
        self.by_slug = {category.slug: category for category in categories}
        for category in categories:
            category.catalog = catalog  # spares one query per category in __str__ and URLs
            category.child_nodes = []
        self.roots = []
        for category in categories:
            parent = self.by_id.get(category.parent_id)
            if parent is None:
                self.roots.append(category)
            else:
                category.parent = parent
                parent.child_nodes.append(category)

    def category_ids(self):
        """Ids of every category of the catalog, ascending."""
        return sorted(self.by_id)

    def descendant_ids(self, category):
        """Ids of ``category`` and every category below it, ascending."""
        ids, stack = [], [self.by_id[category.id]]
        while stack:
            node = stack.pop()
            ids.append(node.id)
            stack.extend(node.child_nodes)
        return sorted(ids)

    def ancestors(self, category):
        """The chain of parents of ``category``, root first (for breadcrumbs)."""
        chain, node = [], self.by_id[category.id].parent if category.parent_id else None
        while node is not None:
            chain.append(node)
            node = node.parent if node.parent_id else None
        return list(reversed(chain))

    def breadcrumbs(self, category, *, link_last=False):
        """The trail to ``category`` as ``(label, url or None)`` pairs: the catalog, every
        ancestor, the category (with its URL when ``link_last``, as on a product's page)."""
        node = self.by_id[category.id]
        return [
            (self.catalog.name, self.catalog.get_absolute_url()),
            *((ancestor.name, ancestor.get_absolute_url()) for ancestor in self.ancestors(node)),
            (node.name, node.get_absolute_url() if link_last else None),
        ]
