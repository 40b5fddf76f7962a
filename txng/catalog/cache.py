"""A version token for what the public catalogue shows (products, their images and categories,
businesses and their profiles, facilities), so public pages can be cached safely.

Each save or delete of one of those rows bumps it when its transaction commits (apps.py); pages
cached under it (the home page, search results) are rendered again on their next request in any
process. Apps above catalog whose data shows on the product cards bump it too (OCOP results).
"""

from txng.common.cacheversion import CacheVersion

CATALOG_VERSION = CacheVersion("catalog:public-version")
catalog_version = CATALOG_VERSION.get
bump_catalog_version = CATALOG_VERSION.bump
