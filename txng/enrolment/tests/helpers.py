from txng.common.demo_files import pdf_upload


def form_data(addressed_to, commune, **overrides):
    data = {
        "addressed_to": addressed_to.pk,
        "name": "Hợp tác xã Miến dong Phja Đén",
        "address": "Xóm Phja Đén",
        "commune": commune.pk,
        "phone": "0912345678",
        "email": "htx@example.vn",
        "tax_code": "0100109106",
        "representative": "Nông Văn Dũng",
        "business_type": "cooperative",
        "production_area": "2 ha",
        "capacity": "10 tấn/năm",
        "products": "Miến dong",
        "purposes": ["reputation"],
        "other_purpose": "",
        "commitment": "on",
        "privacy_consent": "on",
        "licence": pdf_upload(),
    }
    data.update(overrides)
    return data


def make_dossier(addressed_to, commune, **overrides):
    from txng.enrolment import actions
    from txng.enrolment.models import Dossier

    fields = {
        "addressed_to": addressed_to,
        "name": "HTX Miến dong",
        "address": "Xóm 1",
        "commune": commune,
        "phone": "0912345678",
        "email": "htx@example.vn",
        "tax_code": "0100109106",
        "representative": "Nông Văn Dũng",
        "business_type": "cooperative",
        "products": "Miến dong",
        "purposes": ["reputation"],
        "commitment": True,
        "privacy_consent": True,
        "licence": pdf_upload(),
    }
    fields.update(overrides)
    return actions.submit_dossier(Dossier(**fields))
