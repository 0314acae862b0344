"""Which books to print labels for: a checkout, an event, or typed/scanned book codes.

Read-only, through the public service queries only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.errors import InputError
from app.i18n import _
from app.services.checkout.checkouts import get_checkout
from app.services.core.actor import Actor
from app.services.core.books import BookInfo, find_book, list_event_books


def checkout_books(actor: Actor, checkout_id: str) -> list[BookInfo]:
    """The books of a checkout still with the merchant (books taken back are left out)."""
    return [b for b in get_checkout(actor, checkout_id).books if b.state != "taken_back"]


def event_books(actor: Actor, event_id: str) -> list[BookInfo]:
    """Every issued or planned book of an event, in number order."""
    return list_event_books(actor, event_id)


def coded_books(actor: Actor, codes: Iterable[str]) -> list[BookInfo]:
    """The books of scanned or typed codes (a book code or any slip number), each once.

    Raises:
        InputError, NotFound: a code that names no registered book.
    """
    if isinstance(codes, str):
        codes = re.split(r"[,;\s]+", codes)
    seen: dict[str, BookInfo] = {}
    for code in codes:
        if str(code).strip():
            book = find_book(actor, str(code))
            seen.setdefault(book.id, book)
    return list(seen.values())


def label_books(actor: Actor, checkout_id: str | None = None, event_id: str | None = None,
                book_codes: Iterable[str] | None = None) -> list[BookInfo]:
    """The books named by exactly one of the three sources.

    Raises:
        InputError: none or several sources given. NotFound: unknown checkout, event or book.
    """
    given = [s for s in (checkout_id, event_id, book_codes) if s]
    if len(given) != 1:
        raise InputError(_("Choose the books for the labels: one checkout, one event, or a "
                           "list of book codes."))
    if checkout_id:
        return checkout_books(actor, checkout_id)
    if event_id:
        return event_books(actor, event_id)
    return coded_books(actor, book_codes or [])
