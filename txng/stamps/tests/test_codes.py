import pytest
from hypothesis import given
from hypothesis import strategies as st

from txng.stamps import codes as code_module
from txng.stamps.codes import (
    ALPHABET,
    CHECK_ALPHABET,
    CODE_LENGTH,
    check_char,
    format_for_humans,
    is_well_formed,
    new_code,
    normalise,
    verify,
)

bodies = st.text(alphabet=ALPHABET, min_size=CODE_LENGTH - 1, max_size=CODE_LENGTH - 1)
codes = bodies.map(lambda body: body + check_char(body))
# Anything a typist might put in a code's place, valid symbol or not.
REPLACEMENTS = CHECK_ALPHABET + "OILoil u-#"


def test_new_codes_are_short_well_formed_and_verify():
    for _ in range(1000):
        code = new_code()
        assert len(code) == CODE_LENGTH <= 16
        assert is_well_formed(code)
        assert verify(code)


def test_new_codes_are_unique_over_100k():
    generated = [new_code() for _ in range(100_000)]
    assert len(set(generated)) == len(generated)


def test_new_codes_are_not_sequential():
    # A counter keeps its leading characters for a long run; random codes do not.
    assert len({new_code()[:3] for _ in range(200)}) > 150
    assert len({new_code()[0] for _ in range(200)}) > 10


@pytest.mark.parametrize(
    ("body", "check"),
    [("0", "0"), ("1", "1"), ("Z", "Z"), ("10", "*"), ("11", "~"), ("12", "$"), ("13", "=")]
    + [("14", "U"), ("15", "0")],
)
def test_check_char_follows_crockford_mod_37(body, check):
    assert check_char(body) == check


@pytest.mark.parametrize("bad", ["U", "O", "I", "a", "*"])
def test_check_char_rejects_non_data_symbols(bad):
    with pytest.raises(ValueError):
        check_char("AB" + bad)


@given(codes)
def test_any_single_substitution_is_detected(code):
    assert verify(code)
    for i, original in enumerate(code):
        for ch in REPLACEMENTS:
            if ch != original:
                assert not verify(code[:i] + ch + code[i + 1 :]), (code, i, ch)


@given(codes)
def test_any_adjacent_transposition_is_detected(code):
    for i in range(len(code) - 1):
        a, b = code[i], code[i + 1]
        if a != b:
            assert not verify(code[:i] + b + a + code[i + 2 :]), (code, i)


@given(codes, st.data())
def test_normalise_undoes_typing_variations(code, data):
    typed = []
    for ch in code:
        variants = {ch, ch.lower()}
        if ch == "0":
            variants |= {"O", "o"}
        if ch == "1":
            variants |= {"I", "i", "L", "l"}
        typed.append(data.draw(st.sampled_from(sorted(variants))))
        typed.append(data.draw(st.sampled_from(["", "", "-", " "])))
    assert normalise("".join(typed)) == code
    assert verify(normalise("".join(typed)))


def test_normalise_keeps_u_check_symbol():
    body = next(b for b in (new_code()[:-1] for _ in range(10_000)) if check_char(b) == "U")
    assert normalise((body + "u").lower()) == body + "U"


@given(codes)
def test_format_for_humans_round_trips(code):
    printed = format_for_humans(code)
    assert printed.count("-") == 2
    assert all(len(group) == 5 for group in printed.split("-"))
    assert normalise(printed) == code


@pytest.mark.parametrize(
    "code", ["", "ABC", "0" * 16, "0123456789ABUD0", "0123456789ABC*0", "0123456789abcd0"]
)
def test_is_well_formed_rejects_bad_shapes(code):
    assert not is_well_formed(code)
    assert not verify(code)


def test_problem_names_what_is_wrong_most_telling_first():
    code = code_module.new_code()
    assert code_module.problem(code) is None
    assert code_module.problem(code[:10]) == "short"
    # One data character too many (a code may end in a symbol check, which only the last place
    # may hold, so the extra character goes before it).
    assert code_module.problem(code[:-1] + "7" + code[-1]) == "long"
    assert code_module.problem(code[:5] + "!" + code[6:]) == "characters"
    typo = code[:3] + ("1" if code[3] != "1" else "2") + code[4:]
    assert code_module.problem(typo) == "check"


def test_complete_adds_back_only_a_symbol_check_character():
    for _ in range(200):
        code = code_module.new_code()
        body, check = code[:-1], code[-1]
        expected = code if check in code_module.SYMBOL_CHECKS else body
        assert code_module.complete(body) == expected
        assert code_module.complete(code) == code
