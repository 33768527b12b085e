"""The warehouse (WMS) and carrier (TMS) simulators during a chaos run.

In auto mode they move every dispatch and waybill one step each `STEP_SECONDS` (picked, packed,
shipped; picked up, in transit, out for delivery, signed) and report each step by signed webhook,
so paid orders go on to `shipped` and `completed` with no test deciding. A simulator keeps its
book and its undelivered webhooks in SQLite (it comes back from a kill -9 with them) but starts in
its configured mode, not auto — `revive` switches it on again, as an operator would.

`forgotten` would tell a shipment a restart stranded (the simulator no longer knows its dispatch or
waybill) from one the platform left stuck: the invariants ask it about each shipment that did not
reach the end. Since the simulators became durable it should never explain one — each it does is
listed in the report, so a regression there shows.
"""

import os
from dataclasses import dataclass
from datetime import datetime

import httpx

from chaos.kills import Kills
from tradeflow_testing.polling import poll_within

STEP_SECONDS = 0.5
REVIVE_SECONDS = 30.0
WMS_STAGES = ("dispatched", "picked", "packed")  # the warehouse holds the goods
TMS_STAGES = ("shipped", "in_transit", "out_for_delivery")  # the carrier holds the parcel
URLS = {"wms-simulator": ("TRADEFLOW_WMS_SIMULATOR_URL", "http://127.0.0.1:8191"),
        "tms-simulator": ("TRADEFLOW_TMS_SIMULATOR_URL", "http://127.0.0.1:8192")}
KEYS = {"wms-simulator": ("TRADEFLOW_WMS_API_KEY", "wms-dev-key"),
        "tms-simulator": ("TRADEFLOW_TMS_API_KEY", "tms-dev-key")}


def url_of(part: str) -> str:
    variable, default = URLS[part]
    return os.environ.get(variable, default).rstrip("/")


@dataclass
class Simulators:
    http: httpx.AsyncClient
    kills: Kills

    async def auto(self, on: bool, parts: tuple[str, ...] = tuple(URLS)) -> dict[str, bool]:
        """Switch auto mode on or off; the mode each simulator was in before."""
        before = {}
        for part in parts:
            before[part] = (await self.http.get(f"{url_of(part)}/sim/mode")).raise_for_status().json()["auto"]
            r = await self.http.post(f"{url_of(part)}/sim/mode", json={"auto": on, "step_seconds": STEP_SECONDS})
            r.raise_for_status()
        return before

    async def revive(self, part: str) -> None:
        """A part is back: a simulator restarted in its start-up mode goes to auto mode again
        (asked until it answers, for its port may open a moment after the supervisor saw it run)."""
        if part not in URLS:
            return

        async def switched() -> bool:
            try:
                await self.auto(True, (part,))
            except httpx.HTTPError:
                return False
            return True

        took, _ = await poll_within(switched, bool, REVIVE_SECONDS, pause=0.2, max_pause=1.0)
        if not took:  # counted as not back: what it should move would stay where it is
            self.kills.not_recovered.append(f"{part} (auto mode refused for {REVIVE_SECONDS:g}s)")

    async def forgotten(self, shipment: dict) -> str | None:
        """Why a shipment that stopped short of signed is explained by a simulator restart (it no
        longer knows the dispatch or waybill) — or None: the platform left it stuck. `shipment`: fulfillment's row
        (status, progress — how far the goods were reported, also while being intercepted —,
        dispatch_number, waybill, planned_at, shipped_at)."""
        since, stage = shipment["planned_at"].timestamp(), shipment["progress"] or shipment["status"]
        if stage in WMS_STAGES and shipment["dispatch_number"]:
            if self.kills.killed_since("wms-simulator", since) \
                    and await self._unknown("wms-simulator", f"/wms/dispatches/{shipment['dispatch_number']}"):
                return "the WMS simulator was restarted since and forgot the dispatch"
        if stage in (*WMS_STAGES, *TMS_STAGES) and shipment["waybill"]:
            if self.kills.killed_since("tms-simulator", since) \
                    and await self._unknown("tms-simulator", f"/tms/waybills/{shipment['waybill']}"):
                return "the TMS simulator was restarted since and forgot the waybill"
        shipped_at: datetime | None = shipment.get("shipped_at")
        if stage in TMS_STAGES and shipped_at is not None \
                and self.kills.down_at("tms-simulator", shipped_at.timestamp()):
            waybill = await self._get("tms-simulator", f"/tms/waybills/{shipment['waybill']}")
            if waybill is not None and waybill.get("handed_over_at") is None:
                return "shipped while the TMS simulator was down and its hand-over not taken yet"
        return None

    async def _unknown(self, part: str, path: str) -> bool:
        return await self._get(part, path) is None

    async def _get(self, part: str, path: str) -> dict | None:
        variable, default = KEYS[part]
        r = await self.http.get(f"{url_of(part)}{path}",
                                headers={"Authorization": f"Bearer {os.environ.get(variable, default)}"})
        if r.status_code == 404:
            return None
        return r.raise_for_status().json()

