from django.conf import settings


class VietnameseFirstMiddleware:
    """Vietnamese unless the visitor picked English with the language switch.

    A provincial service speaks Vietnamese by default, whatever the browser's Accept-Language
    says (many phones here are set to English); the language cookie still wins.

    Two exceptions. `?lang=en` (any of LANGUAGES) shows that one page in that language without
    setting the cookie: a link can then name the English page, as the GS1 resolver's linkset does
    (hreflang). And the header is kept as `request.accept_language` for the resolver, whose
    standard asks it to choose between a link's languages by Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        # RetryReadsMiddleware runs the stack twice on one request: the header popped on the
        # first pass must not become "" on the second.
        if not hasattr(request, "accept_language"):
            request.accept_language = request.META.pop("HTTP_ACCEPT_LANGUAGE", "")
        asked = request.GET.get("lang", "")
        if asked in self.languages:
            # Read by LocaleMiddleware, next in line; nothing is sent back to the browser.
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = asked
        return self.get_response(request)
