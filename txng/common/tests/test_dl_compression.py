"""GS1 Digital Link compression against published examples.

From GS1's own repositories: the compression prototype's notes
(gs1/GS1DigitalLinkCompressionPrototype, `AQnYUc1gmiERBhQ0ytiyZuAGOLc1TQ`, with and without
compressed non-GS1 pairs) and the Resolver
CE's announcement of compression (`AQnO2IRCICDKWcnpqQtCQiJABemo`). The rest are the table of a
GS1 Digital Link library derived from GS1's prototype (Solidsoft Reply's Gs1DigitalLinkLib),
which covers the optimisation codes, the newer AI (235) and variable-length numbers (8011, 8019).
"""

import pytest

from txng.common.dl_compression import CompressionError, compress, decompress

EXAMPLES = [
    ("AN2yxDhfaiaw", [("00", "998440410914660971")]),
    ("AQnYUc1gmg", [("01", "05412345000013")]),
    ("AQnYUc1gmiCNV4JG", [("01", "05412345000013"), ("10", "ABC123")]),
    (
        "AQnYUc1gmiCNV4JGQhcNT6K6c",
        [("01", "05412345000013"), ("10", "ABC123"), ("21", "72292641703")],
    ),
    (
        "AQnYUc1gmiCNV4JGQhcNT6K6cibQCWN9Pee9tT-PQ",
        [("01", "05412345000013"), ("10", "ABC123"), ("21", "72292641703")]
        + [("22", "AJY3095721P49")],
    ),
    ("AQnYUc1gmkax7ipGrOHDPC5YNI8hMz", [("01", "05412345000013"), ("235", "8TFV883a904GH&3")]),
    ("gASXYNWjFkzaNWbdk5YQWjFNHkcODNm", [("8004", "0541234537290A41&GHpp33")]),
    ("QVSaVjC_dA", [("415", "5060917510004")]),
    ("EEarwSOABgwEj9s0bAmQ", [("10", "ABC123"), ("8006", "054123450000130201")]),
    (
        "gBCVYNWjFkzaNWbdk5YQWjFHHkM2cAI0xdvpGo",
        [("8010", "0541234537290A41#GH33"), ("8011", "6639047221")],
    ),
    ("gBe1ajAd9ATDmAGXPRfk", [("8017", "817019610850151481"), ("8019", "4003812")]),
    ("gBhbV6rzBENPk", [("8018", "411369833821910265")]),
    (
        "AQnO2IRCICDKWcnpqQtCQiJABemo",
        [("01", "05392000229648"), ("10", "LOT01"), ("21", "SERIAL01")],
    ),
    (
        "AQnYUc1gmiERBhQ0ytiyZuAGOLc1TQ",
        [("01", "05412345000013"), ("10", "ABC&+123"), ("7003", "1903061658")],
    ),
]


@pytest.mark.parametrize("segment,pairs", EXAMPLES)
def test_published_compressed_links_decompress_to_their_element_strings(segment, pairs):
    found, other = decompress(segment)
    assert sorted(found) == sorted(pairs)
    assert other == {}


@pytest.mark.parametrize("segment,pairs", EXAMPLES)
def test_compressing_gives_back_the_published_form(segment, pairs):
    found, _other = decompress(segment)
    assert segment in (compress(found), compress(found, optimise=True))


def test_non_gs1_key_value_pairs_come_out_beside_the_ais():
    found, other = decompress("AQnYUc1gmiERBhQ0ytiyZuAGOLc1TXgpNWCv1")
    assert ("7003", "1903061658") in found
    assert other == {"k1": "v1"}


def test_a_number_with_leading_zeros_keeps_them():
    # The digit count is in the bit string, so "0012" is not read back as "12".
    pairs = [("01", "08934567890007"), ("10", "0012"), ("8019", "0042")]
    assert decompress(compress(pairs))[0] == pairs


@pytest.mark.parametrize("segment", ["AQnYUc1gmiCNV4", "_____________", "AQnYUc1gmg!", "AA"])
def test_what_is_not_a_compressed_link_is_refused(segment):
    with pytest.raises(CompressionError):
        decompress(segment)
