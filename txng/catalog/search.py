"""Product and business search on normalised (accent-free) text, ranked by relevance.

Products: every term of the query must appear in `search_text` (LIKE '%term%', which PostgreSQL
answers from the pg_trgm GIN index, migration 0003; SQLite scans, fine at demo size). On
PostgreSQL the matches are ranked by trigram word similarity to the whole query, newest first
among equals; SQLite ranks a match at the start of the text first, then by name.

A typo ("mien dongg", "hat de trung kan"): the terms that do appear narrow the rows through the
index, and `%>` (word similarity above a threshold, also answered by the GIN index) tolerates the
misspelt rest; only when no term appears at all does the whole query go to `%>` alone. Checking
the misspelt query against the whole table by similarity cost p95 ≈ 300 ms over 100,000 products
(bench/search.py); narrowing first keeps it within the search goal.
"""

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, models
from django.db.models import Case, IntegerField, Q, Value, When

from txng.catalog.text import normalise

# django.contrib.postgres is not an installed app (SQLite must work), so register the `%>`
# lookup here; it is only ever used when the connection is PostgreSQL.
models.TextField.register_lookup(TrigramWordSimilar)

MAX_TERMS = 6
# Word similarity a misspelt query must reach within a product's text. With the correct terms
# already required, 0.5 lets a dropped or doubled letter through ("dongg", "kan" for "khanh").
WORD_SIMILARITY = "0.5"
# Alone (no term of the query appears anywhere) the bar is higher: every row of the index is
# a candidate, and a low bar returns noise.
WORD_SIMILARITY_ALONE = "0.6"


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


def _set_threshold(value):
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [value])


def _ranked(qs, text):
    """Most relevant first: the query's likeness to the product's name (its slug is the
    normalised name; trigrams treat the hyphens as spaces), then to the whole text, which also
    holds the brand, GTIN, business and category."""
    if connection.vendor == "postgresql":
        return qs.annotate(
            relevance=TrigramWordSimilarity(text, "slug")
            + TrigramWordSimilarity(text, "search_text")
        ).order_by("-relevance", "-published_at", "pk")
    slug = text.replace(" ", "-")
    return qs.annotate(
        relevance=Case(
            When(slug__startswith=slug, then=Value(3)),
            When(slug__contains=slug, then=Value(2)),
            When(search_text__contains=text, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("-relevance", "name", "pk")


def search_products(qs, query):
    words = terms(query)
    if not words:
        return qs
    text = " ".join(words)
    exact = qs
    for term in words:
        exact = exact.filter(search_text__contains=term)
    if connection.vendor != "postgresql" or exact.exists():
        return _ranked(exact, text)
    # Typo: keep the terms that appear somewhere, let similarity judge the rest.
    base = qs.model.objects.all()
    found = [term for term in words if base.filter(search_text__contains=term).exists()]
    narrowed = qs
    for term in found:
        narrowed = narrowed.filter(search_text__contains=term)
    if found:
        _set_threshold(WORD_SIMILARITY)
        narrowed = narrowed.filter(search_text__trigram_word_similar=text)
        if narrowed.exists():
            return _ranked(narrowed, text)
    # A misspelt word may be another word that exists ("kan" in "bac kan"): then the words
    # that appear do not belong together, and only similarity to the whole query is left.
    _set_threshold(WORD_SIMILARITY_ALONE)
    return _ranked(qs.filter(search_text__trigram_word_similar=text), text)


def search_businesses(qs, query):
    """Businesses whose name contains every term, accent-insensitively (the profile's slug is
    the normalised name; a business without a profile yet matches the name as typed), shortest
    name first: the closest match to what was typed."""
    words = terms(query)
    if not words:
        return qs.none()
    cond = Q()
    for term in words:
        cond &= Q(profile__slug__contains=term.replace(" ", "-"))
    cond |= Q(name__icontains=query.strip())
    return qs.filter(cond).order_by(models.functions.Length("name"), "name")
