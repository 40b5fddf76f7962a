"""The word list that corrects a misspelt search word (catalog.models.SearchWord), with a GIN
trigram index on PostgreSQL, filled from the products already there."""

from django.db import migrations, models

INDEX = "catalog_searchword_trgm"
# The same words as catalog.models.search_words: letters only, three or more.
FILL_SQL = """
INSERT INTO catalog_searchword (word)
SELECT DISTINCT w FROM catalog_product, regexp_split_to_table(search_text, ' ') AS w
WHERE w ~ '^[a-z]{3,60}$'
ON CONFLICT (word) DO NOTHING
"""


def create_index_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_searchword "
            "USING gin (word gin_trgm_ops)"
        )
        schema_editor.execute(FILL_SQL)
        return
    Product, SearchWord = apps.get_model("catalog", "Product"), apps.get_model("catalog", "SearchWord")
    words = set()
    for text in Product.objects.values_list("search_text", flat=True).iterator():
        words |= {w for w in text.split() if w.isalpha() and 3 <= len(w) <= 60}
    SearchWord.objects.bulk_create([SearchWord(word=w) for w in words], ignore_conflicts=True)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_search_trigram")]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=60, unique=True)),
            ],
        ),
        migrations.RunPython(create_index_and_fill, drop_index, elidable=False),
    ]
