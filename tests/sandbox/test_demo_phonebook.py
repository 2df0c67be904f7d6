"""The demo phonebook: deterministic contacts and prefix search (no server needed)."""

from __future__ import annotations

import re

from sandbox.demo_backend.phonebook import Contact, Phonebook, digits_of, generate_contacts

BOOK = Phonebook()


def names(contacts: list[Contact]) -> list[str]:
    return [c.name for c in contacts]


def test_generation_is_deterministic_and_sized() -> None:
    assert generate_contacts() == generate_contacts()
    assert len(BOOK) == 300
    assert BOOK.contacts[0] == Contact(
        uuid="d0831a32-fd06-5135-abe5-95f9b05b55a0", name="Александр Иванов", phone="79161000003",
        contact_id=10001,
    )
    assert BOOK.contacts[1].name == "James Smith"
    assert BOOK.contacts[2].name == "Анна Иванова"


def test_contacts_are_unique_and_well_formed() -> None:
    contacts = BOOK.contacts
    assert len({c.uuid for c in contacts}) == 300
    assert len({c.phone for c in contacts}) == 300
    assert len({c.name for c in contacts}) == 300
    assert [c.contact_id for c in contacts] == list(range(10001, 10301))
    assert all(re.fullmatch(r"[0-9]{11}", c.phone) for c in contacts)
    cyrillic = [c for c in contacts if re.search("[а-яА-ЯёЁ]", c.name)]
    latin = [c for c in contacts if re.fullmatch(r"[A-Za-z ]+", c.name)]
    assert len(cyrillic) == 150
    assert len(latin) == 150


def test_to_wire_is_the_protocol_contact_model() -> None:
    contact = BOOK.contacts[0]
    assert contact.to_wire() == {"uuid": contact.uuid, "name": "Александр Иванов", "phone": "79161000003"}


def test_search_matches_any_word_prefix_latin_case_insensitive() -> None:
    found = BOOK.search("SMI", 100)
    assert found
    assert all(any(w.lower().startswith("smi") for w in c.name.split()) for c in found)
    assert "James Smith" in names(found)
    assert names(BOOK.search("james s", 100)) == ["James Smith"]
    # "mith" is inside a word, not at its start.
    assert BOOK.search("mith", 100) == []


def test_search_cyrillic_case_insensitive_and_yo_folding() -> None:
    lower = BOOK.search("иван", 300)
    upper = BOOK.search("ИВАН", 300)
    assert lower == upper
    assert "Иван Новиков" in names(lower)  # first name
    assert "Александр Иванов" in names(lower)  # surname
    assert "Анна Иванова" in names(lower)
    assert names(BOOK.search("анна ив", 10)) == ["Анна Иванова"]
    # People type "е" for "ё".
    fedorov = BOOK.search("федоров", 300)
    assert fedorov
    assert all("Фёдоров" in c.name for c in fedorov)


def test_search_by_phone_digits_ignores_punctuation() -> None:
    plain = BOOK.search("7916", 300)
    assert plain
    assert all(c.phone.startswith("7916") for c in plain)
    assert BOOK.search("+7 (916) ", 300) == plain
    assert BOOK.search("+7-916", 300) == plain
    assert names(BOOK.search("7916100", 10)) == ["Александр Иванов"]
    # Letters make it a name query: no phone digits matching for "a7916".
    assert BOOK.search("a7916", 10) == []


def test_search_limits_and_empty_query() -> None:
    assert len(BOOK.search("7", 5)) == 5
    assert BOOK.search("7", 0) == []
    assert BOOK.search("7", -3) == []
    assert BOOK.search("", 4) == list(BOOK.contacts[:4])
    assert BOOK.search("zzzz", 10) == []


def test_lookup_by_uuid_and_phone() -> None:
    contact = BOOK.contacts[42]
    assert BOOK.by_uuid(contact.uuid) == contact
    assert BOOK.by_uuid("no-such-uuid") is None
    assert BOOK.by_phone(contact.phone) == contact
    assert BOOK.by_phone("+" + contact.phone[0] + " " + contact.phone[1:]) == contact
    assert BOOK.by_phone("000") is None
    assert BOOK.by_phone("") is None
    assert digits_of("+7 (916) 123-45-67") == "79161234567"


def test_custom_contacts() -> None:
    book = Phonebook([Contact("u1", "Rose Peters", "79161234567", 4183)])
    assert len(book) == 1
    assert book.search("pet", 10)[0].contact_id == 4183
