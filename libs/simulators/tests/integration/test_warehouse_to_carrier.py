"""In auto mode the warehouse hands each shipped parcel to the carrier, which then delivers it by
itself: the whole journey reported to our callbacks without a test deciding anything."""

import httpx

from tradeflow_simulators import tms, wms
from tradeflow_simulators.serving import serving
from tradeflow_testing.polling import poll_until

KEY = {"Authorization": "Bearer test-api-key"}
FAST = {"api_key": "test-api-key", "webhook_backoff_seconds": 0.01, "auto": True, "step_seconds": 0.02}


async def test_a_dispatch_in_auto_mode_is_shipped_handed_over_and_signed_for(receiver):
    carrier_settings = tms.TmsSimSettings(callback_url=receiver.url, **FAST)
    async with serving(tms.create_app(carrier_settings)) as tms_url, httpx.AsyncClient(base_url=tms_url,
                                                                                       headers=KEY) as carrier:
        warehouse_settings = wms.WmsSimSettings(callback_url=receiver.url, carrier_url=tms_url, **FAST)
        async with serving(wms.create_app(warehouse_settings)) as wms_url, httpx.AsyncClient(
                base_url=wms_url, headers=KEY) as warehouse:
            receiver_address = {"name": "A", "phone": "1", "region": "R", "city": "C", "address": "X"}
            waybill = (await carrier.post("/tms/waybills", json={
                "shipment_id": "shp-auto", "carrier": "ZTO", "warehouse": "WH-1", "receiver": receiver_address,
                "weight_grams": 800})).json()["waybill"]
            created = await warehouse.post("/wms/dispatches", json={
                "dispatch_number": "D-AUTO-1", "warehouse": "WH-1", "shipment_id": "shp-auto", "carrier": "ZTO",
                "waybill": waybill, "receiver": receiver_address,
                "lines": [{"line_id": "l1", "sku": "SKU-A", "quantity": 1}]})
            assert created.status_code == 201
            await poll_until(_received(receiver), lambda kinds: "signed" in kinds, 10, "the signed webhook")
            assert (await carrier.get(f"/tms/waybills/{waybill}")).json()["handed_over_at"] is not None
    from_warehouse = [e["type"] for e in receiver.events(dispatch_number="D-AUTO-1")]
    from_carrier = [e["type"] for e in receiver.events(waybill=waybill) if "dispatch_number" not in e]
    assert from_warehouse == ["picked", "packed", "shipped"]
    assert from_carrier == ["picked_up", "in_transit", "out_for_delivery", "signed"]


def _received(receiver):
    async def kinds() -> list[str]:
        return [e["type"] for e in receiver.events(shipment_id="shp-auto")]
    return kinds
