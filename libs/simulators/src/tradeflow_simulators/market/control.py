"""Demo and test control of the shops' orders (no signature): a buyer pays an order, cancels it,
changes its address, the shop refunds lines — each published as the shop's news (pushed, or added
to its feed). Bodies are neutral: money in integer minor units, a receiver as `{name, phone,
region, city, address}`; the answers show the order and the news exactly as the shop worded it."""

from datetime import UTC, datetime

from fastapi import APIRouter, Depends
from pydantic import Field

from tradeflow_simulators.edge import Receiver, Strict
from tradeflow_simulators.market.shop import Line, Order, Shop
from tradeflow_simulators.market.state import MarketState, market_state

Text = Field(min_length=1, max_length=64)


class NewLine(Strict):
    channel_sku: str = Text
    quantity: int = Field(gt=0, le=10_000)
    unit_price_amount: int = Field(ge=0)
    paid_amount: int = Field(ge=0)
    line_id: str | None = Field(None, min_length=1, max_length=64)
    """The shop's line id; made up when not given."""
    goods_code: str | None = Field(None, min_length=1, max_length=64)
    """An ERP shop's (shape C) goods code of the line; its shop SKU when not given."""


class NewOrder(Strict):
    external_order_id: str | None = Field(None, min_length=1, max_length=64)
    """The shop's order id; made up when not given."""
    member_id: str = Text
    phone: str | None = Field(None, min_length=1, max_length=50)
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")
    lines: list[NewLine] = Field(min_length=1, max_length=50)
    receiver: Receiver | None = None
    """None for virtual goods."""
    publish: bool = True
    """False: the order exists in the shop but is not told yet (`…/publish` tells it later)."""
    duplicate: bool = False
    """Tell the news twice (a push twice with the same msg_id; two feed records)."""


class Publish(Strict):
    duplicate: bool = False


class Cancellation(Publish):
    reason: str = Field("buyer cancelled", min_length=1, max_length=200)


class AddressChange(Publish):
    receiver: Receiver


class RefundedLine(Strict):
    line_id: str = Text
    quantity: int = Field(gt=0, le=10_000)


class NewRefund(Publish):
    lines: list[RefundedLine] = Field(min_length=1, max_length=50)
    amount: int = Field(ge=0)
    reason: str = Field("buyer asked for a refund", min_length=1, max_length=200)
    refund_id: str | None = Field(None, min_length=1, max_length=64)


router = APIRouter(prefix="/sim/market/{code}", tags=["simulator control"])


def told(state: MarketState, shop: Shop, order: Order, news: dict, duplicate: bool) -> dict:
    return order.describe() | {"news": state.publish(shop, order.order_id, news, duplicate=duplicate)}


@router.post("/orders", status_code=201)
async def place_order(code: str, body: NewOrder, state: MarketState = Depends(market_state)) -> dict:
    """A buyer paid an order in the shop; told at once unless `publish: false` (409 `order_exists`
    for an external order id the shop has)."""
    shop = state.shop(code)
    shape = state.shape(shop)
    order_id = body.external_order_id or shape.new_order_id()
    lines = [Line(line.line_id or shape.line_id(order_id, i), line.channel_sku, line.quantity,
                  line.unit_price_amount, line.paid_amount, line.goods_code) for i, line in enumerate(body.lines)]
    receiver = body.receiver.model_dump() if body.receiver else None
    order = shop.take_order(Order(order_id, body.member_id, body.phone, body.currency, lines, receiver, shape.paid,
                                  datetime.now(UTC)))
    if not body.publish:
        return order.describe() | {"news": []}
    order.published = True
    return told(state, shop, order, shape.order_news(order), body.duplicate)


@router.get("/orders/{order_id}")
async def get_order(code: str, order_id: str, state: MarketState = Depends(market_state)) -> dict:
    return state.shop(code).order(order_id).describe()


@router.post("/orders/{order_id}/publish")
async def publish_order(code: str, order_id: str, body: Publish, state: MarketState = Depends(market_state)) -> dict:
    """Tell the order (again: a repeated push or feed record, as a shop may do)."""
    shop = state.shop(code)
    order = shop.order(order_id)
    order.published = True
    return told(state, shop, order, state.shape(shop).order_news(order), body.duplicate)


@router.post("/orders/{order_id}/cancel")
async def cancel_order(code: str, order_id: str, body: Cancellation,
                       state: MarketState = Depends(market_state)) -> dict:
    shop = state.shop(code)
    order, shape = shop.order(order_id), state.shape(shop)
    order.status = shape.cancelled
    return told(state, shop, order, shape.cancel_news(order, body.reason), body.duplicate)


@router.post("/orders/{order_id}/address")
async def change_address(code: str, order_id: str, body: AddressChange,
                         state: MarketState = Depends(market_state)) -> dict:
    shop = state.shop(code)
    order = shop.order(order_id)
    order.receiver = body.receiver.model_dump()
    return told(state, shop, order, state.shape(shop).address_news(order), body.duplicate)


@router.post("/orders/{order_id}/refunds", status_code=201)
async def refund_lines(code: str, order_id: str, body: NewRefund, state: MarketState = Depends(market_state)) -> dict:
    """The shop refunded units of lines (422 `refund_refused`: more units than a line has left, or
    more money than the lines' paid amounts). The order need not be told yet: a refund before its
    order."""
    shop = state.shop(code)
    refund = shop.refund(order_id, [(line.line_id, line.quantity) for line in body.lines], body.amount,
                         body.reason, body.refund_id)
    return told(state, shop, shop.order(order_id), state.shape(shop).refund_news(refund), body.duplicate) | {
        "refund_id": refund.refund_id}
