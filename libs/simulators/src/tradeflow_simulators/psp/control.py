"""Demo and test control: decide a payment's outcome (as the buyer at the provider would), see
which webhooks went out, and a bare pay page for demos. Not part of a real provider's API."""

import html
from typing import Literal

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from tradeflow_simulators.psp.state import PspState, psp_state
from tradeflow_simulators.psp.webhooks import announce_outcome


class RefundFailureSwitch(BaseModel):
    count: int = Field(ge=0, le=1000)
    mode: Literal["declined", "unavailable"] = "declined"


class Decision(BaseModel):
    outcome: Literal["succeed", "fail"]
    notify: bool = True  # False: settle silently, as if the webhook were lost


router = APIRouter(tags=["simulator control"])


@router.post("/sim/payments/{psp_reference}", status_code=202)
async def decide_payment(psp_reference: str, decision: Decision, state: PspState = Depends(psp_state)) -> dict:
    """Settle the payment as succeeded or failed, then notify the merchant (signed webhook, retried);
    with `notify: false` no webhook is ever sent (a lost webhook: only a status query tells).
    409 if it was decided or cancelled before."""
    payment = state.ledger.decide(psp_reference, succeed=decision.outcome == "succeed")
    event_id = announce_outcome(state.dispatcher, payment).event_id if decision.notify else None
    return {"psp_reference": psp_reference, "status": payment.status.value, "event_id": event_id}


@router.post("/sim/refund-failures", status_code=202)
async def fail_refunds(switch: RefundFailureSwitch, state: PspState = Depends(psp_state)) -> dict:
    """The next `count` refund requests fail: `declined` (422 `refund_declined`: the merchant's
    refund is refused, it must ask again) or `unavailable` (503: the merchant retries). `count: 0`
    disarms the switch."""
    state.refund_failures.count, state.refund_failures.mode = switch.count, switch.mode
    return {"count": switch.count, "mode": switch.mode}


@router.get("/sim/webhooks")
async def list_webhooks(psp_reference: str | None = None, state: PspState = Depends(psp_state)) -> dict:
    return {"items": [d.describe("psp_reference") for d in state.dispatcher.store.listing(psp_reference)]}


_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Pay {ref}</title></head>
<body style="font-family:sans-serif;max-width:32em;margin:3em auto">
<h1>PSP simulator</h1><p>Payment <code>{ref}</code> for <b>{merchant}</b>:
<b>{amount} {currency}</b> (minor units), status <b id="status">{status}</b>.</p>
<button onclick="decide('succeed')">Pay</button> <button onclick="decide('fail')">Fail</button>
<script>
async function decide(outcome) {{
  const r = await fetch("/sim/payments/{ref}", {{method: "POST", headers: {{"Content-Type": "application/json"}},
                                                body: JSON.stringify({{outcome}})}});
  document.getElementById("status").textContent = (await r.json()).status || r.status;
}}
</script></body></html>"""


@router.get("/pay/{psp_reference}", response_class=HTMLResponse, include_in_schema=False)
async def pay_page(psp_reference: str, state: PspState = Depends(psp_state)) -> HTMLResponse:
    payment = state.ledger.payment(psp_reference)
    return HTMLResponse(_PAGE.format(ref=html.escape(payment.psp_reference),
                                     merchant=html.escape(payment.merchant_reference), amount=payment.amount,
                                     currency=html.escape(payment.currency), status=payment.status.value))
