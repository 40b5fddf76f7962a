"""DOST edits a score sheet on a page: saving makes a new draft version checked as the XLSX
import checks it; the version edited, and the scorings that pinned it, stay as they were."""

import copy

import pytest
from django.urls import reverse

from txng.audit.models import AuditEntry
from txng.catalog.tests.helpers import published
from txng.ocop import actions, sheets
from txng.ocop.audit_actions import AuditAction
from txng.ocop.demo_sheet import EXAMPLE_CRITERIA
from txng.ocop.models import ScoreSheet, SheetState
from txng.ocop.tests.helpers import best_answers, example_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(dost_admin):
    return example_sheet(dost_admin)


def _post_data(rows, extra=0):
    """The editor's POST: every row as shown (numbered from 0), `extra` blank new rows."""
    data = {
        "rows-TOTAL_FORMS": str(len(rows) + extra),
        "rows-INITIAL_FORMS": str(len(rows)),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "2000",
    }
    for i, row in enumerate(rows):
        data[f"rows-{i}-ORDER"] = str((i + 1) * 10)
        for key, value in row.items():
            if key == "bonus" or key == "DELETE":
                if value:
                    data[f"rows-{i}-{key}"] = "on"
            else:
                data[f"rows-{i}-{key}"] = value
    for i in range(len(rows), len(rows) + extra):
        for key in ("part", "group", "text", "label", "points"):
            data[f"rows-{i}-{key}"] = ""
    return data


def _c_rows(rows, points):
    return [i for i, r in enumerate(rows) if r["part"] == "C" and r["points"] == points]


def test_page_lists_every_option_row_with_blank_rows_to_add(client, dost_admin, sheet):
    client.force_login(dost_admin)
    response = client.get(reverse("ocop:sheet_edit", args=[sheet.pk]))
    rows = sheets.to_rows(EXAMPLE_CRITERIA)
    formset = response.context["formset"]
    assert response.status_code == 200
    assert formset.initial_form_count() == len(rows)
    assert formset.total_form_count() == len(rows) + 5
    assert 'name="rows-0-DELETE"' in response.content.decode()
    assert (
        reverse("ocop:sheet_edit", args=[sheet.pk])
        in client.get(reverse("ocop:sheet", args=[sheet.pk])).content.decode()
    )


def test_dost_edits_a_published_sheet_into_a_new_draft_leaving_the_pinned_one(
    client, dost_admin, sheet, biz_owner, dept_officer, commune_officer
):
    product = published(biz_owner, dept_officer, name="Miến dong Nguyên Bình")
    app = actions.apply(product, actor=biz_owner, group="food")
    scored = actions.commune_score(
        app, actor=commune_officer, answers=best_answers(EXAMPLE_CRITERIA)
    )
    before = copy.deepcopy(sheet.criteria)
    rows = sheets.to_rows(EXAMPLE_CRITERIA)
    # Rename one option: the new version carries it, the pinned version does not.
    rows[0]["label"] = "Mức mới đặt lại tên"
    client.force_login(dost_admin)
    data = _post_data(rows, extra=5)
    response = client.post(reverse("ocop:sheet_edit", args=[sheet.pk]), data)
    draft = ScoreSheet.objects.exclude(pk=sheet.pk).get()
    assert response.status_code == 302 and response.url == reverse("ocop:sheet", args=[draft.pk])
    assert draft.state == SheetState.DRAFT and draft.version == sheet.version + 1
    assert draft.criteria[0]["options"][0]["label"] == "Mức mới đặt lại tên"
    assert draft.group == sheet.group and draft.title == sheet.title
    sheet.refresh_from_db()
    scored.refresh_from_db()
    assert sheet.criteria == before and sheet.state == SheetState.PUBLISHED
    assert scored.sheet_id == sheet.pk
    app.refresh_from_db()
    assert app.sheet_id == sheet.pk
    event = AuditEntry.objects.filter(action=AuditAction.SAVE_SHEET).latest("pk")
    assert event.changes["based_on"] == [None, sheet.version]
    # The new draft goes out through the existing publish flow.
    client.post(reverse("ocop:sheet", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.state == SheetState.PUBLISHED
    assert ScoreSheet.objects.current("food") == draft


def test_rows_can_be_added_between_others_and_deleted(client, dost_admin, sheet):
    rows = sheets.to_rows(EXAMPLE_CRITERIA)
    first = EXAMPLE_CRITERIA[0]
    data = _post_data(rows, extra=2)
    # The first criterion's second option is deleted; a new one goes in a blank row, placed by its
    # order number between the second and third rows (20 < 25 < 30).
    data["rows-1-DELETE"] = "on"
    n = len(rows)
    data.update(
        {
            f"rows-{n}-part": first["part"],
            f"rows-{n}-group": first["group"],
            f"rows-{n}-text": first["text"],
            f"rows-{n}-label": "Mức mới thêm",
            f"rows-{n}-points": "2",
            f"rows-{n}-ORDER": "25",
        }
    )
    client.force_login(dost_admin)
    response = client.post(reverse("ocop:sheet_edit", args=[sheet.pk]), data)
    assert response.status_code == 302
    draft = ScoreSheet.objects.exclude(pk=sheet.pk).get()
    labels = [o["label"] for o in draft.criteria[0]["options"]]
    old = [o["label"] for o in first["options"]]
    assert labels == [old[0], "Mức mới thêm", *old[2:]]
    assert len(draft.criteria) == len(EXAMPLE_CRITERIA)


def test_bad_maxima_are_refused_naming_the_part_and_nothing_is_saved(client, dost_admin, sheet):
    rows = sheets.to_rows(EXAMPLE_CRITERIA)
    rows[_c_rows(rows, "10")[0]]["points"] = "12"
    client.force_login(dost_admin)
    response = client.post(reverse("ocop:sheet_edit", args=[sheet.pk]), _post_data(rows))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Phần C: tổng điểm tối đa là 37, phải là 35." in html
    assert ScoreSheet.objects.count() == 1
    assert not AuditEntry.objects.filter(
        action=AuditAction.SAVE_SHEET, object_id=str(sheet.pk + 1)
    ).exists()


def test_a_bad_row_is_refused_naming_the_row_and_field(client, dost_admin, sheet):
    rows = sheets.to_rows(EXAMPLE_CRITERIA)
    rows[2]["points"] = "nhiều"
    rows[4]["label"] = ""
    client.force_login(dost_admin)
    html = client.post(
        reverse("ocop:sheet_edit", args=[sheet.pk]), _post_data(rows)
    ).content.decode()
    assert "Dòng 5, Mức đánh giá:" in html
    rows[4]["label"] = "Có lại"
    html = client.post(
        reverse("ocop:sheet_edit", args=[sheet.pk]), _post_data(rows)
    ).content.decode()
    assert "Dòng 3: cột “Điểm” phải là số." in html
    assert ScoreSheet.objects.count() == 1


def test_import_and_page_share_one_row_reader(client, dost_admin, sheet):
    rows = sheets.to_rows(EXAMPLE_CRITERIA)
    numbered = [
        (n, [r["part"], r["group"], r["text"], r["label"], r["points"], "x" if r["bonus"] else ""])
        for n, r in enumerate(rows, start=1)
    ]
    assert sheets.criteria_from_rows(numbered, field="criteria") == EXAMPLE_CRITERIA


@pytest.mark.parametrize("persona", ["commune_officer", "biz_owner", "dept_officer"])
def test_only_dost_edits_sheets(client, request, persona, sheet):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("ocop:sheet_edit", args=[sheet.pk])
    assert client.get(url).status_code in (403, 404)
    data = _post_data(sheets.to_rows(EXAMPLE_CRITERIA))
    assert client.post(url, data).status_code in (403, 404)
    assert ScoreSheet.objects.count() == 1


def test_the_action_refuses_anyone_but_dost(sheet, commune_officer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.draft_from(sheet, actor=commune_officer, criteria=EXAMPLE_CRITERIA)
    assert ScoreSheet.objects.count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sheet_editor_fits_a_phone_and_saves(phone, dost_admin, screenshot_dir):
    import re

    from playwright.sync_api import expect

    from txng.accounts.tests.factories import PASSWORD

    sheet = example_sheet(dost_admin)
    phone.goto("/accounts/login/")
    phone.fill("#id_username", dost_admin.username)
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(r"/manage/"))
    phone.goto(reverse("ocop:sheet", args=[sheet.pk]))
    phone.click(f"a[href='{reverse('ocop:sheet_edit', args=[sheet.pk])}']")
    phone.fill("#id_rows-0-label", "Ngoài tỉnh (sửa trên điện thoại)")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(screenshot_dir / "ocop-sheet-edit-360.png"), full_page=False)
    phone.locator("form button[type=submit]").last.click()
    expect(phone.locator("h1")).to_contain_text(f"v{sheet.version + 1}")
    draft = ScoreSheet.objects.get(version=sheet.version + 1)
    assert draft.criteria[0]["options"][0]["label"] == "Ngoài tỉnh (sửa trên điện thoại)"
