"""A deterministic demo phonebook with prefix search on name words and phone digits.

The contacts are generated from fixed name lists (no randomness), so every run, every
test and every browser session sees the same names, phones, uuids and amoCRM ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_SIZE = 300

# Fixed namespace so the uuids are stable across runs and machines.
_UUID_NAMESPACE = uuid.UUID("6f1c2f4e-9a57-4c1b-8d0e-3b1a5e7c9d20")

_RU_MALE_FIRST = (
    "Александр", "Алексей", "Андрей", "Борис", "Василий", "Виктор", "Дмитрий", "Евгений", "Иван", "Игорь",
    "Константин", "Максим", "Михаил", "Николай", "Олег", "Павел", "Роман", "Сергей", "Юрий", "Ярослав",
)
_RU_FEMALE_FIRST = (
    "Анна", "Елена", "Ольга", "Наталья", "Екатерина", "Татьяна", "Мария", "Ирина", "Светлана", "Юлия",
    "Ксения", "Дарья", "Алина", "Вера", "Галина", "Людмила", "Марина", "Полина", "Софья", "Яна",
)
# Male surname forms; the female form appends "а" (all of these end in -ов/-ев/-ин).
_RU_LAST = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
    "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
    "Степанов", "Никитин",
)
_EN_FIRST = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
    "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Rose",
)
_EN_LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Wilson", "Anderson", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Peters",
)
_RU_PREFIXES = ("7916", "7903", "7495")
_EN_PREFIXES = ("1212", "1415", "4420")

# Characters a person may type inside a phone number; a query made only of these and
# digits is also matched against phone numbers.
_PHONE_PUNCTUATION = frozenset("+-() .")


@dataclass(frozen=True)
class Contact:
    """One phonebook entry; ``contact_id`` is the amoCRM contact id (not sent in Contact)."""

    uuid: str
    name: str
    phone: str
    contact_id: int

    def to_wire(self) -> dict[str, str]:
        """Return the protocol's Contact model: ``{"uuid", "name", "phone"}``."""
        return {"uuid": self.uuid, "name": self.name, "phone": self.phone}


def digits_of(text: str) -> str:
    """Return only the decimal digits of ``text`` (ASCII 0-9)."""
    return "".join(ch for ch in text if "0" <= ch <= "9")


def _fold(text: str) -> str:
    # "ё" and "е" are used interchangeably in Russian writing; search should not care.
    return text.casefold().replace("ё", "е")


def _pick(first: tuple[str, ...], last: tuple[str, ...], n: int) -> tuple[str, str]:
    # n -> (first[b], last[(a + b) % len]) with n = a*len(first) + b: a distinct pair for
    # every n below len(first) * len(last), so names never repeat within a group.
    a, b = divmod(n, len(first))
    return first[b], last[(a + b) % len(last)]


def generate_contacts(size: int = DEFAULT_SIZE) -> list[Contact]:
    """Generate ``size`` contacts: a fixed mix of Russian (male, female) and English names.

    Deterministic: the i-th contact is always the same. Phones are unique; uuids are
    UUID5 of a fixed namespace; amoCRM ids are ``10001 + i``.
    """
    contacts = []
    counters = [0, 0, 0]
    for i in range(size):
        group = (0, 2, 1, 2)[i % 4]  # half English, a quarter each Russian male / female
        n = counters[group]
        counters[group] += 1
        if group == 0:
            first, last = _pick(_RU_MALE_FIRST, _RU_LAST, n)
        elif group == 1:
            first, last = _pick(_RU_FEMALE_FIRST, _RU_LAST, n)
            last += "а"
        else:
            first, last = _pick(_EN_FIRST, _EN_LAST, n)
        prefixes = _EN_PREFIXES if group == 2 else _RU_PREFIXES
        # 7919 is coprime with 10**7, so the 7-digit tails are distinct for every i.
        phone = prefixes[i % 3] + f"{(1000003 + i * 7919) % 10_000_000:07d}"
        contact_uuid = str(uuid.uuid5(_UUID_NAMESPACE, f"demo-contact-{i}"))
        contacts.append(Contact(uuid=contact_uuid, name=f"{first} {last}", phone=phone, contact_id=10001 + i))
    return contacts


class Phonebook:
    """An immutable in-memory phonebook with prefix search. Safe to share between threads."""

    def __init__(self, contacts: Iterable[Contact] | None = None) -> None:
        self._contacts: tuple[Contact, ...] = tuple(generate_contacts() if contacts is None else contacts)
        self._by_uuid = {c.uuid: c for c in self._contacts}
        self._by_digits = {digits_of(c.phone): c for c in self._contacts}
        # Every tail of the folded name that begins at a word start: "anna ivanova" ->
        # ("anna ivanova", "ivanova"). A query matches if one of them starts with it, which
        # covers both "iva" and a multi-word query like "anna iv".
        self._name_tails = tuple(self._tails(c.name) for c in self._contacts)

    @staticmethod
    def _tails(name: str) -> tuple[str, ...]:
        words = _fold(name).split()
        return tuple(" ".join(words[k:]) for k in range(len(words)))

    def __len__(self) -> int:
        return len(self._contacts)

    @property
    def contacts(self) -> tuple[Contact, ...]:
        """All contacts, in generation order."""
        return self._contacts

    def by_uuid(self, contact_uuid: str) -> Contact | None:
        """Return the contact with this uuid, or None."""
        return self._by_uuid.get(contact_uuid)

    def by_phone(self, phone: str) -> Contact | None:
        """Return the contact whose phone has the same digits as ``phone``, or None."""
        digits = digits_of(phone)
        return self._by_digits.get(digits) if digits else None

    def search(self, start_with: str, max_results: int) -> list[Contact]:
        """Return up to ``max_results`` contacts matching ``start_with``, in phonebook order.

        A contact matches when a word of its name starts with the query (case-insensitive,
        also for Cyrillic; a multi-word query must match consecutive words), or when the
        query looks like a phone number (digits plus ``+ - ( ) .`` and spaces) and the
        contact's phone starts with the query's digits. An empty query matches everything.
        """
        if max_results <= 0:
            return []
        query = " ".join(_fold(start_with).split())
        query_digits = digits_of(start_with)
        phone_like = bool(query_digits) and all(
            "0" <= ch <= "9" or ch in _PHONE_PUNCTUATION for ch in start_with
        )
        found = []
        for contact, tails in zip(self._contacts, self._name_tails):
            if any(tail.startswith(query) for tail in tails) or (
                phone_like and digits_of(contact.phone).startswith(query_digits)
            ):
                found.append(contact)
                if len(found) >= max_results:
                    break
        return found
