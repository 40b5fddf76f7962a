from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from txng.accounts.models import Organisation, OrgKind
from txng.catalog.models import Category
from txng.common import limits
from txng.common.uploads import IMAGE_TYPES, UploadField
from txng.public.models import Article, Banner, Post, PostKind, Section


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm sản phẩm, cơ sở"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Ví dụ: hạt dẻ, mien dong")}
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Danh mục"),
        # A sub-category's label names its parent: read with it, not one query per option.
        queryset=Category.objects.select_related("parent"),
        required=False,
        empty_label=_("Tất cả"),
    )
    commune = forms.ModelChoiceField(
        label=_("Xã, phường"),
        queryset=Organisation.objects.filter(kind=OrgKind.COMMUNE),
        required=False,
        empty_label=_("Tất cả"),
    )
    agency = forms.ModelChoiceField(
        label=_("Cơ quan quản lý"),
        queryset=Organisation.objects.agencies(),
        required=False,
        empty_label=_("Tất cả"),
    )
    ocop = forms.TypedChoiceField(
        label=_("OCOP"),
        choices=[("", _("Tất cả")), *[(i, f"≥ {i}★") for i in range(3, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def apply(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data.get("category"):
            qs = qs.filter(category__in=data["category"].descendant_ids())
        if data.get("commune"):
            qs = qs.filter(business__commune=data["commune"])
        if data.get("agency"):
            qs = qs.filter(business__managers=data["agency"])
        if data.get("ocop"):
            # Stars come only from a valid OCOP result (the ocop app); read by relation name
            # so this lower app needs no import of it.
            today = timezone.localdate()
            qs = qs.filter(
                ocop_results__stars__gte=data["ocop"],
                ocop_results__revoked_at__isnull=True,
                ocop_results__recognised_on__lte=today,
                ocop_results__valid_until__gte=today,
            ).distinct()
        if data.get("q"):
            qs = qs.search(data["q"])
        return qs


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=_("Sản phẩm"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Loại tin"), choices=[("", _("Tất cả")), *PostKind.choices], required=False
    )


class ArticleForm(forms.ModelForm):
    image = UploadField(label=_("Ảnh đại diện"), allowed=IMAGE_TYPES, required=False)

    class Meta:
        model = Article
        fields = ["section", "title", "summary", "body", "image", "is_published", "published_at"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 12}),
            "published_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }


class BannerForm(forms.ModelForm):
    image = UploadField(label=_("Ảnh"), allowed=IMAGE_TYPES)

    class Meta:
        model = Banner
        fields = ["title", "image", "link", "starts_at", "ends_at", "position"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = [
            "kind",
            "product_name",
            "quantity",
            "period",
            "area",
            "contact",
            "details",
            "expires_on",
        ]
        widgets = {
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "details": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if value < today:
            raise forms.ValidationError(_("Hết hạn đăng: phải từ hôm nay trở đi."))
        if (value - today).days > 180:
            raise forms.ValidationError(_("Hết hạn đăng: tối đa 180 ngày."))
        return value


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=limits.REASON,
        label=_("Lý do"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["name", "slug", "position"]
