"""Account linking (DOMAIN §6): the buyer's phone, normalised, identifies the platform account —
the same phone from two channels is one account; each (channel, member) is linked to exactly one
account; a buyer without a phone gets an account of its own, keyed by (channel, member), that
staff can merge later.

Phones are normalised with `phonenumbers` (libphonenumber's rules, kept current by its
maintainers) to E.164, a number without a country code read as Chinese (+86)."""

import phonenumbers

from tradeflow_channel_adapter.domain.errors import BadNews

DEFAULT_REGION = "CN"


def normalise_phone(raw: str | None, where: str) -> str | None:
    """`raw` → "+8613800138000", None for none given, or BadNews for a number that is not one."""
    if raw is None or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise BadNews(where, f"not a phone number ({exc})") from None
    if not phonenumbers.is_possible_number(number):
        raise BadNews(where, f"not a possible phone number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
