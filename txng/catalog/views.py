"""Workspace pages: products, profile, documents, facilities, the approval queue, categories."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from txng.accounts.permissions import role_required
from txng.audit.models import AuditEntry
from txng.catalog import actions, media
from txng.catalog.compare import compare, product_baseline
from txng.catalog.forms import (
    CategoryForm,
    DocumentForm,
    FacilityForm,
    ImageForm,
    ProductForm,
    ProfileForm,
    ReasonForm,
    SubmitForm,
)
from txng.catalog.models import (
    Category,
    Document,
    Facility,
    Product,
    ProductImage,
    Revision,
    RevisionState,
)
from txng.common.access import get_visible_or_404
from txng.common.forms import save_form


@role_required("business", "authority")
def products(request):
    qs = Product.objects.visible_to(request.user).select_related("business", "category")
    state = request.GET.get("state")
    if state:
        qs = qs.filter(state=state)
    open_revs = dict(
        Revision.objects.visible_to(request.user)
        .open()
        .filter(product__isnull=False)
        .values_list("product_id", "state")
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    for product in page:
        product.open_state = open_revs.get(product.pk)
    return render(request, "catalog/products.html", {"page": page})


def _product_form_view(request, product=None):
    business = request.user.organisation
    initial = None
    if product is not None:
        rev = actions.open_revision(business, product)
        initial = rev.data if rev else actions.product_data(product)
    form = ProductForm(request.POST or None, initial=initial, business=business)

    def save_draft():
        data = actions.serialise(form.cleaned_data)
        if product is None:
            return actions.create_product(business, actor=request.user, data=data)[0]
        actions.save_product_draft(product, actor=request.user, data=data)
        return product

    if saved := save_form(
        request, form, save_draft, _("Đã lưu bản nháp. Gửi duyệt khi đã sẵn sàng.")
    ):
        return redirect("catalog:my_product", pk=saved.result.pk)
    return render(request, "catalog/product_form.html", {"form": form, "product": product})


@role_required("business")
def product_new(request):
    return _product_form_view(request)


@role_required("business")
def product_edit(request, pk):
    product = get_visible_or_404(Product.objects, request.user, "change", pk=pk)
    return _product_form_view(request, product)


@login_required
def product_detail(request, pk):
    product = get_visible_or_404(
        Product.objects.select_related("business", "facility"), request.user, pk=pk
    )
    rev = actions.open_revision(product.business, product)
    history = product.revisions.order_by("-number")
    is_own = request.user.organisation_id == product.business_id
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "open_revision": rev,
            "changes": compare(product_baseline(product), rev.data) if rev else [],
            "history": history,
            "is_own": is_own,
            "can_manage": actions.can_manage_business(request.user, product.business),
            "image_form": ImageForm(),
            "submit_form": SubmitForm(),
            "reason_form": ReasonForm(),
            "documents": product.documents.all(),
        },
    )


@login_required
@require_POST
def image_add(request, pk):
    product = get_visible_or_404(Product.objects, request.user, pk=pk)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.add_product_image(
                product, actor=request.user, upload=form.cleaned_data["image"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã thêm ảnh; ảnh được công bố khi được duyệt."))
    else:
        for errors in form.errors.values():
            messages.error(request, _("Ảnh: %(e)s") % {"e": " ".join(errors)})
    return redirect("catalog:my_product", pk=product.pk)


@login_required
@require_POST
def image_remove(request, pk):
    image = get_object_or_404(
        ProductImage, pk=pk, product__in=Product.objects.visible_to(request.user)
    )
    actions.remove_product_image(image, actor=request.user)
    messages.success(request, _("Đã xóa ảnh."))
    return redirect("catalog:my_product", pk=image.product_id)


@login_required
@require_POST
def submit(request, pk):
    rev = get_visible_or_404(Revision.objects, request.user, pk=pk)
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        actions.submit_revision(rev, actor=request.user, note=form.cleaned_data.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã gửi cơ quan quản lý duyệt."))
    if rev.product_id:
        return redirect("catalog:my_product", pk=rev.product_id)
    return redirect("catalog:profile")


@role_required("authority")
def queue(request):
    visible = Revision.objects.visible_to(request.user)
    state = request.GET.get("state") or RevisionState.PENDING
    counts = dict(visible.values_list("state").annotate(n=Count("id")).order_by())
    qs = visible.filter(state=state).select_related("business", "product")
    qs = qs.order_by("submitted_at" if state == RevisionState.PENDING else "-updated_at")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/queue.html",
        {
            "page": page,
            "state": state,
            "counts": [(s, label, counts.get(s, 0)) for s, label in RevisionState.choices],
        },
    )


@login_required
def revision(request, pk):
    rev = get_visible_or_404(
        Revision.objects.select_related("business", "product"), request.user, pk=pk
    )
    if rev.product_id:
        current = product_baseline(rev.product)
        approved = rev.product.revisions.filter(state=RevisionState.APPROVED)
    else:
        current = actions.profile_data(rev.business)
        approved = Revision.objects.filter(
            business=rev.business, product=None, state=RevisionState.APPROVED
        )
    against = request.GET.get("against")
    baseline = approved.filter(number=against).first() if against else None
    audit = AuditEntry.objects.filter(object_type="catalog.revision", object_id=str(rev.pk))
    return render(
        request,
        "catalog/revision.html",
        {
            "rev": rev,
            "baseline": baseline,
            "changes": compare(baseline.data if baseline else current, rev.data, all_rows=True),
            "approved": approved.exclude(pk=rev.pk),
            "can_review": actions.can_review(request.user, rev)
            and rev.state == RevisionState.PENDING,
            "reason_form": ReasonForm(),
            "audit": audit,
            "documents": (
                rev.product.documents.all()
                if rev.product_id
                else rev.business.documents.filter(product=None)
            ),
        },
    )


@login_required
@require_POST
def review(request, pk, action):
    rev = get_visible_or_404(Revision.objects, request.user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if action == "approve":
            actions.approve_revision(rev, actor=request.user, note=reason)
            messages.success(request, _("Đã duyệt và công bố."))
        elif action == "reject":
            actions.reject_revision(rev, actor=request.user, reason=reason)
            messages.success(request, _("Đã từ chối; cơ sở sẽ thấy lý do."))
        else:
            raise PermissionDenied
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("catalog:revision", pk=rev.pk)


@login_required
@require_POST
def take_down(request, pk):
    product = get_visible_or_404(Product.objects, request.user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        actions.take_down_product(
            product, actor=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã gỡ sản phẩm khỏi trang công khai."))
    return redirect("catalog:my_product", pk=product.pk)


@login_required
@require_POST
def take_down_business(request, pk):
    from txng.accounts.models import Organisation

    business = get_visible_or_404(Organisation.objects.businesses(), request.user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        actions.take_down_profile(
            business, actor=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã gỡ trang giới thiệu cơ sở."))
    return redirect("catalog:business_content", pk=business.pk)


@role_required("business")
def profile(request):
    business = request.user.organisation
    rev = actions.open_revision(business)
    data = rev.data if rev else actions.profile_data(business)
    form = ProfileForm(request.POST or None, request.FILES or None, initial=data)

    def save_draft():
        cleaned = dict(form.cleaned_data)
        logo = cleaned.pop("logo", None)
        if logo:
            from django.core.files.storage import default_storage

            cleaned["logo"] = default_storage.save(
                f"{media.PRIVATE}logos/{business.pk}/{logo.name}", logo
            )
        actions.save_profile_draft(business, actor=request.user, data=cleaned)

    if save_form(request, form, save_draft, _("Đã lưu bản nháp hồ sơ. Gửi duyệt khi đã sẵn sàng.")):
        return redirect("catalog:profile")
    return render(
        request,
        "catalog/profile.html",
        {
            "form": form,
            "business": business,
            "profile": actions.get_profile(business),
            "open_revision": rev,
            "submit_form": SubmitForm(),
            "changes": compare(actions.profile_data(business), rev.data) if rev else [],
        },
    )


@role_required("business")
def documents(request):
    business = request.user.organisation
    form = DocumentForm(request.POST or None, request.FILES or None, business=business)
    if save_form(
        request,
        form,
        lambda: actions.add_document(
            business,
            actor=request.user,
            document=form.save(commit=False),
            product=form.cleaned_data.get("product"),
        ),
        _("Đã thêm tài liệu; tài liệu được công bố khi được duyệt."),
    ):
        return redirect("catalog:documents")
    docs = Document.objects.filter(business=business).select_related("product")
    return render(request, "catalog/documents.html", {"form": form, "docs": docs})


@role_required("business")
@require_POST
def document_remove(request, pk):
    doc = get_visible_or_404(Document.objects, request.user, "change", pk=pk)
    actions.remove_document(doc, actor=request.user)
    messages.success(request, _("Đã xóa tài liệu."))
    return redirect("catalog:documents")


@role_required("business", "authority")
def facilities(request):
    qs = Facility.objects.visible_to(request.user).select_related("business", "commune")
    return render(request, "catalog/facilities.html", {"facilities": qs})


@role_required("business")
def facility_edit(request, pk=None):
    business = request.user.organisation
    facility = (
        get_visible_or_404(Facility.objects, request.user, "change", pk=pk) if pk else Facility()
    )
    form = FacilityForm(request.POST or None, instance=facility)
    if save_form(
        request,
        form,
        lambda: actions.save_facility(
            form.save(commit=False), actor=request.user, business=business
        ),
        _("Đã lưu địa điểm."),
    ):
        return redirect("catalog:facilities")
    return render(request, "catalog/facility_form.html", {"form": form, "facility": facility})


@role_required("dost")
def categories(request, pk=None):
    category = get_object_or_404(Category, pk=pk) if pk else Category()
    form = CategoryForm(request.POST or None, instance=category)
    if save_form(
        request,
        form,
        lambda: actions.save_category(form.save(commit=False), actor=request.user),
        _("Đã lưu danh mục."),
    ):
        return redirect("catalog:categories")
    tree = Category.objects.select_related("parent").annotate(n=Count("products"))
    return render(
        request, "catalog/categories.html", {"form": form, "tree": tree, "category": category}
    )


@role_required("authority")
def business_content(request, pk):
    """An official's view of one business's public content, with the profile takedown."""
    from txng.accounts.models import Organisation

    business = get_visible_or_404(Organisation.objects, request.user, "manage", pk=pk)
    return render(
        request,
        "catalog/business_content.html",
        {
            "business": business,
            "profile": actions.get_profile(business),
            "products": Product.objects.filter(business=business),
            "revisions": Revision.objects.filter(business=business).select_related("product")[:20],
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def feature(request, pk):
    product = get_visible_or_404(Product.objects, request.user, pk=pk)
    actions.set_featured(product, actor=request.user, featured=not product.featured)
    messages.success(request, _("Đã cập nhật sản phẩm tiêu biểu."))
    return redirect("catalog:my_product", pk=product.pk)
