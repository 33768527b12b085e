"""Auto-advance mode (demos, the benchmark): while it is on, the simulator moves everything it
holds one step every `step_seconds` by itself, without a test deciding. Switched by a setting
at start-up and by `POST /sim/mode {"auto": true, "step_seconds": 0.2}`; `GET /sim/mode` tells.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from tradeflow_simulators.stopping import cancel_all, wake_or_timeout

log = logging.getLogger(__name__)


class Autopilot:
    """Calls `step()` every `step_seconds` while `auto` is on (a changed mode restarts the pause)."""

    def __init__(self, step: Callable[[], Awaitable[None]], *, auto: bool, step_seconds: float) -> None:
        self.step, self.auto, self.step_seconds = step, auto, step_seconds
        self._changed = asyncio.Event()
        self._task: asyncio.Task | None = None

    def describe(self) -> dict:
        return {"auto": self.auto, "step_seconds": self.step_seconds}

    def set(self, auto: bool, step_seconds: float | None = None) -> None:
        self.auto = auto
        self.step_seconds = step_seconds or self.step_seconds
        self._changed.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="autopilot")

    async def _run(self) -> None:
        while True:
            self._changed.clear()
            if not self.auto:
                await self._changed.wait()
                continue
            await wake_or_timeout(self._changed, self.step_seconds)
            if self._changed.is_set():
                continue  # the mode changed: start the pause again under the new one
            try:
                await self.step()
            except Exception:  # a failed step is logged and the next one tried: demos keep moving
                log.exception("auto-advance step failed")

    async def aclose(self) -> None:
        if self._task is not None:
            await cancel_all([self._task])


class ModeChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    auto: bool
    step_seconds: float | None = Field(None, gt=0, le=3600)


def mode_router(autopilot_of: Callable[[Request], Autopilot]) -> APIRouter:
    router = APIRouter(tags=["simulator control"])

    @router.post("/sim/mode")
    async def change_mode(change: ModeChange, request: Request) -> dict:
        """Switch auto-advance on or off (and its step)."""
        autopilot = autopilot_of(request)
        autopilot.set(change.auto, change.step_seconds)
        return autopilot.describe()

    @router.get("/sim/mode")
    async def mode(request: Request) -> dict:
        return autopilot_of(request).describe()

    return router
