"""Product and business search on normalised (accent-free) text, ranked by relevance.

Products: every term of the query must appear in `search_text` (LIKE '%term%', which PostgreSQL
answers from the pg_trgm GIN index on that unaccented column, migration 0003; SQLite scans, fine
at demo size), ranked by how well the product's name matches (`_tier`), newest first among
equals (by name on SQLite, the demo's simple fallback).

A typo ("mien dongg", "hat de trung kan"), PostgreSQL only: see `_typo`.
"""

from django.apps import apps as django_apps
from django.contrib.postgres.lookups import TrigramSimilar, TrigramWordSimilar
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.functional import cached_property

from txng.catalog.text import normalise

# django.contrib.postgres is not an installed app (SQLite must work), so register the `%>`
# lookup here; it is only ever used when the connection is PostgreSQL.
models.TextField.register_lookup(TrigramWordSimilar)
models.CharField.register_lookup(TrigramSimilar)

MAX_TERMS = 6
# Past this many matches the search page says "more than 1,000" and stops counting: an exact
# COUNT of a common word or a corrected typo read thousands of rows for one number.
COUNT_CAP = 1000
# The last resort of a typo (`_typo`): word similarity of the whole query to a product's text.
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


def nearest_words(word, limit=3):
    """The known words most like a misspelt one ("dongg" → "dong"), by trigram similarity
    through the GIN index on the small SearchWord table: the word itself when it is known,
    else the closest ones (those as close as the best, less a margin: each adds matches)."""
    # By name through the app registry: models imports this module for Product.search, and
    # the layering test keeps modules of one app out of import circles.
    SearchWord = django_apps.get_model("catalog", "SearchWord")  # noqa: N806
    rows = list(
        SearchWord.objects.filter(word__trigram_similar=word)
        .annotate(likeness=TrigramSimilarity("word", word))
        .order_by("-likeness", "word")
        .values_list("word", "likeness")[:limit]
    )
    if not rows:
        return []
    if rows[0][0] == word:
        return [word]
    best = rows[0][1]
    return [w for w, likeness in rows if likeness >= best - 0.05]


def _typo(qs, words):
    """Correct each word that appears nowhere to its nearest known words and search again with
    the same indexed LIKE tests; a word like nothing known is left out ("kan" is too far from
    "khanh", but "hat de trung" still finds the product). Measuring the whole query's similarity
    against every product instead cost p95 ≈ 300 ms at 100,000 products (bench/search.py); it
    stays only as the last resort, when the words each appear but never together."""
    base = qs.model.objects.all()
    chosen = []  # per term: the words any of which may stand for it
    for term in words:
        if base.filter(search_text__contains=term).exists():
            chosen.append([term])
            continue
        options = [near for w in term.split() if len(w) >= 3 for near in nearest_words(w)]
        if options:
            chosen.append(options)
    if chosen:
        found = qs
        for options in chosen:
            either = Q()
            for option in options:
                either |= Q(search_text__contains=option)
            found = found.filter(either)
        if found.exists():
            best = [options[0] for options in chosen]
            return _tier(_candidates(found), best).order_by("-relevance", "-published_at", "pk")
    text = " ".join(words)
    _set_threshold(WORD_SIMILARITY_ALONE)
    return (
        _candidates(qs.filter(search_text__trigram_word_similar=text))
        .annotate(likeness=TrigramWordSimilarity(text, "search_text"))
        .order_by("-likeness", "-published_at", "pk")
    )


def _candidates(found):
    """At most COUNT_CAP + 1 of the matches of a corrected query, in no order (the database stops
    reading once it has them), to rank. A typo whose surviving words are common ("le bo lam"
    keeps only "lam"), or the last resort's whole-query similarity, matched thousands of
    products, and ranking them all cost up to 800 ms under load (bench/search.py); a corrected
    query is a guess, so ranking a sample of its matches is fair. One more than the cap keeps
    the page's "more than 1,000" true."""
    # The outer query needs only the ids: repeating the match tests there (a word similarity
    # per row) cost as much again. Every filter of `found` is inside the subquery.
    return found.model.objects.filter(pk__in=found.order_by().values("pk")[: COUNT_CAP + 1])


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


class CappedPaginator(Paginator):
    """Counts matches only up to COUNT_CAP + 1 (the unordered query, LIMIT cap + 1, which stops
    reading once it has that many); `capped` tells the page to say "more than" the cap. The
    pages past the cap are not offered."""

    cap = COUNT_CAP

    @cached_property
    def count(self):
        # Only the ids: the ranking's annotations (a CASE of LIKE tests, a word similarity)
        # would otherwise be computed for every counted row.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self):
        return self.count > self.cap
