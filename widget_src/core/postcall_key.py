"""Where the post-call outbox is kept: the one name script.js (its loader) and postcall.js (the
card) share. Its own module, so that script.js need not carry the outbox's logic."""


def storage_key(user_id):
    """Where a user's outbox is kept (localStorage)."""
    return "asng.postcall." + str(user_id)
