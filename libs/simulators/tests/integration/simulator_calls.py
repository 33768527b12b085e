"""What the simulator integration tests share beyond fixtures: the key, fast retries, an
authenticated client, and request bodies (a module on the test path, not a package, so that its
name cannot clash with another `integration` test package)."""

import httpx

API_KEY = "test-api-key"
WMS_SECRET, TMS_SECRET = "test-wms-webhook-secret", "test-tms-webhook-secret"
FAST_RETRIES = {"webhook_backoff_seconds": 0.01, "webhook_max_backoff_seconds": 0.05}
RECEIVER = {"name": "Han Meimei", "phone": "13900000000", "region": "Zhejiang", "city": "Hangzhou",
            "address": "2 West Lake Rd"}


def client(url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {API_KEY}"})


def dispatch_body(number: str, **changes) -> dict:
    return {"dispatch_number": number, "warehouse": "WH-SH", "shipment_id": f"shp-{number}", "carrier": "SF",
            "waybill": f"SF-{number}",
            "receiver": {"name": "Li Lei", "phone": "13800000000", "region": "Shanghai", "city": "Shanghai",
                         "address": "1 Nanjing Rd"},
            "lines": [{"line_id": "l1", "sku": "SKU-A", "quantity": 2}, {"line_id": "l2", "sku": "SKU-B",
                                                                        "quantity": 1}]} | changes


def waybill_body(shipment_id: str, carrier: str = "SF", **changes) -> dict:
    return {"shipment_id": shipment_id, "carrier": carrier, "warehouse": "WH-HZ", "receiver": RECEIVER,
            "weight_grams": 1500} | changes


async def issued(tms: httpx.AsyncClient, shipment_id: str, carrier: str = "SF") -> str:
    response = await tms.post("/tms/waybills", json=waybill_body(shipment_id, carrier))
    assert response.status_code == 201, response.text
    assert response.json()["carrier"] == carrier
    return response.json()["waybill"]
