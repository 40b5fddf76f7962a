from django.contrib.sitemaps import Sitemap

from txng.accounts.models import Organisation, OrgStatus
from txng.catalog.models import Product, business_url
from txng.public.models import Article


class ProductSitemap(Sitemap):
    changefreq = "weekly"
    limit = 10000

    def items(self):
        return Product.objects.published().only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class BusinessSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return (
            Organisation.objects.businesses()
            .filter(status=OrgStatus.ACTIVE)
            .exclude(profile__state="withdrawn")
            .order_by("pk")
        )

    def location(self, obj):
        return business_url(obj)


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.published()

    def lastmod(self, obj):
        return obj.updated_at


SITEMAPS = {"products": ProductSitemap, "businesses": BusinessSitemap, "news": ArticleSitemap}
