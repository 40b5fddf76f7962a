"""A version token for the news and banners the public pages show, so they can be cached safely:
each save or delete of an article, a banner or a section bumps it when its transaction commits
(apps.py). What changes with the clock alone (an article or a banner whose time comes) is
handled by the cached page's own end (`frame_until`, txng/common/pagecache.py)."""

from txng.common.cacheversion import CacheVersion

NEWS_VERSION = CacheVersion("public:news-version")
