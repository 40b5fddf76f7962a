# The English pages of a Vietnamese system keep Vietnam's day/month/year order; only the
# number separators are English.
from txng.formats.vi.formats import *  # noqa: F403

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
