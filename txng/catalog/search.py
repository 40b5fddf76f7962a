"""Product search on the normalised `search_text` column.

Every word of the query must appear in the accent-free text (LIKE '%word%', which PostgreSQL
answers from the pg_trgm GIN index and SQLite by a scan, fine at demo size). When nothing
matches and the database is PostgreSQL, fall back to trigram word similarity so a typo
("hat de trung khan") still finds the product.
"""

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, models

from txng.catalog.text import normalise

# django.contrib.postgres is not an installed app (SQLite must work), so register the `%>`
# lookup here; it is only ever used when the connection is PostgreSQL.
models.TextField.register_lookup(TrigramWordSimilar)


def search_products(qs, query):
    words = normalise(query).split()
    if not words:
        return qs
    exact = qs
    for word in words[:8]:
        exact = exact.filter(search_text__contains=word)
    if connection.vendor != "postgresql" or exact.exists():
        return exact
    text = " ".join(words[:8])
    return (
        qs.filter(search_text__trigram_word_similar=text)
        .annotate(similarity=TrigramWordSimilarity(text, "search_text"))
        .order_by("-similarity", "name")
    )
