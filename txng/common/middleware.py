class VietnameseFirstMiddleware:
    """Vietnamese unless the visitor picked English with the language switch.

    A provincial service speaks Vietnamese by default, whatever the browser's Accept-Language
    says (many phones here are set to English); the language cookie still wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
