"""Refusals of the price book's administration (API.md "Catalog, freight, coupons, points")."""

from tradeflow_order.domain.errors import OrderError


class SkuNotFound(OrderError):
    slug = "sku-not-found"


class FreightTemplateNotFound(OrderError):
    slug = "freight-template-not-found"


class CouponNotFound(OrderError):
    slug = "coupon-not-found"


class NotYourCatalogEntry(OrderError):
    """A merchant reached for another merchant's SKU or template, a buyer for another's points,
    or someone other than staff for what only staff manage."""

    slug = "forbidden"


class InvalidCatalogEntry(OrderError):
    """An entry the price book cannot take (e.g. a balance beyond the largest amount)."""

    slug = "invalid-catalog-entry"

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field
