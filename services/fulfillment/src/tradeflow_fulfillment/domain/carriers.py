"""Which carrier takes a parcel: configured per (warehouse, region), with a default.

The configuration is one string (setting `FULFILLMENT_CARRIER_RULES`):

    WH-1:east=SF,*=ZTO;WH-2:west=JD;*:*=YTO

`;` separates warehouses; each entry is `<warehouse>:<region>=<carrier>[,<region>=<carrier>…]`;
`*` stands for any warehouse or any region. The most specific rule wins: (warehouse, region),
then (warehouse, *), then (*, region), then (*, *). A `*:*` default is required, so every parcel
has a carrier; a rule given twice is an error. Spaces around the parts are ignored.
"""

from dataclasses import dataclass

from tradeflow_fulfillment.domain.errors import InvalidCarrierRules

ANY = "*"
DEFAULT_CARRIER_RULES = "*:*=YTO"


@dataclass(frozen=True)
class CarrierRules:
    rules: tuple[tuple[str, str, str], ...]  # (warehouse, region, carrier)

    @classmethod
    def parse(cls, text: str) -> "CarrierRules":
        rules: dict[tuple[str, str], str] = {}
        for entry in (e.strip() for e in text.split(";")):
            if not entry:
                continue
            warehouse, sep, choices = (part.strip() for part in entry.partition(":"))
            if not sep or not warehouse:
                raise InvalidCarrierRules(f"{entry!r}: expected <warehouse>:<region>=<carrier>[,…]")
            for choice in choices.split(","):
                region, carrier = _choice(entry, choice)
                if (warehouse, region) in rules:
                    raise InvalidCarrierRules(f"{entry!r}: a carrier for {warehouse}:{region} is given twice")
                rules[(warehouse, region)] = carrier
        if (ANY, ANY) not in rules:
            raise InvalidCarrierRules(f"{text!r}: no default carrier (add an entry *:*=<carrier>)")
        return cls(tuple((w, r, c) for (w, r), c in rules.items()))

    def carrier_for(self, warehouse: str, region: str) -> str:
        by_key = {(w, r): c for w, r, c in self.rules}
        for key in ((warehouse, region), (warehouse, ANY), (ANY, region), (ANY, ANY)):
            if key in by_key:
                return by_key[key]
        raise AssertionError("parse guarantees a default")  # pragma: no cover


def _choice(entry: str, choice: str) -> tuple[str, str]:
    region, sep, carrier = (part.strip() for part in choice.partition("="))
    if not sep or not region or not carrier:
        raise InvalidCarrierRules(f"{entry!r}: {choice.strip()!r} is not <region>=<carrier>")
    return region, carrier
