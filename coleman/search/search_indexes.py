"""The Haystack index of products (found by Haystack's autodiscovery).

The document (``text``) is rendered from ``search/indexes/products/product_text.txt``;
the other fields are stored so a results page is drawn from the index alone, without a
database query per result.
"""

from haystack import indexes

from coleman.products.models import Product


class ProductIndex(indexes.SearchIndex, indexes.Indexable):
    """Active products: their words, and what a result list and the filters need."""

    text = indexes.CharField(document=True, use_template=True)
    name = indexes.CharField(model_attr="name", boost=2.0)
    name_auto = indexes.EdgeNgramField(model_attr="name")
    slug = indexes.CharField(model_attr="slug", indexed=False)
    price = indexes.DecimalField(model_attr="price", indexed=False)
    photo = indexes.CharField(indexed=False, default="")
    category_id = indexes.IntegerField(model_attr="category_id")
    category = indexes.CharField(model_attr="category__name", indexed=False)
    catalog_slug = indexes.CharField(model_attr="category__catalog__slug", indexed=False)
    catalog = indexes.CharField(model_attr="category__catalog__name", indexed=False)
    manufacturer = indexes.CharField(model_attr="manufacturer", default="", indexed=False)
    description = indexes.CharField(model_attr="description", default="", indexed=False)
    updated = indexes.DateTimeField(model_attr="updated")

    def get_model(self):
        """The model this index covers."""
        return Product

    def get_updated_field(self):
        """The field ``update_index --age=N`` compares with (last modification)."""
        return "updated"

    def index_queryset(self, using=None):
        """Active products only, with what the document template reads, in few queries."""
        return (
            Product.objects.active()
            .select_related("category__catalog", "category__parent")
            .prefetch_related("details__attribute")
        )

    def prepare_photo(self, product):
        """The photo's storage name ("" without a photo)."""
        return product.photo.name or ""

    def update_object(self, instance, using=None, **kwargs):
        """Index an active product; remove a deactivated one (it must vanish from results)."""
        if not instance.is_active:
            self.remove_object(instance, using=using, **kwargs)
            return
        super().update_object(instance, using=using, **kwargs)
