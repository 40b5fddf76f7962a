"""Stars a product carried before OCOP scoring existed become pending applications, copied
before the catalog drops the column."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("ocop", "0001_initial"), ("catalog", "0006_merge_stars_and_limits")]


def test_declared_stars_become_pending_applications(business):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Product = old.get_model("catalog", "Product")
    starred = Product.objects.create(business_id=business.pk, name="Chè cũ", ocop_stars=4)
    Product.objects.create(business_id=business.pk, name="Không sao")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from txng.catalog.models import Product as NewProduct
    from txng.ocop.models import Application, AppState

    app = Application.objects.get()
    assert (app.product_id, app.claimed_stars, app.state) == (starred.pk, 4, AppState.SUBMITTED)
    assert not hasattr(NewProduct.objects.get(pk=starred.pk), "ocop_stars")
