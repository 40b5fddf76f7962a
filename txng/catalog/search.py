"""Product and business search on normalised (accent-free) text, ranked by relevance.

Products: every term of the query must appear in `search_text` (LIKE '%term%', which PostgreSQL
answers from the pg_trgm GIN index on that unaccented column, migration 0003; SQLite scans, fine
at demo size), ranked by how well the product's name matches (`_tier`), newest first among
equals (by name on SQLite, the demo's simple fallback).

A typo ("mien dongg", "hat de trung kan"), PostgreSQL only: see `_typo`.
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


def _tier(qs, words):
    """Cheap relevance, from the normalised name (the slug, words joined by hyphens): the name
    starts with the query (3), holds it as a phrase (2), holds every word (1), or the words are
    only in the brand, business or category (0). Plain LIKE tests: the page sorts thousands of
    matches for a common word, and trigram similarity per row cost p95 ≈ 1 s there."""
    phrase = "-".join(" ".join(words).split())
    every_word = Q()
    for term in words:
        every_word &= Q(slug__contains=term.replace(" ", "-"))
    return qs.annotate(
        relevance=Case(
            When(slug__startswith=phrase, then=Value(3)),
            When(slug__contains=phrase, then=Value(2)),
            When(every_word, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def search_products(qs, query):
    words = terms(query)
    if not words:
        return qs
    exact = qs
    for term in words:
        exact = exact.filter(search_text__contains=term)
    newest = "-published_at" if connection.vendor == "postgresql" else "name"
    if connection.vendor != "postgresql" or exact.exists():
        return _tier(exact, words).order_by("-relevance", newest, "pk")
    return _typo(qs, words)


def _typo(qs, words):
    """Keep the words that appear somewhere (the GIN index narrows to a few hundred rows), and
    let word similarity judge the misspelt rest on those rows only. Written as a function, not
    the `%>` operator, so PostgreSQL does not also read the index for it: at a low threshold
    nearly every row shares a trigram with the query, which made typos cost p95 ≈ 300 ms."""
    text = " ".join(words)
    base = qs.model.objects.all()
    found = [term for term in words if base.filter(search_text__contains=term).exists()]
    if found:
        narrowed = qs
        for term in found:
            narrowed = narrowed.filter(search_text__contains=term)
        narrowed = narrowed.annotate(
            likeness=TrigramWordSimilarity(text, "search_text"),
            name_likeness=TrigramWordSimilarity(text, "slug"),
        ).filter(likeness__gte=float(WORD_SIMILARITY))
        if narrowed.exists():
            return narrowed.order_by("-name_likeness", "-likeness", "-published_at", "pk")
    # No word appears, or those that do are not together ("kan" in "bac kan"): only the
    # whole query's similarity is left, through the index.
    _set_threshold(WORD_SIMILARITY_ALONE)
    return (
        qs.filter(search_text__trigram_word_similar=text)
        .annotate(likeness=TrigramWordSimilarity(text, "search_text"))
        .order_by("-likeness", "-published_at", "pk")
    )


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
