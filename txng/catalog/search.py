"""Product search on the normalised `search_text` column.

Every term of the query must appear in the accent-free text (LIKE '%term%', which PostgreSQL
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

MAX_TERMS = 6
# pg_trgm's default (0.6) lets so many rows through the GIN index that the recheck dominates
# (p95 ≈ 400 ms at 100k products); 0.7 still finds one-letter slips (bench/search.py).
WORD_SIMILARITY = "0.7"


def terms(query):
    """Words of the query, with short syllables ("de", "ca") kept joined to a neighbour.

    A term under three letters has no trigram, so LIKE '%de%' would make PostgreSQL read the
    whole index; "hat de" as one term is both selective and what the person meant.
    """
    out = []
    for word in normalise(query).split():
        if out and (len(word) < 3 or len(out[-1]) < 3):
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    return out[:MAX_TERMS]


def search_products(qs, query):
    words = terms(query)
    if not words:
        return qs
    exact = qs
    for term in words:
        exact = exact.filter(search_text__contains=term)
    if connection.vendor != "postgresql" or exact.exists():
        return exact
    text = " ".join(words)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [WORD_SIMILARITY]
        )
    return (
        qs.filter(search_text__trigram_word_similar=text)
        .annotate(similarity=TrigramWordSimilarity(text, "search_text"))
        .order_by("-similarity", "name")
    )
