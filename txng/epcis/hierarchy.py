"""WD_readPoint and WD_bizLocation: a location "or any of its descendants" (EPCIS 2.0 8.2.7.1).

The standard leaves the hierarchy to the repository's master data. The one this system has is
who holds which place: a business (named by its PGLN `https://id.gs1.org/417/<GLN>`, its GLN as a
location `…/414/<GLN>`, or its https party URI) contains its facilities; and a GLN contains its
sub-locations (`…/414/<GLN>/254/<extension>`, GS1's GLN extension). A place with no such
children (a facility, a location of another system) is only itself, so WD_ then answers what
EQ_ answers.
"""

import re

from django.db.models import Q

from txng.accounts.models import Organisation
from txng.tracing.codes import id_base, location_uri
from txng.tracing.eventindex import canonical

_GLN_URI = re.compile(r"^https://id\.gs1\.org/(?:414|417)/(\d{13})$")


def _organisation(uri):
    gln = _GLN_URI.match(uri)
    if gln:
        return Organisation.objects.filter(gln=gln[1]).first()
    party = f"{id_base()}/party/"
    if uri.startswith(party) and "/" not in uri[len(party) :]:
        return Organisation.objects.filter(ref=uri[len(party) :]).first()
    return None


def descendants(uris):
    """The location URIs `uris` stand for: themselves (as written and in GS1's canonical form)
    and the facilities of the businesses among them."""
    found = set()
    for uri in uris:
        found.add(uri)
        found.add(canonical(uri))
        organisation = _organisation(canonical(uri))
        if organisation is not None:
            found.update(location_uri(f) for f in organisation.facilities.all())
    return {uri for uri in found if uri}


def within(column, uris):
    """A filter on an event's `column` (read_point, biz_location): one of `uris` or below it."""
    places = descendants(uris)
    condition = Q(**{f"{column}__in": sorted(places)})
    for place in places:
        if re.fullmatch(r"https://id\.gs1\.org/414/\d{13}", place):
            condition |= Q(**{f"{column}__startswith": f"{place}/254/"})
    return condition
