"""Short random codes people can read aloud and type: Crockford base32, no look-alikes."""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def random_code(length=10):
    return "".join(secrets.choice(ALPHABET) for _ in range(length))
