from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class OrganisationAwareBackend(ModelBackend):
    """Username/password login that also honours the organisation's lock or revocation.

    A locked user's password still checks out here, so the login form can tell them why they
    are locked instead of a bare "wrong password"; sessions of locked users stop working at once
    because `get_user` refuses them.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.DEBUG and password == settings.DEMO_PASSWORD:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        user = super().get_user(user_id)
        if user is not None and user.organisation_id and not user.organisation.is_active:
            return None
        return user
